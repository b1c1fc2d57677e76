/**
 * Per-node histograms of one feature: for every bin, the number of rows, their total weight and the
 * weighted target statistics (classification: weight per class; regression: Σ w·y). Layout per bin
 * is `[count, weight, g_0 … g_{m-1}]` (stride m + 2), as LightGBM keeps `(grad, hess)` per bin
 * (src/treelearner/feature_histogram.hpp) but with the statistics CART's impurity needs.
 *
 * The builders also list the bins they touch (first touch = count was 0), so split finding and
 * clearing visit only those: deep nodes with a handful of rows then cost O(rows), not O(bins) —
 * fully grown forests are mostly such nodes. Typed arrays only, no allocation.
 */

/**
 * Adds the rows `rows[s..e)` of the feature whose bins start at `col` in `bins` into `hist` starting
 * at bin slot `off`, for classification (class index per row in `cls`). Writes the distinct bins
 * touched to `touched` (in first-touch order) and returns how many there are.
 *
 * @example
 * ```ts
 * const nt = buildClassHistogram(bins, f * n, rows, 0, rows.length, w, cls, hist, 0, 4, touched);
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
  touched: Int32Array,
): number {
  let nt = 0;
  for (let p = s; p < e; p++) {
    const i = rows[p];
    const b = bins[col + i];
    const at = (off + b) * stride;
    const wi = w[i];
    if (hist[at] === 0) touched[nt++] = b;
    hist[at] += 1;
    hist[at + 1] += wi;
    hist[at + 2 + cls[i]] += wi;
  }
  return nt;
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
  touched: Int32Array,
): number {
  let nt = 0;
  for (let p = s; p < e; p++) {
    const i = rows[p];
    const b = bins[col + i];
    const at = (off + b) * stride;
    if (hist[at] === 0) touched[nt++] = b;
    hist[at] += 1;
    hist[at + 1] += w[i];
    hist[at + 2] += wy[i];
  }
  return nt;
}

/**
 * Sorts the first `nt` touched bins ascending: insertion sort for a few, else a scan of the
 * histogram between the smallest and largest touched bin (both O(touched) or O(range)).
 */
export function sortTouched(touched: Int32Array, nt: number, hist: Float64Array, off: number, stride: number): void {
  if (nt <= 32) {
    for (let a = 1; a < nt; a++) {
      const v = touched[a];
      let j = a - 1;
      while (j >= 0 && touched[j] > v) {
        touched[j + 1] = touched[j];
        j--;
      }
      touched[j + 1] = v;
    }
    return;
  }
  let lo = 256;
  let hi = -1;
  for (let a = 0; a < nt; a++) {
    const v = touched[a];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  let k = 0;
  for (let b = lo; b <= hi; b++) if (hist[(off + b) * stride] > 0) touched[k++] = b;
}

/** Zeroes the touched bins of a histogram (keeping it all-zero between uses). */
export function clearTouched(touched: Int32Array, nt: number, hist: Float64Array, off: number, stride: number): void {
  for (let a = 0; a < nt; a++) {
    const at = (off + touched[a]) * stride;
    for (let c = 0; c < stride; c++) hist[at + c] = 0;
  }
}
