/**
 * Per-node histograms of one feature: for every bin, the number of rows, their total weight and the
 * weighted target statistics (classification: weight per class; regression: Σ w·y). Layout per bin
 * is `[count, weight, g_0 … g_{m-1}]` (stride m + 2), as LightGBM keeps `(grad, hess)` per bin
 * (src/treelearner/feature_histogram.hpp) but with the statistics CART's impurity needs.
 *
 * These loops run for every node and every sampled feature: typed arrays only, no allocation.
 */

/**
 * Adds the rows `rows[s..e)` of the feature whose bins start at `col` in `bins` into `hist` starting
 * at bin slot `off`, for classification (class index per row in `cls`). Returns the packed range of
 * non-missing bins seen ({@link packRange}).
 *
 * @example
 * ```ts
 * const range = buildClassHistogram(bins, f * n, rows, 0, rows.length, w, cls, hist, 0, 4, nBins - 1);
 * ```
 */
export function buildClassHistogram(
  bins: Uint8Array,
  col: number,
  rows: Int32Array,
  s: number,
  e: number,
  w: Float64Array,
  cls: Int32Array,
  hist: Float64Array,
  off: number,
  stride: number,
  missingBin: number,
): number {
  let lo = 0xffff;
  let hi = -1;
  for (let p = s; p < e; p++) {
    const i = rows[p];
    const b = bins[col + i];
    const at = (off + b) * stride;
    const wi = w[i];
    hist[at] += 1;
    hist[at + 1] += wi;
    hist[at + 2 + cls[i]] += wi;
    if (b !== missingBin) {
      if (b < lo) lo = b;
      if (b > hi) hi = b;
    }
  }
  return packRange(lo, hi);
}

/**
 * The range of non-missing bins seen, packed as `lo + 65536·(hi + 1)` (hi = −1: none), so the
 * split scan and the clearing after it touch only that range.
 */
export function packRange(lo: number, hi: number): number {
  return lo + 65536 * (hi + 1);
}

/** Lowest non-missing bin of a packed range. */
export function rangeLo(r: number): number {
  return r % 65536;
}

/** Highest non-missing bin of a packed range (−1 when the node has only missing values). */
export function rangeHi(r: number): number {
  return Math.floor(r / 65536) - 1;
}

/** Regression variant of {@link buildClassHistogram}: `wy[i]` = w_i·y_i. */
export function buildRegHistogram(
  bins: Uint8Array,
  col: number,
  rows: Int32Array,
  s: number,
  e: number,
  w: Float64Array,
  wy: Float64Array,
  hist: Float64Array,
  off: number,
  stride: number,
  missingBin: number,
): number {
  let lo = 0xffff;
  let hi = -1;
  for (let p = s; p < e; p++) {
    const i = rows[p];
    const b = bins[col + i];
    const at = (off + b) * stride;
    hist[at] += 1;
    hist[at + 1] += w[i];
    hist[at + 2] += wy[i];
    if (b !== missingBin) {
      if (b < lo) lo = b;
      if (b > hi) hi = b;
    }
  }
  return packRange(lo, hi);
}
