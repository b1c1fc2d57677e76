/** The work of `modelyard train`: read data, train, register (and optionally write a file). */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { modelToBytes } from '../../artifact/model-artifact.js';
import { ModelyardError } from '../../errors.js';
import { DataReader } from '../../frame/read.js';
import { parseParamPairs } from '../../learn/params.js';
import { trainModel, type TrainRecipe } from '../../model/train.js';
import { isValidName } from '../../registry/ref.js';
import type { CliContext } from '../main.js';
import { choiceFlag, durationFlag, intFlag, kindsFlag, listFlag, pairsFlag } from '../options.js';
import { openCliRegistry } from '../registry.js';
import { formatMetrics, formatNumber } from '../format.js';

export interface TrainFlags {
  target: string;
  name?: string;
  task?: string;
  learner?: string;
  segmentBy?: string;
  minSegmentRows?: string;
  segmentFallback?: string;
  split?: string;
  cv?: string;
  timeBudget?: string;
  autoFolds?: string;
  version?: string;
  changelog?: string;
  description?: string;
  param?: string[];
  types?: string[];
  drop?: string[];
  seed?: string;
  weight?: string;
  classWeight?: string;
  calibrate?: string;
  calibrationFolds?: string;
  threads?: string;
  sql?: string;
  out?: string;
  tag?: string[];
  alias?: string[];
  register: boolean;
  json?: boolean;
}

