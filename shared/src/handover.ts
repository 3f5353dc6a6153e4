// The handover summary (交接班) of a shift, for the officer taking over: what happened in the
// window (outages, complaint-risk alerts, notices, work orders, complaints) and what is still
// open at its end. `GET /api/handover` returns it; the console's handover tab shows and prints it.
// Definitions: README "Handover".
import type { AlertActionKind, AlertSeverity, AlertStatus, EscalationLevel } from './risk.ts';
import type { Channel } from './schemas.ts';
import type { OrderBrief, OrderCategory, OrderStatus, SupervisionLevel } from './orders.ts';
import type { OutageLevel, OutageStatus } from './realtime.ts';

/** Which shift `GET /api/handover?shift=` summarises: the one under way, or the one before it. */
export const HANDOVER_SHIFTS = ['current', 'previous'] as const;
export type HandoverShift = (typeof HANDOVER_SHIFTS)[number];

/** An outage as the handover lists it, in its state at the end of the window. */
export interface HandoverOutage {
  id: string;
  /** Status at the end of the window (a later restoration is not shown as restored). */
  status: OutageStatus;
  level: OutageLevel;
  device: string;
  feeder: string;
  stationAreas: number;
  customers: number;
  /** Customers still without power at the end of the window (all of them once restored: as counted). */
  customersOut: number;
  startedAt: number;
  /** Restoration time if it came before the end of the window, else null. */
  restoredAt: number | null;
  /** Estimated restoration time as stored now (null once the outage is restored). */
  etr: number | null;
  /** Still out at the end of the window with its estimated restoration time already passed. */
  etrPassed: boolean;
  /** Its complaint-risk alert, if one was raised (state at the end of the window). */
  alert: { id: string; status: AlertStatus; severity: AlertSeverity; escalation: EscalationLevel } | null;
  /** Notices sent to its customers up to the end of the window. */
  notices: number;
}

/** A complaint-risk alert as the handover lists it, in its state at the end of the window. */
export interface HandoverAlert {
  id: string;
  outageId: string;
  /** Where its outage is located, when the outage is known. */
  device: string | null;
  status: AlertStatus;
  severity: AlertSeverity;
  escalation: EscalationLevel;
  raisedAt: number;
  customers: number;
  probability: number;
  expected: number;
  priority: boolean;
  /** Actions taken on it up to the end of the window, oldest first. */
  actions: AlertActionKind[];
  /** Its outage's estimated restoration time (null when none or restored). */
  etr: number | null;
  etrPassed: boolean;
}

/**
 * Why an item is handed over:
 * - alerts: `unacknowledged` (still open) or `not-resolved` (acknowledged or actioned, not
 *   resolved), `escalated-shift-lead` / `escalated-manager`, `critical`, `crew-priority`;
 * - outages (and alerts): `still-out`, `etr-passed` (still out after its estimated restoration
 *   time), `no-etr`;
 * - orders: `overdue`, `supervision-team-leader` / `-department` / `-company`, `reopened`.
 */
export const HANDOVER_REASONS = [
  'unacknowledged',
  'not-resolved',
  'escalated-shift-lead',
  'escalated-manager',
  'critical',
  'crew-priority',
  'still-out',
  'etr-passed',
  'no-etr',
  'overdue',
  'supervision-team-leader',
  'supervision-department',
  'supervision-company',
  'reopened',
] as const;
export type HandoverReason = (typeof HANDOVER_REASONS)[number];

/** An open item to hand over with the reasons, most urgent first (see README "Handover" for the order). */
export type HandoverItem = (
  | { kind: 'alert'; alert: HandoverAlert }
  | { kind: 'outage'; outage: HandoverOutage }
  | { kind: 'order'; order: OrderBrief }
) & { reasons: HandoverReason[] };

export type EscalatedLevel = Exclude<SupervisionLevel, 'none'>;

