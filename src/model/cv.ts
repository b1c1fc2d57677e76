/**
 * k-fold cross-validation of one learner configuration: stratified folds for classification,
 * plain shuffled folds for regression, expanding time windows when a time column is given
 * (sklearn's StratifiedKFold / KFold / TimeSeriesSplit). Used by `train --cv K` and by auto selection.
 */
import type { Frame } from '../frame/frame.js';
import { createLearner } from '../learn/index.js';
import type { Json } from '../learn/types.js';
import { computeMetrics } from '../metrics/index.js';
import type { FeatureSpec, TargetSpec } from '../schema/types.js';
import { kFold, stratifiedKFold, timeSeriesSplit, type Split } from '../split/index.js';

export interface CvReport {
  k: number;
  scheme: 'stratified' | 'kfold' | 'time';
  /** Mean of each metric over folds. */
  mean: Record<string, number>;
  /** Standard deviation of each metric over folds. */
  std: Record<string, number>;
  folds: Record<string, number>[];
  /** Out-of-fold output for every row that was in some test fold (NaN elsewhere), n × width. */
  oof?: Float64Array;
}

export interface CvOptions {
  k: number;
  seed: number;
  /** Restrict CV to these rows (e.g. the training part of a hold-out split). */
  rows?: ArrayLike<number> | null;
  /** Time per row (epoch ms) for time-ordered folds. */
  time?: Float64Array;
  threads?: number;
  keepOof?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Cross-validates `learner` with `params`.
 *
 * @example
 * ```ts
 * const cv = crossValidate(X, y, undefined, schema.features, target, 'linear', {}, { k: 5, seed: 1 });
 * cv.mean.roc_auc;
 * ```
 */
export function crossValidate(
  X: Frame,
  y: Float64Array,
  weights: Float64Array | undefined,
  features: readonly FeatureSpec[],
  target: TargetSpec,
  learner: string,
  params: Record<string, Json>,
  opts: CvOptions,
): CvReport {
  const base = opts.rows ? Int32Array.from(opts.rows) : null;
  const Xb = base ? X.take(base) : X;
  const yb = base ? Float64Array.from(base, (i) => y[i]) : y;
  const wb = weights ? (base ? Float64Array.from(base, (i) => weights[i]) : weights) : undefined;
  const k = target.task === 'regression' ? 1 : target.classes!.length;
  const width = target.task === 'regression' ? 1 : k;
  let folds: Split[];
  let scheme: CvReport['scheme'];
  if (opts.time) {
    const t = base ? Float64Array.from(base, (i) => opts.time![i]) : opts.time;
    folds = timeSeriesSplit(t, { k: opts.k });
    scheme = 'time';
  } else if (target.task === 'regression') {
    folds = kFold(Xb.nRows, { k: opts.k, seed: opts.seed });
    scheme = 'kfold';
  } else {
    folds = stratifiedKFold(yb, { k: opts.k, seed: opts.seed });
    scheme = 'stratified';
  }
  const results: Record<string, number>[] = [];
  const oof = opts.keepOof ? new Float64Array(Xb.nRows * width).fill(NaN) : undefined;
  folds.forEach((f, i) => {
    const fitted = createLearner(learner, params).fit({
      frame: Xb.take(f.train),
      features,
      task: target.task,
      nClasses: k,
      y: Float64Array.from(f.train, (r) => yb[r]),
      weights: wb ? Float64Array.from(f.train, (r) => wb[r]) : undefined,
      seed: opts.seed + i,
      threads: opts.threads,
    });
    const out = fitted.predict(Xb.take(f.test));
    const yt = Float64Array.from(f.test, (r) => yb[r]);
    results.push(computeMetrics(target.task, yt, out, k));
    if (oof) for (let r = 0; r < f.test.length; r++) for (let c = 0; c < width; c++) oof[f.test[r] * width + c] = out[r * width + c];
    opts.onProgress?.(i + 1, folds.length);
  });
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  for (const key of Object.keys(results[0] ?? {})) {
    const v = results.map((r) => r[key]).filter((x) => Number.isFinite(x));
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    mean[key] = m;
    std[key] = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
  }
  return { k: folds.length, scheme, mean, std, folds: results, oof };
}
