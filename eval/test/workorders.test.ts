// Two simulated days of the `daily` scenario on the demo network flows through ingest, the outage
// engine and the work-order desk, worked by the simulated grid teams and callback desk.
import { describe, expect, it } from 'vitest';
import { CHANNELS, generateNetwork } from '@gridwatch/shared';
import { runOrderDay } from '../src/workorders.ts';

describe('a simulated day of work orders', () => {
  const day = runOrderDay({ network: generateNetwork(), seed: 3, days: 2, faultsPerDay: 12 });
  const live = day.orders.filter((o) => o.mergedInto === null);

  it('turns every contact from every channel into exactly one order', () => {
    expect(day.contacts.length).toBeGreaterThan(20);
    const seen = new Map<string, string>();
    for (const o of live) for (const c of o.contactList) {
      expect(seen.has(c.id), `contact ${c.id} in two orders`).toBe(false);
      seen.set(c.id, o.id);
    }
    expect([...seen.keys()].sort()).toEqual(day.contacts.map((c) => c.id).sort());
    expect(new Set(day.contacts.map((c) => c.channel))).toEqual(new Set(CHANNELS));
    expect(day.classificationAccuracy).toBeGreaterThan(0.95);
  });

  it('keeps one open order per outage and dispatches every order to its team', () => {
    const outageOrders = live.filter((o) => o.outageId !== null && o.triage.result === 'outage');
    expect(outageOrders.length).toBeGreaterThan(3);
    // Several customers of one outage end up on one order.
    expect(outageOrders.some((o) => o.customers > 1)).toBe(true);
    const byOutage = new Map<string, typeof live>();
    for (const o of live.filter((x) => x.outageId !== null)) byOutage.set(o.outageId!, [...(byOutage.get(o.outageId!) ?? []), o]);
    for (const [id, list] of byOutage) {
      // A second order for the same outage only after the first was closed.
      const sorted = list.sort((a, b) => a.createdAt - b.createdAt);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i - 1]!.closedAt !== null && sorted[i - 1]!.closedAt! <= sorted[i]!.createdAt, `two open orders for ${id}`).toBe(true);
    }
    for (const o of live) {
      expect(o.team).not.toBeNull();
      expect(o.steps.map((s) => s.kind).slice(0, 2)).toEqual(['created', 'dispatched']);
    }
  });

  it('escalates the orders left alone and closes the worked ones after two callbacks', () => {
    const escalated = live.filter((o) => o.supervision !== 'none');
    expect(escalated.length).toBeGreaterThan(0);
    expect(live.some((o) => o.overdue)).toBe(true);
    const closed = live.filter((o) => o.status === 'closed');
    expect(closed.length).toBeGreaterThan(live.length / 2);
    for (const o of closed) {
      const kinds = o.steps.map((s) => s.kind);
      expect(kinds.filter((k) => k === 'callback-1').length).toBeGreaterThanOrEqual(1);
      expect(kinds.at(-2)).toBe('callback-2');
      expect(kinds.at(-1)).toBe('closed');
      expect(o.score).not.toBeNull();
    }
    expect(day.kpis.orders).toBe(live.length);
    expect(day.kpis.closedOrders).toBe(closed.length);
    expect(day.kpis.satisfied).not.toBeNull();
  });
});