export interface HandoverSummary {
  /** The window: events at or after `from` and before `to` count. */
  from: number;
  to: number;
  /** When it was made. `to` may lie ahead (a shift under way): figures then run up to now. */
  generatedAt: number;
  /** min(to, generatedAt): "open" and "still" mean at this instant. */
  asOf: number;
  /** The shift asked for, or null for an explicit from/to. */
  shift: HandoverShift | null;
  /** The configured shift changes (local "HH:MM"), or null: shifts are the last 8 hours. */
  shiftHours: string[] | null;
  outages: {
    /** Root outages that started in the window, momentary interruptions not counted. */
    started: number;
    /** Customers of those outages. */
    customers: number;
    /** Of `started`: planned, customer-side. */
    planned: number;
    customerSide: number;
    /** Momentary interruptions (IEEE 1366: under 5 min) that started in the window. */
    momentary: number;
    /** Root outages (not momentary) restored in the window, and their customers. */
    restored: number;
    customersRestored: number;
    /** Root outages open when the window began (taken over from the shift before). */
    carriedIn: number;
    /** Root outages open at `asOf`, and their customers still without power. */
    openCount: number;
    customersOut: number;
    /** The largest outages that started in the window (at most 5), most customers first. */
    largest: HandoverOutage[];
    /** Outages open at `asOf`, most customers out first (at most 50; `openCount` has them all). */
    open: HandoverOutage[];
  };
  alerts: {
    raised: number;
    /** Of `raised`: grouped by flood control instead of paged. */
    flooded: number;
    bySeverity: Record<AlertSeverity, number>;
    /** Alerts acknowledged / with an action taken / resolved in the window (each alert once per row). */
    acknowledged: number;
    actioned: number;
    /** Actions taken in the window, by kind. */
    actions: Record<AlertActionKind, number>;
    /** Alerts that reached the shift lead / the manager in the window (unacknowledged in time). */
    escalatedShiftLead: number;
    escalatedManager: number;
    resolved: number;
    /** Of `resolved`: by the system because the outage was restored. */
    resolvedBySystem: number;
    /** Median minutes from raising to the first acknowledgement or action, alerts raised in the window. */
    responseMedianMin: number | null;
    /** Alerts not resolved at `asOf`, unacknowledged first, then by severity. */
    open: HandoverAlert[];
  };
  notices: {
    sent: number;
    /** Recipients, summed over the notices. */
    customers: number;
    /** Distinct outages notified. */
    outages: number;
    /** Of `sent`: restoration-time updates sent by the system. */
    updates: number;
    /** Of `sent`: MQTT or webhook delivery failed. */
    failed: number;
  };
  orders: {
    /** Orders created in the window (orders merged into another are not counted). */
    created: number;
    byCategory: Record<OrderCategory, number>;
    resolved: number;
    closed: number;
    /** Orders that missed their time limit in the window. */
    overdue: number;
    /** Orders that reached each supervision level in the window. */
    escalated: Record<EscalatedLevel, number>;
    /** Orders reopened after a failed callback in the window. */
    reopened: number;
    /** Open at `asOf`, by status, and in all. */
    open: Partial<Record<OrderStatus, number>>;
    openTotal: number;
    /** Open at `asOf` and under supervision or past their limit, most urgent first (at most 30). */
    attention: OrderBrief[];
    attentionTotal: number;
  };
  complaints: {
    /** Contacts received in the window, all channels and kinds. */
    contacts: number;
    byChannel: Record<Channel, number>;
    /** Of `contacts`: complaints (投诉). */
    complaints: number;
    /** Of `complaints`: about an outage; and those with an alert or a notice before them. */
    outageComplaints: number;
    warned: number;
    /** Of `complaints`: the customer complained before within 90 days. */
    repeat: number;
  };
  /** Open items to hand over: open alerts, open outages without one, orders needing attention (at most 40). */
  items: HandoverItem[];
  itemsTotal: number;
}
