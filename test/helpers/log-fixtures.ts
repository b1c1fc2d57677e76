/** Prediction-log test fixtures: records and a fresh store per dialect. */
import { uuidv7 } from '../../src/util/uuidv7.js';
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
