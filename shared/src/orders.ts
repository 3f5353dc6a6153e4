// Work orders: every customer contact, from any channel, enters one platform, is dispatched to the
// grid team that owns the customer's station area with a time limit, is tracked at every step and
// is closed only after two callbacks. Types shared by the server (desk, API, realtime) and the
// console and wall.
import { Type, type Static } from '@sinclair/typebox';
import type { Channel, ContactType } from './schemas.ts';
import type { Zone } from './network.ts';
import type { OutageDto } from './realtime.ts';

/** What a contact is about, after classification (rules on the intake's category, then keywords). */
export const ORDER_CATEGORIES = ['outage', 'voltage', 'billing', 'attitude', 'other'] as const;
export type OrderCategory = (typeof ORDER_CATEGORIES)[number];

/**
 * The order's progress. `callback-1` means the first callback confirmed the problem is solved and
 * the satisfaction callback is due; the satisfaction callback closes the order. A failed first
 * callback reopens the order (back to `dispatched`, with a new time limit).
 */
export const ORDER_STATUSES = ['created', 'dispatched', 'accepted', 'on-site', 'resolved', 'callback-1', 'closed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Entries of an order's timeline. */
export const ORDER_STEP_KINDS = [
  'created',
  'dispatched',
  'accepted',
  'on-site',
  'resolved',
  'callback-1',
  'callback-2',
  'closed',
  'reopened',
  'contact',
  'escalated',
  'overdue',
  'transferred',
  'reclassified',
  'note',
] as const;
export type OrderStepKind = (typeof ORDER_STEP_KINDS)[number];

export interface OrderStep {
  kind: OrderStepKind;
  at: number;
  /** Username, or `system` for automatic steps. */
  by: string;
  note?: string;
}

/**
 * Triage against live data.
 * - `outage`: linked to an open grid outage covering the customer (one order per outage).
 * - `planned`: linked to a planned outage (explain, no crew).
 * - `restored`: the customer's outage was restored shortly before the contact (linked to it).
 * - `customer-side`: the meter and its station area are live (or the engine found a
 *   customer-side outage): the customer's own installation, no grid crew.
 * - `unverified`: no power claimed, no outage known and no recent reading either way: a crew checks.
 * - `voltage-confirmed` / `voltage-normal` / `voltage-no-data`: the meter's recent voltage.
 * - `none`: nothing to check against live data (billing, attitude, other).
 */
export const TRIAGE_RESULTS = ['outage', 'planned', 'restored', 'customer-side', 'unverified', 'voltage-confirmed', 'voltage-normal', 'voltage-no-data', 'none'] as const;
export type TriageResult = (typeof TRIAGE_RESULTS)[number];

export interface Triage {
  result: TriageResult;
  /** Does it need a grid crew on site? */
  crew: boolean;
  outageId: string | null;
  /** The evidence, in words an officer can check. */
  note: string;
}

/** Supervision levels (三级督办): none, team leader, department, company. */
export const SUPERVISION_LEVELS = ['none', 'team-leader', 'department', 'company'] as const;
export type SupervisionLevel = (typeof SUPERVISION_LEVELS)[number];

export const REPEAT_WINDOWS_D = [30, 60, 90] as const;
export type RepeatWindow = (typeof REPEAT_WINDOWS_D)[number];

/** A contact attached to an order. */
export interface OrderContact {
  id: string;
  at: number;
  customer: string;
  channel: Channel;
  type: ContactType;
  category: OrderCategory;
  text: string | null;
  /** An alert on the outage or a notice to this customer existed before the contact. */
  warned: boolean;
  /** Smallest window (days) in which the same customer complained before, or null. */
  repeatCustomer: RepeatWindow | null;
}

/** An order as listed (console list, wall). */
export interface OrderBrief {
  id: string;
  category: OrderCategory;
  status: OrderStatus;
  createdAt: number;
  updatedAt: number;
  /** When the order entered its current status. */
  statusAt: number;
  /** Channel and customer of the first contact. */
  channel: Channel;
  customer: string;
  /** Distinct customers who contacted about it. */
  customers: number;
  contacts: number;
  /** Any contact a complaint (投诉) rather than a report or an enquiry. */
  complaint: boolean;
  transformer: string | null;
  grid: string | null;
  team: string | null;
  zone: Zone | null;
  outageId: string | null;
  triage: Triage;
  /** The step the time limit is for: a crew on site, or the problem resolved. */
  dueStep: 'on-site' | 'resolved';
  limitMin: number;
  /** Epoch ms by which `dueStep` must be reached (for the current dispatch). */
  deadline: number;
  supervision: SupervisionLevel;
  /** Missed its time limit at least once (kept after it is met late). */
  overdue: boolean;
  reopened: number;
  transfers: number;
  reclassified: boolean;
  /** Smallest repeat window for the customer / the station area, or null. */
  repeatCustomer: RepeatWindow | null;
  repeatArea: RepeatWindow | null;
  /** First callback: problem solved? Null until made. */
  solved: boolean | null;
  /** Second callback: satisfaction 1–5. */
  score: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  /** Closed because its contacts moved into this order (same outage found later). */
  mergedInto: string | null;
}

/** An order with its contacts and timeline (`GET /api/orders/:id`). */
export interface OrderDto extends OrderBrief {
  contactList: OrderContact[];
  steps: OrderStep[];
}

/** `GET /api/orders/:id` also returns the customer's history and the linked outage, when any. */
export interface OrderDetail {
  order: OrderDto;
  /** The outage the order is about, when it has one (as stored). */
  outage: OutageDto | null;
  /** Earlier orders of the first contact's customer (newest first, last 365 days). */
  customerHistory: OrderBrief[];
}

/** Actions on an order (`POST /api/orders/:id/actions`). */
export const OrderAction = Type.Union([
  Type.Object({ action: Type.Literal('accept') }),
  Type.Object({ action: Type.Literal('on-site') }),
  Type.Object({ action: Type.Literal('resolve'), note: Type.Optional(Type.String({ maxLength: 500 })) }),
  Type.Object({ action: Type.Literal('callback-1'), solved: Type.Boolean(), note: Type.Optional(Type.String({ maxLength: 500 })) }),
  Type.Object({ action: Type.Literal('callback-2'), score: Type.Integer({ minimum: 1, maximum: 5 }), note: Type.Optional(Type.String({ maxLength: 500 })) }),
  Type.Object({ action: Type.Literal('transfer'), team: Type.String({ minLength: 1, maxLength: 64 }), note: Type.Optional(Type.String({ maxLength: 500 })) }),
  Type.Object({ action: Type.Literal('reclassify'), category: Type.Union(ORDER_CATEGORIES.map((c) => Type.Literal(c))) }),
  Type.Object({ action: Type.Literal('note'), note: Type.String({ minLength: 1, maxLength: 500 }) }),
]);
export type OrderAction = Static<typeof OrderAction>;
export type OrderActionName = OrderAction['action'];

/** Who may do a step: the owning team's leader works the order; the centre calls back and re-routes. */
export const ORDER_ACTION_RIGHTS: Record<OrderActionName, 'team' | 'officer'> = {
  accept: 'team',
  'on-site': 'team',
  resolve: 'team',
  note: 'team',
  'callback-1': 'officer',
  'callback-2': 'officer',
  transfer: 'officer',
  reclassify: 'officer',
};

/** Whether the order has reached the step its time limit is for. */
export const dueReached = (o: Pick<OrderBrief, 'status' | 'dueStep'>): boolean => ORDER_STATUSES.indexOf(o.status) >= ORDER_STATUSES.indexOf(o.dueStep);

/**
 * What the wall's attention list holds: open orders under supervision, or past their time limit
 * without reaching the due step (an order met late, or reopened and on time again, is not).
 */
export const needsAttention = (o: Pick<OrderBrief, 'status' | 'dueStep' | 'overdue' | 'supervision'>): boolean =>
  o.status !== 'closed' && (o.supervision !== 'none' || (o.overdue && !dueReached(o)));

/** Special lists for analysis (专项分析). */
export const ORDER_LISTS = ['repeat', 'abnormal', 'low-satisfaction'] as const;
export type OrderList = (typeof ORDER_LISTS)[number];

export interface ChannelKpis {
  contacts: number;
  orders: number;
  /** Orders whose first dispatch stood: not transferred and not reclassified. */
  dispatchAccuracy: number | null;
  /** Median minutes from creation to resolution, resolved orders. */
  handlingMinMedian: number | null;
}

/**
 * Service KPIs over a period, for the company or one grid, team or channel. Definitions
 * (README "Work orders"): orders and contacts created in [from, to).
 */
export interface ServiceKpis {
  from: number;
  to: number;
  scope: { by: 'company' | 'grid' | 'team' | 'channel'; id: string | null };
  customersServed: number;
  contacts: number;
  complaints: number;
  complaintsPer10k: number;
  orders: number;
  openOrders: number;
  closedOrders: number;
  overdueOrders: number;
  /** Overdue orders / orders. */
  overdueRate: number | null;
  /** Closed orders never reopened in which no customer had to contact twice / closed orders. */
  firstContactResolution: number | null;
  /** Mean satisfaction score (1–5) and share of scores ≥ 4. */
  satisfactionMean: number | null;
  satisfied: number | null;
  /** Complaints whose customer complained before within 90 days / complaints. */
  repeatComplaintRate: number | null;
  /** Contacts per channel. */
  channelMix: Record<Channel, number>;
  channels: Record<Channel, ChannelKpis>;
  /** Outage complaints warned about (alert or notice before the complaint) / outage complaints. */
  warnedShare: number | null;
  outageComplaints: number;
  /**
   * Planned outages starting in the period (not cancelled) and those announced less than the
   * committed days ahead (State Grid: 7). Company scope from the API only; null elsewhere.
   */
  planned: { outages: number; announcedLate: number; noticeDays: number } | null;
}

/**
 * One clock hour of the work orders' trend (the wall's trend chart). `due`: orders whose time
 * limit (for their current dispatch) ended in the hour; `missed`: of those, the ones that had not
 * reached their due step by then. Hours still running count the limits ended so far.
 */
export interface ServiceHour {
  /** Epoch ms of the hour's start. */
  hour: number;
  /** Contacts received in the hour, per channel. */
  contacts: Record<Channel, number>;
  due: number;
  missed: number;
}

/** A supervision step of an order, for the wall's alert and escalation ticker. */
export interface ServiceEvent {
  orderId: string;
  at: number;
  kind: 'escalated' | 'overdue';
  /** The supervision level reached (escalated) or held (overdue). */
  level: SupervisionLevel;
  category: OrderCategory;
  grid: string | null;
  team: string | null;
  /** The order still needs attention now (overdue or under supervision, not closed). */
  live: boolean;
}

/** What the wall shows of the work orders: today's KPIs and the orders that need attention. */
export interface ServiceSummary {
  at: number;
  today: ServiceKpis;
  /** Open orders by status. */
  open: Partial<Record<OrderStatus, number>>;
  /** Open orders that are overdue or escalated, most urgent first (at most 20). */
  attention: OrderBrief[];
  /** The last 24 clock hours, oldest first (the current hour last). */
  hours: ServiceHour[];
  /** Escalations and missed limits of the last 12 hours, newest first (at most 30). */
  events: ServiceEvent[];
}

/** The supervision level an order's `escalated` step reached (its note starts with the level). */
export function supervisionOfStep(note: string | undefined): SupervisionLevel | null {
  return (/^(team-leader|department|company):/.exec(note ?? '')?.[1] as SupervisionLevel | undefined) ?? null;
}
