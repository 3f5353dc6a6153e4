// Learning the complaint-risk model from history - the outages GridWatch found, the contacts that
// came in and the notices it sent, as a utility has them in its database. Pure: the server reads
// the rows from PostgreSQL, the evaluation harness collects them from its run; both call
// `trainRiskModel`. The last quarter of the outages (by time) is held out to pick the alert
// threshold and to report honest figures; the published model is then refitted on everything.
import type { Customer, NetworkIndex, OutageDto } from '@gridwatch/shared';
import { CustomerHistory, durationQuantiles, FEATURE_COUNT, FEATURES, insertSorted, isOutageComplaint, outageCustomers, outageFeatures, riskKindOf, type ContactRecord, type DurationTable, type RiskKind, type RiskOutage } from './features.ts';
import { fitLogistic, logit, rocAuc, sigmoid } from './logistic.ts';
import { PRIOR_MODEL, type RiskModel } from './model.ts';

const MIN = 60_000;
const H = 60 * MIN;
/** Shorter interruptions are momentary (IEEE 1366) and not modelled. */
export const SUSTAINED_MS = 5 * MIN;
/** Contacts up to this long after restoration still belong to the outage. */
export const AFTERMATH_MS = H;
/** Instants after detection at which the model is evaluated in training, minutes. */
const OFFSETS_MIN = [0, 1, 2, 4, 6, 8, 10, 13, 16, 20, 25, 30, 40, 50, 60, 75, 90, 120, 150, 180, 240, 300, 360, 480, 600, 720, 960, 1440];

export interface HistoryOutage {
  id: string;
  startedAt: number;
  detectedAt: number;
  restoredAt: number | null;
  kind: RiskKind;
  customers: string[];
  /**
   * When each customer (same order) got power back, when a partial restoration brought it
   * earlier than the outage's end; missing or null entries: at `restoredAt`.
   */
  until?: (number | null)[];
}

/**
 * Root outages as the model learns from them, from the outages GridWatch stored (nested ones
 * included): each customer dark until its part came back - a nested outage's end for what a
 * partial restoration left dark, the first restoration step for the station areas restored
 * before the end. Momentary interruptions are left out.
 */
export function historyOutages(dtos: readonly OutageDto[], index: NetworkIndex): HistoryOutage[] {
  const children = new Map<string, OutageDto[]>();
  for (const d of dtos) {
    if (d.parentId === null || d.level === 'meter') continue;
    let list = children.get(d.parentId);
    if (!list) children.set(d.parentId, (list = []));
    list.push(d);
  }
  const out: HistoryOutage[] = [];
  for (const d of dtos) {
    if (d.parentId !== null || d.status === 'momentary') continue;
    const kind = riskKindOf(d, index);
    if (d.level === 'meter') {
      out.push({ id: d.id, startedAt: d.startedAt, detectedAt: d.detectedAt, restoredAt: d.restoredAt, kind, customers: outageCustomers(d, index).map((c) => c.id) });
      continue;
    }
    const areaUntil = new Map<string, number | null>();
    for (const child of children.get(d.id) ?? []) for (const t of child.transformers) areaUntil.set(t, child.restoredAt);
    const firstStep = d.steps.length ? Math.min(...d.steps.map((x) => x.at)) : null;
    const restored = new Set(d.restored);
    const customers: string[] = [];
    const until: (number | null)[] = [];
    for (const t of d.transformers) {
      const at = areaUntil.has(t) ? areaUntil.get(t)! : restored.has(t) && firstStep !== null ? firstStep : d.restoredAt;
      for (const c of index.customersOf.get(t) ?? []) {
        customers.push(c.id);
        until.push(at);
      }
    }
    out.push({ id: d.id, startedAt: d.startedAt, detectedAt: d.detectedAt, restoredAt: d.restoredAt, kind, customers, until });
  }
  return out;
}

export type HistoryContact = ContactRecord;

export interface HistoryNotice {
  id: string;
  at: number;
  etr: number | null;
  customers: string[];
}

