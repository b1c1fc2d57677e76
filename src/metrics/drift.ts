/**
 * Drift statistics for the monitor (DESIGN.md, "Prediction log and monitoring"): PSI on the
 * reference profile's bins, Kolmogorov–Smirnov for numeric features and the prediction
 * distribution, χ² for categorical features. Each is cross-checked against scipy / numpy in
 * drift.test.ts (fixtures: test/fixtures/stats.json, made by scripts/fixtures/make_stats_fixtures.py).
 *
 * Minimum sample sizes are the caller's business; every function refuses empty input with a
 * coded `ModelyardError`.
 */
export {
  psi,
  psiTerms,
  binIndex,
  binNumeric,
  categoryCounts,
  referenceCategoryCounts,
  PSI_EPSILON,
  PSI_WARN,
  PSI_ALERT,
  type BinnedCounts,
} from './psi.js';
export { ks2Sample, ksPercentiles, percentileCdf, KS_EXACT_MAX_N, type KsResult } from './ks.js';
export { chiSquareTest, type ChiSquareResult, type ChiSquareOptions } from './chisquare.js';
export { kolmogorovSf, kolmogorovNSf } from './kolmogorov.js';
export { gammaP, gammaQ, chiSquareSf, normalSf, erfc, lnGamma } from './special.js';
