/**
 * The standard metric set per task (what `evaluate --json` prints and training records), and the
 * metric each task is judged by.
 */
import { ModelyardError } from '../errors.js';
import { rocAuc, rocAucOvr } from './auc.js';
import { expectedCalibrationError } from './calibration.js';
import { accuracy, balancedAccuracy, precisionRecallF1 } from './classification.js';
import { brierScore, logLoss } from './probability.js';
import { mae, r2, rmse } from './regression.js';
import { checkClasses, checkLength, checkNonEmpty } from './validate.js';

export type MetricTask = 'binary' | 'multiclass' | 'regression';

/**
 * The metric each task is judged by (datasets README): binary ROC AUC, multiclass accuracy,
 * regression RMSE.
 */
export const PRIMARY_METRIC: Record<MetricTask, { name: string; higherIsBetter: boolean }> = Object.freeze({
  binary: Object.freeze({ name: 'roc_auc', higherIsBetter: true }),
  multiclass: Object.freeze({ name: 'accuracy', higherIsBetter: true }),
  regression: Object.freeze({ name: 'rmse', higherIsBetter: false }),
});

export interface ComputeMetricsOptions {
  /** Binary decision threshold on the positive-class probability: p ≥ threshold → class 1 (default 0.5). */
  threshold?: number;
  weights?: ArrayLike<number>;
}

/**
 * The standard metric set of `evaluate --json` for a task.
 *
 * - binary (`out` n × 2, column 1 = positive): roc_auc, log_loss, brier, accuracy,
 *   balanced_accuracy, precision, recall, f1 (of class 1 at `threshold`), ece (10 uniform bins).
 * - multiclass (`out` n × k): roc_auc (one-vs-rest macro), log_loss, accuracy, balanced_accuracy,
 *   precision, recall, f1 (macro), f1_macro, f1_weighted; the predicted class is the arg-max
 *   (first maximum on ties, like numpy).
 * - regression (`out` n values): rmse, mae, r2.
 *
 * ROC AUC is undefined when a class is absent from `y` (sklearn raises); the key is then left out
 * rather than failing the whole evaluation. Weights (ECE aside, which is unweighted) apply to every metric.
 *
 * @example
 * ```ts
 * const m = computeMetrics('binary', [0, 1, 1], Float64Array.from([0.9, 0.1, 0.3, 0.7, 0.6, 0.4]), 2);
 * m.roc_auc; // 1
 * m.accuracy; // 2/3 (row 3 has p = 0.4 < 0.5)
 * ```
 */
export function computeMetrics(task: MetricTask, y: ArrayLike<number>, out: Float64Array, k: number, opts: ComputeMetricsOptions = {}): Record<string, number> {
  const n = y.length;
  checkNonEmpty(n);
  const w = opts.weights;
  if (task === 'regression') {
    return { rmse: rmse(y, out, w), mae: mae(y, out, w), r2: r2(y, out, w) };
  }
  if (task !== 'binary' && task !== 'multiclass') {
    throw new ModelyardError('PARAM_INVALID', `task must be 'binary', 'multiclass' or 'regression', got '${String(task)}'`, { field: 'task' });
  }
  if (task === 'binary' && k !== 2) throw new ModelyardError('PARAM_INVALID', `a binary task has k = 2 probability columns, got k = ${k}`, { field: 'k' });
  if (!(Number.isInteger(k) && k >= 2)) throw new ModelyardError('PARAM_INVALID', `k must be an integer ≥ 2, got ${k}`, { field: 'k' });
  checkLength('out', out, n * k);
  checkClasses('y', y, k);
  const metrics: Record<string, number> = {};
  if (task === 'binary') {
    const threshold = opts.threshold ?? 0.5;
    if (!(threshold >= 0 && threshold <= 1)) throw new ModelyardError('PARAM_INVALID', `threshold must lie in [0, 1], got ${threshold}`, { field: 'threshold' });
    const p1 = new Float64Array(n);
    const pred = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      p1[i] = out[2 * i + 1];
      pred[i] = p1[i] >= threshold ? 1 : 0;
    }
    if (allClassesPresent(y, 2, w)) metrics.roc_auc = rocAuc(y, p1, w);
    metrics.log_loss = logLoss(y, out, 2, w);
    metrics.brier = brierScore(y, p1, w);
    metrics.accuracy = accuracy(y, pred, w);
    metrics.balanced_accuracy = balancedAccuracy(y, pred, 2, w);
    const prf = precisionRecallF1(y, pred, 2, { average: 'binary', positive: 1 }, w);
    metrics.precision = prf.precision;
    metrics.recall = prf.recall;
    metrics.f1 = prf.f1;
    metrics.ece = expectedCalibrationError(y, p1, 10);
    return metrics;
  }
  const pred = argmaxRows(out, n, k);
  if (allClassesPresent(y, k, w)) metrics.roc_auc = rocAucOvr(y, out, k, w);
  metrics.log_loss = logLoss(y, out, k, w);
  metrics.accuracy = accuracy(y, pred, w);
  metrics.balanced_accuracy = balancedAccuracy(y, pred, k, w);
  const macro = precisionRecallF1(y, pred, k, { average: 'macro' }, w);
  metrics.precision = macro.precision;
  metrics.recall = macro.recall;
  metrics.f1 = macro.f1;
  metrics.f1_macro = macro.f1;
  metrics.f1_weighted = precisionRecallF1(y, pred, k, { average: 'weighted' }, w).f1;
  return metrics;
}

/**
 * Arg-max class per row of an n × k matrix (first maximum wins, like numpy's argmax).
 *
 * @example
 * ```ts
 * argmaxRows(Float64Array.from([0.2, 0.8, 0.5, 0.5]), 2, 2); // Float64Array [1, 0]
 * ```
 */
export function argmaxRows(out: Float64Array, n: number, k: number): Float64Array {
  const pred = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let best = 0;
    let bestV = out[base];
    for (let c = 1; c < k; c++) {
      if (out[base + c] > bestV) {
        bestV = out[base + c];
        best = c;
      }
    }
    pred[i] = best;
  }
  return pred;
}

/** True when every class 0..k-1 has rows (with positive weight), so ROC AUC is defined. */
function allClassesPresent(y: ArrayLike<number>, k: number, w?: ArrayLike<number>): boolean {
  const seen = new Uint8Array(k);
  let count = 0;
  for (let i = 0; i < y.length; i++) {
    if (w && !(w[i] > 0)) continue;
    if (seen[y[i]] === 0) {
      seen[y[i]] = 1;
      if (++count === k) return true;
    }
  }
  return false;
}
