/**
 * The `linear` learner kind: logistic regression (binary, multinomial) for classification and
 * ridge / elastic-net regression, on a design matrix built inside `fit` from the conformed frame
 * (imputation with missing indicators, one-hot / ordinal / target encoding, standardisation; see
 * transform/design.ts). The fitted preprocessing is part of the learner state, so a loaded model
 * scores raw conformed frames.
 *
 * Parameters follow scikit-learn: `C` (inverse L2 strength of LogisticRegression), `alpha` (Ridge's
 * penalty on ‖w‖² when `l1_ratio` = 0; ElasticNet's overall strength on its 1/(2n)-scaled loss when
 * `l1_ratio` > 0, exactly as the two sklearn classes define it), `class_weight` ('balanced' is
 * n / (k · count_c)), `max_iter`, `tol`.
 *
 * Defaults reproduce the usual sklearn pipeline (mean imputation, StandardScaler, OneHotEncoder,
 * LogisticRegression(C=1) / Ridge(alpha=1)) plus missing indicators. As in an sklearn Pipeline,
 * where `sample_weight` reaches only the final estimator, the preprocessing statistics (means,
 * medians, scales, one-hot level frequencies) are unweighted; sample and class weights enter the
 * loss (and the target encoder's category means).
 */
import { ModelyardError } from '../../errors.js';
import type { Frame } from '../../frame/frame.js';
import type { FeatureSpec, Task } from '../../schema/types.js';
import { DesignBuilder, type DesignMatrix } from '../../transform/design.js';
import { resolveParams, type ParamSpecs } from '../params.js';
import type { Fitted, Json, Learner, LearnerKind, LearnerState, TrainSet, TypedArray } from '../types.js';
import { fitElasticNet } from './enet.js';
import { addXw, sparseColumns, type SparseColumns } from './kernels.js';
import { fitLogistic, type LinearSolution } from './logistic.js';
import { fitRidge } from './ridge.js';

const NAME = 'linear';
const STATE_VERSION = 1;

export const LINEAR_DEFAULTS = {
  C: 1.0,
  alpha: 1.0,
  l1_ratio: 0,
  class_weight: 'none',
  max_iter: 1000,
  tol: 1e-4,
  max_levels: 100,
  encoding: 'onehot',
  impute: 'mean',
  missing_indicator: true,
  target_smoothing: 10,
} satisfies Record<string, Json>;

export type LinearParams = typeof LINEAR_DEFAULTS;

const SPECS: ParamSpecs = {
  C: { type: 'number', min: 0, exclusiveMin: true, doc: 'logistic regression: inverse L2 regularisation strength (sklearn C)' },
  alpha: { type: 'number', min: 0, doc: 'regression: penalty strength (sklearn Ridge alpha; ElasticNet alpha when l1_ratio > 0)' },
  l1_ratio: { type: 'number', min: 0, max: 1, doc: 'regression: share of L1 in the elastic-net penalty; 0 = ridge (closed form)' },
  class_weight: { type: 'enum', values: ['none', 'balanced'], doc: "classification: 'balanced' weights class c by n / (k · count_c)" },
  max_iter: { type: 'integer', min: 1, doc: 'largest number of solver iterations (L-BFGS or coordinate-descent sweeps)' },
  tol: { type: 'number', min: 0, exclusiveMin: true, doc: 'solver tolerance (largest gradient component; elastic-net duality gap relative to ‖y‖²)' },
  max_levels: { type: 'integer', min: 2, doc: 'one-hot: most columns per categorical feature, __other__ included' },
  encoding: { type: 'enum', values: ['onehot', 'target', 'ordinal'], doc: 'categorical encoding' },
  impute: { type: 'enum', values: ['mean', 'median'], doc: 'imputation of numeric, integer and datetime features' },
  missing_indicator: { type: 'boolean', doc: 'add a 0/1 <name>__missing column for features with missing training values' },
  target_smoothing: { type: 'number', min: 0, doc: 'target encoding: m-estimate smoothing, in rows' },
};

type Solver = 'logistic' | 'multinomial' | 'ridge' | 'elastic-net';

/**
 * The learner kind registered as `linear`.
 *
 * @example
 * ```ts
 * const fitted = linearKind.create({ C: 0.5, class_weight: 'balanced' }).fit(trainSet);
 * const proba = fitted.predict(conformedTestFrame); // n × k, row-major
 * ```
 */
