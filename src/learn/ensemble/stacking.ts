/**
 * The `stacking` learner (Wolpert 1992, "Stacked generalization"; scikit-learn's
 * StackingClassifier / StackingRegressor): each member's out-of-fold predictions on the training
 * rows become the features of a final (meta) learner, linear by default; the members are then
 * refitted on all rows. Out-of-fold predictions keep the meta learner from trusting members that
 * merely memorise the training rows.
 *
 * Meta features: binary → each member's probability of class 1; multiclass → each member's k class
 * probabilities; regression → each member's prediction (sklearn's `stack_method='predict_proba'`,
 * dropping the redundant first column in the binary case).
 */
import { ModelyardError } from '../../errors.js';
import { Frame, numberColumn } from '../../frame/frame.js';
import type { FeatureSpec, Task } from '../../schema/types.js';
import { kFold, stratifiedKFold } from '../../split/kfold.js';
import { resolveParams, type ParamSpecs } from '../params.js';
import { loadFitted } from '../registry.js';
import type { Fitted, Json, Learner, LearnerKind, LearnerState, TrainSet, TypedArray } from '../types.js';
import { averageImportance, checkMembers, checkTrainShape, createMembers, loadMembers, memberSpecs, nestStates } from './members.js';

const NAME = 'stacking';
const STATE_VERSION = 1;

export const STACKING_DEFAULTS = {
  members: [
    { learner: 'linear', params: {} },
    { learner: 'forest', params: {} },
  ],
  final: { learner: 'linear', params: {} },
  folds: 5,
} satisfies Record<string, Json>;

const SPECS: ParamSpecs = {
  members: { type: 'json', doc: 'member learners, e.g. [{"learner":"linear","params":{}},{"learner":"gbdt","params":{}}]', check: checkMembers },
  final: { type: 'json', doc: 'the meta learner {learner, params} fitted on out-of-fold member predictions', check: (v) => checkMembers([v]) },
  folds: { type: 'integer', min: 2, max: 20, doc: 'folds for the out-of-fold member predictions (stratified for classification)' },
};

/**
 * The learner kind registered as `stacking`.
 *
 * @example
 * ```ts
 * const fitted = stackingKind.create({ members: [{ learner: 'linear', params: {} }, { learner: 'forest', params: {} }], folds: 5 }).fit(trainSet);
 * ```
 */
export const stackingKind: LearnerKind = {
  name: NAME,
  description: 'Stacking: a final learner (linear by default) on out-of-fold predictions of member learners',
  capabilities: { tasks: ['binary', 'multiclass', 'regression'], weights: true, missing: true, categorical: true },
  defaults: STACKING_DEFAULTS,
  create(params: Record<string, Json> = {}): Learner {
    return new StackingLearner(resolveParams(NAME, STACKING_DEFAULTS as Record<string, Json>, SPECS, params));
  },
  load(state: LearnerState, features: readonly FeatureSpec[]): Fitted {
    return StackingFitted.fromState(state, features);
  },
};

/** Meta-feature columns contributed by one member. */
function metaWidth(task: Task, k: number): number {
  return task === 'regression' ? 1 : task === 'binary' ? 1 : k;
}

/** Copies a member's output (rows `rows` of the meta matrix) into the meta columns of member `j`. */
function writeMeta(cols: Float64Array[], j: number, task: Task, k: number, out: Float64Array, rows: ArrayLike<number> | null): void {
  const w = metaWidth(task, k);
  const n = rows ? rows.length : out.length / (task === 'regression' ? 1 : k);
  for (let r = 0; r < n; r++) {
    const i = rows ? rows[r] : r;
    if (task === 'regression') cols[j][i] = out[r];
    else if (task === 'binary') cols[j][i] = out[r * 2 + 1];
    else for (let c = 0; c < w; c++) cols[j * w + c][i] = out[r * k + c];
  }
}

function metaNames(members: number, task: Task, k: number): string[] {
  const w = metaWidth(task, k);
  const names: string[] = [];
  for (let j = 0; j < members; j++) for (let c = 0; c < w; c++) names.push(w === 1 ? `member${j}` : `member${j}_class${c}`);
  return names;
}

function metaSpecs(names: readonly string[]): FeatureSpec[] {
  return names.map((name) => ({ name, kind: 'numeric', missingRate: 0 }));
}

class StackingLearner implements Learner {
  readonly name = NAME;
  constructor(readonly params: Readonly<Record<string, Json>>) {}

