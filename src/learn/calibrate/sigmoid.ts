/**
 * Platt scaling: P(y = 1 | f) = 1 / (1 + exp(A·f + B)), fitted by maximum likelihood on
 * out-of-fold scores f (Platt 1999, "Probabilistic outputs for support vector machines and
 * comparisons to regularized likelihood methods"), with the smoothed targets and the Newton
 * method with backtracking line search of Lin, Lin & Weng (2007, "A note on Platt's probabilistic
 * outputs for support vector machines", Machine Learning 68). The objective, targets and starting
 * point are exactly those of scikit-learn's `_SigmoidCalibration` (which minimises the same
 * function with BFGS), including sample weights.
 */
import type { Calibrator, CalibratorState } from './types.js';
import { applyColumns, calibratedColumns, classOfColumn, columnOf, indicator, needArray, needK } from './columns.js';

/** Slope and intercept of one fitted sigmoid. */
export interface SigmoidParams {
  a: number;
  b: number;
}

/** ln(1 + eᶻ) without overflow. */
function log1pExp(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * Fits A, B minimising Σ wᵢ·[ln(1 + e^{zᵢ}) − (1 − tᵢ)·zᵢ], zᵢ = A·fᵢ + B — the cross-entropy of
 * pᵢ = 1/(1 + e^{zᵢ}) against Platt's targets tᵢ = (N₊ + 1)/(N₊ + 2) for positives and
 * 1/(N₋ + 2) for negatives (N± the weighted class totals), which keep A, B finite even when a class
 * is absent. Newton steps on the exact 2 × 2 Hessian (+10⁻¹² on the diagonal, as Lin et al.) with
 * an Armijo backtracking line search, run to the floating-point optimum — max |gradient| ≤ 10⁻¹³·Σw,
 * or until full Newton steps stop shrinking the gradient — rather than stopping at BFGS's 10⁻⁵, so the
 * result is a property of the data, not of the optimiser.
 *
 * @param f Scores (here: uncalibrated probabilities of the class).
 * @param t 0/1 targets. @param w Optional non-negative weights.
 * @example
 * ```ts
 * const { a, b } = fitSigmoid(Float64Array.from([0.1, 0.4, 0.6, 0.9]), Float64Array.from([0, 0, 1, 1]));
 * ```
 */
export function fitSigmoid(f: Float64Array, t: Float64Array, w?: Float64Array): SigmoidParams {
  const n = f.length;
  let prior0 = 0;
  let prior1 = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    if (t[i] > 0) prior1 += wi;
    else prior0 += wi;
  }
  const hiTarget = (prior1 + 1) / (prior1 + 2);
  const loTarget = 1 / (prior0 + 2);
  const target = new Float64Array(n);
  for (let i = 0; i < n; i++) target[i] = t[i] > 0 ? hiTarget : loTarget;
  const wSum = prior0 + prior1;

  const objective = (A: number, B: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = A * f[i] + B;
      const li = log1pExp(z) - (1 - target[i]) * z;
      s += w ? w[i] * li : li;
    }
    return s;
  };

  let A = 0;
  let B = Math.log((prior0 + 1) / (prior1 + 1));
  let fval = objective(A, B);
  const tol = 1e-13 * Math.max(wSum, 1);
  let polished = false; // the last step was a full Newton step taken without a line search
  let prevA = A;
  let prevB = B;
  let prevG = Infinity;
  for (let iter = 0; iter < 100; iter++) {
    let g1 = 0;
    let g2 = 0;
    let h11 = 1e-12;
    let h22 = 1e-12;
    let h21 = 0;
    for (let i = 0; i < n; i++) {
      const z = A * f[i] + B;
      // p = 1/(1 + e^z) and p(1 − p), computed on the side where exp cannot overflow.
      let p: number;
      let q: number;
      if (z >= 0) {
        const e = Math.exp(-z);
        p = e / (1 + e);
        q = 1 / (1 + e);
      } else {
        const e = Math.exp(z);
        p = 1 / (1 + e);
        q = e / (1 + e);
      }
      const wi = w ? w[i] : 1;
      const d1 = wi * (target[i] - p);
      const d2 = wi * p * q;
      const fi = f[i];
      g1 += fi * d1;
      g2 += d1;
      h11 += fi * fi * d2;
      h22 += d2;
      h21 += fi * d2;
    }
    const gMax = Math.max(Math.abs(g1), Math.abs(g2));
    if (gMax <= tol) break;
    if (polished && !(gMax < prevG)) {
      // The unguarded step did not shrink the gradient: we are at the optimum up to rounding.
      A = prevA;
      B = prevB;
      break;
    }
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    prevA = A;
    prevB = B;
    prevG = gMax;
    polished = false;
    let step = 1;
    let accepted = false;
    while (step >= 1e-10) {
      const nA = A + step * dA;
      const nB = B + step * dB;
      const nf = objective(nA, nB);
      if (nf < fval + 1e-4 * step * gd) {
        A = nA;
        B = nB;
        fval = nf;
        accepted = true;
        break;
      }
      step /= 2;
    }
    if (!accepted) {
      // Near the optimum the decrease a step brings falls below the objective's rounding (the
      // objective is a sum of n terms), so the line search cannot see it. Take the full Newton
      // step and keep it only if it shrinks the gradient (checked at the next iteration).
      A += dA;
      B += dB;
      fval = objective(A, B);
      polished = true;
    }
  }
  return { a: A, b: B };
}

