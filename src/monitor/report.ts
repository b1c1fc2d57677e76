/**
 * The monitor's state of one model version: drift and feature safety over the live window,
 * rolling metrics from feedback over the performance window, operations (errors, latency), the
 * alerts all of that raises, and the retrain triggers. `modelyard monitor report` prints it and
 * `GET /v1/models/{name}/monitor` returns it; {@link runMonitorCheck} also sends the alerts.
 */
import type { Json } from '../learn/types.js';
import type { Model } from '../model/model.js';
import type { TargetSpec } from '../schema/types.js';
import type { Alert } from './alert.js';
import { resolveMonitorConfig, type MonitorConfig, type MonitorConfigInput } from './config.js';
import { driftAlerts, driftSection, type DriftSection } from './drift-check.js';
import { newAlerts, writeAlertEvents, type PromMonitorHook, type WebhookNotifier } from './notify.js';
import { operationsAlerts, operationsSection, performanceAlerts, performanceSection, type OperationsSection, type PerformanceSection } from './performance.js';
import type { Profile } from './profile.js';
import { retrainTriggers, type RetrainTrigger } from './retrain-policy.js';
import { REQUEST_ERROR_EVENT, type MonitorSource } from './source.js';

/** What the monitor needs to know about the model version it watches. */
export interface MonitoredModel {
  name: string;
  version: string;
  target: TargetSpec;
  profile: Profile | null;
  /** The artifact's `metadata.metrics` (training / validation / cv groups). */
  metrics: Record<string, unknown>;
}

/** A loaded model as a {@link MonitoredModel}. */
export function monitoredModel(name: string, version: string, model: Model): MonitoredModel {
  return { name, version, target: model.target, profile: (model.profile as unknown as Profile | null) ?? null, metrics: model.metadata.metrics };
}

export interface MonitorReport {
  model: string;
  version: string;
  task: TargetSpec['task'];
  /** Unix ms of the report and the windows it covers. */
  generated_at: string;
  windows: { drift: { since: string; until: string }; performance: { since: string; until: string } };
  /** 'alert' when any alert holds, 'warn' when only warnings, 'ok', or 'insufficient' with too little data to judge anything. */
  status: 'ok' | 'warn' | 'alert' | 'insufficient';
  drift: DriftSection;
  performance: PerformanceSection;
  operations: OperationsSection;
  alerts: Alert[];
  retrain: RetrainTrigger[];
  config: MonitorConfig;
}

export interface ReportOptions {
  config?: MonitorConfigInput | MonitorConfig;
  /** End of the windows (default now). */
  now?: number;
  /** Start of both windows instead of the configured look-backs. */
  since?: number;
}

/**
 * Builds the report of `model` from the log behind `source`. Pure apart from reading the source.
 *
 * @example
 * ```ts
 * const report = await monitorReport(source, monitoredModel('credit', '1.0.2', model));
 * report.alerts.map((a) => a.message);
 * ```
 */
export async function monitorReport(source: MonitorSource, model: MonitoredModel, opts: ReportOptions = {}): Promise<MonitorReport> {
  const cfg = resolveMonitorConfig(opts.config as MonitorConfigInput);
  const now = opts.now ?? Date.now();
  const driftSince = opts.since ?? now - cfg.windows.driftMs;
  const perfSince = opts.since ?? Math.min(now - cfg.windows.performanceMs, now - cfg.retrain.mistakeWindowMs);
  const q = { model: model.name, version: model.version, until: now };
  const perfRows = await source.predictions({ ...q, since: perfSince });
  const driftRows = perfSince <= driftSince ? perfRows.filter((r) => r.prediction.time >= driftSince) : await source.predictions({ ...q, since: driftSince });
  const errorEvents = (await source.events({ model: model.name, since: driftSince, until: now, kinds: [REQUEST_ERROR_EVENT] })).filter((e) => e.version === null || e.version === model.version);

  const drift = driftSection(model.profile, model.target, driftRows.map((r) => r.prediction), cfg);
  const performance = performanceSection(perfRows, model.target, model.metrics, cfg, now);
  const operations = operationsSection(driftRows, errorEvents, cfg);
  const alerts = [
    ...driftAlerts(drift, model.name, model.version, cfg, now),
    ...performanceAlerts(performance, model.name, model.version, cfg, now),
    ...operationsAlerts(operations, model.name, model.version, cfg, now),
  ];
  const judged = drift.features.some((f) => f.status !== 'insufficient') || performance.status !== 'insufficient' || operations.errorStatus !== 'insufficient';
  const status = alerts.some((a) => a.severity === 'alert') ? 'alert' : alerts.length > 0 ? 'warn' : judged ? 'ok' : 'insufficient';
  return {
    model: model.name,
    version: model.version,
    task: model.target.task,
    generated_at: new Date(now).toISOString(),
    windows: {
      drift: { since: new Date(driftSince).toISOString(), until: new Date(now).toISOString() },
      performance: { since: new Date(perfSince).toISOString(), until: new Date(now).toISOString() },
    },
    status,
    drift,
    performance,
    operations,
    alerts,
    retrain: retrainTriggers(alerts, cfg),
    config: cfg,
  };
}

export interface CheckSinks {
  prom?: PromMonitorHook;
  webhook?: WebhookNotifier;
}

/**
 * Builds the report and sends its new alerts (not sent within `alerts.repeatAfterMs`) to the log
 * as `monitor.alert` events, to the prom hook, and to the webhook (queued, never awaited).
 *
 * @example
 * ```ts
 * const { report, sent } = await runMonitorCheck(source, target, { prom, webhook });
 * ```
 */
export async function runMonitorCheck(source: MonitorSource, model: MonitoredModel, sinks: CheckSinks = {}, opts: ReportOptions = {}): Promise<{ report: MonitorReport; sent: Alert[] }> {
  const report = await monitorReport(source, model, opts);
  const now = Date.parse(report.generated_at);
  const sent = await newAlerts(source, report.alerts, report.config.alerts.repeatAfterMs, now);
  await writeAlertEvents(source, sent);
  if (sinks.prom) {
    sinks.prom.raised(sent);
    const psi: Record<string, number | null> = Object.fromEntries(report.drift.features.map((f) => [f.name, f.psi]));
    if (report.drift.prediction) psi.prediction = report.drift.prediction.psi;
    sinks.prom.observe({ model: model.name, version: model.version, psi, metrics: report.performance.metrics, alerts: report.alerts });
  }
  sinks.webhook?.notify(sent);
  return { report, sent };
}

/** The report as JSON for `--json` and the HTTP route (no typed arrays, no undefined). */
export function reportJson(r: MonitorReport): Json {
  return JSON.parse(JSON.stringify(r)) as Json;
}