  fit(train: TrainSet): Fitted {
    checkTrainShape(NAME, train);
    const { task, y } = train;
    const k = task === 'regression' ? 1 : train.nClasses;
    const n = train.frame.nRows;
    const specs = memberSpecs(this.params.members);
    const finalSpec = memberSpecs([this.params.final])[0];
    const learners = createMembers(NAME, specs, task);
    const finalLearner = createMembers(NAME, [finalSpec], task)[0];
    const nFolds = Math.min(Number(this.params.folds), n);
    const folds = task === 'regression' ? kFold(n, { k: nFolds, seed: train.seed }) : stratifiedKFold(y, { k: nFolds, seed: train.seed });
    const names = metaNames(specs.length, task, k);
    const cols = names.map(() => new Float64Array(n));
    const total = learners.length * (folds.length + 1) + 1;
    let done = 0;
    const members: Fitted[] = [];
    learners.forEach((l, j) => {
      for (const f of folds) {
        const fitted = l.fit({
          ...train,
          frame: train.frame.take(f.train),
          y: Float64Array.from(f.train, (r) => y[r]),
          weights: train.weights ? Float64Array.from(f.train, (r) => train.weights![r]) : undefined,
          valid: undefined,
          onProgress: undefined,
        });
        writeMeta(cols, j, task, k, fitted.predict(train.frame.take(f.test)), f.test);
        train.onProgress?.(++done, total);
      }
      members.push(l.fit({ ...train, onProgress: undefined }));
      train.onProgress?.(++done, total);
    });
    const metaFrame = new Frame(names.map((nm, c) => numberColumn(nm, cols[c])));
    const meta = finalLearner.fit({ ...train, frame: metaFrame, features: metaSpecs(names), valid: undefined, onProgress: undefined });
    train.onProgress?.(total, total);
    return new StackingFitted(task, k === 1 && task === 'regression' ? 1 : k, { ...this.params }, members, meta, names);
  }
}

/** A fitted stacking ensemble: members plus the meta learner over their outputs. */
export class StackingFitted implements Fitted {
  readonly learner = NAME;

  constructor(
    readonly task: Task,
    readonly nClasses: number,
    private readonly params: Record<string, Json>,
    readonly members: readonly Fitted[],
    readonly meta: Fitted,
    private readonly names: readonly string[],
  ) {}

  predict(frame: Frame): Float64Array {
    const n = frame.nRows;
    const cols = this.metaColumns(this.members.map((m) => m.predict(frame)), n);
    return this.meta.predict(new Frame(this.names.map((nm, c) => numberColumn(nm, cols[c])), n));
  }

  /** Names of the meta learner's input columns. */
  get metaNames(): readonly string[] {
    return this.names;
  }

  /** The meta learner's input columns (one per {@link metaNames}) from the members' outputs on `n` rows. */
  metaColumns(outputs: readonly Float64Array[], n: number): Float64Array[] {
    const cols = this.names.map(() => new Float64Array(n));
    outputs.forEach((p, j) => writeMeta(cols, j, this.task, this.nClasses, p, null));
    return cols;
  }

  featureImportance(): Record<string, number> {
    return averageImportance(this.members, this.members.map(() => 1)) ?? {};
  }

  toState(): LearnerState {
    const nested = nestStates([...this.members, this.meta]);
    const arrays: Record<string, TypedArray> = nested.arrays;
    const memberJson = nested.json.slice(0, this.members.length);
    return {
      learner: NAME,
      version: STATE_VERSION,
      params: { ...this.params },
      state: { task: this.task, nClasses: this.nClasses, metaFeatures: [...this.names], members: memberJson, final: nested.json[this.members.length] },
      arrays,
    };
  }

  static fromState(s: LearnerState, features: readonly FeatureSpec[]): StackingFitted {
    if (s.learner !== NAME) throw new ModelyardError('ARTIFACT_CORRUPT', `${NAME}: state is for learner "${s.learner}"`);
    if (s.version > STATE_VERSION) throw new ModelyardError('ARTIFACT_VERSION', `${NAME}: state version ${s.version} is newer than this modelyard reads (${STATE_VERSION})`);
    const st = s.state as Record<string, Json> | null;
    if (!st || typeof st !== 'object' || Array.isArray(st) || !Array.isArray(st.members) || !Array.isArray(st.metaFeatures)) {
      throw new ModelyardError('ARTIFACT_CORRUPT', `${NAME}: state is malformed`);
    }
    const members = loadMembers(NAME, st.members, s.arrays, features);
    const names = (st.metaFeatures as Json[]).map(String);
    const m = members.length;
    const finalArrays: Record<string, TypedArray> = {};
    for (const [key, a] of Object.entries(s.arrays)) if (key.startsWith(`m${m}.`)) finalArrays[key.slice(`m${m}.`.length)] = a;
    const f = st.final as Record<string, Json>;
    if (!f || typeof f !== 'object' || typeof f.learner !== 'string') throw new ModelyardError('ARTIFACT_CORRUPT', `${NAME}: final learner state is malformed`);
    const meta = loadFitted({ learner: f.learner, version: Number(f.version), params: (f.params ?? {}) as Record<string, Json>, state: f.state ?? null, arrays: finalArrays }, metaSpecs(names));
    return new StackingFitted(String(st.task) as Task, Number(st.nClasses), { ...s.params }, members, meta, names);
  }
}
