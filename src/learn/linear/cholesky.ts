/**
 * Cholesky factorisation A = L·Lᵀ of a symmetric positive definite matrix and the matching
 * solve (Golub & Van Loan, *Matrix Computations*, 4th ed., Algorithm 4.2.1, row-oriented).
 */

/**
 * Factorises the p × p row-major SPD matrix `a` in place: on success its lower triangle holds L.
 * Returns false (leaving `a` partly overwritten) when a pivot is not positive.
 *
 * @example
 * ```ts
 * const a = Float64Array.of(4, 2, 2, 3);
 * cholesky(a, 2);             // true; a = [2, 2, 1, √2] (lower triangle is L)
 * choleskySolve(a, 2, Float64Array.of(2, 1)); // solves A·x = b in place
 * ```
 */
export function cholesky(a: Float64Array, p: number): boolean {
  for (let j = 0; j < p; j++) {
    const rowJ = j * p;
    let d = a[rowJ + j];
    for (let k = 0; k < j; k++) d -= a[rowJ + k] * a[rowJ + k];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[rowJ + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      const rowI = i * p;
      let s = a[rowI + j];
      for (let k = 0; k < j; k++) s -= a[rowI + k] * a[rowJ + k];
      a[rowI + j] = s / ljj;
    }
  }
  return true;
}

/** Solves L·Lᵀ·x = b in place (b becomes x), given the factor from {@link cholesky}. */
export function choleskySolve(l: Float64Array, p: number, b: Float64Array): void {
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * b[k];
    b[i] = s / l[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * b[k];
    b[i] = s / l[i * p + i];
  }
}
