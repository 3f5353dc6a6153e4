// Complaint early-warning evaluation. The simulator's `daily` scenario runs in-process with a
// virtual clock through GridWatch's own ingest, outage engine and risk monitor. The first
// `trainDays` are history: GridWatch records its outages, the contacts and (for a share of past
// alerts, as a utility's past practice) notices; at the end of them the model is trained from that
// record alone. The held-out `days` follow. Two arms run the same seed side by side: in the
// control nobody acts on alerts; in the treatment a duty officer sends a notice with the estimated
// restoration time `reactionS` after each alert. Prediction figures come from the control (its
// outcomes are untouched by notices); complaints avoided compare the arms. Ground truth is read
// here only to score: which contacts were outage complaints and what the customers were told.
import { indexNetwork, type NetworkFile, type NetworkIndex, type OutageDto } from '@gridwatch/shared';
import { OutageEngine } from '@gridwatch/server/engine';
import type { IngestSinks, Sink } from '@gridwatch/server/ingest';
import { darkCustomers, historyOutages, isOutageComplaint, outageCustomers, riskKindOf, RiskMonitor, trainRiskModel, rocAuc, rocCurve, summarise, type HistoryContact, type HistoryNotice, type RiskModel } from '@gridwatch/server/risk';
import { createSimulation, type BehaviourOverrides, type TruthRecord } from '@gridwatch/simulator';
import { engineIngest, nullSink, sinksWith } from './inprocess.ts';
import { q } from './outages.ts';
import type { ComplaintBound } from './complaintBound.ts';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;

export interface ComplaintArmOptions {
  network: NetworkFile | NetworkIndex;
  seed: number;
  trainDays: number;
  days: number;
  arm: 'control' | 'treatment';
  behaviour?: BehaviourOverrides;
  /** Unplanned outages per day in the `daily` scenario. */
  faultsPerDay?: number;
  /** Officer's delay from an alert to the notice (treatment). */
  reactionS?: number;
  /** Share of alerts in the history period that were followed by a notice (both arms alike). */
  historyNoticeShare?: number;
  readingIntervalS?: number;
  startSimMs?: number;
  progress?: (share: number) => void;
  /** Return what GridWatch recorded over the whole run (outages, contacts, notices). */
  keepRecord?: boolean;
}

/** What GridWatch itself recorded in a run: the input of training, never the simulator's truth. */
export interface RecordedRun {
  startMs: number;
  testStartMs: number;
  endMs: number;
  utcOffsetMs: number;
  outages: OutageDto[];
  contacts: HistoryContact[];
  notices: HistoryNotice[];
}

/** One scored outage of the held-out period. */
export interface ScoredOutage {
  id: string;
  kind: string;
  customers: number;
  startedAt: number;
  detectedAt: number;
  restoredAt: number | null;
  alertAt: number | null;
  firstComplaint: number | null;
  complaints: number;
  /** Highest probability the model gave it. */
  maxProbability: number;
}

export interface ArmResult {
  arm: 'control' | 'treatment';
  messages: number;
  wallMs: number;
  model: RiskModel;
  keptPrior: string | null;
  /** Wall time of the training at the end of the history (ms). */
  trainMs: number;
  trainingHeldOut: { outages: number; positives: number; auc: number | null; recall: number | null; precision: number | null };
  outages: ScoredOutage[];
  /** (score, label) per outage and evaluation instant, every 5 min. */
  samples: { p: number; y: number }[];
  /** Outage complaints (truth) in the held-out period and whether each was warned about. */
  complaints: { at: number; warned: boolean; notified: boolean }[];
  hourly: { hour: number; predicted: number; actual: number }[];
  notices: number;
  alerts: number;
  flooded: number;
  record?: RecordedRun;
}

const hash = (s: string) => {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
};

