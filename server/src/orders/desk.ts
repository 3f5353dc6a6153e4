// The work-order desk: one platform for every contact. Pure and synchronous with an injected
// clock, shared by the server and the tests. It turns contacts into orders (one per outage),
// dispatches them to the grid team that owns the customer's station area with a time limit,
// records every step, supervises at three levels, flags repeats, and closes after two callbacks.
// The caller gathers live facts (readings) and persists what `drainChanges` returns.
import {
  ORDER_ACTION_RIGHTS,
  ORDER_STATUSES,
  REPEAT_WINDOWS_D,
  SUPERVISION_LEVELS,
  type Channel,
  type ConsoleUser,
  type Customer,
  type NetworkIndex,
  type OrderAction,
  type OrderBrief,
  type OrderCategory,
  type OrderContact,
  type OrderDto,
  type OrderStatus,
  type OrderStep,
  type OutageDto,
  type RepeatWindow,
  type Role,
  type Triage,
  type Zone,
} from '@gridwatch/shared';
import { classifyContact } from './classify.ts';
import { DEFAULT_TRIAGE_POLICY, findOutage, outageCovers, rootOutage, triage, type LiveFacts, type TriagePolicy } from './triage.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
export const SYSTEM = 'system';

export interface DeskPolicy extends TriagePolicy {
  /** Time limit (minutes) per category and zone: to a crew on site for field orders, else to resolution. */
  limitsMin: Record<OrderCategory, Record<Zone, number>>;
  /** Fractions of the time limit at which an order escalates to team leader, department, company. */
  escalateAt: [number, number, number];
  /** An unverified order is merged into an outage found this soon after it was created. */
  mergeWindowMs: number;
  /** Closed orders stay in memory this long (today's KPIs, merges); the database keeps them all. */
  keepClosedMs: number;
}

/** State Grid's public commitments: crews on site within 45 min urban, 90 rural, 120 remote. */
export const DEFAULT_DESK_POLICY: DeskPolicy = {
  ...DEFAULT_TRIAGE_POLICY,
  limitsMin: {
    outage: { urban: 45, rural: 90, remote: 120 },
    voltage: { urban: 45, rural: 90, remote: 120 },
    billing: { urban: 1440, rural: 1440, remote: 1440 },
    attitude: { urban: 1440, rural: 1440, remote: 1440 },
    other: { urban: 4320, rural: 4320, remote: 4320 },
  },
  escalateAt: [0.5, 0.8, 1],
  mergeWindowMs: 60 * MIN,
  keepClosedMs: 2 * DAY,
};

export interface ContactIn {
  id: string;
  at: number;
  customer: string;
  channel: Channel;
  category: string;
  type?: string | null;
  text?: string | null;
}

export interface IntakeResult {
  order: OrderDto | null;
  created: boolean;
  duplicate: boolean;
  /** Why no order was made (unknown customer). */
  rejected?: string;
}

/** A complaint as remembered for repeat detection. */
export interface ComplaintMark {
  order: string;
  customer: string;
  transformer: string;
  at: number;
}

