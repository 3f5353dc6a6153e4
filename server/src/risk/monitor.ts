// The live complaint early warning, pure and clock-injected so the server and the evaluation
// harness run the same code: it follows the outage engine's outages, the contacts and notices,
// scores every open outage with the current model, raises and escalates alerts, and keeps the
// predicted and actual complaints per clock hour.
import type { ComplaintHour, NetworkIndex, OutageDto, OutageRisk } from '@gridwatch/shared';
import { AlertManager, DEFAULT_ALERT_POLICY, type AlertPolicy } from './alerts.ts';
import { CustomerHistory, isOutageComplaint, outageCustomers, riskOutageOf, type ContactRecord } from './features.ts';
import { PRIOR_MODEL, scoreOutage, type RiskModel } from './model.ts';
import { SUSTAINED_MS } from './training.ts';

const H = 3_600_000;
const HOURS_KEPT = 48;

export interface RiskMonitorOptions {
  index: NetworkIndex;
  now: () => number;
  utcOffsetMs: number;
  model?: RiskModel;
  policy?: AlertPolicy;
  /** Overrides the model's alert threshold when set. */
  threshold?: number | null;
}

export class RiskMonitor {
  readonly history = new CustomerHistory();
  readonly alerts: AlertManager;
  private model: RiskModel;
  private readonly open = new Map<string, OutageDto>();
  private readonly risks = new Map<string, OutageRisk>();
  /** Notified outages → the restoration time last announced to their customers. */
  private readonly announced = new Map<string, number | null>();
  private readonly hours = new Map<number, ComplaintHour>();
  private lastEvaluation: number | null = null;
  private lastPrune = 0;

  constructor(private readonly o: RiskMonitorOptions) {
    this.model = o.model ?? PRIOR_MODEL;
    this.alerts = new AlertManager(o.now, o.policy ?? DEFAULT_ALERT_POLICY);
  }

  get currentModel(): RiskModel {
    return this.model;
  }

  get threshold(): number {
    return this.o.threshold ?? this.model.threshold;
  }

  setModel(m: RiskModel): void {
    this.model = m;
  }

  /**
   * An outage as the engine emitted it (new, changed or restored). Returns true for a new open
   * root outage: the caller should evaluate at once rather than at the next beat, since the
   * first calls of a large outage come within minutes.
   */
  outageChanged(dto: OutageDto): boolean {
    if (dto.parentId !== null || dto.status === 'momentary') {
      // Nested outages are scored as part of their root; a momentary one brings no alert.
      if (this.open.delete(dto.id)) this.risks.delete(dto.id);
      this.alerts.outageClosed(dto.id, dto.status === 'momentary' ? 'momentary interruption' : 'merged into a larger outage');
      return false;
    }
    if (dto.restoredAt === null) {
      const fresh = !this.open.has(dto.id);
      this.open.set(dto.id, dto);
      return fresh;
    }
    this.open.delete(dto.id);
    this.risks.delete(dto.id);
    if (dto.restoredAt - dto.startedAt >= SUSTAINED_MS) {
      this.history.addOutage(dto.id, outageCustomers(dto, this.o.index).map((c) => c.id), dto.startedAt);
    }
    this.alerts.outageClosed(dto.id);
    return false;
  }

  contact(c: ContactRecord): void {
    // A redelivered contact counts once.
    if (this.history.addContact(c) && isOutageComplaint(c)) this.hour(c.at).actual++;
  }

  notice(id: string, outageId: string, customers: readonly string[], at: number, etr: number | null): void {
    this.history.addNotice(id, customers, at, etr);
    this.announced.set(outageId, etr);
  }

  isNotified(outageId: string): boolean {
    return this.announced.has(outageId);
  }

  /**
   * Notified outages whose announced restoration time is about to pass (within 5 minutes) while
   * the current estimate is later: their customers should get an update before the promise
   * breaks (a missed restoration time angers more than no time at all).
   */
  noticeUpdatesDue(): { outage: OutageDto; etr: number }[] {
    const now = this.o.now();
    const out: { outage: OutageDto; etr: number }[] = [];
    for (const [id, announced] of this.announced) {
      const dto = this.open.get(id);
      if (!dto) {
        this.announced.delete(id);
        continue;
      }
      if (announced === null || dto.etr === null) continue;
      if (announced - now <= 5 * 60_000 && dto.etr > announced + 10 * 60_000) out.push({ outage: dto, etr: dto.etr });
    }
    return out;
  }

  /** Scores every open outage now, raises/updates alerts, accumulates the predicted complaints. */
  evaluate(): OutageRisk[] {
    const now = this.o.now();
    const ctx = { history: this.history, utcOffsetMs: this.o.utcOffsetMs };
    const out: OutageRisk[] = [];
    for (const dto of this.open.values()) {
      const ro = riskOutageOf(dto, this.o.index);
      if (ro.customers.length === 0) continue;
      const r = scoreOutage(this.model, ro, now, ctx);
      this.risks.set(dto.id, r);
      out.push(r);
    }
    if (this.lastEvaluation !== null) {
      const dt = Math.min(5 * 60_000, now - this.lastEvaluation);
      const rate = out.reduce((s, r) => s + r.expected, 0);
      if (dt > 0) this.hour(now).predicted += (rate * dt) / H;
    }
    this.lastEvaluation = now;
    this.alerts.evaluate(out, this.threshold, (id) => this.announced.has(id));
    this.alerts.tick();
    this.prune(now);
    return out;
  }

  risk(outageId: string): OutageRisk | undefined {
    return this.risks.get(outageId);
  }

  allRisks(): OutageRisk[] {
    return [...this.risks.values()];
  }

  /** The last `n` clock hours, oldest first (predicted rounded to 0.1). */
  hourly(n = 24): ComplaintHour[] {
    const end = Math.floor(this.o.now() / H) * H;
    const out: ComplaintHour[] = [];
    for (let h = end - (n - 1) * H; h <= end; h += H) {
      const x = this.hours.get(h);
      out.push({ hour: h, predicted: Math.round((x?.predicted ?? 0) * 10) / 10, actual: x?.actual ?? 0 });
    }
    return out;
  }

  private hour(at: number): ComplaintHour {
    const h = Math.floor(at / H) * H;
    let x = this.hours.get(h);
    if (!x) this.hours.set(h, (x = { hour: h, predicted: 0, actual: 0 }));
    return x;
  }

  private prune(now: number): void {
    const cut = now - HOURS_KEPT * H;
    for (const h of this.hours.keys()) if (h < cut) this.hours.delete(h);
    if (now - this.lastPrune >= 6 * H) {
      this.lastPrune = now;
      this.history.prune(now);
    }
  }
}
