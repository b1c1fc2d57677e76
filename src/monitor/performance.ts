/**
 * Rolling quality from feedback: the standard metric set (src/metrics `computeMetrics`) on the
 * labelled rows of the window, compared with the metric the artifact recorded at training; the
 * decay verdict (seed 002: a 5 % relative drop, DESIGN.md: over ≥ 100 labelled rows); calibration
 * (ECE, binary); confident mistakes (seed 002: wrong at confidence ≥ 70 %). Also the operational
 * numbers of seed 004: error rate from `request.error` events and latency.
 */
import type { EventRecord } from '../log/record.js';
import { computeMetrics, PRIMARY_METRIC } from '../metrics/index.js';
import type { TargetSpec } from '../schema/types.js';
import type { Alert } from './alert.js';
import type { MonitorConfig } from './config.js';
import type { Verdict } from './drift-check.js';
import type { JoinedPrediction } from './source.js';

/** Metrics where smaller is better; every other metric is better when larger. */
const LOWER_IS_BETTER = new Set(['log_loss', 'brier', 'rmse', 'mae', 'ece']);

export function higherIsBetter(metric: string): boolean {
  return !LOWER_IS_BETTER.has(metric);
}

/** Default decay metrics per task (the task's primary metric, plus accuracy for binary). */
export function defaultDecayMetrics(task: TargetSpec['task']): string[] {
  return task === 'binary' ? ['roc_auc', 'accuracy'] : [PRIMARY_METRIC[task].name];
}

/** Labelled rows as metric inputs. */
export interface LabelledArrays {
  /** Class index or value per row. */
  y: Float64Array;
  /** n × k probabilities (classification) or n values (regression). */
  out: Float64Array;
  k: number;
  /** Prediction time per row. */
  time: Float64Array;
  /** Predicted class index per row (classification). */
  predicted: Int32Array;
  /** Rows whose label is not one of the model's classes (or not a number for regression). */
  unmatched: number;
}

/**
 * Turns joined, labelled predictions into `y` and the output matrix. A row without stored
 * probabilities counts as certain of its predicted label.
 *
 * @example
 * ```ts
 * const a = labelledArrays(joined, model.target);
 * computeMetrics('binary', a.y, a.out, a.k).roc_auc;
 * ```
 */
export function labelledArrays(rows: readonly JoinedPrediction[], target: TargetSpec): LabelledArrays {
  const labelled = rows.filter((r) => r.actual !== null && r.actual !== undefined && r.actual !== '');
  const task = target.task;
  const classes = (target.classes ?? []).map(String);
  const k = task === 'regression' ? 1 : classes.length;
  const y: number[] = [];
  const out: number[] = [];
  const time: number[] = [];
  const predicted: number[] = [];
  let unmatched = 0;
  for (const r of labelled) {
    const p = r.prediction;
    if (task === 'regression') {
      const v = Number(r.actual);
      const o = Number(p.prediction);
      if (!Number.isFinite(v) || !Number.isFinite(o)) {
        unmatched++;
        continue;
      }
      y.push(v);
      out.push(o);
      predicted.push(0);
    } else {
      const c = classes.indexOf(String(r.actual));
      if (c < 0) {
        unmatched++;
        continue;
      }
      const row = new Array<number>(k).fill(0);
      if (p.probabilities) for (let j = 0; j < k; j++) row[j] = Number(p.probabilities[classes[j]] ?? 0);
      else {
        const pc = classes.indexOf(String(p.prediction));
        if (pc >= 0) row[pc] = 1;
      }
      let best = 0;
      const pc = classes.indexOf(String(p.prediction));
      if (pc >= 0) best = pc;
      else for (let j = 1; j < k; j++) if (row[j] > row[best]) best = j;
      y.push(c);
      out.push(...row);
      predicted.push(best);
    }
    time.push(p.time);
  }
  return { y: Float64Array.from(y), out: Float64Array.from(out), k, time: Float64Array.from(time), predicted: Int32Array.from(predicted), unmatched };
}

export interface MetricDecay {
  metric: string;
  live: number;
  training: number | null;
  /** Relative change in the bad direction (positive = worse), null without a training value. */
  relativeDrop: number | null;
  status: Verdict;
}

