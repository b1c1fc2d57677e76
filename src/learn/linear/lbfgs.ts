/**
 * Limited-memory BFGS for smooth unconstrained minimisation, following Nocedal & Wright,
 * *Numerical Optimization* (2nd ed., 2006): the two-loop recursion (Algorithm 7.4) with the
 * initial Hessian scaling γ = sᵀy / yᵀy (eq. 7.20), the L-BFGS iteration (Algorithm 7.5), and a
 * line search that satisfies the strong Wolfe conditions (Algorithms 3.5 and 3.6, with the
 * safeguarded cubic interpolation of eq. 3.59).
 *
 * Near the optimum the decrease of f falls below its rounding error while the gradient is still
 * informative; there the Armijo test cannot tell a good step from a bad one. As Hager & Zhang
 * ("A new conjugate gradient method with guaranteed descent and an efficient line search", SIAM J.
 * Optim. 16(1), 2005, eq. 23) we then also accept the *approximate* Wolfe conditions — a slope
 * condition in place of the value test, allowed when f has not grown beyond rounding — so tight
 * gradient tolerances are reachable.
 *
 * Stopping: the largest gradient component `max|gᵢ| ≤ gtol` (scipy's `pgtol`, which scikit-learn
 * sets to its `tol`), `maxIter`, a line search that cannot progress, or (if `ftol` > 0) a relative
 * reduction of the objective below `ftol`.
 */

/** Evaluates the objective at `x`, writes its gradient into `grad`, returns the value. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Largest number of iterations (default 1000). */
  maxIter?: number;
  /** Stop when max |gradient component| ≤ gtol (default 1e-5). */
  gtol?: number;
  /** Stop when (f_prev − f) ≤ ftol · max(|f_prev|, |f|, 1) (default 0: off; the gradient decides). */
  ftol?: number;
  /** Number of correction pairs kept (default 10, as scipy). */
  memory?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  /** max |gᵢ| at `x`. */
  gradMax: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  message: string;
}

const C1 = 1e-4; // sufficient decrease (Armijo)
const C2 = 0.9; // curvature, the usual value for quasi-Newton methods (N&W §3.1)
const MAX_LS_EVALS = 40;

/**
 * Minimises `fn` from `x0` (not modified).
 *
 * @example
 * ```ts
 * // f(x) = (x0 - 3)² + 10 (x1 + 1)²
 * const r = lbfgs((x, g) => { g[0] = 2 * (x[0] - 3); g[1] = 20 * (x[1] + 1); return (x[0] - 3) ** 2 + 10 * (x[1] + 1) ** 2; }, new Float64Array(2));
 * r.x; // ≈ [3, -1]
 * ```
 */
export function lbfgs(fn: Objective, x0: Float64Array, opts: LbfgsOptions = {}): LbfgsResult {
  const maxIter = opts.maxIter ?? 1000;
  const gtol = opts.gtol ?? 1e-5;
  const ftol = opts.ftol ?? 0;
  const m = opts.memory ?? 10;
  const d = x0.length;

  let x = Float64Array.from(x0);
  let g = new Float64Array(d);
  let xt = new Float64Array(d);
  let gt = new Float64Array(d);
  const dir = new Float64Array(d);
  const S = Array.from({ length: m }, () => new Float64Array(d));
  const Y = Array.from({ length: m }, () => new Float64Array(d));
  const rho = new Float64Array(m);
  const alphaBuf = new Float64Array(m);
  let stored = 0; // number of valid pairs
  let head = 0; // index of the next slot to write

  let evaluations = 1;
  let f = fn(x, g);
  let gmax = maxAbs(g);
  if (!Number.isFinite(f)) return { x, f, gradMax: gmax, iterations: 0, evaluations, converged: false, message: 'objective is not finite at the start' };
  if (gmax <= gtol) return { x, f, gradMax: gmax, iterations: 0, evaluations, converged: true, message: 'gradient below tolerance' };

  let iter = 0;
  let message = 'maximum iterations reached';
  let converged = false;
  while (iter < maxIter) {
    // Search direction: −H·g by the two-loop recursion (N&W Algorithm 7.4).
    for (let i = 0; i < d; i++) dir[i] = -g[i];
    let firstStep: number;
    if (stored > 0) {
      for (let k = 0; k < stored; k++) {
        const s = (head - 1 - k + m) % m;
        const a = rho[s] * dot(S[s], dir);
        alphaBuf[s] = a;
        axpy(-a, Y[s], dir);
      }
      const last = (head - 1 + m) % m;
      const gamma = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let i = 0; i < d; i++) dir[i] *= gamma;
      for (let k = stored - 1; k >= 0; k--) {
        const s = (head - 1 - k + m) % m;
        const b = rho[s] * dot(Y[s], dir);
        axpy(alphaBuf[s] - b, S[s], dir);
      }
      firstStep = 1;
    } else {
      // No curvature information yet: a steepest-descent step of unit length.
      firstStep = 1 / Math.sqrt(dot(g, g));
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (rounding): restart from steepest descent.
      stored = 0;
      for (let i = 0; i < d; i++) dir[i] = -g[i];
      slope = -dot(g, g);
      firstStep = 1 / Math.sqrt(-slope);
    }
    const ls = wolfeSearch(fn, x, f, dir, slope, firstStep, xt, gt);
    evaluations += ls.evaluations;
    if (!ls.ok) {
      if (stored > 0) {
        stored = 0; // drop the curvature pairs and retry once along −g
        continue;
      }
      message = 'line search could not make progress';
      converged = gmax <= gtol;
      break;
    }
    iter++;
    // Curvature pair; the strong Wolfe conditions guarantee sᵀy > 0 up to rounding.
    const sNew = S[head];
    const yNew = Y[head];
    for (let i = 0; i < d; i++) {
      sNew[i] = xt[i] - x[i];
      yNew[i] = gt[i] - g[i];
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12 * dot(yNew, yNew)) {
      rho[head] = 1 / sy;
      head = (head + 1) % m;
      if (stored < m) stored++;
    }
    const fPrev = f;
    [x, xt] = [xt, x];
    [g, gt] = [gt, g];
    f = ls.f;
    gmax = maxAbs(g);
    if (gmax <= gtol) {
      converged = true;
      message = 'gradient below tolerance';
      break;
    }
    if (ftol > 0 && fPrev - f <= ftol * Math.max(Math.abs(fPrev), Math.abs(f), 1)) {
      converged = true;
      message = 'relative reduction of the objective below tolerance';
      break;
    }
  }
  return { x, f, gradMax: gmax, iterations: iter, evaluations, converged, message };
}

