/**
 * The SQLite log store (the default): one database file in WAL mode. A batch is one transaction of
 * prepared `INSERT … ON CONFLICT (id) DO NOTHING` statements.
 *
 * Durability level (`synchronous`, SQLite manual "PRAGMA synchronous" and "WAL mode"):
 * - `NORMAL` (default): a commit is appended to the WAL in the operating system's cache and fsync'd
 *   at checkpoints. A committed row survives the process being killed (`kill -9`, a crash), not a
 *   power cut or kernel panic, where the last commits may roll back.
 * - `FULL` (`MODELYARD_LOG_SYNC=full`): the WAL is fsync'd at every commit, so a committed row also
 *   survives power loss. Group commit makes that one fsync per batch, but better-sqlite3 is
 *   synchronous: the fsync (≈ 5 ms on the benchmark VM's disk) blocks the event loop, which costs
 *   serving throughput (bench/log measures both).
 *
 * With `thread: true` (`MODELYARD_LOG_THREAD=1` through location.ts) inserts run on a worker thread
 * with its own connection (insert-thread.ts): the serving thread then neither does the B-tree work
 * nor waits on the commit's write/fsync; `insert()` still resolves only after `COMMIT` returned.
 * Reads stay on this thread's connection (WAL readers do not block the writer).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sqliteAddon } from '../../../util/sqlite-addon.js';
import { ModelyardError } from '../../../errors.js';
import type { EventRecord, FeedbackRecord } from '../../record.js';
import { GROUP_TABLE, TABLE, type EntityMatch, type LogBatch, type LogStore, type LogTable } from '../../store.js';
import { CodecCache, existingGrouped, groupedCount, groupedIds, readPredictions, withGroupedIds, type Run } from '../groups.js';
import {
  EVENT_COLUMNS, FEEDBACK_COLUMNS, PREDICTION_COLUMNS, eventRow, feedbackRow, predictionRow, toEvent, toFeedback,
} from '../rows.js';
import { ddl, eventsQuery, feedbackQuery, qmark } from '../sql.js';
import { chunkedInsert } from './chunked-insert.js';
import { groupInserter } from './group-insert.js';
import { CheckpointThread, checkpointWorkerUrl } from './checkpoint-thread.js';
import { InsertThread, insertWorkerUrl } from './insert-thread.js';

export interface SqliteLogStoreOptions {
  file: string;
  /** How long a statement waits for another process's write lock, default 2000 ms. */
  busyTimeoutMs?: number;
  /** `NORMAL` (default: survives a crash, not power loss) or `FULL` (fsync per commit). See the module doc. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Insert on a worker thread when the worker script is available (default false; see location.ts). */
  thread?: boolean;
  /** Checkpoint the WAL on a worker thread (default true when the worker script is available; checkpoint-thread.ts). */
  checkpointThread?: boolean;
}

const insertSql = (table: string, cols: readonly string[]): string =>
  `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`;

/**
 * Opens (creating when needed) a SQLite prediction log.
 *
 * @example
 * ```ts
 * const store = await openSqliteLogStore({ file: '.modelyard/log.db' });
 * await store.insert({ predictions: [record] });
 * ```
 */
