import { describe, expect, it } from 'vitest';
import { outage } from './testing.ts';
import type { Kpis, KpiPoint, Snapshot } from '@gridwatch/shared';
import {
  KPI_HISTORY_MAX,
  RECENT_MS,
  RESTORED_RETAIN_MS,
  appendKpiPoint,
  applyKpis,
  applyOutageDelta,
  applySnapshot,
  checkSeq,
  formatDuration,
  formatShare,
  hasAlarm,
  initialState,
  pruneOutages,
  serverNow,
  sortOutages,
  transformerStates,
} from './state.ts';

const MIN = 60_000;

function kpis(at: number, patch: Partial<Kpis> = {}): Kpis {
  return {
    at,
    messagesPerSec: 10,
    readingsPerSec: 8,
    readingsStored: 1000,
    deadLetters: 0,
    activeOutages: 0,
    customersOut: 0,
    customersServed: 1000,
    saifiMonth: 0,
    saidiMonth: 0,
    ...patch,
  };
}

function point(at: number): KpiPoint {
  return { at, messagesPerSec: 1, readingsPerSec: 1, activeOutages: 0, customersOut: 0 };
}

function snapshot(patch: Partial<Snapshot> = {}): Snapshot {
  return {
    seq: 10,
    serverTime: 2_000_000,
    network: {
      id: 'demo',
      name: 'Demo',
      version: 'v1',
      counts: { substations: 1, feeders: 1, devices: 1, transformers: 1, customers: 1 },
      bounds: [
        [121, 37],
        [122, 38],
      ],
    },
    outages: [outage('a')],
    kpis: kpis(2_000_000),
    kpiHistory: [point(1_999_000), point(2_000_000)],
    ...patch,
  };
}

describe('applySnapshot', () => {
  it('replaces all state and learns the clock offset', () => {
    const before = applyOutageDelta(applySnapshot(initialState, snapshot(), 0), { seq: 11, outages: [outage('b')] }, 0).state;
    expect(before.outages.size).toBe(2);
    const s = applySnapshot(before, snapshot({ seq: 3, outages: [outage('c')], serverTime: 5_000 }), 4_000);
    expect(s.seq).toBe(3);
    expect([...s.outages.keys()]).toEqual(['c']);
    expect(s.clockOffset).toBe(1_000);
    expect(serverNow(s, 10_000)).toBe(11_000);
    expect(s.kpiHistory).toHaveLength(2);
  });

  it('bounds a long kpi history from the server', () => {
    const history = Array.from({ length: KPI_HISTORY_MAX + 50 }, (_, i) => point(i));
    const s = applySnapshot(initialState, snapshot({ kpiHistory: history }), 0);
    expect(s.kpiHistory).toHaveLength(KPI_HISTORY_MAX);
    expect(s.kpiHistory[0]!.at).toBe(50);
  });

  it('drops outages restored long ago already in the snapshot', () => {
    const serverTime = 100 * MIN;
    const s = applySnapshot(
      initialState,
      snapshot({
        serverTime,
        outages: [
          outage('old', { status: 'restored', restoredAt: serverTime - RESTORED_RETAIN_MS - 1 }),
          outage('new', { status: 'restored', restoredAt: serverTime - MIN }),
        ],
      }),
      0,
    );
    expect([...s.outages.keys()]).toEqual(['new']);
  });
});

describe('seq handling', () => {
  it('classifies seq against the last one', () => {
    expect(checkSeq(null, 1)).toBe('gap');
    expect(checkSeq(4, 5)).toBe('apply');
    expect(checkSeq(4, 7)).toBe('gap');
    expect(checkSeq(4, 4)).toBe('stale');
    expect(checkSeq(4, 1)).toBe('stale');
  });

  it('upserts by id without resync when seq follows', () => {
    const s0 = applySnapshot(initialState, snapshot(), 0);
    const { state, resync } = applyOutageDelta(s0, { seq: 11, outages: [outage('a', { status: 'restoring', customers: 5 }), outage('b')] }, 0);
    expect(resync).toBe(false);
    expect(state.seq).toBe(11);
    expect(state.outages.get('a')!.status).toBe('restoring');
    expect(state.outages.get('a')!.customers).toBe(5);
    expect(state.outages.size).toBe(2);
    // The previous state is untouched.
    expect(s0.outages.get('a')!.status).toBe('confirmed');
  });

  it('asks for a snapshot on a gap but still applies the newer delta', () => {
    const s0 = applySnapshot(initialState, snapshot(), 0);
    const { state, resync } = applyOutageDelta(s0, { seq: 13, outages: [outage('b')] }, 0);
    expect(resync).toBe(true);
    expect(state.seq).toBe(13);
    expect(state.outages.has('b')).toBe(true);
  });

  it('asks for a snapshot and ignores a stale delta', () => {
    const s0 = applySnapshot(initialState, snapshot(), 0);
    const { state, resync } = applyOutageDelta(s0, { seq: 9, outages: [outage('a', { status: 'restored', restoredAt: 1 })] }, 0);
    expect(resync).toBe(true);
    expect(state).toBe(s0);
  });

  it('asks for a snapshot when a delta arrives before any snapshot', () => {
    const { resync } = applyOutageDelta(initialState, { seq: 1, outages: [outage('a')] }, 0);
    expect(resync).toBe(true);
  });
});

