/**
 * The SQLite log's insert thread (see insert-thread.ts): its own connection to the log database,
 * one transaction per message, answered with the rows inserted or the error (with SQLite's code, so
 * the writer can tell a refused row from an unreachable store).
 * Predictions go in multi-row statements (chunked-insert.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { EventRecord, FeedbackRecord } from '../../record.js';
import { TABLE } from '../../store.js';
import { EVENT_COLUMNS, FEEDBACK_COLUMNS, PREDICTION_COLUMNS, eventRow, feedbackRow } from '../rows.js';
import { unpackPredictions, type PackedPredictions } from './batch-codec.js';
import { chunkedInsert } from './chunked-insert.js';
import { groupInserter } from './group-insert.js';
import type { PredictionGroup } from '../../group.js';

export interface InsertWorkerData {
  file: string;
  busyTimeoutMs: number;
  synchronous: 'FULL' | 'NORMAL';
}

export interface InsertRequest {
  seq: number;
  p?: PackedPredictions;
  /** Groups, structured-cloned (their blocks are typed arrays). */
  g?: PredictionGroup[];
  f?: FeedbackRecord[];
  e?: EventRecord[];
}

export interface InsertReply {
  seq: number;
  inserted?: number;
  error?: { message: string; code?: string };
}

const data = workerData as InsertWorkerData;
const db = new Database(data.file, { timeout: data.busyTimeoutMs });
// synchronous is a per-connection setting (SQLite manual, "PRAGMA synchronous").
db.pragma(`synchronous = ${data.synchronous}`);

const insP = chunkedInsert(db, TABLE.predictions, PREDICTION_COLUMNS);
const insF = db.prepare(`INSERT INTO ${TABLE.feedback} (${FEEDBACK_COLUMNS.join(', ')}) VALUES (${FEEDBACK_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`);
const insE = db.prepare(`INSERT INTO ${TABLE.events} (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`);

const groups = groupInserter(db);

const insertAll = db.transaction((m: InsertRequest): number => {
  let n = 0;
  if (m.g) n += groups.insert(m.g);
  if (m.p) {
    const grouped = groups.rowFilter();
    n += insP((push) => unpackPredictions(m.p!, (row) => void (grouped(row[0] as string) || push(row))));
  }
  for (const r of m.f ?? []) n += insF.run(feedbackRow(r)).changes;
  for (const r of m.e ?? []) n += insE.run(eventRow(r)).changes;
  return n;
});

parentPort!.on('message', (m: InsertRequest | 'close') => {
  if (m === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  let reply: InsertReply;
  try {
    // begin immediate: take the write lock up front (as the in-thread store does).
    reply = { seq: m.seq, inserted: insertAll.immediate(m) };
  } catch (e) {
    const err = e as { message?: string; code?: unknown };
    reply = { seq: m.seq, error: { message: String(err?.message ?? e), code: typeof err?.code === 'string' ? err.code : undefined } };
  }
  parentPort!.postMessage(reply);
});
