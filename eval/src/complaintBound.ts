// The most any early-warning model could achieve in the simulated world: an oracle that knows the
// simulator's customer behaviour parameters - every customer's contact hazard, when a call turns
// into a complaint - but, like GridWatch, not the future. Each minute of an outage it sees the
// elapsed time, which customers are still dark and who has called; the remaining duration it
// takes from the durations of the outages of the same kind before the held-out days. It scores
// the probability of a complaint exactly as the simulator's hazard model gives it, and alerts
// when that crosses a threshold; its best precision at the target recall is the ceiling of any
// model's. Evaluation only: the ground truth and behaviour parameters it reads are what the risk
// model must never see (it is the scorer's yardstick, as the lead-time ceiling is).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { indexNetwork, type NetworkIndex } from '@gridwatch/shared';
import { loadNetworkFile } from '@gridwatch/shared/node';
import { alertFigures, complaintsByCustomer, historyOutages, isOutageComplaint } from '@gridwatch/server/risk';
import { complaintAfterMs, loadBehaviourFile, outageContactRate, outageShape, postRestorationChance, resolveBehaviour, type BehaviourParams } from '@gridwatch/simulator';
import type { RecordedRun } from './complaints.ts';
import { q } from './outages.ts';
import { replay } from './replayModel.ts';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
/** The simulator remembers sustained interruptions only (IEEE 1366: 5 min). */
const SUSTAINED_MS = 5 * MIN;

export interface BoundOptions {
  /**
   * What the oracle scores: a complaint within the next hour (what GridWatch's model scores), or
   * any complaint before the outage ends (and its hour of aftermath).
   */
  horizon?: 'hour' | 'outage';
  /** Minutes between scored instants. */
  stepMin?: number;
  /** Remaining-duration draws per instant (quantiles of the kind's past durations). */
  durationDraws?: number;
}

/** One held-out outage's probability minute by minute, as the oracle (or the model) scored it. */
export interface AlertCurve {
  id: string;
  kind: string;
  customers: number;
  startedAt: number;
  firstComplaint: number | null;
  instants: number[];
  probability: number[];
}

export interface BoundPoint {
  threshold: number;
  recall: number;
  precision: number;
  alerted: number;
  leadMedianMin: number | null;
}

export interface ComplaintBound {
  horizon: 'hour' | 'outage';
  outages: number;
  positives: number;
  /** The most precise threshold with recall ≥ the target; null if none reaches it or nothing brought a complaint. */
  best: BoundPoint | null;
  /** Precision and recall over thresholds. */
  sweep: BoundPoint[];
}

interface OracleCustomer {
  /** Contact hazard multiplier per hour at the peak of the outage shape. */
  m: number;
  /** Minutes after the loss from which a first call is a complaint. */
  zoneMin: number;
  /** Share who got an advance notice (planned outages) and its hazard factor. */
  noticed: number;
  /** Chance of a complaint about repeated outages after the power is back. */
  postRestoration: number;
  until: number | null;
  firstCall: number;
}

/**
 * P(no complaint from one customer in minutes (from, to] after the loss): calls are a Poisson
 * process with intensity m·g (g tabulated per minute); a first call before `zoneMin` is a report
 * after which every call (at `followUp` × the intensity) is a complaint, a first call from
 * `zoneMin` on is a complaint. `called`: the customer has called already.
 */
export function noComplaintProbability(g: Float64Array, m: number, from: number, to: number, zoneMin: number, called: boolean, followUp: number): number {
  if (to <= from) return 1;
  const L = (a: number, b: number) => m * (g[b]! - g[a]!);
  if (called) return Math.exp(-followUp * L(from, to));
  let p = Math.exp(-L(from, to));
  // A first call within minute s, taken at its middle: no call before it, no follow-up after it.
  for (let s = from; s < Math.min(zoneMin, to); s++) {
    const step = m * (g[s + 1]! - g[s]!);
    p += step * Math.exp(-L(from, s) - step / 2 - followUp * (L(s + 1, to) + step / 2));
  }
  return Math.min(1, p);
}

/** Cumulative intensity per unit multiplier (hours), per minute after a loss at `since`. */
export function hazardTable(b: BehaviourParams, since: number, minutes: number, utcOffsetMs: number): Float64Array {
  const g = new Float64Array(minutes + 1);
  for (let k = 1; k <= minutes; k++) {
    const mid = (k - 0.5) * MIN;
    const hour = Math.floor((((since + mid + utcOffsetMs) / H) % 24 + 24) % 24);
    g[k] = g[k - 1]! + (outageShape(b.outage, mid) * b.hour[hour]!) / 60;
  }
  return g;
}