describe('pruneOutages', () => {
  it('drops restored and momentary outages ~10 min after restoredAt, using server time', () => {
    // Server clock is 1 h ahead of the client clock.
    const serverTime = 1_000 * MIN;
    const clientAtSnapshot = serverTime - 60 * MIN;
    const s0 = applySnapshot(
      initialState,
      snapshot({
        serverTime,
        outages: [
          outage('active', { startedAt: serverTime - 500 * MIN }),
          outage('restored', { status: 'restored', restoredAt: serverTime }),
          outage('momentary', { status: 'momentary', restoredAt: serverTime - 5 * MIN }),
        ],
      }),
      clientAtSnapshot,
    );
    expect(s0.outages.size).toBe(3);
    const s1 = pruneOutages(s0, clientAtSnapshot + 6 * MIN);
    expect([...s1.outages.keys()].sort()).toEqual(['active', 'restored']);
    const s2 = pruneOutages(s1, clientAtSnapshot + 11 * MIN);
    expect([...s2.outages.keys()]).toEqual(['active']);
    // Nothing to prune: same object, so React does not re-render.
    expect(pruneOutages(s2, clientAtSnapshot + 12 * MIN)).toBe(s2);
  });

  it('prunes when deltas are applied too', () => {
    const s0 = applySnapshot(initialState, snapshot({ serverTime: 0, outages: [] }), 0);
    const restoredAt = 0;
    const { state } = applyOutageDelta(s0, { seq: 11, outages: [outage('x', { status: 'restored', restoredAt })] }, RESTORED_RETAIN_MS + 1);
    expect(state.outages.size).toBe(0);
  });
});

describe('kpi history', () => {
  it('appends, replaces an equal timestamp and ignores older points', () => {
    let h: readonly KpiPoint[] = [];
    h = appendKpiPoint(h, point(1));
    h = appendKpiPoint(h, point(2));
    h = appendKpiPoint(h, { ...point(2), messagesPerSec: 9 });
    expect(h.map((p) => p.at)).toEqual([1, 2]);
    expect(h[1]!.messagesPerSec).toBe(9);
    expect(appendKpiPoint(h, point(0))).toBe(h);
  });

  it('never keeps more than the maximum', () => {
    let s = applySnapshot(initialState, snapshot({ kpiHistory: [] }), 0);
    for (let i = 0; i < KPI_HISTORY_MAX * 3; i++) s = applyKpis(s, kpis(10_000 + i * 1000, { messagesPerSec: i }));
    expect(s.kpiHistory).toHaveLength(KPI_HISTORY_MAX);
    expect(s.kpiHistory[s.kpiHistory.length - 1]!.messagesPerSec).toBe(KPI_HISTORY_MAX * 3 - 1);
    expect(s.kpis!.messagesPerSec).toBe(KPI_HISTORY_MAX * 3 - 1);
  });

  it('respects a small maximum', () => {
    let h: readonly KpiPoint[] = [];
    for (let i = 0; i < 10; i++) h = appendKpiPoint(h, point(i), 3);
    expect(h.map((p) => p.at)).toEqual([7, 8, 9]);
  });
});

describe('derived views', () => {
  it('splits station areas into out and recently restored', () => {
    const now = 10 * MIN;
    const states = transformerStates(
      [
        outage('1', { transformers: ['T3', 'T1'] }),
        outage('2', { status: 'restored', restoredAt: now - MIN, transformers: ['T1', 'T2'] }),
        outage('3', { status: 'momentary', restoredAt: now - 30_000, transformers: ['T4'] }),
        outage('4', { status: 'planned', transformers: ['T5'] }),
        outage('5', { status: 'restored', restoredAt: now - RECENT_MS - 1, transformers: ['T6'] }),
      ],
      now,
    );
    expect(states.out).toEqual(['T1', 'T3']);
    expect(states.planned).toEqual(['T5']);
    expect(states.recent).toEqual(['T2', 'T4']);
  });

  it('counts only unplanned grid outages as an alarm', () => {
    expect(hasAlarm([])).toBe(false);
    expect(hasAlarm([outage('p', { status: 'planned' }), outage('c', { status: 'customer-side', transformers: [] })])).toBe(false);
    expect(hasAlarm([outage('r', { status: 'restored', restoredAt: 5 })])).toBe(false);
    expect(hasAlarm([outage('n', { parentId: 'p' })])).toBe(false);
    expect(hasAlarm([outage('p', { status: 'planned' }), outage('x', { status: 'probable' })])).toBe(true);
  });

  it('sorts active outages first, newest first', () => {
    const sorted = sortOutages([
      outage('r', { status: 'restored', startedAt: 50, restoredAt: 60 }),
      outage('old', { startedAt: 10 }),
      outage('new', { status: 'probable', startedAt: 30 }),
    ]);
    expect(sorted.map((o) => o.id)).toEqual(['new', 'old', 'r']);
  });

  it('formats durations and shares', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(-5)).toBe('0:00');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatShare(0, 100)).toBe('0%');
    expect(formatShare(1, 8)).toBe('12.5%');
    expect(formatShare(3, 1000)).toBe('0.30%');
    expect(formatShare(1, 0)).toBe('—');
  });
});
