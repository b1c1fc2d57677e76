/**
 * Batch prediction over flattened trees (buffer.ts) on binned rows: trees in the outer loop so one
 * tree's nodes stay in cache while every row walks it; leaf values are averaged over trees.
 */

/** A forest's node arrays plus the root of each tree. */
export interface ForestArrays {
  feature: Int32Array;
  threshold: Int32Array;
  missingLeft: Uint8Array;
  categorical: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  values: Float64Array;
  words: Uint32Array;
  roots: Int32Array;
}

/**
 * Mean of the trees' leaf values for each of `n` binned rows (column-major `bins`), n × m row-major.
 * Classification rows are renormalised to sum to exactly 1.
 *
 * @example
 * ```ts
 * const out = predictForest(forest, bins, n, missingBin, 2, true);
 * ```
 */
export function predictForest(t: ForestArrays, bins: Uint8Array, n: number, missingBin: Int32Array, m: number, classification: boolean): Float64Array {
  const out = new Float64Array(n * m);
  const { feature, threshold, missingLeft, categorical, left, right, values, words, roots } = t;
  const nTrees = roots.length;
  for (let k = 0; k < nTrees; k++) {
    const root = roots[k];
    for (let i = 0; i < n; i++) {
      let nd = root;
      let f = feature[nd];
      while (f >= 0) {
        const b = bins[f * n + i];
        let goLeft: boolean;
        if (categorical[nd]) goLeft = ((words[threshold[nd] + (b >>> 5)] >>> (b & 31)) & 1) === 1;
        else if (b === missingBin[f]) goLeft = missingLeft[nd] === 1;
        else goLeft = b <= threshold[nd];
        nd = goLeft ? left[nd] : right[nd];
        f = feature[nd];
      }
      const at = nd * m;
      const o = i * m;
      for (let c = 0; c < m; c++) out[o + c] += values[at + c];
    }
  }
  const inv = 1 / nTrees;
  if (!classification) {
    for (let i = 0; i < out.length; i++) out[i] *= inv;
    return out;
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < m; c++) s += out[i * m + c];
    if (s > 0) for (let c = 0; c < m; c++) out[i * m + c] /= s;
  }
  return out;
}
