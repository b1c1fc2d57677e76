/**
 * The training service: frame + recipe → {@link Model}. The CLI `train` command, the retrain policy
 * and the examples all call this one function, so a model's recorded recipe can be replayed.
 */
import { ModelyardError } from '../errors.js';
import type { Frame } from '../frame/frame.js';
import { createLearner } from '../learn/index.js';
import type { Fitted, Json } from '../learn/types.js';
import { computeMetrics } from '../metrics/index.js';
import { inferSchema } from '../schema/infer.js';
import { encodeTarget } from '../schema/target.js';
import type { ColumnKind, DroppedColumn, FeatureSpec, Schema, TargetSpec, Task } from '../schema/types.js';
import { conform } from '../schema/validate.js';
import { parseSplitSpec, splitFrame, type Split } from '../split/index.js';
import { PACKAGE_VERSION } from '../version.js';
import { frameSha256 } from '../frame/hash.js';
import { crossValidate, type CvReport } from './cv.js';
import { calibrateLearner, type CalibrationResult } from './calibrate.js';
import { selectLearner, type AutoReport } from './auto/index.js';
import { Model, scorePart, type ModelMetadata, type ModelPart, type Segments } from './model.js';
import { gitCommit } from './git.js';
import { buildProfile, profileJson } from '../monitor/profile.js';
import { Rng } from '../util/random.js';

/** Everything needed to train (and later retrain) a model; stored in the artifact as its recipe. */
export interface TrainRecipe {
  target: string;
  task?: Task | 'auto';
  learner?: string;
  params?: Record<string, Json>;
  /** Kind overrides by column (`--types col=kind`). */
  kinds?: Record<string, ColumnKind>;
  /** Columns never used as features (`--drop`). */
  exclude?: string[];
  /** Hold-out split for validation metrics: random | stratified | temporal:COL | group:COL [,testSize]. */
  split?: string;
  /** k-fold cross-validation scores to record (0 = none). */
  cv?: number;
  seed?: number;
  /** Train one sub-model per value of this column. */
  segmentBy?: string;
  /** Segments with fewer training rows are refused (or served by the fallback). */
  minSegmentRows?: number;
  /** `error` (default): a too-small segment fails training; `global`: a model on all rows serves it and unknown segments. */
  segmentFallback?: 'error' | 'global';
  /** A column of per-row sample weights. */
  weightColumn?: string;
  classWeight?: 'none' | 'balanced';
  /** Calibrate probabilities (classification) on out-of-fold predictions: sigmoid (Platt) or isotonic. */
  calibrate?: 'none' | 'sigmoid' | 'isotonic';
  /** Folds for calibration (default 5). */
  calibrationFolds?: number;
  /** Threads a learner may use (0 = all cores). */
  threads?: number;
  /** `learner: 'auto'`: seconds for the model search (`--time-budget`); no limit when absent. */
  timeBudget?: number;
  /** `learner: 'auto'`: cross-validation folds of the search (default 5; 3 above 20 000 rows). */
  autoFolds?: number;
}

export interface TrainOptions {
  source?: { file?: string };
  changelog?: string;
  description?: string;
  onProgress?: (stage: string, done: number, total: number) => void;
  /** Warnings collected during training (also stored in the metadata). */
  warnings?: string[];
  /** Log lines for the user (e.g. one per `auto` candidate); the CLI prints them on stderr. */
  onLog?: (line: string) => void;
}

export interface TrainReport {
  rows: number;
  features: number;
  dropped: DroppedColumn[];
  metrics: Record<string, Record<string, number>>;
  cv?: CvReport;
  segments?: Record<string, { rows: number; metrics: Record<string, Record<string, number>> }>;
  /** Brier/ECE before and after calibration (cross-fitted), per part ('model' or the segment). */
  calibration?: Record<string, CalibrationResult['report']>;
  /** `learner: 'auto'`: every candidate's CV score and the choice. */
  auto?: AutoReport;
  warnings: string[];
  seconds: number;
}

const DEFAULT_MIN_SEGMENT_ROWS = 30;
const PROFILE_ROWS = 100_000;

