/**
 * The `voting` learner: several member learners fitted on the same rows, combined by (weighted)
 * soft voting (mean of class probabilities) or hard voting (share of member votes), as in
 * scikit-learn's VotingClassifier; regression averages the members' predictions (VotingRegressor).
 *
 * Hard voting has no probabilities of its own; `predict` returns the weighted vote shares, which
 * sum to 1 and whose arg-max is the voted class (ties go to the lower class index, as numpy's
 * argmax in sklearn's hard voting).
 */
import { ModelyardError } from '../../errors.js';
import type { Frame } from '../../frame/frame.js';
import type { FeatureSpec, Task } from '../../schema/types.js';
import { resolveParams, type ParamSpecs } from '../params.js';
import type { Fitted, Json, Learner, LearnerKind, LearnerState, TrainSet } from '../types.js';
import { averageImportance, checkMembers, checkTrainShape, createMembers, loadMembers, memberSpecs, nestStates } from './members.js';

const NAME = 'voting';
const STATE_VERSION = 1;

export const VOTING_DEFAULTS = {
  members: [
    { learner: 'linear', params: {} },
    { learner: 'forest', params: {} },
  ],
  voting: 'soft',
  weights: null,
} satisfies Record<string, Json>;

const SPECS: ParamSpecs = {
  members: { type: 'json', doc: 'member learners, e.g. [{"learner":"linear","params":{}},{"learner":"forest","params":{"trees":200}}]', check: checkMembers },
  voting: { type: 'enum', values: ['soft', 'hard'], doc: "classification: 'soft' averages probabilities, 'hard' counts each member's predicted class" },
  weights: {
    type: 'json',
    doc: 'optional weight per member (≥ 0, not all 0); null = equal',
    check: (v) => (v === null || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0) && v.some((x) => (x as number) > 0)) ? null : 'must be null or a list of numbers ≥ 0, not all 0'),
  },
};

/**
 * The learner kind registered as `voting`.
 *
 * @example
 * ```ts
 * const fitted = votingKind.create({
 *   members: [{ learner: 'linear', params: {} }, { learner: 'forest', params: { trees: 200 } }],
 *   voting: 'soft',
 * }).fit(trainSet);
 * ```
 */
export const votingKind: LearnerKind = {
  name: NAME,
  description: 'Soft or hard voting over member learners fitted on the same rows (regression: mean of members)',
  capabilities: { tasks: ['binary', 'multiclass', 'regression'], weights: true, missing: true, categorical: true },
  defaults: VOTING_DEFAULTS,
  create(params: Record<string, Json> = {}): Learner {
    const p = resolveParams(NAME, VOTING_DEFAULTS as Record<string, Json>, SPECS, params);
    const specs = memberSpecs(p.members);
    if (Array.isArray(p.weights) && p.weights.length !== specs.length) {
      throw new ModelyardError('PARAM_INVALID', `${NAME}: ${p.weights.length} weights for ${specs.length} members`, { flag: 'weights' });
    }
    return new VotingLearner(p);
  },
  load(state: LearnerState, features: readonly FeatureSpec[]): Fitted {
    return VotingFitted.fromState(state, features);
  },
};

class VotingLearner implements Learner {
  readonly name = NAME;
  constructor(readonly params: Readonly<Record<string, Json>>) {}

  fit(train: TrainSet): Fitted {
    checkTrainShape(NAME, train);
    const specs = memberSpecs(this.params.members);
    const learners = createMembers(NAME, specs, train.task);
    const members: Fitted[] = [];
    learners.forEach((l, i) => {
      members.push(l.fit({ ...train, onProgress: undefined }));
      train.onProgress?.(i + 1, learners.length);
    });
    const w = normalisedWeights(this.params.weights, members.length);
    return new VotingFitted(train.task, train.task === 'regression' ? 1 : train.nClasses, { ...this.params }, members, w, this.params.voting as 'soft' | 'hard');
  }
}

function normalisedWeights(v: Json, m: number): number[] {
  const raw = Array.isArray(v) ? (v as number[]) : new Array<number>(m).fill(1);
  const s = raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => x / s);
}

/** A fitted voting ensemble. */
export class VotingFitted implements Fitted {
  readonly learner = NAME;

  constructor(
    readonly task: Task,
    readonly nClasses: number,
    private readonly params: Record<string, Json>,
    readonly members: readonly Fitted[],
    private readonly weights: readonly number[],
    private readonly voting: 'soft' | 'hard',
  ) {}

  predict(frame: Frame): Float64Array {
    return this.combine(this.members.map((m) => m.predict(frame)), frame.nRows);
  }

  /** The ensemble's output from its members' outputs on `n` rows (member order). */
  combine(outputs: readonly Float64Array[], n: number): Float64Array {
    const k = this.task === 'regression' ? 1 : this.nClasses;
    const out = new Float64Array(n * k);
    const hard = this.voting === 'hard' && this.task !== 'regression';
    outputs.forEach((p, j) => {
      const w = this.weights[j];
      if (!hard) {
        for (let i = 0; i < out.length; i++) out[i] += w * p[i];
        return;
      }
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
        out[i * k + best] += w;
      }
    });
    if (this.task !== 'regression') {
      // Weights sum to 1, so rows already sum to 1 up to rounding; renormalise exactly.
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < k; c++) s += out[i * k + c];
        for (let c = 0; c < k; c++) out[i * k + c] /= s;
      }
    }
    return out;
  }

  featureImportance(): Record<string, number> {
    return averageImportance(this.members, this.weights) ?? {};
  }

  toState(): LearnerState {
    const nested = nestStates(this.members);
    return {
      learner: NAME,
      version: STATE_VERSION,
      params: { ...this.params },
      state: { task: this.task, nClasses: this.nClasses, voting: this.voting, weights: [...this.weights], members: nested.json },
      arrays: nested.arrays,
    };
  }

  static fromState(s: LearnerState, features: readonly FeatureSpec[]): VotingFitted {
    if (s.learner !== NAME) throw new ModelyardError('ARTIFACT_CORRUPT', `${NAME}: state is for learner "${s.learner}"`);
    if (s.version > STATE_VERSION) throw new ModelyardError('ARTIFACT_VERSION', `${NAME}: state version ${s.version} is newer than this modelyard reads (${STATE_VERSION})`);
    const st = s.state as Record<string, Json> | null;
    if (!st || typeof st !== 'object' || Array.isArray(st)) throw new ModelyardError('ARTIFACT_CORRUPT', `${NAME}: state is not an object`);
    const members = loadMembers(NAME, st.members, s.arrays, features);
    const weights = st.weights as number[];
    if (!Array.isArray(weights) || weights.length !== members.length) throw new ModelyardError('ARTIFACT_CORRUPT', `${NAME}: member weights do not match the members`);
    return new VotingFitted(String(st.task) as Task, Number(st.nClasses), { ...s.params }, members, weights, st.voting === 'hard' ? 'hard' : 'soft');
  }
}
