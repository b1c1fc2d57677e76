/**
 * Seeded, deterministic train/test and cross-validation splits returning row indices (each part
 * sorted ascending).
 */
export { type Split, DEFAULT_TEST_SIZE } from './types.js';
export { randomSplit, stratifiedSplit } from './random-split.js';
export { temporalSplit, temporalSplits, timeSeriesSplit } from './temporal.js';
export { groupSplit, groupKFold } from './group.js';
export { kFold, stratifiedKFold } from './kfold.js';
export { parseSplitSpec, splitFrame, type SplitSpec } from './spec.js';
