/**
 * Paired comparison of two models scored on the same labelled rows (champion A vs challenger B):
 * DeLong's test for two correlated ROC AUCs, and a seeded paired bootstrap for any metric.
 * Differences are always B − A.
 */
import { ModelyardError } from '../errors.js';
import { Rng } from '../util/random.js';
import { normalSf } from './special.js';
import { checkClasses, checkFinite, checkLength, checkNonEmpty } from './validate.js';

/** Result of {@link delongTest}. */
export interface DelongResult {
  aucA: number;
  aucB: number;
  /** aucB − aucA. */
  difference: number;
  /** DeLong variance of each AUC and their covariance. */
  varA: number;
  varB: number;
  covariance: number;
  /** Standard error of the difference, √(varA + varB − 2·cov). */
  se: number;
  /** difference / se (0 when both are 0; ±Infinity when only se is 0). */
  z: number;
  /** Two-sided p-value of H₀: aucA = aucB. */
  pValue: number;
  /** One-sided p-value of H₀: aucB ≤ aucA (small when B is better). */
  pValueGreater: number;
}

/**
 * Structural components of one model's AUC by the fast algorithm of Sun & Xu (2014, "Fast
 * implementation of DeLong's algorithm for comparing the areas under correlated receiver operating
 * characteristic curves", IEEE Signal Processing Letters 21(11)): with midranks Tx (positives among
 * positives), Ty (negatives among negatives) and Tz (among all rows), V10ᵢ = (Tzᵢ − Txᵢ)/n and
 * V01ⱼ = 1 − (Tzⱼ − Tyⱼ)/m. The rank differences are counts of the other class below a row, ties
 * counting ½, so one sort of all m + n scores and one pass over its tie groups give every component:
 * V10ᵢ = (negatives below + ½·negatives tied)/n, V01ⱼ = 1 − (positives below + ½·positives tied)/m.
 * AUC = mean(V10). Components are written at each row's position among its class (`slot`).
 */
function components(y: ArrayLike<number>, score: ArrayLike<number>, slot: Int32Array, m: number, n: number, v10: Float64Array, v01: Float64Array): number {
  const N = m + n;
  const s = new Float64Array(N);
  for (let i = 0; i < N; i++) s[i] = score[i];
  const order = new Uint32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  order.sort((i, j) => s[i] - s[j]);
  let posBelow = 0;
  let negBelow = 0;
  let auc = 0;
  for (let g = 0; g < N; ) {
    const v = s[order[g]];
    let end = g;
    let pos = 0;
    while (end < N && s[order[end]] === v) {
      if (y[order[end]] === 1) pos++;
      end++;
    }
    const neg = end - g - pos;
    const pv10 = (negBelow + neg / 2) / n;
    const nv01 = 1 - (posBelow + pos / 2) / m;
    for (let r = g; r < end; r++) {
      const i = order[r];
      if (y[i] === 1) {
        v10[slot[i]] = pv10;
        auc += pv10;
      } else v01[slot[i]] = nv01;
    }
    posBelow += pos;
    negBelow += neg;
    g = end;
  }
  return auc / m;
}

/** Sample covariance (ddof = 1) of two equally long vectors. */
function cov(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i] - ma) * (b[i] - mb);
  return s / (n - 1);
}

/**
 * DeLong's test (DeLong, DeLong & Clarke-Pearson 1988, "Comparing the areas under two or more
 * correlated receiver operating characteristic curves: a nonparametric approach", Biometrics 44)
 * of two ROC AUCs measured on the same rows, with the O(n log n) structural components of Sun &
 * Xu (2014). var(AUC_r) = S10_rr/m + S01_rr/n from the sample covariances of the components over
 * the m positive and n negative rows; z = (aucB − aucA)/√(varA + varB − 2·cov), p-values from the
 * standard normal. The AUCs equal scikit-learn's `roc_auc_score` (ties count ½).
 *
 * @param y 0/1 labels (1 = positive); at least 2 rows of each class.
 * @param scoreA Scores of model A (any real, higher = more positive).
 * @param scoreB Scores of model B on the same rows.
 * @throws ModelyardError TARGET_INVALID with fewer than 2 rows of a class; LENGTH_MISMATCH,
 *   INVALID_VALUE, DATA_EMPTY for bad input.
 * @example
 * ```ts
 * const r = delongTest(y, championScores, challengerScores);
 * if (r.difference > 0 && r.pValueGreater < 0.05) promote();
 * ```
 */
