/**
 * Calibration inside training: out-of-fold probabilities of the learner (k-fold on the training
 * rows) fit the calibrator, as scikit-learn's CalibratedClassifierCV does, and the final model is
 * the learner refitted on all training rows followed by that calibrator.
 *
 * The before/after report is honest: "after" for each fold's rows uses a calibrator fitted on the
 * other folds' out-of-fold rows only (cross-fitting), never on the rows it scores.
 */
import type { Frame } from '../frame/frame.js';
import { calibrationReport, fitCalibrator, type CalibrationReport, type Calibrator } from '../learn/calibrate/index.js';
import type { Json } from '../learn/types.js';
import type { FeatureSpec, TargetSpec } from '../schema/types.js';
import { stratifiedKFold } from '../split/index.js';
import { crossValidate } from './cv.js';

export type CalibrationMethod = 'sigmoid' | 'isotonic';

export interface CalibrationResult {
  calibrator: Calibrator;
  report: CalibrationReport & { method: CalibrationMethod; folds: number; rows: number };
}

/**
 * @example
 * ```ts
 * const { calibrator, report } = calibrateLearner(X, y, undefined, features, target, 'gbdt', {}, null, { method: 'isotonic', folds: 5, seed: 1 });
 * report.ece_before; report.ece_after;
 * ```
 */
export function calibrateLearner(
  X: Frame,
  y: Float64Array,
  weights: Float64Array | undefined,
  features: readonly FeatureSpec[],
  target: TargetSpec,
  learner: string,
  params: Record<string, Json>,
  rows: ArrayLike<number> | null,
  opts: {
    method: CalibrationMethod;
    folds: number;
    seed: number;
    threads?: number;
    onProgress?: (d: number, t: number) => void;
    /**
     * Weights for fitting the calibrator, when they differ from the learner's: with class_weight
     * balanced the learner's weights skew its probabilities on purpose, and a calibrator fitted with
     * the same weights would keep the skew. As scikit-learn's CalibratedClassifierCV does, the
     * calibrator then sees only the user's sample weights (undefined: unweighted).
     */
    calibratorWeights?: Float64Array;
  },
): CalibrationResult {
  const k = target.classes!.length;
  const cv = crossValidate(X, y, weights, features, target, learner, params, { k: opts.folds, seed: opts.seed, rows, threads: opts.threads, keepOof: true, onProgress: opts.onProgress });
  const oof = cv.oof!;
  const yb = rows ? Float64Array.from(rows, (i) => y[i]) : y;
  const cw = 'calibratorWeights' in opts ? opts.calibratorWeights : weights;
  const wb = cw ? (rows ? Float64Array.from(rows, (i) => cw[i]) : cw) : undefined;
  const calibrator = fitCalibrator(opts.method, oof, yb, k, wb);
  // Cross-fitted "after": calibrate each fold's OOF rows with a calibrator fitted on the other folds.
  const n = yb.length;
  const after = new Float64Array(n * k);
  for (const f of stratifiedKFold(yb, { k: opts.folds, seed: opts.seed + 101 })) {
    const pick = (idx: Int32Array): Float64Array => {
      const out = new Float64Array(idx.length * k);
      idx.forEach((r, j) => out.set(oof.subarray(r * k, (r + 1) * k), j * k));
      return out;
    };
    const c = fitCalibrator(opts.method, pick(f.train), Float64Array.from(f.train, (r) => yb[r]), k, wb ? Float64Array.from(f.train, (r) => wb[r]) : undefined);
    const cal = c.apply(pick(f.test), f.test.length, k);
    f.test.forEach((r, j) => after.set(cal.subarray(j * k, (j + 1) * k), r * k));
  }
  return { calibrator, report: { method: opts.method, folds: cv.k, rows: n, ...calibrationReport(yb, oof, after, k) } };
}
