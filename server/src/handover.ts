// The handover summary (交接班) of a shift: pure, from what the database holds (outages, alerts,
// notices, work orders with their contacts and timelines), with the clock passed in. Figures
// count the events of [from, to). "Open" and "still" mean at the end of a window that is over
// (alerts and orders changed since are rebuilt from their steps, so a previous shift shows what
// it handed over, not what is open now), or as things stand for a shift under way. Definitions:
// README "Handover".
import {
  ALERT_ACTIONS, ALERT_SEVERITIES, CHANNELS, ORDER_CATEGORIES, dueReached, escalationOfStep, needsAttention, supervisionOfStep,
  type AlertDto, type AlertSeverity, type AlertStatus, type EscalatedLevel, type EscalationLevel, type HandoverAlert, type HandoverItem, type HandoverReason,
  type HandoverOutage, type HandoverShift, type HandoverSummary, type OrderDto, type OrderStatus, type OutageDto, type OutageStatus,
  type SupervisionLevel,
} from '@gridwatch/shared';
import { brief } from './orders/desk.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Without SHIFT_HOURS a shift is the last 8 hours. */
export const ROLLING_SHIFT_MS = 8 * HOUR;
/** The longest window `GET /api/handover?from=&to=` accepts. */
export const HANDOVER_MAX_MS = 7 * DAY;

const LARGEST = 5;
const OPEN_OUTAGES = 50;
const ATTENTION = 30;
const ITEMS = 40;

/** A notice as the handover needs it (recipients counted). */
export interface HandoverNotice {
  id: string;
  outageId: string;
  sentAt: number;
  sentBy: string;
  customers: number;
  mqtt: string;
  webhook: string;
}

export interface HandoverData {
  /** Outages (root and nested) open at some point of the window, and those the alerts are about. */
  outages: readonly OutageDto[];
  /** Alerts raised before `to` that were not resolved before `from`. */
  alerts: readonly AlertDto[];
  /** Notices sent before `to`: those of the window and every one about the outages above. */
  notices: readonly HandoverNotice[];
  /** Orders (not merged) created before `to` that were open or changed at or after `from`. */
  orders: readonly OrderDto[];
}

export interface HandoverOptions {
  from: number;
  to: number;
  /** The clock. */
  now: number;
  shift?: HandoverShift | null;
  /** Shift changes as minutes after local midnight (config `SHIFT_HOURS`), or null. */
  shiftMinutes?: readonly number[] | null;
}

// ---- shifts ------------------------------------------------------------------------------------

/**
 * `SHIFT_HOURS`: the local times at which shifts change, "08:00,16:00,00:00" (any order, at least
 * one; "none" or empty: no fixed shifts). Returns minutes after midnight, ascending.
 */
export function parseShiftHours(raw: string): number[] | null {
  const v = raw.trim();
  if (v === '' || v.toLowerCase() === 'none') return null;
  const out = new Set<number>();
  for (const part of v.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(part);
    const h = m ? Number(m[1]) : NaN;
    const mm = m?.[2] ? Number(m[2]) : 0;
    if (!m || h > 24 || mm > 59 || (h === 24 && mm > 0)) throw new Error(`SHIFT_HOURS: "${part}" is not a time of day HH:MM (e.g. 08:00,16:00,00:00)`);
    out.add((h * 60 + mm) % 1440);
  }
  if (out.size === 0) return null;
  return [...out].sort((a, b) => a - b);
}

export const formatShiftMinutes = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * The window of the shift under way at `now` ('current': from its start to its end, which lies
 * ahead) or of the one before it ('previous'). Without shift times: the last 8 hours, and the 8
 * hours before them.
 */
export function shiftWindow(now: number, which: HandoverShift, shiftMinutes: readonly number[] | null, utcOffsetMs: number): { from: number; to: number } {
  if (!shiftMinutes || shiftMinutes.length === 0) {
    return which === 'current' ? { from: now - ROLLING_SHIFT_MS, to: now } : { from: now - 2 * ROLLING_SHIFT_MS, to: now - ROLLING_SHIFT_MS };
  }
  const local = now + utcOffsetMs;
  const midnight = Math.floor(local / DAY) * DAY;
  const starts: number[] = [];
  for (let d = -2; d <= 1; d++) for (const m of shiftMinutes) starts.push(midnight + d * DAY + m * MIN - utcOffsetMs);
  starts.sort((a, b) => a - b);
  const i = starts.findLastIndex((s) => s <= now);
  const j = which === 'current' ? i : i - 1;
  return { from: starts[j]!, to: starts[j + 1]! };
}

