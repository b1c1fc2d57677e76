/**
 * The `gbdt` learner kind: histogram gradient-boosted trees (LightGBM-style leaf-wise growth on
 * quantile bins, XGBoost-style regularised Newton gain, learned missing-value directions, native
 * categorical splits, two threads). See params.ts for every parameter and its default.
 */
import { ModelyardError } from '../../errors.js';
import type { Frame } from '../../frame/frame.js';
import type { FeatureSpec, Task } from '../../schema/types.js';
import { resolveParams } from '../params.js';
import type { Fitted, Json, Learner, LearnerKind, LearnerState, TrainSet } from '../types.js';
import { boost } from './booster.js';
import { predictRaw, type ForestArrays } from './forest.js';
import { linkScores, type ObjectiveName } from './objectives.js';
import { GBDT_DEFAULTS, GBDT_SPECS, type GbdtParams } from './params.js';
import { predictOne } from './predict-one.js';
import { completeForest, scoreRowComplete } from './complete-trees.js';
import './predict-pool.js';

const NAME = 'gbdt';
const STATE_VERSION = 1;

/**
 * The learner kind registered as `gbdt`.
 *
 * @example
 * ```ts
 * const fitted = gbdtKind.create({ rounds: 300, max_leaves: 31, learning_rate: 0.05 }).fit(trainSet);
 * const proba = fitted.predict(conformedTestFrame); // n × k, row-major
 * fitted.featureImportance?.(); // { x1: 0.61, … } (share of split gain)
 * ```
 */
export const gbdtKind: LearnerKind = {
  name: NAME,
  description: 'Histogram gradient-boosted trees: leaf-wise growth, 255 quantile bins, learned missing directions, native categorical splits, 2 threads',
  capabilities: { tasks: ['binary', 'multiclass', 'regression'], weights: true, missing: true, categorical: true },
  defaults: GBDT_DEFAULTS,
  create(params: Record<string, Json> = {}): Learner {
    return new GbdtLearner(resolveParams(NAME, GBDT_DEFAULTS, GBDT_SPECS, params));
  },
  load(state: LearnerState, features: readonly FeatureSpec[]): Fitted {
    return GbdtFitted.fromState(state, features);
  },
};

class GbdtLearner implements Learner {
  readonly name = NAME;
  constructor(readonly params: Readonly<GbdtParams>) {}

  fit(train: TrainSet): Fitted {
    checkTrainSet(train);
    if (train.task === 'regression' && this.params.objective === 'poisson') {
      for (let i = 0; i < train.y.length; i++) {
        if (train.y[i] < 0) throw new ModelyardError('TARGET_INVALID', `${NAME}: objective poisson needs a target ≥ 0, row ${i + 1} has ${train.y[i]}`, { row: i + 1 });
      }
    }
    const r = boost(train, this.params);
    return new GbdtFitted(train.task, train.task === 'regression' ? 1 : train.nClasses, { ...this.params }, train.frame.names, r.objective, r.K, r.base, r.forest, r.importanceGain, r.importanceSplit, {
      rounds: r.rounds,
      threads: r.threads,
      valid_loss: r.validLoss.length > 0 ? r.validLoss[r.rounds - 1] ?? null : null,
    });
  }
}

/** A fitted boosted forest. */
export class GbdtFitted implements Fitted {
  readonly learner = NAME;

  constructor(
    readonly task: Task,
    readonly nClasses: number,
    private readonly params: Record<string, Json>,
    readonly featureNames: readonly string[],
    private readonly objective: ObjectiveName,
    private readonly K: number,
    private readonly base: Float64Array,
    readonly forest: ForestArrays,
    private readonly importanceGain: Float64Array,
    private readonly importanceSplit: Float64Array,
    /** Training facts: rounds kept, threads used, validation loss at the kept round. */
    readonly info: { rounds: number; threads: number; valid_loss: number | null },
  ) {}

  /** Trees in the model (rounds × score columns). */
  get nTrees(): number {
    return this.forest.roots.length;
  }

  predict(frame: Frame): Float64Array {
    const raw = predictRaw(this.forest, this.featureNames, this.base, frame);
    return linkScores(this.objective, raw, frame.nRows, this.K);
  }

