// Pure state logic of the wall: applying the snapshot and the deltas of the realtime contract,
// seq gap detection, pruning of restored outages and the bounded KPI history. No DOM, no socket:
// everything here is unit-tested (state.test.ts). The wall runs for weeks, so nothing in the
// state may grow without bound.
import { isOutageActive } from '@gridwatch/shared';
import type { AlertDto, AlertSeverity, AlertStatus, ComplaintHour, EscalationLevel, Kpis, KpiPoint, NetworkSummary, OrderBrief, OutageDto, RiskBrief, ServiceSummary, Snapshot } from '@gridwatch/shared';
import { ATTENTION_MAX, compareUrgency, needsAttention } from './orders.ts';

/** Most KPI points kept (at one point a second: the last 12 minutes). */
export const KPI_HISTORY_MAX = 720;
/** Restored / momentary outages stay on the wall this long after restoredAt. */
export const RESTORED_RETAIN_MS = 10 * 60_000;
/** Momentary / restored station areas are drawn amber on the map this long after restoredAt. */
export const RECENT_MS = 2 * 60_000;
/** Hard cap on outages held, as a last guard against an unbounded map in a storm. */
export const OUTAGES_MAX = 5000;
/** Resolved alerts stay in the state this long after their last change (server time). */
export const RESOLVED_ALERT_RETAIN_MS = 60 * 60_000;
/** Hard cap on alerts held (resolved ones go first). */
export const ALERTS_MAX = 2000;
/**
 * Resolved alerts kept, newest first: the ticker shows at most 30 items. Without a count, an
 * hour of a storm's resolved alerts would be held for the retention time alone.
 */
export const RESOLVED_ALERTS_MAX = 100;
/** Clock hours of complaints kept (the contract sends the last 24). */
export const COMPLAINT_HOURS_MAX = 48;

export type RiskInfo = Snapshot['risk'];

export interface WallState {
  /** seq of the last applied outage delta or snapshot; null before the first snapshot. */
  seq: number | null;
  /** Estimated server clock minus client clock, ms (from snapshot.serverTime). */
  clockOffset: number;
  network: NetworkSummary | null;
  /** Outages by id. Treated as immutable: every change makes a new Map. */
  outages: ReadonlyMap<string, OutageDto>;
  kpis: Kpis | null;
  kpiHistory: readonly KpiPoint[];
  /** Complaint-risk alerts by id (not resolved, or resolved within the last hour). Immutable like outages. */
  alerts: ReadonlyMap<string, AlertDto>;
  /** Complaint risk of each open outage by outage id, from the last evaluation (replaced as a whole). */
  risks: ReadonlyMap<string, RiskBrief>;
  /** Complaints per clock hour, predicted vs actual, oldest first. */
  complaintHours: readonly ComplaintHour[];
  /** Alert threshold and model version; null before the first snapshot. */
  risk: RiskInfo | null;
  /** Work orders: today's service KPIs and the attention list; null from a server without them. */
  service: ServiceSummary | null;
}

export const initialState: WallState = {
  seq: null,
  clockOffset: 0,
  network: null,
  outages: new Map(),
  kpis: null,
  kpiHistory: [],
  alerts: new Map(),
  risks: new Map(),
  complaintHours: [],
  risk: null,
  service: null,
};


/** Active until restored; nested outages (parentId) are shown through their parent. */
export function isActive(o: Pick<OutageDto, 'restoredAt'>): boolean {
  return isOutageActive(o);
}

/** Server time now, estimated from the client clock and the offset learned from the snapshot. */
export function serverNow(state: Pick<WallState, 'clockOffset'>, clientNow: number): number {
  return clientNow + state.clockOffset;
}

/** Returns the last `max` items of `items` (the same array when it already fits). */
export function keepLast<T>(items: readonly T[], max: number): readonly T[] {
  return items.length <= max ? items : items.slice(items.length - max);
}