// ---- state at an instant -------------------------------------------------------------------------

const ORDER_STATUS_STEPS = new Set<string>(['created', 'dispatched', 'accepted', 'on-site', 'resolved', 'closed']);

/**
 * The order as it stood at `at` (its steps before `at` replayed), or null if it did not exist
 * yet. An order unchanged since is returned as it is.
 */
export function orderAt(o: OrderDto, at: number): OrderDto | null {
  if (o.createdAt >= at) return null;
  if (o.updatedAt < at) return o;
  let status: OrderStatus = 'created';
  let supervision: SupervisionLevel = 'none';
  let overdue = false;
  let closedAt: number | null = null;
  let resolvedAt: number | null = null;
  let statusAt = o.createdAt;
  for (const s of o.steps) {
    if (s.at >= at) continue;
    if (ORDER_STATUS_STEPS.has(s.kind)) {
      status = s.kind as OrderStatus;
      statusAt = s.at;
      if (s.kind === 'closed') closedAt = s.at;
      if (s.kind === 'resolved') resolvedAt = s.at;
    } else if (s.kind === 'callback-1' && s.note?.startsWith('problem solved')) {
      status = 'callback-1';
      statusAt = s.at;
    } else if (s.kind === 'escalated') {
      supervision = supervisionOfStep(s.note) ?? supervision;
    } else if (s.kind === 'reopened') {
      supervision = 'none';
      resolvedAt = null;
    } else if (s.kind === 'overdue') {
      overdue = true;
    }
  }
  return { ...o, status, statusAt, supervision, overdue, closedAt, resolvedAt, steps: o.steps.filter((s) => s.at < at), contactList: o.contactList.filter((c) => c.at < at) };
}

const ALERT_STATUS_STEPS = new Set<string>(['open', 'acknowledged', 'actioned', 'resolved']);

/** The alert as it stood at `at`, or null if it was not raised yet. */
export function alertAt(a: AlertDto, at: number): AlertDto | null {
  if (a.raisedAt >= at) return null;
  if (a.updatedAt < at) return a;
  let status: AlertStatus = 'open';
  let escalation: EscalationLevel = 'officer';
  // The severity before the first change after `at`, else the current one.
  const later = a.steps.find((s) => s.status === 'severity' && s.at >= at);
  let severity = ((later && /^(\w+) →/.exec(later.note ?? '')?.[1]) as AlertSeverity | undefined) ?? a.severity;
  if (!ALERT_SEVERITIES.includes(severity)) severity = a.severity;
  for (const s of a.steps) {
    if (s.at >= at) continue;
    if (ALERT_STATUS_STEPS.has(s.status)) status = s.status as AlertStatus;
    else if (s.status === 'escalated') {
      escalation = escalationOfStep(s.note) ?? escalation;
    }
  }
  const actions = a.actions.filter((x) => x.at < at);
  return { ...a, status, escalation, severity, actions, priority: actions.some((x) => x.kind === 'crew-priority'), steps: a.steps.filter((s) => s.at < at) };
}

const isOpenAt = (o: Pick<OutageDto, 'startedAt' | 'restoredAt'>, at: number) => o.startedAt < at && (o.restoredAt === null || o.restoredAt >= at);

/** Customers of the outage without power at `at` (restoration steps before it subtracted). */
export function customersOutAt(o: Pick<OutageDto, 'customers' | 'steps' | 'restoredAt'>, at: number): number {
  if (o.restoredAt !== null && o.restoredAt < at) return 0;
  const back = o.steps.reduce((n, s) => n + (s.at < at ? s.customers : 0), 0);
  return Math.max(0, o.customers - back);
}

