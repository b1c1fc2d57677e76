/**
 * Fitting a calibrator on out-of-fold probabilities (the caller produces them, e.g. with
 * `crossValidate(..., { keepOof: true })` in src/model/cv.ts).
 */
import { ModelyardError } from '../../errors.js';
import { checkClasses, checkLength, checkNonEmpty, checkProbabilities, checkWeights } from '../../metrics/validate.js';
import { fitIsotonicCalibrator } from './isotonic.js';
import { fitSigmoidCalibrator } from './sigmoid.js';
import type { Calibrator } from './types.js';

/**
 * Fits a `sigmoid` (Platt) or `isotonic` calibrator on out-of-fold probabilities, the way
 * scikit-learn's `CalibratedClassifierCV` does within a fold: binary tasks calibrate P(positive)
 * (column 1); multiclass tasks calibrate each class one-vs-rest, and `apply` renormalises rows.
 *
 * @param proba n × k out-of-fold probabilities, row-major (k = 2 for binary).
 * @param y Class index 0..k−1 per row.
 * @param weights Optional sample weights (zero-weight rows are ignored by isotonic, weigh 0 in sigmoid).
 * @throws ModelyardError DATA_EMPTY, LENGTH_MISMATCH, INVALID_VALUE (labels, probabilities or weights),
 *   PARAM_INVALID (unknown method, k < 2).
 * @example
 * ```ts
 * const cal = fitCalibrator('isotonic', oof, y, 2);
 * const calibrated = cal.apply(fitted.predict(X), X.nRows, 2);
 * const again = loadCalibrator(cal.toState()); // same outputs
 * ```
 */
export function fitCalibrator(
  method: 'sigmoid' | 'isotonic',
  proba: Float64Array,
  y: ArrayLike<number>,
  k: number,
  weights?: ArrayLike<number>,
): Calibrator {
  if (method !== 'sigmoid' && method !== 'isotonic') {
    throw new ModelyardError('PARAM_INVALID', `calibration method must be 'sigmoid' or 'isotonic', got '${String(method)}'`, { field: 'method' });
  }
  if (!(Number.isInteger(k) && k >= 2)) throw new ModelyardError('PARAM_INVALID', `k must be an integer ≥ 2, got ${String(k)}`, { field: 'k' });
  const n = y.length;
  checkNonEmpty(n);
  checkLength('proba', proba, n * k);
  checkClasses('y', y, k);
  checkProbabilities('proba', proba);
  let w: Float64Array | undefined;
  if (weights) {
    checkWeights(weights, n);
    w = Float64Array.from(weights);
  }
  return method === 'sigmoid' ? fitSigmoidCalibrator(proba, y, n, k, w) : fitIsotonicCalibrator(proba, y, n, k, w);
}
