/**
 * Regression metrics: RMSE, MAE and R², with sklearn 1.2's definitions (weighted means via
 * `np.average`, R² with `force_finite=True`).
 */
import { checkFinite, checkLength, checkNonEmpty, checkTargetFinite, checkWeights } from './validate.js';

/**
 * Root mean squared error, as sklearn `mean_squared_error(..., squared=False)`.
 *
 * @example
 * ```ts
 * rmse([1, 2, 3], [1, 2, 5]); // √(4/3) ≈ 1.155
 * ```
 */
export function rmse(y: ArrayLike<number>, p: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const wSum = check(y, p, weights);
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const d = y[i] - p[i];
    s += weights ? d * d * weights[i] : d * d;
  }
  return Math.sqrt(s / wSum);
}

/**
 * Mean absolute error, as sklearn `mean_absolute_error`.
 *
 * @example
 * ```ts
 * mae([1, 2, 3], [1, 2, 5]); // 2/3
 * ```
 */
export function mae(y: ArrayLike<number>, p: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const wSum = check(y, p, weights);
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const d = Math.abs(y[i] - p[i]);
    s += weights ? d * weights[i] : d;
  }
  return s / wSum;
}

/**
 * Coefficient of determination, as sklearn `r2_score`: 1 − SS_res / SS_tot around the (weighted)
 * mean of y. A constant y gives 1 for a perfect prediction and 0 otherwise (sklearn's
 * `force_finite=True`) instead of ±∞/NaN.
 *
 * @example
 * ```ts
 * r2([1, 2, 3], [1, 2, 3]); // 1
 * ```
 */
export function r2(y: ArrayLike<number>, p: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const wSum = check(y, p, weights);
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += weights ? y[i] * weights[i] : y[i];
  mean /= wSum;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    const d = y[i] - p[i];
    const t = y[i] - mean;
    ssRes += w * d * d;
    ssTot += w * t * t;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

function check(y: ArrayLike<number>, p: ArrayLike<number>, weights: ArrayLike<number> | undefined): number {
  const n = y.length;
  checkNonEmpty(n);
  checkLength('prediction', p, n);
  checkTargetFinite(y);
  checkFinite('prediction', p);
  return weights ? checkWeights(weights, n) : n;
}