export function delongTest(y: ArrayLike<number>, scoreA: ArrayLike<number>, scoreB: ArrayLike<number>): DelongResult {
  const N = y.length;
  checkNonEmpty(N);
  checkLength('scoreA', scoreA, N);
  checkLength('scoreB', scoreB, N);
  checkClasses('y', y, 2);
  checkFinite('scoreA', scoreA);
  checkFinite('scoreB', scoreB);
  let m = 0;
  for (let i = 0; i < N; i++) if (y[i] === 1) m++;
  const n = N - m;
  if (m < 2 || n < 2) {
    throw new ModelyardError('TARGET_INVALID', `DeLong's test needs at least 2 positive and 2 negative rows, got ${m} positive and ${n} negative`, { field: 'y' });
  }
  // Each row's index among the rows of its own class, so both models' components line up by row.
  const slot = new Int32Array(N);
  let ip = 0;
  let ineg = 0;
  for (let i = 0; i < N; i++) slot[i] = y[i] === 1 ? ip++ : ineg++;
  const a10 = new Float64Array(m);
  const a01 = new Float64Array(n);
  const b10 = new Float64Array(m);
  const b01 = new Float64Array(n);
  const aucA = components(y, scoreA, slot, m, n, a10, a01);
  const aucB = components(y, scoreB, slot, m, n, b10, b01);
  const varA = cov(a10, a10) / m + cov(a01, a01) / n;
  const varB = cov(b10, b10) / m + cov(b01, b01) / n;
  const covariance = cov(a10, b10) / m + cov(a01, b01) / n;
  const difference = aucB - aucA;
  const v = varA + varB - 2 * covariance;
  const se = v > 0 ? Math.sqrt(v) : 0;
  const z = se > 0 ? difference / se : difference === 0 ? 0 : difference > 0 ? Infinity : -Infinity;
  return {
    aucA,
    aucB,
    difference,
    varA,
    varB,
    covariance,
    se,
    z,
    pValue: Math.min(1, 2 * normalSf(Math.abs(z))),
    pValueGreater: normalSf(z),
  };
}

/** Options of {@link pairedBootstrap}. */
export interface PairedBootstrapOptions {
  /** Number of bootstrap resamples (default 1000). */
  resamples?: number;
  /** Seed of the resampling (default 0); the same seed gives the same result. */
  seed?: number;
  /** Confidence level of the interval (default 0.95). */
  confidence?: number;
  /** True (default) when a larger metric is better (AUC, accuracy); false for losses (log loss, RMSE). */
  greaterIsBetter?: boolean;
  /**
   * Resample within each distinct value of y, keeping the class counts (default false). Use it for
   * metrics that need both classes in every resample, such as AUC.
   */
  stratified?: boolean;
}

/** Result of {@link pairedBootstrap}. */
export interface PairedBootstrapResult {
  metricA: number;
  metricB: number;
  /** metricB − metricA on the full data. */
  difference: number;
  /** Percentile bootstrap interval of metricB − metricA at the requested confidence. */
  ci: [number, number];
  /**
   * One-sided bootstrap p-value of H₀ "B is not better than A": (1 + #{δ < 0} + ½·#{δ = 0}) / (R + 1)
   * over the R resampled improvements δ (sign-adjusted by `greaterIsBetter`) — the +1 of Davison &
   * Hinkley (1997, §4.4) so it is never 0, ties counted ½ so identical models give ≈ 0.5.
   */
  pValue: number;
  resamples: number;
}

