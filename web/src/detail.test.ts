import { describe, expect, it } from 'vitest';
import { outage } from './testing.ts';
import { dayOffset, detailOrder, etrState, limitNotes, middleEllipsis, nestedOf, nextInCycle, shownInCycle, summariseEvidence } from './detail.ts';
import { outageShapes, statesOfShapes } from './state.ts';

describe('detail cycle', () => {
  it('orders active root outages largest first, then oldest first, then by id', () => {
    const order = detailOrder([
      outage('small', { customers: 3 }),
      outage('big', { customers: 146, level: 'device' }),
      outage('mid-new', { customers: 20, startedAt: 2_000_000 }),
      outage('mid-old', { customers: 20, startedAt: 1_000_000 }),
      outage('mid-old-b', { customers: 20, startedAt: 1_000_000 }),
      outage('nested', { customers: 500, parentId: 'big' }),
      outage('ended', { customers: 900, status: 'restored', restoredAt: 1_500_000 }),
      outage('momentary', { customers: 900, status: 'momentary', restoredAt: 1_000_100 }),
    ]);
    expect(order).toEqual(['big', 'mid-old', 'mid-old-b', 'mid-new', 'small']);
  });

  it('ranks by customers still out after restoration steps', () => {
    const order = detailOrder([
      outage('a', { customers: 100, status: 'restoring', steps: [{ at: 1, customers: 90 }] }),
      outage('b', { customers: 50 }),
    ]);
    expect(order).toEqual(['b', 'a']);
  });

  it('keeps the cycle to the largest few', () => {
    const many = Array.from({ length: 30 }, (_, i) => outage(`o${String(i).padStart(2, '0')}`, { customers: i }));
    const order = detailOrder(many, 5);
    expect(order).toEqual(['o29', 'o28', 'o27', 'o26', 'o25']);
  });

  it('steps through the order and wraps around', () => {
    const order = ['a', 'b', 'c'];
    expect(nextInCycle(order, null)).toBe('a');
    expect(nextInCycle(order, 'a')).toBe('b');
    expect(nextInCycle(order, 'c')).toBe('a');
    expect(nextInCycle(order, 'gone')).toBe('a');
    expect(nextInCycle([], 'a')).toBeNull();
  });

  it('shows the current outage while it is in the cycle, else the largest', () => {
    expect(shownInCycle(['a', 'b'], 'b')).toBe('b');
    expect(shownInCycle(['a', 'b'], 'gone')).toBe('a');
    expect(shownInCycle(['a', 'b'], null)).toBe('a');
    expect(shownInCycle([], 'a')).toBeNull();
  });
});

describe('evidence summary', () => {
  it('keeps the notes, oldest first, and counts distinct power-off devices', () => {
    const o = outage('x', {
      level: 'device',
      evidence: [
        { ts: 30, device: 'R1', kind: 'breaker.lockout', note: 'R1 locked out: confirmed and located by protection' },
        { ts: 10, device: 'M1', kind: 'meter.power-off' },
        { ts: 11, device: 'M2', kind: 'meter.power-off' },
        { ts: 12, device: 'M1', kind: 'meter.power-off' },
        { ts: 13, device: 'C1', kind: 'concentrator.power-off' },
        { ts: 20, device: 'R1', kind: 'rollup', note: '2 of 2 station areas below R1 dark (≥ 50%): rolled up to R1' },
        { ts: 25, device: 'FCI3', kind: 'fci.fault', note: 'fault below FCI3 (saw fault current), above FCI4 (did not)' },
        { ts: 26, device: 'FCI3', kind: 'fci.fault', note: 'fault below FCI3 (saw fault current), above FCI4 (did not)' },
        { ts: 27, device: 'X', kind: 'switch.open', note: '   ' },
      ],
    });
    const s = summariseEvidence(o);
    expect(s.meters).toBe(2);
    expect(s.concentrators).toBe(1);
    expect(s.notes.map((n) => n.kind)).toEqual(['rollup', 'fci.fault', 'breaker.lockout']);
    expect(s.notes.every((n) => n.via === undefined)).toBe(true);
  });

  it('adds the nested note of the outages folded in, and their power-off evidence', () => {
    const parent = outage('p', { level: 'device', device: 'R1', evidence: [{ ts: 5, device: 'R1', kind: 'rollup', note: 'rolled up to R1' }] });
    const child = outage('c', {
      parentId: 'p',
      device: 'F7',
      evidence: [
        { ts: 1, device: 'F7', kind: 'rollup', note: 'rolled up to F7' },
        { ts: 2, device: 'M9', kind: 'meter.power-off' },
        { ts: 6, device: 'R1', kind: 'nested', note: 'inside the outage at R1' },
      ],
    });
    const all = [parent, child, outage('other', { parentId: 'q' })];
    const nested = nestedOf(all, 'p');
    expect(nested.map((o) => o.id)).toEqual(['c']);
    const s = summariseEvidence(parent, nested);
    expect(s.notes).toEqual([
      { ts: 5, device: 'R1', kind: 'rollup', note: 'rolled up to R1' },
      { ts: 6, device: 'R1', kind: 'nested', note: 'inside the outage at R1', via: 'F7' },
    ]);
    expect(s.meters).toBe(1);
  });

  it('tells repeated notes apart by their code and args when they have them', () => {
    const lockout = (ts: number, device: string, note: string) => ({ ts, device, kind: 'breaker.lockout', note, code: 'lockout' as const, args: { device } });
    const o = outage('x', {
      level: 'device',
      evidence: [
        lockout(10, 'R1', 'R1 locked out: confirmed and located by protection'),
        // Worded differently (an older server), the same code and args: the same note.
        lockout(11, 'R1', 'R1 locked out'),
        lockout(12, 'R2', 'R2 locked out'),
        // A code this build does not know: told apart by its words, and kept.
        { ts: 13, device: 'R1', kind: 'breaker.lockout', note: 'R1 locked out', code: 'lockout-v2' as never, args: { device: 'R1' } },
        { ts: 14, device: 'R1', kind: 'breaker.lockout', note: 'R1 locked out', code: 'lockout-v2' as never, args: { device: 'R1' } },
      ],
    });
    const s = summariseEvidence(o);
    expect(s.notes.map((n) => [n.ts, n.code ?? null])).toEqual([
      [10, 'lockout'],
      [12, 'lockout'],
      [13, null],
    ]);
    expect(s.notes[1]).toMatchObject({ note: 'R2 locked out', args: { device: 'R2' } });
  });

  it('limits notes to the first and the newest', () => {
    const n = [1, 2, 3, 4, 5, 6];
    expect(limitNotes(n, 10)).toEqual({ shown: n, hidden: 0 });
    expect(limitNotes(n, 3)).toEqual({ shown: [1, 5, 6], hidden: 3 });
    expect(limitNotes(n, 1)).toEqual({ shown: [1], hidden: 5 });
    expect(limitNotes(n, 0)).toEqual({ shown: [], hidden: 6 });
  });
});

