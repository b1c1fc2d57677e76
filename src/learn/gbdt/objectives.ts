/**
 * Boosting objectives: initial scores, per-row gradient and hessian of the loss at the current raw
 * scores, the loss itself (for early stopping) and the link to predictions. Scores are row-major
 * `n × K` (K = classes for multiclass, else 1).
 *
 * Gradients follow XGBoost's src/objective/regression_obj.cu and LightGBM's
 * src/objective/{binary,multiclass,regression}_objective.hpp: binary log loss g = p − y,
 * h = p(1 − p); softmax g = p_k − [y = k], h = K/(K−1) · p_k(1 − p_k) (LightGBM's factor, which makes
 * one-vs-rest Newton steps comparable to binary ones); squared error g = s − y, h = 1; Huber g = clip(s − y,
 * ±δ), h = 1 (LightGBM); Poisson on the log scale g = e^s − y, h = e^(s + 0.7) (LightGBM's
 * `poisson_max_delta_step` = 0.7 safeguard). Each is multiplied by the row weight.
 */
import { ModelyardError } from '../../errors.js';

export type ObjectiveName = 'binary' | 'softmax' | 'squared_error' | 'huber' | 'poisson';

export interface Objective {
  readonly name: ObjectiveName;
  /** Score columns (trees per round). */
  readonly K: number;
  /** Starting raw score per column (boost from the weighted average, as LightGBM's boost_from_average). */
  initScores(y: Float64Array, w: Float64Array): Float64Array;
  /** Called once per round before `gradients`: e.g. softmax probabilities of every row. */
  prepare(scores: Float64Array, n: number): void;
  /** Writes `[g, h]` per row for score column `k` into `gh` (length 2n). */
  gradients(scores: Float64Array, y: Float64Array, w: Float64Array, k: number, gh: Float32Array): void;
  /** Weighted mean loss of raw scores (for early stopping; lower is better). */
  loss(scores: Float64Array, y: Float64Array, w: Float64Array | undefined): number;
}

const EPS = 1e-16;

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/**
 * Binary log-loss gradients of rows [start, end): g = w(p − y), h = w·max(p(1 − p), ε). Exported for
 * the training worker, which computes a share of the rows with the same arithmetic (hist-pool.ts).
 */
export function binaryGradients(s: Float64Array, y: Float64Array, w: Float64Array, gh: Float32Array, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const p = sigmoid(s[i]);
    gh[2 * i] = w[i] * (p - y[i]);
    gh[2 * i + 1] = w[i] * Math.max(p * (1 - p), EPS);
  }
}

function weightedMean(y: Float64Array, w: Float64Array): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < y.length; i++) {
    s += w[i] * y[i];
    sw += w[i];
  }
  return s / sw;
}

/** The objective for a task and `objective` parameter. */
export function makeObjective(task: 'binary' | 'multiclass' | 'regression', nClasses: number, objective: string, huberDelta: number): Objective {
  if (task === 'binary') return binaryObjective();
  if (task === 'multiclass') return softmaxObjective(nClasses);
  switch (objective) {
    case 'huber':
      return huberObjective(huberDelta);
    case 'poisson':
      return poissonObjective();
    default:
      return squaredObjective();
  }
}

function binaryObjective(): Objective {
  return {
    name: 'binary',
    K: 1,
    initScores(y, w) {
      const p = Math.min(1 - 1e-12, Math.max(1e-12, weightedMean(y, w)));
      return Float64Array.of(Math.log(p / (1 - p)));
    },
    prepare() {},
    gradients(s, y, w, _k, gh) {
      binaryGradients(s, y, w, gh, 0, y.length);
    },
    loss(s, y, w) {
      let l = 0;
      let sw = 0;
      for (let i = 0; i < y.length; i++) {
        const wi = w ? w[i] : 1;
        // log(1 + e^{-z}) for y = 1, log(1 + e^{z}) for y = 0, computed stably.
        const z = y[i] > 0.5 ? s[i] : -s[i];
        l += wi * (z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z)));
        sw += wi;
      }
      return l / sw;
    },
  };
}

