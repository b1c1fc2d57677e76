/**
 * The tree learners on shared binned data (learn/binning): `tree` (one CART tree, Breiman et al.
 * 1984), `forest` (random forest, Breiman 2001: bootstrap rows, random feature subsets per split,
 * probabilities averaged over trees as scikit-learn does) and `extra_trees` (Geurts, Ernst &
 * Wehenkel 2006: one random threshold per candidate feature, no bootstrap by default).
 *
 * Missing values fall in each feature's missing bin and take a learned direction at every split;
 * categorical features split many-vs-many on their bins (split.ts). Predictions bin the incoming
 * frame with the stored cut points and walk the flattened trees (buffer.ts).
 */
import { ModelyardError } from '../../errors.js';
import type { Frame } from '../../frame/frame.js';
import type { FeatureSpec, Task } from '../../schema/types.js';
import { Rng } from '../../util/random.js';
import { Binner } from '../binning/index.js';
import { resolveParams } from '../params.js';
import type { Fitted, Json, Learner, LearnerKind, LearnerState, TrainSet, TypedArray } from '../types.js';
import type { GrowData } from './grow.js';
import { EXTRA_DEFAULTS, FOREST_DEFAULTS, TREE_DEFAULTS, TREE_SPECS, resolveMaxFeatures } from './params.js';
import { packForest, predictForest, type ForestArrays } from './predict.js';
import { trainTreesParallel } from './parallel.js';

const STATE_VERSION = 1;

interface Variant {
  name: 'tree' | 'forest' | 'extra_trees';
  description: string;
  defaults: Record<string, Json>;
  random: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'tree', description: 'One CART decision tree (Gini / squared error) on quantile-binned features', defaults: TREE_DEFAULTS, random: false },
  { name: 'forest', description: 'Random forest: bootstrapped CART trees with random feature subsets, averaged', defaults: FOREST_DEFAULTS, random: false },
  { name: 'extra_trees', description: 'Extremely randomised trees: random thresholds, random feature subsets, averaged', defaults: EXTRA_DEFAULTS, random: true },
];

function makeKind(v: Variant): LearnerKind {
  const specs = v.name === 'tree' ? Object.fromEntries(Object.entries(TREE_SPECS).filter(([k]) => k !== 'trees' && k !== 'bootstrap')) : TREE_SPECS;
  return {
    name: v.name,
    description: v.description,
    capabilities: { tasks: ['binary', 'multiclass', 'regression'], weights: true, missing: true, categorical: true },
    defaults: v.defaults,
    create(params: Record<string, Json> = {}): Learner {
      return new TreeLearner(v, resolveParams(v.name, v.defaults, specs, params));
    },
    load(state: LearnerState, features: readonly FeatureSpec[]): Fitted {
      return TreeFitted.fromState(v.name, state, features);
    },
  };
}

/**
 * The learner kinds registered as `tree`, `forest` and `extra_trees`.
 *
 * @example
 * ```ts
 * const fitted = forestKind.create({ trees: 300, min_samples_leaf: 2 }).fit(trainSet);
 * const proba = fitted.predict(conformedFrame); // n × k, row-major
 * fitted.featureImportance!(); // mean decrease in impurity, sums to 1
 * ```
 */
export const [treeKind, forestKind, extraTreesKind] = VARIANTS.map(makeKind);

class TreeLearner implements Learner {
  readonly name: string;
  constructor(
    private readonly v: Variant,
    readonly params: Readonly<Record<string, Json>>,
  ) {
    this.name = v.name;
  }

