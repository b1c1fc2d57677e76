/**
 * Predictions as records, one per row, shared by the CLI (`predict`) and the server:
 * `{prediction, probability}` for binary (probability of the positive class), `{prediction,
 * probabilities: {class: p}}` for multiclass, `{prediction}` for regression.
 */
import type { Model, Predictions } from './model.js';

export interface PredictionRecord {
  prediction: string | number;
  probability?: number;
  probabilities?: Record<string, number>;
  segment?: string | null;
}

/**
 * @example
 * ```ts
 * toRecords(model, model.predict(frame), { probabilities: true })[0]; // { prediction: 'good', probability: 0.91, probabilities: { bad: 0.09, good: 0.91 } }
 * ```
 */
export function toRecords(model: Model, p: Predictions, opts: { probabilities?: boolean } = {}): PredictionRecord[] {
  const out: PredictionRecord[] = new Array(p.n);
  const classes = model.target.classes;
  const k = model.nClasses;
  for (let i = 0; i < p.n; i++) {
    let r: PredictionRecord;
    if (p.task === 'regression') r = { prediction: p.values![i] };
    else {
      r = { prediction: p.labels![i] };
      if (p.task === 'binary') r.probability = p.proba![i * 2 + 1];
      if (p.task === 'multiclass' || opts.probabilities) {
        const probs: Record<string, number> = {};
        for (let c = 0; c < k; c++) probs[String(classes![c])] = p.proba![i * k + c];
        r.probabilities = probs;
      }
      if (p.task === 'multiclass') r.probability = p.proba![i * k + p.classIndex![i]];
    }
    if (p.segments) r.segment = p.segments[i];
    out[i] = r;
  }
  return out;
}