function softmaxObjective(K: number): Objective {
  let prob = new Float64Array(0);
  const factor = K / (K - 1);
  return {
    name: 'softmax',
    K,
    initScores(y, w) {
      const c = new Float64Array(K);
      let sw = 0;
      for (let i = 0; i < y.length; i++) {
        c[y[i]] += w[i];
        sw += w[i];
      }
      // Log class priors (as scikit-learn's HistGradientBoosting), clipped so an absent class stays finite.
      for (let k = 0; k < K; k++) c[k] = Math.log(Math.max(c[k] / sw, 1e-12));
      return c;
    },
    prepare(s, n) {
      if (prob.length !== n * K) prob = new Float64Array(n * K);
      softmaxRows(s, n, K, prob);
    },
    gradients(_s, y, w, k, gh) {
      for (let i = 0, n = y.length; i < n; i++) {
        const p = prob[i * K + k];
        gh[2 * i] = w[i] * (p - (y[i] === k ? 1 : 0));
        gh[2 * i + 1] = w[i] * Math.max(factor * p * (1 - p), EPS);
      }
    },
    loss(s, y, w) {
      const n = y.length;
      let l = 0;
      let sw = 0;
      for (let i = 0; i < n; i++) {
        let m = -Infinity;
        for (let k = 0; k < K; k++) m = Math.max(m, s[i * K + k]);
        let z = 0;
        for (let k = 0; k < K; k++) z += Math.exp(s[i * K + k] - m);
        const wi = w ? w[i] : 1;
        l += wi * (Math.log(z) + m - s[i * K + y[i]]);
        sw += wi;
      }
      return l / sw;
    },
  };
}

/** Row-wise softmax of `n × K` scores into `out` (max-shifted for stability). */
export function softmaxRows(s: Float64Array, n: number, K: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const b = i * K;
    let m = -Infinity;
    for (let k = 0; k < K; k++) if (s[b + k] > m) m = s[b + k];
    let z = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(s[b + k] - m);
      out[b + k] = e;
      z += e;
    }
    for (let k = 0; k < K; k++) out[b + k] /= z;
  }
}

function squaredObjective(): Objective {
  return {
    name: 'squared_error',
    K: 1,
    initScores: (y, w) => Float64Array.of(weightedMean(y, w)),
    prepare() {},
    gradients(s, y, w, _k, gh) {
      for (let i = 0, n = y.length; i < n; i++) {
        gh[2 * i] = w[i] * (s[i] - y[i]);
        gh[2 * i + 1] = w[i];
      }
    },
    loss(s, y, w) {
      let l = 0;
      let sw = 0;
      for (let i = 0; i < y.length; i++) {
        const wi = w ? w[i] : 1;
        l += wi * (s[i] - y[i]) ** 2;
        sw += wi;
      }
      return l / sw;
    },
  };
}

function huberObjective(delta: number): Objective {
  return {
    name: 'huber',
    K: 1,
    initScores: (y, w) => Float64Array.of(weightedMean(y, w)),
    prepare() {},
    gradients(s, y, w, _k, gh) {
      for (let i = 0, n = y.length; i < n; i++) {
        const r = s[i] - y[i];
        gh[2 * i] = w[i] * (r > delta ? delta : r < -delta ? -delta : r);
        gh[2 * i + 1] = w[i];
      }
    },
    loss(s, y, w) {
      let l = 0;
      let sw = 0;
      for (let i = 0; i < y.length; i++) {
        const wi = w ? w[i] : 1;
        const a = Math.abs(s[i] - y[i]);
        l += wi * (a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta));
        sw += wi;
      }
      return l / sw;
    },
  };
}

function poissonObjective(): Objective {
  const maxDeltaStep = 0.7;
  return {
    name: 'poisson',
    K: 1,
    initScores(y, w) {
      for (let i = 0; i < y.length; i++) {
        if (y[i] < 0) throw new ModelyardError('TARGET_INVALID', `gbdt: objective poisson needs a target ≥ 0, row ${i + 1} has ${y[i]}`, { row: i + 1 });
      }
      return Float64Array.of(Math.log(Math.max(weightedMean(y, w), 1e-12)));
    },
    prepare() {},
    gradients(s, y, w, _k, gh) {
      for (let i = 0, n = y.length; i < n; i++) {
        const e = Math.exp(s[i]);
        gh[2 * i] = w[i] * (e - y[i]);
        gh[2 * i + 1] = w[i] * Math.exp(s[i] + maxDeltaStep);
      }
    },
    loss(s, y, w) {
      let l = 0;
      let sw = 0;
      for (let i = 0; i < y.length; i++) {
        const wi = w ? w[i] : 1;
        l += wi * (Math.exp(s[i]) - y[i] * s[i]);
        sw += wi;
      }
      return l / sw;
    },
  };
}

/** Raw scores → predictions: probabilities (n × 2 or n × K, row-major) or values. */
export function linkScores(name: ObjectiveName, raw: Float64Array, n: number, K: number): Float64Array {
  if (name === 'binary') {
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const p = sigmoid(raw[i]);
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
    }
    return out;
  }
  if (name === 'softmax') {
    const out = new Float64Array(n * K);
    softmaxRows(raw, n, K, out);
    return out;
  }
  if (name === 'poisson') {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.exp(raw[i]);
    return out;
  }
  return raw;
}
