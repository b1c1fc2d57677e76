/**
 * Population stability index (PSI) between a reference and a live distribution over shared bins,
 * and the helpers that put live values into the reference's bins.
 */
import { ModelyardError } from '../errors.js';

/**
 * Share given to a bin with no rows when computing PSI. ln(a/e) is infinite for an empty bin, so,
 * as is common practice, a proportion of exactly 0 is raised to 10⁻⁴ (0.01 % of the rows; no
 * renormalisation). A bin empty on one side and holding share s on the other then contributes
 * about s·ln(s/10⁻⁴): a bin of 5 % appearing from nothing adds 0.31, enough to alert on its own.
 */
export const PSI_EPSILON = 1e-4;

/**
 * Conventional PSI thresholds (Siddiqi 2006, "Credit Risk Scorecards", ch. 8; examined in Yurdakul
 * 2018, "Statistical Properties of Population Stability Index", PhD thesis, Western Michigan
 * University): below 0.1 no significant shift, 0.1–0.25 a moderate shift (warn), above 0.25 a
 * major shift (alert). The thresholds ignore sample size: with no drift at all, PSI — a Jeffreys
 * divergence — is asymptotically (1/N_ref + 1/N_live)·χ²(bins − 1) (Yurdakul 2018), i.e. about
 * 9·(1/N_ref + 1/N_live) for 10 bins: 0.01 for a 1 000-row window against 10 000 reference rows, but
 * 0.05 for 200 rows. Use windows of about a thousand rows or more, or the KS / χ² p-values.
 */
export const PSI_WARN = 0.1;
export const PSI_ALERT = 0.25;

function proportions(what: string, counts: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (!(c >= 0 && c < Infinity)) {
      throw new ModelyardError('INVALID_VALUE', `${what}[${i}] is ${String(c)}; bin counts must be finite and non-negative`, { field: what });
    }
    total += c;
  }
  if (!(total > 0)) throw new ModelyardError('DATA_EMPTY', `${what} has no rows (all bin counts are 0): PSI needs both distributions`, { field: what });
  const p = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) p[i] = counts[i] / total;
  return p;
}

/**
 * Per-bin PSI terms (aᵢ − eᵢ)·ln(aᵢ/eᵢ), where eᵢ and aᵢ are the reference and live shares of bin i
 * (zeros raised to `epsilon`). Every term is ≥ 0; their sum is {@link psi}.
 *
 * @param reference Reference (training) counts or weights per bin.
 * @param live Live counts per bin, same bins.
 * @example
 * ```ts
 * psiTerms([50, 50], [60, 40]); // [0.1·ln 1.2, −0.1·ln 0.8] ≈ [0.0182, 0.0223]
 * ```
 */
export function psiTerms(reference: ArrayLike<number>, live: ArrayLike<number>, epsilon: number = PSI_EPSILON): Float64Array {
  if (reference.length !== live.length) {
    throw new ModelyardError('LENGTH_MISMATCH', `live has ${live.length} bins but the reference has ${reference.length}`, { field: 'live' });
  }
  if (reference.length === 0) throw new ModelyardError('DATA_EMPTY', 'PSI needs at least one bin', { field: 'reference' });
  if (!(epsilon > 0 && epsilon < 1)) throw new ModelyardError('PARAM_INVALID', `epsilon must lie in (0, 1), got ${epsilon}`, { field: 'epsilon' });
  const e = proportions('reference', reference);
  const a = proportions('live', live);
  const out = new Float64Array(e.length);
  for (let i = 0; i < e.length; i++) {
    const ei = e[i] === 0 ? epsilon : e[i];
    const ai = a[i] === 0 ? epsilon : a[i];
    out[i] = (ai - ei) * Math.log(ai / ei);
  }
  return out;
}

/**
 * Population stability index Σᵢ (aᵢ − eᵢ)·ln(aᵢ/eᵢ) between the reference shares e and the live
 * shares a of the same bins (the symmetrised Kullback–Leibler divergence). Compare with
 * {@link PSI_WARN} and {@link PSI_ALERT}.
 *
 * @throws ModelyardError LENGTH_MISMATCH when the bin counts differ, DATA_EMPTY when either side has
 *   no rows, INVALID_VALUE for negative or non-finite counts.
 * @example
 * ```ts
 * psi([25, 25, 25, 25], [10, 20, 30, 40]); // 0.2282
 * ```
 */