/** A sorted seeded sample of `max` row indices, or null when all rows fit. */
function sampleRows(n: number, max: number, seed: number): Int32Array | null {
  if (n <= max) return null;
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  new Rng(seed ^ 0x5eed).shuffle(idx);
  return idx.subarray(0, max).sort();
}

/**
 * Trains a model on `frame` following `recipe`.
 *
 * @example
 * ```ts
 * const frame = await readFrame('train.csv');
 * const { model, report } = await trainModel(frame, { target: 'Status', learner: 'linear' });
 * report.metrics.train.roc_auc;
 * ```
 */
export async function trainModel(frame: Frame, recipe: TrainRecipe, opts: TrainOptions = {}): Promise<{ model: Model; report: TrainReport }> {
  const t0 = performance.now();
  const warnings = opts.warnings ?? [];
  const source = opts.source?.file;
  const src = source ? `${source}: ` : '';
  const seed = recipe.seed ?? 42;
  let learnerName = recipe.learner ?? 'auto';
  let params: Record<string, Json> = recipe.params ?? {};
  if (learnerName === 'auto' && Object.keys(params).length > 0) {
    throw new ModelyardError('USAGE', `--param applies to a named learner; --learner auto chooses its own parameters (got ${Object.keys(params).join(', ')})`, { flag: '--param' });
  }
  if (frame.nRows === 0) throw new ModelyardError('DATA_EMPTY', `${src}no data rows to train on`, { file: source });

  for (const [flag, col] of [['--segment-by', recipe.segmentBy], ['--weight', recipe.weightColumn]] as const) {
    if (col !== undefined && !frame.has(col)) {
      throw new ModelyardError('COLUMN_MISSING', `${src}${flag} names column "${col}", which the data does not have`, { file: source, column: col, flag });
    }
  }
  for (const col of recipe.exclude ?? []) {
    if (!frame.has(col)) throw new ModelyardError('COLUMN_MISSING', `${src}--drop names column "${col}", which the data does not have`, { file: source, column: col, flag: '--drop' });
  }
  const splitSpec = recipe.split ? parseSplitSpec(recipe.split) : undefined;

  // Target: encode, then drop rows where it is missing (they cannot be learned from).
  const enc = encodeTarget(frame, recipe.target, recipe.task ?? 'auto', source);
  let data = frame;
  let y = enc.y;
  if (enc.missing > 0) {
    const keep: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === y[i]) keep.push(i);
    warnings.push(`${src}${enc.missing} row(s) with a missing target "${recipe.target}" were left out of training`);
    data = frame.take(keep);
    y = Float64Array.from(keep, (i) => enc.y[i]);
  }
  const target = enc.spec;

  const exclude: Record<string, DroppedColumn['reason']> = { [recipe.target]: 'target' };
  for (const c of recipe.exclude ?? []) exclude[c] = 'excluded';
  if (recipe.segmentBy) exclude[recipe.segmentBy] = 'segment';
  if (recipe.weightColumn) exclude[recipe.weightColumn] = 'excluded';
  if (splitSpec?.kind === 'temporal') exclude[splitSpec.column] = 'time';
  const { schema, warnings: schemaWarnings } = inferSchema(data, { exclude, kinds: recipe.kinds, source });
  warnings.push(...schemaWarnings);
  if (schema.features.length === 0) {
    throw new ModelyardError('DATA_EMPTY', `${src}no usable feature columns (all were dropped: ${schema.dropped.map((d) => `${d.name} (${d.reason})`).join(', ')})`, { file: source });
  }
  const X = conform(data, schema, { source });
  const weights = buildWeights(data, y, target, recipe, source);
  // The user's own sample weights, without class balancing (what a calibrator is fitted with).
  const sampleWeights = recipe.classWeight === 'balanced' ? buildWeights(data, y, target, { ...recipe, classWeight: 'none' }, source) : weights;

  const holdout: Split | undefined = splitSpec ? splitFrame(data, splitSpec, { y: target.task === 'regression' ? undefined : y, testSize: splitSpec.testSize, seed }) : undefined;

  let auto: AutoReport | undefined;
  if (learnerName === 'auto') {
    const sel = selectLearner(X, y, weights, schema.features, target, {
      seed,
      k: recipe.autoFolds,
      rows: holdout ? holdout.train : null,
      time: splitSpec?.kind === 'temporal' ? timeValues(data, splitSpec.column, source) : undefined,
      threads: recipe.threads,
      budgetSeconds: recipe.timeBudget,
      onProgress: opts.onProgress,
      onCandidate: (c, i, total) => opts.onLog?.(describeCandidate(c, i, total)),
    });
    learnerName = sel.final.learner;
    params = sel.final.params;
    auto = sel.report;
    opts.onLog?.(`auto: chose ${learnerName} ${JSON.stringify(params)} (CV ${sel.report.metric} ${fmt(sel.report.candidates[sel.report.chosen].score!)}) in ${sel.report.seconds.toFixed(1)} s`);
  }

  const calibrate = recipe.calibrate ?? 'none';
  if (calibrate !== 'none' && target.task === 'regression') {
    throw new ModelyardError('USAGE', `--calibrate ${calibrate} applies to classification; "${recipe.target}" is a regression target`, { flag: '--calibrate' });
  }
  const calibration: Record<string, CalibrationResult['report']> = {};
  const fitRows = (rows: ArrayLike<number> | null, label: string, validRows?: ArrayLike<number>): ModelPart => {
    const sub = rows ? X.take(rows) : X;
    const ySub = rows ? Float64Array.from(rows, (i) => y[i]) : y;
    checkClasses(target, ySub, label, src, source);
    const fitted = createLearner(learnerName, params).fit({
      frame: sub,
      features: schema.features,
      task: target.task,
      nClasses: nClasses(target),
      y: ySub,
      weights: weights ? (rows ? Float64Array.from(rows, (i) => weights[i]) : weights) : undefined,
      valid: validRows && validRows.length > 0 ? { frame: X.take(validRows), y: Float64Array.from(validRows, (i) => y[i]) } : undefined,
      seed,
      threads: recipe.threads,
      onProgress: (d, t) => opts.onProgress?.(`fit ${label}`, d, t),
    });
    const part: ModelPart = { fitted, rows: sub.nRows };
    if (calibrate !== 'none') {
      const res = calibrateLearner(X, y, weights, schema.features, target, learnerName, params, rows ?? null, {
        method: calibrate,
        folds: recipe.calibrationFolds ?? 5,
        seed,
        threads: recipe.threads,
        onProgress: (d, t) => opts.onProgress?.(`calibrate ${label}`, d, t),
        calibratorWeights: sampleWeights,
      });
      part.calibrator = res.calibrator;
      calibration[label] = res.report;
    }
    return part;
  };

  const metricsOf = (part: ModelPart, rows: ArrayLike<number> | null): Record<string, number> => {
    const sub = rows ? X.take(rows) : X;
    const ySub = rows ? Float64Array.from(rows, (i) => y[i]) : y;
    return computeMetrics(target.task, ySub, scorePart(part, sub, nClasses(target)), nClasses(target));
  };

  const metrics: Record<string, Record<string, number>> = {};
  let single: ModelPart | null = null;
  let segments: Segments | null = null;
  const segReport: TrainReport['segments'] = {};
  let cv: CvReport | undefined;

  if (!recipe.segmentBy) {
    const trainRows = holdout ? holdout.train : null;
    single = fitRows(trainRows, 'model', holdout?.test);
    metrics.train = metricsOf(single, trainRows);
    if (holdout) metrics.validation = metricsOf(single, holdout.test);
    if (recipe.cv && recipe.cv > 1) {
      cv = crossValidate(X, y, weights, schema.features, target, learnerName, params, {
        k: recipe.cv,
        seed,
        rows: trainRows,
        time: splitSpec?.kind === 'temporal' ? timeValues(data, splitSpec.column, source) : undefined,
        threads: recipe.threads,
        onProgress: (d, t) => opts.onProgress?.('cross-validation', d, t),
      });
      metrics.cv = cv.mean;
    }
    single.metrics = metrics.validation ?? metrics.train;
  } else {
    segments = trainSegments();
  }

  function trainSegments(): Segments {
    const by = recipe.segmentBy!;
    const minRows = recipe.minSegmentRows ?? DEFAULT_MIN_SEGMENT_ROWS;
    const groups = new Map<string, number[]>();
    for (let i = 0; i < data.nRows; i++) {
      const v = data.cell(i, by);
      if (v === null) continue;
      const key = String(v);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(i);
    }
    const inTest = new Uint8Array(data.nRows);
    if (holdout) for (const i of holdout.test) inTest[i] = 1;
    const parts: Record<string, ModelPart> = {};
    const small: string[] = [];
    for (const [key, rows] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (rows.length < minRows) {
        small.push(`${key} (${rows.length} rows)`);
        continue;
      }
      const trainRows = rows.filter((i) => !inTest[i]);
      const testRows = rows.filter((i) => inTest[i]);
      const part = fitRows(trainRows, `segment ${by}=${key}`, testRows);
      const m: Record<string, Record<string, number>> = { train: metricsOf(part, trainRows) };
      if (testRows.length > 0) m.validation = metricsOf(part, testRows);
      part.metrics = m.validation ?? m.train;
      parts[key] = part;
      segReport![key] = { rows: rows.length, metrics: m };
    }
    let fallback: string | undefined;
    if (small.length > 0 && recipe.segmentFallback !== 'global') {
      throw new ModelyardError(
        'TARGET_INVALID',
        `${src}segment${small.length > 1 ? 's' : ''} ${small.join(', ')} of "${by}" ha${small.length > 1 ? 've' : 's'} fewer than ${minRows} rows (--min-segment-rows); add data, lower the minimum, or use --segment-fallback global`,
        { file: source, column: by, flag: '--min-segment-rows' },
      );
    }
    if (recipe.segmentFallback === 'global') {
      fallback = '__global__';
      const trainRows = holdout ? holdout.train : null;
      const part = fitRows(trainRows, 'global fallback', holdout?.test);
      part.metrics = holdout ? metricsOf(part, holdout.test) : metricsOf(part, trainRows);
      parts[fallback] = part;
      if (small.length > 0) warnings.push(`${src}segments ${small.join(', ')} are served by the global fallback model`);
    }
    if (Object.keys(parts).length === 0) throw new ModelyardError('TARGET_INVALID', `${src}no segment of "${by}" has enough rows`, { file: source, column: by });
    // Whole-model metrics: every row scored by its own segment's part.
    const all = holdout ? holdout.test : null;
    const model = new Model(schema, target, null, { by, parts, fallback }, emptyMeta());
    const rowsForMetrics = all ?? Int32Array.from({ length: data.nRows }, (_, i) => i);
    const scored = model.predict(data.take(rowsForMetrics), { source });
    const yEval = Float64Array.from(rowsForMetrics, (i) => y[i]);
    metrics[holdout ? 'validation' : 'train'] = computeMetrics(target.task, yEval, scored.proba ?? scored.values!, nClasses(target));
    return { by, parts, fallback };
  }

  const metadata: ModelMetadata = {
    createdAt: new Date().toISOString(),
    packageVersion: PACKAGE_VERSION,
    learner: learnerName,
    params: paramsOf(single, segments, params),
    data: { file: source, sha256: frameSha256(frame), rows: frame.nRows, columns: frame.columns.length },
    metrics,
    changelog: opts.changelog,
    description: opts.description,
    gitCommit: gitCommit(),
    recipe: recipe as unknown as Record<string, Json>,
    warnings,
  };
  if (cv) metadata.cv = cv as unknown as Json;
  if (auto) metadata.auto = auto as unknown as Json;
  if (Object.keys(calibration).length > 0) metadata.calibration = calibration as unknown as Json;
  const model = new Model(schema, target, single, segments, metadata, null);
  // Reference profile for drift monitoring, on (a seeded sample of at most 100k) training rows.
  const sample = sampleRows(data.nRows, PROFILE_ROWS, seed);
  const rawSample = sample ? data.take(sample) : data;
  const scored = model.predict(rawSample, { source });
  const profiled = new Model(schema, target, single, segments, metadata, profileJson(
    buildProfile(sample ? X.take(sample) : X, schema.features, scored.proba ?? scored.values!, target.task, nClasses(target), target.classes),
  ));
  return {
    model: profiled,
    report: {
      rows: data.nRows,
      features: schema.features.length,
      dropped: schema.dropped,
      metrics,
      cv,
      segments: recipe.segmentBy ? segReport : undefined,
      calibration: Object.keys(calibration).length > 0 ? calibration : undefined,
      auto,
      warnings,
      seconds: (performance.now() - t0) / 1000,
    },
  };
}

