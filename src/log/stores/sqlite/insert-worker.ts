/**
 * The SQLite log's insert thread (see insert-thread.ts): its own connection to the log database,
 * one transaction per message, answered with the rows inserted or the error (with SQLite's code, so
 * the writer can tell a refused row from an unreachable store).
 *
 * Multi-row `INSERT … VALUES (…), (…) …` statements of a fixed row count (prepared once) carry most
 * rows; the rest go through smaller fixed-size statements. Each statement costs a parse-free VDBE
 * run and one bind call per value either way, but fewer statement executions save ≈ 20 % of the
 * per-row time in bench measurements (the B-tree work of the table and its three indexes is the rest).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { EventRecord, FeedbackRecord } from '../../record.js';
import { TABLE } from '../../store.js';
import { EVENT_COLUMNS, FEEDBACK_COLUMNS, PREDICTION_COLUMNS, eventRow, feedbackRow } from '../rows.js';
import { unpackPredictions, type PackedPredictions } from './batch-codec.js';

export interface InsertWorkerData {
  file: string;
  busyTimeoutMs: number;
  synchronous: 'FULL' | 'NORMAL';
}

export interface InsertRequest {
  seq: number;
  p?: PackedPredictions;
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

const sql = (table: string, cols: readonly string[], rows: number): string =>
  `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${Array.from({ length: rows }, () => `(${cols.map(() => '?').join(', ')})`).join(', ')} ON CONFLICT (id) DO NOTHING`;

/** Rows per statement, largest first: 32 rows × 12 columns = 384 parameters, well under SQLite's limit. */
const SIZES = [32, 8, 1];
const insP = SIZES.map((n) => db.prepare(sql(TABLE.predictions, PREDICTION_COLUMNS, n)));
const insF = db.prepare(sql(TABLE.feedback, FEEDBACK_COLUMNS, 1));
const insE = db.prepare(sql(TABLE.events, EVENT_COLUMNS, 1));
const W = PREDICTION_COLUMNS.length;
const flat: unknown[] = new Array(SIZES[0]! * W);

function insertPredictions(p: PackedPredictions): number {
  let changes = 0;
  let filled = 0; // rows in `flat`
  const flush = (): void => {
    // Split the buffered rows over the fixed statement sizes.
    let at = 0;
    for (let s = 0; s < SIZES.length; s++) {
      const size = SIZES[s]!;
      while (filled - at >= size) {
        changes += insP[s]!.run(size === SIZES[0] && at === 0 ? flat : flat.slice(at * W, (at + size) * W)).changes;
        at += size;
      }
    }
    filled = 0;
  };
  unpackPredictions(p, (row) => {
    for (let c = 0; c < W; c++) flat[filled * W + c] = row[c];
    filled++;
    if (filled === SIZES[0]) flush();
  });
  if (filled) flush();
  return changes;
}

const insertAll = db.transaction((m: InsertRequest): number => {
  let n = 0;
  if (m.p) n += insertPredictions(m.p);
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
