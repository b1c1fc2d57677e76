/**
 * The learner contract (DESIGN.md, Contracts). A learner has plain, frozen JSON parameters validated
 * in `fit`; `fit` takes a conformed frame (see schema/validate) plus the encoded target and returns a
 * {@link Fitted} model that predicts and serialises itself as data (never code).
 *
 * Every learner is registered once in `learn/registry.ts` and checked by the shared conformance
 * suite in `test/conformance`, chosen by its {@link Capabilities}.
 */
import type { Frame } from '../frame/frame.js';
import type { FeatureSpec, Task } from '../schema/types.js';

/** JSON values, for parameters and artifact state. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** What a learner can do; the conformance suite picks its checks from these. */
export interface Capabilities {
  tasks: readonly Task[];
  /** Honours per-row sample weights. */
  weights: boolean;
  /** Accepts missing values in features without prior imputation. */
  missing: boolean;
  /** Accepts categorical features. */
  categorical: boolean;
}

/** Everything `fit` needs. `frame` holds exactly the `features`, conformed. */
export interface TrainSet {
  frame: Frame;
  features: readonly FeatureSpec[];
  task: Task;
  /** Number of classes (2 for binary); 1 for regression. */
  nClasses: number;
  /** Class index 0..k-1 for classification, value for regression; never NaN. */
  y: Float64Array;
  /** Per-row weights (class weights already multiplied in), or undefined for all ones. */
  weights?: Float64Array;
  /** Optional held-out rows for early stopping. */
  valid?: { frame: Frame; y: Float64Array; weights?: Float64Array };
  /** Seed for everything random in training. */
  seed: number;
  /** Worker threads the learner may use (default: all cores). */
  threads?: number;
  /** Progress callback (units are learner-defined, e.g. boosting rounds). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * A learner configured with parameters; `fit` never mutates its inputs.
 *
 * @example
 * ```ts
 * const learner = createLearner('linear', { C: 1 });
 * const fitted = learner.fit(trainSet);
 * const proba = fitted.predict(conformedFrame); // n × k, row-major
 * ```
 */
export interface Learner {
  readonly name: string;
  readonly params: Readonly<Record<string, Json>>;
  fit(train: TrainSet): Fitted;
}

/** A trained model's learner part. */
export interface Fitted {
  readonly learner: string;
  readonly task: Task;
  readonly nClasses: number;
  /**
   * Classification: probabilities, row-major n × k (k = nClasses, also 2 for binary; column 1 is
   * the positive class). Regression: the n predicted values.
   */
  predict(frame: Frame): Float64Array;
  /** The learner's state as data: JSON plus named typed arrays. */
  toState(): LearnerState;
  /** Per-feature importance (sums to 1 where defined). */
  featureImportance?(): Record<string, number>;
}

/** A fitted learner as data, as stored inside an artifact. */
export interface LearnerState {
  learner: string;
  /** Learner format version, for loading older artifacts. */
  version: number;
  params: Record<string, Json>;
  state: Json;
  arrays: Record<string, TypedArray>;
}

/** A learner kind: its defaults and capabilities, a constructor and a loader. */
export interface LearnerKind {
  readonly name: string;
  readonly description: string;
  readonly capabilities: Capabilities;
  readonly defaults: Readonly<Record<string, Json>>;
  create(params?: Record<string, Json>): Learner;
  /** Rebuilds a fitted learner from its state; `features` are the model's feature specs. */
  load(state: LearnerState, features: readonly FeatureSpec[]): Fitted;
}

/** Helper: number of output columns of `predict` for a task. */
export function outputWidth(task: Task, nClasses: number): number {
  return task === 'regression' ? 1 : nClasses;
}
