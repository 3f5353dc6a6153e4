// The complaint early warning at the edges: the pure RiskMonitor fed from the core's stored
// outages and contacts, scored on a timer; alerts persisted and handed to the realtime hub;
// the model loaded, retrained and versioned in the database; the officer's actions carried out
// (notices over MQTT and the webhook, recorded per customer; call lists; crew priority).
import { randomUUID } from 'node:crypto';
import type { AlertActionKind, AlertActionResult, AlertDto, CallListEntry, ComplaintHour, NetworkIndex, NoticeMessage, OutageDto, OutageRisk, RiskModelSummary } from '@gridwatch/shared';
import { topics } from '@gridwatch/shared';
import type { Config } from './config.ts';
import type { Logger } from './core.ts';
import { insertNotice, loadActiveModel, loadLiveAlerts, loadTrainingData, saveModel, upsertAlerts, type NoticeRecord } from './db/risk.ts';
import type { Pool } from './db/pool.ts';
import { AlertError } from './risk/alerts.ts';
import { darkCustomers, type ContactRecord } from './risk/features.ts';
import { PRIOR_MODEL, summarise, type RiskModel } from './risk/model.ts';
import { RiskMonitor } from './risk/monitor.ts';
import { trainInWorker } from './risk/trainInWorker.ts';
import { SUSTAINED_MS } from './risk/training.ts';

const DAY = 86_400_000;

export interface EarlyWarningOptions {
  config: Config;
  pool: Pool;
  index: NetworkIndex;
  log: Logger;
  now: () => number;
  /** The open outages (root and nested) as the engine has them now. */
  outages: () => OutageDto[];
  /** Publishes at QoS 1; rejects when the broker cannot take it. */
  publish: (topic: string, payload: string) => Promise<void>;
}

