/**
 * The reference profile written into every artifact at training time: per feature its missing rate
 * and distribution (percentiles + decile bin counts for numbers; category frequencies for
 * categoricals), and the distribution of the model's own output. The monitor compares live windows
 * with it (PSI on the decile bins, KS against the percentile ECDF, chi² on category counts).
 */
import type { Frame } from '../frame/frame.js';
import type { Json } from '../learn/types.js';
import type { FeatureSpec, Task } from '../schema/types.js';

export interface NumericProfile {
  kind: 'numeric';
  count: number;
  missing: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** 101 percentiles (0, 1, …, 100) of the present values: the reference ECDF for KS. */
  percentiles: number[];
  /** Inner edges of 10 quantile bins (deciles, deduplicated): the PSI bins. */
  edges: number[];
  /** Reference counts per PSI bin (edges.length + 1 bins). */
  binCounts: number[];
}

export interface CategoricalProfile {
  kind: 'categorical';
  count: number;
  missing: number;
  /** Count per category (training categories; values never seen are not listed). */
  counts: Record<string, number>;
}

export type FeatureProfile = NumericProfile | CategoricalProfile;

export interface Profile {
  rows: number;
  features: Record<string, FeatureProfile>;
  /** Output distribution: binary P(positive), regression value (numeric); multiclass predicted class (categorical). */
  prediction: FeatureProfile;
}

/**
 * Profiles a conformed frame and the model's output on it.
 *
 * @example
 * ```ts
 * const profile = buildProfile(X, schema.features, fitted.predict(X), 'binary', 2, ['no', 'yes']);
 * profile.features.age.percentiles[50]; // the median age in training
 * ```
 */
export function buildProfile(X: Frame, features: readonly FeatureSpec[], output: Float64Array, task: Task, k: number, classes?: readonly (string | number)[]): Profile {
  const out: Record<string, FeatureProfile> = {};
  for (const spec of features) {
    const c = X.column(spec.name);
    if (c.type === 'string') {
      const counts = new Float64Array(c.dictionary.length);
      let missing = 0;
      for (const code of c.codes) {
        if (code < 0) missing++;
        else counts[code]++;
      }
      out[spec.name] = { kind: 'categorical', count: c.codes.length, missing, counts: Object.fromEntries(c.dictionary.map((d, i) => [d, counts[i]])) };
    } else out[spec.name] = numericProfile(c.values);
  }
  const n = X.nRows;
  let prediction: FeatureProfile;
  if (task === 'multiclass') {
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (output[i * k + j] > output[i * k + best]) best = j;
      counts[best]++;
    }
    prediction = { kind: 'categorical', count: n, missing: 0, counts: Object.fromEntries(Array.from(counts, (v, j) => [String(classes?.[j] ?? j), v])) };
  } else if (task === 'binary') {
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++) p[i] = output[i * 2 + 1];
    prediction = numericProfile(p);
  } else prediction = numericProfile(output);
  return { rows: n, features: out, prediction };
}

/** Numeric summary with percentiles and decile bins (linear-interpolated percentiles, numpy's default). */
export function numericProfile(values: Float64Array): NumericProfile {
  const present = values.filter((v) => v === v);
  const missing = values.length - present.length;
  present.sort();
  const m = present.length;
  let sum = 0;
  for (const v of present) sum += v;
  const mean = m ? sum / m : NaN;
  let ss = 0;
  for (const v of present) ss += (v - mean) ** 2;
  const percentiles = m ? Array.from({ length: 101 }, (_, q) => quantileSorted(present, q / 100)) : [];
  const edges = m ? dedupe(Array.from({ length: 9 }, (_, i) => quantileSorted(present, (i + 1) / 10))) : [];
  const binCounts = new Array(edges.length + 1).fill(0);
  for (const v of present) binCounts[binOf(edges, v)]++;
  return { kind: 'numeric', count: values.length, missing, mean, std: m ? Math.sqrt(ss / m) : NaN, min: m ? present[0] : NaN, max: m ? present[m - 1] : NaN, percentiles, edges, binCounts };
}

/** Index of the bin of `v` for inner `edges` (bin i holds edges[i-1] < v ≤ edges[i]). */
export function binOf(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function quantileSorted(s: Float64Array, q: number): number {
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

function dedupe(a: number[]): number[] {
  return a.filter((v, i) => i === 0 || v !== a[i - 1]);
}

/** The profile as JSON for the artifact header. */
export function profileJson(p: Profile): Json {
  return p as unknown as Json;
}
