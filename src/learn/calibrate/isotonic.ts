/**
 * Isotonic calibration: the non-decreasing step function of the score that best fits the 0/1
 * targets in weighted least squares, found by the pool-adjacent-violators algorithm (Ayer et al.
 * 1955; Barlow et al. 1972; see Best & Chakravarti 1990 for the active-set view) and interpolated
 * linearly between its knots — scikit-learn's `IsotonicRegression(out_of_bounds='clip')`, as
 * `CalibratedClassifierCV(method='isotonic')` uses it: zero-weight rows dropped, tied scores
 * merged into their weighted mean target first, scores outside the fitted range clipped to it.
 */
import type { Calibrator, CalibratorState } from './types.js';
import { applyColumns, calibratedColumns, classOfColumn, columnOf, indicator, needArray, needK } from './columns.js';
import { ModelyardError } from '../../errors.js';

/**
 * Scores closer than this to the first of a run of tied scores count as the same score
 * (sklearn's `_make_unique` uses `np.finfo(float64).resolution`).
 */
const SAME_SCORE = 1e-15;

/** Knots of a fitted isotonic function: strictly increasing x, non-decreasing y. */
export interface IsotonicKnots {
  x: Float64Array;
  y: Float64Array;
}

/**
 * Fits the isotonic (non-decreasing) regression of targets `t` on scores `f` with weights `w`.
 *
 * 1. Drop rows of zero weight; sort by score (then target).
 * 2. Merge tied scores into one point: the weighted mean target, the summed weight.
 * 3. Pool adjacent violators: scan left to right keeping a stack of blocks (weighted mean, weight);
 *    while the last block's mean is not above the one before, merge the two. The fitted value of a
 *    point is its block's mean.
 * 4. Keep only the knots needed for interpolation: the first, the last, and every point whose
 *    value differs from a neighbour's (interior points of a flat run interpolate to the same value).
 *
 * @example
 * ```ts
 * fitIsotonic(Float64Array.from([0.1, 0.2, 0.3, 0.4]), Float64Array.from([0, 1, 0, 1]));
 * // { x: [0.1, 0.2, 0.3, 0.4], y: [0, 0.5, 0.5, 1] }
 * ```
 */
export function fitIsotonic(f: Float64Array, t: Float64Array, w?: Float64Array): IsotonicKnots {
  const n = f.length;
  let m = 0;
  for (let i = 0; i < n; i++) if (!w || w[i] > 0) m++;
  const order = new Uint32Array(m);
  m = 0;
  for (let i = 0; i < n; i++) if (!w || w[i] > 0) order[m++] = i;
  if (m === 0) throw new ModelyardError('INVALID_VALUE', 'isotonic calibration needs at least one row with non-zero weight', { field: 'weights' });
  order.sort((i, j) => f[i] - f[j] || t[i] - t[j]);

  // 2. unique scores (weighted mean target per score)
  const ux = new Float64Array(m);
  const uy = new Float64Array(m);
  const uw = new Float64Array(m);
  let u = 0;
  let curX = f[order[0]];
  let sumW = 0;
  let sumWY = 0;
  for (let r = 0; r < m; r++) {
    const i = order[r];
    const wi = w ? w[i] : 1;
    if (f[i] - curX >= SAME_SCORE) {
      ux[u] = curX;
      uw[u] = sumW;
      uy[u] = sumWY / sumW;
      u++;
      curX = f[i];
      sumW = 0;
      sumWY = 0;
    }
    sumW += wi;
    sumWY += t[i] * wi;
  }
  ux[u] = curX;
  uw[u] = sumW;
  uy[u] = sumWY / sumW;
  u++;

  // 3. pool adjacent violators; blocks as (mean, weight, last index)
  const bMean = new Float64Array(u);
  const bW = new Float64Array(u);
  const bEnd = new Int32Array(u);
  let top = 0;
  for (let i = 0; i < u; i++) {
    bMean[top] = uy[i];
    bW[top] = uw[i];
    bEnd[top] = i;
    top++;
    while (top > 1 && bMean[top - 2] >= bMean[top - 1]) {
      const wSum = bW[top - 2] + bW[top - 1];
      bMean[top - 2] = (bW[top - 2] * bMean[top - 2] + bW[top - 1] * bMean[top - 1]) / wSum;
      bW[top - 2] = wSum;
      bEnd[top - 2] = bEnd[top - 1];
      top--;
    }
  }
  const fitted = new Float64Array(u);
  let start = 0;
  for (let b = 0; b < top; b++) {
    for (let i = start; i <= bEnd[b]; i++) fitted[i] = bMean[b];
    start = bEnd[b] + 1;
  }

  // 4. trim interior points of flat runs
  let kept = 0;
  const kx = new Float64Array(u);
  const ky = new Float64Array(u);
  for (let i = 0; i < u; i++) {
    if (i === 0 || i === u - 1 || fitted[i] !== fitted[i - 1] || fitted[i] !== fitted[i + 1]) {
      kx[kept] = ux[i];
      ky[kept] = fitted[i];
      kept++;
    }
  }
  return { x: kx.slice(0, kept), y: ky.slice(0, kept) };
}

