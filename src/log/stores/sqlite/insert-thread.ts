/**
 * Runs the SQLite log's inserts on a worker thread, so a commit (B-tree work for the table and its
 * indexes, the WAL write, with `synchronous=FULL` the fsync) no longer blocks the event loop that
 * serves requests. better-sqlite3 is synchronous: on the serving thread, a 100-row batch's insert
 * held every other request for ≈ 1–2 ms (bench/serve `--log-compare`: durable logging at 35 % of
 * log-off throughput for 100-row batches). Here the serving thread only packs the rows
 * (batch-codec.ts, ≈ 1 µs per row) and posts them; the answer to a durable request still waits for
 * the worker's reply, which comes after `COMMIT` returned — the same guarantee as before.
 *
 * The worker starts on the first insert, is referenced (keeps the process alive) only while an
 * insert is outstanding, and is restarted on the next insert if it died (every outstanding insert
 * is then rejected, which the writer treats as the store being down: rows go to the spool).
 * From TypeScript sources (vitest) the worker comes from dist/ when built, else there is none and
 * the store inserts on the calling thread.
 */
import { Worker } from 'node:worker_threads';
import type { LogBatch } from '../../store.js';
import { packPredictions } from './batch-codec.js';
import type { InsertReply, InsertRequest, InsertWorkerData } from './insert-worker.js';
import { workerScriptUrl } from '../../../util/worker-url.js';

/** The worker script next to this module (dist/), or dist/'s copy when running from src/; null when neither exists. */
export function insertWorkerUrl(): URL | null {
  return workerScriptUrl(import.meta.url, 'insert-worker.js');
}

interface Outstanding {
  resolve: (n: number) => void;
  reject: (e: Error) => void;
}

/** An error carrying SQLite's code (so `isDataError` sees constraint errors as such). */
class SqliteThreadError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

/**
 * @example
 * ```ts
 * const t = new InsertThread(url, { file, busyTimeoutMs: 2000, synchronous: 'NORMAL' });
 * await t.insert({ predictions }); // committed when this resolves
 * await t.close();
 * ```
 */
export class InsertThread {
  private worker: Worker | null = null;
  private seq = 0;
  private readonly outstanding = new Map<number, Outstanding>();
  private closed = false;

  constructor(
    private readonly url: URL,
    private readonly data: InsertWorkerData,
  ) {}

  /** Commits the batch in one transaction on the worker; resolves to the rows inserted. */
  insert(batch: LogBatch): Promise<number> {
    if (this.closed) return Promise.reject(new Error('log store closed'));
    const w = this.worker ?? this.start();
    const seq = ++this.seq;
    const msg: InsertRequest = { seq };
    let transfer: ArrayBuffer[] = [];
    if (batch.predictions?.length) {
      const packed = packPredictions(batch.predictions);
      msg.p = packed.packed;
      transfer = packed.transfer;
    }
    if (batch.groups?.length) msg.g = batch.groups as InsertRequest['g'];
    if (batch.feedback?.length) msg.f = batch.feedback as InsertRequest['f'];
    if (batch.events?.length) msg.e = batch.events as InsertRequest['e'];
    return new Promise<number>((resolve, reject) => {
      this.outstanding.set(seq, { resolve, reject });
      if (this.outstanding.size === 1) w.ref();
      w.postMessage(msg, transfer);
    });
  }

  /** Waits for outstanding inserts, then stops the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const w = this.worker;
    if (!w) return;
    await Promise.allSettled([...this.outstanding.values()].map((o) => new Promise<void>((r) => {
      const { resolve, reject } = o;
      o.resolve = (n) => (resolve(n), r());
      o.reject = (e) => (reject(e), r());
    })));
    const exited = new Promise<void>((r) => w.once('exit', () => r()));
    w.ref(); // an awaited close must keep the process alive until the worker has closed the database
    w.postMessage('close');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
    if (this.worker === w) await w.terminate();
    this.worker = null;
  }

  private start(): Worker {
    const w = new Worker(this.url, { workerData: this.data });
    w.unref();
    w.on('message', (m: InsertReply) => {
      const o = this.outstanding.get(m.seq);
      if (!o) return;
      this.outstanding.delete(m.seq);
      if (this.outstanding.size === 0) w.unref();
      if (m.error) o.reject(new SqliteThreadError(m.error.message, m.error.code));
      else o.resolve(m.inserted ?? 0);
    });
    const fail = (why: string): void => {
      if (this.worker !== w) return;
      this.worker = null;
      const e = new Error(`the log's insert thread stopped: ${why}`);
      for (const o of this.outstanding.values()) o.reject(e);
      this.outstanding.clear();
    };
    w.on('error', (e) => fail(e.message));
    w.on('exit', (code) => fail(`exit code ${code}`));
    this.worker = w;
    return w;
  }
}