/** Appends a point, replacing the last one if it has the same `at`, ignoring out-of-order points. */
export function appendKpiPoint(history: readonly KpiPoint[], point: KpiPoint, max = KPI_HISTORY_MAX): readonly KpiPoint[] {
  const last = history[history.length - 1];
  if (last && point.at < last.at) return history;
  const base = last && point.at === last.at ? history.slice(0, -1) : history;
  // Copy at most `max` items: the array never grows past max + 1 even for a moment.
  const start = Math.max(0, base.length + 1 - max);
  const next = base.slice(start);
  next.push(point);
  return next;
}

export function toKpiPoint(k: Kpis): KpiPoint {
  return { at: k.at, messagesPerSec: k.messagesPerSec, readingsPerSec: k.readingsPerSec, activeOutages: k.activeOutages, customersOut: k.customersOut };
}

function limitOutages(map: Map<string, OutageDto>): Map<string, OutageDto> {
  if (map.size <= OUTAGES_MAX) return map;
  // Drop the inactive ones first, oldest first, then the oldest active ones.
  const sorted = [...map.values()].sort((a, b) => Number(isActive(a)) - Number(isActive(b)) || a.startedAt - b.startedAt);
  for (const o of sorted.slice(0, map.size - OUTAGES_MAX)) map.delete(o.id);
  return map;
}

/** Whether a restored (or otherwise no longer active) outage has been on the wall long enough. */
export function isExpired(o: OutageDto, nowServer: number, retainMs = RESTORED_RETAIN_MS): boolean {
  if (isActive(o)) return false;
  const endedAt = o.restoredAt ?? o.detectedAt;
  return nowServer - endedAt > retainMs;
}

/** Drops outages restored more than `retainMs` ago (server time). Same state if nothing expired. */
export function pruneOutages(state: WallState, clientNow: number, retainMs = RESTORED_RETAIN_MS): WallState {
  const now = serverNow(state, clientNow);
  let next: Map<string, OutageDto> | null = null;
  for (const [id, o] of state.outages) {
    if (isExpired(o, now, retainMs)) {
      next ??= new Map(state.outages);
      next.delete(id);
    }
  }
  return next ? { ...state, outages: next } : state;
}

/** A snapshot replaces all state. */
export function applySnapshot(_state: WallState, snapshot: Snapshot, clientNow: number): WallState {
  const outages = new Map<string, OutageDto>();
  for (const o of snapshot.outages) outages.set(o.id, o);
  const alerts = new Map<string, AlertDto>();
  // Tolerates a server from before the complaint early warning (fields absent).
  for (const a of snapshot.alerts ?? []) alerts.set(a.id, a);
  const history = keepLast(snapshot.kpiHistory, KPI_HISTORY_MAX);
  const state: WallState = {
    seq: snapshot.seq,
    clockOffset: snapshot.serverTime - clientNow,
    network: snapshot.network,
    outages: limitOutages(outages),
    kpis: snapshot.kpis,
    kpiHistory: history === snapshot.kpiHistory ? [...history] : history,
    alerts: limitAlerts(alerts),
    risks: risksById(snapshot.risks ?? []),
    complaintHours: keepLast(snapshot.complaintHours ?? [], COMPLAINT_HOURS_MAX),
    risk: snapshot.risk ?? null,
    // Tolerates a server from before the work orders.
    service: snapshot.service ?? null,
  };
  return pruneAlerts(pruneOutages(state, clientNow), clientNow);
}

/**
 * 'apply' when `seq` is exactly the next one; 'gap' when deltas were missed (or none was seen
 * yet); 'stale' when it is not newer than what we have (duplicate or a restarted server). The
 * client asks for a new snapshot on anything but 'apply'.
 */
export function checkSeq(lastSeq: number | null, seq: number): 'apply' | 'gap' | 'stale' {
  if (lastSeq === null) return 'gap';
  if (seq === lastSeq + 1) return 'apply';
  return seq > lastSeq ? 'gap' : 'stale';
}

