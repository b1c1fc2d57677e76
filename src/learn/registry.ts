/**
 * The learner registry: one entry per learner kind. A new learner plugs in by adding one entry
 * here; the conformance suite (test/conformance) then checks it by its capabilities.
 */
import { ModelyardError } from '../errors.js';
import type { FeatureSpec } from '../schema/types.js';
import type { Fitted, Json, Learner, LearnerKind, LearnerState } from './types.js';

const KINDS: LearnerKind[] = [];

/** All registered learner kinds. */
export function learnerKinds(): readonly LearnerKind[] {
  return KINDS;
}

/** Adds a learner kind (called once per kind at module load by `learn/index.ts`). */
export function registerLearner(kind: LearnerKind): void {
  if (KINDS.some((k) => k.name === kind.name)) throw new Error(`learner "${kind.name}" registered twice`);
  KINDS.push(kind);
}

/** The kind called `name`, or a USAGE error listing the known ones. */
export function learnerKind(name: string): LearnerKind {
  const k = KINDS.find((x) => x.name === name);
  if (!k) {
    throw new ModelyardError('USAGE', `unknown learner "${name}" (known: ${KINDS.map((x) => x.name).join(', ')})`, { flag: '--learner' });
  }
  return k;
}

/**
 * Creates a learner with validated parameters.
 *
 * @example
 * ```ts
 * const gbdt = createLearner('gbdt', { rounds: 200, max_leaves: 31 });
 * ```
 */
export function createLearner(name: string, params: Record<string, Json> = {}): Learner {
  return learnerKind(name).create(params);
}

/** Rebuilds a fitted learner from stored state. */
export function loadFitted(state: LearnerState, features: readonly FeatureSpec[]): Fitted {
  const k = KINDS.find((x) => x.name === state.learner);
  if (!k) throw new ModelyardError('ARTIFACT_VERSION', `the artifact uses learner "${state.learner}", which this modelyard does not know`);
  return k.load(state, features);
}
