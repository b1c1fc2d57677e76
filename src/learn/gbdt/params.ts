/**
 * Parameters of the `gbdt` learner, their defaults and validation. Names follow LightGBM / XGBoost
 * (aliases in brackets); defaults are LightGBM's where the two differ, except `l2` (XGBoost's
 * `lambda` = 1, which keeps small data sets from over-fitting single rows).
 */
import type { Json } from '../types.js';
import type { ParamSpecs } from '../params.js';

export const GBDT_DEFAULTS = {
  rounds: 100,
  learning_rate: 0.1,
  max_leaves: 31,
  max_depth: 0,
  min_samples_leaf: 20,
  min_child_weight: 1e-3,
  l2: 1.0,
  l1: 0.0,
  min_split_gain: 0.0,
  max_bins: 255,
  subsample: 1.0,
  colsample: 1.0,
  early_stopping_rounds: 20,
  objective: 'auto',
  huber_delta: 1.0,
  class_weight: 'none',
  scale_pos_weight: 1.0,
  max_categories: 254,
  max_cat_threshold: 32,
  max_cat_to_onehot: 4,
  cat_smooth: 10,
  cat_l2: 10,
  min_data_per_group: 10,
  quantized_gradients: 'auto',
} satisfies Record<string, Json>;

export type GbdtParams = typeof GBDT_DEFAULTS;

/** Specs with the TSDoc-style documentation of every parameter (shown in PARAM_INVALID messages). */
export const GBDT_SPECS: ParamSpecs = {
  rounds: { type: 'integer', min: 1, max: 100000, doc: 'boosting rounds (XGBoost num_boost_round, LightGBM num_iterations); with a validation split, early stopping may stop sooner' },
  learning_rate: { type: 'number', min: 0, exclusiveMin: true, max: 1, doc: 'shrinkage of every tree (eta)' },
  max_leaves: { type: 'integer', min: 2, max: 4096, doc: 'leaves per tree; trees grow leaf-wise, best gain first (LightGBM num_leaves)' },
  max_depth: { type: 'integer', min: 0, max: 64, doc: 'largest depth of a leaf; 0 = no limit besides max_leaves' },
  min_samples_leaf: { type: 'integer', min: 1, doc: 'fewest training rows in a leaf (LightGBM min_data_in_leaf; estimated from hessians as LightGBM does)' },
  min_child_weight: { type: 'number', min: 0, doc: 'smallest hessian sum in a leaf (XGBoost min_child_weight, LightGBM min_sum_hessian_in_leaf)' },
  l2: { type: 'number', min: 0, doc: 'L2 penalty on leaf values (XGBoost lambda, LightGBM lambda_l2)' },
  l1: { type: 'number', min: 0, doc: 'L1 penalty on leaf values (XGBoost alpha, LightGBM lambda_l1)' },
  min_split_gain: { type: 'number', min: 0, doc: 'smallest loss reduction to split a leaf (XGBoost gamma)' },
  max_bins: { type: 'integer', min: 2, max: 255, doc: 'value bins per numeric feature (one more bin holds missing values)' },
  subsample: { type: 'number', min: 0, exclusiveMin: true, max: 1, doc: 'share of rows drawn (without replacement, seeded) for each round' },
  colsample: { type: 'number', min: 0, exclusiveMin: true, max: 1, doc: 'share of features drawn for each tree (XGBoost colsample_bytree)' },
  early_stopping_rounds: { type: 'integer', min: 0, doc: 'stop when the validation loss has not improved for this many rounds (needs a validation split; 0 = off); the best round is kept' },
  objective: { type: 'enum', values: ['auto', 'squared_error', 'huber', 'poisson'], doc: "loss: 'auto' = log loss (binary), softmax (multiclass), squared error (regression); regression may pick huber or poisson" },
  huber_delta: { type: 'number', min: 0, exclusiveMin: true, doc: 'huber: residual size where the loss turns from quadratic to linear, in target units' },
  class_weight: { type: 'enum', values: ['none', 'balanced'], doc: "classification: 'balanced' weights class c by n / (k · count_c)" },
  scale_pos_weight: { type: 'number', min: 0, exclusiveMin: true, doc: 'binary: extra weight of the positive class (XGBoost scale_pos_weight)' },
  max_categories: { type: 'integer', min: 1, max: 254, doc: 'categories with their own bin per categorical feature; rarer ones share an "other" bin' },
  max_cat_threshold: { type: 'integer', min: 1, max: 255, doc: 'most categories on the smaller side of a categorical split (LightGBM max_cat_threshold)' },
  max_cat_to_onehot: { type: 'integer', min: 1, max: 255, doc: 'features with at most this many categories use one-vs-rest splits (LightGBM max_cat_to_onehot)' },
  cat_smooth: { type: 'number', min: 0, doc: 'added to the hessian when ordering categories by gradient / hessian (LightGBM cat_smooth)' },
  cat_l2: { type: 'number', min: 0, doc: 'extra L2 penalty in categorical split gains (LightGBM cat_l2)' },
  min_data_per_group: { type: 'integer', min: 1, doc: 'fewest rows of a category for it to be ordered in a many-vs-many split; rarer ones go right (LightGBM min_data_per_group)' },
  quantized_gradients: {
    type: 'enum',
    values: ['auto', 'on', 'off'],
    doc: "histograms of stochastically rounded integer gradients (LightGBM use_quantized_grad; leaf values stay exact): 'auto' = on from 200,000 training rows, where it makes fitting faster and its noise is negligible",
  },
};
