/**
 * Live-window drift and feature safety against the artifact's reference profile: PSI on the
 * profile's decile bins (numeric) or categories (categorical, plus an "other" bin for unseen
 * values); the Kolmogorov–Smirnov test against the profile's percentiles (numeric) or Pearson's χ²
 * with sparse bins merged (categorical); missing rate, NaN/±inf counts and per-row feature
 * coverage; the same PSI/KS/χ² on the model's own output. The statistics are src/metrics/drift.ts.
 */
import type { PredictionRecord } from '../log/record.js';
import { binNumeric, categoryCounts, chiSquareTest, ksPercentiles, psi, referenceCategoryCounts } from '../metrics/drift.js';
import type { TargetSpec } from '../schema/types.js';
import type { Alert } from './alert.js';
import type { MonitorConfig } from './config.js';
import type { FeatureProfile, Profile } from './profile.js';

export type Verdict = 'ok' | 'warn' | 'alert' | 'insufficient';

/** Drift of one feature (or of the prediction) in the live window. */
export interface DistributionDrift {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Rows in the window that carried inputs. */
  rows: number;
  /** Present, finite values (the ones the statistics use). */
  present: number;
  missing: number;
  /** NaN or ±inf values (seed 004's feature safety), plus numeric text that does not parse. */
  nonFinite: number;
  missingRate: number;
  referenceMissingRate: number;
  nonFiniteRate: number;
  psi: number | null;
  test: { name: 'ks' | 'chi2'; statistic: number; pValue: number } | null;
  /** Drift verdict: PSI ≥ psiAlert (alert) or ≥ psiWarn (warn) with the test's p < drift.pValue. */
  status: Verdict;
}

export interface DriftSection {
  rows: number;
  /** Rows whose inputs were not logged (input logging off or hashed): no feature statistics for them. */
  rowsWithoutInputs: number;
  /** Mean share of the model's features present (finite, non-missing) per row; null without inputs. */
  coverage: number | null;
  features: DistributionDrift[];
  prediction: DistributionDrift | null;
  /** False when the artifact has no reference profile. */
  profiled: boolean;
}

/** How a raw input value counts for a numeric feature. */
function numericValue(v: unknown): { kind: 'present'; value: number } | { kind: 'missing' } | { kind: 'nonfinite' } {
  if (v === null || v === undefined) return { kind: 'missing' };
  if (typeof v === 'number') return Number.isFinite(v) ? { kind: 'present', value: v } : { kind: 'nonfinite' };
  if (typeof v === 'boolean') return { kind: 'present', value: v ? 1 : 0 };
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return { kind: 'missing' };
    const n = Number(s);
    if (Number.isFinite(n)) return { kind: 'present', value: n };
    if (/^[+-]?(nan|inf|infinity)$/i.test(s)) return { kind: 'nonfinite' };
    const t = Date.parse(s); // dates are numbers (ms) in the frame
    if (Number.isFinite(t)) return { kind: 'present', value: t };
    return { kind: 'nonfinite' };
  }
  return { kind: 'nonfinite' };
}

function categoricalValue(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  return String(v);
}

/** Collector of one distribution's live values. */
class Collector {
  values: number[] = [];
  labels: (string | null)[] = [];
  missing = 0;
  nonFinite = 0;
  rows = 0;
  constructor(readonly profile: FeatureProfile) {}

  /** Adds a value; true when it is present (counts towards coverage). */
  add(v: unknown): boolean {
    this.rows++;
    if (this.profile.kind === 'numeric') {
      if (typeof v === 'number' && v - v === 0) {
        // The common case (a finite JSON number) without allocating a result object.
        this.values.push(v);
        return true;
      }
      const r = numericValue(v);
      if (r.kind === 'present') {
        this.values.push(r.value);
        return true;
      }
      if (r.kind === 'missing') this.missing++;
      else this.nonFinite++;
      return false;
    }
    const c = categoricalValue(v);
    if (c === null) {
      this.missing++;
      return false;
    }
    this.labels.push(c);
    return true;
  }

  result(name: string, cfg: MonitorConfig): DistributionDrift {
    const p = this.profile;
    const present = p.kind === 'numeric' ? this.values.length : this.labels.length;
    const rows = this.rows;
    const base: DistributionDrift = {
      name,
      kind: p.kind,
      rows,
      present,
      missing: this.missing,
      nonFinite: this.nonFinite,
      missingRate: rows ? this.missing / rows : 0,
      referenceMissingRate: p.count ? p.missing / p.count : 0,
      nonFiniteRate: rows ? this.nonFinite / rows : 0,
      psi: null,
      test: null,
      status: 'insufficient',
    };
    const refPresent = p.count - p.missing;
    if (present < cfg.drift.minRows || refPresent <= 0) return base;
    if (p.kind === 'numeric') {
      const live = binNumeric(p.edges, this.values);
      base.psi = psi(p.binCounts, live.counts);
      const ks = ksPercentiles(this.values, p.percentiles);
      base.test = { name: 'ks', statistic: ks.statistic, pValue: ks.pValue };
    } else {
      const cats = Object.keys(p.counts);
      const ref = referenceCategoryCounts(p.counts, cats);
      const live = categoryCounts(cats, this.labels);
      base.psi = psi(ref, live.counts);
      const chi = chiSquareTest(live.counts, ref);
      base.test = { name: 'chi2', statistic: chi.statistic, pValue: chi.pValue };
    }
    const significant = base.test.pValue < cfg.drift.pValue;
    base.status = significant && base.psi >= cfg.drift.psiAlert ? 'alert' : significant && base.psi >= cfg.drift.psiWarn ? 'warn' : 'ok';
    return base;
  }
}