/** The status an outage had at `at`: restored later means it was still confirmed (or restoring) then. */
function outageStatusAt(o: OutageDto, at: number): OutageStatus {
  if (o.restoredAt === null || o.restoredAt < at) return o.status;
  if (o.status === 'planned' || o.status === 'customer-side' || o.status === 'probable' || o.status === 'confirmed') return o.status;
  return o.steps.some((s) => s.at < at) ? 'restoring' : 'confirmed';
}

// ---- the summary ---------------------------------------------------------------------------------

const inWindow = (t: number, from: number, to: number) => t >= from && t < to;
const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const SEVERITY_RANK: Record<AlertSeverity, number> = { warning: 0, high: 1, critical: 2 };
const ESCALATION_RANK: Record<EscalationLevel, number> = { officer: 0, 'shift-lead': 1, manager: 2 };
const SUPERVISION_RANK: Record<SupervisionLevel, number> = { none: 0, 'team-leader': 1, department: 2, company: 3 };
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function alertReasons(a: HandoverAlert): HandoverReason[] {
  const r: HandoverReason[] = [a.status === 'open' ? 'unacknowledged' : 'not-resolved'];
  if (a.escalation !== 'officer') r.push(a.escalation === 'manager' ? 'escalated-manager' : 'escalated-shift-lead');
  if (a.severity === 'critical') r.push('critical');
  if (a.etrPassed) r.push('etr-passed');
  if (a.priority) r.push('crew-priority');
  return r;
}

function outageReasons(o: HandoverOutage): HandoverReason[] {
  return ['still-out', ...(o.etrPassed ? ['etr-passed' as const] : o.etr === null ? ['no-etr' as const] : [])];
}

function orderReasons(o: OrderDto, asOf: number): HandoverReason[] {
  const r: HandoverReason[] = [];
  if (o.overdue || (o.deadline <= asOf && !dueReached(o))) r.push('overdue');
  if (o.supervision !== 'none') r.push(`supervision-${o.supervision}`);
  if (o.reopened > 0) r.push('reopened');
  return r;
}