export class EarlyWarning {
  readonly monitor: RiskMonitor;
  private readonly alertListeners: ((alerts: AlertDto[]) => void)[] = [];
  private readonly riskListeners: ((risks: OutageRisk[], hourly: ComplaintHour[]) => void)[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private training: Promise<RiskModelSummary & { note?: string }> | null = null;
  private persisting: Promise<void> = Promise.resolve();
  private readonly updating = new Set<string>();
  private soon: NodeJS.Timeout | null = null;

  private constructor(
    private readonly o: EarlyWarningOptions,
    model: RiskModel,
  ) {
    const c = o.config;
    const utcOffsetH = c.utcOffsetH ?? Math.round(o.index.network.centre[0] / 15);
    this.monitor = new RiskMonitor({
      index: o.index,
      now: o.now,
      utcOffsetMs: utcOffsetH * 3_600_000,
      model,
      threshold: c.riskAlertThreshold,
      policy: {
        escalateAfterMs: [c.alertEscalateLeadMin * 60_000, c.alertEscalateManagerMin * 60_000],
        floodMax: c.alertFloodMax,
        floodWindowMs: c.alertFloodWindowS * 1000,
      },
    });
  }

  static async start(o: EarlyWarningOptions): Promise<EarlyWarning> {
    const stored = await loadActiveModel(o.pool);
    const ew = new EarlyWarning(o, stored.model ?? PRIOR_MODEL);
    const now = o.now();
    // The customers' year: outages, contacts and notices as recorded.
    const data = await loadTrainingData(o.pool, o.index, now - 366 * DAY);
    for (const x of data.outages) if (x.restoredAt !== null && x.restoredAt - x.startedAt >= SUSTAINED_MS) ew.monitor.history.addOutage(x.id, x.customers, x.startedAt);
    // Through the monitor, so the complaints of the last hours count on the wall again.
    for (const c of data.contacts) ew.monitor.contact(c);
    for (const n of data.notices) ew.monitor.history.addNotice(n.id, n.customers, n.at, n.etr);
    ew.monitor.alerts.restore(await loadLiveAlerts(o.pool, now));
    for (const d of o.outages()) ew.monitor.outageChanged(d);
    o.log.info(`complaint risk model ${ew.monitor.currentModel.version} (${ew.monitor.currentModel.kind}); history: ${data.outages.length} outages, ${data.contacts.length} contacts, ${data.notices.length} notices`);
    ew.timers.push(setInterval(() => ew.evaluate(), o.config.riskEvalS * 1000));
    if (o.config.riskRetrainH > 0) ew.timers.push(setInterval(() => void ew.retrain('schedule').catch((err) => o.log.warn(`risk model retraining failed: ${(err as Error).message}`)), o.config.riskRetrainH * 3_600_000));
    for (const t of ew.timers) t.unref();
    if (stored.refused) {
      // An upgrade changed the features: learn again from the same history now, not a day later.
      o.log.warn(`stored ${stored.refused}: using ${ew.monitor.currentModel.version} until it is retrained, which starts now`);
      void ew.retrain('features changed').catch((err) => o.log.warn(`risk model retraining failed: ${(err as Error).message}`));
    }
    return ew;
  }

  onAlerts(listener: (alerts: AlertDto[]) => void): void {
    this.alertListeners.push(listener);
  }

  onRisks(listener: (risks: OutageRisk[], hourly: ComplaintHour[]) => void): void {
    this.riskListeners.push(listener);
  }

  outagesChanged(outages: readonly OutageDto[]): void {
    let fresh = false;
    for (const d of outages) fresh = this.monitor.outageChanged(d) || fresh;
    this.flushAlerts();
    // New outages are scored within half a second, once for however many arrive meanwhile (a
    // storm brings hundreds a minute; each evaluation scores every open outage).
    if (fresh && !this.soon) {
      this.soon = setTimeout(() => {
        this.soon = null;
        this.evaluate();
      }, 500);
      this.soon.unref();
    }
  }

  contact(c: ContactRecord): void {
    this.monitor.contact(c);
  }

  /** Was there an alert on the outage, or a notice to the customer since it began, before `at`? */
  warnedBefore(outageId: string, customer: string, at: number, outageStart: number): boolean {
    const alert = this.monitor.alerts.forOutage(outageId);
    if (alert && alert.raisedAt <= at) return true;
    return this.monitor.history.noticeBetween(customer, outageStart, at) !== null;
  }

  /** Scores the open outages now; alerts that changed are stored, then broadcast. */
  evaluate(): OutageRisk[] {
    const risks = this.monitor.evaluate();
    if (this.o.config.notifyAutoUpdate) {
      for (const u of this.monitor.noticeUpdatesDue()) {
        if (this.updating.has(u.outage.id)) continue;
        this.updating.add(u.outage.id);
        const alertId = this.monitor.alerts.forOutage(u.outage.id)?.id ?? null;
        void this.notify(u.outage, 'system', alertId, { update: true })
          .catch((err: Error) => this.o.log.warn(`restoration-time update for ${u.outage.id} failed: ${err.message}`))
          .finally(() => this.updating.delete(u.outage.id));
      }
    }
    this.flushAlerts();
    const hourly = this.monitor.hourly();
    for (const l of this.riskListeners) l(risks, hourly);
    return risks;
  }

  model(): RiskModelSummary {
    return summarise(this.monitor.currentModel);
  }

  activeAlerts(): AlertDto[] {
    return this.monitor.alerts.active();
  }

  /** Trains on the last year in the database; activates the result unless the prior had to stay. */
  retrain(by: string): Promise<RiskModelSummary & { note?: string }> {
    if (this.training) return this.training;
    this.training = (async () => {
      const now = this.o.now();
      const t0 = performance.now();
      const data = await loadTrainingData(this.o.pool, this.o.index, now - 365 * DAY);
      const version = `m${new Date(now).toISOString().slice(0, 16).replace(/[-:T]/g, '')}-${randomUUID().slice(0, 4)}`;
      // In a worker thread: a year of history is seconds of fitting that must not pause ingest.
      const r = await trainInWorker(this.o.index.network, data, { now, utcOffsetMs: this.utcOffsetMs(), version });
      if (r.keptPrior) {
        this.o.log.info(`risk model not retrained (${by}): ${r.keptPrior}; keeping ${this.monitor.currentModel.version}`);
        return { ...summarise(this.monitor.currentModel), note: r.keptPrior };
      }
      await saveModel(this.o.pool, r.model, true);
      this.monitor.setModel(r.model);
      this.o.log.info(`risk model ${r.model.version} trained (${by}) in ${Math.round(performance.now() - t0)} ms on ${r.model.metrics.outages} outages: held-out AUC ${r.heldOut.auc}, recall ${r.heldOut.recall}, precision ${r.heldOut.precision}, threshold ${r.model.threshold}`);
      return summarise(r.model);
    })().finally(() => {
      this.training = null;
    });
    return this.training;
  }

  acknowledge(id: string, by: string, note?: string): AlertDto {
    const a = this.monitor.alerts.acknowledge(id, by, note);
    this.flushAlerts();
    return a;
  }

  resolve(id: string, by: string, note?: string): AlertDto {
    const a = this.monitor.alerts.resolve(id, by, note);
    this.flushAlerts();
    return a;
  }

  /** Carries out an action on an alert and records it. */
  async act(id: string, kind: AlertActionKind, by: string, opts: { text?: string } = {}): Promise<AlertActionResult> {
    const alert = this.monitor.alerts.get(id);
    if (!alert) throw new AlertError(`no alert ${id}`, 'not-found');
    if (alert.status === 'resolved') throw new AlertError(`alert ${id} is resolved`, 'conflict');
    const outage = this.openOutage(alert.outageId);
    if (kind === 'notify') {
      const notice = await this.notify(outage, by, alert.id, { text: opts.text });
      const etr = notice.etr ? new Date(notice.etr).toISOString().slice(11, 16) + ' UTC' : 'no ETR';
      const updated = this.monitor.alerts.recordAction(id, kind, by, `notice to ${notice.customers.length} customers, ${etr}; MQTT ${notice.mqtt}, webhook ${notice.webhook}`);
      this.flushAlerts();
      return { alert: updated, notice };
    }
    if (kind === 'call-list') {
      const callList = this.callList(outage);
      const updated = this.monitor.alerts.recordAction(id, kind, by, `call list of ${callList.length} sensitive or critical customers`);
      this.flushAlerts();
      return { alert: updated, callList };
    }
    const updated = this.monitor.alerts.recordAction(id, kind, by, 'crew priority raised');
    this.flushAlerts();
    return { alert: updated };
  }

  /**
   * Sends a proactive notice with the estimated restoration time to the outage's customers;
   * `update`: a new restoration time for customers told one already.
   */
  async notify(outage: OutageDto, by: string, alertId: string | null, { text, update = false }: { text?: string; update?: boolean } = {}): Promise<NoticeRecord> {
    const customers = darkCustomers(outage, this.o.index).map((c) => c.id);
    if (customers.length === 0) throw new AlertError(`outage ${outage.id} has no customers without power`, 'conflict');
    const now = this.o.now();
    const etr = outage.etr;
    const hhmm = etr ? new Date(etr + this.utcOffsetMs()).toISOString().slice(11, 16) : null;
    const body =
      text ??
      (update && hhmm
        ? `【供电服务】抢修仍在进行，预计恢复供电时间更新为 ${hhmm}，给您带来不便敬请谅解。 / Repairs are still under way; the expected restoration time is now ${hhmm}. We apologise for the inconvenience.`
        : hhmm
        ? `【供电服务】您所在区域因故障停电，抢修人员正在处理，预计 ${hhmm} 前恢复供电，给您带来不便敬请谅解。 / Power is off in your area because of a fault; crews are working on it and expect to restore supply by ${hhmm}. We apologise for the inconvenience.`
        : '【供电服务】您所在区域因故障停电，抢修人员正在处理，恢复时间确定后将再次通知。 / Power is off in your area because of a fault; crews are working on it. We will tell you when we know the restoration time.');
    const id = `nt-${outage.id}-${now.toString(36)}`;
    const message: NoticeMessage = { id, ts: new Date(now).toISOString(), outage: outage.id, customers, ...(etr ? { etr: new Date(etr).toISOString() } : {}), text: body.slice(0, 2000) };
    const payload = JSON.stringify(message);
    const [mqtt, webhook] = await Promise.all([
      this.o.publish(topics(this.o.config.topicPrefix).notice(outage.id), payload).then(
        () => 'ok',
        (err: Error) => `failed: ${err.message.slice(0, 200)}`,
      ),
      this.postWebhook(payload),
    ]);
    const record: NoticeRecord = { id, outageId: outage.id, alertId, sentAt: now, etr, text: message.text!, sentBy: by, customers, mqtt, webhook };
    await insertNotice(this.o.pool, record);
    this.monitor.notice(id, outage.id, customers, now, etr);
    if (mqtt !== 'ok') this.o.log.warn(`notice ${id}: MQTT ${mqtt}`);
    return record;
  }

  callList(outage: OutageDto): CallListEntry[] {
    const risk = this.monitor.risk(outage.id);
    const p = new Map(risk?.atRisk.map((c) => [c.customer, c.p]) ?? []);
    return darkCustomers(outage, this.o.index)
      .filter((c) => c.sensitive || c.type === 'critical')
      .map((c) => ({ customer: c.id, type: c.type, sensitive: c.sensitive, transformer: c.transformer, p: p.get(c.id) ?? null }))
      .sort((a, b) => Number(b.type === 'critical') - Number(a.type === 'critical') || (b.p ?? 0) - (a.p ?? 0));
  }

  hourly(): ComplaintHour[] {
    return this.monitor.hourly();
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    if (this.soon) clearTimeout(this.soon);
    this.flushAlerts();
    await this.persisting;
    await this.training?.catch(() => {});
  }

  private openOutage(id: string): OutageDto {
    const o = this.o.outages().find((x) => x.id === id);
    if (!o || o.restoredAt !== null) throw new AlertError(`outage ${id} is not open`, 'conflict');
    return o;
  }

  private utcOffsetMs(): number {
    return (this.o.config.utcOffsetH ?? Math.round(this.o.index.network.centre[0] / 15)) * 3_600_000;
  }

  private async postWebhook(payload: string): Promise<string> {
    const url = this.o.config.notifyWebhookUrl;
    if (!url) return 'not configured';
    let last = '';
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload, signal: AbortSignal.timeout(this.o.config.notifyWebhookTimeoutMs) });
        if (res.ok) return 'ok';
        last = `HTTP ${res.status}`;
        if (res.status < 500) break;
      } catch (err) {
        last = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 250 * attempt));
    }
    this.o.log.warn(`notice webhook failed: ${last}`);
    return `failed: ${last.slice(0, 200)}`;
  }

  /** Stores changed alerts (in order), then hands them to the listeners. */
  private flushAlerts(): void {
    const changed = this.monitor.alerts.drainChanges();
    if (changed.length === 0) return;
    this.persisting = this.persisting
      .then(() => upsertAlerts(this.o.pool, changed))
      .then(
        () => {
          for (const l of this.alertListeners) l(changed);
        },
        (err: Error) => {
          this.o.log.warn(`storing ${changed.length} alert(s) failed, will retry: ${err.message}`);
          this.monitor.alerts.requeue(changed.map((a) => a.id));
        },
      );
  }
}