/** The model output as a value of the profile's prediction distribution. */
function outputValue(r: PredictionRecord, target: TargetSpec): unknown {
  if (target.task === 'binary') {
    const positive = String(target.classes?.[1]);
    const p = r.probabilities?.[positive];
    return p === undefined ? null : p;
  }
  return r.prediction;
}

/**
 * Drift, coverage and feature safety of the live window `records` (primary predictions of one
 * model version) against `profile`.
 *
 * @example
 * ```ts
 * const d = driftSection(profile, target, records, resolveMonitorConfig());
 * d.features.filter((f) => f.status === 'alert').map((f) => f.name);
 * ```
 */
export function driftSection(profile: Profile | null, target: TargetSpec, records: readonly PredictionRecord[], cfg: MonitorConfig): DriftSection {
  if (!profile) return { rows: records.length, rowsWithoutInputs: 0, coverage: null, features: [], prediction: null, profiled: false };
  const names = Object.keys(profile.features);
  const collectors = names.map((n) => new Collector(profile.features[n]));
  const out = new Collector(profile.prediction);
  let withoutInputs = 0;
  let coverageSum = 0;
  let coverageRows = 0;
  for (const r of records) {
    out.add(outputValue(r, target));
    const inputs = r.inputs;
    if (inputs === null || typeof inputs !== 'object') {
      withoutInputs++;
      continue;
    }
    let present = 0;
    for (let f = 0; f < names.length; f++) if (collectors[f].add((inputs as Record<string, unknown>)[names[f]])) present++;
    if (names.length > 0) {
      coverageSum += present / names.length;
      coverageRows++;
    }
  }
  return {
    rows: records.length,
    rowsWithoutInputs: withoutInputs,
    coverage: coverageRows ? coverageSum / coverageRows : null,
    features: collectors.map((c, f) => c.result(names[f], cfg)),
    prediction: records.length ? out.result('prediction', cfg) : null,
    profiled: true,
  };
}

/** The alerts a drift section raises. */
export function driftAlerts(d: DriftSection, model: string, version: string, cfg: MonitorConfig, time: number): Alert[] {
  const alerts: Alert[] = [];
  const mk = (a: Omit<Alert, 'model' | 'version' | 'time'>): void => void alerts.push({ ...a, model, version, time });
  const fmt = (v: number): string => Number(v.toPrecision(3)).toString();
  for (const f of d.features) {
    if (f.status === 'warn' || f.status === 'alert') {
      const threshold = f.status === 'alert' ? cfg.drift.psiAlert : cfg.drift.psiWarn;
      mk({ kind: 'feature_drift', severity: f.status, subject: f.name, value: f.psi!, threshold, message: `feature "${f.name}" drifted: PSI ${fmt(f.psi!)} ≥ ${threshold} (${f.test!.name} p = ${f.test!.pValue.toExponential(2)}, ${f.present} rows)` });
    }
    if (f.rows >= cfg.features.minRows) {
      const increase = f.missingRate - f.referenceMissingRate;
      if (increase > cfg.features.missingRateIncrease) {
        mk({ kind: 'missing_rate', severity: 'alert', subject: f.name, value: f.missingRate, threshold: f.referenceMissingRate + cfg.features.missingRateIncrease, message: `feature "${f.name}" is missing in ${fmt(100 * f.missingRate)} % of rows (training ${fmt(100 * f.referenceMissingRate)} %)` });
      }
      if (f.nonFinite > 0 && f.nonFiniteRate > cfg.features.maxNonFiniteRate) {
        mk({ kind: 'non_finite', severity: 'alert', subject: f.name, value: f.nonFiniteRate, threshold: cfg.features.maxNonFiniteRate, message: `feature "${f.name}" has ${f.nonFinite} NaN/inf or unparseable value(s) in ${f.rows} rows` });
      }
    }
  }
  const withInputs = d.rows - d.rowsWithoutInputs;
  if (d.coverage !== null && withInputs >= cfg.features.minRows && d.coverage < cfg.features.minCoverage) {
    mk({ kind: 'coverage', severity: 'alert', subject: null, value: d.coverage, threshold: cfg.features.minCoverage, message: `feature coverage ${fmt(100 * d.coverage)} % is below ${100 * cfg.features.minCoverage} %` });
  }
  const p = d.prediction;
  if (p && (p.status === 'warn' || p.status === 'alert')) {
    const threshold = p.status === 'alert' ? cfg.drift.psiAlert : cfg.drift.psiWarn;
    mk({ kind: 'prediction_drift', severity: p.status, subject: 'prediction', value: p.psi!, threshold, message: `the prediction distribution drifted: PSI ${fmt(p.psi!)} ≥ ${threshold} (${p.test!.name} p = ${p.test!.pValue.toExponential(2)})` });
  }
  return alerts;
}