/** 1/(1 + e^{a·f + b}). */
function sigmoid(a: number, b: number, f: number): number {
  const z = a * f + b;
  if (z >= 0) {
    const e = Math.exp(-z);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(z));
}

/**
 * Sigmoid calibrator: one (a, b) per calibrated column (the positive class when binary, every class
 * one-vs-rest otherwise). Built by `fitCalibrator('sigmoid', …)` or from a stored state.
 *
 * @example
 * ```ts
 * const cal = fitCalibrator('sigmoid', oofProba, y, 2) as SigmoidCalibrator;
 * cal.apply(proba, n, 2); // n × 2, rows sum to 1
 * ```
 */
export class SigmoidCalibrator implements Calibrator {
  readonly method = 'sigmoid' as const;

  constructor(
    readonly k: number,
    private readonly a: Float64Array,
    private readonly b: Float64Array,
  ) {}

  apply(proba: Float64Array, n: number, k: number): Float64Array {
    return applyColumns(proba, n, k, this.k, (j, p) => sigmoid(this.a[j], this.b[j], p));
  }

  toState(): CalibratorState {
    return { method: 'sigmoid', state: { k: this.k }, arrays: { a: Float64Array.from(this.a), b: Float64Array.from(this.b) } };
  }
}

/** Fits one sigmoid per calibrated column (validated inputs: see `fitCalibrator`). */
export function fitSigmoidCalibrator(proba: Float64Array, y: ArrayLike<number>, n: number, k: number, w?: Float64Array): SigmoidCalibrator {
  const cols = calibratedColumns(k);
  const a = new Float64Array(cols);
  const b = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    const cls = classOfColumn(k, j);
    const p = fitSigmoid(columnOf(proba, n, k, cls), indicator(y, cls), w);
    a[j] = p.a;
    b[j] = p.b;
  }
  return new SigmoidCalibrator(k, a, b);
}

/** Rebuilds a sigmoid calibrator from `toState()` output. */
export function loadSigmoidCalibrator(state: CalibratorState): SigmoidCalibrator {
  const k = needK(state.state, 'sigmoid');
  const cols = calibratedColumns(k);
  const a = needArray(state.arrays, 'a', cols, 'sigmoid');
  const b = needArray(state.arrays, 'b', cols, 'sigmoid');
  return new SigmoidCalibrator(k, Float64Array.from(a), Float64Array.from(b));
}