  fit(train: TrainSet): Fitted {
    const p = this.params;
    const name = this.v.name;
    checkTrainSet(name, train);
    const { task } = train;
    const n = train.frame.nRows;
    const k = task === 'regression' ? 1 : train.nClasses;
    const binner = Binner.fit(train.frame, { maxBins: Number(p.max_bins), maxCategories: Number(p.max_categories), seed: train.seed });
    const { bins } = binner.transform(train.frame);
    const F = binner.nFeatures;
    const data: GrowData = {
      bins,
      n,
      nFeatures: F,
      nBins: Int32Array.from(binner.features, (f) => f.nBins),
      isCat: Uint8Array.from(binner.features, (f) => (f.kind === 'categorical' ? 1 : 0)),
      m: k,
      classification: task !== 'regression',
      cls: task === 'regression' ? new Int32Array(0) : Int32Array.from(train.y),
      y: train.y,
    };
    const baseW = baseWeights(train, p.class_weight === 'balanced');
    const nTrees = name === 'tree' ? 1 : Number(p.trees);
    const master = new Rng(train.seed);
    const seeds = Uint32Array.from({ length: nTrees }, () => master.nextU32());
    const cfg = {
      bootstrap: name === 'tree' ? false : p.bootstrap === true,
      maxDepth: p.max_depth === null ? 0x7fffffff : Number(p.max_depth),
      minSamplesSplit: Number(p.min_samples_split),
      minSamplesLeaf: Number(p.min_samples_leaf),
      maxFeatures: resolveMaxFeatures(p.max_features, task, F),
      random: this.v.random,
    };
    const threads = train.threads === undefined || train.threads === 0 ? undefined : train.threads;
    const chunk = trainTreesParallel(data, baseW, cfg, seeds, threads, train.onProgress);
    const imp = chunk.importance;
    for (let f = 0; f < F; f++) imp[f] /= nTrees;
    const forest: ForestArrays = { ...chunk.nodes, roots: chunk.roots };
    return new TreeFitted(name, task, k, { ...p }, binner, forest, imp);
  }
}

/** A fitted tree, forest or extra-trees model. */
export class TreeFitted implements Fitted {
  private readonly packed: Int32Array;
  private readonly missingBin: Int32Array;

  constructor(
    readonly learner: string,
    readonly task: Task,
    readonly nClasses: number,
    private readonly params: Record<string, Json>,
    private readonly binner: Binner,
    private readonly forest: ForestArrays,
    private readonly importance: Float64Array,
  ) {
    this.packed = packForest(forest);
    this.missingBin = Int32Array.from(binner.features, (f) => f.missingBin);
  }

  /** Number of trees and nodes (for reports and tests). */
  get size(): { trees: number; nodes: number } {
    return { trees: this.forest.roots.length, nodes: this.forest.feature.length };
  }

  predict(frame: Frame): Float64Array {
    const { bins, nRows } = this.binner.transform(frame);
    const m = this.task === 'regression' ? 1 : this.nClasses;
    return predictForest(this.forest, this.packed, bins, nRows, this.binner.nFeatures, this.missingBin, m, this.task !== 'regression');
  }

  /** Mean decrease in impurity per feature (per-tree normalised, averaged over trees; sklearn's MDI). */
  featureImportance(): Record<string, number> {
    const out: Record<string, number> = {};
    this.binner.features.forEach((f, j) => (out[f.name] = this.importance[j]));
    return out;
  }

  toState(): LearnerState {
    const b = this.binner.toState();
    const f = this.forest;
    const arrays: Record<string, TypedArray> = {
      ...b.arrays,
      feature: f.feature,
      threshold: f.threshold,
      missing_left: f.missingLeft,
      categorical: f.categorical,
      left: f.left,
      right: f.right,
      values: f.values,
      words: f.words,
      roots: f.roots,
      importance: this.importance,
    };
    return {
      learner: this.learner,
      version: STATE_VERSION,
      params: { ...this.params },
      state: { task: this.task, nClasses: this.nClasses, binner: b.state },
      arrays,
    };
  }

