/**
 * Metrics of hard class predictions: accuracy, balanced accuracy, precision / recall / F1 and the
 * confusion matrix, with scikit-learn 1.2's conventions (zero_division → 0, labels present in y or
 * pred only for macro averages).
 */
import { ModelyardError } from '../errors.js';
import { checkClasses, checkFinite, checkLength, checkNonEmpty, checkTargetFinite, checkWeights } from './validate.js';

/**
 * Share of rows (or of weight) where `pred` equals `y`, as sklearn `accuracy_score`.
 *
 * @example
 * ```ts
 * accuracy([0, 1, 2, 2], [0, 2, 2, 2]); // 0.75
 * ```
 */
export function accuracy(y: ArrayLike<number>, pred: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const n = y.length;
  checkNonEmpty(n);
  checkLength('pred', pred, n);
  checkTargetFinite(y);
  checkFinite('pred', pred);
  const wSum = weights ? checkWeights(weights, n) : n;
  let hit = 0;
  for (let i = 0; i < n; i++) if (y[i] === pred[i]) hit += weights ? weights[i] : 1;
  return hit / wSum;
}

/**
 * Confusion matrix with rows = true class and columns = predicted class (row counts, unweighted).
 *
 * @example
 * ```ts
 * confusionMatrix([0, 1, 1], [0, 0, 1], 2); // [[1, 0], [1, 1]]
 * ```
 */
export function confusionMatrix(y: ArrayLike<number>, pred: ArrayLike<number>, k: number): number[][] {
  const n = y.length;
  checkK(k, 1);
  checkLength('pred', pred, n);
  checkClasses('y', y, k);
  checkClasses('pred', pred, k);
  const m: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < n; i++) m[y[i]][pred[i]]++;
  return m;
}

/**
 * Mean recall over the classes present in `y`, as sklearn `balanced_accuracy_score` (classes that
 * occur only in `pred` are skipped, like sklearn's NaN-dropping). With weights, recall is weighted.
 *
 * @example
 * ```ts
 * balancedAccuracy([0, 0, 0, 1], [0, 0, 0, 0], 2); // (1 + 0) / 2 = 0.5
 * ```
 */
export function balancedAccuracy(y: ArrayLike<number>, pred: ArrayLike<number>, k: number, weights?: ArrayLike<number>): number {
  const c = tally(y, pred, k, weights);
  let sum = 0;
  let classes = 0;
  for (let j = 0; j < k; j++) {
    if (c.trueSum[j] > 0) {
      sum += c.tp[j] / c.trueSum[j];
      classes++;
    }
  }
  return sum / classes;
}

export interface PrfOptions {
  average: 'binary' | 'macro' | 'micro' | 'weighted';
  /** Positive class for `average: 'binary'` (default 1). */
  positive?: number;
}

/**
 * Precision, recall and F1 as sklearn `precision_recall_fscore_support` with `zero_division`'s
 * default (a 0/0 ratio counts as 0). `macro` averages over the classes that occur in `y` or `pred`
 * (sklearn's `unique_labels`), `weighted` weights each class by its (weighted) true support,
 * `micro` pools the counts, `binary` reports the `positive` class of a k = 2 problem.
 *
 * @example
 * ```ts
 * precisionRecallF1([0, 1, 1, 1], [1, 1, 0, 1], 2, { average: 'binary' }); // { precision: 2/3, recall: 2/3, f1: 2/3 }
 * ```
 */
export function precisionRecallF1(
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
  k: number,
  opts: PrfOptions,
  weights?: ArrayLike<number>,
): { precision: number; recall: number; f1: number } {
  const average = opts.average;
  if (average === 'binary') {
    if (k !== 2) throw new ModelyardError('PARAM_INVALID', `average 'binary' needs k = 2 classes, got k = ${k}; use 'macro', 'micro' or 'weighted'`, { field: 'average' });
    const positive = opts.positive ?? 1;
    if (positive !== 0 && positive !== 1) throw new ModelyardError('PARAM_INVALID', `positive must be class 0 or 1, got ${positive}`, { field: 'positive' });
    const c = tally(y, pred, k, weights);
    return prf(c.tp[positive], c.predSum[positive], c.trueSum[positive]);
  }
  if (average !== 'macro' && average !== 'micro' && average !== 'weighted') {
    throw new ModelyardError('PARAM_INVALID', `average must be 'binary', 'macro', 'micro' or 'weighted', got '${String(average)}'`, { field: 'average' });
  }
  const c = tally(y, pred, k, weights);
  if (average === 'micro') {
    let tp = 0;
    let ps = 0;
    let ts = 0;
    for (let j = 0; j < k; j++) {
      tp += c.tp[j];
      ps += c.predSum[j];
      ts += c.trueSum[j];
    }
    return prf(tp, ps, ts);
  }
  let p = 0;
  let r = 0;
  let f = 0;
  let norm = 0;
  for (let j = 0; j < k; j++) {
    if (!c.present[j]) continue;
    const s = prf(c.tp[j], c.predSum[j], c.trueSum[j]);
    const w = average === 'weighted' ? c.trueSum[j] : 1;
    p += w * s.precision;
    r += w * s.recall;
    f += w * s.f1;
    norm += w;
  }
  // sklearn: a 'weighted' average with no true support anywhere is 0 (zero_division).
  if (norm === 0) return { precision: 0, recall: 0, f1: 0 };
  return { precision: p / norm, recall: r / norm, f1: f / norm };
}

function prf(tp: number, predSum: number, trueSum: number): { precision: number; recall: number; f1: number } {
  const precision = predSum === 0 ? 0 : tp / predSum;
  const recall = trueSum === 0 ? 0 : tp / trueSum;
  const denom = precision + recall;
  return { precision, recall, f1: denom === 0 ? 0 : (2 * precision * recall) / denom };
}

interface Tally {
  /** Weighted true positives, predicted totals and true totals per class. */
  tp: Float64Array;
  predSum: Float64Array;
  trueSum: Float64Array;
  /** Class occurs (as a row, whatever its weight) in y or pred: sklearn's `unique_labels`. */
  present: Uint8Array;
}

function tally(y: ArrayLike<number>, pred: ArrayLike<number>, k: number, weights?: ArrayLike<number>): Tally {
  const n = y.length;
  checkNonEmpty(n);
  checkK(k, 2);
  checkLength('pred', pred, n);
  checkClasses('y', y, k);
  checkClasses('pred', pred, k);
  if (weights) checkWeights(weights, n);
  const tp = new Float64Array(k);
  const predSum = new Float64Array(k);
  const trueSum = new Float64Array(k);
  const present = new Uint8Array(k);
  for (let i = 0; i < n; i++) {
    const t = y[i];
    const p = pred[i];
    const w = weights ? weights[i] : 1;
    trueSum[t] += w;
    predSum[p] += w;
    if (t === p) tp[t] += w;
    present[t] = 1;
    present[p] = 1;
  }
  return { tp, predSum, trueSum, present };
}

function checkK(k: number, min: number): void {
  if (!(Number.isInteger(k) && k >= min)) throw new ModelyardError('PARAM_INVALID', `k must be an integer ≥ ${min}, got ${k}`, { field: 'k' });
}