export function runComplaintArm(o: ComplaintArmOptions): ArmResult {
  const t0 = performance.now();
  const index = 'customersOf' in o.network ? o.network : indexNetwork(o.network);
  const start = o.startSimMs ?? Date.parse('2026-06-01T04:00:00Z');
  const testStart = start + o.trainDays * DAY;
  const end = testStart + o.days * DAY;
  const utcOffsetMs = Math.round(index.network.centre[0] / 15) * H;
  const sim = createSimulation({
    network: index,
    scenario: 'daily',
    seed: o.seed,
    startSimMs: start,
    field: { readingIntervalS: o.readingIntervalS ?? 3600 },
    ...(o.faultsPerDay ? { faults: o.faultsPerDay } : {}),
    ...(o.behaviour ? { behaviour: o.behaviour } : {}),
  });
  let now = start;
  const clock = () => now;
  const engine = new OutageEngine({ index, now: clock, minMeters: 3 });
  const monitor = new RiskMonitor({ index, now: clock, utcOffsetMs });

  // What GridWatch records: its outages, the contacts, its notices.
  const outages = new Map<string, OutageDto>();
  const contacts: HistoryContact[] = [];
  const notices: HistoryNotice[] = [];
  const contactSink: Sink<{ id: string; ts: number; customer: string; category: string; type: string | null }> = {
    push: (c) => {
      const record = { id: c.id, customer: c.customer, at: c.ts, category: c.category, type: c.type };
      contacts.push(record);
      monitor.contact(record);
    },
    pushMany: (list) => list.forEach((c) => contactSink.push(c)),
  };
  const ingest = engineIngest(index, clock, engine, sinksWith({ contacts: contactSink as IngestSinks['contacts'] }));

  let evaluate = () => {};
  const drain = () => {
    let fresh = false;
    for (const d of engine.drainChanges()) {
      outages.set(d.id, d);
      fresh = monitor.outageChanged(d) || fresh;
    }
    // As the server does: a new outage is scored at once, not at the next beat.
    if (fresh) evaluate();
  };

  // The officer: acts on alerts after a reaction delay.
  const pending: { at: number; alertId: string; outageId: string }[] = [];
  const acted = new Set<string>();
  const noticeNo = { n: 0 };
  const officerActs = (alertId: string, outageId: string, raisedAt: number) => {
    if (acted.has(alertId)) return;
    acted.add(alertId);
    const inTest = raisedAt >= testStart;
    const act = inTest ? o.arm === 'treatment' : hash(`${o.seed}:${outageId}`) < (o.historyNoticeShare ?? 0.3);
    if (act) pending.push({ at: raisedAt + (o.reactionS ?? 120) * 1000, alertId, outageId });
  };
  const send = (dto: OutageDto, etr: number | null) => {
    const customers = darkCustomers(dto, index).map((c) => c.id);
    const id = `n${++noticeNo.n}-${dto.id}`;
    sim.notify({ id, ts: new Date(now).toISOString(), outage: dto.id, customers, ...(etr !== null ? { etr: new Date(etr).toISOString() } : {}) }, now);
    monitor.notice(id, dto.id, customers, now, etr);
    notices.push({ id, at: now, etr, customers });
    return customers.length;
  };
  const sendDue = () => {
    while (pending.length && pending[0]!.at <= now) {
      const p = pending.shift()!;
      const dto = outages.get(p.outageId);
      if (!dto || dto.restoredAt !== null) continue;
      const n = send(dto, dto.etr);
      try {
        monitor.alerts.recordAction(p.alertId, 'notify', 'officer', `notice to ${n} customers`);
      } catch {
        /* resolved meanwhile */
      }
    }
  };

  // Per held-out outage: its alert, and risk samples every 5 minutes.
  const firstAlert = new Map<string, number>();
  const maxP = new Map<string, number>();
  const riskSamples: { outageId: string; at: number; p: number }[] = [];
  let alerts = 0;
  let flooded = 0;
  const hourly: ArmResult['hourly'] = [];

  let trained: ReturnType<typeof trainRiskModel> | null = null;
  evaluate = () => {
    const risks = monitor.evaluate();
    // As the server does: notified customers get an updated restoration time before it passes.
    for (const u of monitor.noticeUpdatesDue()) send(u.outage, u.etr);
    for (const a of monitor.alerts.drainChanges()) {
      if (!firstAlert.has(a.outageId)) {
        firstAlert.set(a.outageId, a.raisedAt);
        if (a.raisedAt >= testStart) {
          alerts++;
          if (a.flooded) flooded++;
        }
        officerActs(a.id, a.outageId, a.raisedAt);
      }
    }
    if (now >= testStart && now % (5 * MIN) === 0) for (const r of risks) riskSamples.push({ outageId: r.outageId, at: now, p: r.probability });
    for (const r of risks) maxP.set(r.outageId, Math.max(maxP.get(r.outageId) ?? 0, r.probability));
  };

  const truth: TruthRecord[] = [];
  let messages = 0;
  let nextEval = start + MIN;
  const step = MIN;
  const runUntil = (until: number) => {
    for (;;) {
      const deadline = engine.nextDeadline();
      const at = Math.min(deadline !== null && deadline > now ? deadline : Infinity, nextEval, pending[0]?.at ?? Infinity);
      if (at > until) return;
      now = Math.max(now, at);
      engine.tick();
      drain();
      sendDue();
      if (now >= nextEval) {
        if (!trained && now >= testStart) {
          trained = train(now);
          monitor.setModel(trained.model);
        }
        evaluate();
        if (now % H === 0 && now > testStart) hourly.push(monitor.hourly(2)[0]!);
        nextEval += MIN;
      }
    }
  };
  let trainMs = 0;
  const train = (at: number) => {
    const t1 = performance.now();
    const r = trainRiskModel(
      { outages: historyOutages([...outages.values()], index), contacts, notices },
      { index, now: at, utcOffsetMs, version: `eval-${o.seed}` },
    );
    trainMs = Math.round(performance.now() - t1);
    return r;
  };

  for (let t = start; t < end; t += step) {
    const out = sim.advance(Math.min(end, t + step));
    for (const r of out.truth) if (r.type === 'contact' || r.type === 'notice') truth.push(r);
    for (const m of out.messages) {
      runUntil(m.atSimMs);
      now = Math.max(now, m.atSimMs);
      ingest.accept(m.topic, Buffer.from(JSON.stringify(m.payload)));
      drain();
      messages++;
    }
    runUntil(Math.min(end, t + step));
    if ((t - start) % H === 0) o.progress?.((t + step - start) / (end - start));
  }
  const done = trained as ReturnType<typeof trainRiskModel> | null;
  if (!done) throw new Error('the run ended before the model was trained');
  const model = done.model;

  // ---- scoring (held-out period) ------------------------------------------------------------
  const contactsByCustomer = new Map<string, number[]>();
  for (const c of contacts) {
    if (!isOutageComplaint(c)) continue;
    let l = contactsByCustomer.get(c.customer);
    if (!l) contactsByCustomer.set(c.customer, (l = []));
    l.push(c.at);
  }
  const complaintTimes = (customers: readonly string[], from: number, to: number) => {
    const out: number[] = [];
    for (const c of customers) for (const at of contactsByCustomer.get(c) ?? []) if (at >= from && at <= to) out.push(at);
    return out.sort((a, b) => a - b);
  };
  const scored: ScoredOutage[] = [];
  const customersOf = new Map<string, string[]>();
  for (const d of outages.values()) {
    if (d.parentId !== null || d.status === 'momentary' || d.startedAt < testStart || !maxP.has(d.id)) continue;
    const customers = outageCustomers(d, index).map((c) => c.id);
    customersOf.set(d.id, customers);
    const times = complaintTimes(customers, d.startedAt, (d.restoredAt ?? end) + H);
    scored.push({
      id: d.id,
      kind: riskKindOf(d, index),
      customers: customers.length,
      startedAt: d.startedAt,
      detectedAt: d.detectedAt,
      restoredAt: d.restoredAt,
      alertAt: firstAlert.get(d.id) ?? null,
      firstComplaint: times[0] ?? null,
      complaints: times.length,
      maxProbability: maxP.get(d.id) ?? 0,
    });
  }
  const samples = riskSamples.map((s) => ({ p: s.p, y: complaintTimes(customersOf.get(s.outageId) ?? [], s.at + 1, s.at + H).length > 0 ? 1 : 0 }));

  // Outage complaints by truth; warned if an alert on a detected outage covering the customer,
  // or a notice, came before it.
  const coverage = new Map<string, { from: number; to: number; alertAt: number | null }[]>();
  for (const s of scored) {
    for (const c of customersOf.get(s.id) ?? []) {
      let l = coverage.get(c);
      if (!l) coverage.set(c, (l = []));
      l.push({ from: s.startedAt, to: (s.restoredAt ?? end) + H, alertAt: s.alertAt });
    }
  }
  const complaints: ArmResult['complaints'] = [];
  for (const r of truth) {
    if (r.type !== 'contact' || r.at < testStart || r.contactType !== 'complaint' || (r.cause.kind !== 'outage' && r.cause.kind !== 'repeat-outage')) continue;
    const alerted = (coverage.get(r.customer) ?? []).some((x) => x.from <= r.at && r.at <= x.to && x.alertAt !== null && x.alertAt < r.at);
    complaints.push({ at: r.at, warned: alerted || r.notified, notified: r.notified });
  }
  return {
    arm: o.arm,
    messages,
    wallMs: Math.round(performance.now() - t0),
    model,
    keptPrior: done.keptPrior,
    trainMs,
    trainingHeldOut: done.heldOut,
    outages: scored,
    samples,
    complaints,
    hourly,
    notices: truth.filter((r) => r.type === 'notice' && r.at >= testStart).length,
    alerts,
    flooded,
    ...(o.keepRecord ? { record: { startMs: start, testStartMs: testStart, endMs: end, utcOffsetMs, outages: [...outages.values()], contacts, notices } } : {}),
  };
}

