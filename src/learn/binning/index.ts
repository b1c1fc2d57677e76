/** Quantile binning shared by the histogram GBDT and the tree learners. */
export { Binner, sampleRows, type BinMatrix, type BinOptions, type FeatureBins } from './binner.js';
export { binOf, findCuts } from './quantile.js';
