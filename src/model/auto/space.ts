/**
 * The candidates `--learner auto` cross-validates: a few configurations per learner kind, small on
 * purpose (a handful of well-known-good settings beats a wide grid on a fixed time budget, as
 * auto-sklearn's portfolio and FLAML's low-cost-first search argue).
 *
 * Order matters under a time budget: the cheapest, most often useful configuration of each kind
 * comes first (kinds interleaved, cheap kinds more often), so a short budget still compares
 * linear, GBDT and forest.
 */
import type { Json } from '../../learn/types.js';
import type { Task } from '../../schema/types.js';

/** One configuration to cross-validate. */
export interface Candidate {
  learner: string;
  params: Record<string, Json>;
}

export interface SpaceOptions {
  task: Task;
  rows: number;
  /** Registered learner names; kinds not registered are left out. */
  available: readonly string[];
}

/** Boosting rounds cap inside CV; early stopping on an inner validation split picks the count. */
export const GBDT_MAX_ROUNDS = 2000;
export const GBDT_EARLY_STOP = 30;

/** Interleaving of the kinds: L linear, G GBDT, F forest / extra trees. */
const ORDER = ['L', 'G', 'L', 'G', 'F', 'L', 'G', 'G', 'F', 'L', 'F'];

/**
 * The candidate list for a task and data size.
 *
 * @example
 * ```ts
 * autoCandidates({ task: 'binary', rows: 5000, available: ['linear', 'forest', 'gbdt'] });
 * ```
 */
export function autoCandidates(o: SpaceOptions): Candidate[] {
  const big = o.rows > 20_000;
  const reg = o.task === 'regression';
  const linear: Candidate[] = reg
    ? [
        { learner: 'linear', params: { alpha: 1 } },
        { learner: 'linear', params: { alpha: 10, max_levels: 1000 } },
        { learner: 'linear', params: { alpha: 1, max_levels: 1000 } },
        { learner: 'linear', params: { alpha: 0.1 } },
      ]
    : [
        { learner: 'linear', params: { C: 1 } },
        { learner: 'linear', params: { C: 0.1, max_levels: 1000 } },
        { learner: 'linear', params: { C: 1, max_levels: 1000 } },
        { learner: 'linear', params: { C: 0.01 } },
      ];
  const es = { rounds: GBDT_MAX_ROUNDS, early_stopping_rounds: GBDT_EARLY_STOP };
  const gbdt: Candidate[] = [
    { learner: 'gbdt', params: { ...es, learning_rate: 0.1, max_leaves: 31, min_samples_leaf: 20 } },
    { learner: 'gbdt', params: { ...es, learning_rate: 0.05, max_leaves: 15, min_samples_leaf: 10, colsample: 0.8 } },
    { learner: 'gbdt', params: { ...es, learning_rate: 0.05, max_leaves: 63, min_samples_leaf: 20, min_child_weight: 1, subsample: 0.8 } },
    { learner: 'gbdt', params: { ...es, learning_rate: 0.1, max_leaves: 7, min_samples_leaf: 5, min_child_weight: 5 } },
  ];
  // Regression forests default to all features per split (sklearn); a third (R's randomForest
  // default p/3) is several times cheaper on wide data and rarely worse.
  const forest: Candidate[] = big
    ? [
        { learner: 'forest', params: { trees: 100, min_samples_leaf: 5, ...(reg ? { max_features: 0.33 } : {}) } },
        { learner: 'extra_trees', params: { trees: 100, min_samples_leaf: 5 } },
      ]
    : [
        { learner: 'forest', params: { trees: 300, ...(reg ? { max_features: 0.33 } : {}) } },
        { learner: 'forest', params: { trees: 300, min_samples_leaf: 3, max_features: reg ? 0.5 : 'sqrt' } },
        { learner: 'extra_trees', params: { trees: 300, min_samples_leaf: 2 } },
      ];
  const pools: Record<string, Candidate[]> = { L: linear, G: gbdt, F: forest };
  for (const key of Object.keys(pools)) pools[key] = pools[key].filter((c) => o.available.includes(c.learner));
  // Cheap kinds first and more often: linear and GBDT fits take seconds, a 300-tree forest's CV
  // can take minutes on wide data.
  const out: Candidate[] = [];
  const taken: Record<string, number> = { L: 0, G: 0, F: 0 };
  for (const key of ORDER) {
    const c = pools[key][taken[key]++];
    if (c) out.push(c);
  }
  for (const key of Object.keys(pools)) for (; taken[key] < pools[key].length; taken[key]++) out.push(pools[key][taken[key]]);
  return out;
}
