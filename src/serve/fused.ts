/**
 * The serving hot path: each loaded model compiled once (per model object, on first use or at
 * pre-warm) into scorers that read the request's converted rows (rows.ts {@link RowMatrix}) with
 * no frame per transform:
 *
 * - gbdt: a single row walks the trees on the feature vector (`GbdtFitted.predictRow`); the batch
 *   predictor gets one frame (it is column-based already);
 * - linear: the design matrix comes from a compiled plan (transform/design-plan.ts) instead of
 *   impute → datetime → encode → scale frames, then the learner's own kernels score it;
 * - voting and stacking: their members compiled the same way, combined by the ensemble's own code;
 * - any other learner (tree, forest, extra-trees bin their input themselves): one frame, its
 *   `predict`.
 * Calibrators apply to the part's output as on the reference path.
 *
 * Every step runs the reference path's arithmetic in the same order, so predictions are
 * bit-identical to `Model.predict` (fused.test.ts checks every learner and transform kind).
 */
import { StackingFitted } from '../learn/ensemble/stacking.js';
import { VotingFitted } from '../learn/ensemble/voting.js';
import { GbdtFitted } from '../learn/gbdt/gbdt.js';
import { LinearFitted } from '../learn/linear/linear.js';
import type { Fitted } from '../learn/types.js';
import type { Model, ModelPart, Predictions } from '../model/model.js';
import { compileDesign } from '../transform/design-plan.js';
import { columnMajorFrame, type FrameColumnSpec, type RowMatrix, type RowSource } from './rows.js';
import { routeSegments } from './score.js';

/** Raw output (n × width, row-major) of a learner on `n` rows given column-major in its input order. */
export type Scorer = (X: Float64Array, n: number) => Float64Array;

/** One input column of a scorer: name, kind, and for categorical inputs the codes' labels. */
type Input = FrameColumnSpec;

const plans = new WeakMap<Model, Map<ModelPart, Scorer>>();

/** The compiled scorers of `model`, one per part (compiled on first use). */
function planOf(model: Model): Map<ModelPart, Scorer> {
  let p = plans.get(model);
  if (!p) {
    p = new Map();
    const inputs: Input[] = model.schema.features.map((f) => ({ name: f.name, kind: f.kind, categories: f.kind === 'categorical' ? (f.categories ?? []) : undefined, dateOnly: f.dateOnly }));
    const parts = model.single ? [model.single] : Object.values(model.segments!.parts);
    for (const part of parts) p.set(part, partScorer(part, inputs, model.nClasses));
    plans.set(model, p);
  }
  return p;
}

/** Compiles `model` now (the server does it at load, so the first request does not pay for it). */
export function compileModel(model: Model): void {
  planOf(model);
}

function partScorer(part: ModelPart, inputs: readonly Input[], k: number): Scorer {
  const raw = compileFitted(part.fitted, inputs);
  const cal = part.calibrator;
  return cal ? (X, n) => cal.apply(raw(X, n), n, k) : raw;
}

/** A scorer for `fitted` reading `inputs`; the generic fallback builds one frame. */
export function compileFitted(fitted: Fitted, inputs: readonly Input[]): Scorer {
  if (fitted instanceof GbdtFitted) return gbdtScorer(fitted, inputs);
  if (fitted instanceof LinearFitted) {
    const plan = compileDesign(fitted.design.toState(), inputs);
    if (plan) return (X, n) => fitted.predictDesign(plan.build(X, n));
  }
  if (fitted instanceof VotingFitted) {
    const members = fitted.members.map((m) => compileFitted(m, inputs));
    return (X, n) => fitted.combine(members.map((m) => m(X, n)), n);
  }
  if (fitted instanceof StackingFitted) {
    const members = fitted.members.map((m) => compileFitted(m, inputs));
    const metaInputs: Input[] = fitted.metaNames.map((name) => ({ name, kind: 'numeric' }));
    const meta = compileFitted(fitted.meta, metaInputs);
    return (X, n) => {
      const cols = fitted.metaColumns(members.map((m) => m(X, n)), n);
      const M = new Float64Array(cols.length * n);
      cols.forEach((c, j) => M.set(c, j * n));
      return meta(M, n);
    };
  }
  return (X, n) => fitted.predict(columnMajorFrame(inputs, X, n));
}

/** GBDT: one row walks the trees on the vector; batches go to the block predictor through one frame. */
function gbdtScorer(fitted: GbdtFitted, inputs: readonly Input[]): Scorer {
  const index = new Map(inputs.map((c, j) => [c.name, j]));
  const src = fitted.featureNames.map((f) => index.get(f) ?? -1);
  if (src.some((j) => j < 0)) return (X, n) => fitted.predict(columnMajorFrame(inputs, X, n));
  const identity = src.length === inputs.length && src.every((j, f) => j === f);
  // Reused across calls: scoring is synchronous, so one request never sees another's row.
  const x = new Float64Array(src.length);
  return (X, n) => {
    if (n !== 1) return fitted.predict(columnMajorFrame(inputs, X, n));
    if (identity) return fitted.predictRow(X);
    for (let f = 0; f < src.length; f++) x[f] = X[src[f]];
    return fitted.predictRow(x);
  };
}

/** Rows `idx` of a column-major matrix of `F` columns and `n` rows. */
function takeRows(X: Float64Array, F: number, n: number, idx: readonly number[]): Float64Array {
  const m = idx.length;
  const out = new Float64Array(F * m);
  for (let j = 0; j < F; j++) {
    const so = j * n;
    const oo = j * m;
    for (let r = 0; r < m; r++) out[oo + r] = X[so + idx[r]];
  }
  return out;
}

/**
 * Scores converted rows: one part, or segment routing with the same rules (and errors) as the
 * reference `scoreRows`, then labels with the request's threshold.
 *
 * @example
 * ```ts
 * const p = scoreMatrix(model, conformMatrix(model, src), src, 0.3);
 * ```
 */
export function scoreMatrix(model: Model, rows: RowMatrix, src: RowSource, threshold?: number): Predictions {
  const { X, n } = rows;
  const k = model.nClasses;
  const plan = planOf(model);
  if (model.single) return model.label(plan.get(model.single)!(X, n), n, k, threshold);
  const seg = model.segments!;
  const width = model.target.task === 'regression' ? 1 : k;
  const out = new Float64Array(n * width);
  const { segOut, groups } = routeSegments(model, rows.segments!, src);
  const F = model.schema.features.length;
  for (const [key, idx] of groups) {
    const sub = plan.get(seg.parts[key])!(groups.size === 1 ? X : takeRows(X, F, n, idx), idx.length);
    for (let r = 0; r < idx.length; r++) {
      for (let c = 0; c < width; c++) out[idx[r] * width + c] = sub[r * width + c];
    }
  }
  return model.label(out, n, k, threshold, segOut);
}