export interface TrainingData {
  outages: HistoryOutage[];
  contacts: HistoryContact[];
  notices: HistoryNotice[];
}

export interface TrainOptions {
  index: NetworkIndex;
  /** Training time; open outages are used only up to an hour before it. */
  now: number;
  utcOffsetMs: number;
  version: string;
  /** Recall the alert threshold must keep on the held-out outages. */
  targetRecall?: number;
  /** Fewer labelled outages than this and the prior stays (metrics still reported). */
  minOutages?: number;
  l2?: number;
}

export interface TrainResult {
  model: RiskModel;
  /** Why the prior was kept, if it was. */
  keptPrior: string | null;
  heldOut: { outages: number; positives: number; auc: number | null; recall: number | null; precision: number | null };
}

/** A history with everything known, for features (they only ever look before their instant). */
export function historyOf(data: TrainingData): CustomerHistory {
  const h = new CustomerHistory(Infinity);
  for (const o of data.outages) if (isSustained(o)) h.addOutage(o.id, o.customers, o.startedAt);
  for (const c of data.contacts) h.addContact(c);
  for (const n of data.notices) h.addNotice(n.id, n.customers, n.at, n.etr);
  return h;
}

const isSustained = (o: HistoryOutage) => o.restoredAt === null || o.restoredAt - o.startedAt >= SUSTAINED_MS;

interface OutageSamples {
  outage: HistoryOutage;
  /** First row of the outage. */
  first: number;
  instants: number[];
  /** Per instant: its first row and how many customers were still dark. */
  rows: { first: number; count: number }[];
  /** First outage complaint of its customers, or null. */
  firstComplaint: number | null;
}