function timeValues(data: Frame, column: string, source?: string): Float64Array {
  const c = data.column(column);
  if (c.type !== 'number') {
    throw new ModelyardError('TYPE_MISMATCH', `${source ? `${source}: ` : ''}--split temporal:${column} needs a date, timestamp or numeric column`, { file: source, column, flag: '--split' });
  }
  return c.values;
}

function emptyMeta(): ModelMetadata {
  return { createdAt: '', packageVersion: PACKAGE_VERSION, learner: '', params: {}, data: { rows: 0, columns: 0 }, metrics: {}, recipe: {}, warnings: [] };
}

/** Raw output of a fitted learner (no calibration). */
export function scoreFitted(fitted: Fitted, X: Frame): Float64Array {
  return fitted.predict(X);
}

export function nClasses(target: TargetSpec): number {
  return target.task === 'regression' ? 1 : target.classes!.length;
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4);
}

/** One stderr line per `auto` candidate. */
function describeCandidate(c: AutoReport['candidates'][number], i: number, total: number): string {
  const head = `auto [${i + 1}/${total}] ${c.learner} ${JSON.stringify(c.params)}`;
  if (c.status === 'done') return `${head}: ${fmt(c.score!)} ± ${fmt(c.std!)} (${c.seconds.toFixed(1)} s)`;
  return `${head}: ${c.status}${c.message ? ` (${c.message})` : ''}`;
}