  /** Raw scores (log-odds / softmax logits / regression values before the link), n × K. */
  predictRaw(frame: Frame): Float64Array {
    return predictRaw(this.forest, this.featureNames, this.base, frame);
  }

  /**
   * One row given as values in feature order (numbers; categorical features as their category code,
   * NaN or −1 for missing): the serving path, with no frame and no allocation besides the result.
   */
  predictRow(values: ArrayLike<number>): Float64Array {
    // Depth-limited trees without categorical splits: eight trees at a time on the complete-tree
    // layout (complete-trees.ts, ~2× the node walker for one row); the same sum either way.
    const complete = values instanceof Float64Array ? completeForest(this.forest) : null;
    let raw: Float64Array;
    if (complete) {
      raw = Float64Array.from(this.base);
      scoreRowComplete(complete, this.K, values as Float64Array, raw);
    } else {
      raw = predictOne(this.forest, this.base, values);
    }
    return linkScores(this.objective, raw, 1, this.K);
  }

  /** Share of total split gain per feature (`'gain'`, default) or of split count (`'split'`). */
  featureImportance(type: 'gain' | 'split' = 'gain'): Record<string, number> {
    const v = type === 'split' ? this.importanceSplit : this.importanceGain;
    let total = 0;
    for (const x of v) total += x;
    const out: Record<string, number> = {};
    this.featureNames.forEach((name, f) => (out[name] = total > 0 ? v[f] / total : 0));
    return out;
  }

  toState(): LearnerState {
    const f = this.forest;
    return {
      learner: NAME,
      version: STATE_VERSION,
      params: this.params,
      state: { features: [...this.featureNames], objective: this.objective, K: this.K, task: this.task, nClasses: this.nClasses, info: this.info as unknown as Json },
      arrays: {
        feat: f.feat,
        thr: f.thr,
        child: f.child,
        flags: f.flags,
        cat_start: f.catStart,
        cat_bits: f.catBits,
        roots: f.roots,
        base: this.base,
        importance_gain: this.importanceGain,
        importance_split: this.importanceSplit,
      },
    };
  }

  static fromState(state: LearnerState, _features: readonly FeatureSpec[]): GbdtFitted {
    if (state.version > STATE_VERSION) throw new ModelyardError('ARTIFACT_VERSION', `${NAME}: state version ${state.version} is newer than this modelyard (${STATE_VERSION})`);
    const s = state.state as { features: string[]; objective: ObjectiveName; K: number; task: Task; nClasses: number; info: { rounds: number; threads: number; valid_loss: number | null } };
    const a = state.arrays;
    const forest: ForestArrays = {
      feat: a.feat as Int32Array,
      thr: a.thr as Float64Array,
      child: a.child as Int32Array,
      flags: a.flags as Uint8Array,
      catStart: a.cat_start as Int32Array,
      catBits: a.cat_bits as Uint8Array,
      roots: a.roots as Int32Array,
    };
    return new GbdtFitted(s.task, s.nClasses, state.params, s.features, s.objective, s.K, a.base as Float64Array, forest, a.importance_gain as Float64Array, a.importance_split as Float64Array, s.info);
  }
}

function checkTrainSet(train: TrainSet): void {
  const n = train.frame.nRows;
  const { y, task, nClasses } = train;
  if (n === 0) throw new ModelyardError('DATA_EMPTY', `${NAME}: no training rows`);
  if (train.frame.columns.length === 0) throw new ModelyardError('DATA_EMPTY', `${NAME}: no feature columns`);
  if (y.length !== n) throw new ModelyardError('TARGET_INVALID', `${NAME}: the target has ${y.length} values but the frame has ${n} rows`);
  if (train.weights && train.weights.length !== n) throw new ModelyardError('LENGTH_MISMATCH', `${NAME}: ${train.weights.length} sample weights for ${n} rows`);
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
  if (train.valid) {
    const vn = train.valid.frame.nRows;
    if (train.valid.y.length !== vn) throw new ModelyardError('LENGTH_MISMATCH', `${NAME}: the validation target has ${train.valid.y.length} values for ${vn} rows`);
    const names = train.frame.names.filter((c) => !train.valid!.frame.has(c));
    if (names.length > 0) throw new ModelyardError('COLUMN_MISSING', `${NAME}: the validation frame lacks column "${names[0]}"`, { column: names[0] });
  }
}