interface SearchResult {
  ok: boolean;
  f: number;
  evaluations: number;
}

/**
 * Strong-Wolfe line search (N&W Algorithm 3.5 with zoom, Algorithm 3.6). On success `xt`/`gt`
 * hold the accepted point and its gradient.
 */
function wolfeSearch(fn: Objective, x: Float64Array, f0: number, dir: Float64Array, slope0: number, step: number, xt: Float64Array, gt: Float64Array): SearchResult {
  let evaluations = 0;
  const d = x.length;
  // Rounding allowance for the approximate Wolfe conditions (Hager & Zhang use ε·|f₀|).
  const epsF = 1e-12 * Math.abs(f0);
  /** Sufficient decrease: Armijo, or (at rounding level) the approximate-Wolfe slope test. */
  const decreases = (a: number, f: number, slope: number): boolean => f <= f0 + C1 * a * slope0 || (f <= f0 + epsF && slope <= (2 * C1 - 1) * slope0);
  const phi = (a: number): { f: number; slope: number } => {
    for (let i = 0; i < d; i++) xt[i] = x[i] + a * dir[i];
    evaluations++;
    const f = fn(xt, gt);
    return { f, slope: dot(gt, dir) };
  };
  let aPrev = 0;
  let fPrev = f0;
  let sPrev = slope0;
  let a = step;
  for (let i = 0; evaluations < MAX_LS_EVALS; i++) {
    const { f, slope } = phi(a);
    if (!Number.isFinite(f)) {
      // Stepped into overflow: shrink towards the last good point.
      a = aPrev + (a - aPrev) / 4;
      continue;
    }
    if (!decreases(a, f, slope) || (i > 0 && f > fPrev)) return zoom(aPrev, fPrev, sPrev, a, f, slope);
    if (Math.abs(slope) <= -C2 * slope0) return { ok: true, f, evaluations };
    if (slope >= 0) return zoom(a, f, slope, aPrev, fPrev, sPrev);
    aPrev = a;
    fPrev = f;
    sPrev = slope;
    a *= 2;
  }
  return { ok: false, f: f0, evaluations };

  function zoom(lo: number, fLo: number, sLo: number, hi: number, fHi: number, sHi: number): SearchResult {
    while (evaluations < MAX_LS_EVALS && Math.abs(hi - lo) > 1e-16 * Math.max(1, Math.abs(lo))) {
      const a = interpolate(lo, fLo, sLo, hi, fHi, sHi);
      const { f, slope } = phi(a);
      if (!Number.isFinite(f) || !decreases(a, f, slope) || f > fLo) {
        hi = a;
        fHi = f;
        sHi = slope;
      } else {
        if (Math.abs(slope) <= -C2 * slope0) return { ok: true, f, evaluations };
        if (slope * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
          sHi = sLo;
        }
        lo = a;
        fLo = f;
        sLo = slope;
      }
    }
    // Out of evaluations: accept the best point with sufficient decrease, if any.
    if (lo > 0 && fLo <= f0 + epsF) {
      const { f } = phi(lo);
      return { ok: true, f, evaluations };
    }
    return { ok: false, f: f0, evaluations };
  }
}

/** Minimiser of the cubic through two points with values and slopes (N&W eq. 3.59), safeguarded. */
function interpolate(a0: number, f0: number, s0: number, a1: number, f1: number, s1: number): number {
  const lo = Math.min(a0, a1);
  const hi = Math.max(a0, a1);
  const width = hi - lo;
  const mid = lo + width / 2;
  if (!Number.isFinite(f1) || !Number.isFinite(s1)) return mid;
  const d1 = s0 + s1 - (3 * (f0 - f1)) / (a0 - a1);
  const disc = d1 * d1 - s0 * s1;
  if (disc < 0) return mid;
  const d2 = Math.sign(a1 - a0) * Math.sqrt(disc);
  const a = a1 - ((a1 - a0) * (s1 + d2 - d1)) / (s1 - s0 + 2 * d2);
  // Keep the trial inside the bracket, away from its ends, else bisect.
  if (!Number.isFinite(a) || a < lo + 0.1 * width || a > hi - 0.1 * width) return mid;
  return a;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}