export interface DeltaResult {
  state: WallState;
  /** True when the client must emit `snapshot:get` and replace its state with the answer. */
  resync: boolean;
}

/**
 * Upserts the outages of an `outage:changed` delta by id. On a gap the (newer) delta is still
 * applied so the wall is as fresh as possible until the new snapshot arrives; a stale delta is
 * not applied.
 */
export function applyOutageDelta(state: WallState, delta: { seq: number; outages: OutageDto[] }, clientNow: number): DeltaResult {
  const check = checkSeq(state.seq, delta.seq);
  if (check === 'stale') return { state, resync: true };
  const outages = new Map(state.outages);
  for (const o of delta.outages) outages.set(o.id, o);
  const next = pruneOutages({ ...state, seq: delta.seq, outages: limitOutages(outages) }, clientNow);
  return { state: next, resync: check !== 'apply' };
}

// ---- complaint early warning ------------------------------------------------------------------

function risksById(list: readonly RiskBrief[]): Map<string, RiskBrief> {
  const m = new Map<string, RiskBrief>();
  for (const r of list) m.set(r.outageId, r);
  return m;
}

function limitAlerts(map: Map<string, AlertDto>): Map<string, AlertDto> {
  if (map.size <= ALERTS_MAX) return map;
  // Resolved ones first, least recently changed first.
  const sorted = [...map.values()].sort((a, b) => Number(a.status !== 'resolved') - Number(b.status !== 'resolved') || a.updatedAt - b.updatedAt);
  for (const a of sorted.slice(0, map.size - ALERTS_MAX)) map.delete(a.id);
  return map;
}

/** Whether a resolved alert has been kept long enough (active alerts never expire). */
export function isAlertExpired(a: Pick<AlertDto, 'status' | 'updatedAt'>, nowServer: number, retainMs = RESOLVED_ALERT_RETAIN_MS): boolean {
  return a.status === 'resolved' && nowServer - a.updatedAt > retainMs;
}

/**
 * Drops alerts resolved more than `retainMs` ago (server time), and the oldest resolved ones
 * beyond `RESOLVED_ALERTS_MAX`. Same state if nothing went.
 */
export function pruneAlerts(state: WallState, clientNow: number, retainMs = RESOLVED_ALERT_RETAIN_MS): WallState {
  const now = serverNow(state, clientNow);
  let next: Map<string, AlertDto> | null = null;
  let resolved = 0;
  for (const [id, a] of state.alerts) {
    if (isAlertExpired(a, now, retainMs)) {
      next ??= new Map(state.alerts);
      next.delete(id);
    } else if (a.status === 'resolved') resolved++;
  }
  if (resolved > RESOLVED_ALERTS_MAX) {
    next ??= new Map(state.alerts);
    const old = [...next.values()].filter((a) => a.status === 'resolved').sort((a, b) => a.updatedAt - b.updatedAt);
    for (const a of old.slice(0, resolved - RESOLVED_ALERTS_MAX)) next.delete(a.id);
  }
  return next ? { ...state, alerts: next } : state;
}

/** Everything that ages out: restored outages and resolved alerts. Same state if nothing did. */
export function pruneState(state: WallState, clientNow: number): WallState {
  return pruneAlerts(pruneOutages(state, clientNow), clientNow);
}

/**
 * `alert:changed` (or an alert returned by the HTTP API): upserts by id, latest state. A copy
 * older than the one held (updatedAt) is ignored, so a late HTTP answer does not undo a newer
 * socket update. Same state when nothing changed.
 */
export function applyAlertDelta(state: WallState, delta: { alerts: readonly AlertDto[] }, clientNow: number): WallState {
  let next: Map<string, AlertDto> | null = null;
  for (const a of delta.alerts) {
    const held = (next ?? state.alerts).get(a.id);
    if (held && held.updatedAt > a.updatedAt) continue;
    next ??= new Map(state.alerts);
    next.set(a.id, a);
  }
  if (!next) return state;
  return pruneAlerts({ ...state, alerts: limitAlerts(next) }, clientNow);
}

