/**
 * Pearson's χ² goodness-of-fit test of live category counts against reference proportions, with
 * sparse bins merged first.
 */
import { ModelyardError } from '../errors.js';
import { chiSquareSf } from './special.js';

/** Result of {@link chiSquareTest}. */
export interface ChiSquareResult {
  /** Σ (observed − expected)² / expected over the bins after merging. */
  statistic: number;
  /** Degrees of freedom: bins after merging − 1 − ddof. */
  dof: number;
  /** P(χ²_dof ≥ statistic); 1 when nothing is left to test (dof ≤ 0). */
  pValue: number;
  /** For each input bin, the bin it was tested in (−1: dropped because it was empty on both sides). */
  groups: Int32Array;
  /** Observed and expected counts per tested bin. */
  observed: Float64Array;
  expected: Float64Array;
}

/** Options of {@link chiSquareTest}. */
export interface ChiSquareOptions {
  /**
   * Bins whose expected count is below this are merged (default 5, Cochran's 1954 rule of thumb
   * for the χ² approximation; 0 disables merging, which reproduces `scipy.stats.chisquare`).
   */
  minExpected?: number;
  /** Degrees of freedom used by estimated parameters (as scipy's `ddof`, default 0). */
  ddof?: number;
}

/**
 * χ² goodness-of-fit test (`scipy.stats.chisquare` semantics): the expected count of bin i is
 * N·rᵢ/Σr for N live rows and reference weights r (counts or proportions), the statistic
 * Σ (oᵢ − eᵢ)²/eᵢ, the p-value the χ² upper tail with (bins − 1 − ddof) degrees of freedom (through
 * the regularised upper incomplete gamma function `gammaQ`).
 *
 * Sparse bins: bins empty on both sides are dropped; then every bin with expected count below
 * `minExpected` is pooled into one merged bin (for categories: "all rare categories together",
 * including live categories the reference never saw, whose expected count is 0), and if that pool
 * is still below `minExpected` it is merged into the smallest remaining bin (the first on ties).
 * With `minExpected: 0` nothing is merged, and a bin with live rows but expected count 0 makes the
 * statistic infinite (p = 0).
 *
 * @param observed Live counts per bin.
 * @param reference Reference counts or proportions per bin (same bins).
 * @throws ModelyardError LENGTH_MISMATCH, DATA_EMPTY (no live or no reference rows), INVALID_VALUE
 *   (negative or non-finite counts), PARAM_INVALID (bad options).
 * @example
 * ```ts
 * chiSquareTest([16, 18, 16, 14, 12, 12], [1, 1, 1, 1, 1, 1]); // statistic 2, dof 5, p ≈ 0.8491
 * ```
 */
export function chiSquareTest(observed: ArrayLike<number>, reference: ArrayLike<number>, options: ChiSquareOptions = {}): ChiSquareResult {
  const minExpected = options.minExpected ?? 5;
  const ddof = options.ddof ?? 0;
  if (!(minExpected >= 0 && minExpected < Infinity)) throw new ModelyardError('PARAM_INVALID', `minExpected must be a finite number ≥ 0, got ${String(minExpected)}`, { field: 'minExpected' });
  if (!(Number.isInteger(ddof) && ddof >= 0)) throw new ModelyardError('PARAM_INVALID', `ddof must be an integer ≥ 0, got ${String(ddof)}`, { field: 'ddof' });
  const k = observed.length;
  if (reference.length !== k) {
    throw new ModelyardError('LENGTH_MISMATCH', `observed has ${k} bins but the reference has ${reference.length}`, { field: 'reference' });
  }
  const total = checkCounts('observed', observed);
  const refTotal = checkCounts('reference', reference);

  const expectedAll = new Float64Array(k);
  for (let i = 0; i < k; i++) expectedAll[i] = (total * reference[i]) / refTotal;
  const groups = new Int32Array(k).fill(-1);
  // 1. Drop bins that are empty on both sides; they carry no information.
  const kept: number[] = [];
  for (let i = 0; i < k; i++) if (observed[i] > 0 || expectedAll[i] > 0) kept.push(i);
  // 2. Pool the sparse bins; 3. merge a still-sparse pool into the smallest adequate bin.
  const sparse = kept.filter((i) => expectedAll[i] < minExpected);
  const dense = kept.filter((i) => !(expectedAll[i] < minExpected));
  let nGroups = 0;
  for (const i of dense) groups[i] = nGroups++;
  if (sparse.length > 0) {
    let poolExpected = 0;
    for (const i of sparse) poolExpected += expectedAll[i];
    let target: number;
    if (poolExpected < minExpected && dense.length > 0) {
      let best = dense[0];
      for (const i of dense) if (expectedAll[i] < expectedAll[best]) best = i;
      target = groups[best];
    } else target = nGroups++;
    for (const i of sparse) groups[i] = target;
  }
  const obs = new Float64Array(nGroups);
  const exp = new Float64Array(nGroups);
  for (let i = 0; i < k; i++) {
    if (groups[i] < 0) continue;
    obs[groups[i]] += observed[i];
    exp[groups[i]] += expectedAll[i];
  }
  let statistic = 0;
  for (let g = 0; g < nGroups; g++) {
    const d = obs[g] - exp[g];
    statistic += (d * d) / exp[g]; // e = 0 < o only without merging: Infinity, p = 0
  }
  const dof = nGroups - 1 - ddof;
  const pValue = dof > 0 ? (statistic === Infinity ? 0 : chiSquareSf(statistic, dof)) : 1;
  return { statistic, dof, pValue, groups, observed: obs, expected: exp };
}

function checkCounts(what: string, c: ArrayLike<number>): number {
  if (c.length === 0) throw new ModelyardError('DATA_EMPTY', `${what} has no bins: the χ² test needs at least one`, { field: what });
  let total = 0;
  for (let i = 0; i < c.length; i++) {
    const v = c[i];
    if (!(v >= 0 && v < Infinity)) throw new ModelyardError('INVALID_VALUE', `${what}[${i}] is ${String(v)}; counts must be finite and non-negative`, { field: what });
    total += v;
  }
  if (!(total > 0)) throw new ModelyardError('DATA_EMPTY', `${what} has no rows (all counts are 0)`, { field: what });
  return total;
}