  static fromState(name: string, s: LearnerState, features: readonly FeatureSpec[]): TreeFitted {
    if (s.learner !== name) throw new ModelyardError('ARTIFACT_CORRUPT', `${name}: state is for learner "${s.learner}"`);
    if (s.version > STATE_VERSION) throw new ModelyardError('ARTIFACT_VERSION', `${name}: state version ${s.version} is newer than this modelyard reads (${STATE_VERSION})`);
    const st = s.state as Record<string, Json> | null;
    if (!st || typeof st !== 'object' || Array.isArray(st)) throw new ModelyardError('ARTIFACT_CORRUPT', `${name}: state is not an object`);
    const a = s.arrays;
    const need: [string, new (n: number) => TypedArray][] = [
      ['feature', Int32Array],
      ['threshold', Int32Array],
      ['missing_left', Uint8Array],
      ['categorical', Uint8Array],
      ['left', Int32Array],
      ['right', Int32Array],
      ['values', Float64Array],
      ['words', Uint32Array],
      ['roots', Int32Array],
      ['importance', Float64Array],
    ];
    for (const [key, C] of need) if (!(a[key] instanceof C)) throw new ModelyardError('ARTIFACT_CORRUPT', `${name}: array "${key}" is missing or has the wrong type`);
    const binner = Binner.fromState(st.binner, a);
    const known = new Set(features.map((f) => f.name));
    const absent = binner.features.filter((f) => !known.has(f.name)).map((f) => f.name);
    if (features.length > 0 && absent.length > 0) throw new ModelyardError('ARTIFACT_CORRUPT', `${name}: the model schema lacks feature(s) ${absent.join(', ')} that the trees use`);
    const task = String(st.task) as Task;
    const k = Number(st.nClasses);
    const forest: ForestArrays = {
      feature: a.feature as Int32Array,
      threshold: a.threshold as Int32Array,
      missingLeft: a.missing_left as Uint8Array,
      categorical: a.categorical as Uint8Array,
      left: a.left as Int32Array,
      right: a.right as Int32Array,
      values: a.values as Float64Array,
      words: a.words as Uint32Array,
      roots: a.roots as Int32Array,
    };
    const m = task === 'regression' ? 1 : k;
    const nn = forest.feature.length;
    if (forest.values.length !== nn * m || [forest.threshold, forest.missingLeft, forest.categorical, forest.left, forest.right].some((x) => x.length !== nn)) {
      throw new ModelyardError('ARTIFACT_CORRUPT', `${name}: node arrays have inconsistent lengths`);
    }
    for (let i = 0; i < nn; i++) {
      const f = forest.feature[i];
      if (f < 0) continue;
      if (f >= binner.nFeatures || forest.left[i] <= i || forest.right[i] <= i || forest.left[i] >= nn || forest.right[i] >= nn) {
        throw new ModelyardError('ARTIFACT_CORRUPT', `${name}: node ${i} points outside the tree`);
      }
      if (forest.categorical[i] && forest.threshold[i] + 8 > forest.words.length) throw new ModelyardError('ARTIFACT_CORRUPT', `${name}: node ${i} has no category set`);
    }
    return new TreeFitted(name, task, k, { ...s.params }, binner, forest, a.importance as Float64Array);
  }
}

/** Sample weights times class weights ('balanced': n / (k · count_c), unweighted counts as sklearn). */
function baseWeights(train: TrainSet, balanced: boolean): Float64Array {
  const n = train.frame.nRows;
  const w = train.weights ? Float64Array.from(train.weights) : new Float64Array(n).fill(1);
  if (!balanced || train.task === 'regression') return w;
  const count = new Float64Array(train.nClasses);
  for (let i = 0; i < n; i++) count[train.y[i]]++;
  let present = 0;
  for (const c of count) if (c > 0) present++;
  for (let i = 0; i < n; i++) w[i] *= n / (present * count[train.y[i]]);
  return w;
}

function checkTrainSet(name: string, train: TrainSet): void {
  const n = train.frame.nRows;
  const { y, task, nClasses } = train;
  if (n === 0) throw new ModelyardError('DATA_EMPTY', `${name}: no training rows`);
  if (y.length !== n) throw new ModelyardError('TARGET_INVALID', `${name}: the target has ${y.length} values but the frame has ${n} rows`);
  if (train.weights && train.weights.length !== n) throw new ModelyardError('INVALID_VALUE', `${name}: ${train.weights.length} sample weights for ${n} rows`);
  if (task !== 'regression' && (!Number.isInteger(nClasses) || nClasses < 2 || (task === 'binary' && nClasses !== 2))) {
    throw new ModelyardError('TARGET_INVALID', `${name}: ${task} task with nClasses = ${nClasses}`);
  }
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (!Number.isFinite(v)) throw new ModelyardError('TARGET_INVALID', `${name}: target at row ${i + 1} is ${v}; rows with a missing target must be removed before fit`, { row: i + 1 });
    if (task !== 'regression' && (!Number.isInteger(v) || v < 0 || v >= nClasses)) {
      throw new ModelyardError('TARGET_INVALID', `${name}: class index ${v} at row ${i + 1} is outside 0..${nClasses - 1}`, { row: i + 1 });
    }
  }
  if (train.weights) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = train.weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) throw new ModelyardError('INVALID_VALUE', `${name}: sample weight at row ${i + 1} is ${w}; weights must be finite and ≥ 0`, { row: i + 1 });
      total += w;
    }
    if (!(total > 0)) throw new ModelyardError('INVALID_VALUE', `${name}: sample weights sum to 0`);
  }
}