export class OrderError extends Error {
  constructor(
    readonly status: 403 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface DeskOptions {
  index: NetworkIndex;
  now: () => number;
  policy?: Partial<DeskPolicy>;
  /** The engine's outages now (active and recently restored); else those seen in `outagesChanged`. */
  outages?: () => readonly OutageDto[];
  /** Was there an alert on the outage or a notice to the customer before `at`? */
  warned?: (outageId: string, customer: string, at: number) => boolean;
}

const statusIndex = (s: OrderStatus) => ORDER_STATUSES.indexOf(s);
const RANK: Record<Role, number> = { wall: 0, team: 1, officer: 2, 'shift-lead': 3, manager: 4, admin: 5 };


export class WorkOrderDesk {
  readonly policy: DeskPolicy;
  private readonly orders = new Map<string, OrderDto>();
  /** Open orders by the root outage they are about. */
  private readonly byOutage = new Map<string, string>();
  private readonly outages = new Map<string, OutageDto>();
  private readonly contactIds = new Map<string, number>();
  private readonly complaintsByCustomer = new Map<string, ComplaintMark[]>();
  private readonly complaintsByArea = new Map<string, ComplaintMark[]>();
  private readonly teamOfGrid: Map<string, string>;
  private readonly teams: Map<string, string>;
  private readonly changed = new Set<string>();

  constructor(private readonly o: DeskOptions) {
    this.policy = { ...DEFAULT_DESK_POLICY, ...o.policy };
    this.teamOfGrid = new Map(o.index.network.grids.map((g) => [g.id, g.team]));
    this.teams = new Map(o.index.network.teams.map((t) => [t.id, t.name]));
  }

  /** Restores the desk after a restart: recent and open orders, and the complaints of 90 days. */
  load(orders: readonly OrderDto[], complaints: readonly ComplaintMark[], outages: readonly OutageDto[] = [], contacts: readonly (readonly [string, number])[] = []): void {
    for (const o of outages) this.outages.set(o.id, o);
    // Contacts of older orders (no longer in memory) still count as taken.
    for (const [id, at] of contacts) this.contactIds.set(id, at);
    for (const order of orders) {
      const copy = structuredClone(order);
      this.orders.set(copy.id, copy);
      for (const c of copy.contactList) this.contactIds.set(c.id, c.at);
      if (copy.outageId && copy.status !== 'closed' && !copy.mergedInto) this.byOutage.set(copy.outageId, copy.id);
    }
    for (const m of complaints) this.markComplaint(m);
  }

  get(id: string): OrderDto | undefined {
    return this.orders.get(id);
  }

  hasContact(id: string): boolean {
    return this.contactIds.has(id);
  }

  /** Orders in memory (open ones and those closed in the last days). */
  list(): OrderDto[] {
    return [...this.orders.values()];
  }

  teamName(id: string): string | undefined {
    return this.teams.get(id);
  }

  /** The customer a contact names, by customer id or meter id. */
  customerOf(id: string): Customer | undefined {
    return this.o.index.customer.get(id) ?? this.o.index.meter.get(id);
  }

  /** The outage a contact from this customer at `at` is about (root of any nesting). */
  outageFor(c: Customer, at: number): OutageDto | null {
    const live = this.o.outages?.();
    const byId = live ? new Map([...this.outages, ...live.map((x) => [x.id, x] as const)]) : this.outages;
    const found = findOutage(c, at, byId.values(), this.policy);
    return found ? rootOutage(found, byId) : null;
  }

  // ── intake ────────────────────────────────────────────────────────────────────────────────

  /**
   * Takes a validated contact: classifies it, triages it against live data and attaches it to the
   * open order of its outage or dispatches a new order. Idempotent on the contact id.
   */
  intake(contact: ContactIn, facts: LiveFacts = {}): IntakeResult {
    if (this.contactIds.has(contact.id)) {
      const existing = [...this.orders.values()].find((o) => o.contactList.some((c) => c.id === contact.id)) ?? null;
      return { order: existing, created: false, duplicate: true };
    }
    const customer = this.customerOf(contact.customer);
    if (!customer) return { order: null, created: false, duplicate: false, rejected: `unknown customer ${contact.customer}` };
    const cls = classifyContact(contact);
    const outage = cls.category === 'outage' ? this.outageFor(customer, contact.at) : null;
    const tri = triage(cls.category, customer, contact.at, outage, facts, this.policy);
    const entry: OrderContact = {
      id: contact.id,
      at: contact.at,
      customer: customer.id,
      channel: contact.channel,
      type: cls.type,
      category: cls.category,
      text: contact.text ?? null,
      warned: tri.outageId !== null && (this.o.warned?.(tri.outageId, customer.id, contact.at) ?? false),
      repeatCustomer: null,
    };
    this.contactIds.set(contact.id, contact.at);

    // One order per outage: later contacts join its order until that is closed (also after the
    // power is back: the callbacks then cover them).
    const joinId = tri.outageId !== null ? this.byOutage.get(tri.outageId) : undefined;
    const join = joinId ? this.orders.get(joinId) : undefined;
    if (join && join.status !== 'closed') {
      this.attach(join, entry, customer);
      return { order: join, created: false, duplicate: false };
    }
    const order = this.create(entry, customer, cls, tri);
    return { order, created: true, duplicate: false };
  }

  private create(entry: OrderContact, customer: Customer, cls: ReturnType<typeof classifyContact>, tri: Triage): OrderDto {
    const t = this.o.index.transformer.get(customer.transformer)!;
    const team = this.teamOfGrid.get(t.grid) ?? null;
    const at = entry.at;
    const due = tri.crew ? 'on-site' : 'resolved';
    const limitMin = this.policy.limitsMin[cls.category][t.zone];
    const order: OrderDto = {
      id: `WO-${entry.id}`,
      category: cls.category,
      status: 'created',
      createdAt: at,
      updatedAt: at,
      statusAt: at,
      channel: entry.channel,
      customer: customer.id,
      customers: 0,
      contacts: 0,
      complaint: false,
      transformer: t.id,
      grid: t.grid,
      team,
      zone: t.zone,
      outageId: tri.outageId,
      triage: tri,
      dueStep: due,
      limitMin,
      deadline: at + limitMin * MIN,
      supervision: 'none',
      overdue: false,
      reopened: 0,
      transfers: 0,
      reclassified: false,
      repeatCustomer: null,
      repeatArea: null,
      solved: null,
      score: null,
      resolvedAt: null,
      closedAt: null,
      mergedInto: null,
      contactList: [],
      steps: [],
    };
    this.orders.set(order.id, order);
    this.step(order, 'created', SYSTEM, at, `${cls.category} (${cls.note}); triage: ${tri.result}`);
    this.attach(order, entry, customer, false);
    if (tri.outageId !== null) this.byOutage.set(tri.outageId, order.id);
    // Automatic dispatch to the team that owns the station area's grid.
    order.status = 'dispatched';
    this.step(order, 'dispatched', SYSTEM, at, team ? `to ${this.teams.get(team) ?? team} (grid ${t.grid}, ${t.zone}); ${due} within ${limitMin} min` : `no team owns grid ${t.grid}`);
    // Power already back before the contact: the problem is solved, the callbacks remain.
    if (tri.result === 'restored') this.resolve(order, SYSTEM, at, tri.note);
    return order;
  }

  private attach(order: OrderDto, entry: OrderContact, customer: Customer, stepIt = true): void {
    entry.repeatCustomer = entry.type === 'complaint' ? this.repeatWindow(this.complaintsByCustomer.get(customer.id), order.id, entry.at) : null;
    if (entry.type === 'complaint') {
      const area = this.repeatWindow(this.complaintsByArea.get(customer.transformer), order.id, entry.at);
      order.repeatArea = minWindow(order.repeatArea, area);
      order.repeatCustomer = minWindow(order.repeatCustomer, entry.repeatCustomer);
      order.complaint = true;
      this.markComplaint({ order: order.id, customer: customer.id, transformer: customer.transformer, at: entry.at });
    }
    order.contactList.push(entry);
    order.contacts = order.contactList.length;
    order.customers = new Set(order.contactList.map((c) => c.customer)).size;
    if (stepIt) this.step(order, 'contact', SYSTEM, entry.at, `${entry.channel} ${entry.type} from ${customer.id}${entry.repeatCustomer ? ` (repeat within ${entry.repeatCustomer} d)` : ''}`);
    else this.touch(order, entry.at);
  }

  private repeatWindow(marks: ComplaintMark[] | undefined, orderId: string, at: number): RepeatWindow | null {
    if (!marks) return null;
    let latest = -Infinity;
    for (const m of marks) if (m.order !== orderId && m.at <= at && m.at > latest) latest = m.at;
    if (latest === -Infinity) return null;
    return REPEAT_WINDOWS_D.find((d) => at - latest <= d * DAY) ?? null;
  }

  private markComplaint(m: ComplaintMark): void {
    for (const [map, key] of [[this.complaintsByCustomer, m.customer], [this.complaintsByArea, m.transformer]] as const) {
      let list = map.get(key);
      if (!list) map.set(key, (list = []));
      list.push(m);
    }
  }

  // ── outages ───────────────────────────────────────────────────────────────────────────────

  /**
   * Outage changes from the engine: nested outages move their orders to the root, a new outage
   * takes in the unverified orders of its customers, a restoration resolves its order.
   */
  outagesChanged(list: readonly OutageDto[]): void {
    for (const o of list) this.outages.set(o.id, o);
    for (const o of list) {
      const root = rootOutage(o, this.outages);
      if (root.id !== o.id) this.relink(o.id, root);
    }
    for (const o of list) {
      if (o.parentId === null && o.restoredAt === null && o.status !== 'customer-side') this.absorbUnverified(o);
    }
    for (const o of list) {
      if (o.restoredAt === null) continue;
      const id = this.byOutage.get(o.id);
      const order = id ? this.orders.get(id) : undefined;
      // Not an order reopened after this restoration (the customer says the problem remains).
      if (order && statusIndex(order.status) < statusIndex('resolved') && o.restoredAt >= order.statusAt) {
        this.resolve(order, SYSTEM, o.restoredAt, `power restored at ${new Date(o.restoredAt).toISOString().slice(11, 16)} UTC (outage ${o.id})`);
      }
    }
    // Forget outages restored long ago.
    const cut = this.o.now() - this.policy.restoredLinkMs - 10 * MIN;
    for (const [id, o] of this.outages) if (o.restoredAt !== null && o.restoredAt < cut) this.outages.delete(id);
  }

  /** The order of a nested outage belongs to its root's order. */
  private relink(childId: string, root: OutageDto): void {
    const childOrderId = this.byOutage.get(childId);
    if (!childOrderId) return;
    this.byOutage.delete(childId);
    const order = this.orders.get(childOrderId);
    if (!order || order.status === 'closed' || order.mergedInto) return;
    const rootOrderId = this.byOutage.get(root.id);
    if (rootOrderId && rootOrderId !== order.id) {
      this.merge(order, this.orders.get(rootOrderId)!, `outage ${childId} is inside outage ${root.id}`);
    } else {
      this.byOutage.set(root.id, order.id);
      this.retriage(order, root, `outage ${childId} is inside outage ${root.id}`);
    }
  }

  /** Unverified (and meter-live) outage orders of the new outage's customers join its order. */
  private absorbUnverified(o: OutageDto): void {
    const now = this.o.now();
    for (const order of [...this.orders.values()]) {
      // A resolved order is not taken over: the outage's own calls start its order, with a crew.
      if (order.category !== 'outage' || order.mergedInto || statusIndex(order.status) >= statusIndex('resolved')) continue;
      if (order.outageId !== null && order.outageId !== o.id && this.outages.get(order.outageId)?.status !== 'customer-side') continue;
      if (order.outageId === o.id || now - order.createdAt > this.policy.mergeWindowMs) continue;
      if (order.triage.result !== 'unverified' && order.triage.result !== 'customer-side') continue;
      const c = this.customerOf(order.customer);
      if (!c || !outageCovers(o, c)) continue;
      const into = this.byOutage.get(o.id);
      if (into) this.merge(order, this.orders.get(into)!, `the customer is inside outage ${o.id}`);
      else {
        this.byOutage.set(o.id, order.id);
        this.retriage(order, o, `outage ${o.id} found at ${o.device}`);
      }
    }
  }

  private retriage(order: OrderDto, o: OutageDto, why: string): void {
    if (order.outageId && order.outageId !== o.id && this.byOutage.get(order.outageId) === order.id) this.byOutage.delete(order.outageId);
    order.outageId = o.id;
    const crew = o.status !== 'planned' && o.status !== 'customer-side';
    order.triage = { result: o.status === 'planned' ? 'planned' : o.status === 'customer-side' ? 'customer-side' : 'outage', crew, outageId: o.id, note: `inside outage ${o.id} (${o.status}) at ${o.device}, ${o.customers} customers` };
    order.dueStep = crew ? 'on-site' : 'resolved';
    this.step(order, 'note', SYSTEM, this.o.now(), `linked to outage ${o.id}: ${why}`);
  }

  /** Moves `from`'s contacts into `into` and closes `from` as merged (no duplicate dispatch). */
  private merge(from: OrderDto, into: OrderDto, why: string): void {
    const now = this.o.now();
    // The contacts keep their repeat flags; their complaint marks now name the order they joined.
    into.contactList.push(...from.contactList.map((c) => ({ ...c })));
    into.contactList.sort((a, b) => a.at - b.at);
    into.contacts = into.contactList.length;
    into.customers = new Set(into.contactList.map((c) => c.customer)).size;
    into.complaint ||= from.complaint;
    into.repeatCustomer = minWindow(into.repeatCustomer, from.repeatCustomer);
    into.repeatArea = minWindow(into.repeatArea, from.repeatArea);
    for (const map of [this.complaintsByCustomer, this.complaintsByArea]) {
      for (const c of from.contactList) {
        const customer = this.customerOf(c.customer);
        for (const m of map.get(map === this.complaintsByCustomer ? c.customer : (customer?.transformer ?? '')) ?? []) if (m.order === from.id) m.order = into.id;
      }
    }
    this.step(into, 'note', SYSTEM, now, `took in ${from.id} (${from.contacts} contacts): ${why}`);
    for (const [outageId, orderId] of this.byOutage) if (orderId === from.id) this.byOutage.delete(outageId);
    from.mergedInto = into.id;
    from.status = 'closed';
    from.closedAt = now;
    this.step(from, 'closed', SYSTEM, now, `merged into ${into.id}: ${why}`);
  }

  // ── steps ─────────────────────────────────────────────────────────────────────────────────

  /** An action from the console or a team's app, checked against the user's role and the order's state. */
  act(id: string, action: OrderAction, user: ConsoleUser): OrderDto {
    const order = this.orders.get(id);
    if (!order) throw new OrderError(404, `no work order ${id} in the open or recent orders`);
    const needs = ORDER_ACTION_RIGHTS[action.action];
    const rank = RANK[user.role];
    if (rank < RANK[needs]) throw new OrderError(403, `${action.action} needs the role ${needs === 'team' ? 'team or officer' : 'officer'}`);
    if (user.role === 'team' && user.team !== order.team) throw new OrderError(403, `order ${id} belongs to team ${order.team ?? '(none)'}, not to ${user.team ?? '(none)'}`);
    if (order.status === 'closed' && action.action !== 'note') throw new OrderError(409, `order ${id} is closed`);
    const now = this.o.now();
    const by = user.username;
    const s = statusIndex(order.status);
    const expect = (ok: boolean, why: string) => {
      if (!ok) throw new OrderError(409, `cannot ${action.action} order ${id} while it is ${order.status}: ${why}`);
    };
    switch (action.action) {
      case 'accept':
        expect(order.status === 'dispatched', 'only a dispatched order is accepted');
        order.status = 'accepted';
        this.step(order, 'accepted', by, now);
        break;
      case 'on-site':
        expect(order.triage.crew, 'no site visit is needed for it');
        expect(order.status === 'dispatched' || order.status === 'accepted', 'the crew arrives before the order is resolved');
        order.status = 'on-site';
        this.step(order, 'on-site', by, now, this.lateness(order, now));
        break;
      case 'resolve':
        expect(s >= statusIndex('dispatched') && s < statusIndex('resolved'), 'it is resolved already');
        this.resolve(order, by, now, action.note);
        break;
      case 'callback-1':
        expect(order.status === 'resolved', 'the first callback follows the resolution');
        if (action.solved) {
          order.solved = true;
          order.status = 'callback-1';
          this.step(order, 'callback-1', by, now, `problem solved${action.note ? `: ${action.note}` : ''}`);
        } else {
          order.solved = null;
          order.reopened++;
          this.step(order, 'callback-1', by, now, `problem not solved${action.note ? `: ${action.note}` : ''}`);
          this.dispatchAgain(order, now, by, 'reopened after a failed callback');
        }
        break;
      case 'callback-2':
        expect(order.status === 'callback-1', 'the satisfaction callback follows a successful first callback');
        order.score = action.score;
        this.step(order, 'callback-2', by, now, `satisfaction ${action.score}/5${action.note ? `: ${action.note}` : ''}`);
        order.status = 'closed';
        order.closedAt = now;
        this.step(order, 'closed', SYSTEM, now);
        if (order.outageId && this.byOutage.get(order.outageId) === order.id) this.byOutage.delete(order.outageId);
        break;
      case 'transfer': {
        expect(this.teams.has(action.team), `unknown team ${action.team}`);
        expect(action.team !== order.team, 'it is with that team already');
        const from = order.team;
        order.team = action.team;
        order.transfers++;
        this.step(order, 'transferred', by, now, `from ${from ?? '(none)'} to ${action.team}${action.note ? `: ${action.note}` : ''}`);
        if (s >= statusIndex('accepted') && s < statusIndex('resolved')) {
          // The new team accepts it afresh; the customer's time limit runs on.
          order.status = 'dispatched';
          this.step(order, 'dispatched', SYSTEM, now, `to ${this.teams.get(action.team) ?? action.team}`);
        }
        break;
      }
      case 'reclassify': {
        expect(action.category !== order.category, `it is ${order.category} already`);
        const from = order.category;
        const dispatchedAt = this.dispatchedAt(order);
        order.category = action.category;
        order.reclassified = true;
        order.limitMin = this.policy.limitsMin[action.category][order.zone ?? 'urban'];
        order.deadline = dispatchedAt + order.limitMin * MIN;
        // Field categories need a crew on site unless live data said otherwise; the others do not.
        const field = action.category === 'outage' || action.category === 'voltage';
        if (field !== order.triage.crew && order.triage.outageId === null) {
          order.triage = { ...order.triage, crew: field, note: `${order.triage.note}; reclassified ${from} → ${action.category}` };
        }
        order.dueStep = order.triage.crew ? 'on-site' : 'resolved';
        this.step(order, 'reclassified', by, now, `${from} → ${action.category}; ${order.dueStep} within ${order.limitMin} min`);
        break;
      }
      case 'note':
        this.step(order, 'note', by, now, action.note);
        break;
    }
    return order;
  }

  private lateness(order: OrderDto, at: number): string | undefined {
    return at > order.deadline ? `${Math.round((at - order.deadline) / MIN)} min after the time limit` : undefined;
  }

  private resolve(order: OrderDto, by: string, at: number, note?: string): void {
    order.status = 'resolved';
    order.resolvedAt = at;
    this.step(order, 'resolved', by, at, [note, order.dueStep === 'resolved' ? this.lateness(order, at) : undefined].filter(Boolean).join('; ') || undefined);
  }

  private dispatchAgain(order: OrderDto, now: number, by: string, why: string): void {
    order.status = 'dispatched';
    order.resolvedAt = null;
    order.supervision = 'none';
    order.deadline = now + order.limitMin * MIN;
    this.step(order, 'reopened', by, now, why);
    this.step(order, 'dispatched', SYSTEM, now, `to ${order.team ?? '(no team)'} again; ${order.dueStep} within ${order.limitMin} min`);
  }

  private dispatchedAt(order: OrderDto): number {
    return order.deadline - order.limitMin * MIN;
  }

  // ── supervision ───────────────────────────────────────────────────────────────────────────

  /** Escalates orders that have not reached their due step at 50/80/100% of the limit. Call every few seconds. */
  tick(): void {
    const now = this.o.now();
    for (const order of this.orders.values()) {
      if (order.status === 'closed' || statusIndex(order.status) >= statusIndex(order.dueStep)) continue;
      const start = this.dispatchedAt(order);
      const share = (now - start) / (order.limitMin * MIN);
      let level = 0;
      for (let i = 0; i < 3; i++) if (share >= this.policy.escalateAt[i]!) level = i + 1;
      const current = SUPERVISION_LEVELS.indexOf(order.supervision);
      if (level > current) {
        order.supervision = SUPERVISION_LEVELS[level]!;
        const at = start + this.policy.escalateAt[level - 1]! * order.limitMin * MIN;
        this.step(order, 'escalated', SYSTEM, Math.min(now, Math.max(at, order.updatedAt)), `${order.supervision}: ${order.dueStep} not reached at ${Math.round(this.policy.escalateAt[level - 1]! * 100)}% of ${order.limitMin} min`);
      }
      if (now >= order.deadline && !this.overdueRecorded(order)) {
        order.overdue = true;
        this.step(order, 'overdue', SYSTEM, now, `${order.dueStep} not reached within ${order.limitMin} min`);
      }
    }
    // Closed orders leave memory after a while (the database keeps them).
    const cut = now - this.policy.keepClosedMs;
    for (const [id, order] of this.orders) {
      if (order.status === 'closed' && (order.closedAt ?? 0) < cut && !this.changed.has(id)) this.orders.delete(id);
    }
    const contactCut = now - 100 * DAY;
    for (const [id, at] of this.contactIds) if (at < contactCut) this.contactIds.delete(id);
    for (const map of [this.complaintsByCustomer, this.complaintsByArea]) {
      for (const [key, list] of map) {
        const kept = list.filter((m) => m.at >= now - 91 * DAY);
        if (kept.length === 0) map.delete(key);
        else if (kept.length !== list.length) map.set(key, kept);
      }
    }
  }

  /** Was this dispatch's missed limit recorded already (an order reopened can miss its new one)? */
  private overdueRecorded(order: OrderDto): boolean {
    const since = this.dispatchedAt(order);
    for (let i = order.steps.length - 1; i >= 0; i--) {
      const s = order.steps[i]!;
      if (s.kind === 'overdue' && s.at >= since) return true;
      if (s.at < since) break;
    }
    return false;
  }

  // ── outputs ───────────────────────────────────────────────────────────────────────────────

  /** Orders changed since the last call, each once, in their latest state. */
  drainChanges(): OrderDto[] {
    const list = [...this.changed].map((id) => this.orders.get(id)).filter((o): o is OrderDto => o !== undefined);
    this.changed.clear();
    return list;
  }

  /** Marks orders changed again (their store failed; the next drain retries them). */
  retry(ids: readonly string[]): void {
    for (const id of ids) if (this.orders.has(id)) this.changed.add(id);
  }

  private step(order: OrderDto, kind: OrderStep['kind'], by: string, at: number, note?: string): void {
    order.steps.push(note ? { kind, at, by, note } : { kind, at, by });
    if ((ORDER_STATUSES as readonly string[]).includes(kind)) order.statusAt = at;
    this.touch(order, at);
  }

  private touch(order: OrderDto, at: number): void {
    order.updatedAt = Math.max(order.updatedAt, at);
    this.changed.add(order.id);
  }
}

function minWindow(a: RepeatWindow | null, b: RepeatWindow | null): RepeatWindow | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b) as RepeatWindow;
}

