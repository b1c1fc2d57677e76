/**
 * When to retrain (DESIGN.md "Retrain policy"; seed 002): on a decay alert, on a drift alert
 * (PSI ≥ the alert threshold on a feature or the prediction), or after N confident mistakes in the
 * mistake window (10 at confidence ≥ 70 % in 7 days). The retrain itself is a job
 * (src/monitor/retrain-job.ts), never run inside a request.
 */
import type { Json } from '../learn/types.js';
import type { Registry } from '../registry/registry.js';
import type { Alert } from './alert.js';
import type { MonitorConfig } from './config.js';
import type { JobQueue } from './queue.js';
import type { RetrainJob } from './retrain-job.js';

export interface RetrainTrigger {
  reason: 'decay' | 'drift' | 'confident_mistakes';
  /** The alert's subject (metric or feature). */
  subject: string | null;
  message: string;
}

/**
 * The retrain triggers among a report's alerts.
 *
 * @example
 * ```ts
 * const triggers = retrainTriggers(report.alerts, cfg);
 * if (triggers.length) await queue.enqueue({ kind: 'retrain', payload: { ref: 'credit@champion', triggers } });
 * ```
 */
export function retrainTriggers(alerts: readonly Alert[], cfg: MonitorConfig): RetrainTrigger[] {
  const out: RetrainTrigger[] = [];
  for (const a of alerts) {
    if (a.kind === 'decay' && cfg.retrain.onDecay) out.push({ reason: 'decay', subject: a.subject, message: a.message });
    else if ((a.kind === 'feature_drift' || a.kind === 'prediction_drift') && a.severity === 'alert' && cfg.retrain.onDrift) out.push({ reason: 'drift', subject: a.subject, message: a.message });
    else if (a.kind === 'confident_mistakes' && a.value >= cfg.retrain.confidentMistakes) out.push({ reason: 'confident_mistakes', subject: null, message: a.message });
  }
  return out;
}

export interface ScheduleRetrainOptions {
  /** Training data source for the job (see RetrainJob.data). */
  data: string;
  /** Registry, to honour `retrain.cooldownMs` from the last `retrain` audit row. */
  registry?: Pick<Registry, 'audit'>;
  now?: number;
  feedbackMs?: number;
}

/**
 * Enqueues a retrain of the report's model when it has triggers, unless one is queued or running
 * (dedupe key `retrain:<model>`) or the last retrain is younger than `retrain.cooldownMs`.
 * Resolves to the job id, or null when nothing was queued. Only enqueues: the job runs on the
 * queue's worker.
 *
 * @example
 * ```ts
 * await scheduleRetrain(report, queue, { data: 'credit.csv', registry });
 * ```
 */
export async function scheduleRetrain(report: { model: string; version: string; retrain: RetrainTrigger[]; config: MonitorConfig }, queue: JobQueue, opts: ScheduleRetrainOptions): Promise<string | null> {
  if (report.retrain.length === 0) return null;
  const now = opts.now ?? Date.now();
  if (opts.registry && report.config.retrain.cooldownMs > 0) {
    const last = (await opts.registry.audit({ name: report.model, action: 'retrain', limit: 1 }))[0];
    if (last && now - Date.parse(last.at) < report.config.retrain.cooldownMs) return null;
  }
  const job: RetrainJob = { model: report.model, from: `${report.model}@${report.version}`, data: opts.data, triggers: report.retrain, feedbackMs: opts.feedbackMs };
  return queue.enqueue('retrain', job as unknown as Json, { dedupeKey: `retrain:${report.model}` });
}
