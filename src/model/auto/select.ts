/**
 * `--learner auto`: k-fold cross-validation of every candidate (space.ts) on the same folds
 * (stratified for classification, shuffled k-fold for regression, expanding time windows when a
 * time column is given), best mean score wins (ROC AUC — one-vs-rest macro for multiclass — or
 * RMSE; ties broken by log loss, then by order), within a time budget.
 *
 * GBDT candidates early-stop on an inner validation part of each fold's training rows (15 %,
 * stratified; the latest rows for time-ordered folds), and the winner is refitted with the mean
 * best round count (scaled up by 10 % for the larger refit set) — the usual "CV picks the number of
 * rounds" recipe (e.g. xgboost.cv), so the final model needs no held-out rows.
 *
 * Budget: no candidate starts once the budget is spent or when its kind's last run suggests it
 * would overrun (leaving time for the refit); a running candidate stops between folds when its
 * next fold would overrun. The first candidate always completes, so there is always a model to
 * refit.
 */
import { ModelyardError } from '../../errors.js';
import type { Frame } from '../../frame/frame.js';
import { createLearner, learnerKinds } from '../../learn/index.js';
import type { Fitted, Json } from '../../learn/types.js';
import { computeMetrics } from '../../metrics/index.js';
import type { FeatureSpec, TargetSpec } from '../../schema/types.js';
import { kFold, stratifiedKFold, stratifiedSplit, randomSplit, timeSeriesSplit, type Split } from '../../split/index.js';
import { autoCandidates, type Candidate } from './space.js';

export interface AutoCandidateReport {
  learner: string;
  params: Record<string, Json>;
  /** done: all folds scored; stopped: over budget mid-way; skipped: never started; failed: an error. */
  status: 'done' | 'stopped' | 'skipped' | 'failed';
  /** Mean CV score over folds (the selection metric). */
  score?: number;
  std?: number;
  /** Mean log loss over folds (classification tie-break). */
  log_loss?: number;
  fold_scores?: number[];
  /** GBDT: mean best round count over folds. */
  rounds?: number;
  seconds: number;
  message?: string;
}

export interface AutoReport {
  metric: string;
  higher_is_better: boolean;
  folds: number;
  scheme: 'stratified' | 'kfold' | 'time';
  budget_seconds: number | null;
  seconds: number;
  /** Index of the winner in `candidates`. */
  chosen: number;
  /** The winner's parameters as refitted (GBDT: fixed rounds instead of early stopping). */
  final: { learner: string; params: Record<string, Json> };
  candidates: AutoCandidateReport[];
}

export interface AutoOptions {
  seed: number;
  /** Folds (default 5; 3 above 20 000 rows). */
  k?: number;
  /** Restrict selection to these rows (the training part of a hold-out split). */
  rows?: ArrayLike<number> | null;
  /** Time per row for time-ordered folds. */
  time?: Float64Array;
  threads?: number;
  /** Seconds for the whole selection (refit included as an estimate); undefined = no limit. */
  budgetSeconds?: number;
  /** Replace the built-in candidates (tests, power users). */
  candidates?: Candidate[];
  onProgress?: (stage: string, done: number, total: number) => void;
  /** Called with a one-line summary per candidate (the CLI prints these on stderr). */
  onCandidate?: (c: AutoCandidateReport, index: number, total: number) => void;
  now?: () => number;
}

class OverBudget extends Error {}

/**
 * Cross-validates the candidates and returns the winner's configuration plus the full report.
 *
 * @example
 * ```ts
 * const { final, report } = selectLearner(X, y, undefined, schema.features, target, { seed: 42, budgetSeconds: 60 });
 * createLearner(final.learner, final.params).fit(trainSet);
 * report.candidates.map((c) => [c.learner, c.score]);
 * ```
 */
