// L2-regularised logistic regression fitted by Newton's method (IRLS) on standardised features.
// About 80 lines with no dependency: the model officers must be able to inspect is a handful of
// weights, and no well-kept JavaScript library offers a regularised, weighted logistic
// regression (the npm options are unmaintained). Newton converges in ~10 iterations for the few
// dozen features used here; each iteration is one pass over the rows plus a d×d solve.

export interface LogisticFit {
  /** Bias first, then one weight per feature, in standardised units. */
  coef: number[];
  mean: number[];
  std: number[];
  iterations: number;
  converged: boolean;
}

export interface FitOptions {
  /**
   * Ridge penalty (not on the bias). On raw weights by default - a Gaussian prior on each log-odds
   * ratio, so a rare yes/no feature needs real evidence before it gets a large weight - or on the
   * standardised ones.
   */
  l2?: number;
  penalty?: 'raw' | 'standardised';
  /** Raw weights the penalty pulls towards (default 0): a prior model to update from. */
  priorMean?: readonly number[];
  maxIterations?: number;
  tolerance?: number;
}

/**
 * `x` holds n rows of d features (row-major); `y` the 0/1 labels. Identical rows are merged into
 * one binomial row first (the features are mostly indicators and small counts, so a few thousand
 * distinct rows usually stand for hundreds of thousands).
 */
export function fitLogistic(x: Float64Array, y: Uint8Array, d: number, o: FitOptions = {}): LogisticFit {
  const n = y.length;
  if (x.length !== n * d) throw new Error(`fitLogistic: ${x.length} values for ${n} rows of ${d} features`);
  const g = aggregate(x, y, d);
  return fitBinomial(g.x, g.pos, g.tot, d, o);
}

/** Merges identical rows: distinct rows, their positives and their totals. */
export function aggregate(x: Float64Array, y: Uint8Array, d: number): { x: Float64Array; pos: Float64Array; tot: Float64Array } {
  const at = new Map<string, number>();
  const rows: number[] = [];
  const pos: number[] = [];
  const tot: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const key = x.subarray(i * d, (i + 1) * d).join(',');
    let k = at.get(key);
    if (k === undefined) {
      at.set(key, (k = rows.length));
      rows.push(i);
      pos.push(0);
      tot.push(0);
    }
    pos[k]! += y[i]!;
    tot[k]!++;
  }
  const out = new Float64Array(rows.length * d);
  rows.forEach((i, k) => out.set(x.subarray(i * d, (i + 1) * d), k * d));
  return { x: out, pos: Float64Array.from(pos), tot: Float64Array.from(tot) };
}

