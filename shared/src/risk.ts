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
  /**
   * What the model knows of how long outages last, per kind of outage: how many past outages and
   * their median duration (minutes); empty for the prior, which assumes typical durations.
   */
  durations: { kind: string; outages: number; medianMin: number }[];
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

/**
 * The complaint-risk model's features, in the order of its weights, with their words: one table
 * for the server (which computes them and explains alerts) and the web (which shows the weights
 * and reasons in the wall's language).
 */
export const RISK_FEATURES: readonly { name: string; en: string; zh: string }[] = [
  { name: 'elapsed.0-15m', en: 'out for under 15 min', zh: '停电不足15分钟' },
  { name: 'elapsed.15-30m', en: 'out for 15–30 min', zh: '停电15–30分钟' },
  { name: 'elapsed.30-60m', en: 'out for 30–60 min', zh: '停电30–60分钟' },
  { name: 'elapsed.1-2h', en: 'out for 1–2 h', zh: '停电1–2小时' },
  { name: 'elapsed.2-4h', en: 'out for 2–4 h', zh: '停电2–4小时' },
  { name: 'elapsed.4h+', en: 'out for over 4 h', zh: '停电超过4小时' },
  { name: 'still-out.1h', en: 'likely still out an hour from now (past outages of its kind)', zh: '一小时后可能仍未复电（同类停电历时）' },
  { name: 'kind.customer-side', en: 'a single customer without power (customer-side)', zh: '单户停电（客户侧）' },
  { name: 'kind.transformer', en: 'a whole station area out', zh: '整个台区停电' },
  { name: 'kind.fuse', en: 'a lateral (fuse) out', zh: '分支线（熔断器）停电' },
  { name: 'kind.trunk', en: 'a feeder section out', zh: '馈线段停电' },
  { name: 'kind.planned', en: 'planned outage (announced)', zh: '计划停电（已公告）' },
  { name: 'kind.customer-side.fresh', en: 'a single customer, out for under 15 min', zh: '单户停电不足15分钟' },
  { name: 'type.commercial', en: 'commercial customers', zh: '商业客户' },
  { name: 'type.industrial', en: 'industrial customers', zh: '工业客户' },
  { name: 'type.critical', en: 'critical customers (e.g. hospitals)', zh: '重要客户（如医院）' },
  { name: 'sensitive', en: 'outage-sensitive customers', zh: '停电敏感客户' },
  { name: 'outages.7d', en: 'outages in the last 7 days', zh: '近7天停电次数' },
  { name: 'outages.30d', en: 'outages in the last 30 days', zh: '近30天停电次数' },
  { name: 'outages.90d', en: 'outages in the last 90 days', zh: '近90天停电次数' },
  { name: 'outages.365d', en: 'outages in the last year', zh: '近一年停电次数' },
  { name: 'repeat.30d', en: 'repeatedly cut off: 2+ outages in 30 days', zh: '频繁停电：30天内2次以上' },
  { name: 'repeat.90d', en: 'repeatedly cut off: 3+ outages in 90 days', zh: '频繁停电：90天内3次以上' },
  { name: 'complaints.365d', en: 'outage complaints in the last year', zh: '近一年停电投诉' },
  { name: 'contacts.365d', en: 'outage reports and other contacts in the last year', zh: '近一年报修及其他来电' },
  { name: 'called', en: 'already called about this outage', zh: '本次停电已来电' },
  { name: 'complained', en: 'already complained about this outage', zh: '本次停电已投诉' },
  { name: 'notice.etr', en: 'notified with a restoration time', zh: '已通知（含预计复电时间）' },
  { name: 'notice.no-etr', en: 'notified without a restoration time', zh: '已通知（无复电时间）' },
  { name: 'notice.etr-passed', en: 'announced restoration time has passed', zh: '已过承诺复电时间' },
  { name: 'hour.night', en: 'night (00–06)', zh: '夜间（00–06时）' },
  { name: 'hour.morning', en: 'morning (06–09)', zh: '早间（06–09时）' },
  { name: 'hour.day', en: 'daytime (09–18)', zh: '白天（09–18时）' },
  { name: 'hour.evening', en: 'evening (18–22)', zh: '晚间（18–22时）' },
  { name: 'hour.late', en: 'late evening (22–24)', zh: '深夜（22–24时）' },
  { name: 'weekend', en: 'weekend', zh: '周末' },
  { name: 'size', en: 'customers out (log10)', zh: '停电户数（对数）' },
];
