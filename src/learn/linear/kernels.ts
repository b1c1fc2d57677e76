/**
 * The two products every linear solver needs, over a column-major design matrix whose sparse 0/1
 * columns (one-hot levels, missing indicators) may also be given as lists of the rows holding a 1:
 *
 *   addXw:  z += X·w      (p axpy passes; a sparse column adds its weight at its rows only)
 *   xtr:    g  = Xᵀ·r     (p dot products; a sparse column sums r at its rows only)
 *
 * Both walk the columns in order, so every row's sum is accumulated in the same order whether a
 * column is read densely or through its row list (adding w·0 = 0 leaves a sum unchanged): results
 * are bit-identical either way, and one-row scoring equals batch scoring.
 */

/** Row lists of the 0/1 columns worth reading sparsely (null: read densely). */
export type SparseColumns = readonly (Int32Array | null)[];

/** A 0/1 column with at most this share of ones is read through its row list. */
const MAX_DENSITY = 0.25;

/**
 * Row lists for the columns of `X` (n × p, column-major) that hold only 0 and 1 with few ones.
 *
 * @example
 * ```ts
 * const ones = sparseColumns(matrix.values, matrix.nRows, matrix.nCols); // ones[j]: rows where column j is 1, or null
 * ```
 */
export function sparseColumns(X: Float64Array, n: number, p: number): SparseColumns {
  const out: (Int32Array | null)[] = [];
  for (let j = 0; j < p; j++) {
    const off = j * n;
    let count = 0;
    let binary = true;
    for (let i = 0; i < n; i++) {
      const v = X[off + i];
      if (v === 1) count++;
      else if (v !== 0) {
        binary = false;
        break;
      }
    }
    if (!binary || count > MAX_DENSITY * n) {
      out.push(null);
      continue;
    }
    const rows = new Int32Array(count);
    for (let i = 0, t = 0; i < n; i++) if (X[off + i] === 1) rows[t++] = i;
    out.push(rows);
  }
  return out;
}

/** z[zOff + i] += Σ_j w[wOff + j]·X[i, j] for i < n. */
export function addXw(X: Float64Array, n: number, p: number, ones: SparseColumns | null, w: Float64Array, wOff: number, z: Float64Array, zOff: number): void {
  for (let j = 0; j < p; j++) {
    const wj = w[wOff + j];
    if (wj === 0) continue;
    const rows = ones ? ones[j] : null;
    if (rows) {
      for (let t = 0; t < rows.length; t++) z[zOff + rows[t]] += wj;
    } else {
      const off = j * n;
      for (let i = 0; i < n; i++) z[zOff + i] += wj * X[off + i];
    }
  }
}

/** g[gOff + j] = Σ_i X[i, j]·r[rOff + i] for j < p. */
export function xtr(X: Float64Array, n: number, p: number, ones: SparseColumns | null, r: Float64Array, rOff: number, g: Float64Array, gOff: number): void {
  for (let j = 0; j < p; j++) {
    const rows = ones ? ones[j] : null;
    let s = 0;
    if (rows) {
      for (let t = 0; t < rows.length; t++) s += r[rOff + rows[t]];
    } else {
      const off = j * n;
      for (let i = 0; i < n; i++) s += X[off + i] * r[rOff + i];
    }
    g[gOff + j] = s;
  }
}
