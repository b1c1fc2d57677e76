/**
 * Single-row scoring for serving: walks every tree once for one row of raw values (feature order;
 * categorical features as codes, NaN or negative for missing). Same branch rules as the batch
 * predictor in forest.ts, so one-row and batch predictions are bit-identical.
 */
import type { ForestArrays } from './forest.js';

export function predictOne(forest: ForestArrays, base: Float64Array, x: ArrayLike<number>): Float64Array {
  const { feat, thr, child, flags, catStart, catBits, roots } = forest;
  const K = base.length;
  const out = Float64Array.from(base);
  for (let t = 0, T = roots.length; t < T; t++) {
    let node = roots[t];
    let f = feat[node];
    while (f >= 0) {
      let v = x[f];
      const fl = flags[node];
      if ((fl & 2) !== 0 && v < 0) v = NaN;
      let right: number;
      if (v !== v) right = (fl & 1) ^ 1;
      else if ((fl & 2) === 0) right = v <= thr[node] ? 0 : 1;
      else {
        const nc = thr[node];
        right = catBits[catStart[node] + (v < nc ? v : nc)] ^ 1;
      }
      node = child[node] + right;
      f = feat[node];
    }
    out[t % K] += thr[node];
  }
  return out;
}