/** The oracle's probability curve for every held-out outage of a recorded run. */
export function oracleCurves(rec: RecordedRun, index: NetworkIndex, b: BehaviourParams, o: BoundOptions = {}): AlertCurve[] {
  const horizon = o.horizon ?? 'hour';
  const stepMin = o.stepMin ?? 1;
  const draws = o.durationDraws ?? 15;
  const outages = historyOutages(rec.outages, index).sort((x, y) => x.startedAt - y.startedAt);
  const complaints = complaintsByCustomer(rec.contacts);
  // Calls about an outage that were reports, not complaints: after one, every call complains.
  const reports = new Map<string, number[]>();
  for (const c of rec.contacts) {
    if (c.category !== 'outage' || isOutageComplaint(c)) continue;
    let l = reports.get(c.customer);
    if (!l) reports.set(c.customer, (l = []));
    l.push(c.at);
  }
  // Past durations per kind (minutes, sorted), as a utility would know them.
  const durations = new Map<string, number[]>();
  for (const d of outages) {
    if (d.startedAt >= rec.testStartMs || d.restoredAt === null || d.restoredAt - d.startedAt < SUSTAINED_MS) continue;
    let l = durations.get(d.kind);
    if (!l) durations.set(d.kind, (l = []));
    l.push(Math.round((d.restoredAt - d.startedAt) / MIN));
  }
  const everyDuration = [...durations.values()].flat();
  for (const l of [...durations.values(), everyDuration]) l.sort((x, y) => x - y);

  const past = new Map<string, number[]>();
  const curves: AlertCurve[] = [];
  for (const d of outages) {
    const sustained = d.restoredAt === null || d.restoredAt - d.startedAt >= SUSTAINED_MS;
    const end = d.restoredAt ?? rec.endMs;
    if (sustained && d.startedAt >= rec.testStartMs && d.customers.length) {
      let first: number | null = null;
      for (const c of d.customers) for (const at of complaints.get(c) ?? []) if (at >= d.startedAt && at <= end + H && (first === null || at < first)) first = at;
      const people: OracleCustomer[] = [];
      d.customers.forEach((id, i) => {
        const c = index.customer.get(id);
        if (!c) return;
        const repeatN = (past.get(id) ?? []).filter((t) => t >= d.startedAt - b.repeat.windowDays * DAY).length;
        people.push({
          m: outageContactRate(b, c, repeatN, d.kind === 'customer-side'),
          zoneMin: Math.round(complaintAfterMs(b, repeatN) / MIN),
          noticed: d.kind === 'planned' ? b.notice.plannedReach : 0,
          postRestoration: postRestorationChance(b, c, repeatN + 1),
          until: d.until?.[i] ?? null,
          firstCall: Math.min(...(reports.get(id) ?? []).filter((t) => t >= d.startedAt && t <= end), Infinity),
        });
      });
      const known = durations.get(d.kind)?.length ? durations.get(d.kind)! : everyDuration;
      const maxMin = Math.ceil((end - d.startedAt) / MIN) + Math.max(0, ...known) + 2 * 60;
      const g = hazardTable(b, d.startedAt, maxMin, rec.utcOffsetMs);
      const curve: AlertCurve = { id: d.id, kind: d.kind, customers: d.customers.length, startedAt: d.startedAt, firstComplaint: first, instants: [], probability: [] };
      for (let t = d.detectedAt; t < end && (first === null || t < first); t += stepMin * MIN) {
        const now = Math.floor((t - d.startedAt) / MIN);
        const longer = known.filter((x) => x > now);
        const n = Math.min(draws, longer.length);
        const ends = n ? Array.from({ length: n }, (_, j) => longer[Math.floor(((j + 0.5) / n) * longer.length)]!) : [now + 60];
        // Customers alike in everything the oracle uses share one factor.
        const alike = new Map<string, { p: OracleCustomer; called: boolean; n: number }>();
        for (const p of people) {
          if (p.until !== null && p.until <= t) continue;
          const called = p.firstCall <= t;
          const key = `${p.m}|${p.zoneMin}|${p.noticed}|${p.postRestoration}|${called}`;
          const a = alike.get(key);
          if (a) a.n++;
          else alike.set(key, { p, called, n: 1 });
        }
        let sum = 0;
        for (const D of ends) {
          const to = Math.min(horizon === 'hour' ? now + 60 : D, D, maxMin);
          const window = horizon === 'hour' ? now + 60 : D + 60;
          const f = b.outage.followUpFactor;
          let logNone = 0;
          for (const { p, called, n } of alike.values()) {
            let none = noComplaintProbability(g, p.m, now, to, p.zoneMin, called, f);
            if (p.noticed) none = p.noticed * noComplaintProbability(g, p.m * b.notice.withEtr, now, to, p.zoneMin, called, f) + (1 - p.noticed) * none;
            if (p.postRestoration && window > D) none *= 1 - p.postRestoration * (1 - Math.exp(-((window - D) * MIN) / (b.postRestoration.meanDelayS * 1000)));
            logNone += n * Math.log(Math.max(none, 1e-300));
          }
          sum += 1 - Math.exp(logNone);
        }
        curve.instants.push(t);
        curve.probability.push(sum / ends.length);
      }
      // Once a complaint came in while the outage is open, the outage is known to bring one.
      if (first !== null && first < end) {
        curve.instants.push(first);
        curve.probability.push(1);
      }
      curves.push(curve);
    }
    if (sustained) {
      for (const c of d.customers) {
        let l = past.get(c);
        if (!l) past.set(c, (l = []));
        l.push(d.startedAt);
      }
    }
  }
  return curves;
}

