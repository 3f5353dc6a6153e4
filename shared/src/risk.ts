// Complaint early warning: the risk of an open outage, the alerts raised from it and the duty
// officer's actions, as the server sends them to the wall and console and returns them by HTTP.

export const ALERT_STATUSES = ['open', 'acknowledged', 'actioned', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const ALERT_SEVERITIES = ['warning', 'high', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** Three-level supervision (三级督办): who the alert is with now. */
export const ESCALATION_LEVELS = ['officer', 'shift-lead', 'manager'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** The level an alert's `escalated` step reached (its note ends with the level). */
export function escalationOfStep(note: string | undefined): EscalationLevel | null {
  return (/: (shift-lead|manager)$/.exec(note ?? '')?.[1] as EscalationLevel | undefined) ?? null;
}

export const ALERT_ACTIONS = ['notify', 'call-list', 'crew-priority'] as const;
export type AlertActionKind = (typeof ALERT_ACTIONS)[number];

/** Why the model rates an outage high: one feature's share of the log-odds, in words. */
export interface RiskReason {
  feature: string;
  /** Contribution to the log-odds of the average at-risk customer, relative to a typical one. */
  weight: number;
  /** The outage's value of the feature, e.g. "3 of 40 customers" or "18:00–22:00". */
  value: string;
}

export interface AtRiskCustomer {
  customer: string;
  /** Probability this customer contacts the utility about the outage within the next hour. */
  p: number;
  type: string;
  sensitive: boolean;
}

/** The model's view of one open outage at one instant. */
export interface OutageRisk {
  outageId: string;
  at: number;
  /** Probability of at least one complaint within the next hour. */
  probability: number;
  /** Expected complaints within the next hour. */
  expected: number;
  customers: number;
  reasons: RiskReason[];
  /** Most at risk first, at most 20. */
  atRisk: AtRiskCustomer[];
  modelVersion: string;
}

export interface AlertStep {
  at: number;
  status: AlertStatus | 'escalated' | 'severity' | 'action';
  by: string;
  note?: string;
}

export interface AlertActionRecord {
  kind: AlertActionKind;
  at: number;
  by: string;
  /** e.g. "notice to 412 customers, ETR 14:30", "call list of 6 sensitive customers". */
  result: string;
}

export interface AlertDto {
  id: string;
  outageId: string;
  status: AlertStatus;
  severity: AlertSeverity;
  raisedAt: number;
  updatedAt: number;
  probability: number;
  expected: number;
  customers: number;
  reasons: RiskReason[];
  atRisk: AtRiskCustomer[];
  suggested: AlertActionKind[];
  escalation: EscalationLevel;
  /** Raised while many others arrived at once: grouped under the flood summary, not paged. */
  flooded: boolean;
  steps: AlertStep[];
  actions: AlertActionRecord[];
  /** Crew priority raised from the console. */
  priority: boolean;
  modelVersion: string;
}

/** Complaints per clock hour: what the model expected (integrated over the hour) and what came. */
export interface ComplaintHour {
  /** Epoch ms of the hour's start. */
  hour: number;
  predicted: number;
  actual: number;
}

export interface RiskModelSummary {
  version: string;
  trainedAt: number;
  /** 'prior' until there is history to learn from. */
  kind: 'prior' | 'trained';
  threshold: number;
  samples: number;
  outages: number;
  /** Held-out figures at training time (null for the prior). */
  auc: number | null;
  recall: number | null;
  precision: number | null;
  /**
   * Standardised weights (log-odds per standard deviation: comparable across features), largest
   * magnitude first, with the odds ratio per unit of the feature (yes/no features: yes vs no).
   */
  weights: { feature: string; weight: number; oddsRatio: number }[];
}

/**
 * Console roles, least to most rights: wall (read-only) < grid team leader (acts on its own team's
 * work orders) < officer < shift lead < manager < admin.
 */
export const ROLES = ['wall', 'team', 'officer', 'shift-lead', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface ConsoleUser {
  username: string;
  displayName: string;
  role: Role;
  /** The grid team of a `team` user. */
  team?: string;
}

/** `POST /api/login`. */
export interface LoginResult {
  token: string;
  expiresAt: number;
  user: ConsoleUser;
}

/** A proactive notice as sent and recorded (`notices` and one `notice_recipients` row per customer). */
export interface NoticeRecord {
  id: string;
  outageId: string;
  alertId: string | null;
  sentAt: number;
  etr: number | null;
  text: string;
  sentBy: string;
  customers: string[];
  /** Delivery: 'ok', 'failed: …' or 'not configured'. */
  mqtt: string;
  webhook: string;
}

/** A sensitive or critical customer of an outage, for the officer to call. */
export interface CallListEntry {
  customer: string;
  type: string;
  sensitive: boolean;
  transformer: string;
  p: number | null;
}

/** `POST /api/alerts/:id/actions`. */
export interface AlertActionResult {
  alert: AlertDto;
  notice?: NoticeRecord;
  callList?: CallListEntry[];
}