export function selectLearner(
  X: Frame,
  y: Float64Array,
  weights: Float64Array | undefined,
  features: readonly FeatureSpec[],
  target: TargetSpec,
  opts: AutoOptions,
): { final: { learner: string; params: Record<string, Json> }; report: AutoReport } {
  const now = opts.now ?? (() => performance.now() / 1000);
  const t0 = now();
  const base = opts.rows ? Int32Array.from(opts.rows) : null;
  const Xb = base ? X.take(base) : X;
  const yb = base ? Float64Array.from(base, (i) => y[i]) : y;
  const wb = weights ? (base ? Float64Array.from(base, (i) => weights[i]) : weights) : undefined;
  const tb = opts.time ? (base ? Float64Array.from(base, (i) => opts.time![i]) : opts.time) : undefined;
  const n = Xb.nRows;
  const task = target.task;
  const k = task === 'regression' ? 1 : target.classes!.length;
  const metric = task === 'regression' ? 'rmse' : 'roc_auc';
  const higher = metric !== 'rmse';
  const nFolds = Math.max(2, Math.min(opts.k ?? (n > 20_000 ? 3 : 5), n - 1));
  let folds: Split[];
  let scheme: AutoReport['scheme'];
  if (tb) {
    folds = timeSeriesSplit(tb, { k: nFolds });
    scheme = 'time';
  } else if (task === 'regression') {
    folds = kFold(n, { k: nFolds, seed: opts.seed });
    scheme = 'kfold';
  } else {
    folds = stratifiedKFold(yb, { k: nFolds, seed: opts.seed });
    scheme = 'stratified';
  }
  const available = learnerKinds().map((x) => x.name);
  const candidates = opts.candidates ?? autoCandidates({ task, rows: n, available });
  if (candidates.length === 0) throw new ModelyardError('USAGE', '--learner auto: no candidate learners are registered', { flag: '--learner' });
  const deadline = opts.budgetSeconds !== undefined ? t0 + opts.budgetSeconds : Infinity;
  const lastSeconds = new Map<string, number>();
  const reports: AutoCandidateReport[] = [];
  let bestIndex = -1;

  const better = (a: AutoCandidateReport, b: AutoCandidateReport | undefined): boolean => {
    if (!b) return true;
    const d = (a.score! - b.score!) * (higher ? 1 : -1);
    if (Math.abs(d) > 1e-9) return d > 0;
    if (a.log_loss !== undefined && b.log_loss !== undefined && Math.abs(a.log_loss - b.log_loss) > 1e-12) return a.log_loss < b.log_loss;
    return false;
  };

  candidates.forEach((cand, ci) => {
    const start = now();
    const label = `auto ${ci + 1}/${candidates.length} ${cand.learner}`;
    const rep: AutoCandidateReport = { learner: cand.learner, params: cand.params, status: 'skipped', seconds: 0 };
    reports.push(rep);
    const haveOne = bestIndex >= 0;
    const bestSecs = haveOne ? reports[bestIndex].seconds : 0;
    // Time for the winner's refit on all rows (≈ one fold's fit, scaled to all rows).
    const reserve = haveOne ? (bestSecs / nFolds) * 1.5 : 0;
    const expected = lastSeconds.get(family(cand.learner)) ?? 0;
    if (haveOne && start + expected + reserve > deadline) {
      rep.message = start >= deadline ? 'time budget spent' : `would not finish within the time budget (last ${cand.learner} took ${expected.toFixed(1)} s)`;
      opts.onCandidate?.(rep, ci, candidates.length);
      return;
    }
    const scores: number[] = [];
    const losses: number[] = [];
    const rounds: number[] = [];
    try {
      folds.forEach((f, fi) => {
        opts.onProgress?.(label, fi, folds.length);
        const fitted = fitFold(cand, Xb, yb, wb, tb, f.train, features, target, k, opts.seed + fi, opts.threads);
        if (cand.learner === 'gbdt') rounds.push((fitted as unknown as { info: { rounds: number } }).info.rounds);
        const out = fitted.predict(Xb.take(f.test));
        const yt = Float64Array.from(f.test, (r) => yb[r]);
        const m = computeMetrics(task, yt, out, k);
        scores.push(m[metric]);
        if (m.log_loss !== undefined) losses.push(m.log_loss);
        opts.onProgress?.(label, fi + 1, folds.length);
        // Stop between folds when the next fold (as long as the mean so far) would overrun.
        const perFold = (now() - start) / (fi + 1);
        if (haveOne && fi + 1 < folds.length && now() + perFold > deadline) throw new OverBudget();
      });
      const valid = scores.filter((s) => Number.isFinite(s));
      if (valid.length === 0) throw new Error(`no fold gave a finite ${metric}`);
      rep.status = 'done';
      rep.score = mean(valid);
      rep.std = Math.sqrt(mean(valid.map((s) => (s - rep.score!) ** 2)));
      rep.fold_scores = scores;
      if (losses.length > 0) rep.log_loss = mean(losses);
      if (rounds.length > 0) rep.rounds = mean(rounds);
    } catch (e) {
      if (e instanceof OverBudget) {
        rep.status = 'stopped';
        rep.message = `time budget spent after ${scores.length} of ${folds.length} folds`;
      } else {
        rep.status = 'failed';
        rep.message = e instanceof Error ? e.message : String(e);
      }
    }
    rep.seconds = now() - start;
    // A stopped run is a lower bound of the kind's cost; a skipped one says nothing.
    lastSeconds.set(family(cand.learner), Math.max(rep.seconds, lastSeconds.get(family(cand.learner)) ?? 0));
    if (rep.status === 'done' && better(rep, bestIndex >= 0 ? reports[bestIndex] : undefined)) bestIndex = ci;
    opts.onCandidate?.(rep, ci, candidates.length);
  });
  if (bestIndex < 0) {
    const why = reports.map((r) => `${r.learner}: ${r.message ?? r.status}`).join('; ');
    throw new ModelyardError('TARGET_INVALID', `--learner auto: no candidate could be cross-validated (${why})`, { flag: '--learner' });
  }
  const winner = reports[bestIndex];
  const final = { learner: winner.learner, params: finalParams(winner) };
  return {
    final,
    report: { metric, higher_is_better: higher, folds: folds.length, scheme, budget_seconds: opts.budgetSeconds ?? null, seconds: now() - t0, chosen: bestIndex, final, candidates: reports },
  };
}