export function summariseHandover(data: HandoverData, opts: HandoverOptions): HandoverSummary {
  const { from, to, now } = opts;
  const asOf = Math.min(to, now);
  // State is taken at the end of a window that is over, else as it stands (a shift under way).
  const end = now >= to ? to : Infinity;
  const within = (t: number) => inWindow(t, from, to);

  // ---- alerts, as they stood at asOf (an outage lists its alert) -----------------------------
  const alertsAt = data.alerts.map((a) => alertAt(a, end)).filter((a): a is AlertDto => a !== null);
  const alertOf = new Map(alertsAt.map((a) => [a.outageId, a]));
  const noticesBefore = new Map<string, number>();
  for (const n of data.notices) if (n.sentAt < end) noticesBefore.set(n.outageId, (noticesBefore.get(n.outageId) ?? 0) + 1);

  // ---- outages -------------------------------------------------------------------------------
  const outageById = new Map(data.outages.map((o) => [o.id, o]));
  const handoverOutage = (o: OutageDto): HandoverOutage => {
    const open = isOpenAt(o, end);
    const etr = o.restoredAt === null ? o.etr : null;
    const a = alertOf.get(o.id);
    return {
      id: o.id,
      status: outageStatusAt(o, end),
      level: o.level,
      device: o.device,
      feeder: o.feeder,
      stationAreas: o.transformers.length,
      customers: o.customers,
      customersOut: open ? customersOutAt(o, end) : o.customers,
      startedAt: o.startedAt,
      restoredAt: open ? null : o.restoredAt,
      etr,
      etrPassed: open && etr !== null && etr < asOf,
      alert: a ? { id: a.id, status: a.status, severity: a.severity, escalation: a.escalation } : null,
      notices: noticesBefore.get(o.id) ?? 0,
    };
  };
  const roots = data.outages.filter((o) => o.parentId === null);
  const sustained = roots.filter((o) => o.status !== 'momentary');
  const started = sustained.filter((o) => within(o.startedAt));
  const restored = sustained.filter((o) => o.restoredAt !== null && within(o.restoredAt));
  const openRoots = sustained.filter((o) => isOpenAt(o, end));
  const byCustomersOut = (a: HandoverOutage, b: HandoverOutage) => b.customersOut - a.customersOut || a.startedAt - b.startedAt || byId(a, b);
  const open = openRoots.map(handoverOutage).sort(byCustomersOut);

  // ---- alerts --------------------------------------------------------------------------------
  const raised = alertsAt.filter((a) => within(a.raisedAt));
  const bySeverity = zeros(ALERT_SEVERITIES);
  for (const a of raised) bySeverity[a.severity]++;
  const withStep = (pred: (s: AlertDto['steps'][number]) => boolean) => alertsAt.filter((a) => a.steps.some((s) => within(s.at) && pred(s)));
  const actions = zeros(ALERT_ACTIONS);
  for (const a of alertsAt) for (const x of a.actions) if (within(x.at)) actions[x.kind]++;
  const resolvedAlerts = withStep((s) => s.status === 'resolved');
  const firstResponse = raised
    .map((a) => a.steps.find((s) => s.status === 'acknowledged' || s.status === 'action' || s.status === 'actioned'))
    .map((s, i) => (s ? (s.at - raised[i]!.raisedAt) / MIN : null))
    .filter((x): x is number => x !== null);
  const handoverAlert = (a: AlertDto): HandoverAlert => {
    const o = outageById.get(a.outageId);
    const ho = o ? handoverOutage(o) : null;
    return {
      id: a.id,
      outageId: a.outageId,
      device: o?.device ?? null,
      status: a.status,
      severity: a.severity,
      escalation: a.escalation,
      raisedAt: a.raisedAt,
      customers: a.customers,
      probability: a.probability,
      expected: a.expected,
      priority: a.priority,
      actions: a.actions.map((x) => x.kind),
      etr: ho?.etr ?? null,
      etrPassed: ho?.etrPassed ?? false,
    };
  };
  const openAlerts = alertsAt
    .filter((a) => a.status !== 'resolved')
    .sort(
      (a, b) =>
        Number(b.status === 'open') - Number(a.status === 'open') ||
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        ESCALATION_RANK[b.escalation] - ESCALATION_RANK[a.escalation] ||
        a.raisedAt - b.raisedAt ||
        byId(a, b),
    )
    .map(handoverAlert);

  // ---- notices -------------------------------------------------------------------------------
  const notices = data.notices.filter((n) => within(n.sentAt));

  // ---- work orders, as they stood at asOf ----------------------------------------------------
  const ordersAt = data.orders.filter((o) => o.mergedInto === null).map((o) => orderAt(o, end)).filter((o): o is OrderDto => o !== null);
  const ordersWith = (pred: (s: OrderDto['steps'][number]) => boolean) => ordersAt.filter((o) => o.steps.some((s) => within(s.at) && pred(s))).length;
  const created = ordersAt.filter((o) => within(o.createdAt));
  const byCategory = zeros(ORDER_CATEGORIES);
  for (const o of created) byCategory[o.category]++;
  const escalated: Record<EscalatedLevel, number> = { 'team-leader': 0, department: 0, company: 0 };
  for (const level of Object.keys(escalated) as EscalatedLevel[]) escalated[level] = ordersWith((s) => s.kind === 'escalated' && (s.note ?? '').startsWith(`${level}:`));
  const openOrders = ordersAt.filter((o) => o.status !== 'closed');
  const openByStatus: Partial<Record<OrderStatus, number>> = {};
  for (const o of openOrders) openByStatus[o.status] = (openByStatus[o.status] ?? 0) + 1;
  // Past its limit at asOf without the due step counts even before supervision's next tick.
  const attentionAt = (o: OrderDto) => needsAttention({ ...o, overdue: o.overdue || o.deadline <= asOf });
  const attention = openOrders
    .filter(attentionAt)
    .sort((a, b) => SUPERVISION_RANK[b.supervision] - SUPERVISION_RANK[a.supervision] || a.deadline - b.deadline || byId(a, b));

  // ---- complaints (the contacts on the orders) -----------------------------------------------
  const contacts = ordersAt.flatMap((o) => o.contactList).filter((c) => within(c.at));
  const complaints = contacts.filter((c) => c.type === 'complaint');
  const outageComplaints = complaints.filter((c) => c.category === 'outage');
  const byChannel = zeros(CHANNELS);
  for (const c of contacts) byChannel[c.channel]++;

  // ---- what to hand over ---------------------------------------------------------------------
  // Open alerts first (unacknowledged, then by severity); then open grid outages without an open
  // alert (restoration time passed first, then by customers out; customer-side ones are in their
  // orders, planned ones only once their time passed); then orders needing attention.
  const alerted = new Set(openAlerts.map((a) => a.outageId));
  const outageItems = open
    .filter((o) => !alerted.has(o.id) && o.status !== 'customer-side' && (o.status !== 'planned' || o.etrPassed))
    .sort((a, b) => Number(b.etrPassed) - Number(a.etrPassed) || byCustomersOut(a, b));
  const items: HandoverItem[] = [
    ...openAlerts.map((alert) => ({ kind: 'alert' as const, alert, reasons: alertReasons(alert) })),
    ...outageItems.map((outage) => ({ kind: 'outage' as const, outage, reasons: outageReasons(outage) })),
    ...attention.map((o) => ({ kind: 'order' as const, order: brief(o), reasons: orderReasons(o, asOf) })),
  ];

  return {
    from,
    to,
    generatedAt: now,
    asOf,
    shift: opts.shift ?? null,
    shiftHours: opts.shiftMinutes ? opts.shiftMinutes.map(formatShiftMinutes) : null,
    outages: {
      started: started.length,
      customers: started.reduce((n, o) => n + o.customers, 0),
      planned: started.filter((o) => o.status === 'planned').length,
      customerSide: started.filter((o) => o.status === 'customer-side').length,
      momentary: roots.filter((o) => o.status === 'momentary' && within(o.startedAt)).length,
      restored: restored.length,
      customersRestored: restored.reduce((n, o) => n + o.customers, 0),
      carriedIn: sustained.filter((o) => isOpenAt(o, from) && o.startedAt < from).length,
      openCount: open.length,
      customersOut: open.reduce((n, o) => n + o.customersOut, 0),
      largest: started.map(handoverOutage).sort((a, b) => b.customers - a.customers || a.startedAt - b.startedAt || byId(a, b)).slice(0, LARGEST),
      open: open.slice(0, OPEN_OUTAGES),
    },
    alerts: {
      raised: raised.length,
      flooded: raised.filter((a) => a.flooded).length,
      bySeverity,
      acknowledged: withStep((s) => s.status === 'acknowledged').length,
      actioned: withStep((s) => s.status === 'action').length,
      actions,
      escalatedShiftLead: withStep((s) => s.status === 'escalated' && escalationOfStep(s.note) === 'shift-lead').length,
      escalatedManager: withStep((s) => s.status === 'escalated' && escalationOfStep(s.note) === 'manager').length,
      resolved: resolvedAlerts.length,
      resolvedBySystem: resolvedAlerts.filter((a) => a.steps.some((s) => within(s.at) && s.status === 'resolved' && s.by === 'system')).length,
      responseMedianMin: median(firstResponse),
      open: openAlerts,
    },
    notices: {
      sent: notices.length,
      customers: notices.reduce((n, x) => n + x.customers, 0),
      outages: new Set(notices.map((n) => n.outageId)).size,
      updates: notices.filter((n) => n.sentBy === 'system').length,
      failed: notices.filter((n) => n.mqtt !== 'ok' || n.webhook.startsWith('failed')).length,
    },
    orders: {
      created: created.length,
      byCategory,
      resolved: ordersWith((s) => s.kind === 'resolved'),
      closed: ordersWith((s) => s.kind === 'closed'),
      overdue: ordersWith((s) => s.kind === 'overdue'),
      escalated,
      reopened: ordersWith((s) => s.kind === 'reopened'),
      open: openByStatus,
      openTotal: openOrders.length,
      attention: attention.slice(0, ATTENTION).map(brief),
      attentionTotal: attention.length,
    },
    complaints: {
      contacts: contacts.length,
      byChannel,
      complaints: complaints.length,
      outageComplaints: outageComplaints.length,
      warned: outageComplaints.filter((c) => c.warned).length,
      repeat: complaints.filter((c) => c.repeatCustomer !== null).length,
    },
    items: items.slice(0, ITEMS),
    itemsTotal: items.length,
  };
}

