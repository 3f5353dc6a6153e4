// Work orders at the edge: contacts from MQTT and HTTP go through the desk one at a time (so two
// contacts about one outage never make two orders), with the live facts it needs read from the
// database; every change is stored before it is broadcast; a timer supervises deadlines.
import { needsAttention, type ConsoleUser, type NetworkIndex, type OrderAction, type OrderDetail, type OrderDto, type OrderStatus, type OutageDto, type ServiceKpis, type ServiceSummary } from '@gridwatch/shared';
import type { Config } from './config.ts';
import type { Logger } from './core.ts';
import { getOutage } from './db/outages.ts';
import { getOrder, latestReadings, orderOfContact, plannedAnnouncements, loadDesk, ordersBetween, queryOrders, saveOrders, voltageSummary, type OrderQuery } from './db/orders.ts';
import type { Pool } from './db/pool.ts';
import { classifyContact } from './orders/classify.ts';
import { brief, parseLimits, publicBrief, WorkOrderDesk, type ContactIn, type IntakeResult } from './orders/desk.ts';
import { customersServed, serviceEvents, serviceHours, serviceKpis, serviceKpisBy, type KpiScope } from './orders/kpis.ts';
import type { LiveFacts } from './orders/triage.ts';

const H = 3_600_000;
const DAY = 24 * H;

export interface WorkOrdersOptions {
  config: Config;
  pool: Pool;
  index: NetworkIndex;
  log: Logger;
  now: () => number;
  /** Active outages and those restored recently, as the engine has them. */
  outages: () => OutageDto[];
  warned: (outageId: string, customer: string, at: number, outageStart: number) => boolean;
}

/** The change was made but the database did not take it (yet): HTTP answers 503. */
export class NotStoredError extends Error {}

export class WorkOrders {
  readonly desk: WorkOrderDesk;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly orderListeners: ((orders: OrderDto[]) => void)[] = [];
  private readonly serviceListeners: ((s: ServiceSummary) => void)[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private serviceTimer: NodeJS.Timeout | null = null;
  private readonly utcOffsetMs: number;
  private readonly served: ReturnType<typeof customersServed>;
  private closed = false;
  private readonly inflight = new Map<string, Promise<IntakeResult>>();
  private pending = 0;
  private readonly storedWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];

  private constructor(private readonly o: WorkOrdersOptions) {
    const c = o.config;
    this.desk = new WorkOrderDesk({
      index: o.index,
      now: o.now,
      outages: o.outages,
      policy: { limitsMin: parseLimits(c.orderLimits), escalateAt: c.orderEscalateAt },
      warned: (outageId, customer, at) => {
        const outage = o.outages().find((x) => x.id === outageId);
        return o.warned(outageId, customer, at, outage?.startedAt ?? at - DAY);
      },
    });
    this.utcOffsetMs = (c.utcOffsetH ?? Math.round(o.index.network.centre[0] / 15)) * H;
    this.served = customersServed(o.index);
  }

  static async start(o: WorkOrdersOptions): Promise<WorkOrders> {
    const w = new WorkOrders(o);
    // Contacts are accepted up to MAX_PAST_AGE_S old: remember that far back which were taken.
    const loaded = await loadDesk(o.pool, o.now(), w.desk.policy.keepClosedMs, (o.config.maxPastAgeS + 86_400) * 1000);
    w.desk.load(loaded.orders, loaded.complaints, o.outages(), loaded.contacts);
    w.desk.drainChanges();
    const open = loaded.orders.filter((x) => x.status !== 'closed').length;
    o.log.info(`work orders: ${open} open, ${loaded.orders.length - open} closed in the last ${Math.round(w.desk.policy.keepClosedMs / DAY)} days, ${loaded.complaints.length} complaints in 90 days`);
    w.timers.push(setInterval(() => void w.serial(async () => w.desk.tick()), o.config.orderTickS * 1000));
    for (const t of w.timers) t.unref();
    return w;
  }

  onOrders(listener: (orders: OrderDto[]) => void): void {
    this.orderListeners.push(listener);
  }

  onService(listener: (s: ServiceSummary) => void): void {
    this.serviceListeners.push(listener);
  }

  /**
   * A validated contact (from MQTT or HTTP). Resolves once its order is stored; the same contact
   * submitted again while it is being handled gets the same answer.
   */
  intake(contact: ContactIn): Promise<IntakeResult> {
    const running = this.inflight.get(contact.id);
    if (running) return running;
    const p = this.serial(async () => {
      if (this.desk.hasContact(contact.id)) {
        const known = this.desk.intake(contact);
        // Its order may have left memory: the answer comes from the database.
        return known.order ? known : { ...known, order: await orderOfContact(this.o.pool, contact.id) };
      }
      return this.desk.intake(contact, await this.facts(contact));
    });
    this.inflight.set(contact.id, p);
    void p.finally(() => this.inflight.delete(contact.id)).catch(() => {});
    return p;
  }

  outagesChanged(list: readonly OutageDto[]): void {
    void this.serial(async () => this.desk.outagesChanged(list));
  }

  act(id: string, action: OrderAction, user: ConsoleUser): Promise<OrderDto> {
    return this.serial(async () => structuredClone(this.desk.act(id, action, user)));
  }

