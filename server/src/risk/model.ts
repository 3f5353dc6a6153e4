// The complaint-risk model: a per-customer logistic regression on the features in features.ts.
// For an open outage it gives each customer's probability of contacting the utility about it
// within the next hour; the outage's probability of at least one complaint is 1 − Π(1 − pᵢ), the
// expected number Σ pᵢ, and the reasons are the features that push its at-risk customers' log-odds
// up the most against a typical customer. Before there is history the prior below is used.
import type { AtRiskCustomer, OutageRisk, RiskModelSummary, RiskReason } from '@gridwatch/shared';
import { describeValue, FEATURE_COUNT, FEATURES, outageFeatures, type DurationTable, type FeatureContext, type RiskOutage } from './features.ts';
import { logit, sigmoid } from './logistic.ts';

export interface RiskModel {
  version: string;
  trainedAt: number;
  kind: 'prior' | 'trained';
  /** Feature names, in the order of `coef` (after the bias). */
  features: string[];
  /** Bias then one standardised weight per feature. */
  coef: number[];
  mean: number[];
  std: number[];
  /** Alert when the probability of a complaint within the hour reaches this. */
  threshold: number;
  /** Past outage durations per kind, for the estimated duration; null: typical ones (the prior). */
  durations: DurationTable | null;
  metrics: {
    samples: number;
    positives: number;
    outages: number;
    auc: number | null;
    recall: number | null;
    precision: number | null;
  };
}

/**
 * The prior, in raw units (std 1, mean 0), from the evidence in GRIDWATCH.md: 8–12% of customers
 * report an outage themselves, and complaints (投诉) are the escalations among them - a second
 * call, a long or repeated outage, a restoration time that passed; critical and sensitive
 * customers call more; a notice with a restoration time cuts calls about fourfold (68% → 16%).
 */
export const PRIOR_MODEL: RiskModel = (() => {
  const w: Record<string, number> = {
    // A first call reports the fault; complaints come from customers who called already and
    // still wait, from long outages, repeated outages and broken promises.
    'elapsed.0-15m': -1.2, 'elapsed.15-30m': -0.4, 'elapsed.30-60m': 0, 'elapsed.1-2h': 0.2, 'elapsed.2-4h': 0.8, 'elapsed.4h+': 1,
    // An outage likely to be over within the hour brings fewer calls in it (against a typical
    // outage, still out an hour later three times in four: the centre below).
    'still-out.1h': 1,
    'kind.customer-side': 1.5, 'kind.planned': -1.2,
    'type.commercial': 0.25, 'type.industrial': 0.4, 'type.critical': 1.1, sensitive: 0.7,
    'outages.30d': 0.4, 'outages.90d': 0.2, 'repeat.30d': 0.8, 'repeat.90d': 0.5, 'complaints.365d': 0.5, called: 1.2, complained: 0.3,
    'notice.etr': -1.4, 'notice.no-etr': -0.7, 'notice.etr-passed': 0.8,
    'hour.night': -1.6, 'hour.morning': -0.3, 'hour.late': -0.8, 'hour.evening': 0.1,
  };
  const features = FEATURES.map((f) => f.name);
  return {
    version: 'prior-1',
    trainedAt: 0,
    kind: 'prior',
    features,
    coef: [-4.2, ...features.map((f) => w[f] ?? 0)],
    mean: features.map((f) => (f === 'still-out.1h' ? 0.75 : 0)),
    std: features.map(() => 1),
    // Before there is history, err towards warning: an early notice costs little.
    threshold: 0.25,
    durations: null,
    metrics: { samples: 0, positives: 0, outages: 0, auc: null, recall: null, precision: null },
  };
})();

export function checkModel(m: RiskModel): RiskModel {
  const names = FEATURES.map((f) => f.name);
  if (m.features.length !== names.length || m.features.some((f, i) => f !== names[i])) {
    throw new Error(`risk model ${m.version} was trained on other features (${m.features.length}); retrain it`);
  }
  if (m.coef.length !== names.length + 1 || m.mean.length !== names.length || m.std.length !== names.length) throw new Error(`risk model ${m.version} is malformed`);
  return m;
}

/** Each customer's probability of a complaint within the hour, in `o.customers` order. */
export function customerProbabilities(model: RiskModel, o: RiskOutage, t: number, ctx: FeatureContext, rows?: Float64Array<ArrayBuffer>): Float64Array {
  const x = outageFeatures(o, t, { ...ctx, durations: model.durations }, rows);
  const p = new Float64Array(o.customers.length);
  for (let i = 0; i < p.length; i++) p[i] = sigmoid(logit(model, x.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT)));
  return p;
}

export interface ScoreOptions {
  /** How many at-risk customers to list. */
  top?: number;
  lang?: 'en' | 'zh';
}

export function scoreOutage(model: RiskModel, o: RiskOutage, t: number, ctx: FeatureContext, opts: ScoreOptions = {}): OutageRisk {
  const n = o.customers.length;
  const d = FEATURE_COUNT;
  const x = outageFeatures(o, t, { ...ctx, durations: model.durations });
  const p = new Float64Array(n);
  let logNone = 0;
  let expected = 0;
  let pSum = 0;
  const weighted = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = x.subarray(i * d, (i + 1) * d);
    p[i] = sigmoid(logit(model, row));
    logNone += Math.log1p(-Math.min(p[i]!, 1 - 1e-12));
    expected += p[i]!;
    pSum += p[i]!;
    for (let j = 0; j < d; j++) weighted[j]! += p[i]! * row[j]!;
  }
  const reasons: RiskReason[] = [];
  if (pSum > 0) {
    for (let j = 0; j < d; j++) {
      const mean = weighted[j]! / pSum;
      const weight = (model.coef[j + 1]! * (mean - model.mean[j]!)) / model.std[j]!;
      if (weight > 0.05) reasons.push({ feature: FEATURES[j]!.name, weight: round(weight, 3), value: describeValue(FEATURES[j]!.name, mean, n, opts.lang) });
    }
  }
  reasons.sort((a, b) => b.weight - a.weight);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b]! - p[a]!);
  const atRisk: AtRiskCustomer[] = order.slice(0, opts.top ?? 20).map((i) => {
    const c = o.customers[i]!;
    return { customer: c.id, p: round(p[i]!, 4), type: c.type, sensitive: c.sensitive };
  });
  return {
    outageId: o.id,
    at: t,
    probability: round(1 - Math.exp(logNone), 4),
    expected: round(expected, 3),
    customers: n,
    reasons: reasons.slice(0, 4),
    atRisk,
    modelVersion: model.version,
  };
}

export function summarise(m: RiskModel): RiskModelSummary {
  return {
    version: m.version,
    trainedAt: m.trainedAt,
    kind: m.kind,
    threshold: m.threshold,
    samples: m.metrics.samples,
    outages: m.metrics.outages,
    auc: m.metrics.auc,
    recall: m.metrics.recall,
    precision: m.metrics.precision,
    weights: m.features
      .map((feature, j) => ({ feature, weight: round(m.coef[j + 1]!, 3), oddsRatio: round(Math.exp(m.coef[j + 1]! / m.std[j]!), 3) }))
      .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)),
    durations: Object.entries(m.durations ?? {}).map(([kind, d]) => ({ kind, outages: d.outages, medianMin: d.sortedMin[d.sortedMin.length >> 1]! })),
  };
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
