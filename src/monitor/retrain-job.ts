/**
 * The retrain job (DESIGN.md "Retrain policy"): rerun the training recipe recorded in the artifact
 * (`metadata.recipe`, a {@link TrainRecipe}) on the configured data source plus the labelled rows
 * of the prediction log (their logged inputs with the feedback as target), and register the result
 * as `challenger`. It runs on a job queue (src/monitor/queue.ts), never inside a request.
 */
import { modelFromBytes, modelToBytes } from '../artifact/model-artifact.js';
import { ModelyardError } from '../errors.js';
import { encodeStrings, Frame, numberColumn, type Column } from '../frame/frame.js';
import type { Json } from '../learn/types.js';
import { trainModel, type TrainRecipe } from '../model/train.js';
import type { Registry } from '../registry/registry.js';
import type { RetrainTrigger } from './retrain-policy.js';
import type { MonitorSource } from './source.js';

/** The payload of a `retrain` job (JSON, so it can sit in a Postgres queue). */
export interface RetrainJob {
  /** Model name. */
  model: string;
  /** The version whose recipe is replayed (default `<model>@champion`). */
  from?: string;
  /** Training data: a CSV/Parquet/JSONL file, or a DuckDB/SQLite file with the recipe's `sql`. */
  data: string;
  /** Add the labelled rows of the log from this many ms back (default 30 days; 0 = none). */
  feedbackMs?: number;
  triggers?: RetrainTrigger[];
}

export interface RetrainResult {
  ref: string;
  version: string;
  from: string;
  rows: number;
  feedbackRows: number;
  metrics: Record<string, Record<string, number>>;
}

/**
 * Appends rows given as objects to a frame, column by column with the frame's types (numbers
 * parsed, text kept; keys the frame lacks are ignored, absent keys are missing).
 *
 * @example
 * ```ts
 * appendRecords(frame, [{ age: 41, region: 'north', y: 'yes' }]).nRows; // frame.nRows + 1
 * ```
 */
export function appendRecords(frame: Frame, records: readonly Record<string, unknown>[]): Frame {
  if (records.length === 0) return frame;
  const n = frame.nRows;
  const m = records.length;
  const cols: Column[] = frame.columns.map((c) => {
    if (c.type === 'number') {
      const values = new Float64Array(n + m);
      values.set(c.values);
      for (let i = 0; i < m; i++) {
        const v = records[i][c.name];
        values[n + i] = v === null || v === undefined || v === '' ? NaN : typeof v === 'boolean' ? Number(v) : typeof v === 'number' ? v : Number.isFinite(Number(v)) ? Number(v) : Date.parse(String(v));
      }
      return numberColumn(c.name, values, c.storage);
    }
    const strings: (string | null)[] = new Array(n + m);
    for (let i = 0; i < n; i++) strings[i] = c.codes[i] < 0 ? null : c.dictionary[c.codes[i]];
    for (let i = 0; i < m; i++) {
      const v = records[i][c.name];
      strings[n + i] = v === null || v === undefined || v === '' ? null : String(v);
    }
    return encodeStrings(c.name, strings);
  });
  return new Frame(cols, n + m);
}

export interface RetrainDeps {
  registry: Registry;
  /** The prediction log, for feedback rows (optional). */
  source?: MonitorSource;
  /** Reads the training data (default: readFrame through DuckDB). */
  readData?: (file: string, sql?: string) => Promise<Frame>;
  now?: number;
  actor?: string;
}

/**
 * Runs one retrain: replays the recipe of `job.from`, registers the new version with the
 * `challenger` alias, and records a `retrain` audit row with the triggers.
 *
 * @throws ModelyardError RETRAIN_UNAVAILABLE when the artifact has no recipe or no data source is given.
 * @example
 * ```ts
 * const r = await runRetrain({ model: 'credit', data: 'credit.csv', triggers }, { registry, source });
 * r.ref; // 'credit@1.0.3', now also credit@challenger
 * ```
 */
export async function runRetrain(job: RetrainJob, deps: RetrainDeps): Promise<RetrainResult> {
  const { registry } = deps;
  const now = deps.now ?? Date.now();
  if (!job.data) throw new ModelyardError('RETRAIN_UNAVAILABLE', `no training data source is configured for ${job.model} (retrain needs --data)`, { flag: '--data' });
  const fromRef = job.from ?? `${job.model}@champion`;
  const { info, bytes } = await registry.load(fromRef);
  const { model } = modelFromBytes(bytes, info.ref, info.sha256);
  const recipe = model.metadata.recipe as unknown as TrainRecipe & { sql?: string };
  if (!recipe || typeof recipe.target !== 'string') {
    throw new ModelyardError('RETRAIN_UNAVAILABLE', `${info.ref} records no training recipe (trained before recipes were stored?): train it again with \`modelyard train\``);
  }
  const read = deps.readData ?? (async (file: string, sql?: string) => (await import('../frame/read.js')).readFrame(file, { sql }));
  let frame = await read(job.data, recipe.sql);
  let feedbackRows = 0;
  const window = job.feedbackMs ?? 30 * 86_400_000;
  if (deps.source && window > 0) {
    const labelled = await deps.source.predictions({ model: job.model, since: now - window, until: now, labelledOnly: true });
    const rows: Record<string, unknown>[] = [];
    for (const r of labelled) {
      const inputs = r.prediction.inputs;
      if (inputs === null || typeof inputs !== 'object') continue; // inputs not logged: nothing to learn from
      rows.push({ ...inputs, [recipe.target]: r.actual });
    }
    if (rows.length > 0 && !frame.has(recipe.target)) {
      throw new ModelyardError('COLUMN_MISSING', `${job.data} has no target column "${recipe.target}"`, { file: job.data, column: recipe.target });
    }
    frame = appendRecords(frame, rows);
    feedbackRows = rows.length;
  }
  const why = (job.triggers ?? []).map((t) => t.reason + (t.subject ? ` (${t.subject})` : '')).join(', ') || 'requested';
  const { model: trained } = await trainModel(frame, recipe, { source: { file: job.data }, changelog: `retrain of ${info.ref} on ${frame.nRows} rows (${feedbackRows} from feedback): ${why}` });
  trained.metadata.name = job.model;
  const registered = await registry.register({
    name: job.model,
    bytes: modelToBytes(trained),
    aliases: ['challenger'],
    actor: deps.actor ?? 'retrain',
    reason: `retrain: ${why}`,
  });
  const result: RetrainResult = { ref: registered.ref, version: registered.version, from: info.ref, rows: frame.nRows, feedbackRows, metrics: trained.metadata.metrics };
  await registry.recordDecision({
    action: 'retrain',
    name: job.model,
    version: registered.version,
    alias: 'challenger',
    actor: deps.actor ?? 'retrain',
    reason: why,
    details: { from: info.ref, data: job.data, rows: frame.nRows, feedback_rows: feedbackRows, triggers: (job.triggers ?? []) as unknown as Json, metrics: trained.metadata.metrics as unknown as Json },
  });
  return result;
}
