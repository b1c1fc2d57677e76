/**
 * Batch prediction over flattened trees (buffer.ts) on binned rows.
 *
 * For speed the node arrays are packed once into one Int32Array, four words per node
 * (`feature | flags`, threshold or set offset, left, right), so a node is one cache line fetch, and
 * the column-major bins are transposed to row-major so that a row's walk touches one short run of
 * bytes instead of one column per level (the layout trick of XGBoost's and LightGBM's predictors,
 * which walk rows of a dense row-major batch). Trees are the outer loop so one tree's nodes stay
 * in cache while every row walks it; leaf values are averaged over trees.
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

const CAT = 1 << 24;
const MISS_LEFT = 1 << 25;
const FEATURE_MASK = CAT - 1;

/**
 * Packs nodes four words each: `[feature | CAT | MISS_LEFT, threshold, left, right]`; a leaf has
 * feature word −1.
 *
 * @example
 * ```ts
 * const packed = packForest(forest);
 * ```
 */
export function packForest(t: ForestArrays): Int32Array {
  const n = t.feature.length;
  const p = new Int32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const f = t.feature[i];
    p[i * 4] = f < 0 ? -1 : f | (t.categorical[i] ? CAT : 0) | (t.missingLeft[i] ? MISS_LEFT : 0);
    p[i * 4 + 1] = t.threshold[i];
    p[i * 4 + 2] = t.left[i];
    p[i * 4 + 3] = t.right[i];
  }
  return p;
}

/**
 * Mean of the trees' leaf values for each of `n` binned rows (column-major `bins` with `nf`
 * features), n × m row-major. Classification rows are renormalised to sum to exactly 1.
 *
 * @example
 * ```ts
 * const out = predictForest(forest, packForest(forest), bins, n, nFeatures, missingBin, 2, true);
 * ```
 */
export function predictForest(t: ForestArrays, packed: Int32Array, bins: Uint8Array, n: number, nf: number, missingBin: Int32Array, m: number, classification: boolean): Float64Array {
  const out = new Float64Array(n * m);
  const { values, words, roots } = t;
  // Row-major copy of the bins.
  const rows = new Uint8Array(n * nf);
  for (let f = 0; f < nf; f++) {
    const col = f * n;
    for (let i = 0; i < n; i++) rows[i * nf + f] = bins[col + i];
  }
  const nTrees = roots.length;
  for (let k = 0; k < nTrees; k++) {
    const root = roots[k];
    for (let i = 0; i < n; i++) {
      const base = i * nf;
      let nd = root;
      let w = packed[nd * 4];
      while (w >= 0) {
        const f = w & FEATURE_MASK;
        const b = rows[base + f];
        const thr = packed[nd * 4 + 1];
        let goLeft: boolean;
        if (w & CAT) goLeft = ((words[thr + (b >>> 5)] >>> (b & 31)) & 1) === 1;
        else if (b === missingBin[f]) goLeft = (w & MISS_LEFT) !== 0;
        else goLeft = b <= thr;
        nd = packed[nd * 4 + (goLeft ? 2 : 3)];
        w = packed[nd * 4];
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