  async detail(id: string): Promise<OrderDetail | null> {
    const order = this.desk.get(id) ?? (await getOrder(this.o.pool, id));
    if (!order) return null;
    const history = await queryOrders(this.o.pool, { customer: order.customer, from: this.o.now() - 365 * DAY, limit: 50 });
    const outage = order.outageId ? (this.o.outages().find((x) => x.id === order.outageId) ?? (await getOutage(this.o.pool, order.outageId))) : null;
    return { order, outage: outage ?? null, customerHistory: history.orders.filter((x) => x.id !== id).map(brief) };
  }

  async list(q: OrderQuery): Promise<{ orders: OrderDto[]; total: number }> {
    return queryOrders(this.o.pool, q);
  }

  /** KPIs for [from, to), for the company or per grid, team or channel. */
  async kpis(from: number, to: number, by: KpiScope['by']): Promise<ServiceKpis[]> {
    const rows = serviceKpisBy(await ordersBetween(this.o.pool, from, to), from, to, by, this.o.index);
    if (by === 'company') {
      const noticeDays = this.o.config.plannedNoticeDays;
      rows[0]!.planned = { ...(await plannedAnnouncements(this.o.pool, from, to, noticeDays)), noticeDays };
    }
    return rows;
  }

  /** Today's KPIs (local day) and the orders needing attention, from memory. */
  summary(): ServiceSummary {
    const now = this.o.now();
    const from = Math.floor((now + this.utcOffsetMs) / DAY) * DAY - this.utcOffsetMs;
    const orders = this.desk.list();
    const open: Partial<Record<OrderStatus, number>> = {};
    for (const x of orders) if (x.status !== 'closed') open[x.status] = (open[x.status] ?? 0) + 1;
    const level = { none: 0, 'team-leader': 1, department: 2, company: 3 } as const;
    const attention = orders
      .filter(needsAttention)
      .sort((a, b) => level[b.supervision] - level[a.supervision] || a.deadline - b.deadline)
      .slice(0, 20)
      .map(publicBrief);
    return {
      at: now,
      today: serviceKpis(orders, from, from + DAY, { by: 'company', id: null }, this.served.company),
      open,
      attention,
      hours: serviceHours(orders, now),
      events: serviceEvents(orders, now - 12 * H),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    if (this.serviceTimer) clearTimeout(this.serviceTimer);
    await this.queue.catch(() => {});
  }

  /** Readings the triage needs: the meter's latest for outage contacts, a day of voltage for voltage ones. */
  private async facts(contact: ContactIn): Promise<LiveFacts> {
    const customer = this.desk.customerOf(contact.customer);
    if (!customer) return {};
    const category = classifyContact(contact).category;
    try {
      if (category === 'outage' && !this.desk.outageFor(customer, contact.at)) return { readings: await latestReadings(this.o.pool, customer.meter, contact.at) };
      if (category === 'voltage') {
        const v = this.o.config.voltageNominalV;
        return { voltage: await voltageSummary(this.o.pool, customer.meter, contact.at, DAY, v * 0.9, v * 1.07) };
      }
    } catch (err) {
      this.o.log.warn(`work orders: readings for ${contact.id} unavailable (${(err as Error).message}); triage without them`);
    }
    return {};
  }

  /**
   * Runs desk work one at a time. What changed is stored and broadcast when the queue runs dry
   * (or every 200 jobs), so a burst of contacts about one big outage writes its order a few times,
   * not once per contact; each caller resolves once its change is stored.
   */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    this.pending++;
    const run = this.queue.then(async () => {
      let outcome: { ok: true; value: T } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, value: await work() };
      } catch (error) {
        outcome = { ok: false, error };
      }
      this.pending--;
      const stored = new Promise<void>((resolve, reject) => this.storedWaiters.push({ resolve, reject }));
      if (this.pending === 0 || this.storedWaiters.length >= 200) await this.persist();
      return { outcome, stored };
    });
    this.queue = run.catch(() => {});
    return run.then(async ({ outcome, stored }) => {
      await stored;
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    });
  }

  private async persist(): Promise<void> {
    const waiters = this.storedWaiters.splice(0);
    const changed = this.desk.drainChanges();
    try {
      if (changed.length) await saveOrders(this.o.pool, changed);
    } catch (err) {
      // Kept in memory and written with the next change or supervision tick; the callers learn
      // that it is not stored yet.
      this.desk.retry(changed.map((x) => x.id));
      const message = `work orders: storing ${changed.length} orders failed (${(err as Error).message}); kept in memory, retrying`;
      this.o.log.warn(message);
      for (const w of waiters) w.reject(new NotStoredError(message));
      return;
    }
    for (const w of waiters) w.resolve();
    if (changed.length === 0) return;
    const copies = changed.map((x) => structuredClone(x));
    for (const l of this.orderListeners) l(copies);
    this.serviceSoon();
  }

  /** Service KPIs go out at most every 2 s while orders change. */
  private serviceSoon(): void {
    if (this.serviceTimer || this.closed || this.serviceListeners.length === 0) return;
    this.serviceTimer = setTimeout(() => {
      this.serviceTimer = null;
      const s = this.summary();
      for (const l of this.serviceListeners) l(s);
    }, 2_000);
    this.serviceTimer.unref();
  }
}
