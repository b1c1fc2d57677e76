/**
 * Area under the ROC curve.
 *
 * scikit-learn (`roc_auc_score`, via `_binary_clf_curve` + `auc`) builds the ROC curve at every
 * distinct score threshold and integrates it with the trapezoid rule, so tied scores contribute a
 * diagonal segment. The trapezoid area over distinct thresholds equals the Mann–Whitney U statistic
 * with ties counted one half (Hanley & McNeil 1982, "The meaning and use of the area under a ROC
 * curve"): AUC = Σ_groups w⁺_g · (W⁻_below + w⁻_g / 2) / (W⁺ · W⁻), where a group is a set of rows
 * with one score. That is what we compute, after a single O(n log n) sort.
 */
import { ModelyardError } from '../errors.js';
import { checkClasses, checkFinite, checkLength, checkNonEmpty, checkWeights } from './validate.js';

/**
 * Binary ROC AUC, ties handled exactly like scikit-learn.
 *
 * @param y 0/1 labels (1 = positive).
 * @param score Any real score, higher = more positive.
 * @param weights Optional per-row sample weights (zero-weight rows are ignored, as in sklearn).
 * @throws ModelyardError TARGET_INVALID when only one class is present; INVALID_VALUE for NaN labels
 *   or non-finite scores; LENGTH_MISMATCH when lengths differ.
 * @example
 * ```ts
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * ```
 */
export function rocAuc(y: ArrayLike<number>, score: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const n = y.length;
  checkNonEmpty(n);
  checkLength('score', score, n);
  checkClasses('y', y, 2);
  checkFinite('score', score);
  if (weights) checkWeights(weights, n);
  return aucColumn(y, score, 1, 0, 1, weights, 'ROC AUC');
}

/**
 * Multiclass ROC AUC, one-vs-rest, macro average: the mean over classes c of the binary AUC of
 * `y == c` scored by column c, as sklearn `roc_auc_score(multi_class='ovr', average='macro')`.
 * Every class 0..k-1 must be present in `y` (sklearn raises otherwise).
 *
 * @param proba n × k probabilities, row-major.
 * @example
 * ```ts
 * const p = Float64Array.from([0.8, 0.1, 0.1,  0.2, 0.7, 0.1,  0.1, 0.2, 0.7]);
 * rocAucOvr([0, 1, 2], p, 3); // 1
 * ```
 */
export function rocAucOvr(y: ArrayLike<number>, proba: Float64Array, k: number, weights?: ArrayLike<number>): number {
  const n = y.length;
  checkNonEmpty(n);
  if (!(Number.isInteger(k) && k >= 2)) throw new ModelyardError('PARAM_INVALID', `k must be an integer ≥ 2, got ${k}`, { field: 'k' });
  checkLength('proba', proba, n * k);
  checkClasses('y', y, k);
  checkFinite('proba', proba);
  if (weights) checkWeights(weights, n);
  let sum = 0;
  for (let c = 0; c < k; c++) sum += aucColumn(y, proba, k, c, c, weights, `ROC AUC (one-vs-rest, class ${c})`);
  return sum / k;
}

/**
 * AUC of `y == positive` scored by `score[i * stride + offset]`. Inputs are already validated.
 * Unweighted: the positive and negative scores are copied into two Float64Arrays and sorted natively
 * (no comparator, the fast path used e.g. for early stopping). Weighted: one native sort of the
 * scores, then per-score weight buckets.
 */
function aucColumn(
  y: ArrayLike<number>,
  score: ArrayLike<number>,
  stride: number,
  offset: number,
  positive: number,
  weights: ArrayLike<number> | undefined,
  what: string,
): number {
  const n = y.length;
  if (weights) return weightedAuc(y, score, stride, offset, positive, weights, what);
  let nPos = 0;
  for (let i = 0; i < n; i++) if (y[i] === positive) nPos++;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) throw oneClass(what, nPos === 0 ? 'no' : 'only');
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  let ip = 0;
  let ineg = 0;
  for (let i = 0; i < n; i++) {
    const s = score[i * stride + offset];
    if (y[i] === positive) pos[ip++] = s;
    else neg[ineg++] = s;
  }
  pos.sort();
  neg.sort();
  // Walk the positive scores upwards; j = negatives strictly below the current score.
  let area = 0;
  let i = 0;
  let j = 0;
  while (i < nPos) {
    const v = pos[i];
    while (j < nNeg && neg[j] < v) j++;
    let jEnd = j;
    while (jEnd < nNeg && neg[jEnd] === v) jEnd++;
    let iEnd = i + 1;
    while (iEnd < nPos && pos[iEnd] === v) iEnd++;
    area += (iEnd - i) * (j + (jEnd - j) / 2);
    i = iEnd;
    j = jEnd;
  }
  return area / nPos / nNeg;
}

function weightedAuc(
  y: ArrayLike<number>,
  score: ArrayLike<number>,
  stride: number,
  offset: number,
  positive: number,
  w: ArrayLike<number>,
  what: string,
): number {
  const n = y.length;
  // Distinct scores of the rows with weight (zero-weight rows are left out, as sklearn's
  // _binary_clf_curve does), by a native sort and an in-place dedupe: far faster than sorting row
  // indices with a comparator.
  let m = 0;
  for (let i = 0; i < n; i++) if (w[i] > 0) m++;
  const vals = new Float64Array(m);
  m = 0;
  for (let i = 0; i < n; i++) if (w[i] > 0) vals[m++] = score[i * stride + offset];
  vals.sort();
  let u = 0;
  for (let i = 0; i < m; i++) if (u === 0 || vals[i] !== vals[u - 1]) vals[u++] = vals[i];
  // Positive and negative weight per distinct score, each row found by binary search.
  const wPos = new Float64Array(u);
  const wNeg = new Float64Array(u);
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    if (!(wi > 0)) continue;
    const v = score[i * stride + offset];
    let lo = 0;
    let hi = u - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (vals[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    if (y[i] === positive) wPos[lo] += wi;
    else wNeg[lo] += wi;
  }
  let totPos = 0;
  let negBelow = 0;
  let area = 0;
  for (let b = 0; b < u; b++) {
    area += wPos[b] * (negBelow + wNeg[b] / 2);
    negBelow += wNeg[b];
    totPos += wPos[b];
  }
  if (!(totPos > 0) || !(negBelow > 0)) throw oneClass(what, totPos > 0 ? 'only' : 'no');
  return area / totPos / negBelow;
}

function oneClass(what: string, kind: 'no' | 'only'): ModelyardError {
  return new ModelyardError(
    'TARGET_INVALID',
    `${what} is undefined: ${kind === 'no' ? 'no' : 'only'} positive rows (with non-zero weight) — both classes must be present`,
    { field: 'y' },
  );
}