/** `risk:update`: every open outage's risk, the hourly complaints and the threshold, replaced. */
export function applyRiskUpdate(state: WallState, delta: { risks: readonly RiskBrief[]; complaintHours: readonly ComplaintHour[]; risk: RiskInfo }): WallState {
  return { ...state, risks: risksById(delta.risks), complaintHours: keepLast(delta.complaintHours, COMPLAINT_HOURS_MAX), risk: delta.risk };
}

// ---- work orders ------------------------------------------------------------------------------

/** `service:update`: today's KPIs, the open counts and the attention list, replaced. */
export function applyServiceUpdate(state: WallState, delta: { service: ServiceSummary }): WallState {
  return { ...state, service: delta.service };
}

/**
 * `order:changed` on the wall: keeps the attention list current until the next `service:update`
 * (which replaces it): a changed order that is open and overdue or escalated is upserted, one
 * that no longer is leaves; most urgent first, at most ATTENTION_MAX. A copy older than the one
 * held is ignored. Same state when nothing changed (and before any service summary).
 */
export function applyOrderChanged(state: WallState, delta: { orders: readonly OrderBrief[] }): WallState {
  const service = state.service;
  if (!service) return state;
  const byId = new Map(service.attention.map((o) => [o.id, o]));
  let changed = false;
  for (const o of delta.orders) {
    const held = byId.get(o.id);
    if (held && held.updatedAt > o.updatedAt) continue;
    if (needsAttention(o)) byId.set(o.id, o);
    else if (!held) continue;
    else byId.delete(o.id);
    changed = true;
  }
  if (!changed) return state;
  const attention = [...byId.values()].sort(compareUrgency).slice(0, ATTENTION_MAX);
  return { ...state, service: { ...service, attention } };
}

export const SEVERITY_RANK: Record<AlertSeverity, number> = { warning: 0, high: 1, critical: 2 };
export const ESCALATION_RANK: Record<EscalationLevel, number> = { officer: 0, 'shift-lead': 1, manager: 2 };
const STATUS_RANK: Record<AlertStatus, number> = { open: 0, acknowledged: 1, actioned: 2, resolved: 3 };

export function isAlertActive(a: Pick<AlertDto, 'status'>): boolean {
  return a.status !== 'resolved';
}

/**
 * Wall order: alerts nobody has taken yet first (open), then acknowledged, then actioned; within
 * each, most severe first, then the furthest escalated, then the most likely complaint, then the
 * newest.
 */