/**
 * Alert figures of the curves at a threshold, as training and the evaluation define them
 * (`alertFigures`), with the median lead of the alerts that came before the first complaint.
 */
export function boundPoint(curves: readonly AlertCurve[], threshold: number): BoundPoint {
  const leads: number[] = [];
  for (const c of curves) {
    const k = c.probability.findIndex((p) => p >= threshold);
    if (k >= 0 && c.firstComplaint !== null && c.instants[k]! < c.firstComplaint) leads.push((c.firstComplaint - c.instants[k]!) / MIN);
  }
  return { threshold, ...alertFigures(curves, threshold), leadMedianMin: leads.length ? q(leads, 0.5) : null };
}

/** The figures at thresholds 0.0025, 0.005, … 1. */
export const sweepThresholds = (curves: readonly AlertCurve[]): BoundPoint[] => Array.from({ length: 400 }, (_, k) => boundPoint(curves, (k + 1) / 400));

/** The most precise point that keeps `targetRecall`, or null. */
export const bestAtRecall = (sweep: readonly BoundPoint[], targetRecall: number): BoundPoint | null =>
  sweep.filter((p) => p.recall >= targetRecall).reduce<BoundPoint | null>((a, p) => (a === null || p.precision > a.precision ? p : a), null);

export function complaintBound(rec: RecordedRun, index: NetworkIndex, b: BehaviourParams, o: BoundOptions & { targetRecall?: number } = {}): ComplaintBound {
  const curves = oracleCurves(rec, index, b, o);
  const sweep = sweepThresholds(curves);
  const positives = curves.filter((c) => c.firstComplaint !== null).length;
  // Without a single complaint there is nothing to warn about, and no ceiling to speak of.
  const best = positives === 0 ? null : bestAtRecall(sweep, o.targetRecall ?? 0.9);
  return { horizon: o.horizon ?? 'hour', outages: curves.length, positives, best, sweep };
}

export const BOUND_HELP = `  pnpm eval complaints-bound <rec.json> [--behaviour <file.json>] [--network greensboro]
                       [--model] [--json]
                    the ceiling of any early-warning model on a recorded run: an oracle that
                    knows the simulated customers' behaviour (default, or the run's --behaviour
                    file) but not the future; its best precision at recall ≥ 90%, scoring the
                    next hour (as GridWatch's model does) and the rest of the outage. --model
                    also retrains GridWatch's model on the record (as complaints-replay does)
                    and gives its best precision at recall ≥ 90% on the same footing`;

export function boundSummary(bounds: readonly Omit<ComplaintBound, 'sweep'>[]): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return bounds
    .map((r) => {
      const what = r.horizon === 'hour' ? 'a complaint within the next hour' : 'a complaint before the outage is over';
      const best = r.positives === 0 ? 'no outage brought a complaint' : r.best ? `precision ${pct(r.best.precision)} at recall ${pct(r.best.recall)} (threshold ${r.best.threshold}, lead median ${r.best.leadMedianMin?.toFixed(1) ?? 'n/a'} min)` : 'recall 90% not reached at any threshold';
      return `precision ceiling     ${best} · oracle scoring ${what}, ${r.outages} outages, ${r.positives} with complaints`;
    })
    .join('\n');
}

export function boundMain(args: string[]): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { network: { type: 'string', default: 'greensboro' }, behaviour: { type: 'string' }, model: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
  if (positionals.length !== 1) throw new Error('complaints-bound needs one recorded run (from pnpm eval complaints --record <file.json>)');
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const rec = JSON.parse(readFileSync(path.resolve(cwd, positionals[0]!), 'utf8')) as RecordedRun;
  const index = indexNetwork(loadNetworkFile(values.network!, cwd));
  const b = resolveBehaviour(values.behaviour ? loadBehaviourFile(path.resolve(cwd, values.behaviour)) : {});
  const bounds = (['hour', 'outage'] as const).map((horizon) => complaintBound(rec, index, b, { horizon }));
  console.log(boundSummary(bounds));
  let model: { best: BoundPoint | null; operating: BoundPoint } | null = null;
  if (values.model) {
    const r = replay(rec, index);
    model = { best: bestAtRecall(sweepThresholds(r.curves), 0.9), operating: boundPoint(r.curves, r.model.threshold) };
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const best = model.best ? `precision ${pct(model.best.precision)} at recall ${pct(model.best.recall)} (threshold ${model.best.threshold})` : 'recall 90% not reached at any threshold';
    console.log(`model, same record    ${best} · at its own threshold ${r.model.threshold}: recall ${pct(model.operating.recall)}, precision ${pct(model.operating.precision)} (retrained as complaints-replay does)`);
  }
  if (values.json) console.log(JSON.stringify({ ceiling: bounds.map(({ sweep, ...r }) => r), ...(model ? { model } : {}) }));
  return 0;
}