describe('restoration times', () => {
  it('tells an ETR ahead from an overdue one', () => {
    expect(etrState({ etr: null, restoredAt: null }, 100)).toBe('none');
    expect(etrState({ etr: 200, restoredAt: null }, 100)).toBe('ahead');
    expect(etrState({ etr: 50, restoredAt: null }, 100)).toBe('overdue');
    expect(etrState({ etr: 50, restoredAt: 90 }, 100)).toBe('none');
  });

  it('counts calendar days to an ETR', () => {
    const now = new Date(2026, 10, 27, 22, 0).getTime();
    expect(dayOffset(new Date(2026, 10, 27, 23, 59).getTime(), now)).toBe(0);
    expect(dayOffset(new Date(2026, 10, 28, 0, 30).getTime(), now)).toBe(1);
    expect(dayOffset(new Date(2026, 10, 26, 23, 0).getTime(), now)).toBe(-1);
  });
});

describe('map shapes', () => {
  const now = 10 * 60_000;
  it('draws planned outages apart, never customer-side or nested ones', () => {
    const shapes = outageShapes(
      [
        outage('a', { transformers: ['T1', 'T2'] }),
        outage('p', { status: 'planned', transformers: ['T2', 'T3'] }),
        outage('cs', { status: 'customer-side', level: 'meter', device: 'M1', transformers: ['T4'] }),
        outage('n', { parentId: 'a', transformers: ['T5'] }),
      ],
      now,
    );
    expect(shapes.map((s) => [s.id, s.kind])).toEqual([
      ['a', 'alarm'],
      ['p', 'planned'],
    ]);
    expect(statesOfShapes(shapes)).toEqual({ out: ['T1', 'T2'], planned: ['T3'], recent: [] });
  });

  it('draws the restored part of a restoring outage amber while the step is recent', () => {
    const o = outage('r', {
      status: 'restoring',
      customers: 30,
      transformers: ['T1', 'T2', 'T3'],
      restored: ['T2'],
      steps: [{ at: now - 30_000, customers: 10 }],
    });
    const shapes = outageShapes([o], now);
    expect(shapes.map((s) => [s.kind, s.areas, s.customers])).toEqual([
      ['alarm', ['T1', 'T3'], 20],
      ['recent', ['T2'], 10],
    ]);
    expect(outageShapes([o], now + 10 * 60_000).map((s) => s.kind)).toEqual(['alarm']);
  });
});

describe('ids', () => {
  it('shortens long ids in the middle, at separators', () => {
    expect(middleEllipsis('ZB-p1umv39', 18)).toBe('ZB-p1umv39');
    expect(middleEllipsis('recloser_disswitch_udt10888-udt12756', 18)).toBe('recloser…udt12756');
    expect(middleEllipsis('fuse_udt11746-udt7336', 16)).toBe('fuse…746-udt7336');
    expect(middleEllipsis('abcdefghijklmnopqrstuvwxyz', 10)).toBe('abcd…vwxyz');
    for (const id of ['padswitch_udt12291-udt5133', 'tr_udt10888-udt10888lv', 'uhs4_1247--p1umv8x']) {
      expect(middleEllipsis(id, 14).length).toBeLessThanOrEqual(14);
    }
  });
});
