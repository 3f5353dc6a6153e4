import { describe, expect, it } from 'vitest';
import { HANDOVER_REASONS, type HandoverItem } from '@gridwatch/shared';
import { DICTS } from '../i18n.ts';
import { alert, order, outage } from '../testing.ts';
import { itemKey, itemTarget, openByStatus, reasonMark, shiftFromHash } from './handover.ts';
import { outageTimeline, stationAreas } from './outage.ts';

describe('the handover tab', () => {
  const alertItem: HandoverItem = {
    kind: 'alert',
    reasons: ['unacknowledged'],
    alert: { id: 'al-O1', outageId: 'O1', device: 'D1', status: 'open', severity: 'high', escalation: 'officer', raisedAt: 1, customers: 5, probability: 0.7, expected: 1, priority: false, actions: [], etr: null, etrPassed: false },
  };
  const orderItem: HandoverItem = { kind: 'order', reasons: ['overdue'], order: order('WO-1') };

  it('opens an alert or outage in the outage pane and an order in the work orders', () => {
    expect(itemTarget(alertItem)).toEqual({ outage: 'O1' });
    expect(itemTarget(orderItem)).toEqual({ order: 'WO-1' });
    expect(itemKey(alertItem)).toBe('alert:al-O1');
    expect(itemKey(orderItem)).toBe('order:WO-1');
  });

  it('has words for every reason in both languages, and marks the urgent ones red', () => {
    for (const r of HANDOVER_REASONS) {
      expect(DICTS['zh-CN'].console.handover.reasons[r], r).toBeTruthy();
      expect(DICTS.en.console.handover.reasons[r], r).toBeTruthy();
    }
    expect(reasonMark('etr-passed')).toBe('alarm');
    expect(reasonMark('escalated-shift-lead')).toBe('warn');
    expect(reasonMark('still-out')).toBe('normal');
  });

  it('lists open orders in the desk order of statuses', () => {
    expect(openByStatus({ resolved: 2, dispatched: 3, closed: 0 })).toEqual([
      ['dispatched', 3],
      ['resolved', 2],
    ]);
  });

  it('reads the shift from the hash', () => {
    expect(shiftFromHash('#handover')).toBe('current');
    expect(shiftFromHash('#handover-previous')).toBe('previous');
  });
});

describe('the outage pane', () => {
  const o = outage('O1', {
    startedAt: 1_000,
    detectedAt: 40_000,
    restoredAt: 900_000,
    transformers: ['T1', 'T2', 'T3'],
    restored: ['T2'],
    steps: [{ at: 600_000, customers: 8 }, { at: 950_000, customers: 12 }],
    evidence: [
      { ts: 1_000, device: 'M1', kind: 'meter.power-off' },
      { ts: 35_000, device: 'FUSE-1', kind: 'rollup', note: '3 of 3 station areas below FUSE-1 dark (≥ 50%): rolled up to FUSE-1' },
    ],
  });

  it('puts start, evidence, detection, alert, notice, steps and restoration in order', () => {
    const a = alert('O1', {
      steps: [
        { at: 45_000, status: 'open', by: 'system', note: 'P(complaint within 1 h) 80%, 2.0 expected' },
        { at: 100_000, status: 'acknowledged', by: 'officer' },
        { at: 120_000, status: 'action', by: 'officer', note: 'notify: notice to 20 customers' },
        { at: 120_000, status: 'actioned', by: 'officer' },
        { at: 130_000, status: 'action', by: 'lead', note: 'crew-priority: crew priority raised' },
      ],
    });
    const tl = outageTimeline(o, [], [{ sentAt: 120_000, sentBy: 'officer', customers: 20, etr: 2_000_000, mqtt: 'ok' }], a);
    expect(tl.map((e) => `${e.kind}@${e.at}`)).toEqual([
      'started@1000',
      'evidence@35000',
      'detected@40000',
      'alert@45000',
      'alert@100000',
      'notice@120000',
      'alert@130000',
      'step@600000',
      'restored@900000',
    ]);
    expect(tl[1]).toMatchObject({ evidence: 'rollup', device: 'FUSE-1' });
    expect(tl[5]).toMatchObject({ customers: 20, delivered: true });
  });

  it('takes the notes of nested outages', () => {
    const tl = outageTimeline({ ...o, restoredAt: null }, [{ device: 'SW-2', evidence: [{ ts: 50_000, device: 'SW-2', kind: 'nested', note: 'left dark by a partial restoration' }] }]);
    expect(tl.filter((e) => e.kind === 'evidence').map((e) => (e.kind === 'evidence' ? e.via : null))).toEqual([undefined, 'SW-2']);
    expect(tl.some((e) => e.kind === 'restored')).toBe(false);
  });

  it('lists the station areas still out first', () => {
    expect(stationAreas(o)).toEqual([
      { id: 'T1', restored: false },
      { id: 'T3', restored: false },
      { id: 'T2', restored: true },
    ]);
  });
});
