/**
 * Elastic-net regression by cyclic coordinate descent (Friedman, Hastie & Tibshirani,
 * "Regularization paths for generalized linear models via coordinate descent", J. Stat. Softw.
 * 33(1), 2010), on scikit-learn's `ElasticNet` objective
 *
 *   1/(2n)·Σᵢ sᵢ·(yᵢ − b − xᵢ·w)² + α·ρ·‖w‖₁ + ½·α·(1 − ρ)·‖w‖²,     ρ = l1_ratio,
 *
 * with sample weights rescaled to sum to n (as sklearn does) and the intercept unpenalised
 * (weighted centring). Each update is the soft-thresholded univariate least-squares solution
 * (paper, eq. 5) with the residual kept up to date ("naive updates", §2.2). Convergence is
 * checked like sklearn: when the largest coefficient change in a sweep is small relative to the
 * largest coefficient, the duality gap is computed and the loop stops once it is below
 * `tol · ‖y_c‖²`.
 */
import type { LinearSolution } from './logistic.js';
import { centreAndWeight, type RegressionProblem } from './ridge.js';

export interface ElasticNetProblem extends RegressionProblem {
  l1Ratio: number;
  maxIter: number;
  tol: number;
}

/**
 * Fits the elastic net.
 *
 * @example
 * ```ts
 * const sol = fitElasticNet({ X, n, p, y, sw, alpha: 0.1, l1Ratio: 0.5, maxIter: 1000, tol: 1e-4 });
 * ```
 */
export function fitElasticNet(prob: ElasticNetProblem): LinearSolution {
  const { X, n, p, y, alpha, l1Ratio, maxIter } = prob;
  // sklearn rescales weights to sum to n before centring.
  let sTotal = 0;
  for (let i = 0; i < n; i++) sTotal += prob.sw[i];
  const sw = new Float64Array(n);
  for (let i = 0; i < n; i++) sw[i] = (prob.sw[i] * n) / sTotal;
  const { B, yb, xMean, yMean } = centreAndWeight(X, n, p, y, sw);
  // Multiply the objective by n: ½‖y_b − Bw‖² + l1·‖w‖₁ + ½·l2·‖w‖².
  const l1 = alpha * l1Ratio * n;
  const l2 = alpha * (1 - l1Ratio) * n;
  const colNorm2 = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const off = j * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += B[off + i] * B[off + i];
    colNorm2[j] = s;
  }
  const w = new Float64Array(p);
  const r = yb.slice(); // residual y_b − B·w (w = 0)
  let yNorm2 = 0;
  for (let i = 0; i < n; i++) yNorm2 += yb[i] * yb[i];
  const tol = prob.tol * yNorm2;
  let iterations = 0;
  let converged = false;
  let message = 'maximum iterations reached';
  for (let it = 0; it < maxIter; it++) {
    iterations = it + 1;
    let wMax = 0;
    let dMax = 0;
    for (let j = 0; j < p; j++) {
      if (colNorm2[j] === 0) continue;
      const off = j * n;
      const old = w[j];
      let rho = 0;
      for (let i = 0; i < n; i++) rho += B[off + i] * r[i];
      rho += old * colNorm2[j];
      const mag = Math.abs(rho) - l1;
      const next = mag > 0 ? (Math.sign(rho) * mag) / (colNorm2[j] + l2) : 0;
      if (next !== old) {
        const delta = next - old;
        for (let i = 0; i < n; i++) r[i] -= delta * B[off + i];
        w[j] = next;
      }
      dMax = Math.max(dMax, Math.abs(next - old));
      wMax = Math.max(wMax, Math.abs(next));
    }
    const small = wMax === 0 || dMax / wMax < prob.tol;
    if (small || it === maxIter - 1) {
      // With no L1 part the scaled dual point below is 0 and the gap cannot close: use the bound
      // f(w) − f* ≤ ‖∇f‖² / (2·l2) of an l2-strongly convex quadratic, or (l2 = 0 too: plain
      // least squares) the coefficient-change test alone.
      const gap = l1 > 0 ? dualityGap(B, n, p, yb, w, r, l1, l2) : l2 > 0 ? gradientNorm2(B, n, p, w, r, l2) / (2 * l2) : small ? 0 : Infinity;
      if (gap < tol) {
        converged = true;
        message = 'duality gap below tolerance';
        break;
      }
    }
  }
  let b = yMean;
  for (let j = 0; j < p; j++) b -= xMean[j] * w[j];
  return { coef: w, intercept: Float64Array.of(b), iterations, converged, message };
}

/** ‖Bᵀr − l2·w‖²: the squared gradient norm of the smooth (l1 = 0) objective. */
function gradientNorm2(B: Float64Array, n: number, p: number, w: Float64Array, r: Float64Array, l2: number): number {
  let s2 = 0;
  for (let j = 0; j < p; j++) {
    const off = j * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += B[off + i] * r[i];
    s -= l2 * w[j];
    s2 += s * s;
  }
  return s2;
}

/**
 * Duality gap of ½‖y − Bw‖² + l1‖w‖₁ + ½·l2‖w‖² at w with residual r (the dual point is the
 * residual scaled into the dual feasible set), as in the elastic-net dual of Friedman et al. and
 * sklearn's `enet_coordinate_descent`.
 */
function dualityGap(B: Float64Array, n: number, p: number, y: Float64Array, w: Float64Array, r: Float64Array, l1: number, l2: number): number {
  let dualNorm = 0;
  let wNorm2 = 0;
  let wNorm1 = 0;
  for (let j = 0; j < p; j++) {
    const off = j * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += B[off + i] * r[i];
    dualNorm = Math.max(dualNorm, Math.abs(s - l2 * w[j]));
    wNorm2 += w[j] * w[j];
    wNorm1 += Math.abs(w[j]);
  }
  let rNorm2 = 0;
  let ry = 0;
  for (let i = 0; i < n; i++) {
    rNorm2 += r[i] * r[i];
    ry += r[i] * y[i];
  }
  let scale: number;
  let gap: number;
  if (dualNorm > l1) {
    scale = l1 / dualNorm;
    gap = 0.5 * (rNorm2 + rNorm2 * scale * scale);
  } else {
    scale = 1;
    gap = rNorm2;
  }
  return gap + l1 * wNorm1 - scale * ry + 0.5 * l2 * (1 + scale * scale) * wNorm2;
}
