/** Before/after numbers for a calibration step, from src/metrics. */
import { ModelyardError } from '../../errors.js';
import { brierScore, expectedCalibrationError } from '../../metrics/index.js';
import { checkClasses, checkLength, checkNonEmpty } from '../../metrics/validate.js';

/** Brier score and expected calibration error (10 uniform bins) before and after calibration. */
export interface CalibrationReport {
  brier_before: number;
  brier_after: number;
  ece_before: number;
  ece_after: number;
}

/**
 * Brier score and ECE of the probabilities before and after calibration. Binary (k = 2): of the
 * positive class. Multiclass: the mean over classes of the one-vs-rest score of each column
 * (class c against the rest, scored by P(c)).
 *
 * @param y Class index per row. @param probaBefore, probaAfter n × k probabilities, row-major.
 * @example
 * ```ts
 * calibrationReport(yValid, raw, calibrator.apply(raw, n, 2), 2);
 * // { brier_before: 0.18, brier_after: 0.16, ece_before: 0.09, ece_after: 0.02 }
 * ```
 */
export function calibrationReport(y: ArrayLike<number>, probaBefore: Float64Array, probaAfter: Float64Array, k: number): CalibrationReport {
  if (!(Number.isInteger(k) && k >= 2)) throw new ModelyardError('PARAM_INVALID', `k must be an integer ≥ 2, got ${String(k)}`, { field: 'k' });
  const n = y.length;
  checkNonEmpty(n);
  checkClasses('y', y, k);
  checkLength('probaBefore', probaBefore, n * k);
  checkLength('probaAfter', probaAfter, n * k);
  const score = (proba: Float64Array): [number, number] => {
    const classes = k === 2 ? [1] : Array.from({ length: k }, (_, c) => c);
    const t = new Float64Array(n);
    const p = new Float64Array(n);
    let brier = 0;
    let ece = 0;
    for (const c of classes) {
      for (let i = 0; i < n; i++) {
        t[i] = y[i] === c ? 1 : 0;
        p[i] = proba[i * k + c];
      }
      brier += brierScore(t, p);
      ece += expectedCalibrationError(t, p);
    }
    return [brier / classes.length, ece / classes.length];
  };
  const [brierBefore, eceBefore] = score(probaBefore);
  const [brierAfter, eceAfter] = score(probaAfter);
  return { brier_before: brierBefore, brier_after: brierAfter, ece_before: eceBefore, ece_after: eceAfter };
}
