/** Prediction-log test fixtures: records and a fresh store per dialect. */
import { uuidv7, uuidv7Group } from '../../src/util/uuidv7.js';
import { inputCodec, type PredictionGroup } from '../../src/log/group.js';
import type { EventRecord, FeedbackRecord, PredictionRecord } from '../../src/log/record.js';
import { openLogStore, resolveLogLocation, type LogLocation } from '../../src/log/location.js';
import type { LogStore } from '../../src/log/store.js';
import type { DialectCtx } from './registry-dialects.js';

let seq = 0;

/** A prediction record; fields overridable. */
export function pred(over: Partial<PredictionRecord> = {}): PredictionRecord {
  const time = over.time ?? Date.now();
  return {
    id: uuidv7(time),
    time,
    model: 'churn',
    version: '1.0.0',
    segment: null,
    request_id: `req-${++seq}`,
    entity_id: null,
    inputs: { age: 40 + (seq % 7), plan: seq % 2 ? 'pro' : 'free' },
    prediction: 'yes',
    probabilities: { no: 0.3, yes: 0.7 },
    latency_ms: 1.25,
    role: 'primary',
    ...over,
  };
}

export function feedback(over: Partial<FeedbackRecord> = {}): FeedbackRecord {
  const time = over.time ?? Date.now();
  return { id: uuidv7(time), time, prediction_id: null, entity_id: null, actual: 'yes', ...over };
}

export function event(over: Partial<EventRecord> = {}): EventRecord {
  const time = over.time ?? Date.now();
  return { id: uuidv7(time), time, kind: 'train', model: 'churn', version: '1.0.0', payload: { rows: 10 }, ...over };
}

/** A fresh log location for the dialect (spool in a temp folder). */
export function freshLogLocation(ctx: DialectCtx, spoolDir: string): LogLocation {
  return resolveLogLocation({ url: ctx.freshUrl(), spoolDir });
}

export async function freshStore(ctx: DialectCtx, spoolDir: string): Promise<{ store: LogStore; loc: LogLocation }> {
  const loc = freshLogLocation(ctx, spoolDir);
  return { store: await openLogStore(loc), loc };
}

/**
 * A prediction group (src/log/group.ts) of `n` rows: `age` (numeric) and `plan` (categorical) inputs,
 * one cell kept as sent (row 0's age as text), binary probabilities; fields overridable.
 */
export function group(n = 3, over: Partial<PredictionGroup> = {}): PredictionGroup {
  const time = over.time ?? Date.now();
  const X = new Float64Array(2 * n);
  const proba = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    X[i] = i === 1 ? NaN : 30 + i;
    X[n + i] = i % 3 === 2 ? -1 : i % 2;
    proba[2 * i + 1] = (i + 1) / (n + 1);
    proba[2 * i] = 1 - proba[2 * i + 1]!;
  }
  return {
    prefix: uuidv7Group(time),
    n,
    time,
    model: 'churn',
    version: '1.0.0',
    request_id: `req-${++seq}`,
    latency_ms: 0.75,
    segments: null,
    entity_ids: null,
    codec: GROUP_CODEC,
    X,
    exceptions: [0, 0, '30'],
    predictions: Array.from({ length: n }, (_, i) => (proba[2 * i + 1]! >= 0.5 ? 'yes' : 'no')),
    labels: ['no', 'yes'],
    proba,
    ...over,
  };
}

export const GROUP_CODEC = inputCodec([{ name: 'age' }, { name: 'plan', categories: ['free', 'pro'] }]);
