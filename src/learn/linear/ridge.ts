/**
 * Ridge regression in closed form, scikit-learn's `Ridge(alpha=…)` objective
 *
 *   Σᵢ sᵢ·(yᵢ − b − xᵢ·w)² + α·‖w‖²
 *
 * with the intercept unpenalised: centre X and y by their weighted means, solve
 * (X_cᵀ S X_c + αI)·w = X_cᵀ S y_c by Cholesky, then b = ȳ − x̄·w.
 */
import { cholesky, choleskySolve } from './cholesky.js';
import type { SparseColumns } from './kernels.js';
import type { LinearSolution } from './logistic.js';

export interface RegressionProblem {
  /** Column-major n × p design matrix. */
  X: Float64Array;
  n: number;
  p: number;
  y: Float64Array;
  /** Sample weights. */
  sw: Float64Array;
  alpha: number;
  /** Row lists of sparse 0/1 columns (see kernels.ts), used to build XᵀSX faster. */
  ones?: SparseColumns;
}

/**
 * Fits ridge regression.
 *
 * @example
 * ```ts
 * const sol = fitRidge({ X, n, p, y, sw, alpha: 1 });
 * ```
 */
export function fitRidge(prob: RegressionProblem): LinearSolution {
  const { X, n, p, y, sw, alpha } = prob;
  const ones = prob.ones ?? null;
  // Weighted means.
  let sTotal = 0;
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    sTotal += sw[i];
    yMean += sw[i] * y[i];
  }
  yMean /= sTotal;
  const xMean = new Float64Array(p);
  const sy = new Float64Array(n); // sᵢ·(yᵢ − ȳ)
  for (let i = 0; i < n; i++) sy[i] = sw[i] * (y[i] - yMean);
  const rhs = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const off = j * n;
    let m = 0;
    let r = 0;
    for (let i = 0; i < n; i++) {
      m += sw[i] * X[off + i];
      r += X[off + i] * sy[i]; // Σ s·x·(y − ȳ) = X_cᵀ S y_c since Σ s·(y − ȳ) = 0
    }
    xMean[j] = m / sTotal;
    rhs[j] = r;
  }
  // X_cᵀ S X_c = Xᵀ S X − S_total·x̄·x̄ᵀ; a pair with a sparse 0/1 column is summed over its rows.
  const A = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    const oj = j * n;
    const rj = ones ? ones[j] : null;
    for (let l = 0; l <= j; l++) {
      const ol = l * n;
      const rl = ones ? ones[l] : null;
      let s = 0;
      if (rj) for (let t = 0; t < rj.length; t++) s += sw[rj[t]] * X[ol + rj[t]];
      else if (rl) for (let t = 0; t < rl.length; t++) s += sw[rl[t]] * X[oj + rl[t]];
      else for (let i = 0; i < n; i++) s += sw[i] * X[oj + i] * X[ol + i];
      s -= sTotal * xMean[j] * xMean[l];
      A[j * p + l] = s;
      A[l * p + j] = s;
    }
  }
  for (let j = 0; j < p; j++) A[j * p + j] += alpha;
  const w = solveSpd(A, p, rhs);
  let b = yMean;
  for (let j = 0; j < p; j++) b -= xMean[j] * w[j];
  return { coef: w, intercept: Float64Array.of(b), iterations: 1, converged: true, message: 'closed form' };
}

/**
 * Solves A·x = rhs for symmetric positive (semi)definite A. If A is singular (α = 0 with collinear
 * columns) a growing multiple of the mean diagonal is added until the factorisation succeeds —
 * the minimum-norm-like answer a tiny ridge gives.
 */
function solveSpd(A: Float64Array, p: number, rhs: Float64Array): Float64Array {
  let meanDiag = 0;
  for (let j = 0; j < p; j++) meanDiag += A[j * p + j] / Math.max(1, p);
  let jitter = 0;
  for (let attempt = 0; attempt < 12; attempt++) {
    const L = A.slice();
    for (let j = 0; j < p; j++) L[j * p + j] += jitter;
    if (cholesky(L, p)) {
      const x = rhs.slice();
      choleskySolve(L, p, x);
      return x;
    }
    jitter = jitter === 0 ? 1e-12 * Math.max(meanDiag, 1e-300) : jitter * 10;
  }
  throw new Error('ridge: the normal equations could not be factorised');
}

/**
 * Weighted centring: returns B = √s ⊙ (X − x̄) column-major, y_b = √s ⊙ (y − ȳ), and the weighted
 * means x̄ and ȳ.
 */
export function centreAndWeight(X: Float64Array, n: number, p: number, y: Float64Array, sw: Float64Array): { B: Float64Array; yb: Float64Array; xMean: Float64Array; yMean: number } {
  let sTotal = 0;
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    sTotal += sw[i];
    yMean += sw[i] * y[i];
  }
  yMean /= sTotal;
  const root = new Float64Array(n);
  for (let i = 0; i < n; i++) root[i] = Math.sqrt(sw[i]);
  const xMean = new Float64Array(p);
  const B = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    const off = j * n;
    let m = 0;
    for (let i = 0; i < n; i++) m += sw[i] * X[off + i];
    m /= sTotal;
    xMean[j] = m;
    for (let i = 0; i < n; i++) B[off + i] = root[i] * (X[off + i] - m);
  }
  const yb = new Float64Array(n);
  for (let i = 0; i < n; i++) yb[i] = root[i] * (y[i] - yMean);
  return { B, yb, xMean, yMean };
}
