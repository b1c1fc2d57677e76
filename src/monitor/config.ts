/**
 * Every threshold of the monitor in one object, with defaults taken from DESIGN.md and the seed
 * products we replace (seed 002: retrain on ≥ 10 confident mistakes at confidence ≥ 70 % in 7 days,
 * 5 % decay, challenger by 3 % over ≥ 100 predictions in 7 days with manual approval; seed 004:
 * NaN/inf feature safety, coverage < 60 %, error rate > 5 %, latency > 1 s). docs/monitor.md lists
 * them all. Pass a partial object; {@link resolveMonitorConfig} fills in the rest and checks ranges.
 */
import { ModelyardError } from '../errors.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface MonitorConfig {
  windows: {
    /** Look-back of the live window for drift, coverage, errors and latency (default 24 h). */
    driftMs: number;
    /** Look-back for rolling metrics from feedback, calibration and confident mistakes (default 7 days). */
    performanceMs: number;
  };
  drift: {
    /** PSI at or above this warns (0.1; Siddiqi 2006). */
    psiWarn: number;
    /** PSI at or above this alerts (0.25). */
    psiAlert: number;
    /**
     * A PSI warning/alert also needs the KS (numeric) or χ² (categorical) test to reject "same
     * distribution" at this level (default 0.01): PSI is the effect size, the test guards against
     * noise in small windows (PSI's null expectation is ≈ 9/N for 10 bins, see metrics/psi.ts).
     */
    pValue: number;
    /** No drift verdict on fewer present values than this in the window (default 300). */
    minRows: number;
  };
  features: {
    /** Alert when a feature's missing rate exceeds the training rate by more than this (absolute, default 0.10). */
    missingRateIncrease: number;
    /** Alert when the mean share of features present per row falls below this (seed 004: 0.6). */
    minCoverage: number;
    /** Alert when the share of NaN/±inf values of a feature exceeds this (default 0: any). */
    maxNonFiniteRate: number;
    /** Rows needed before coverage/missing/NaN verdicts (default 100). */
    minRows: number;
  };
  performance: {
    /** Labelled rows needed for rolling metrics and a decay verdict (DESIGN.md: 100). */
    minLabelled: number;
    /** Decay alert when a metric is worse than its training value by this relative amount (seed 002: 5 %). */
    decayRelative: number;
    /**
     * Metrics checked for decay; default per task: binary roc_auc + accuracy, multiclass accuracy,
     * regression rmse. The training value comes from the artifact's metadata (validation, else cv, else train).
     */
    decayMetrics?: string[];
    /** Calibration warning when the expected calibration error (10 bins) exceeds this (default 0.1). */
    maxEce: number;
    /** A wrong prediction made with at least this confidence is a "confident mistake" (seed 002: 0.7). */
    confidentMistakeConfidence: number;
  };
  operations: {
    /** Alert when failed requests exceed this share (seed 004: 5 %). */
    maxErrorRate: number;
    /** Alert when the mean latency exceeds this many ms (seed 004: 1000). */
    maxLatencyMs: number;
    /** Requests needed before error-rate/latency verdicts (default 100). */
    minRequests: number;
  };
  challenger: {
    /** Labelled, paired rows needed (seed 002: 100). */
    minLabelled: number;
    /** The challenger must have been scoring for at least this long (seed 002: 7 days). */
    minWindowMs: number;
    /** Relative improvement of the comparison metric needed (seed 002: 3 %). */
    margin: number;
    /** One-sided significance level of the paired test (default 0.05). */
    alpha: number;
    /** Bootstrap resamples for metrics other than AUC (default 1000). */
    resamples: number;
    /** Promote without manual approval (default false: `models promote … --approve`). */
    autoPromote: boolean;
    /** How far back paired rows are collected (default 30 days). */
    lookbackMs: number;
    /** Metric compared (default: the task's primary metric — binary roc_auc, multiclass accuracy, regression rmse). */
    metric?: string;
  };
  retrain: {
    /** Retrain after this many confident mistakes in `mistakeWindowMs` (seed 002: 10 in 7 days). */
    confidentMistakes: number;
    mistakeWindowMs: number;
    /** Retrain on a decay alert (default true). */
    onDecay: boolean;
    /** Retrain on a drift alert (PSI ≥ psiAlert, default true). */
    onDrift: boolean;
    /** No second retrain of the same model within this time (default 24 h). */
    cooldownMs: number;
  };
  alerts: {
    /** The same alert (model, version, kind, feature, severity) is sent again only after this long (default 1 h). */
    repeatAfterMs: number;
  };
}

/** The documented defaults (docs/monitor.md). */
export const DEFAULT_MONITOR_CONFIG: Readonly<MonitorConfig> = Object.freeze({
  windows: { driftMs: DAY, performanceMs: 7 * DAY },
  drift: { psiWarn: 0.1, psiAlert: 0.25, pValue: 0.01, minRows: 300 },
  features: { missingRateIncrease: 0.1, minCoverage: 0.6, maxNonFiniteRate: 0, minRows: 100 },
  performance: { minLabelled: 100, decayRelative: 0.05, maxEce: 0.1, confidentMistakeConfidence: 0.7 },
  operations: { maxErrorRate: 0.05, maxLatencyMs: 1000, minRequests: 100 },
  challenger: { minLabelled: 100, minWindowMs: 7 * DAY, margin: 0.03, alpha: 0.05, resamples: 1000, autoPromote: false, lookbackMs: 30 * DAY },
  retrain: { confidentMistakes: 10, mistakeWindowMs: 7 * DAY, onDecay: true, onDrift: true, cooldownMs: DAY },
  alerts: { repeatAfterMs: HOUR },
});