/** Rows (customer × instant) for every usable outage, with the complaint-within-an-hour label. */
/** Each customer's outage complaints (投诉), in time order. */
export function complaintsByCustomer(contacts: readonly ContactRecord[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const c of contacts) {
    if (!isOutageComplaint(c)) continue;
    let list = out.get(c.customer);
    if (!list) out.set(c.customer, (list = []));
    list.push(c.at);
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}

export function buildSamples(data: TrainingData, o: TrainOptions, history = historyOf(data)) {
  const complaintsOf = complaintsByCustomer(data.contacts);
  const within = (customer: string, from: number, to: number) => {
    const list = complaintsOf.get(customer);
    if (!list) return null;
    for (const at of list) if (at > from && at <= to) return at;
    return null;
  };

  const groups: OutageSamples[] = [];
  const xs: Float64Array[] = [];
  const ys: number[] = [];
  let rows = 0;
  // The estimated duration of each outage comes from the outages that had ended by its detection.
  const ended = data.outages.filter((x) => isSustained(x) && x.restoredAt !== null && x.restoredAt <= o.now).sort((a, b) => a.restoredAt! - b.restoredAt!);
  const durationsMin: Partial<Record<RiskKind, number[]>> = {};
  const durations: DurationTable = {};
  let nextEnded = 0;
  /** Learns the durations of the outages that ended by `t`. */
  const endedBy = (t: number) => {
    for (; nextEnded < ended.length && ended[nextEnded]!.restoredAt! <= t; nextEnded++) {
      const e = ended[nextEnded]!;
      const list = (durationsMin[e.kind] ??= []);
      insertSorted(list, (e.restoredAt! - e.startedAt) / MIN);
      durations[e.kind] = { outages: list.length, sortedMin: list };
    }
  };
  const ctx = { history, utcOffsetMs: o.utcOffsetMs, durations };
  for (const outage of [...data.outages].sort((a, b) => a.startedAt - b.startedAt)) {
    endedBy(outage.detectedAt);
    if (!isSustained(outage) || outage.customers.length === 0) continue;
    const end = outage.restoredAt ?? o.now - H;
    const known = outage.customers.map((id, i) => ({ c: o.index.customer.get(id), until: outage.until?.[i] ?? null })).filter((x): x is { c: Customer; until: number | null } => x.c !== undefined);
    if (known.length === 0) continue;
    const instants = OFFSETS_MIN.map((m) => outage.detectedAt + m * MIN).filter((t) => t < end && t + H <= o.now);
    if (instants.length === 0) continue;
    let firstComplaint: number | null = null;
    for (const { c } of known) {
      const at = within(c.id, outage.startedAt, end + AFTERMATH_MS);
      if (at !== null && (firstComplaint === null || at < firstComplaint)) firstComplaint = at;
    }
    const group: OutageSamples = { outage, first: rows, instants: [], rows: [], firstComplaint };
    for (const t of instants) {
      // Only customers still without power at t: those a partial restoration brought back are live.
      const dark = known.filter((k) => (k.until ?? end) > t).map((k) => k.c);
      if (dark.length === 0) continue;
      const ro: RiskOutage = { id: outage.id, startedAt: outage.startedAt, kind: outage.kind, customers: dark };
      xs.push(outageFeatures(ro, t, ctx));
      for (const c of dark) ys.push(within(c.id, t, t + H) !== null ? 1 : 0);
      group.instants.push(t);
      group.rows.push({ first: rows, count: dark.length });
      rows += dark.length;
    }
    if (group.instants.length) groups.push(group);
  }
  const x = new Float64Array(rows * FEATURE_COUNT);
  let at = 0;
  for (const chunk of xs) {
    x.set(chunk, at);
    at += chunk.length;
  }
  // The model keeps them all.
  endedBy(Infinity);
  return { x, y: Uint8Array.from(ys), groups, durations: durationQuantiles(durationsMin) };
}

/** Fits, picks the alert threshold on held-out outages and refits on all of them. */
export function trainRiskModel(data: TrainingData, o: TrainOptions): TrainResult {
  const d = FEATURE_COUNT;
  const { x, y, groups, durations } = buildSamples(data, o);
  const positivesTotal = y.reduce((a, b) => a + b, 0);
  const cut = Math.floor(groups.length * 0.75);
  const splitRow = groups[cut]?.first ?? y.length;
  const heldOutGroups = groups.slice(cut);
  const minOutages = o.minOutages ?? 30;
  const noData = (why: string): TrainResult => ({
    model: { ...PRIOR_MODEL, metrics: { ...PRIOR_MODEL.metrics, samples: y.length, positives: positivesTotal, outages: groups.length } },
    keptPrior: why,
    heldOut: { outages: heldOutGroups.length, positives: heldOutGroups.filter((g) => g.firstComplaint !== null).length, auc: null, recall: null, precision: null },
  });
  if (groups.length < minOutages) return noData(`only ${groups.length} outages with a full hour of history (need ${minOutages})`);
  const trainY = y.subarray(0, splitRow);
  if (trainY.every((v) => v === 0) || trainY.every((v) => v === 1)) return noData('the training outages have no complaints (or only complaints)');

  // Each weight is pulled towards the prior's (a Gaussian prior on the log-odds ratios): with
  // little history the model stays near the prior, with more the data decides.
  const fit = { l2: o.l2 ?? 1, priorMean: PRIOR_MODEL.coef.slice(1) };
  const first = fitLogistic(x.subarray(0, splitRow * d), trainY, d, fit);
  // Held-out figures: row AUC, and per outage the first instant it would have alerted.
  const scores = new Float64Array(y.length - splitRow);
  for (let i = splitRow; i < y.length; i++) scores[i - splitRow] = sigmoid(logit(first, x.subarray(i * d, (i + 1) * d)));
  const heldY = y.subarray(splitRow);
  const auc = rocAuc(scores, heldY);
  const curves = heldOutGroups.map((g) => outageCurve(g, (row) => scores[row - splitRow]!));
  const heldOutFigures = pickThreshold(curves, o.targetRecall ?? 0.9);

  const all = fitLogistic(x, y, d, fit);
  // The operating threshold is picked on all the outages with the final model (a few dozen
  // weights on hundreds of thousands of rows hardly overfit, and the held-out quarter alone is
  // too few outages to place it steadily); the held-out figures above stay the honest ones.
  const allScores = (row: number) => sigmoid(logit(all, x.subarray(row * d, (row + 1) * d)));
  const { threshold } = pickThreshold(groups.map((g) => outageCurve(g, allScores)), o.targetRecall ?? 0.9);
  const heldOutAt = alertFigures(curves, threshold);
  const recall = heldOutFigures.recall === null ? null : round(heldOutAt.recall, 4);
  const precision = heldOutFigures.precision === null ? null : round(heldOutAt.precision, 4);
  return {
    model: {
      version: o.version,
      trainedAt: o.now,
      kind: 'trained',
      features: FEATURES.map((f) => f.name),
      coef: all.coef.map((v) => round(v, 5)),
      mean: all.mean.map((v) => round(v, 6)),
      std: all.std.map((v) => round(v, 6)),
      threshold,
      durations,
      metrics: { samples: y.length, positives: positivesTotal, outages: groups.length, auc: Number.isNaN(auc) ? null : round(auc, 4), recall, precision },
    },
    keptPrior: null,
    heldOut: { outages: heldOutGroups.length, positives: curves.filter((c) => c.firstComplaint !== null).length, auc: Number.isNaN(auc) ? null : round(auc, 4), recall, precision },
  };
}

/** An outage's probability of a complaint within the hour at each of its sampled instants. */
export interface OutageCurve {
  instants: number[];
  probability: number[];
  firstComplaint: number | null;
}

function outageCurve(g: OutageSamples, score: (row: number) => number): OutageCurve {
  const probability = g.rows.map(({ first, count }) => {
    let logNone = 0;
    for (let i = 0; i < count; i++) logNone += Math.log1p(-Math.min(score(first + i), 1 - 1e-12));
    return 1 - Math.exp(logNone);
  });
  return { instants: g.instants, probability, firstComplaint: g.firstComplaint };
}

/**
 * Outage-level recall (alert before the first complaint) and precision (an alerted outage did
 * bring a complaint) at a threshold.
 */
export function alertFigures(curves: readonly OutageCurve[], threshold: number): { recall: number; precision: number; alerted: number } {
  let alerted = 0;
  let truePos = 0;
  let warned = 0;
  let positives = 0;
  for (const c of curves) {
    const k = c.probability.findIndex((p) => p >= threshold);
    const alertAt = k < 0 ? null : c.instants[k]!;
    if (c.firstComplaint !== null) positives++;
    if (alertAt === null) continue;
    alerted++;
    if (c.firstComplaint !== null) {
      truePos++;
      if (alertAt < c.firstComplaint) warned++;
    }
  }
  return { recall: positives ? warned / positives : 1, precision: alerted ? truePos / alerted : 1, alerted };
}

/**
 * The operating threshold: the most precise one that keeps `targetRecall` with precision ≥
 * `targetPrecision`; when no threshold reaches both, the one that falls least short of them
 * (the highest min(recall / target, precision / target)).
 */
export function pickThreshold(curves: readonly OutageCurve[], targetRecall: number, targetPrecision = 0.7): { threshold: number; recall: number | null; precision: number | null } {
  if (curves.length === 0 || curves.every((c) => c.firstComplaint === null)) return { threshold: PRIOR_MODEL.threshold, recall: null, precision: null };
  type Pick = { threshold: number; recall: number; precision: number };
  const all: Pick[] = [];
  for (let k = 4; k <= 190; k++) all.push({ threshold: k / 200, ...alertFigures(curves, k / 200) });
  const best = (list: Pick[], score: (p: Pick) => number) => list.reduce((a, b) => (score(b) > score(a) ? b : a));
  const both = all.filter((p) => p.recall >= targetRecall && p.precision >= targetPrecision);
  const pick = both.length ? best(both, (p) => p.precision) : best(all, (p) => Math.min(p.recall / targetRecall, p.precision / targetPrecision));
  return { threshold: pick.threshold, recall: round(pick.recall, 4), precision: round(pick.precision, 4) };
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
