/**
 * Record ↔ row encoding shared by both dialects. Values whose type varies (a prediction is a label
 * or a number; inputs are an object, a hash string or nothing) are stored as JSON text, so one
 * column keeps the exact value and its type.
 */
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