/**
 * Value of the isotonic function at score v: clipped to [x₀, x_last], then linear between the two
 * knots around it (scipy `interp1d` arithmetic: the right knot is the first with x ≥ v).
 */
export function interpolateIsotonic(x: Float64Array, y: Float64Array, from: number, to: number, v: number): number {
  const len = to - from;
  if (len === 1) return y[from];
  if (v < x[from]) v = x[from];
  else if (v > x[to - 1]) v = x[to - 1];
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  const right = Math.min(Math.max(lo, from + 1), to - 1);
  const left = right - 1;
  const slope = (y[right] - y[left]) / (x[right] - x[left]);
  return slope * (v - x[left]) + y[left];
}

/**
 * Isotonic calibrator: the knots of every calibrated column, concatenated (`offsets` delimit them).
 * Built by `fitCalibrator('isotonic', …)` or from a stored state.
 *
 * @example
 * ```ts
 * const cal = fitCalibrator('isotonic', oofProba, y, 3) as IsotonicCalibrator;
 * cal.toState(); // { method: 'isotonic', state: { k: 3 }, arrays: { x, y, offsets } }
 * ```
 */
export class IsotonicCalibrator implements Calibrator {
  readonly method = 'isotonic' as const;

  constructor(
    readonly k: number,
    private readonly x: Float64Array,
    private readonly y: Float64Array,
    private readonly offsets: Int32Array,
  ) {}

  apply(proba: Float64Array, n: number, k: number): Float64Array {
    const { x, y, offsets } = this;
    return applyColumns(proba, n, k, this.k, (j, p) => interpolateIsotonic(x, y, offsets[j], offsets[j + 1], p));
  }

  toState(): CalibratorState {
    return {
      method: 'isotonic',
      state: { k: this.k },
      arrays: { x: Float64Array.from(this.x), y: Float64Array.from(this.y), offsets: Int32Array.from(this.offsets) },
    };
  }
}

/** Fits one isotonic function per calibrated column (validated inputs: see `fitCalibrator`). */
export function fitIsotonicCalibrator(proba: Float64Array, y: ArrayLike<number>, n: number, k: number, w?: Float64Array): IsotonicCalibrator {
  const cols = calibratedColumns(k);
  const parts: IsotonicKnots[] = [];
  const offsets = new Int32Array(cols + 1);
  for (let j = 0; j < cols; j++) {
    const cls = classOfColumn(k, j);
    const knots = fitIsotonic(columnOf(proba, n, k, cls), indicator(y, cls), w);
    parts.push(knots);
    offsets[j + 1] = offsets[j] + knots.x.length;
  }
  const x = new Float64Array(offsets[cols]);
  const yy = new Float64Array(offsets[cols]);
  parts.forEach((p, j) => {
    x.set(p.x, offsets[j]);
    yy.set(p.y, offsets[j]);
  });
  return new IsotonicCalibrator(k, x, yy, offsets);
}

/** Rebuilds an isotonic calibrator from `toState()` output, checking the knots are consistent. */
export function loadIsotonicCalibrator(state: CalibratorState): IsotonicCalibrator {
  const k = needK(state.state, 'isotonic');
  const cols = calibratedColumns(k);
  const offsets = state.arrays.offsets;
  if (!(offsets instanceof Int32Array) || offsets.length !== cols + 1 || offsets[0] !== 0) {
    throw new ModelyardError('ARTIFACT_CORRUPT', `the isotonic calibrator's "offsets" must be ${cols + 1} int32 values starting at 0`);
  }
  for (let j = 0; j < cols; j++) {
    if (!(offsets[j + 1] > offsets[j])) throw new ModelyardError('ARTIFACT_CORRUPT', `the isotonic calibrator's column ${j} has no knots`);
  }
  const x = needArray(state.arrays, 'x', offsets[cols], 'isotonic');
  const y = needArray(state.arrays, 'y', offsets[cols], 'isotonic');
  return new IsotonicCalibrator(k, Float64Array.from(x), Float64Array.from(y), Int32Array.from(offsets));
}
