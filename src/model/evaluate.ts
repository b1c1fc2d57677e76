/**
 * The evaluation service: scores labelled rows and computes the task's metrics (DESIGN.md:
 * `evaluate --json` prints {task, rows, metrics}). Rows with a missing label are left out and counted.
 */
import type { Frame } from '../frame/frame.js';
import { bestF1Threshold, computeMetrics, type ThresholdChoice } from '../metrics/index.js';
import { encodeTargetWithSpec } from '../schema/target.js';
import type { Task, UnseenPolicy } from '../schema/types.js';
import type { Model } from './model.js';

export interface EvaluationReport {
  task: Task;
  rows: number;
  metrics: Record<string, number>;
  /** Rows left out because their label is missing. */
  missingTarget: number;
  threshold?: number;
  /** Binary, with `chooseThreshold`: the P(positive) cut maximising F1 on these rows. */
  bestThreshold?: ThresholdChoice;
  /** Per-segment metrics for segmented models. */
  segments?: Record<string, { rows: number; metrics: Record<string, number> }>;
}

/**
 * @example
 * ```ts
 * const report = evaluateModel(model, await readFrame('test.csv'), { source: 'test.csv' });
 * report.metrics.roc_auc;
 * ```
 */
export function evaluateModel(model: Model, frame: Frame, opts: { source?: string; unseen?: UnseenPolicy; threshold?: number; warnings?: string[]; chooseThreshold?: 'f1' } = {}): EvaluationReport {
  const enc = encodeTargetWithSpec(frame, model.target, opts.source);
  let data = frame;
  let y = enc.y;
  if (enc.missing > 0) {
    const keep: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === y[i]) keep.push(i);
    data = frame.take(keep);
    y = Float64Array.from(keep, (i) => enc.y[i]);
    opts.warnings?.push(`${opts.source ? `${opts.source}: ` : ''}${enc.missing} row(s) without a label were not evaluated`);
  }
  const preds = model.predict(data, { source: opts.source, unseen: opts.unseen, warnings: opts.warnings });
  const out = preds.proba ?? preds.values!;
  const k = model.nClasses;
  const metrics = computeMetrics(model.target.task, y, out, k, { threshold: opts.threshold });
  const report: EvaluationReport = { task: model.target.task, rows: data.nRows, metrics, missingTarget: enc.missing };
  if (opts.threshold !== undefined) report.threshold = opts.threshold;
  if (opts.chooseThreshold && model.target.task === 'binary') {
    const pos = new Float64Array(data.nRows);
    for (let i = 0; i < pos.length; i++) pos[i] = out[2 * i + 1];
    report.bestThreshold = bestF1Threshold(y, pos);
  }
  if (preds.segments) {
    const width = model.target.task === 'regression' ? 1 : k;
    const bySeg = new Map<string, number[]>();
    preds.segments.forEach((s, i) => {
      const key = s ?? '(none)';
      let g = bySeg.get(key);
      if (!g) bySeg.set(key, (g = []));
      g.push(i);
    });
    report.segments = {};
    for (const [seg, rows] of bySeg) {
      const ys = Float64Array.from(rows, (i) => y[i]);
      const os = new Float64Array(rows.length * width);
      rows.forEach((r, j) => os.set(out.subarray(r * width, (r + 1) * width), j * width));
      let m: Record<string, number>;
      try {
        m = computeMetrics(model.target.task, ys, os, k, { threshold: opts.threshold });
      } catch {
        // A segment whose rows hold one class has no AUC; report accuracy-type metrics only.
        m = {};
      }
      report.segments[seg] = { rows: rows.length, metrics: m };
    }
  }
  return report;
}
