/**
 * Choosing a binary decision threshold on held-out data: the probability cut that maximises F1
 * (precision–recall trade-off for imbalanced positives, as in sklearn's TunedThresholdClassifierCV
 * with scoring="f1"). One sort and one sweep over the distinct scores: O(n log n).
 */
import { ModelyardError } from '../errors.js';

export interface ThresholdChoice {
  metric: 'f1';
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
}

/**
 * @param y 0/1 labels (1 = positive).
 * @param p P(positive) per row.
 * @example
 * ```ts
 * bestF1Threshold(Float64Array.of(0, 1, 1), Float64Array.of(0.2, 0.6, 0.9)).threshold; // 0.6
 * ```
 */
export function bestF1Threshold(y: ArrayLike<number>, p: ArrayLike<number>): ThresholdChoice {
  const n = y.length;
  if (p.length !== n) throw new ModelyardError('LENGTH_MISMATCH', `bestF1Threshold: ${n} labels but ${p.length} scores`);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i] === 1 ? 1 : 0;
  if (positives === 0) throw new ModelyardError('TARGET_INVALID', 'choosing a threshold needs at least one positive row');
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b] - p[a]);
  let tp = 0;
  let fp = 0;
  let best: ThresholdChoice = { metric: 'f1', threshold: 1, f1: 0, precision: 0, recall: 0 };
  // Predict positive for every row with p ≥ t; evaluate t at each distinct score, highest first.
  for (let j = 0; j < n; j++) {
    const i = order[j];
    if (y[i] === 1) tp++;
    else fp++;
    if (j + 1 < n && p[order[j + 1]] === p[i]) continue;
    const precision = tp / (tp + fp);
    const recall = tp / positives;
    const f1 = (2 * precision * recall) / (precision + recall || 1);
    if (f1 > best.f1) best = { metric: 'f1', threshold: p[i], f1, precision, recall };
  }
  return best;
}