/** Runs `train` for parsed flags. */
export async function runTrain(ctx: CliContext, cmd: Command, data: string, f: TrainFlags): Promise<void> {
  const globals = cmd.optsWithGlobals() as { registry?: string };
  const { io } = ctx;
  const name = f.name ?? defaultName(data);
  if (!isValidName(name)) throw new ModelyardError('USAGE', `--name "${name}": use letters, digits, '.', '_' and '-'`, { flag: '--name' });
  if (!f.register && !f.out) throw new ModelyardError('USAGE', '--no-register needs --out FILE, or the model would be lost', { flag: '--no-register' });
  const recipe: TrainRecipe = {
    target: f.target,
    task: choiceFlag('--task', f.task, ['auto', 'binary', 'multiclass', 'regression'] as const),
    learner: f.learner,
    params: parseParamPairs(f.param ?? []),
    kinds: kindsFlag(f.types),
    exclude: listFlag(f.drop),
    split: f.split,
    cv: intFlag('--cv', f.cv, 2, 50),
    seed: intFlag('--seed', f.seed, 0),
    segmentBy: f.segmentBy,
    minSegmentRows: intFlag('--min-segment-rows', f.minSegmentRows, 1),
    segmentFallback: choiceFlag('--segment-fallback', f.segmentFallback, ['error', 'global'] as const),
    weightColumn: f.weight,
    classWeight: choiceFlag('--class-weight', f.classWeight, ['none', 'balanced'] as const),
    calibrate: choiceFlag('--calibrate', f.calibrate, ['none', 'sigmoid', 'isotonic'] as const),
    calibrationFolds: intFlag('--calibration-folds', f.calibrationFolds, 2, 20),
    threads: intFlag('--threads', f.threads, 0, 64),
    timeBudget: durationFlag('--time-budget', f.timeBudget),
    autoFolds: intFlag('--auto-folds', f.autoFolds, 2, 20),
  };
  if ((recipe.timeBudget !== undefined || recipe.autoFolds !== undefined) && f.learner !== undefined && f.learner !== 'auto') {
    throw new ModelyardError('USAGE', `--time-budget and --auto-folds apply to --learner auto, not ${f.learner}`, { flag: recipe.timeBudget !== undefined ? '--time-budget' : '--auto-folds' });
  }
  for (const k of Object.keys(recipe) as (keyof TrainRecipe)[]) if (recipe[k] === undefined) delete recipe[k];
  if (f.sql) (recipe as unknown as Record<string, unknown>).sql = f.sql;

  const reader = await DataReader.open();
  let frame;
  try {
    io.err(`reading ${data}…`);
    frame = await reader.read(data, { sql: f.sql });
  } finally {
    reader.close();
  }
  io.err(`read ${frame.nRows} rows × ${frame.columns.length} columns`);
  let bar: ReturnType<typeof io.progress> | null = null;
  let barLabel = '';
  const warnings: string[] = [];
  let trained: Awaited<ReturnType<typeof trainModel>>;
  try {
    trained = await trainModel(frame, recipe, {
      source: { file: data },
      changelog: f.changelog,
      description: f.description,
      warnings,
      onLog: (line) => {
        (bar as ReturnType<typeof io.progress> | null)?.stop();
        bar = null;
        barLabel = '';
        io.err(line);
      },
      onProgress: (stage, done, total) => {
        if (stage !== barLabel) {
          bar?.stop();
          bar = io.progress(stage, total);
          barLabel = stage;
        }
        bar!.update(done, total);
      },
    });
  } finally {
    (bar as ReturnType<typeof io.progress> | null)?.stop();
    // Warnings explain failures too (e.g. every feature dropped), so print them either way.
    for (const w of warnings) io.warn(w);
  }
  const { model, report } = trained;
  model.metadata.name = name;
  const bytes = modelToBytes(model);
  if (f.out) fs.writeFileSync(f.out, bytes);
  let registered: { name: string; version: string; sha256: string } | undefined;
  if (f.register) {
    const reg = await openCliRegistry(globals.registry, ctx.env);
    try {
      const info = await reg.register({
        name,
        bytes,
        version: f.version,
        changelog: f.changelog,
        description: f.description,
        tags: pairsFlag('--tag', f.tag),
        aliases: f.alias,
        reason: f.changelog ?? 'train',
      });
      registered = { name: info.name, version: info.version, sha256: info.sha256 };
    } finally {
      await reg.close();
    }
  }
  // The run is an event in the prediction log (best effort: a log problem never fails training).
  const { logRunEvent } = await import('../../log/events.js');
  const logWarning = await logRunEvent(
    'train',
    name,
    registered?.version ?? null,
    { source: data, learner: model.metadata.learner, task: model.target.task, rows: report.rows, features: report.features, metrics: report.metrics, cv: report.cv ? { k: report.cv.k, mean: report.cv.mean } : null, sha256: registered?.sha256 ?? null, seconds: report.seconds },
    { env: ctx.env, registry: globals.registry },
  );
  if (logWarning) {
    warnings.push(logWarning);
    io.warn(logWarning);
  }
  const result = {
    name,
    version: registered?.version ?? null,
    sha256: registered?.sha256 ?? null,
    file: f.out ?? null,
    task: model.target.task,
    target: model.target.name,
    classes: model.target.classes,
    learner: model.metadata.learner,
    rows: report.rows,
    features: report.features,
    dropped: report.dropped.filter((d) => d.reason !== 'target'),
    metrics: report.metrics,
    cv: report.cv ? { k: report.cv.k, scheme: report.cv.scheme, mean: report.cv.mean, std: report.cv.std } : undefined,
    segments: report.segments,
    calibration: report.calibration,
    auto: report.auto,
    seconds: Number(report.seconds.toFixed(3)),
    warnings,
  };
  if (f.json) io.json(result);
  else {
    const where = registered ? `${registered.name}@${registered.version}` : f.out;
    io.out(`trained ${where}: ${model.metadata.learner} ${model.target.task} on ${report.rows} rows × ${report.features} features in ${report.seconds.toFixed(1)} s`);
    for (const [set, m] of Object.entries(report.metrics)) io.out(`  ${set.padEnd(10)} ${formatMetrics(m)}`);
    if (report.segments) {
      for (const [seg, s] of Object.entries(report.segments)) io.out(`  segment ${seg} (${s.rows} rows): ${formatMetrics(s.metrics.validation ?? s.metrics.train)}`);
    }
    if (report.auto) {
      const a = report.auto;
      io.out(`  auto (${a.folds}-fold ${a.scheme} CV, ${a.metric}, ${a.seconds.toFixed(1)} s${a.budget_seconds !== null ? ` of ${a.budget_seconds} s budget` : ''}):`);
      a.candidates.forEach((c, i) => {
        const score = c.status === 'done' ? `${formatNumber(c.score!)} ± ${formatNumber(c.std!)}` : `${c.status}${c.message ? ` (${c.message})` : ''}`;
        io.out(`    ${i === a.chosen ? '*' : ' '} ${c.learner.padEnd(11)} ${score.padEnd(24)} ${JSON.stringify(c.params)}`);
      });
    }
    for (const [part, c] of Object.entries(report.calibration ?? {})) {
      io.out(`  calibration (${c.method}, ${part}, cross-fitted on ${c.rows} rows): brier ${formatNumber(c.brier_before)} → ${formatNumber(c.brier_after)}  ece ${formatNumber(c.ece_before)} → ${formatNumber(c.ece_after)}`);
    }
    if (registered) io.out(`  sha256 ${registered.sha256}`);
  }
}

/** `data/credit_train.csv` → `credit_train`. */
export function defaultName(data: string): string {
  const base = path.basename(data).replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return base || 'model';
}
