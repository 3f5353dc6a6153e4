// Complaint-risk alerts: raised when an open outage's risk crosses the model's threshold, one per
// outage (updated in place as the risk grows), through open → acknowledged → actioned → resolved
// with who and when at each step. Three-level supervision: an alert nobody acknowledges moves
// from the duty officer to the shift lead, then to the manager. Flood control: beyond a number of
// new alerts per minute, further ones are grouped (flagged `flooded`) instead of paged one by one.
// Pure, with an injected clock; the server persists and broadcasts what `drainChanges` returns.
import type { AlertActionKind, AlertDto, AlertSeverity, AlertStatus, EscalationLevel, OutageRisk } from '@gridwatch/shared';

export interface AlertPolicy {
  /** Unacknowledged this long after raising: to the shift lead, then to the manager. */
  escalateAfterMs: [shiftLead: number, manager: number];
  /** At most this many alerts are paged individually per window; the rest are grouped. */
  floodMax: number;
  floodWindowMs: number;
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = { escalateAfterMs: [5 * 60_000, 15 * 60_000], floodMax: 10, floodWindowMs: 60_000 };

export class AlertError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'conflict',
  ) {
    super(message);
  }
}

const SYSTEM = 'system';
const RANK: Record<AlertSeverity, number> = { warning: 0, high: 1, critical: 2 };

export function severityOf(r: OutageRisk): AlertSeverity {
  if (r.expected >= 5 || r.atRisk.some((c) => c.type === 'critical' && c.p >= 0.25)) return 'critical';
  if (r.probability >= 0.8) return 'high';
  return 'warning';
}

export function suggestedActions(r: OutageRisk, notified: boolean): AlertActionKind[] {
  const out: AlertActionKind[] = [];
  if (!notified) out.push('notify');
  if (r.atRisk.some((c) => c.sensitive || c.type === 'critical')) out.push('call-list');
  if (severityOf(r) === 'critical') out.push('crew-priority');
  return out;
}

export class AlertManager {
  private readonly alerts = new Map<string, AlertDto>();
  private readonly changed = new Set<string>();
  private readonly raisedTimes: number[] = [];

  constructor(
    private readonly now: () => number,
    private readonly policy: AlertPolicy = DEFAULT_ALERT_POLICY,
  ) {}

  /** Alerts read back from the database at start. */
  restore(list: readonly AlertDto[]): void {
    for (const a of list) this.alerts.set(a.id, structuredClone(a));
  }

  get(id: string): AlertDto | undefined {
    return this.alerts.get(id);
  }

  forOutage(outageId: string): AlertDto | undefined {
    return this.alerts.get(alertId(outageId));
  }

  /** Alerts not resolved, plus those resolved in the last `withinMs`, newest first. */
  recent(withinMs = 3_600_000): AlertDto[] {
    const cut = this.now() - withinMs;
    return [...this.alerts.values()].filter((a) => a.status !== 'resolved' || a.updatedAt >= cut).sort((a, b) => b.raisedAt - a.raisedAt);
  }

  /** Marks alerts changed again (their store failed; the next drain retries them). */
  requeue(ids: Iterable<string>): void {
    for (const id of ids) if (this.alerts.has(id)) this.changed.add(id);
  }

  /** Alerts not yet resolved, newest first. */
  active(): AlertDto[] {
    return [...this.alerts.values()].filter((a) => a.status !== 'resolved').sort((a, b) => b.raisedAt - a.raisedAt);
  }

  /**
   * The latest risks of the open outages: raises alerts that cross `threshold`, updates the
   * figures and severity of existing ones. `notified` tells whether an outage's customers have
   * been sent a notice (then notifying is no longer suggested).
   */
  evaluate(risks: readonly OutageRisk[], threshold: number, notified: (outageId: string) => boolean = () => false): void {
    const now = this.now();
    for (const r of risks) {
      const id = alertId(r.outageId);
      const existing = this.alerts.get(id);
      if (!existing) {
        if (r.probability < threshold) continue;
        this.raise(r, now, notified(r.outageId));
        continue;
      }
      if (existing.status === 'resolved') continue;
      const severity = severityOf(r);
      const upgrade = RANK[severity] > RANK[existing.severity];
      const moved = Math.abs(existing.probability - r.probability) >= 0.02 || Math.abs(existing.expected - r.expected) >= 0.1 || existing.customers !== r.customers;
      if (!upgrade && !moved) continue;
      Object.assign(existing, {
        probability: r.probability,
        expected: r.expected,
        customers: r.customers,
        reasons: r.reasons,
        atRisk: r.atRisk,
        modelVersion: r.modelVersion,
        // What was done already is no longer suggested.
        suggested: suggestedActions(r, notified(r.outageId)).filter((k) => !existing.actions.some((a) => a.kind === k)),
        updatedAt: now,
      });
      if (upgrade) {
        existing.steps.push({ at: now, status: 'severity', by: SYSTEM, note: `${existing.severity} → ${severity}` });
        existing.severity = severity;
      }
      this.changed.add(id);
    }
  }