export const linearKind: LearnerKind = {
  name: NAME,
  description: 'Logistic regression (binary, multinomial; L-BFGS) and ridge / elastic-net regression on imputed, encoded, standardised features',
  capabilities: { tasks: ['binary', 'multiclass', 'regression'], weights: true, missing: true, categorical: true },
  defaults: LINEAR_DEFAULTS,
  create(params: Record<string, Json> = {}): Learner {
    return new LinearLearner(resolveParams(NAME, LINEAR_DEFAULTS, SPECS, params));
  },
  load(state: LearnerState, features: readonly FeatureSpec[]): Fitted {
    return LinearFitted.fromState(state, features);
  },
};

class LinearLearner implements Learner {
  readonly name = NAME;
  constructor(readonly params: Readonly<LinearParams>) {}

  fit(train: TrainSet): Fitted {
    const p = this.params;
    const { task, nClasses } = train;
    const n = train.frame.nRows;
    checkTrainSet(train);
    if (task !== 'regression' && p.l1_ratio > 0) {
      throw new ModelyardError('PARAM_INVALID', `${NAME}: l1_ratio applies to regression only (task is ${task}); use C for classification`, { flag: 'l1_ratio' });
    }
    const sw = sampleWeights(train, p.class_weight === 'balanced');
    const { builder, matrix } = DesignBuilder.fit(
      train.frame,
      train.features,
      {
        impute: p.impute as 'mean' | 'median',
        indicators: p.missing_indicator,
        encoding: p.encoding as 'onehot' | 'target' | 'ordinal',
        maxLevels: p.max_levels,
        targetSmoothing: p.target_smoothing,
      },
      { y: train.y, task, nClasses, weights: sw, seed: train.seed },
    );
    const X = matrix.values;
    const d = matrix.nCols;
    const ones = sparseColumns(X, n, d);
    let solver: Solver;
    let sol: LinearSolution;
    if (task === 'regression') {
      solver = p.l1_ratio > 0 ? 'elastic-net' : 'ridge';
      sol =
        solver === 'ridge'
          ? fitRidge({ X, n, p: d, y: train.y, sw, alpha: p.alpha, ones })
          : fitElasticNet({ X, n, p: d, y: train.y, sw, alpha: p.alpha, l1Ratio: p.l1_ratio, maxIter: p.max_iter, tol: p.tol });
    } else {
      const fitted = fitClassifier(X, n, d, ones, train.y, sw, task, nClasses, p);
      solver = fitted.solver;
      sol = fitted.sol;
    }
    train.onProgress?.(1, 1);
    return new LinearFitted(task, task === 'regression' ? 1 : nClasses, { ...p }, builder, solver, sol);
  }
}

/**
 * Binary: one sigmoid model. Multiclass: the multinomial model over the classes present in the
 * training rows; an absent class gets probability 0 (intercept −∞).
 */
function fitClassifier(X: Float64Array, n: number, d: number, ones: SparseColumns, y: Float64Array, sw: Float64Array, task: Task, k: number, p: Readonly<LinearParams>): { solver: Solver; sol: LinearSolution } {
  const weightOf = new Float64Array(k);
  for (let i = 0; i < n; i++) weightOf[y[i]] += sw[i];
  const present: number[] = [];
  for (let c = 0; c < k; c++) if (weightOf[c] > 0) present.push(c);
  if (present.length < 2) {
    throw new ModelyardError('TARGET_INVALID', `${NAME}: the training rows hold only one class (with positive weight): nothing to learn`);
  }
  if (task === 'binary') {
    return { solver: 'logistic', sol: fitLogistic({ X, n, p: d, y, sw, k: 2, C: p.C, maxIter: p.max_iter, tol: p.tol, ones }) };
  }
  const kk = present.length;
  const remap = new Int32Array(k).fill(-1);
  present.forEach((c, j) => (remap[c] = j));
  const yy = new Float64Array(n);
  for (let i = 0; i < n; i++) yy[i] = remap[y[i]];
  const sub = fitLogistic({ X, n, p: d, y: yy, sw, k: kk, C: p.C, maxIter: p.max_iter, tol: p.tol, multinomial: true, ones });
  if (kk === k) return { solver: 'multinomial', sol: sub };
  const coef = new Float64Array(k * d);
  const intercept = new Float64Array(k).fill(-Infinity);
  present.forEach((c, j) => {
    coef.set(sub.coef.subarray(j * d, (j + 1) * d), c * d);
    intercept[c] = sub.intercept[j];
  });
  return { solver: 'multinomial', sol: { ...sub, coef, intercept } };
}