/**
 * Paired bootstrap comparison of two models on the same rows for any metric (Efron & Tibshirani
 * 1993, ch. 16; the percentile interval of ch. 13): R times, draw n row indices with replacement
 * (seeded {@link Rng}), evaluate the metric of both models on the same resample, and collect the
 * differences metricB − metricA.
 *
 * @param y Targets (class indices or values).
 * @param outA Outputs of model A: n values, or n × k row-major (e.g. probabilities).
 * @param outB Outputs of model B, same shape.
 * @param metric `(y, out) → number`. It is called with buffers reused between resamples, so it must
 *   not keep them.
 * @throws ModelyardError DATA_EMPTY, LENGTH_MISMATCH, PARAM_INVALID; errors of the metric propagate
 *   (e.g. a one-class resample for AUC — use `stratified`).
 * @example
 * ```ts
 * const r = pairedBootstrap(y, pA, pB, (yy, p) => rocAuc(yy, p), { resamples: 2000, seed: 7, stratified: true });
 * r.ci; // e.g. [0.004, 0.031]: B's AUC is higher
 * ```
 */
export function pairedBootstrap(
  y: ArrayLike<number>,
  outA: ArrayLike<number>,
  outB: ArrayLike<number>,
  metric: (y: Float64Array, out: Float64Array) => number,
  options: PairedBootstrapOptions = {},
): PairedBootstrapResult {
  const R = options.resamples ?? 1000;
  const seed = options.seed ?? 0;
  const confidence = options.confidence ?? 0.95;
  const sign = (options.greaterIsBetter ?? true) ? 1 : -1;
  const n = y.length;
  checkNonEmpty(n);
  if (!(Number.isInteger(R) && R >= 1)) throw new ModelyardError('PARAM_INVALID', `resamples must be an integer ≥ 1, got ${String(R)}`, { field: 'resamples' });
  if (!(confidence > 0 && confidence < 1)) throw new ModelyardError('PARAM_INVALID', `confidence must lie in (0, 1), got ${String(confidence)}`, { field: 'confidence' });
  if (!Number.isFinite(seed)) throw new ModelyardError('PARAM_INVALID', `seed must be a finite number, got ${String(seed)}`, { field: 'seed' });
  const k = outA.length / n;
  if (!Number.isInteger(k) || k < 1) {
    throw new ModelyardError('LENGTH_MISMATCH', `outA has ${outA.length} values, not a multiple of the ${n} rows of y`, { field: 'outA' });
  }
  checkLength('outB', outB, n * k);
  checkFinite('y', y);

  const yAll = Float64Array.from(y);
  const metricA = metric(yAll, Float64Array.from(outA));
  const metricB = metric(yAll, Float64Array.from(outB));

  // Strata: rows grouped by target value (one stratum of all rows when not stratified).
  const strata: Int32Array[] = [];
  if (options.stratified) {
    const byValue = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const list = byValue.get(y[i]);
      if (list) list.push(i);
      else byValue.set(y[i], [i]);
    }
    for (const rows of byValue.values()) strata.push(Int32Array.from(rows));
  } else {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    strata.push(all);
  }

  const rng = new Rng(seed);
  const yb = new Float64Array(n);
  const ab = new Float64Array(n * k);
  const bb = new Float64Array(n * k);
  const deltas = new Float64Array(R);
  let below = 0;
  let ties = 0;
  for (let r = 0; r < R; r++) {
    let pos = 0;
    for (const rows of strata) {
      const size = rows.length;
      for (let t = 0; t < size; t++, pos++) {
        const i = rows[rng.int(size)];
        yb[pos] = y[i];
        const src = i * k;
        const dst = pos * k;
        for (let c = 0; c < k; c++) {
          ab[dst + c] = outA[src + c];
          bb[dst + c] = outB[src + c];
        }
      }
    }
    const d = metric(yb, bb) - metric(yb, ab);
    if (!Number.isFinite(d)) {
      throw new ModelyardError('INVALID_VALUE', `the metric gave a non-finite difference (${d}) on bootstrap resample ${r + 1}`, { field: 'metric' });
    }
    deltas[r] = d;
    const improvement = sign * d;
    if (improvement < 0) below++;
    else if (improvement === 0) ties++;
  }
  deltas.sort();
  const alpha = (1 - confidence) / 2;
  return {
    metricA,
    metricB,
    difference: metricB - metricA,
    ci: [quantileSorted(deltas, alpha), quantileSorted(deltas, 1 - alpha)],
    pValue: (1 + below + 0.5 * ties) / (R + 1),
    resamples: R,
  };
}

/** Linear-interpolated quantile of sorted values (numpy's default `percentile` method). */
function quantileSorted(s: Float64Array, q: number): number {
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
