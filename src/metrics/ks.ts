/**
 * Kolmogorov–Smirnov tests for numeric drift: two samples (as `scipy.stats.ks_2samp`, two-sided),
 * and one live sample against a reference distribution stored as percentiles (how the monitor
 * compares a live window with the training profile).
 */
import { ModelyardError } from '../errors.js';
import { kolmogorovNSf, kolmogorovSf, ks2ExactSf } from './kolmogorov.js';

/** Result of a Kolmogorov–Smirnov test. */
export interface KsResult {
  /** sup |F₁ − F₂| (two-sample) or sup |Fₙ − F| (one-sample). */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  /** How the p-value was computed. */
  method: 'exact' | 'asymp';
}

/** scipy's `ks_2samp(method='auto')` is exact while both samples have at most this many values. */
export const KS_EXACT_MAX_N = 10_000;

function checkSample(what: string, a: ArrayLike<number>): void {
  if (a.length === 0) throw new ModelyardError('DATA_EMPTY', `${what} is empty: a Kolmogorov–Smirnov test needs at least one value`, { field: what });
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new ModelyardError('INVALID_VALUE', `${what}[${i}] is ${String(a[i])}; drop missing values before a Kolmogorov–Smirnov test`, { field: what });
    }
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** numpy's `round` (half to even), which scipy applies to the effective sample size. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const frac = x - f;
  if (frac > 0.5) return f + 1;
  if (frac < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Two-sample two-sided Kolmogorov–Smirnov test, matching `scipy.stats.ks_2samp` (scipy 1.10):
 * the statistic is max |F₁(x) − F₂(x)| over the pooled values (ties handled through right-continuous
 * ECDFs). `method: 'auto'` (default) is exact while max(n₁, n₂) ≤ {@link KS_EXACT_MAX_N} — the exact
 * null distribution by lattice-path counting, the statistic reported as h/lcm(n₁, n₂) like scipy —
 * and asymptotic otherwise: the one-sample Kolmogorov distribution at the effective size
 * round(n₁n₂/(n₁ + n₂)) (scipy's `kstwo.sf(d, round(en))`). Like scipy, an exact computation that
 * does not give a probability in [0, 1] falls back to the asymptotic one.
 *
 * @throws ModelyardError DATA_EMPTY for an empty sample, INVALID_VALUE for non-finite values.
 * @example
 * ```ts
 * ks2Sample([1, 2, 3, 4], [3, 4, 5, 6, 7]); // { statistic: 0.6, pValue: 0.2857…, method: 'exact' }
 * ```
 */
export function ks2Sample(a: ArrayLike<number>, b: ArrayLike<number>, method: 'auto' | 'exact' | 'asymp' = 'auto'): KsResult {
  checkSample('a', a);
  checkSample('b', b);
  if (method !== 'auto' && method !== 'exact' && method !== 'asymp') {
    throw new ModelyardError('PARAM_INVALID', `method must be 'auto', 'exact' or 'asymp', got '${String(method)}'`, { field: 'method' });
  }
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  const n1 = x.length;
  const n2 = y.length;
  // Walk the pooled values in order; after each distinct value v, i = #x ≤ v and j = #y ≤ v.
  let i = 0;
  let j = 0;
  let maxS = -Infinity;
  let minS = Infinity;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && x[i] <= y[j]) ? x[i] : y[j];
    while (i < n1 && x[i] === v) i++;
    while (j < n2 && y[j] === v) j++;
    const diff = i / n1 - j / n2; // the same two roundings as scipy's searchsorted(...)/n
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  }
  const negMin = Math.min(Math.max(-minS, 0), 1);
  let d = negMin > maxS ? negMin : maxS;

  const g = gcd(n1, n2);
  let mode: 'exact' | 'asymp' = method === 'auto' ? (Math.max(n1, n2) <= KS_EXACT_MAX_N ? 'exact' : 'asymp') : method;
  // scipy switches a requested exact test to asymp when lcm(n₁, n₂) would overflow an int32.
  if (method === 'exact' && n1 / g >= 2147483647 / (n2 / g)) mode = 'asymp';
  let p = NaN;
  if (mode === 'exact') {
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pValue: 1, method: 'exact' };
    p = ks2ExactSf(n1, n2, g, h);
    if (!(p >= 0 && p <= 1)) mode = 'asymp';
  }
  if (mode === 'asymp') {
    const big = Math.max(n1, n2);
    const small = Math.min(n1, n2);
    const en = (big * small) / (big + small);
    // scipy would give NaN for n₁ = n₂ = 1 (round(0.5) = 0); one observation each is size 1 here.
    p = kolmogorovNSf(Math.max(1, roundHalfEven(en)), d);
  }
  return { statistic: d, pValue: Math.min(Math.max(p, 0), 1), method: mode };
}

