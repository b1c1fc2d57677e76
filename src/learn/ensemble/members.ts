/**
 * Shared parts of the ensemble learners (`voting`, `stacking`): member specifications as plain JSON
 * (`{learner, params}`), fitting the members, and nesting their states inside the ensemble's state.
 *
 * A member's typed arrays are stored under `m<i>.<name>` so one artifact holds every member; its
 * JSON part (learner, version, params, state) sits in the ensemble's `members` list.
 */
import { ModelyardError } from '../../errors.js';
import type { FeatureSpec, Task } from '../../schema/types.js';
import { learnerKind, loadFitted } from '../registry.js';
import type { Fitted, Json, LearnerState, TrainSet, TypedArray } from '../types.js';

/** One member as given in the ensemble's parameters. */
export interface MemberSpec {
  learner: string;
  params: Record<string, Json>;
}

/** PARAM check for a `members` list: non-empty, each `{learner: string, params?: object}`, no nested `auto`. */
export function checkMembers(v: Json): string | null {
  if (!Array.isArray(v) || v.length === 0) return 'must be a non-empty list of {learner, params}';
  for (const [i, m] of v.entries()) {
    if (!m || typeof m !== 'object' || Array.isArray(m)) return `member ${i + 1} must be an object {learner, params}`;
    if (typeof m.learner !== 'string' || m.learner.length === 0) return `member ${i + 1} needs a "learner" name`;
    if (m.learner === 'auto') return `member ${i + 1}: "auto" cannot be an ensemble member`;
    if (m.params !== undefined && m.params !== null && (typeof m.params !== 'object' || Array.isArray(m.params))) return `member ${i + 1}: "params" must be an object`;
    for (const k of Object.keys(m)) if (k !== 'learner' && k !== 'params') return `member ${i + 1}: unknown key "${k}" (use learner, params)`;
  }
  return null;
}

/** The member list of validated parameters, with `params` defaulted to `{}`. */
export function memberSpecs(v: Json): MemberSpec[] {
  return (v as { learner: string; params?: Record<string, Json> | null }[]).map((m) => ({ learner: m.learner, params: m.params ?? {} }));
}

/**
 * Creates every member once (so unknown learners and bad member parameters fail before any
 * fitting) and checks that each supports the task.
 */
export function createMembers(ensemble: string, specs: readonly MemberSpec[], task: Task): ReturnType<ReturnType<typeof learnerKind>['create']>[] {
  return specs.map((s, i) => {
    let kind;
    try {
      kind = learnerKind(s.learner);
    } catch (e) {
      throw new ModelyardError('PARAM_INVALID', `${ensemble}: member ${i + 1}: ${(e as Error).message}`, { flag: 'members' });
    }
    if (!kind.capabilities.tasks.includes(task)) {
      throw new ModelyardError('PARAM_INVALID', `${ensemble}: member ${i + 1} (${s.learner}) does not support ${task} tasks`, { flag: 'members' });
    }
    return kind.create(s.params);
  });
}

/** Shape checks shared by the ensembles (members repeat them, but the message names the ensemble). */
export function checkTrainShape(ensemble: string, train: TrainSet): void {
  const n = train.frame.nRows;
  if (n === 0) throw new ModelyardError('DATA_EMPTY', `${ensemble}: no training rows`);
  if (train.y.length !== n) throw new ModelyardError('TARGET_INVALID', `${ensemble}: the target has ${train.y.length} values but the frame has ${n} rows`);
  if (train.weights && train.weights.length !== n) throw new ModelyardError('INVALID_VALUE', `${ensemble}: ${train.weights.length} sample weights for ${n} rows`);
}

/** Nests member states: JSON parts in a list, arrays renamed `m<i>.<name>`. */
export function nestStates(members: readonly Fitted[]): { json: Json[]; arrays: Record<string, TypedArray> } {
  const json: Json[] = [];
  const arrays: Record<string, TypedArray> = {};
  members.forEach((m, i) => {
    const s = m.toState();
    json.push({ learner: s.learner, version: s.version, params: s.params, state: s.state });
    for (const [k, a] of Object.entries(s.arrays)) arrays[`m${i}.${k}`] = a;
  });
  return { json, arrays };
}

/** Rebuilds members from {@link nestStates} output. */
export function loadMembers(ensemble: string, json: Json, arrays: Record<string, TypedArray>, features: readonly FeatureSpec[]): Fitted[] {
  if (!Array.isArray(json) || json.length === 0) throw new ModelyardError('ARTIFACT_CORRUPT', `${ensemble}: state has no members`);
  return json.map((m, i) => {
    if (!m || typeof m !== 'object' || Array.isArray(m) || typeof m.learner !== 'string') {
      throw new ModelyardError('ARTIFACT_CORRUPT', `${ensemble}: member ${i + 1} state is malformed`);
    }
    const prefix = `m${i}.`;
    const own: Record<string, TypedArray> = {};
    for (const [k, a] of Object.entries(arrays)) if (k.startsWith(prefix)) own[k.slice(prefix.length)] = a;
    const state: LearnerState = {
      learner: m.learner,
      version: Number(m.version),
      params: (m.params ?? {}) as Record<string, Json>,
      state: m.state ?? null,
      arrays: own,
    };
    return loadFitted(state, features);
  });
}

/** Importances averaged over members that report them (each member's sums to 1), renormalised. */
export function averageImportance(members: readonly Fitted[], weights: readonly number[]): Record<string, number> | undefined {
  const acc: Record<string, number> = {};
  let any = false;
  members.forEach((m, i) => {
    const imp = m.featureImportance?.();
    if (!imp) return;
    any = true;
    for (const [k, v] of Object.entries(imp)) acc[k] = (acc[k] ?? 0) + weights[i] * v;
  });
  if (!any) return undefined;
  const total = Object.values(acc).reduce((a, b) => a + b, 0);
  if (total > 0) for (const k of Object.keys(acc)) acc[k] /= total;
  return acc;
}
