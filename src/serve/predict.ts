/**
 * The prediction core shared by every protocol (v1, predict-by-id, MLflow, KServe V2): rows →
 * converted rows → fused scores (fused.ts) → one answer per row with a UUIDv7 id, plus one prediction-log record
 * per row handed to the configured sink (awaited, so a durable log answers after its commit).
 */
import { ModelyardError } from '../errors.js';
import { inputCodec, type InputCodec, type PredictionGroup } from '../log/group.js';
import type { PredictionRecord } from '../log/record.js';
import type { Model, Predictions } from '../model/model.js';
import type { UnseenPolicy } from '../schema/types.js';
import { GROUP_MAX_ROWS, HEX3, uuidv7, uuidv7Group } from '../util/uuidv7.js';
import type { Served } from './hub.js';
import type { PredictionSink } from './options.js';
import { scoreMatrix } from './fused.js';
import { conformMatrix, recordValue, type RowSource } from './rows.js';

export interface PredictInput {
  served: Served;
  src: RowSource;
  threshold?: number;
  returnProbabilities?: boolean;
  unseen?: UnseenPolicy;
  requestId: string;
  /** Per-row caller ids (predict-by-id ids, `entity_ids`). */
  entityIds?: readonly (string | number)[];
  maxBatchRows: number;
  /** `performance.now()` when the request arrived. */
  startedAt: number;
  sink?: PredictionSink;
  logInputs: boolean;
}

export interface RowAnswer {
  id: string;
  prediction: string | number;
  probability?: number;
  probabilities?: Record<string, number>;
  segment?: string | null;
  entity_id?: string | number;
}

export interface PredictOutput {
  served: Served;
  p: Predictions;
  rows: RowAnswer[];
  warnings: string[];
}

/** Refuses batches over the limit (413) and empty ones (422). */
export function checkBatch(n: number, max: number, field = 'instances'): void {
  if (n > max) throw new ModelyardError('BATCH_TOO_LARGE', `${n} rows in one request; the limit is ${max} (MAX_BATCH_ROWS)`, { field });
  if (n === 0) throw new ModelyardError('DATA_EMPTY', 'no rows to score', { field });
}

/**
 * @example
 * ```ts
 * const out = await predictRows({ served, src: recordSource(body.instances), requestId, maxBatchRows: 1000, startedAt: performance.now(), logInputs: true });
 * out.rows[0]; // { id: '0193…', prediction: 'yes', probability: 0.82 }
 * // A promise only when a prediction sink is configured (it resolves after the sink's append).
 * ```
 */
export function predictRows(input: PredictInput): PredictOutput | Promise<PredictOutput> {
  const { served, src } = input;
  checkBatch(src.n, input.maxBatchRows);
  const model = served.model;
  const sink = input.sink;
  // A sink that takes groups gets one per request (src/log/group.ts); it needs the cells whose sent
  // value the converted matrix does not reproduce, collected during conversion.
  const grouped = sink?.appendGroup !== undefined && src.n <= GROUP_MAX_ROWS;
  const exceptions: unknown[] | undefined = grouped && input.logInputs ? [] : undefined;
  const conformed = conformMatrix(model, src, input.unseen ?? 'error', exceptions);
  const p = scoreMatrix(model, conformed, src, input.threshold);
  const n = p.n;
  const k = model.nClasses;
  const classes = model.target.classes;
  const rows: RowAnswer[] = new Array(n);
  const wantAll = p.task === 'multiclass' || input.returnProbabilities === true;
  const now = Date.now();
  // One random id per request and a row number (uuidv7Group): ids of a batch are consecutive.
  const prefix = n <= GROUP_MAX_ROWS ? uuidv7Group(now) : null;
  for (let i = 0; i < n; i++) {
    const id = prefix !== null ? prefix + HEX3[i]! : uuidv7(now);
    let r: RowAnswer;
    if (p.task === 'regression') r = { id, prediction: p.values![i] };
    else {
      const proba = p.proba!;
      r = { id, prediction: p.labels![i], probability: p.task === 'binary' ? proba[i * 2 + 1] : proba[i * k + p.classIndex![i]] };
      if (wantAll) {
        const probs: Record<string, number> = {};
        for (let c = 0; c < k; c++) probs[String(classes![c])] = proba[i * k + c];
        r.probabilities = probs;
      }
    }
    if (p.segments) r.segment = p.segments[i];
    if (input.entityIds) r.entity_id = input.entityIds[i];
    rows[i] = r;
  }
  const out: PredictOutput = { served, p, rows, warnings: conformed.warnings };
  // Without a sink the answer is ready now: no promise, no extra microtask on the hot path.
  if (!sink) return out;
  const logged = grouped && prefix !== null ? sink.appendGroup!(logGroup(input, prefix, rows, p, conformed.X, exceptions, now)) : sink.append(logRecords(input, rows, p, now));
  return logged ? Promise.resolve(logged).then(() => out) : out;
}