export function psi(reference: ArrayLike<number>, live: ArrayLike<number>, epsilon: number = PSI_EPSILON): number {
  const terms = psiTerms(reference, live, epsilon);
  let s = 0;
  for (let i = 0; i < terms.length; i++) s += terms[i];
  return s;
}

/** Live counts in the reference bins, plus the values that had no bin. */
export interface BinnedCounts {
  /** Count per bin. */
  counts: Float64Array;
  /** Values left out: missing (NaN, null, undefined). */
  missing: number;
}

/**
 * Bin of `v` for strictly increasing inner `edges`: bin i holds edges[i−1] < v ≤ edges[i] (bin 0
 * everything ≤ edges[0], the last bin everything above the last edge) — the convention of the
 * reference profile's decile bins (numpy `searchsorted(edges, v, side='left')`).
 *
 * @example
 * ```ts
 * binIndex([1, 2], 1); // 0: a value on an edge belongs to the lower bin
 * binIndex([1, 2], 1.5); // 1
 * ```
 */
export function binIndex(edges: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Counts live numeric values in the reference's bins (inner edges, `edges.length + 1` bins, see
 * {@link binIndex}); NaN values are counted as missing instead.
 *
 * @throws ModelyardError PARAM_INVALID unless the edges are finite and strictly increasing.
 * @example
 * ```ts
 * binNumeric([1, 2], [0.5, 1, 1.5, 2, 7, NaN]); // { counts: [2, 2, 1], missing: 1 }
 * ```
 */
export function binNumeric(edges: ArrayLike<number>, values: ArrayLike<number>): BinnedCounts {
  for (let i = 0; i < edges.length; i++) {
    if (!Number.isFinite(edges[i]) || (i > 0 && !(edges[i] > edges[i - 1]))) {
      throw new ModelyardError('PARAM_INVALID', `edges[${i}] is ${String(edges[i])}; bin edges must be finite and strictly increasing`, { field: 'edges' });
    }
  }
  const counts = new Float64Array(edges.length + 1);
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) missing++;
    else counts[binIndex(edges, v)]++;
  }
  return { counts, missing };
}

/**
 * Counts live categorical values per reference category, with one extra last bin ("other") for
 * categories the reference never saw; null and undefined are counted as missing. The matching
 * reference vector is the reference counts in the same order with 0 for "other" (see
 * {@link referenceCategoryCounts}); PSI's epsilon and the χ² test's merging handle that empty bin.
 *
 * @example
 * ```ts
 * categoryCounts(['a', 'b'], ['a', 'c', 'b', 'a', null]); // { counts: [2, 1, 1], missing: 1 }
 * ```
 */
export function categoryCounts(categories: readonly string[], values: ArrayLike<string | null | undefined>): BinnedCounts {
  const index = new Map<string, number>();
  categories.forEach((c, i) => {
    if (index.has(c)) throw new ModelyardError('PARAM_INVALID', `category "${c}" is listed twice`, { field: 'categories' });
    index.set(c, i);
  });
  const k = categories.length;
  const counts = new Float64Array(k + 1);
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) missing++;
    else counts[index.get(v) ?? k]++;
  }
  return { counts, missing };
}

/**
 * The reference counts of a categorical profile (category → count) as a vector over `categories`
 * plus a final 0 for "other", aligned with {@link categoryCounts}.
 *
 * @example
 * ```ts
 * referenceCategoryCounts({ a: 30, b: 70 }, ['a', 'b']); // [30, 70, 0]
 * ```
 */
export function referenceCategoryCounts(counts: Readonly<Record<string, number>>, categories: readonly string[] = Object.keys(counts)): Float64Array {
  const out = new Float64Array(categories.length + 1);
  categories.forEach((c, i) => {
    out[i] = counts[c] ?? 0;
  });
  return out;
}
