/**
 * Scores of predicted probabilities: log loss (cross-entropy) and the Brier score.
 */
import { ModelyardError } from '../errors.js';
import { checkClasses, checkFinite, checkLength, checkNonEmpty, checkProbabilities, checkWeights } from './validate.js';

/**
 * Clipping bound of {@link logLoss}: scikit-learn 1.2's default `eps='auto'` is
 * `np.finfo(float64).eps` = 2⁻⁵² (1e-15 was the default before 1.2; pass it explicitly for that).
 */
export const LOG_LOSS_EPS = Number.EPSILON;

/**
 * Mean negative log-likelihood of the true class, as sklearn 1.2 `log_loss(..., labels=range(k))`:
 * each probability is clipped to [eps, 1 − eps], each row is renormalised to sum to 1, and the
 * per-row losses are averaged (weighted by `weights` when given).
 *
 * @param y Class index 0..k-1 per row.
 * @param proba n × k probabilities, row-major (for binary tasks k = 2, column 1 = positive).
 * @param eps Clipping bound, default {@link LOG_LOSS_EPS} (sklearn 1.2's default).
 * @example
 * ```ts
 * logLoss([1, 0], Float64Array.from([0.2, 0.8, 0.6, 0.4]), 2); // (−ln 0.8 − ln 0.6) / 2 ≈ 0.367
 * ```
 */
export function logLoss(y: ArrayLike<number>, proba: Float64Array, k: number, weights?: ArrayLike<number>, eps: number = LOG_LOSS_EPS): number {
  const n = y.length;
  checkNonEmpty(n);
  if (!(Number.isInteger(k) && k >= 2)) throw new ModelyardError('PARAM_INVALID', `k must be an integer ≥ 2, got ${k}`, { field: 'k' });
  if (!(eps > 0 && eps < 0.5)) throw new ModelyardError('PARAM_INVALID', `eps must lie in (0, 0.5), got ${eps}`, { field: 'eps' });
  checkLength('proba', proba, n * k);
  checkClasses('y', y, k);
  checkFinite('proba', proba);
  const wSum = weights ? checkWeights(weights, n) : n;
  const hi = 1 - eps;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let rowSum = 0;
    for (let c = 0; c < k; c++) rowSum += clip(proba[base + c], eps, hi);
    // Divide first, then log: the same operation order as sklearn keeps agreement at 1e-15.
    const loss = -Math.log(clip(proba[base + y[i]], eps, hi) / rowSum);
    total += weights ? loss * weights[i] : loss;
  }
  return total / wSum;
}

/**
 * Brier score of the positive class: the (weighted) mean of (y − p)², as sklearn `brier_score_loss`.
 *
 * @param y01 0/1 labels. @param p1 Probability of class 1, in [0, 1].
 * @example
 * ```ts
 * brierScore([0, 1, 1], [0.1, 0.9, 0.6]); // (0.01 + 0.01 + 0.16) / 3 = 0.06
 * ```
 */
export function brierScore(y01: ArrayLike<number>, p1: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const n = y01.length;
  checkNonEmpty(n);
  checkLength('p1', p1, n);
  checkClasses('y', y01, 2);
  checkProbabilities('p1', p1);
  const wSum = weights ? checkWeights(weights, n) : n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const d = y01[i] - p1[i];
    total += weights ? d * d * weights[i] : d * d;
  }
  return total / wSum;
}

function clip(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