/** A partial configuration: any group, any key. */
export type MonitorConfigInput = { [G in keyof MonitorConfig]?: Partial<MonitorConfig[G]> };

/**
 * Fills a partial configuration with the defaults and checks every value.
 *
 * @throws ModelyardError PARAM_INVALID naming the key (e.g. `drift.psiAlert`) for an out-of-range value.
 * @example
 * ```ts
 * const cfg = resolveMonitorConfig({ drift: { minRows: 1000 }, challenger: { margin: 0.05 } });
 * cfg.drift.psiAlert; // 0.25 (default)
 * ```
 */
export function resolveMonitorConfig(input: MonitorConfigInput = {}): MonitorConfig {
  const d = DEFAULT_MONITOR_CONFIG;
  const cfg: MonitorConfig = {
    windows: { ...d.windows, ...input.windows },
    drift: { ...d.drift, ...input.drift },
    features: { ...d.features, ...input.features },
    performance: { ...d.performance, ...input.performance },
    operations: { ...d.operations, ...input.operations },
    challenger: { ...d.challenger, ...input.challenger },
    retrain: { ...d.retrain, ...input.retrain },
    alerts: { ...d.alerts, ...input.alerts },
  };
  for (const g of Object.keys(input)) {
    if (!(g in d)) throw new ModelyardError('PARAM_INVALID', `unknown monitor setting group "${g}" (known: ${Object.keys(d).join(', ')})`, { field: g });
    for (const k of Object.keys((input as Record<string, object>)[g] ?? {})) {
      if (!(k in (d as unknown as Record<string, object>)[g]) && !(g === 'performance' && k === 'decayMetrics') && !(g === 'challenger' && k === 'metric')) {
        throw new ModelyardError('PARAM_INVALID', `unknown monitor setting "${g}.${k}"`, { field: `${g}.${k}` });
      }
    }
  }
  const check = (key: string, v: number, lo: number, hi: number, integer = false): void => {
    if (!(typeof v === 'number' && v >= lo && v <= hi) || (integer && !Number.isInteger(v))) {
      throw new ModelyardError('PARAM_INVALID', `monitor setting ${key} must be ${integer ? 'an integer ' : 'a number '}in [${lo}, ${hi}], got ${String(v)}`, { field: key });
    }
  };
  check('windows.driftMs', cfg.windows.driftMs, 1, Infinity);
  check('windows.performanceMs', cfg.windows.performanceMs, 1, Infinity);
  check('drift.psiWarn', cfg.drift.psiWarn, 0, Infinity);
  check('drift.psiAlert', cfg.drift.psiAlert, cfg.drift.psiWarn, Infinity);
  check('drift.pValue', cfg.drift.pValue, 0, 1);
  check('drift.minRows', cfg.drift.minRows, 1, Infinity, true);
  check('features.missingRateIncrease', cfg.features.missingRateIncrease, 0, 1);
  check('features.minCoverage', cfg.features.minCoverage, 0, 1);
  check('features.maxNonFiniteRate', cfg.features.maxNonFiniteRate, 0, 1);
  check('features.minRows', cfg.features.minRows, 1, Infinity, true);
  check('performance.minLabelled', cfg.performance.minLabelled, 1, Infinity, true);
  check('performance.decayRelative', cfg.performance.decayRelative, 0, 1);
  check('performance.maxEce', cfg.performance.maxEce, 0, 1);
  check('performance.confidentMistakeConfidence', cfg.performance.confidentMistakeConfidence, 0, 1);
  check('operations.maxErrorRate', cfg.operations.maxErrorRate, 0, 1);
  check('operations.maxLatencyMs', cfg.operations.maxLatencyMs, 0, Infinity);
  check('operations.minRequests', cfg.operations.minRequests, 1, Infinity, true);
  check('challenger.minLabelled', cfg.challenger.minLabelled, 4, Infinity, true);
  check('challenger.minWindowMs', cfg.challenger.minWindowMs, 0, Infinity);
  check('challenger.margin', cfg.challenger.margin, 0, Infinity);
  check('challenger.alpha', cfg.challenger.alpha, 0, 1);
  check('challenger.resamples', cfg.challenger.resamples, 1, 1_000_000, true);
  check('challenger.lookbackMs', cfg.challenger.lookbackMs, 1, Infinity);
  check('retrain.confidentMistakes', cfg.retrain.confidentMistakes, 1, Infinity, true);
  check('retrain.mistakeWindowMs', cfg.retrain.mistakeWindowMs, 1, Infinity);
  check('retrain.cooldownMs', cfg.retrain.cooldownMs, 0, Infinity);
  check('alerts.repeatAfterMs', cfg.alerts.repeatAfterMs, 0, Infinity);
  return cfg;
}
