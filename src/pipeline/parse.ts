/**
 * Reading a pipeline file (YAML) into a checked {@link Pipeline}. Every mistake is a
 * PIPELINE_INVALID error naming the file, the stage and the field.
 *
 * ```yaml
 * name: purchase-prediction
 * stages:
 *   generate:
 *     run: generate.ts#generate          # a function stage: module + export
 *     params: { users: 2000, seed: 7 }
 *     outputs: { events: data/events.csv }
 *   sessions:
 *     inputs: { events: data/events.csv } # each input is a DuckDB view named by its key
 *     sql_file: sql/sessions.sql         # or sql: "SELECT …"
 *     params: { gap_minutes: 30 }        # getvariable('gap_minutes') in the SQL
 *     outputs: { sessions: data/sessions.parquet }
 *   train:
 *     train: { data: data/train.parquet, target: purchased, learner: linear, class_weight: balanced }
 *     register: { name: purchase }
 *     outputs: { model: models/purchase.myd, report: reports/train.json }
 *   evaluate:
 *     evaluate: { model: models/purchase.myd, data: data/test.parquet }
 *     outputs: { report: reports/test.json }
 * ```
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ModelyardError } from '../errors.js';
import type { Json } from '../learn/types.js';
import { looksLikeFile } from '../model/load.js';
import type { TrainRecipe } from '../model/train.js';
import { COLUMN_KINDS, type ColumnKind } from '../schema/types.js';
import type { EvaluateStage, FunctionStage, Pipeline, SqlStage, Stage, TrainStage } from './types.js';

type Obj = Record<string, unknown>;

const COMMON_KEYS = ['description', 'inputs', 'outputs', 'params', 'deps'];
const KIND_KEYS = ['sql', 'sql_file', 'run', 'train', 'evaluate'];
const STAGE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** The `train:` block's keys (snake_case, as on the command line) → the recipe's fields. */
const TRAIN_KEYS: Record<string, keyof TrainRecipe | 'data' | 'changelog'> = {
  data: 'data',
  target: 'target',
  task: 'task',
  learner: 'learner',
  params: 'params',
  types: 'kinds',
  drop: 'exclude',
  split: 'split',
  cv: 'cv',
  seed: 'seed',
  segment_by: 'segmentBy',
  min_segment_rows: 'minSegmentRows',
  segment_fallback: 'segmentFallback',
  weight: 'weightColumn',
  class_weight: 'classWeight',
  calibrate: 'calibrate',
  calibration_folds: 'calibrationFolds',
  threads: 'threads',
  changelog: 'changelog',
};

class Checker {
  constructor(
    readonly file: string,
    readonly stage?: string,
  ) {}

  fail(field: string, message: string): never {
    const where = this.stage ? `stage "${this.stage}": ` : '';
    const fieldPath = this.stage ? `stages.${this.stage}${field ? `.${field}` : ''}` : field;
    throw new ModelyardError('PIPELINE_INVALID', `${this.file}: ${where}${field ? `"${field}" ` : ''}${message}`, { file: this.file, field: fieldPath });
  }

  obj(v: unknown, field: string): Obj {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(field, `must be a mapping (key: value), got ${describe(v)}`);
    return v as Obj;
  }

  str(v: unknown, field: string): string {
    if (typeof v !== 'string' || v.trim() === '') this.fail(field, `must be a non-empty string, got ${describe(v)}`);
    return v;
  }

  keys(o: Obj, allowed: readonly string[], field: string): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.fail(field ? `${field}.${k}` : k, `is not a known key (known: ${allowed.join(', ')})`);
    }
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;
}

function isJson(v: unknown): v is Json {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isJson);
  if (typeof v === 'object') return Object.values(v as Obj).every(isJson);
  return false;
}

/**
 * Reads and checks a pipeline file.
 *
 * @example
 * ```ts
 * const pipeline = loadPipeline('examples/purchase-prediction/pipeline.yaml');
 * pipeline.stages.map((s) => s.name); // ['generate', 'sessions', …]
 * ```
 */
