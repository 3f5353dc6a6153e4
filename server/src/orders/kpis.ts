// Service KPIs of the work orders (GRIDWATCH.md "KPIs", the paper's channel monitoring). Pure:
// computed from the orders created in [from, to) with all their contacts. Orders merged into
// another are not counted (their contacts are in the order they joined).
import {
  CHANNELS, ORDER_STEP_KINDS, needsAttention, supervisionOfStep, type Channel, type ChannelKpis, type NetworkIndex, type OrderDto, type ServiceEvent, type ServiceHour, type ServiceKpis, type SupervisionLevel,
} from '@gridwatch/shared';

export type KpiScope = ServiceKpis['scope'];

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);
const perChannel = <T>(f: (c: Channel) => T) => Object.fromEntries(CHANNELS.map((c) => [c, f(c)])) as Record<Channel, T>;

/** Customers served per grid and per team, from the network. */
export function customersServed(index: NetworkIndex): { company: number; grid: Map<string, number>; team: Map<string, number> } {
  const grid = new Map<string, number>();
  const team = new Map<string, number>();
  const teamOfGrid = new Map(index.network.grids.map((g) => [g.id, g.team]));
  for (const t of index.network.transformers) {
    const n = index.customersOf.get(t.id)?.length ?? 0;
    grid.set(t.grid, (grid.get(t.grid) ?? 0) + n);
    const tm = teamOfGrid.get(t.grid);
    if (tm) team.set(tm, (team.get(tm) ?? 0) + n);
  }
  return { company: index.network.customers.length, grid, team };
}

/** A closed order solved at the first attempt: never reopened, and nobody had to contact twice. */
export function firstContactResolved(o: OrderDto): boolean {
  if (o.reopened > 0) return false;
  const seen = new Set<string>();
  for (const c of o.contactList) {
    if (seen.has(c.customer)) return false;
    seen.add(c.customer);
  }
  return true;
}

export function serviceKpis(all: readonly OrderDto[], from: number, to: number, scope: KpiScope, served: number): ServiceKpis {
  const inScope = (o: OrderDto) =>
    scope.by === 'company' || (scope.by === 'grid' ? o.grid === scope.id : scope.by === 'team' ? o.team === scope.id : o.channel === scope.id);
  const period = all.filter((o) => o.mergedInto === null && o.createdAt >= from && o.createdAt < to);
  const orders = period.filter(inScope);
  // Channel scope: the orders that channel opened, and that channel's contacts wherever they went
  // (a WeChat call about an outage joins the order the hotline opened).
  const contacts = scope.by === 'channel' ? period.flatMap((o) => o.contactList).filter((c) => c.channel === scope.id) : orders.flatMap((o) => o.contactList);
  const complaints = contacts.filter((c) => c.type === 'complaint');
  const outageComplaints = complaints.filter((c) => c.category === 'outage');
  const closed = orders.filter((o) => o.status === 'closed');
  const scored = orders.filter((o) => o.score !== null).map((o) => o.score!);
  const channels = perChannel<ChannelKpis>((ch) => {
    const own = orders.filter((o) => o.channel === ch);
    const resolved = own.filter((o) => o.resolvedAt !== null).map((o) => (o.resolvedAt! - o.createdAt) / 60_000);
    return {
      contacts: contacts.filter((c) => c.channel === ch).length,
      orders: own.length,
      dispatchAccuracy: ratio(own.filter((o) => o.transfers === 0 && !o.reclassified).length, own.length),
      handlingMinMedian: median(resolved),
    };
  });
  return {
    from,
    to,
    scope,
    customersServed: served,
    contacts: contacts.length,
    complaints: complaints.length,
    complaintsPer10k: served > 0 ? (complaints.length / served) * 10_000 : 0,
    orders: orders.length,
    openOrders: orders.filter((o) => o.status !== 'closed').length,
    closedOrders: closed.length,
    overdueOrders: orders.filter((o) => o.overdue).length,
    overdueRate: ratio(orders.filter((o) => o.overdue).length, orders.length),
    firstContactResolution: ratio(closed.filter(firstContactResolved).length, closed.length),
    satisfactionMean: scored.length ? scored.reduce((a, b) => a + b, 0) / scored.length : null,
    satisfied: ratio(scored.filter((s) => s >= 4).length, scored.length),
    repeatComplaintRate: ratio(complaints.filter((c) => c.repeatCustomer !== null).length, complaints.length),
    channelMix: perChannel((ch) => channels[ch].contacts),
    channels,
    warnedShare: ratio(outageComplaints.filter((c) => c.warned).length, outageComplaints.length),
    outageComplaints: outageComplaints.length,
    planned: null,
  };
}