export async function openSqliteLogStore(opts: SqliteLogStoreOptions): Promise<LogStore> {
  const file = path.resolve(opts.file);
  let db: Database.Database;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file, { ...sqliteAddon(), timeout: opts.busyTimeoutMs ?? 2000 });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
    for (const s of ddl('sqlite')) db.exec(s);
  } catch (e) {
    throw new ModelyardError('LOG_UNAVAILABLE', `cannot open the prediction log ${file}: ${(e as Error).message}`, { file });
  }
  const insP = chunkedInsert(db, TABLE.predictions, PREDICTION_COLUMNS);
  const insF = db.prepare(insertSql(TABLE.feedback, FEEDBACK_COLUMNS));
  const insE = db.prepare(insertSql(TABLE.events, EVENT_COLUMNS));
  const G = GROUP_TABLE;
  const groups = groupInserter(db);
  const codecs = new CodecCache();
  const insertAll = db.transaction((b: LogBatch): number => {
    let n = 0;
    if (b.groups?.length) n += groups.insert(b.groups);
    const ps = b.predictions;
    if (ps?.length) {
      const grouped = groups.rowFilter();
      n += insP((push) => { for (const r of ps) if (!grouped(r.id)) push(predictionRow(r)); });
    }
    for (const r of b.feedback ?? []) n += insF.run(feedbackRow(r)).changes;
    for (const r of b.events ?? []) n += insE.run(eventRow(r)).changes;
    return n;
  });
  // begin immediate: take the write lock up front, so a concurrent writer fails fast with BUSY
  // instead of deadlocking on a read-to-write upgrade.
  const insertImmediate = insertAll.immediate;
  const matchStmt = (withModel: boolean) =>
    db.prepare(
      `SELECT id FROM ${TABLE.predictions} WHERE entity_id = ? AND time <= ? AND time > ? AND role = 'primary'` +
        `${withModel ? ' AND model = ?' : ''} ORDER BY time DESC, id DESC LIMIT 1`,
    ).pluck();
  const matchAny = matchStmt(false);
  const matchModel = matchStmt(true);
  const matchGroupStmt = (withModel: boolean) =>
    db.prepare(
      `SELECT id, time FROM ${G.entities} WHERE entity_id = ? AND time <= ? AND time > ?${withModel ? ' AND model = ?' : ''} ORDER BY time DESC, id DESC LIMIT 1`,
    );
  const matchGroupAny = matchGroupStmt(false);
  const matchGroupModel = matchGroupStmt(true);
  const timeOf = db.prepare(`SELECT time FROM ${TABLE.predictions} WHERE id = ?`).pluck();
  const run: Run = async (b) => db.prepare(b.text).all(...b.params) as Record<string, unknown>[];
  let closed = false;
  const workerUrl = opts.thread === true ? insertWorkerUrl() : null;
  const thread = workerUrl ? new InsertThread(workerUrl, { file, busyTimeoutMs: opts.busyTimeoutMs ?? 2000, synchronous: opts.synchronous ?? 'NORMAL' }) : null;
  // Checkpoints on their own thread (checkpoint-thread.ts), unless inserts already run off this thread.
  const cpUrl = thread || opts.checkpointThread === false ? null : checkpointWorkerUrl();
  const checkpointer = cpUrl ? new CheckpointThread(cpUrl, { file, intervalMs: 100, busyTimeoutMs: opts.busyTimeoutMs ?? 2000 }) : null;
  if (checkpointer) db.pragma('wal_autocheckpoint = 0');

  return {
    dialect: 'sqlite',
    location: file,
    async insert(batch) {
      if (thread) {
        return thread.insert(batch);
      }
      return insertImmediate(batch);
    },
    async ping() {
      if (closed) throw new Error('store closed');
      db.prepare('SELECT 1').get();
      // Also starts the insert thread (the writer pings at open), so the first request does not wait for it.
      if (thread) await thread.insert({});
    },
    async predictions(q = {}) {
      return readPredictions(q, run, qmark, codecs);
    },
    async events(q = {}) {
      const b = eventsQuery(q, qmark);
      return (db.prepare(b.text).all(...b.params) as Record<string, unknown>[]).map(toEvent) as EventRecord[];
    },
    async feedback(q = {}) {
      if (q.predictionIds) {
        const stmt = db.prepare(`SELECT * FROM ${TABLE.feedback} WHERE prediction_id = ? ORDER BY time, id`);
        const out: FeedbackRecord[] = [];
        for (const id of q.predictionIds) for (const r of stmt.all(id) as Record<string, unknown>[]) out.push(toFeedback(r));
        return out.filter((f) => (q.since === undefined || f.time >= q.since) && (q.until === undefined || f.time < q.until));
      }
      const b = feedbackQuery(q, qmark);
      return (db.prepare(b.text).all(...b.params) as Record<string, unknown>[]).map(toFeedback);
    },
    async matchEntities(items: readonly EntityMatch[], windowMs: number, model?: string) {
      return items.map((it) => {
        const args = model === undefined ? [it.entity_id, it.time, it.time - windowMs] : [it.entity_id, it.time, it.time - windowMs, model];
        const id = ((model === undefined ? matchAny : matchModel).get(...args) as string | undefined) ?? null;
        const g = (model === undefined ? matchGroupAny : matchGroupModel).get(...args) as { id: string; time: number } | undefined;
        if (!g) return id;
        if (id === null) return g.id;
        // The latest of the two (time, then id), as one table's ORDER BY time DESC, id DESC would pick.
        const t = Number(timeOf.get(id));
        return g.time > t || (g.time === t && g.id > id) ? g.id : id;
      });
    },
    async existing(table: LogTable, ids: readonly string[]) {
      const out = table === 'predictions' ? await existingGrouped(ids, run, qmark) : new Set<string>();
      const CHUNK = 500; // below SQLite's default 999-parameter limit of old builds
      for (let i = 0; i < ids.length; i += CHUNK) {
        const part = ids.slice(i, i + CHUNK);
        const found = db.prepare(`SELECT id FROM ${TABLE[table]} WHERE id IN (${part.map(() => '?').join(', ')})`).pluck().all(...part) as string[];
        for (const id of found) out.add(id);
      }
      return out;
    },
    async ids(table: LogTable) {
      const rows = db.prepare(`SELECT id FROM ${TABLE[table]}`).pluck().all() as string[];
      return table === 'predictions' ? rows.concat(await groupedIds(run)) : rows;
    },
    async idText(table: LogTable) {
      // As a BLOB: better-sqlite3 hands back the bytes without decoding a 37 MB string per million ids.
      const text = (db.prepare(`SELECT CAST(group_concat(id, char(10)) AS BLOB) FROM ${TABLE[table]}`).pluck().get() as Buffer | null) ?? new Uint8Array(0);
      return table === 'predictions' ? withGroupedIds(text, await groupedIds(run)) : text;
    },
    async counts() {
      const c = (t: LogTable): number => Number(db.prepare(`SELECT count(*) FROM ${TABLE[t]}`).pluck().get());
      return { predictions: c('predictions') + (await groupedCount(run)), feedback: c('feedback'), events: c('events') };
    },
    async close() {
      if (closed) return;
      closed = true;
      await thread?.close();
      await checkpointer?.close();
      db.close();
    },
  };
}
