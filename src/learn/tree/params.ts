/**
 * Parameters of the tree learners (`tree`, `forest`, `extra_trees`), named as scikit-learn's
 * DecisionTree / RandomForest / ExtraTrees estimators name them.
 */
import type { Task } from '../../schema/types.js';
import type { Json } from '../types.js';
import type { ParamSpecs } from '../params.js';

export const TREE_SPECS: ParamSpecs = {
  trees: { type: 'integer', min: 1, max: 100000, doc: 'number of trees (sklearn n_estimators)' },
  max_depth: { type: 'integer', min: 1, nullable: true, doc: 'largest tree depth; null = grow until leaves are pure or too small' },
  min_samples_split: { type: 'integer', min: 2, doc: 'a node needs at least this many rows to be split' },
  min_samples_leaf: { type: 'integer', min: 1, doc: 'every leaf keeps at least this many rows' },
  max_features: {
    type: 'json',
    doc: "candidate features per split: 'sqrt', 'log2', 'all', 'auto' (sqrt for classification, all for regression), a fraction in (0, 1], or a count ≥ 1",
    check: (v) =>
      (typeof v === 'string' && ['sqrt', 'log2', 'all', 'auto'].includes(v)) || (typeof v === 'number' && Number.isFinite(v) && v > 0 && (v <= 1 || Number.isInteger(v)))
        ? null
        : `must be 'sqrt', 'log2', 'all', 'auto', a fraction in (0, 1] or a whole count, got ${JSON.stringify(v)}`,
  },
  bootstrap: { type: 'boolean', doc: 'train each tree on a bootstrap sample of the rows' },
  class_weight: { type: 'enum', values: ['none', 'balanced'], doc: "classification: 'balanced' weights class c by n / (k · count_c)" },
  max_bins: { type: 'integer', min: 2, max: 255, doc: 'quantile bins per numeric feature (the missing bin comes on top)' },
  max_categories: { type: 'integer', min: 1, max: 254, doc: 'categories with their own bin per categorical feature; rarer ones share one bin' },
};

const COMMON = { max_depth: null, min_samples_split: 2, min_samples_leaf: 1, class_weight: 'none', max_bins: 255, max_categories: 64 } satisfies Record<string, Json>;

export const TREE_DEFAULTS = { ...COMMON, max_features: 'all' } satisfies Record<string, Json>;
export const FOREST_DEFAULTS = { ...COMMON, trees: 100, max_features: 'auto', bootstrap: true } satisfies Record<string, Json>;
export const EXTRA_DEFAULTS = { ...COMMON, trees: 100, max_features: 'auto', bootstrap: false } satisfies Record<string, Json>;

/** Candidate features per split for `nFeatures` features. */
export function resolveMaxFeatures(v: Json, task: Task, nFeatures: number): number {
  let k: number;
  if (v === 'all') k = nFeatures;
  else if (v === 'sqrt' || (v === 'auto' && task !== 'regression')) k = Math.floor(Math.sqrt(nFeatures));
  else if (v === 'auto') k = nFeatures;
  else if (v === 'log2') k = Math.floor(Math.log2(nFeatures));
  else if (typeof v === 'number' && v <= 1) k = Math.floor(v * nFeatures);
  else k = Number(v);
  return Math.max(1, Math.min(nFeatures, k));
}