function paramsOf(single: ModelPart | null, segments: Segments | null, given: Record<string, Json>): Record<string, Json> {
  const part = single ?? Object.values(segments!.parts)[0];
  return part ? part.fitted.toState().params : given;
}

/** Sample weights from a weight column and/or balanced class weights (sklearn: n / (k · count_c)). */
function buildWeights(data: Frame, y: Float64Array, target: TargetSpec, recipe: TrainRecipe, source?: string): Float64Array | undefined {
  let w: Float64Array | undefined;
  if (recipe.weightColumn) {
    const c = data.column(recipe.weightColumn);
    if (c.type !== 'number') throw new ModelyardError('TYPE_MISMATCH', `--weight column "${recipe.weightColumn}" must be numeric`, { file: source, column: recipe.weightColumn, flag: '--weight' });
    w = new Float64Array(c.values.length);
    for (let i = 0; i < w.length; i++) {
      const v = c.values[i];
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new ModelyardError('INVALID_VALUE', `${source ? `${source}: ` : ''}row ${i + 1}, weight column "${recipe.weightColumn}": ${Number.isNaN(v) ? 'missing' : v} is not a finite weight ≥ 0`, {
          file: source,
          row: i + 1,
          column: recipe.weightColumn,
        });
      }
      w[i] = v;
    }
  }
  if (recipe.classWeight === 'balanced' && target.task !== 'regression') {
    const k = target.classes!.length;
    const counts = new Float64Array(k);
    for (let i = 0; i < y.length; i++) counts[y[i]] += w ? w[i] : 1;
    const total = counts.reduce((a, b) => a + b, 0);
    const cw = Array.from(counts, (c) => (c > 0 ? total / (k * c) : 0));
    const out = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) out[i] = (w ? w[i] : 1) * cw[y[i]];
    w = out;
  }
  return w;
}

function checkClasses(target: TargetSpec, y: Float64Array, label: string, src: string, source?: string): void {
  if (target.task === 'regression') return;
  const seen = new Set<number>();
  for (const v of y) seen.add(v);
  if (seen.size < 2) {
    throw new ModelyardError('TARGET_INVALID', `${src}${label}: the training rows hold only one class ("${target.classes![[...seen][0] ?? 0]}"): nothing to learn`, {
      file: source,
      column: target.name,
    });
  }
}

/** The features a model reads (for `models show`). */
export function describeSchema(schema: Schema): { name: string; kind: FeatureSpec['kind']; categories?: number }[] {
  return schema.features.map((f) => ({ name: f.name, kind: f.kind, ...(f.categories ? { categories: f.categories.length } : {}) }));
}
