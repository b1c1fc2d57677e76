/**
 * Row partitioning: after a split, the node's slice `rows[s..e)` is reordered so that rows going
 * left come first (stable, through a scratch buffer, so results never depend on swap order).
 * LightGBM's DataPartition (src/treelearner/data_partition.hpp) does the same per leaf.
 */

/**
 * Partitions `rows[s..e)` by a numeric split (bin ≤ threshold goes left; the missing bin goes left
 * when `missingLeft`). Returns the index of the first right row.
 *
 * @example
 * ```ts
 * const mid = partitionNumeric(bins, f * n, rows, s, e, t, missingBin, true, scratch);
 * ```
 */
export function partitionNumeric(bins: Uint8Array, col: number, rows: Int32Array, s: number, e: number, threshold: number, missingBin: number, missingLeft: boolean, scratch: Int32Array): number {
  let l = s;
  let r = 0;
  for (let p = s; p < e; p++) {
    const i = rows[p];
    const b = bins[col + i];
    const left = b === missingBin ? missingLeft : b <= threshold;
    if (left) rows[l++] = i;
    else scratch[r++] = i;
  }
  rows.set(scratch.subarray(0, r), l);
  return l;
}

/** Partitions by a categorical split: bins whose bit is set in `words[at..at+8)` go left. */
export function partitionCategorical(bins: Uint8Array, col: number, rows: Int32Array, s: number, e: number, words: Uint32Array, at: number, scratch: Int32Array): number {
  let l = s;
  let r = 0;
  for (let p = s; p < e; p++) {
    const i = rows[p];
    const b = bins[col + i];
    if ((words[at + (b >>> 5)] >>> (b & 31)) & 1) rows[l++] = i;
    else scratch[r++] = i;
  }
  rows.set(scratch.subarray(0, r), l);
  return l;
}