/** Kinds whose cost is alike share a time estimate (extra trees cost about what a forest does). */
function family(learner: string): string {
  return learner === 'extra_trees' ? 'forest' : learner;
}

/** The winner's parameters for the refit on all rows: GBDT gets a fixed round count from CV. */
function finalParams(c: AutoCandidateReport): Record<string, Json> {
  if (c.learner !== 'gbdt' || c.rounds === undefined) return { ...c.params };
  return { ...c.params, rounds: Math.max(10, Math.round(c.rounds * 1.1)), early_stopping_rounds: 0 };
}

function fitFold(
  cand: Candidate,
  X: Frame,
  y: Float64Array,
  w: Float64Array | undefined,
  time: Float64Array | undefined,
  trainRows: Int32Array,
  features: readonly FeatureSpec[],
  target: TargetSpec,
  k: number,
  seed: number,
  threads: number | undefined,
): Fitted {
  let fitRows = trainRows;
  let validRows: Int32Array | null = null;
  if (cand.learner === 'gbdt' && Number(cand.params.early_stopping_rounds ?? 0) > 0 && trainRows.length >= 50) {
    const inner = innerSplit(trainRows, y, time, target, seed);
    fitRows = inner.train;
    validRows = inner.test;
  }
  const pick = (a: Float64Array, rows: Int32Array): Float64Array => Float64Array.from(rows, (r) => a[r]);
  return createLearner(cand.learner, cand.params).fit({
    frame: X.take(fitRows),
    features,
    task: target.task,
    nClasses: k,
    y: pick(y, fitRows),
    weights: w ? pick(w, fitRows) : undefined,
    valid: validRows ? { frame: X.take(validRows), y: pick(y, validRows), weights: w ? pick(w, validRows) : undefined } : undefined,
    seed,
    threads,
  });
}

/** 15 % of a fold's training rows for early stopping: stratified, or the latest rows by time. */
function innerSplit(rows: Int32Array, y: Float64Array, time: Float64Array | undefined, target: TargetSpec, seed: number): Split {
  const m = rows.length;
  let local: Split;
  if (time) {
    const order = Int32Array.from({ length: m }, (_, i) => i).sort((a, b) => time[rows[a]] - time[rows[b]] || a - b);
    const cut = Math.floor(m * 0.85);
    local = { train: order.slice(0, cut).sort(), test: order.slice(cut).sort() };
  } else if (target.task === 'regression') {
    local = randomSplit(m, { testSize: 0.15, seed });
  } else {
    local = stratifiedSplit(Float64Array.from(rows, (r) => y[r]), { testSize: 0.15, seed });
  }
  return { train: Int32Array.from(local.train, (i) => rows[i]), test: Int32Array.from(local.test, (i) => rows[i]) };
}

function mean(a: readonly number[]): number {
  return a.reduce((s, v) => s + v, 0) / a.length;
}
