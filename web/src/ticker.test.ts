import { describe, expect, it } from 'vitest';
import { TICKER_WINDOW_MS, tickerItems } from './ticker.ts';
import { alert, order, outage, service } from './testing.ts';

const NOW = 2_000_000 + TICKER_WINDOW_MS;
const outages = new Map([['a', outage('a', { device: 'T-17', feeder: 'F2' })]]);

describe('the alert and escalation ticker', () => {
  it('lists alerts raised and escalated and orders escalated and overdue, newest first, coloured while someone must act', () => {
    const open = alert('a', {
      severity: 'high',
      raisedAt: NOW - 30 * 60_000,
      steps: [
        { at: NOW - 30 * 60_000, status: 'open', by: 'system' },
        { at: NOW - 20 * 60_000, status: 'escalated', by: 'system', note: 'not acknowledged after 10 min: shift-lead' },
        { at: NOW - 10 * 60_000, status: 'escalated', by: 'system', note: 'not acknowledged after 20 min: manager' },
      ],
    });
    const handled = alert('b', { status: 'acknowledged', severity: 'critical', raisedAt: NOW - 40 * 60_000 });
    const svc = service({
      attention: [order('WO-1', { supervision: 'department' })],
      events: [
        { orderId: 'WO-1', at: NOW - 5 * 60_000, kind: 'escalated', level: 'department', category: 'outage', grid: 'G1', team: 'T1', live: true },
        { orderId: 'WO-2', at: NOW - 15 * 60_000, kind: 'overdue', level: 'company', category: 'voltage', grid: 'G1', team: 'T2', live: false },
        // Beyond the 20 orders of the attention list, but still waiting: coloured all the same.
        { orderId: 'WO-3', at: NOW - 16 * 60_000, kind: 'overdue', level: 'company', category: 'outage', grid: 'G1', team: 'T2', live: true },
      ],
    });
    const items = tickerItems([open, handled], outages, svc, NOW);
    expect(items.map((i) => [i.kind, i.tone, i.at])).toEqual([
      ['order-escalated', 'amber', NOW - 5 * 60_000],
      ['alert-escalated', 'red', NOW - 10 * 60_000],
      // WO-2 needs no attention any more (handled since): grey.
      ['order-overdue', 'dim', NOW - 15 * 60_000],
      ['order-overdue', 'red', NOW - 16 * 60_000],
      ['alert-escalated', 'amber', NOW - 20 * 60_000],
      ['alert-raised', 'red', NOW - 30 * 60_000],
      // Acknowledged: grey, and its outage is gone from the map (no place).
      ['alert-raised', 'dim', NOW - 40 * 60_000],
    ]);
    expect(items[5]).toMatchObject({ device: 'T-17', feeder: 'F2', customers: 20, severity: 'high', live: true });
    expect(items[6]).toMatchObject({ device: null, live: false });
  });

  it('forgets what is older than its window, skips flood-controlled alerts, and keeps at most max items', () => {
    const old = alert('a', { raisedAt: NOW - TICKER_WINDOW_MS - 1, steps: [] });
    const flooded = alert('c', { raisedAt: NOW - 60_000, flooded: true, steps: [] });
    expect(tickerItems([old, flooded], outages, null, NOW)).toEqual([]);
    const many = Array.from({ length: 50 }, (_, i) => alert(`x${i}`, { raisedAt: NOW - i * 60_000, steps: [] }));
    const items = tickerItems(many, outages, null, NOW, 7);
    expect(items).toHaveLength(7);
    expect(items[0]!.at).toBe(NOW);
  });

  it('rebuilds the same items from the same state (a resync changes nothing)', () => {
    const a = alert('a', { raisedAt: NOW - 60_000 });
    const svc = service({ events: [{ orderId: 'WO-1', at: NOW - 60_000, kind: 'escalated', level: 'company', category: 'outage', grid: null, team: null, live: true }] });
    expect(tickerItems([structuredClone(a)], outages, structuredClone(svc), NOW)).toEqual(tickerItems([a], outages, svc, NOW));
  });
});

describe('the trend chart axis', () => {
  it('steps in 1, 2, 5 × 10^k so the busiest hour fits under two steps', async () => {
    const { roundStep } = await import('./components/hourAxis.ts');
    expect([0, 0.5, 1, 1.5, 3, 3.5, 6, 38, 50, 51, 120].map(roundStep)).toEqual([1, 1, 1, 2, 5, 5, 10, 50, 50, 100, 200]);
  });
});