export interface PerformanceSection {
  labelled: number;
  unmatched: number;
  /** The metric group of the artifact the training values come from (validation, test, cv, train). */
  trainingGroup: string | null;
  metrics: Record<string, number>;
  decay: MetricDecay[];
  /** Binary: expected calibration error (10 bins) and its verdict. */
  ece: number | null;
  calibration: Verdict;
  /** Wrong predictions made with confidence ≥ the configured level, within the mistake window. */
  confidentMistakes: number;
  status: Verdict;
}

/** The artifact's training metrics to compare with: validation, else test/holdout, else cv, else train. */
export function trainingMetrics(metrics: Record<string, unknown> | undefined): { group: string; values: Record<string, number> } | null {
  if (!metrics) return null;
  for (const g of ['validation', 'test', 'holdout', 'cv', 'train']) {
    const m = metrics[g];
    if (m && typeof m === 'object' && !Array.isArray(m)) return { group: g, values: m as Record<string, number> };
  }
  return null;
}

/**
 * Rolling metrics, decay, calibration and confident mistakes over `rows` (predictions of one model
 * version in the performance window, with feedback where it arrived).
 *
 * @param now End of the window (confident mistakes count from `now − retrain.mistakeWindowMs`).
 * @example
 * ```ts
 * const perf = performanceSection(rows, model.target, model.metadata.metrics, cfg, Date.now());
 * perf.decay.find((d) => d.status === 'alert');
 * ```
 */
export function performanceSection(rows: readonly JoinedPrediction[], target: TargetSpec, artifactMetrics: Record<string, unknown> | undefined, cfg: MonitorConfig, now: number): PerformanceSection {
  const a = labelledArrays(rows, target);
  const n = a.y.length;
  const base = trainingMetrics(artifactMetrics);
  const section: PerformanceSection = {
    labelled: n,
    unmatched: a.unmatched,
    trainingGroup: base?.group ?? null,
    metrics: {},
    decay: [],
    ece: null,
    calibration: 'insufficient',
    confidentMistakes: 0,
    status: 'insufficient',
  };
  // Confident mistakes count from the first one on: seed 002 retrains on them, whatever the window size.
  if (target.task !== 'regression') {
    const from = now - cfg.retrain.mistakeWindowMs;
    for (let i = 0; i < n; i++) {
      if (a.time[i] < from || a.predicted[i] === a.y[i]) continue;
      let conf = 0;
      for (let j = 0; j < a.k; j++) conf = Math.max(conf, a.out[i * a.k + j]);
      if (conf >= cfg.performance.confidentMistakeConfidence) section.confidentMistakes++;
    }
  }
  if (n < cfg.performance.minLabelled) return section;
  // A label set of one class leaves AUC undefined; computeMetrics then leaves it out (no decay verdict on it).
  section.metrics = computeMetrics(target.task, a.y, a.out, a.k);
  const names = cfg.performance.decayMetrics ?? defaultDecayMetrics(target.task);
  let worst: Verdict = 'ok';
  for (const metric of names) {
    const live = section.metrics[metric];
    if (live === undefined) continue;
    const training = base?.values[metric];
    if (typeof training !== 'number' || !Number.isFinite(training) || training === 0) {
      section.decay.push({ metric, live, training: null, relativeDrop: null, status: 'ok' });
      continue;
    }
    const relativeDrop = higherIsBetter(metric) ? (training - live) / Math.abs(training) : (live - training) / Math.abs(training);
    const status: Verdict = relativeDrop >= cfg.performance.decayRelative ? 'alert' : 'ok';
    if (status === 'alert') worst = 'alert';
    section.decay.push({ metric, live, training, relativeDrop, status });
  }
  if (target.task === 'binary' && section.metrics.ece !== undefined) {
    section.ece = section.metrics.ece;
    section.calibration = section.ece > cfg.performance.maxEce ? 'warn' : 'ok';
    if (section.calibration === 'warn' && worst === 'ok') worst = 'warn';
  }
  section.status = worst;
  return section;
}