/** A fitted linear model: the design builder plus coefficients. */
export class LinearFitted implements Fitted {
  readonly learner = NAME;

  constructor(
    readonly task: Task,
    readonly nClasses: number,
    private readonly params: Record<string, Json>,
    private readonly builder: DesignBuilder,
    private readonly solver: Solver,
    private readonly sol: LinearSolution,
  ) {}

  /** Whether the solver met its tolerance, and in how many iterations. */
  get convergence(): { converged: boolean; iterations: number; message: string } {
    return { converged: this.sol.converged, iterations: this.sol.iterations, message: this.sol.message };
  }

  predict(frame: Frame): Float64Array {
    return this.predictDesign(this.builder.transform(frame));
  }

  /** The fitted preprocessing (for the serving path's compiled design rows, transform/design-plan.ts). */
  get design(): DesignBuilder {
    return this.builder;
  }

  /** Scores a design matrix built by {@link design} (or a plan compiled from it). */
  predictDesign(m: DesignMatrix): Float64Array {
    const n = m.nRows;
    const d = m.nCols;
    const X = m.values;
    const outputs = this.sol.intercept.length;
    // z (outputs × n) = b + W·xᵢ, accumulated column by column in a fixed order (kernels.ts).
    const ones = sparseColumns(X, n, d);
    const z = new Float64Array(outputs * n);
    for (let c = 0; c < outputs; c++) {
      z.fill(this.sol.intercept[c], c * n, (c + 1) * n);
      addXw(X, n, d, ones, this.sol.coef, c * d, z, c * n);
    }
    if (this.task === 'regression') return z;
    const k = this.nClasses;
    const out = new Float64Array(n * k);
    if (this.solver === 'logistic') {
      for (let i = 0; i < n; i++) {
        const zi = z[i];
        const p1 = zi >= 0 ? 1 / (1 + Math.exp(-zi)) : Math.exp(zi) / (1 + Math.exp(zi));
        out[i * 2] = 1 - p1;
        out[i * 2 + 1] = p1;
      }
      return out;
    }
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) if (z[c * n + i] > max) max = z[c * n + i];
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(z[c * n + i] - max);
        out[i * k + c] = e;
        sum += e;
      }
      for (let c = 0; c < k; c++) out[i * k + c] /= sum;
    }
    return out;
  }

  /**
   * The model on the design columns: one row of coefficients per output (binary: the log-odds of
   * class 1; multinomial: one row per class; regression: one row), and the intercepts.
   */
  coefficients(): { names: readonly string[]; coef: Float64Array; intercept: Float64Array } {
    return { names: this.builder.names, coef: this.sol.coef.slice(), intercept: this.sol.intercept.slice() };
  }

  /** |coefficient| summed over a feature's design columns (and classes), normalised to sum 1. */
  featureImportance(): Record<string, number> {
    const features = this.builder.featureNames;
    const d = this.builder.nCols;
    const acc = new Float64Array(features.length);
    const outputs = this.sol.intercept.length;
    for (let c = 0; c < outputs; c++) for (let j = 0; j < d; j++) acc[this.builder.source[j]] += Math.abs(this.sol.coef[c * d + j]);
    const total = acc.reduce((a, b) => a + b, 0);
    const out: Record<string, number> = {};
    features.forEach((f, j) => (out[f] = total > 0 ? acc[j] / total : 0));
    return out;
  }

  toState(): LearnerState {
    const design = this.builder.toState();
    const arrays: Record<string, TypedArray> = { coef: this.sol.coef, intercept: this.sol.intercept };
    for (const [k, a] of Object.entries(design.arrays)) arrays[`design.${k}`] = a;
    return {
      learner: NAME,
      version: STATE_VERSION,
      params: { ...this.params },
      state: {
        task: this.task,
        nClasses: this.nClasses,
        solver: this.solver,
        iterations: this.sol.iterations,
        converged: this.sol.converged,
        message: this.sol.message,
        design: design.json,
      },
      arrays,
    };
  }

  static fromState(s: LearnerState, features: readonly FeatureSpec[]): LinearFitted {
    if (s.learner !== NAME) throw new ModelyardError('ARTIFACT_CORRUPT', `linear: state is for learner "${s.learner}"`);
    if (s.version > STATE_VERSION) throw new ModelyardError('ARTIFACT_VERSION', `linear: state version ${s.version} is newer than this modelyard reads (${STATE_VERSION})`);
    const st = s.state;
    if (!st || typeof st !== 'object' || Array.isArray(st)) throw new ModelyardError('ARTIFACT_CORRUPT', 'linear: state is not an object');
    const designArrays: Record<string, TypedArray> = {};
    for (const [k, a] of Object.entries(s.arrays)) if (k.startsWith('design.')) designArrays[k.slice(7)] = a;
    const builder = DesignBuilder.fromState({ json: st.design as { [k: string]: Json }, arrays: designArrays });
    const known = new Set(features.map((f) => f.name));
    const absent = builder.featureNames.filter((f) => !known.has(f));
    if (features.length > 0 && absent.length > 0) {
      throw new ModelyardError('ARTIFACT_CORRUPT', `linear: the model schema lacks feature${absent.length > 1 ? 's' : ''} ${absent.join(', ')} that the learner was trained on`);
    }
    const coef = s.arrays.coef;
    const intercept = s.arrays.intercept;
    if (!(coef instanceof Float64Array) || !(intercept instanceof Float64Array) || coef.length !== intercept.length * builder.nCols) {
      throw new ModelyardError('ARTIFACT_CORRUPT', 'linear: coefficient arrays are missing or have the wrong shape');
    }
    const task = String(st.task) as Task;
    const solver = String(st.solver) as Solver;
    return new LinearFitted(task, Number(st.nClasses), { ...s.params }, builder, solver, {
      coef,
      intercept,
      iterations: Number(st.iterations),
      converged: st.converged === true,
      message: String(st.message ?? ''),
    });
  }
}