export interface ComplaintEvalResult {
  network: string;
  seed: number;
  trainDays: number;
  days: number;
  behaviour: string;
  wallMs: number;
  messages: number;
  model: ReturnType<typeof summarise>;
  keptPrior: string | null;
  outages: number;
  outagesWithComplaints: number;
  auc: number | null;
  threshold: number;
  alerts: number;
  flooded: number;
  recall: number;
  /** Outages with complaints that were alerted at some point, before their first complaint or after. */
  recallAnyTime: number;
  precision: number;
  leadTimeMin: { median: number | null; p10: number | null; n: number };
  /**
   * The most any alert could have given: the median, over outages with complaints, of first
   * complaint − detection (an alert at the very instant GridWatch found each one).
   */
  leadCeilingMin: number | null;
  warnedShare: number;
  complaints: { control: number; treatment: number; avoidedShare: number };
  notices: number;
  roc: [number, number][];
  leadTimes: number[];
  hourly: ArmResult['hourly'];
  scored: ScoredOutage[];
  /** What an oracle knowing the simulated customers' behaviour reaches on this run (complaintBound). */
  ceiling?: Omit<ComplaintBound, 'sweep'>[];
}

export function scoreComplaintEval(control: ArmResult, treatment: ArmResult, meta: { network: string; seed: number; trainDays: number; days: number; behaviour: string; wallMs: number }): ComplaintEvalResult {
  const outs = control.outages;
  const positives = outs.filter((s) => s.firstComplaint !== null);
  const alerted = outs.filter((s) => s.alertAt !== null);
  const warnedOutages = positives.filter((s) => s.alertAt !== null && s.alertAt < s.firstComplaint!);
  const leads = positives.filter((s) => s.alertAt !== null).map((s) => (s.firstComplaint! - s.alertAt!) / MIN);
  const auc = rocAuc(control.samples.map((s) => s.p), control.samples.map((s) => s.y));
  const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    ...meta,
    messages: control.messages + treatment.messages,
    model: summarise(control.model),
    keptPrior: control.keptPrior,
    outages: outs.length,
    outagesWithComplaints: positives.length,
    auc: Number.isNaN(auc) ? null : round(auc),
    threshold: control.model.threshold,
    alerts: control.alerts,
    flooded: control.flooded,
    recall: positives.length ? round(warnedOutages.length / positives.length) : 1,
    recallAnyTime: positives.length ? round(positives.filter((s) => s.alertAt !== null).length / positives.length) : 1,
    precision: alerted.length ? round(alerted.filter((s) => s.firstComplaint !== null).length / alerted.length) : 1,
    leadTimeMin: { median: leads.length ? q(leads, 0.5) : null, p10: leads.length ? q(leads, 0.1) : null, n: leads.length },
    leadCeilingMin: positives.length ? q(positives.map((s) => (s.firstComplaint! - s.detectedAt) / MIN), 0.5) : null,
    warnedShare: control.complaints.length ? round(control.complaints.filter((c) => c.warned).length / control.complaints.length) : 1,
    complaints: {
      control: control.complaints.length,
      treatment: treatment.complaints.length,
      avoidedShare: control.complaints.length ? round(1 - treatment.complaints.length / control.complaints.length) : 0,
    },
    notices: treatment.notices,
    roc: rocCurve(control.samples.map((s) => s.p), control.samples.map((s) => s.y), 60),
    leadTimes: leads.map((x) => round(x, 2)),
    hourly: control.hourly,
    scored: outs,
  };
}
