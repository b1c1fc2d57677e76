/**
 * L2-penalised logistic regression, binary (sigmoid) and multinomial (softmax), in scikit-learn's
 * parameterisation (`LogisticRegression(penalty='l2', C=…, solver='lbfgs')`, version 1.2):
 *
 *   binary:      Σᵢ sᵢ·[log(1 + e^{zᵢ}) − yᵢ·zᵢ] + ‖w‖² / (2C),      zᵢ = b + xᵢ·w
 *   multinomial: Σᵢ sᵢ·[log Σ_c e^{z_ic} − z_{i,yᵢ}] + ‖W‖²_F / (2C),  z_ic = b_c + xᵢ·W_c
 *
 * with sample weights sᵢ, intercepts unpenalised, and every class row of W penalised (the
 * symmetric multinomial parameterisation). Solved by L-BFGS ({@link lbfgs}); the stopping rule is
 * sklearn's `tol` on the largest gradient component of this sum-scaled objective.
 *
 * X is column-major (see transform/design.ts), so `X·w` is p contiguous axpy passes and `Xᵀr` is
 * p contiguous dot products.
 */
import { addXw, xtr, type SparseColumns } from './kernels.js';
import { lbfgs } from './lbfgs.js';

export interface LogisticProblem {
  /** Column-major n × p design matrix. */
  X: Float64Array;
  n: number;
  p: number;
  /** Class index per row, 0..k-1. */
  y: Float64Array;
  /** Sample weights (class weights included). */
  sw: Float64Array;
  /** Number of classes k; 2 fits the binary (sigmoid) model, more the multinomial one. */
  k: number;
  C: number;
  maxIter: number;
  tol: number;
  /** Fit the multinomial model even for k = 2. */
  multinomial?: boolean;
  /** Row lists of sparse 0/1 columns (see kernels.ts); the answer is the same without them. */
  ones?: SparseColumns;
}

export interface LinearSolution {
  /** Coefficients, row-major: one row of p per output (1 for binary, k for multinomial). */
  coef: Float64Array;
  /** One intercept per output. */
  intercept: Float64Array;
  iterations: number;
  converged: boolean;
  message: string;
}

/**
 * Fits logistic regression.
 *
 * @example
 * ```ts
 * const sol = fitLogistic({ X, n, p, y, sw, k: 2, C: 1, maxIter: 1000, tol: 1e-4 });
 * sol.coef;      // p coefficients
 * sol.intercept; // [b]
 * ```
 */
export function fitLogistic(prob: LogisticProblem): LinearSolution {
  return prob.k === 2 && !prob.multinomial ? fitBinary(prob) : fitMultinomial(prob);
}

function fitBinary(prob: LogisticProblem): LinearSolution {
  const { X, n, p, y, sw, C } = prob;
  const z = new Float64Array(n);
  const r = new Float64Array(n);
  const invC = 1 / C;
  const ones = prob.ones ?? null;
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    z.fill(theta[p]);
    addXw(X, n, p, ones, theta, 0, z, 0);
    let loss = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const zi = z[i];
      const s = sw[i];
      // log(1 + e^z) − y·z and σ(z), both without overflow.
      let softplus: number;
      let prob1: number;
      if (zi >= 0) {
        const e = Math.exp(-zi);
        softplus = zi + Math.log1p(e);
        prob1 = 1 / (1 + e);
      } else {
        const e = Math.exp(zi);
        softplus = Math.log1p(e);
        prob1 = e / (1 + e);
      }
      loss += s * (softplus - y[i] * zi);
      const ri = s * (prob1 - y[i]);
      r[i] = ri;
      gb += ri;
    }
    xtr(X, n, p, ones, r, 0, grad, 0);
    let penalty = 0;
    for (let j = 0; j < p; j++) {
      grad[j] += invC * theta[j];
      penalty += theta[j] * theta[j];
    }
    grad[p] = gb;
    return loss + 0.5 * invC * penalty;
  };
  const theta0 = new Float64Array(p + 1);
  // Start at the log-odds of the weighted class-1 share: the optimum when w = 0.
  let s1 = 0;
  let sAll = 0;
  for (let i = 0; i < n; i++) {
    sAll += sw[i];
    s1 += sw[i] * y[i];
  }
  const q = Math.min(Math.max(s1 / sAll, 1e-12), 1 - 1e-12);
  theta0[p] = Math.log(q / (1 - q));
  const res = lbfgs(objective, theta0, { maxIter: prob.maxIter, gtol: prob.tol });
  return { coef: res.x.slice(0, p), intercept: Float64Array.of(res.x[p]), iterations: res.iterations, converged: res.converged, message: res.message };
}

function fitMultinomial(prob: LogisticProblem): LinearSolution {
  const { X, n, p, y, sw, k, C } = prob;
  const Z = new Float64Array(k * n); // class-major: Z[c*n + i]
  const invC = 1 / C;
  const ones = prob.ones ?? null;
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    // theta = [W (k × p, row-major), b (k)]
    for (let c = 0; c < k; c++) {
      Z.fill(theta[k * p + c], c * n, (c + 1) * n);
      addXw(X, n, p, ones, theta, c * p, Z, c * n);
    }
    // Turn Z into residuals sᵢ·(p_ic − 1[yᵢ = c]) in place, accumulating the loss.
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) if (Z[c * n + i] > max) max = Z[c * n + i];
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(Z[c * n + i] - max);
      const lse = max + Math.log(sum);
      const yi = y[i];
      const s = sw[i];
      loss += s * (lse - Z[yi * n + i]);
      for (let c = 0; c < k; c++) {
        const pc = Math.exp(Z[c * n + i] - lse);
        Z[c * n + i] = s * (c === yi ? pc - 1 : pc);
      }
    }
    let penalty = 0;
    for (let c = 0; c < k; c++) {
      const zc = c * n;
      let gb = 0;
      for (let i = 0; i < n; i++) gb += Z[zc + i];
      grad[k * p + c] = gb;
      xtr(X, n, p, ones, Z, zc, grad, c * p);
      for (let j = 0; j < p; j++) {
        const w = theta[c * p + j];
        grad[c * p + j] += invC * w;
        penalty += w * w;
      }
    }
    return loss + 0.5 * invC * penalty;
  };
  const theta0 = new Float64Array(k * p + k);
  // Start at the centred log class shares: the optimum when W = 0.
  const share = new Float64Array(k);
  let sAll = 0;
  for (let i = 0; i < n; i++) {
    share[y[i]] += sw[i];
    sAll += sw[i];
  }
  let meanLog = 0;
  for (let c = 0; c < k; c++) {
    share[c] = Math.log(Math.max(share[c] / sAll, 1e-12));
    meanLog += share[c] / k;
  }
  for (let c = 0; c < k; c++) theta0[k * p + c] = share[c] - meanLog;
  const res = lbfgs(objective, theta0, { maxIter: prob.maxIter, gtol: prob.tol });
  return { coef: res.x.slice(0, k * p), intercept: res.x.slice(k * p), iterations: res.iterations, converged: res.converged, message: res.message };
}