const codecs = new WeakMap<Model, InputCodec>();

/** The input codec of a model: its features in matrix order (categoricals with their categories), then the segment column. */
function codecOf(model: Model): InputCodec {
  let c = codecs.get(model);
  if (!c) {
    const cols = model.schema.features.map((f) => (f.kind === 'categorical' ? { name: f.name, categories: f.categories ?? [] } : { name: f.name }));
    c = inputCodec(model.segments ? [...cols, { name: model.segments.by, segment: true as const }] : cols);
    codecs.set(model, c);
  }
  return c;
}

/**
 * The request's predictions as one log group: the converted matrix as the inputs block, plus the
 * cells it does not reproduce (`exceptions`, collected by conformMatrix; the segment column's are
 * found here). Expanding it gives exactly {@link logRecords}' records (src/serve/log-group.test.ts).
 */
function logGroup(input: PredictInput, prefix: string, rows: RowAnswer[], p: Predictions, X: Float64Array, exceptions: unknown[] | undefined, now: number): PredictionGroup {
  const { served, src } = input;
  const model = served.model;
  const n = rows.length;
  const predictions: (number | string)[] = new Array(n);
  for (let i = 0; i < n; i++) predictions[i] = rows[i]!.prediction;
  let codec: InputCodec | null = null;
  if (input.logInputs && exceptions) {
    codec = codecOf(model);
    if (model.segments) {
      const by = model.segments.by;
      const j = model.schema.features.length;
      const recs = src.records;
      for (let i = 0; i < n; i++) {
        const v = recs ? recordValue(recs[i]!, by) : src.value(i, by);
        if (v !== undefined && v !== null && (typeof v !== 'string' || v === '')) exceptions.push(i, j, v);
      }
    }
  }
  const e = input.entityIds;
  let entityIds: (string | null)[] | null = null;
  if (e) {
    entityIds = new Array(n);
    for (let i = 0; i < n; i++) entityIds[i] = e[i] === undefined ? null : String(e[i]);
  }
  const classification = p.task !== 'regression';
  return {
    prefix,
    n,
    time: now,
    model: served.name,
    version: served.version,
    request_id: input.requestId,
    latency_ms: performance.now() - input.startedAt,
    segments: p.segments ? p.segments.slice(0, n) : null,
    entity_ids: entityIds,
    codec,
    X: codec ? X : null,
    exceptions: codec && exceptions!.length ? exceptions! : null,
    predictions,
    labels: classification ? model.target.classes!.map(String) : null,
    proba: classification ? p.proba!.subarray(0, n * model.nClasses) : null,
  };
}

/** One prediction-log record per row. */
function logRecords(input: PredictInput, rows: RowAnswer[], p: Predictions, now: number): PredictionRecord[] {
  const { served, src } = input;
  const model = served.model;
  const cols = model.inputColumns;
  const k = model.nClasses;
  const classes = model.target.classes;
  const latency = performance.now() - input.startedAt;
  const out: PredictionRecord[] = new Array(rows.length);
  const labels = p.task !== 'regression' ? classes!.map(String) : null;
  const recs = src.records;
  for (let i = 0; i < rows.length; i++) {
    let inputs: Record<string, unknown> | null = null;
    if (input.logInputs) {
      inputs = {};
      const rec = recs ? recs[i] : null;
      for (const c of cols) {
        const v = rec ? recordValue(rec, c) : src.value(i, c);
        inputs[c] = v === undefined ? null : v;
      }
    }
    let probabilities: Record<string, number> | null = null;
    if (labels) {
      probabilities = {};
      const proba = p.proba!;
      for (let c = 0; c < k; c++) probabilities[labels[c]] = proba[i * k + c];
    }
    const e = input.entityIds?.[i];
    out[i] = {
      id: rows[i].id,
      time: now,
      model: served.name,
      version: served.version,
      segment: p.segments ? p.segments[i] : null,
      request_id: input.requestId,
      entity_id: e === undefined ? null : String(e),
      inputs,
      prediction: rows[i].prediction,
      probabilities,
      latency_ms: latency,
      role: 'primary',
    };
  }
  return out;
}
