/**
 * Single-row scoring for serving: walks every tree once for one row of raw values (feature order;
 * categorical features as codes, NaN or negative for missing). Uses the batch predictor's node step
 * (forest.ts), in the same tree order, so one-row and batch predictions are bit-identical.
 */
import { step, type ForestArrays } from './forest.js';

export function predictOne(forest: ForestArrays, base: Float64Array, x: ArrayLike<number>): Float64Array {
  const { feat, thr, roots } = forest;
  const K = base.length;
  const out = Float64Array.from(base);
  for (let t = 0, T = roots.length; t < T; t++) {
    let node = roots[t];
    let f = feat[node];
    while (f >= 0) {
      node = step(forest, node, x[f]);
      f = feat[node];
    }
    out[t % K] += thr[node];
  }
  return out;
}