export function loadPipeline(file: string): Pipeline {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new ModelyardError('FILE_NOT_FOUND', `pipeline file not found: ${file}`, { file });
  return parsePipeline(fs.readFileSync(file, 'utf8'), file);
}

/** Parses pipeline YAML text; relative paths resolve against `file`'s folder. */
export function parsePipeline(text: string, file: string): Pipeline {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const top = new Checker(file);
  let doc: unknown;
  try {
    // Merge keys (`<<: *common`) let stages share a block, as in docker-compose files.
    doc = parseYaml(text, { merge: true });
  } catch (e) {
    top.fail('', `is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const root = top.obj(doc, '');
  top.keys(root, ['name', 'description', 'state', 'stages'], '');
  const name = root.name === undefined ? path.basename(abs).replace(/\.[^.]+$/, '') : top.str(root.name, 'name');
  const stateDir = root.state === undefined ? path.join(dir, '.modelyard-pipeline') : path.resolve(dir, top.str(root.state, 'state'));
  const stagesObj = top.obj(root.stages, 'stages');
  if (Object.keys(stagesObj).length === 0) top.fail('stages', 'has no stages');
  const stages: Stage[] = [];
  for (const [stageName, raw] of Object.entries(stagesObj)) {
    if (!STAGE_NAME.test(stageName)) top.fail(`stages.${stageName}`, 'is not a valid stage name (a letter, then letters, digits, _ or -)');
    stages.push(parseStage(new Checker(file, stageName), stageName, raw, dir));
  }
  // Two stages writing one file would make the result depend on run order.
  const writer = new Map<string, string>();
  for (const s of stages) {
    for (const p of Object.values(s.outputs)) {
      const other = writer.get(p);
      if (other) new Checker(file, s.name).fail('outputs', `writes ${path.relative(dir, p)}, which stage "${other}" also writes`);
      writer.set(p, s.name);
    }
  }
  return { name, file: abs, dir, stateFile: path.join(stateDir, `${path.basename(abs).replace(/\.[^.]+$/, '')}.state.json`), stages };
}

function parseStage(c: Checker, name: string, raw: unknown, dir: string): Stage {
  const o = c.obj(raw, '');
  const kinds = KIND_KEYS.filter((k) => o[k] !== undefined);
  if (kinds.length === 0) c.fail('', `needs one of ${KIND_KEYS.join(', ')} (what the stage does)`);
  if (kinds.length > 1) c.fail(kinds[1], `cannot be combined with "${kinds[0]}": a stage does one thing`);
  const kind = kinds[0];
  const paths = (field: string, required: boolean): Record<string, string> => {
    const v = o[field];
    if (v === undefined) {
      if (required) c.fail(field, 'is required (name: path, …)');
      return {};
    }
    const out: Record<string, string> = {};
    if (Array.isArray(v)) {
      for (const [i, p] of v.entries()) {
        const rel = c.str(p, `${field}[${i}]`);
        const key = path.basename(rel).replace(/\.[^.]+$/, '');
        if (out[key] !== undefined) c.fail(field, `has two files named "${key}": use a mapping (name: path) instead of a list`);
        out[key] = path.resolve(dir, rel);
      }
    } else {
      for (const [k, p] of Object.entries(c.obj(v, field))) out[k] = path.resolve(dir, c.str(p, `${field}.${k}`));
    }
    return out;
  };
  const params = o.params === undefined ? {} : (c.obj(o.params, 'params') as Record<string, Json>);
  if (!isJson(params)) c.fail('params', 'must hold plain values (numbers, strings, booleans, lists, mappings)');
  const deps = o.deps === undefined ? [] : (Array.isArray(o.deps) ? o.deps : c.fail('deps', 'must be a list of files')).map((d, i) => path.resolve(dir, c.str(d, `deps[${i}]`)));
  const base = { name, params, deps };

  if (kind === 'sql' || kind === 'sql_file') {
    c.keys(o, [...COMMON_KEYS, kind], '');
    const outputs = paths('outputs', true);
    if (Object.keys(outputs).length === 0) c.fail('outputs', 'needs at least one file');
    for (const [k, p] of Object.entries(outputs)) {
      if (!/\.(parquet|csv|jsonl|ndjson)$/i.test(p)) c.fail(`outputs.${k}`, 'must end in .parquet, .csv or .jsonl');
    }
    for (const [k, p] of Object.entries(paths('inputs', false))) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) c.fail(`inputs.${k}`, 'names a SQL view: use letters, digits and _');
      if (!/\.(parquet|pq|csv|tsv|txt|jsonl|ndjson|json)$/i.test(p)) c.fail(`inputs.${k}`, 'must be a .parquet, .csv or .jsonl file');
    }
    let sql: string;
    let sqlFile: string | undefined;
    if (kind === 'sql_file') {
      sqlFile = path.resolve(dir, c.str(o.sql_file, 'sql_file'));
      if (!fs.existsSync(sqlFile)) c.fail('sql_file', `names ${path.relative(dir, sqlFile)}, which does not exist`);
      sql = fs.readFileSync(sqlFile, 'utf8');
    } else sql = c.str(o.sql, 'sql');
    const stage: SqlStage = { ...base, kind: 'sql', inputs: paths('inputs', false), outputs, sql, sqlFile };
    return stage;
  }

  if (kind === 'run') {
    c.keys(o, [...COMMON_KEYS, 'run'], '');
    const spec = c.str(o.run, 'run');
    const hash = spec.lastIndexOf('#');
    const modRel = hash >= 0 ? spec.slice(0, hash) : spec;
    const exportName = hash >= 0 ? spec.slice(hash + 1) : 'default';
    if (!modRel || !exportName) c.fail('run', `must be "module-file#exportName", got "${spec}"`);
    const module = path.resolve(dir, modRel);
    if (!fs.existsSync(module)) c.fail('run', `names ${modRel}, which does not exist (paths are relative to the pipeline file)`);
    if (!/\.(m?js|m?ts|cjs|cts)$/.test(module)) c.fail('run', `names ${modRel}: a .ts, .mts, .js or .mjs module is expected`);
    const stage: FunctionStage = { ...base, kind: 'function', inputs: paths('inputs', false), outputs: paths('outputs', false), module, exportName };
    return stage;
  }

  if (kind === 'train') {
    c.keys(o, ['description', 'train', 'register', 'outputs', 'deps'], '');
    const t = c.obj(o.train, 'train');
    c.keys(t, Object.keys(TRAIN_KEYS), 'train');
    const data = path.resolve(dir, c.str(t.data, 'train.data'));
    const recipe: Record<string, unknown> = { target: c.str(t.target, 'train.target') };
    for (const [k, v] of Object.entries(t)) {
      const field = TRAIN_KEYS[k];
      if (field === 'data' || field === 'changelog' || field === 'target') continue;
      if (!isJson(v)) c.fail(`train.${k}`, 'must be a plain value');
      recipe[field] = v;
    }
    checkRecipe(c, recipe);
    const outputs = paths('outputs', true);
    c.keys(outputs, ['model', 'report'], 'outputs');
    if (!outputs.model) c.fail('outputs.model', 'is required: the artifact file (.myd) the stage writes');
    let register: TrainStage['register'];
    if (o.register !== undefined) {
      const r = c.obj(o.register, 'register');
      c.keys(r, ['name', 'version', 'aliases', 'changelog', 'description'], 'register');
      const aliases = r.aliases === undefined ? undefined : Array.isArray(r.aliases) ? r.aliases.map((a, i) => c.str(a, `register.aliases[${i}]`)) : [c.str(r.aliases, 'register.aliases')];
      register = {
        name: c.str(r.name, 'register.name'),
        version: r.version === undefined ? undefined : c.str(String(r.version), 'register.version'),
        aliases,
        changelog: r.changelog === undefined ? undefined : c.str(r.changelog, 'register.changelog'),
        description: r.description === undefined ? undefined : c.str(r.description, 'register.description'),
      };
    }
    const stage: TrainStage = {
      ...base,
      params: { train: t as Json },
      kind: 'train',
      inputs: { data },
      outputs,
      data,
      recipe: recipe as unknown as TrainRecipe,
      register,
      changelog: t.changelog === undefined ? undefined : c.str(t.changelog, 'train.changelog'),
    };
    return stage;
  }

  // evaluate
  c.keys(o, ['description', 'evaluate', 'outputs', 'deps'], '');
  const e = c.obj(o.evaluate, 'evaluate');
  c.keys(e, ['model', 'data', 'threshold', 'choose_threshold'], 'evaluate');
  if (e.choose_threshold !== undefined && e.choose_threshold !== 'f1') c.fail('evaluate.choose_threshold', `must be "f1", got ${describe(e.choose_threshold)}`);
  const modelSpec = c.str(e.model, 'evaluate.model');
  const data = path.resolve(dir, c.str(e.data, 'evaluate.data'));
  const model: EvaluateStage['model'] = looksLikeFile(modelSpec) ? { file: path.resolve(dir, modelSpec) } : { ref: modelSpec };
  const inputs: Record<string, string> = 'file' in model ? { model: model.file, data } : { data };
  if (e.threshold !== undefined && (typeof e.threshold !== 'number' || !(e.threshold >= 0 && e.threshold <= 1))) c.fail('evaluate.threshold', 'must be a number between 0 and 1');
  const outputs = paths('outputs', true);
  c.keys(outputs, ['report'], 'outputs');
  if (!outputs.report) c.fail('outputs.report', 'is required: the JSON file the metrics go to');
  const stage: EvaluateStage = {
    ...base,
    params: { evaluate: e as Json },
    kind: 'evaluate',
    inputs,
    outputs,
    model,
    data,
    threshold: e.threshold as number | undefined,
    chooseThreshold: e.choose_threshold === 'f1',
  };
  return stage;
}

/** Types of the recipe fields; value ranges are checked again by trainModel and the learner. */
function checkRecipe(c: Checker, r: Record<string, unknown>): void {
  const str = ['task', 'learner', 'split', 'segmentBy', 'segmentFallback', 'weightColumn', 'classWeight', 'calibrate'];
  const int = ['cv', 'seed', 'minSegmentRows', 'calibrationFolds', 'threads'];
  const back = Object.fromEntries(Object.entries(TRAIN_KEYS).map(([k, v]) => [v, k]));
  for (const k of str) if (r[k] !== undefined && typeof r[k] !== 'string') c.fail(`train.${back[k]}`, `must be a string, got ${describe(r[k])}`);
  for (const k of int) if (r[k] !== undefined && !Number.isInteger(r[k])) c.fail(`train.${back[k]}`, `must be an integer, got ${describe(r[k])}`);
  if (r.params !== undefined) c.obj(r.params, 'train.params');
  if (r.exclude !== undefined) {
    if (typeof r.exclude === 'string') r.exclude = r.exclude.split(',').map((s) => s.trim()).filter(Boolean);
    if (!Array.isArray(r.exclude) || !r.exclude.every((x) => typeof x === 'string')) c.fail('train.drop', 'must be a list of column names');
  }
  if (r.kinds !== undefined) {
    for (const [col, kind] of Object.entries(c.obj(r.kinds, 'train.types'))) {
      if (!COLUMN_KINDS.includes(kind as ColumnKind)) c.fail(`train.types.${col}`, `must be one of ${COLUMN_KINDS.join(', ')}`);
    }
  }
  const choices: Record<string, readonly string[]> = {
    task: ['auto', 'binary', 'multiclass', 'regression'],
    classWeight: ['none', 'balanced'],
    calibrate: ['none', 'sigmoid', 'isotonic'],
    segmentFallback: ['error', 'global'],
  };
  for (const [k, allowed] of Object.entries(choices)) {
    if (r[k] !== undefined && !allowed.includes(r[k] as string)) c.fail(`train.${back[k]}`, `must be one of ${allowed.join(', ')}, got "${r[k]}"`);
  }
}