/** The alerts of a performance section. */
export function performanceAlerts(p: PerformanceSection, model: string, version: string, cfg: MonitorConfig, time: number): Alert[] {
  const alerts: Alert[] = [];
  const fmt = (v: number): string => Number(v.toPrecision(4)).toString();
  for (const d of p.decay) {
    if (d.status !== 'alert') continue;
    alerts.push({
      kind: 'decay',
      severity: 'alert',
      model,
      version,
      subject: d.metric,
      value: d.live,
      threshold: d.training!,
      time,
      message: `${d.metric} decayed ${fmt(100 * d.relativeDrop!)} % (≥ ${100 * cfg.performance.decayRelative} %): ${fmt(d.live)} on ${p.labelled} labelled rows vs ${fmt(d.training!)} at training (${p.trainingGroup})`,
    });
  }
  if (p.calibration === 'warn' && p.ece !== null) {
    alerts.push({ kind: 'calibration', severity: 'warn', model, version, subject: 'ece', value: p.ece, threshold: cfg.performance.maxEce, time, message: `expected calibration error ${fmt(p.ece)} exceeds ${cfg.performance.maxEce} on ${p.labelled} labelled rows` });
  }
  if (p.confidentMistakes >= cfg.retrain.confidentMistakes) {
    alerts.push({
      kind: 'confident_mistakes',
      severity: 'warn',
      model,
      version,
      subject: null,
      value: p.confidentMistakes,
      threshold: cfg.retrain.confidentMistakes,
      time,
      message: `${p.confidentMistakes} wrong predictions with confidence ≥ ${100 * cfg.performance.confidentMistakeConfidence} % in the last ${fmt(cfg.retrain.mistakeWindowMs / 86_400_000)} days`,
    });
  }
  return alerts;
}

export interface OperationsSection {
  requests: number;
  errors: number;
  errorRate: number | null;
  latencyMeanMs: number | null;
  latencyP99Ms: number | null;
  errorStatus: Verdict;
  latencyStatus: Verdict;
}

/**
 * Error rate (failed requests ÷ all requests, from `request.error` events and primary predictions)
 * and latency (mean, p99) in the window.
 */
export function operationsSection(rows: readonly JoinedPrediction[], errorEvents: readonly EventRecord[], cfg: MonitorConfig): OperationsSection {
  // One request can hold many rows; count requests by request id.
  const requestIds = new Set<string>();
  const latencies = new Float64Array(rows.length);
  let sum = 0;
  rows.forEach((r, i) => {
    requestIds.add(r.prediction.request_id);
    latencies[i] = r.prediction.latency_ms;
    sum += r.prediction.latency_ms;
  });
  const errors = errorEvents.length;
  const requests = requestIds.size + errors;
  latencies.sort();
  const s: OperationsSection = {
    requests,
    errors,
    errorRate: requests ? errors / requests : null,
    latencyMeanMs: rows.length ? sum / rows.length : null,
    latencyP99Ms: rows.length ? latencies[Math.min(rows.length - 1, Math.ceil(0.99 * rows.length) - 1)] : null,
    errorStatus: 'insufficient',
    latencyStatus: 'insufficient',
  };
  if (requests >= cfg.operations.minRequests) s.errorStatus = s.errorRate! > cfg.operations.maxErrorRate ? 'alert' : 'ok';
  if (rows.length >= cfg.operations.minRequests) s.latencyStatus = s.latencyMeanMs! > cfg.operations.maxLatencyMs ? 'alert' : 'ok';
  return s;
}

export function operationsAlerts(o: OperationsSection, model: string, version: string, cfg: MonitorConfig, time: number): Alert[] {
  const alerts: Alert[] = [];
  if (o.errorStatus === 'alert') {
    alerts.push({ kind: 'error_rate', severity: 'alert', model, version, subject: null, value: o.errorRate!, threshold: cfg.operations.maxErrorRate, time, message: `${o.errors} of ${o.requests} requests failed (${(100 * o.errorRate!).toFixed(1)} % > ${100 * cfg.operations.maxErrorRate} %)` });
  }
  if (o.latencyStatus === 'alert') {
    alerts.push({ kind: 'latency', severity: 'alert', model, version, subject: null, value: o.latencyMeanMs!, threshold: cfg.operations.maxLatencyMs, time, message: `mean latency ${o.latencyMeanMs!.toFixed(0)} ms exceeds ${cfg.operations.maxLatencyMs} ms (p99 ${o.latencyP99Ms!.toFixed(0)} ms)` });
  }
  return alerts;
}