export function compareAlertsForWall(a: AlertDto, b: AlertDto): number {
  return (
    STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    ESCALATION_RANK[b.escalation] - ESCALATION_RANK[a.escalation] ||
    b.probability - a.probability ||
    b.raisedAt - a.raisedAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export interface WallAlerts {
  /** Active alerts paged one by one, in wall order. */
  paged: AlertDto[];
  /** Active alerts raised under flood control: shown as one summary line. */
  flooded: AlertDto[];
  /** Resolved alerts still held (the last hour). */
  resolved: number;
}

/** What the wall's alert panel shows: active alerts, the flooded ones grouped. */
export function wallAlerts(alerts: Iterable<AlertDto>): WallAlerts {
  const paged: AlertDto[] = [];
  const flooded: AlertDto[] = [];
  let resolved = 0;
  for (const a of alerts) {
    if (!isAlertActive(a)) resolved++;
    else if (a.flooded) flooded.push(a);
    else paged.push(a);
  }
  paged.sort(compareAlertsForWall);
  flooded.sort(compareAlertsForWall);
  return { paged, flooded, resolved };
}

/** The active alert of an outage, if any (one alert per outage). */
export function activeAlertsByOutage(alerts: Iterable<AlertDto>): Map<string, AlertDto> {
  const m = new Map<string, AlertDto>();
  for (const a of alerts) if (isAlertActive(a)) m.set(a.outageId, a);
  return m;
}

/**
 * How an outage's complaint risk is marked: `alert` red (an active critical alert), `warn` amber
 * (at or above the alert threshold, or an active alert), `low` grey (scored, below the threshold),
 * `none` (not scored).
 */
export type RiskClass = 'none' | 'low' | 'warn' | 'alert';

export function riskClass(probability: number | null | undefined, threshold: number | null | undefined, alert?: Pick<AlertDto, 'severity' | 'status'> | null): RiskClass {
  if (alert && isAlertActive(alert)) return alert.severity === 'critical' ? 'alert' : 'warn';
  if (probability === null || probability === undefined || !Number.isFinite(probability)) return 'none';
  return threshold !== null && threshold !== undefined && probability >= threshold ? 'warn' : 'low';
}

/** A probability as a whole percentage for the wall: "<1%" and ">99%" at the ends. */
export function formatProbability(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p > 0 && p < 0.01) return '<1%';
  if (p < 1 && p > 0.99) return '>99%';
  return `${Math.round(p * 100)}%`;
}

/** Local calendar day (of the wall's clock) starting at midnight, as epoch ms. */
export function startOfLocalDay(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Complaints so far today (local day of `nowServer`): actual and predicted, summed over the clock hours. */
export function complaintsToday(hours: readonly ComplaintHour[], nowServer: number): { actual: number; predicted: number } {
  const start = startOfLocalDay(nowServer);
  let actual = 0;
  let predicted = 0;
  for (const h of hours) {
    // An hour that started before local midnight (half-hour time zones) belongs to yesterday.
    if (h.hour < start || h.hour > nowServer) continue;
    actual += h.actual;
    predicted += h.predicted;
  }
  return { actual, predicted: Math.round(predicted * 10) / 10 };
}

/** `kpi:update`: new current KPIs and one more point of bounded history. */
export function applyKpis(state: WallState, kpis: Kpis): WallState {
  return { ...state, kpis, kpiHistory: appendKpiPoint(state.kpiHistory, toKpiPoint(kpis)) };
}

export interface TransformerStates {
  /** Sorted ids of station areas dark in an active, non-planned root outage (drawn red). */
  out: string[];
  /** Sorted ids inside an active planned outage and not out (drawn blue-grey: known, not an alarm). */
  planned: string[];
  /** Sorted ids inside a momentary or (recently) restored outage, or restored within an active one, and neither out nor planned (drawn amber). */
  recent: string[];
}

/** What the map draws for one root outage. */
export interface OutageShape {
  id: string;
  /** alarm: active, not planned (red); planned: active planned (blue-grey); recent: momentary / just restored (amber). */
  kind: 'alarm' | 'planned' | 'recent';
  /** Station areas to colour (for an active outage without those already restored). */
  areas: string[];
  lon: number;
  lat: number;
  /** Customers still out (active) or that were out (recent). */
  customers: number;
}

/** Customers still without power: the customers of an active outage less its restoration steps. */
export function customersOut(o: Pick<OutageDto, 'customers' | 'steps' | 'restoredAt'>): number {
  if (!isActive(o)) return o.customers;
  const back = o.steps.reduce((n, s) => n + s.customers, 0);
  return Math.max(0, o.customers - back);
}

/**
 * The root outages the map draws, each with its kind. Nested outages (parentId) are shown
 * through their parent; customer-side outages are not a grid outage and are never drawn.
 * Station areas already restored inside an active outage count as recent while its last
 * restoration step is at most `recentMs` old.
 */
export function outageShapes(outages: Iterable<OutageDto>, nowServer: number, recentMs = RECENT_MS): OutageShape[] {
  const shapes: OutageShape[] = [];
  for (const o of outages) {
    if (o.parentId || o.status === 'customer-side') continue;
    const base = { id: o.id, lon: o.lon, lat: o.lat };
    if (isActive(o)) {
      const restored = new Set(o.restored);
      const dark = restored.size ? o.transformers.filter((t) => !restored.has(t)) : o.transformers;
      shapes.push({ ...base, kind: o.status === 'planned' ? 'planned' : 'alarm', areas: dark, customers: customersOut(o) });
      const lastStep = o.steps.reduce((m, s) => Math.max(m, s.at), -Infinity);
      if (restored.size && nowServer - lastStep <= recentMs) {
        shapes.push({ ...base, id: `${o.id}#restored`, kind: 'recent', areas: o.transformers.filter((t) => restored.has(t)), customers: o.customers - customersOut(o) });
      }
    } else if (nowServer - (o.restoredAt ?? o.detectedAt) <= recentMs) {
      shapes.push({ ...base, kind: 'recent', areas: o.transformers, customers: o.customers });
    }
  }
  return shapes;
}

/**
 * What the map's outage areas look like, as a string: equal exactly when kinds, station areas,
 * locations and sizes (customers) are, whatever the ids and however often the shapes were
 * rebuilt. The map redraws its thousands of discs only when this changes.
 */
export function shapesKey(shapes: readonly OutageShape[]): string {
  return shapes.map((s) => `${s.kind}|${s.lon},${s.lat}|${s.customers}|${s.areas.join(',')}`).join(';');
}

/**
 * Station areas to draw red (active, non-planned), blue-grey (active planned) and amber
 * (momentary / restored within `recentMs`). Red wins over blue-grey, both over amber.
 */
export function transformerStates(outages: Iterable<OutageDto>, nowServer: number, recentMs = RECENT_MS): TransformerStates {
  return statesOfShapes(outageShapes(outages, nowServer, recentMs));
}

export function statesOfShapes(shapes: Iterable<OutageShape>): TransformerStates {
  const out = new Set<string>();
  const planned = new Set<string>();
  const recent = new Set<string>();
  for (const s of shapes) {
    const target = s.kind === 'alarm' ? out : s.kind === 'planned' ? planned : recent;
    for (const t of s.areas) target.add(t);
  }
  for (const t of out) {
    planned.delete(t);
    recent.delete(t);
  }
  for (const t of planned) recent.delete(t);
  return { out: [...out].sort(), planned: [...planned].sort(), recent: [...recent].sort() };
}

/**
 * Whether anything on the wall is an alarm: an active root outage that is neither planned
 * (known and announced) nor customer-side (one customer, no grid crew). ISA-101: colour only
 * for the abnormal.
 */
export function hasAlarm(outages: Iterable<OutageDto>): boolean {
  for (const o of outages) if (!o.parentId && isActive(o) && o.status !== 'planned' && o.status !== 'customer-side') return true;
  return false;
}

/** Order for the outage list: active ones first, newest start first; then ended ones, latest end first. */
export function sortOutages(outages: Iterable<OutageDto>): OutageDto[] {
  return [...outages].sort((a, b) => {
    const aa = isActive(a);
    const ba = isActive(b);
    if (aa !== ba) return aa ? -1 : 1;
    if (aa) return b.startedAt - a.startedAt || a.id.localeCompare(b.id);
    return (b.restoredAt ?? b.startedAt) - (a.restoredAt ?? a.startedAt) || a.id.localeCompare(b.id);
  });
}

/** Duration as m:ss, or h:mm:ss from one hour on (negative clamps to 0). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Share of customers without power, as a percentage string with sensible precision. */
export function formatShare(part: number, whole: number): string {
  if (!(whole > 0)) return '—';
  const pct = (part / whole) * 100;
  if (pct === 0) return '0%';
  if (pct < 0.01) return '<0.01%';
  return `${pct < 10 ? pct.toFixed(2) : pct.toFixed(1)}%`;
}
