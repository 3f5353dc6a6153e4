import { describe, expect, it } from 'vitest';
import { alert, kpis, order, outage, service, snapshot } from './testing.ts';
import type { KpiPoint } from '@gridwatch/shared';
import {
  ALERTS_MAX,
  RESOLVED_ALERTS_MAX,
  KPI_HISTORY_MAX,
  RECENT_MS,
  RESOLVED_ALERT_RETAIN_MS,
  RESTORED_RETAIN_MS,
  activeAlertsByOutage,
  appendKpiPoint,
  applyAlertDelta,
  applyKpis,
  applyOutageDelta,
  applyOrderChanged,
  applyRiskUpdate,
  applyServiceUpdate,
  applySnapshot,
  checkSeq,
  complaintsToday,
  formatDuration,
  formatProbability,
  formatShare,
  hasAlarm,
  initialState,
  pruneOutages,
  pruneState,
  riskClass,
  outageShapes,
  serverNow,
  shapesKey,
  sortOutages,
  startOfLocalDay,
  transformerStates,
  wallAlerts,
} from './state.ts';

const MIN = 60_000;

function point(at: number): KpiPoint {
  return { at, messagesPerSec: 1, readingsPerSec: 1, activeOutages: 0, customersOut: 0 };
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

  it('keys the map areas by what they look like, not by ids, ETRs or rebuilds', () => {
    const now = 10 * MIN;
    const o = outage('1', { transformers: ['T1', 'T2'], customers: 40 });
    const key = shapesKey(outageShapes([o], now));
    // Rebuilt shapes, a new ETR, more evidence, a new status of the same kind: same picture.
    expect(shapesKey(outageShapes([{ ...o, etr: now + 60 * MIN, status: 'probable', evidence: [{ ts: now, device: 'T1', kind: 'rollup' }] }], now))).toBe(key);
    expect(shapesKey(outageShapes([{ ...o, id: 'other' }], now + MIN))).toBe(key);
    // Another station area, fewer customers out (a smaller disc), another place, another kind: redrawn.
    expect(shapesKey(outageShapes([{ ...o, transformers: ['T1', 'T3'] }], now))).not.toBe(key);
    expect(shapesKey(outageShapes([{ ...o, steps: [{ at: now, customers: 10 }] }], now))).not.toBe(key);
    expect(shapesKey(outageShapes([{ ...o, lon: o.lon + 0.01 }], now))).not.toBe(key);
    expect(shapesKey(outageShapes([{ ...o, status: 'planned' }], now))).not.toBe(key);
    // Restored: amber while recent, then gone.
    const restored = { ...o, status: 'restored' as const, restoredAt: now };
    expect(shapesKey(outageShapes([restored], now))).not.toBe(key);
    expect(shapesKey(outageShapes([restored], now + RECENT_MS + 1))).toBe('');
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

describe('complaint early warning state', () => {
  const risk = { modelVersion: 'm1', threshold: 0.4 };

  it('takes alerts, risks, complaint hours and the threshold from the snapshot', () => {
    const s = applySnapshot(
      initialState,
      snapshot({
        alerts: [alert('a'), alert('b', { status: 'acknowledged' })],
        risks: [{ outageId: 'a', probability: 0.7, expected: 1.5 }],
        complaintHours: [{ hour: 0, predicted: 1.5, actual: 2 }],
        risk,
      }),
      0,
    );
    expect([...s.alerts.keys()].sort()).toEqual(['al-a', 'al-b']);
    expect(s.risks.get('a')!.probability).toBe(0.7);
    expect(s.complaintHours).toHaveLength(1);
    expect(s.risk).toEqual(risk);
  });

  it('a new snapshot replaces the alerts held', () => {
    const s0 = applySnapshot(initialState, snapshot({ alerts: [alert('a')] }), 0);
    const s1 = applySnapshot(s0, snapshot({ alerts: [alert('b')] }), 0);
    expect([...s1.alerts.keys()]).toEqual(['al-b']);
  });

  it('tolerates a snapshot from a server without the early warning', () => {
    const old = snapshot();
    const legacy = { ...old, alerts: undefined, risks: undefined, complaintHours: undefined, risk: undefined } as unknown as typeof old;
    const s = applySnapshot(initialState, legacy, 0);
    expect(s.alerts.size).toBe(0);
    expect(s.risks.size).toBe(0);
    expect(s.risk).toBeNull();
  });

  it('upserts alert:changed by id, latest state, leaving the previous state untouched', () => {
    const s0 = applySnapshot(initialState, snapshot({ alerts: [alert('a')] }), 0);
    const s1 = applyAlertDelta(s0, { alerts: [alert('a', { status: 'acknowledged', updatedAt: 1_950_000 }), alert('b')] }, 0);
    expect(s1.alerts.get('al-a')!.status).toBe('acknowledged');
    expect(s1.alerts.get('al-b')!.status).toBe('open');
    expect(s0.alerts.get('al-a')!.status).toBe('open');
    expect(s0.alerts.has('al-b')).toBe(false);
  });

  it('ignores a copy older than the alert held (a late HTTP answer after a socket update)', () => {
    const s0 = applySnapshot(initialState, snapshot({ alerts: [alert('a', { status: 'actioned', updatedAt: 1_990_000 })] }), 0);
    const s1 = applyAlertDelta(s0, { alerts: [alert('a', { status: 'acknowledged', updatedAt: 1_950_000 })] }, 0);
    expect(s1).toBe(s0);
    // The same updatedAt is applied (the server's latest state wins ties).
    const s2 = applyAlertDelta(s0, { alerts: [alert('a', { status: 'resolved', updatedAt: 1_990_000 })] }, 0);
    expect(s2.alerts.get('al-a')!.status).toBe('resolved');
  });

  it('drops resolved alerts about an hour after they were resolved, by server time', () => {
    // Server clock 10 min ahead of the client.
    const serverTime = 100 * MIN;
    const client = serverTime - 10 * MIN;
    const s0 = applySnapshot(
      initialState,
      snapshot({
        serverTime,
        alerts: [
          alert('open', { raisedAt: 0, updatedAt: 0 }),
          alert('done', { status: 'resolved', updatedAt: serverTime - 30 * MIN }),
          alert('old', { status: 'resolved', updatedAt: serverTime - RESOLVED_ALERT_RETAIN_MS - 1 }),
        ],
      }),
      client,
    );
    expect([...s0.alerts.keys()].sort()).toEqual(['al-done', 'al-open']);
    const s1 = pruneState(s0, client + 29 * MIN);
    expect(s1).toBe(s0);
    const s2 = pruneState(s0, client + 31 * MIN);
    expect([...s2.alerts.keys()]).toEqual(['al-open']);
    // An alert resolved long ago arriving by delta does not stay.
    const s3 = applyAlertDelta(s2, { alerts: [alert('x', { status: 'resolved', updatedAt: 0 })] }, client + 31 * MIN);
    expect(s3.alerts.has('al-x')).toBe(false);
  });

  it('never holds more than ALERTS_MAX alerts, dropping resolved ones first', () => {
    const many = Array.from({ length: ALERTS_MAX + 5 }, (_, i) => alert(`o${i}`, { status: i < 10 ? 'resolved' : 'open', updatedAt: 1_999_000 + i }));
    const s = applyAlertDelta(applySnapshot(initialState, snapshot(), 0), { alerts: many }, 0);
    expect(s.alerts.size).toBe(ALERTS_MAX);
    expect([...s.alerts.values()].filter((a) => a.status === 'resolved')).toHaveLength(5);
  });

  it('keeps the newest RESOLVED_ALERTS_MAX resolved alerts and every open one', () => {
    const resolved = Array.from({ length: RESOLVED_ALERTS_MAX + 40 }, (_, i) => alert(`r${i}`, { status: 'resolved', updatedAt: 1_999_000 + i }));
    const open = Array.from({ length: 50 }, (_, i) => alert(`o${i}`, { updatedAt: 1_000 + i }));
    const s = applyAlertDelta(applySnapshot(initialState, snapshot(), 0), { alerts: [...open, ...resolved] }, 0);
    const kept = [...s.alerts.values()];
    expect(kept.filter((a) => a.status === 'open')).toHaveLength(50);
    expect(kept.filter((a) => a.status === 'resolved')).toHaveLength(RESOLVED_ALERTS_MAX);
    // The 40 oldest resolved ones went.
    expect(s.alerts.has('al-r39')).toBe(false);
    expect(s.alerts.has('al-r40')).toBe(true);
  });

  it('risk:update replaces the risks, complaint hours and threshold', () => {
    const s0 = applySnapshot(initialState, snapshot({ risks: [{ outageId: 'a', probability: 0.7, expected: 1 }, { outageId: 'b', probability: 0.2, expected: 0.1 }] }), 0);
    const s1 = applyRiskUpdate(s0, { risks: [{ outageId: 'b', probability: 0.3, expected: 0.2 }], complaintHours: [{ hour: 3_600_000, predicted: 0.4, actual: 1 }], risk });
    expect([...s1.risks.keys()]).toEqual(['b']);
    expect(s1.risks.get('b')!.probability).toBe(0.3);
    expect(s1.complaintHours).toEqual([{ hour: 3_600_000, predicted: 0.4, actual: 1 }]);
    expect(s1.risk).toEqual(risk);
    expect(s0.risks.size).toBe(2);
  });

  it('orders the wall: open before handled, then severity, escalation, probability; flooded grouped', () => {
    const w = wallAlerts([
      alert('ack-crit', { status: 'acknowledged', severity: 'critical' }),
      alert('warn', { severity: 'warning', probability: 0.9 }),
      alert('high', { severity: 'high', probability: 0.5 }),
      alert('high-mgr', { severity: 'high', probability: 0.4, escalation: 'manager' }),
      alert('flood1', { flooded: true }),
      alert('flood2', { flooded: true, status: 'actioned' }),
      alert('gone', { status: 'resolved' }),
    ]);
    expect(w.paged.map((a) => a.outageId)).toEqual(['high-mgr', 'high', 'warn', 'ack-crit']);
    expect(w.flooded.map((a) => a.outageId)).toEqual(['flood1', 'flood2']);
    expect(w.resolved).toBe(1);
  });

  it('finds the active alert of each outage', () => {
    const m = activeAlertsByOutage([alert('a'), alert('b', { status: 'resolved' })]);
    expect([...m.keys()]).toEqual(['a']);
  });

  it('classifies risk for colour: critical alert red, over threshold or alerted amber, else grey', () => {
    expect(riskClass(undefined, 0.5)).toBe('none');
    expect(riskClass(0.2, 0.5)).toBe('low');
    expect(riskClass(0.5, 0.5)).toBe('warn');
    expect(riskClass(0.9, null)).toBe('low');
    expect(riskClass(0.2, 0.5, { severity: 'high', status: 'open' })).toBe('warn');
    expect(riskClass(0.9, 0.5, { severity: 'critical', status: 'actioned' })).toBe('alert');
    expect(riskClass(0.9, 0.5, { severity: 'critical', status: 'resolved' })).toBe('warn');
  });

  it('formats probabilities as whole percentages', () => {
    expect(formatProbability(0)).toBe('0%');
    expect(formatProbability(0.004)).toBe('<1%');
    expect(formatProbability(0.634)).toBe('63%');
    expect(formatProbability(0.996)).toBe('>99%');
    expect(formatProbability(1)).toBe('100%');
    expect(formatProbability(Number.NaN)).toBe('—');
  });

  it('sums the complaints of today (local day) and ignores hours before midnight', () => {
    const now = new Date(2025, 5, 10, 14, 20).getTime();
    const midnight = startOfLocalDay(now);
    expect(new Date(midnight).getHours()).toBe(0);
    const H = 3_600_000;
    const hours = [
      { hour: midnight - 2 * H, predicted: 5, actual: 7 },
      { hour: midnight, predicted: 0.25, actual: 1 },
      { hour: midnight + 13 * H, predicted: 1.33, actual: 0 },
      { hour: midnight + 14 * H, predicted: 0.5, actual: 2 },
    ];
    expect(complaintsToday(hours, now)).toEqual({ actual: 3, predicted: 2.1 });
    expect(complaintsToday([], now)).toEqual({ actual: 0, predicted: 0 });
  });
});

describe('work orders on the wall', () => {
  it('takes the service summary from the snapshot', () => {
    const s = applySnapshot(initialState, snapshot(), 0);
    expect(s.service!.today.complaintsPer10k).toBe(10);
    expect(s.service!.attention.map((o) => o.id)).toEqual(['o1']);
  });

  it('tolerates a snapshot from a server without work orders', () => {
    const old = snapshot();
    const legacy = { ...old, service: undefined } as unknown as typeof old;
    const s = applySnapshot(initialState, legacy, 0);
    expect(s.service).toBeNull();
    // Order deltas change nothing until a summary arrives.
    expect(applyOrderChanged(s, { orders: [order('x', { overdue: true })] })).toBe(s);
    const s1 = applyServiceUpdate(s, { service: service({ attention: [] }) });
    expect(s1.service!.attention).toEqual([]);
  });

  it('service:update replaces the summary', () => {
    const s0 = applySnapshot(initialState, snapshot(), 0);
    const next = service({ at: 2_100_000, open: { accepted: 3 }, attention: [] });
    const s1 = applyServiceUpdate(s0, { service: next });
    expect(s1.service).toBe(next);
    expect(s0.service!.attention).toHaveLength(1);
  });

  it('order:changed keeps the attention list current: escalated or overdue open orders in, others out, most urgent first', () => {
    const s0 = applySnapshot(initialState, snapshot({ service: service({ attention: [order('o1', { overdue: true, supervision: 'team-leader', deadline: 1_950_000 })] }) }), 0);
    const s1 = applyOrderChanged(s0, {
      orders: [
        order('o2', { supervision: 'company', deadline: 1_990_000, updatedAt: 1_990_000 }),
        order('o3', { supervision: 'team-leader', deadline: 1_900_000, updatedAt: 1_990_000 }),
        // Neither overdue nor escalated: not for the attention list.
        order('o4', { updatedAt: 1_990_000 }),
      ],
    });
    expect(s1.service!.attention.map((o) => o.id)).toEqual(['o2', 'o3', 'o1']);
    // Resolved in time and then closed: leaves; the summary's figures are untouched.
    const s2 = applyOrderChanged(s1, { orders: [order('o2', { status: 'closed', supervision: 'company', updatedAt: 1_995_000 })] });
    expect(s2.service!.attention.map((o) => o.id)).toEqual(['o3', 'o1']);
    expect(s2.service!.today).toBe(s0.service!.today);
    expect(s0.service!.attention.map((o) => o.id)).toEqual(['o1']);
  });

  it('order:changed ignores older copies and orders that change nothing on the wall', () => {
    const s0 = applySnapshot(initialState, snapshot({ service: service({ attention: [order('o1', { overdue: true, updatedAt: 1_990_000 })] }) }), 0);
    expect(applyOrderChanged(s0, { orders: [order('o1', { status: 'closed', updatedAt: 1_950_000 })] })).toBe(s0);
    expect(applyOrderChanged(s0, { orders: [order('quiet', { updatedAt: 1_999_000 })] })).toBe(s0);
  });

  it('holds at most ATTENTION_MAX orders in the attention list', () => {
    const s0 = applySnapshot(initialState, snapshot(), 0);
    const many = Array.from({ length: 30 }, (_, i) => order(`m${String(i).padStart(2, '0')}`, { supervision: 'department', deadline: 2_000_000 + i }));
    const s1 = applyOrderChanged(s0, { orders: many });
    expect(s1.service!.attention).toHaveLength(20);
    expect(s1.service!.attention[0]!.id).toBe('m00');
  });
});