/** Binomial rows: `pos[i]` of `tot[i]` trials with features row i. */
export function fitBinomial(x: Float64Array, pos: Float64Array, tot: Float64Array, d: number, o: FitOptions = {}): LogisticFit {
  const m = tot.length;
  const l2 = o.l2 ?? 1;
  const n = tot.reduce((a, b) => a + b, 0);
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) mean[j]! += (tot[i]! * x[i * d + j]!) / Math.max(1, n);
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) std[j]! += (tot[i]! * (x[i * d + j]! - mean[j]!) ** 2) / Math.max(1, n);
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) || 1;

  const k = d + 1;
  // In standardised units: raw weight w = β/σ, so a raw penalty λw² is (λ/σ²)β², and a raw prior
  // mean μ is βσ = μσ.
  const lambda = new Float64Array(k);
  const target = new Float64Array(k);
  for (let j = 0; j < d; j++) {
    lambda[j + 1] = (o.penalty ?? 'raw') === 'raw' ? l2 / std[j]! ** 2 : l2;
    target[j + 1] = (o.priorMean?.[j] ?? 0) * std[j]!;
  }
  let beta: Float64Array = new Float64Array(k);
  for (let a = 1; a < k; a++) beta[a] = target[a]!;
  const positives = pos.reduce((a, b) => a + b, 0);
  beta[0] = Math.log((positives + 0.5) / (n - positives + 0.5));
  const z = new Float64Array(k);
  const zs = new Float64Array(m * k);
  for (let i = 0; i < m; i++) {
    zs[i * k] = 1;
    for (let j = 0; j < d; j++) zs[i * k + j + 1] = (x[i * d + j]! - mean[j]!) / std[j]!;
  }
  let iterations = 0;
  let converged = false;
  let previous = -Infinity;
  let previousBeta: Float64Array = beta.slice();
  let step: Float64Array = new Float64Array(k);
  let halvings = 0;
  while (iterations < (o.maxIterations ?? 50) && !converged) {
    iterations++;
    const grad = new Float64Array(k);
    const hess = new Float64Array(k * k);
    let objective = 0;
    for (let i = 0; i < m; i++) {
      let eta = 0;
      for (let j = 0; j < k; j++) eta += beta[j]! * (z[j] = zs[i * k + j]!);
      const p = sigmoid(eta);
      // Penalised log-likelihood, computed stably.
      objective += pos[i]! * eta - tot[i]! * (eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta)));
      const w = tot[i]! * Math.max(p * (1 - p), 1e-10);
      const r = pos[i]! - tot[i]! * p;
      for (let a = 0; a < k; a++) {
        grad[a]! += r * z[a]!;
        const wa = w * z[a]!;
        for (let b = a; b < k; b++) hess[a * k + b]! += wa * z[b]!;
      }
    }
    for (let a = 1; a < k; a++) objective -= (lambda[a]! * (beta[a]! - target[a]!) ** 2) / 2;
    // Newton overshot: go back half way (step halving) instead of diverging.
    if (objective < previous - 1e-9 && halvings < 30) {
      halvings++;
      step = step.map((v) => v / 2);
      beta = previousBeta.map((v, a) => v + step[a]!);
      continue;
    }
    halvings = 0;
    previous = objective;
    previousBeta = beta.slice();
    for (let a = 1; a < k; a++) {
      grad[a]! -= lambda[a]! * (beta[a]! - target[a]!);
      hess[a * k + a]! += lambda[a]!;
    }
    for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) hess[a * k + b] = hess[b * k + a]!;
    step = solve(hess, grad, k);
    let change = 0;
    for (let a = 0; a < k; a++) {
      beta[a]! += step[a]!;
      change = Math.max(change, Math.abs(step[a]!));
    }
    converged = change < (o.tolerance ?? 1e-6);
  }
  return { coef: Array.from(beta), mean, std, iterations, converged };
}

export const sigmoid = (t: number) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

/** Log-odds of one row of raw (unstandardised) features. */
export function logit(fit: Pick<LogisticFit, 'coef' | 'mean' | 'std'>, row: ArrayLike<number>): number {
  let eta = fit.coef[0]!;
  for (let j = 0; j < fit.mean.length; j++) eta += (fit.coef[j + 1]! * (row[j]! - fit.mean[j]!)) / fit.std[j]!;
  return eta;
}

/** Solves the symmetric positive-definite system A x = b (Cholesky; A is k×k row-major). */
function solve(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j]!;
      for (let m = 0; m < j; m++) s -= l[i * k + m]! * l[j * k + m]!;
      l[i * k + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j * k + j]!;
    }
  }
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let m = 0; m < i; m++) s -= l[i * k + m]! * y[m]!;
    y[i] = s / l[i * k + i]!;
  }
  const out = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let m = i + 1; m < k; m++) s -= l[m * k + i]! * out[m]!;
    out[i] = s / l[i * k + i]!;
  }
  return out;
}

/** Area under the ROC curve (Mann–Whitney, ties counted half). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && scores[idx[j]!] === scores[idx[i]!]) j++;
    const avgRank = (i + j + 1) / 2;
    for (let m = i; m < j; m++) if (labels[idx[m]!]) (rankSum += avgRank), pos++;
    i = j;
  }
  neg = idx.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** ROC curve points (false positive rate, true positive rate), at most `points` of them. */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>, points = 100): [number, number][] {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const pos = Array.from(labels as ArrayLike<number>).filter(Boolean).length;
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return [[0, 0], [1, 1]];
  const out: [number, number][] = [[0, 0]];
  let tp = 0;
  let fp = 0;
  const every = Math.max(1, Math.floor(idx.length / points));
  idx.forEach((i, n) => {
    if (labels[i]) tp++;
    else fp++;
    if (n % every === 0 || n === idx.length - 1) out.push([round3(fp / neg), round3(tp / pos)]);
  });
  return out;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
