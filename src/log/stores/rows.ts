/**
 * Record ↔ row encoding shared by both dialects. Values whose type varies (a prediction is a label
 * or a number; inputs are an object, a hash string or nothing) are stored as JSON text, so one
 * column keeps the exact value and its type.
 */
import { blockBytes, blockFromBytes, groupLastId, type InputCodec, type PredictionGroup } from '../group.js';
import type { EventRecord, FeedbackRecord, PredictionRecord } from '../record.js';
import type { LoggedPrediction } from '../store.js';

/** JSON text, or null for null/undefined. */
export const enc = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

/** Inverse of {@link enc}. */
export function dec<T>(s: unknown): T | null {
  if (s === null || s === undefined) return null;
  return JSON.parse(String(s)) as T;
}

export const PREDICTION_COLUMNS = [
  'id', 'time', 'model', 'version', 'segment', 'request_id', 'entity_id', 'inputs', 'prediction', 'probabilities', 'latency_ms', 'role',
] as const;
export const FEEDBACK_COLUMNS = ['id', 'time', 'prediction_id', 'entity_id', 'actual'] as const;
export const EVENT_COLUMNS = ['id', 'time', 'kind', 'model', 'version', 'payload'] as const;

/** A prediction as positional column values (order of {@link PREDICTION_COLUMNS}). */
export function predictionRow(r: PredictionRecord): unknown[] {
  return [
    r.id, r.time, r.model, r.version, r.segment ?? null, r.request_id, r.entity_id ?? null,
    enc(r.inputs), JSON.stringify(r.prediction), enc(r.probabilities), r.latency_ms, r.role ?? 'primary',
  ];
}

export function feedbackRow(r: FeedbackRecord): unknown[] {
  return [r.id, r.time, r.prediction_id ?? null, r.entity_id ?? null, JSON.stringify(r.actual)];
}

export function eventRow(r: EventRecord): unknown[] {
  return [r.id, r.time, r.kind, r.model ?? null, r.version ?? null, JSON.stringify(r.payload ?? {})];
}

/** A stored prediction row (+ joined feedback columns) back to a record. */
export function toLoggedPrediction(row: Record<string, unknown>): LoggedPrediction {
  return {
    id: String(row.id),
    time: Number(row.time),
    model: String(row.model),
    version: String(row.version),
    segment: (row.segment as string | null) ?? null,
    request_id: String(row.request_id),
    entity_id: (row.entity_id as string | null) ?? null,
    inputs: dec<PredictionRecord['inputs']>(row.inputs),
    prediction: dec<number | string>(row.prediction) as number | string,
    probabilities: dec<Record<string, number>>(row.probabilities),
    latency_ms: Number(row.latency_ms),
    role: row.role === 'shadow' ? 'shadow' : 'primary',
    actual: dec<number | string>(row.actual),
    feedback_time: row.feedback_time === null || row.feedback_time === undefined ? null : Number(row.feedback_time),
  };
}

export function toFeedback(row: Record<string, unknown>): FeedbackRecord {
  return {
    id: String(row.id),
    time: Number(row.time),
    prediction_id: (row.prediction_id as string | null) ?? null,
    entity_id: (row.entity_id as string | null) ?? null,
    actual: dec<number | string>(row.actual) as number | string,
  };
}

export function toEvent(row: Record<string, unknown>): EventRecord {
  return {
    id: String(row.id),
    time: Number(row.time),
    kind: String(row.kind),
    model: (row.model as string | null) ?? null,
    version: (row.version as string | null) ?? null,
    payload: dec<Record<string, unknown>>(row.payload) ?? {},
  };
}

export const GROUP_COLUMNS = [
  'prefix', 'last_id', 'n', 'time', 'model', 'version', 'request_id', 'latency_ms', 'segments', 'entity_ids', 'codec', 'inputs', 'exceptions',
  'predictions', 'labels', 'proba',
] as const;

/**
 * The raw bytes of a Float64Array (no copy). Typed arrays use the platform's byte order, little-endian
 * on every platform Node supports; the stored blocks are read back the same way.
 */
export function f64Bytes(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** A stored block back to a Float64Array (copied: a driver's Buffer need not be 8-byte aligned). */
export function bytesF64(b: unknown): Float64Array | null {
  if (b === null || b === undefined) return null;
  const u = b as Uint8Array;
  const out = new Float64Array(u.byteLength >> 3);
  new Uint8Array(out.buffer).set(u.subarray(0, out.length * 8));
  return out;
}

/** A group as positional column values (order of {@link GROUP_COLUMNS}). */
export function groupRow(g: PredictionGroup): unknown[] {
  return [
    g.prefix, groupLastId(g), g.n, g.time, g.model, g.version, g.request_id, g.latency_ms, enc(g.segments), enc(g.entity_ids),
    g.codec?.id ?? null, g.X && g.codec ? blockBytes(g.codec, g.X, g.n) : null, g.exceptions?.length ? JSON.stringify(g.exceptions) : null,
    JSON.stringify(g.predictions), enc(g.labels), g.proba ? f64Bytes(g.proba) : null,
  ];
}

/** A stored group row back to a group; `codecs` resolves codec ids (a missing codec drops the inputs). */
export function toGroup(row: Record<string, unknown>, codecs: ReadonlyMap<string, InputCodec>): PredictionGroup {
  const codec = row.codec === null || row.codec === undefined ? null : codecs.get(String(row.codec)) ?? null;
  return {
    prefix: String(row.prefix),
    n: Number(row.n),
    time: Number(row.time),
    model: String(row.model),
    version: String(row.version),
    request_id: String(row.request_id),
    latency_ms: Number(row.latency_ms),
    segments: dec<(string | null)[]>(row.segments),
    entity_ids: dec<(string | null)[]>(row.entity_ids),
    codec,
    X: codec && row.inputs !== null && row.inputs !== undefined ? blockFromBytes(codec, row.inputs as Uint8Array, Number(row.n)) : null,
    exceptions: dec<unknown[]>(row.exceptions),
    predictions: dec<(number | string)[]>(row.predictions) ?? [],
    labels: dec<string[]>(row.labels),
    proba: bytesF64(row.proba),
  };
}
