/**
 * Calibration of binary probabilities: the reliability curve (as sklearn
 * `sklearn.calibration.calibration_curve`) and the expected calibration error.
 */
import { ModelyardError } from '../errors.js';
import { checkClasses, checkLength, checkNonEmpty, checkProbabilities } from './validate.js';

export interface CalibrationCurve {
  /** Fraction of positives per non-empty bin. */
  probTrue: number[];
  /** Mean predicted probability per non-empty bin. */
  probPred: number[];
  /** Rows per non-empty bin. */
  counts: number[];
}

/**
 * Reliability curve of binary probabilities, as sklearn 1.2 `calibration_curve`: `uniform` bins split
 * [0, 1] evenly, `quantile` bins put the edges at the quantiles of `p1` (numpy's default linear
 * percentile). A bin holds (lower, upper] (the first also holds its lower edge), like numpy's
 * `searchsorted(inner_edges, p, side='left')`. Empty bins are dropped.
 *
 * @param nBins Number of bins (default 5, sklearn's default).
 * @example
 * ```ts
 * calibrationCurve([0, 0, 1, 1], [0.1, 0.3, 0.7, 0.9], 2);
 * // { probTrue: [0, 1], probPred: [0.2, 0.8], counts: [2, 2] }
 * ```
 */
export function calibrationCurve(
  y01: ArrayLike<number>,
  p1: ArrayLike<number>,
  nBins = 5,
  strategy: 'uniform' | 'quantile' = 'uniform',
): CalibrationCurve {
  const n = y01.length;
  check(y01, p1, nBins);
  let inner: Float64Array;
  if (strategy === 'uniform') inner = uniformInnerEdges(nBins);
  else if (strategy === 'quantile') inner = quantileInnerEdges(p1, nBins);
  else throw new ModelyardError('PARAM_INVALID', `strategy must be 'uniform' or 'quantile', got '${String(strategy)}'`, { field: 'strategy' });
  const sumP = new Float64Array(nBins);
  const sumY = new Float64Array(nBins);
  const count = new Float64Array(nBins);
  for (let i = 0; i < n; i++) {
    const b = binOf(inner, p1[i]);
    sumP[b] += p1[i];
    sumY[b] += y01[i];
    count[b]++;
  }
  const out: CalibrationCurve = { probTrue: [], probPred: [], counts: [] };
  for (let b = 0; b < nBins; b++) {
    if (count[b] === 0) continue;
    out.probTrue.push(sumY[b] / count[b]);
    out.probPred.push(sumP[b] / count[b]);
    out.counts.push(count[b]);
  }
  return out;
}

/**
 * Expected calibration error (Guo, Pleiss, Sun & Weinberger 2017, "On Calibration of Modern Neural
 * Networks", eq. 3) over `nBins` uniform bins: Σ_b (|B_b| / n) · |acc(B_b) − conf(B_b)|. For binary
 * probabilities of the positive class, acc(B) is the fraction of positives in the bin and conf(B)
 * the mean predicted probability — the gaps of the uniform {@link calibrationCurve}, weighted by
 * bin size. (This is the positive-class reliability ECE that monitoring tracks, not the top-label
 * variant, which bins max(p, 1 − p) instead.)
 *
 * @param nBins Number of uniform bins (default 10).
 * @example
 * ```ts
 * expectedCalibrationError([0, 1], [0.2, 0.8], 10); // (0.2 + 0.2) / 2 = 0.2
 * ```
 */
export function expectedCalibrationError(y01: ArrayLike<number>, p1: ArrayLike<number>, nBins = 10): number {
  const n = y01.length;
  check(y01, p1, nBins);
  const inner = uniformInnerEdges(nBins);
  const gap = new Float64Array(nBins);
  for (let i = 0; i < n; i++) gap[binOf(inner, p1[i])] += y01[i] - p1[i];
  // Σ_b (n_b / n) · |Σy_b/n_b − Σp_b/n_b| = Σ_b |Σ_b (y − p)| / n
  let ece = 0;
  for (let b = 0; b < nBins; b++) ece += Math.abs(gap[b]);
  return ece / n;
}

function check(y01: ArrayLike<number>, p1: ArrayLike<number>, nBins: number): void {
  checkNonEmpty(y01.length);
  if (!(Number.isInteger(nBins) && nBins >= 1)) throw new ModelyardError('PARAM_INVALID', `nBins must be an integer ≥ 1, got ${nBins}`, { field: 'nBins' });
  checkLength('p1', p1, y01.length);
  checkClasses('y', y01, 2);
  checkProbabilities('p1', p1);
}

/** Edges 1/n … (n−1)/n computed as numpy's `linspace(0, 1, n + 1)` does (i · step + 0). */
function uniformInnerEdges(nBins: number): Float64Array {
  const step = 1 / nBins;
  const e = new Float64Array(nBins - 1);
  for (let i = 1; i < nBins; i++) e[i - 1] = i * step + 0;
  return e;
}

/**
 * Inner edges at the quantiles i/n of `p`, reproducing `np.percentile(p, linspace(0, 1, n+1) * 100)`
 * bit for bit (the ×100 / 100 round trip, virtual index (m − 1)·q, numpy's two-sided `_lerp`), since
 * a point lying exactly on an edge must fall in the same bin as in sklearn.
 */
function quantileInnerEdges(p: ArrayLike<number>, nBins: number): Float64Array {
  const sorted = Float64Array.from(p).sort();
  const m = sorted.length;
  const step = 1 / nBins;
  const e = new Float64Array(nBins - 1);
  for (let i = 1; i < nBins; i++) {
    const q = ((i * step + 0) * 100) / 100;
    const virtual = (m - 1) * q;
    if (virtual >= m - 1) {
      e[i - 1] = sorted[m - 1];
      continue;
    }
    const lo = Math.floor(virtual);
    const t = virtual - lo;
    const a = sorted[lo];
    const b = sorted[lo + 1];
    const diff = b - a;
    e[i - 1] = t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
  }
  return e;
}

/** Number of inner edges strictly below v (numpy `searchsorted(edges, v, side='left')`). */
function binOf(inner: Float64Array, v: number): number {
  let lo = 0;
  let hi = inner.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (inner[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