  /** The outage is over (or gone): its alert resolves by itself. */
  outageClosed(outageId: string, note = 'outage restored'): void {
    const a = this.alerts.get(alertId(outageId));
    if (a && a.status !== 'resolved') this.move(a, 'resolved', SYSTEM, note);
  }

  /** Escalates alerts nobody acknowledged in time. Call every few seconds. */
  tick(): void {
    const now = this.now();
    for (const a of this.alerts.values()) {
      if (a.status !== 'open') continue;
      const age = now - a.raisedAt;
      const level: EscalationLevel = age >= this.policy.escalateAfterMs[1] ? 'manager' : age >= this.policy.escalateAfterMs[0] ? 'shift-lead' : 'officer';
      if (level === a.escalation) continue;
      a.escalation = level;
      a.updatedAt = now;
      a.steps.push({ at: now, status: 'escalated', by: SYSTEM, note: `not acknowledged after ${Math.round(age / 60_000)} min: ${level}` });
      this.changed.add(a.id);
    }
    // Old resolved alerts leave memory (they stay in the database).
    for (const [id, a] of this.alerts) if (a.status === 'resolved' && now - a.updatedAt > 6 * 3_600_000) this.alerts.delete(id);
  }

  acknowledge(id: string, by: string, note?: string): AlertDto {
    const a = this.need(id);
    if (a.status !== 'open') throw new AlertError(`alert ${id} is ${a.status}, not open`, 'conflict');
    this.move(a, 'acknowledged', by, note);
    return a;
  }

  /** Records an action taken on the alert (the caller did it); acknowledges implicitly. */
  recordAction(id: string, kind: AlertActionKind, by: string, result: string): AlertDto {
    const a = this.need(id);
    if (a.status === 'resolved') throw new AlertError(`alert ${id} is resolved`, 'conflict');
    const now = this.now();
    a.actions.push({ kind, at: now, by, result });
    a.steps.push({ at: now, status: 'action', by, note: `${kind}: ${result}` });
    if (kind === 'crew-priority') a.priority = true;
    a.suggested = a.suggested.filter((s) => s !== kind);
    if (a.status !== 'actioned') this.move(a, 'actioned', by);
    else this.touch(a, now);
    return a;
  }

  resolve(id: string, by: string, note?: string): AlertDto {
    const a = this.need(id);
    if (a.status === 'resolved') throw new AlertError(`alert ${id} is already resolved`, 'conflict');
    this.move(a, 'resolved', by, note);
    return a;
  }

  drainChanges(): AlertDto[] {
    const out: AlertDto[] = [];
    for (const id of this.changed) {
      const a = this.alerts.get(id);
      if (a) out.push(structuredClone(a));
    }
    this.changed.clear();
    return out;
  }

  private raise(r: OutageRisk, now: number, notified: boolean): void {
    while (this.raisedTimes.length && this.raisedTimes[0]! <= now - this.policy.floodWindowMs) this.raisedTimes.shift();
    const flooded = this.raisedTimes.length >= this.policy.floodMax;
    this.raisedTimes.push(now);
    const a: AlertDto = {
      id: alertId(r.outageId),
      outageId: r.outageId,
      status: 'open',
      severity: severityOf(r),
      raisedAt: now,
      updatedAt: now,
      probability: r.probability,
      expected: r.expected,
      customers: r.customers,
      reasons: r.reasons,
      atRisk: r.atRisk,
      suggested: suggestedActions(r, notified),
      escalation: 'officer',
      flooded,
      steps: [{ at: now, status: 'open', by: SYSTEM, note: `P(complaint within 1 h) ${(r.probability * 100).toFixed(0)}%, ${r.expected.toFixed(1)} expected${flooded ? '; grouped (many alerts at once)' : ''}` }],
      actions: [],
      priority: false,
      modelVersion: r.modelVersion,
    };
    this.alerts.set(a.id, a);
    this.changed.add(a.id);
  }

  private need(id: string): AlertDto {
    const a = this.alerts.get(id);
    if (!a) throw new AlertError(`no alert ${id}`, 'not-found');
    return a;
  }

  private move(a: AlertDto, status: AlertStatus, by: string, note?: string): void {
    const now = this.now();
    a.status = status;
    a.steps.push({ at: now, status, by, ...(note ? { note } : {}) });
    this.touch(a, now);
  }

  private touch(a: AlertDto, now: number): void {
    a.updatedAt = now;
    this.changed.add(a.id);
  }
}

export const alertId = (outageId: string) => `al-${outageId}`;