/** Checks a reference given as percentiles: at least two finite, non-decreasing values. */
function checkPercentiles(q: ArrayLike<number>): void {
  if (q.length < 2) {
    throw new ModelyardError('PARAM_INVALID', `the reference needs at least 2 percentiles (0th and 100th), got ${q.length}`, { field: 'percentiles' });
  }
  for (let i = 0; i < q.length; i++) {
    if (!Number.isFinite(q[i]) || (i > 0 && q[i] < q[i - 1])) {
      throw new ModelyardError(
        'PARAM_INVALID',
        `percentiles[${i}] is ${String(q[i])}; reference percentiles must be finite and non-decreasing`,
        { field: 'percentiles' },
      );
    }
  }
}

/**
 * The reference CDF of percentiles q₀ ≤ … ≤ q_m (at probabilities 0, 1/m, …, 1): piecewise
 * linear through the points (qⱼ, j/m), 0 below q₀ and 1 from q_m on. Where percentiles repeat
 * (a value holding a whole share of the reference, as in discrete features) the CDF jumps;
 * `left` selects the left limit F(v−) instead of the right-continuous F(v).
 *
 * @example
 * ```ts
 * percentileCdf([0, 1, 1, 1, 4], 0.5); // 0.125
 * percentileCdf([0, 1, 1, 1, 4], 1); // 0.75 (a quarter of the reference sits at 1 …)
 * percentileCdf([0, 1, 1, 1, 4], 1, true); // 0.25 (… so the CDF jumps there)
 * ```
 */
export function percentileCdf(q: ArrayLike<number>, v: number, left = false): number {
  const m = q.length - 1;
  // j = the last index with q[j] ≤ v (or q[j] < v for the left limit), −1 if none.
  let lo = 0;
  let hi = m + 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (left ? q[mid] < v : q[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  const j = lo - 1;
  if (j < 0) return 0;
  if (j >= m) return 1;
  return (j + (v - q[j]) / (q[j + 1] - q[j])) / m;
}

/**
 * One-sample two-sided Kolmogorov–Smirnov test of live values against a reference distribution
 * given by its percentiles (the profile stores 101: the 0th … 100th), whose CDF is the piecewise
 * linear {@link percentileCdf}. The statistic is the exact sup |Fₙ(x) − F(x)|: since Fₙ − F only
 * falls between two consecutive sample values, the sup is attained at a sample value v, as
 * Fₙ(v) − F(v) or as F(v−) − Fₙ(v−). For a continuous F this is scipy's `kstest` statistic
 * (max over i of i/n − F(xᵢ) and F(xᵢ) − (i−1)/n); where F jumps (repeated percentiles) the left
 * limit keeps an unchanged discrete feature from showing the jump as drift.
 *
 * p-value: `'asymp'` (default) is Kolmogorov's limit P(K ≥ √n·D) (`scipy.stats.kstwobign.sf`) —
 * the reference is itself an estimate, so the finite-n correction buys little; `'exact'` is the
 * finite-n distribution `scipy.stats.kstwo.sf(D, n)`. Both assume a continuous reference and
 * are conservative where it has jumps.
 *
 * @param values Live values (finite; drop missing values first).
 * @param percentiles Reference percentiles, non-decreasing, at evenly spaced probabilities 0 … 1.
 * @throws ModelyardError DATA_EMPTY for no values, INVALID_VALUE for non-finite values, PARAM_INVALID
 *   for a bad percentile list.
 * @example
 * ```ts
 * const q = Array.from({ length: 101 }, (_, i) => i / 100); // uniform on [0, 1]
 * ksPercentiles([0.1, 0.4, 0.45, 0.8], q); // { statistic: 0.3, pValue: 0.864…, method: 'asymp' }
 * ```
 */
export function ksPercentiles(values: ArrayLike<number>, percentiles: ArrayLike<number>, method: 'asymp' | 'exact' = 'asymp'): KsResult {
  checkSample('values', values);
  checkPercentiles(percentiles);
  if (method !== 'asymp' && method !== 'exact') {
    throw new ModelyardError('PARAM_INVALID', `method must be 'asymp' or 'exact', got '${String(method)}'`, { field: 'method' });
  }
  const x = Float64Array.from(values).sort();
  const n = x.length;
  let d = 0;
  let i = 0;
  while (i < n) {
    const v = x[i];
    const below = i; // Fₙ(v−)·n
    while (i < n && x[i] === v) i++;
    const plus = i / n - percentileCdf(percentiles, v);
    const minus = percentileCdf(percentiles, v, true) - below / n;
    if (plus > d) d = plus;
    if (minus > d) d = minus;
  }
  const p = method === 'asymp' ? kolmogorovSf(Math.sqrt(n) * d) : kolmogorovNSf(n, d);
  return { statistic: d, pValue: p, method };
}