/** Shape and value checks on a training set, as coded errors. */
function checkTrainSet(train: TrainSet): void {
  const n = train.frame.nRows;
  const { y, task, nClasses } = train;
  if (n === 0) throw new ModelyardError('DATA_EMPTY', `${NAME}: no training rows`);
  if (y.length !== n) throw new ModelyardError('TARGET_INVALID', `${NAME}: the target has ${y.length} values but the frame has ${n} rows`);
  if (train.weights && train.weights.length !== n) {
    throw new ModelyardError('INVALID_VALUE', `${NAME}: ${train.weights.length} sample weights for ${n} rows`);
  }
  if (task !== 'regression' && (!Number.isInteger(nClasses) || nClasses < 2 || (task === 'binary' && nClasses !== 2))) {
    throw new ModelyardError('TARGET_INVALID', `${NAME}: ${task} task with nClasses = ${nClasses}`);
  }
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (!Number.isFinite(v)) throw new ModelyardError('TARGET_INVALID', `${NAME}: target at row ${i + 1} is ${v}; rows with a missing target must be removed before fit`, { row: i + 1 });
    if (task !== 'regression' && (!Number.isInteger(v) || v < 0 || v >= nClasses)) {
      throw new ModelyardError('TARGET_INVALID', `${NAME}: class index ${v} at row ${i + 1} is outside 0..${nClasses - 1}`, { row: i + 1 });
    }
  }
  if (train.weights) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = train.weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) throw new ModelyardError('INVALID_VALUE', `${NAME}: sample weight at row ${i + 1} is ${w}; weights must be finite and ≥ 0`, { row: i + 1 });
      total += w;
    }
    if (!(total > 0)) throw new ModelyardError('INVALID_VALUE', `${NAME}: sample weights sum to 0`);
  }
}

/** Sample weights times class weights; sklearn's 'balanced' uses unweighted class counts. */
function sampleWeights(train: TrainSet, balanced: boolean): Float64Array {
  const n = train.frame.nRows;
  const sw = train.weights ? Float64Array.from(train.weights) : new Float64Array(n).fill(1);
  if (!balanced || train.task === 'regression') return sw;
  const k = train.nClasses;
  const count = new Float64Array(k);
  for (let i = 0; i < n; i++) count[train.y[i]]++;
  let present = 0;
  for (let c = 0; c < k; c++) if (count[c] > 0) present++;
  for (let i = 0; i < n; i++) sw[i] *= n / (present * count[train.y[i]]);
  return sw;
}