/** The list form of an order (no contacts, no timeline). */
export function brief(o: OrderDto | OrderBrief): OrderBrief {
  const { contactList: _c, steps: _s, ...rest } = o as OrderDto;
  return rest;
}

/**
 * The form the realtime stream and the wall get (no sign-in there): no customer id and no triage
 * evidence, which names meters. The console reads those over the signed-in API.
 */
export function publicBrief(o: OrderDto | OrderBrief): OrderBrief {
  return { ...brief(o), customer: '', triage: { ...o.triage, note: '' } };
}

/**
 * Time limits from `category=urban/rural/remote` or `category=all` entries, comma separated, over
 * the defaults. Throws with a readable message on a bad entry.
 */
export function parseLimits(raw: string, base: DeskPolicy['limitsMin'] = DEFAULT_DESK_POLICY.limitsMin): DeskPolicy['limitsMin'] {
  const out = structuredClone(base);
  for (const entry of raw.split(',').map((x) => x.trim()).filter(Boolean)) {
    const [name, value] = entry.split('=').map((x) => x.trim());
    if (!name || !value || !(name in out)) throw new Error(`ORDER_LIMITS_MIN: "${entry}" is not category=minutes (categories: ${Object.keys(out).join(', ')})`);
    const parts = value.split('/').map(Number);
    if (!(parts.length === 1 || parts.length === 3) || parts.some((x) => !Number.isFinite(x) || x <= 0)) {
      throw new Error(`ORDER_LIMITS_MIN: "${entry}" needs one positive number of minutes or three (urban/rural/remote)`);
    }
    const [urban, rural = urban, remote = urban] = parts as [number, number?, number?];
    out[name as OrderCategory] = { urban, rural, remote };
  }
  return out;
}
