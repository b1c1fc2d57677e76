/**
 * Typed access to test/fixtures/stats.json (written by scripts/fixtures/make_stats_fixtures.py with
 * scipy 1.10 / scikit-learn 1.2.1 / numpy), shared by the drift, comparison and calibration tests.
 */
import { readFileSync } from 'node:fs';

export interface Ks2Case {
  name: string;
  a: number[];
  b: number[];
  auto: { statistic: number; pvalue: number | null };
  exact: { statistic: number; pvalue: number | null };
  asymp: { statistic: number; pvalue: number | null };
}

export interface KsPercentileCase {
  name: string;
  percentiles: number[];
  live: number[];
  statistic: number;
  p_asymp: number;
  p_exact: number;
  scipy_kstest?: number;
}

export interface Chi2Case {
  name: string;
  observed: number[];
  reference: number[];
  minExpected: number;
  ddof: number;
  groups: number[];
  merged_observed: number[];
  merged_expected: number[];
  statistic: number;
  dof: number;
  pvalue: number;
}

export interface PsiNumericCase {
  name: string;
  edges: number[];
  reference_counts: number[];
  live: (number | null)[];
  live_counts: number[];
  missing: number;
  terms: number[];
  psi: number;
}

export interface DelongCase {
  name: string;
  y: number[];
  scoreA: number[];
  scoreB: number[];
  expected: {
    aucA: number;
    aucB: number;
    difference: number;
    varA: number;
    varB: number;
    covariance: number;
    z: number;
    pValue: number;
    pValueGreater: number;
    sklearn_aucA: number;
    sklearn_aucB: number;
  };
}

export interface CalibBinaryCase {
  name: string;
  F: number[];
  y: number[];
  weights: number[] | null;
  F_test: number[];
  sigmoid_sklearn: { a: number; b: number; predict: number[] };
  sigmoid_optimum: { a: number; b: number; max_abs_gradient: number; predict: number[] };
  isotonic: { X_thresholds: number[]; y_thresholds: number[]; predict: number[] };
}

export interface CalibPipelineCase {
  name: string;
  k: number;
  proba: number[];
  y: number[];
  weights: number[] | null;
  proba_test: number[];
  sigmoid: number[];
  isotonic: number[];
}

export interface StatsFixtures {
  scipy: string;
  sklearn: string;
  numpy: string;
  special: { gammaincc: [number, number, number, number][]; norm_sf: [number, number][]; chi2_sf: [number, number, number][] };
  kolmogorov: { kstwo_sf: [number, number, number][]; kstwobign_sf: [number, number][] };
  ks2: Ks2Case[];
  ks_percentiles: KsPercentileCase[];
  chi2: Chi2Case[];
  psi: {
    epsilon: number;
    numeric: PsiNumericCase[];
    categorical: {
      name: string;
      categories: string[];
      reference: Record<string, number>;
      live: (string | null)[];
      live_counts: number[];
      missing: number;
      terms: number[];
      psi: number;
    };
    simple: { reference: number[]; live: number[]; psi: number }[];
  };
  delong: DelongCase[];
  calibration: { binary: CalibBinaryCase[]; pipelines: CalibPipelineCase[] };
}

export const stats = JSON.parse(readFileSync(new URL('../fixtures/stats.json', import.meta.url), 'utf8')) as StatsFixtures;

/** |actual − expected| ≤ tol·max(1, |expected|), with a message naming the value. */
export function close(actual: number, expected: number, tol: number, what: string): void {
  const bound = tol * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= bound)) {
    throw new Error(`${what}: got ${actual}, reference ${expected} (|diff| ${Math.abs(actual - expected)} > ${bound})`);
  }
}

/** Relative agreement |a − e| ≤ tol·|e| (for tail probabilities spanning many decades). */
export function closeRel(actual: number, expected: number, tol: number, what: string): void {
  if (!(Math.abs(actual - expected) <= tol * Math.abs(expected))) {
    throw new Error(`${what}: got ${actual}, reference ${expected} (relative diff ${Math.abs(actual - expected) / Math.abs(expected)} > ${tol})`);
  }
}

/** The ModelyardError code thrown by `fn`, or undefined. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return e instanceof Error && e.name === 'ModelyardError' && typeof code === 'string' ? code : `not a ModelyardError: ${String(e)}`;
  }
  return undefined;
}
