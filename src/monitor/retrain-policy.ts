/**
 * When to retrain (DESIGN.md "Retrain policy"; seed 002): on a decay alert, on a drift alert
 * (PSI ≥ the alert threshold on a feature or the prediction), or after N confident mistakes in the
 * mistake window (10 at confidence ≥ 70 % in 7 days). The retrain itself is a job
 * (src/monitor/retrain-job.ts), never run inside a request.
 */
import type { Alert } from './alert.js';
import type { MonitorConfig } from './config.js';

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