/** KPIs for the company, or one row per grid, team or channel that has orders in the period. */
export function serviceKpisBy(all: readonly OrderDto[], from: number, to: number, by: KpiScope['by'], index: NetworkIndex): ServiceKpis[] {
  const served = customersServed(index);
  if (by === 'company') return [serviceKpis(all, from, to, { by, id: null }, served.company)];
  const ids = new Set<string>();
  for (const o of all) {
    if (o.mergedInto !== null || o.createdAt < from || o.createdAt >= to) continue;
    if (by === 'channel') for (const c of o.contactList) ids.add(c.channel);
    const id = by === 'grid' ? o.grid : by === 'team' ? o.team : o.channel;
    if (id) ids.add(id);
  }
  return [...ids].sort().map((id) => serviceKpis(all, from, to, { by, id }, by === 'grid' ? (served.grid.get(id) ?? 0) : by === 'team' ? (served.team.get(id) ?? 0) : served.company));
}

const HOUR = 3_600_000;
/** The steps that move an order forward, in order (the step kinds up to `closed`). */
const STATUS_STEPS: readonly string[] = ORDER_STEP_KINDS.slice(0, ORDER_STEP_KINDS.indexOf('closed') + 1);

/**
 * When the order reached its due step within its current time limit (which runs from the
 * dispatch the deadline was set from; a reopened order has a new one), or null if it has not.
 * Any later status step counts: an order resolved without an on-site step had its crew there.
 */
export function dueStepReachedAt(o: OrderDto): number | null {
  const target = STATUS_STEPS.indexOf(o.dueStep);
  const since = o.deadline - o.limitMin * 60_000;
  for (const s of o.steps) {
    if (s.at < since) continue;
    const i = STATUS_STEPS.indexOf(s.kind);
    if (i >= target) return s.at;
  }
  return null;
}

/**
 * The last `n` clock hours of the work orders, oldest first (the trend chart on the wall):
 * contacts per channel by arrival, and per hour the orders whose current time limit ended in it
 * (up to `now`) with how many had not reached their due step by the limit.
 */
export function serviceHours(all: readonly OrderDto[], now: number, n = 24): ServiceHour[] {
  const end = Math.floor(now / HOUR) * HOUR;
  const start = end - (n - 1) * HOUR;
  const hours: ServiceHour[] = [];
  for (let h = start; h <= end; h += HOUR) hours.push({ hour: h, contacts: Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>, due: 0, missed: 0 });
  const slot = (at: number) => (at >= start && at < end + HOUR ? hours[Math.floor((at - start) / HOUR)]! : null);
  const counted = new Set<string>();
  for (const o of all) {
    // A merged order's contacts moved into the order they joined: count each contact once.
    for (const c of o.contactList) {
      if (counted.has(c.id)) continue;
      counted.add(c.id);
      const h = slot(c.at);
      if (h) h.contacts[c.channel]++;
    }
    if (o.mergedInto !== null || o.deadline > now) continue;
    const h = slot(o.deadline);
    if (!h) continue;
    h.due++;
    const reached = dueStepReachedAt(o);
    if (reached === null || reached > o.deadline) h.missed++;
  }
  return hours;
}

/** Escalations and missed limits since `since`, newest first, at most `max` (the wall's ticker). */
export function serviceEvents(all: readonly OrderDto[], since: number, max = 30): ServiceEvent[] {
  const out: ServiceEvent[] = [];
  for (const o of all) {
    if (o.mergedInto !== null) continue;
    const live = needsAttention(o);
    let level: SupervisionLevel = 'none';
    for (const s of o.steps) {
      if (s.kind === 'escalated') level = supervisionOfStep(s.note) ?? level;
      else if (s.kind === 'reopened') level = 'none';
      if ((s.kind === 'escalated' || s.kind === 'overdue') && s.at >= since) {
        out.push({ orderId: o.id, at: s.at, kind: s.kind, level, category: o.category, grid: o.grid, team: o.team, live });
      }
    }
  }
  return out.sort((a, b) => b.at - a.at || a.orderId.localeCompare(b.orderId)).slice(0, max);
}
