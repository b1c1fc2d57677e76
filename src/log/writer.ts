/**
 * The log writer: batches rows and group-commits them (DESIGN.md, "Prediction log and monitoring").
 *
 * Group commit (as in database WALs, Gray & Reuter, "Transaction Processing", §9.4): one commit is in
 * flight at a time; rows that arrive meanwhile wait and go together in the next commit, so under load
 * one fsync (SQLite) or round trip (Postgres) carries many requests' rows, and with no load a row is
 * committed at once.
 *
 * Modes:
 * - `durable`: `append()` resolves after the rows are committed — to the store, or, when the store is
 *   unreachable, to the fsync'd local spool. A client that got an answer has its row on disk.
 * - `async`: `append()` resolves at once and the commit starts at the end of the event-loop turn
 *   (or after `asyncDelayMs` when set). The loss window is bounded by back-pressure: while the
 *   oldest row not yet committed is older than `asyncMaxLagMs` (25 ms), appends wait for their
 *   commit as in durable mode, so a store that falls behind slows serving down instead of letting
 *   the uncommitted backlog (what a crash loses) grow. `stats().maxLagMs` is the largest append →
 *   commit delay seen; test/faults/log-kill.test.ts measures the age of the rows a `kill -9` loses.
 * - `off`: rows are dropped.
 *
 * A failed or timed-out commit marks the store down: that batch and every later one goes to the
 * spool (so serving never waits on, or fails because of, an unreachable store), and a background
 * loop retries the store with exponential backoff and full jitter; when it answers, the spool is
 * replayed (inserts are idempotent by id, so a batch that did reach the store before timing out is
 * not stored twice) and direct commits resume.
 */
import { ModelyardError } from '../errors.js';
import { uuidv7 } from '../util/uuidv7.js';
import { logInputs, type InputsMode } from './inputs.js';
import { expandGroup, type PredictionGroup } from './group.js';
import type { EventRecord, FeedbackRecord, PredictionRecord } from './record.js';
import fs from 'node:fs';
import path from 'node:path';
import { Spool, readSegment, spoolLines } from './spool.js';
import type { LogBatch, LogStore } from './store.js';

export type LogMode = 'durable' | 'async' | 'off';

export interface LogWriterOptions {
  /** The store, or a function that opens it (called again while it fails). */
  store: LogStore | (() => Promise<LogStore>);
  /** The spool folder (see spool.ts). */
  spoolDir: string;
  mode?: LogMode;
  /** What to keep of inputs: `full` (default), `hashed`, `off`. */
  inputs?: InputsMode;
  /** async mode: wait this long before starting a commit, to batch more rows (default 0: end of the event-loop turn). */
  asyncDelayMs?: number;
  /**
   * async mode: when the oldest uncommitted row is older than this, appends wait for their commit
   * (default 25 ms; see the module doc).
   */
  asyncMaxLagMs?: number;
  /** A commit not confirmed within this time goes to the spool and marks the store down (default 2000 ms). */
  commitTimeoutMs?: number;
  /** Store retry backoff bounds (default 100 ms … 5 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Rows per insert while replaying the spool (default 5000). */
  replayChunk?: number;
  /** Told when the store goes down or comes back (default: silent). */
  onStateChange?: (up: boolean, detail: string) => void;
}

export interface LogWriterStats {
  mode: LogMode;
  /** 'up': commits go to the store; 'down': to the spool, retrying; 'replaying': spool being replayed. */
  state: 'up' | 'down' | 'replaying';
  committedRows: number;
  commits: number;
  spooledRows: number;
  replayedRows: number;
  /** Rows the store refused as invalid (kept in `rejected-<pid>.jsonl` in the spool folder). */
  rejectedRows: number;
  pendingRows: number;
  lastError: string | null;
  /** Largest delay from a row's append to the end of its commit (store or spool), ms. */
  maxLagMs: number;
  /** async mode: appends that waited for their commit because the backlog was older than `asyncMaxLagMs`. */
  throttledAppends: number;
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface Pending {
  predictions: PredictionRecord[];
  groups: PredictionGroup[];
  feedback: FeedbackRecord[];
  events: EventRecord[];
  waiters: Waiter[];
  /** `performance.now()` of the first append into this batch (0: none yet). */
  since: number;
}

const empty = (): Pending => ({ predictions: [], groups: [], feedback: [], events: [], waiters: [], since: 0 });
function rowCount(b: LogBatch): number {
  let n = (b.predictions?.length ?? 0) + (b.feedback?.length ?? 0) + (b.events?.length ?? 0);
  for (const g of b.groups ?? []) n += g.n;
  return n;
}

/** The batch with its groups expanded into rows (what the spool and row-by-row retries store). */
function expanded(b: LogBatch): LogBatch {
  if (!b.groups?.length) return b;
  return { predictions: [...(b.predictions ?? []), ...b.groups.flatMap(expandGroup)], feedback: b.feedback, events: b.events };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  p.catch(() => undefined); // a late rejection after the timeout must not be unhandled
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * True for an error about the data, not the connection: SQLite constraint/type errors, Postgres
 * SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation).
 */
export function isDataError(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? '');
  return code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG' || /^2[23][0-9A-Z]{3}$/.test(code);
}

/** Parses `durable|async|off` (MODELYARD_LOG). */
export function parseLogMode(v: string | undefined, where = 'MODELYARD_LOG'): LogMode {
  if (v === undefined || v === '') return 'durable';
  if (v === 'durable' || v === 'async' || v === 'off') return v;
  throw new ModelyardError('USAGE', `${where}=${v}: use durable, async or off`, { flag: where });
}

/**
 * @example
 * ```ts
 * const writer = await LogWriter.open({ store: () => openLogStore(loc), spoolDir: loc.spoolDir, mode: 'durable' });
 * await writer.append(records); // committed (or spooled and fsync'd) when this resolves
 * await writer.close();
 * ```
 */
export class LogWriter {
  readonly mode: LogMode;
  readonly inputs: InputsMode;
  private store: LogStore | null = null;
  private readonly opener: (() => Promise<LogStore>) | null;
  private readonly spool: Spool;
  private state: LogWriterStats['state'] = 'down';
  private queue: Pending = empty();
  private queuedRows = 0;
  private draining = false;
  private asyncTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private recovering: Promise<void> | null = null;
  private closed = false;
  private readonly o: Required<Omit<LogWriterOptions, 'store' | 'onStateChange' | 'mode' | 'inputs'>> & Pick<LogWriterOptions, 'onStateChange'>;
  private readonly counters = { committedRows: 0, commits: 0, spooledRows: 0, replayedRows: 0, rejectedRows: 0, maxLagMs: 0, throttledAppends: 0 };
  /** `since` of the batch being committed (0: none in flight). */
  private inflightSince = 0;
  private lastError: string | null = null;
  private announced: boolean | null = null;

  private constructor(opts: LogWriterOptions) {
    this.mode = opts.mode ?? 'durable';
    this.inputs = opts.inputs ?? 'full';
    this.opener = typeof opts.store === 'function' ? opts.store : null;
    if (typeof opts.store !== 'function') this.store = opts.store;
    this.spool = new Spool(opts.spoolDir);
    this.o = {
      spoolDir: opts.spoolDir,
      asyncDelayMs: opts.asyncDelayMs ?? 0,
      asyncMaxLagMs: opts.asyncMaxLagMs ?? 25,
      commitTimeoutMs: opts.commitTimeoutMs ?? 2000,
      retryMinMs: opts.retryMinMs ?? 100,
      retryMaxMs: opts.retryMaxMs ?? 5000,
      replayChunk: opts.replayChunk ?? 5000,
      onStateChange: opts.onStateChange,
    };
  }

  /**
   * A writer, ready to take rows. Never fails because the store is unreachable: it then starts in
   * the `down` state (rows go to the spool) and keeps retrying. Spool segments left by an earlier
   * process (a crash, an outage) are replayed in the background.
   */
  static async open(opts: LogWriterOptions): Promise<LogWriter> {
    const w = new LogWriter(opts);
    // Even with predictions off the store is opened: feedback and events still go through it.
    await w.recover(0);
    return w;
  }

  /** Logs predictions (inputs reduced per the `inputs` mode). Resolution depends on the mode; see the module doc. */
  append(records: readonly PredictionRecord[]): Promise<void> {
    if (this.mode === 'off' || records.length === 0) return Promise.resolve();
    const q = this.queue.predictions;
    if (this.inputs === 'full') for (const r of records) q.push(r);
    else for (const r of records) q.push({ ...r, inputs: logInputs(r.inputs, this.inputs) });
    return this.enqueued(records.length, false);
  }

  /**
   * Logs one request's predictions as a group (group.ts): one stored row instead of `g.n`. Same
   * modes and resolution as {@link append}; with `hashed` inputs the group is logged row by row.
   */
  appendGroup(g: PredictionGroup): Promise<void> {
    if (this.mode === 'off' || g.n === 0) return Promise.resolve();
    if (this.inputs === 'hashed') return this.append(expandGroup(g));
    this.queue.groups.push(this.inputs === 'off' && g.codec ? { ...g, codec: null, X: null, exceptions: null } : g);
    return this.enqueued(g.n, false);
  }

  /** Logs outcomes. `durable: true` waits for the commit whatever the mode (the CLI and `POST /v1/feedback` do). */
  appendFeedback(rows: readonly FeedbackRecord[], opts: { durable?: boolean } = {}): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    if (this.mode === 'off' && !opts.durable) return Promise.resolve();
    for (const r of rows) this.queue.feedback.push(r);
    return this.enqueued(rows.length, opts.durable === true);
  }

  /** Logs events (training, evaluation, alerts, promotions). */
  appendEvents(rows: readonly EventRecord[], opts: { durable?: boolean } = {}): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    if (this.mode === 'off' && !opts.durable) return Promise.resolve();
    for (const r of rows) this.queue.events.push(r);
    return this.enqueued(rows.length, opts.durable === true);
  }

  /** Convenience: one event with a fresh id, now. */
  event(kind: string, model: string | null, version: string | null, payload: Record<string, unknown>, opts: { durable?: boolean } = {}): Promise<void> {
    return this.appendEvents([{ id: uuidv7(), time: Date.now(), kind, model, version, payload }], opts);
  }

  /** Resolves when every row queued before the call is committed or spooled. */
  flush(): Promise<void> {
    if (this.queuedRows === 0 && !this.draining) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.waiters.push({ resolve, reject });
      this.kick();
    });
  }

  /** Flushes, stops retrying, closes the store. Rows still in the spool are replayed by the next writer. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.asyncTimer) clearTimeout(this.asyncTimer);
    await this.recovering?.catch(() => undefined);
    this.spool.close();
    await this.store?.close().catch(() => undefined);
  }

  stats(): LogWriterStats {
    return { mode: this.mode, state: this.state, ...this.counters, pendingRows: this.queuedRows, lastError: this.lastError };
  }

  /** The store while it is reachable (for reads such as feedback matching), else null. */
  get currentStore(): LogStore | null {
    return this.state === 'up' ? this.store : null;
  }

  /** The spool folder this writer falls back to. */
  get spoolDir(): string {
    return this.spool.dir;
  }

  private enqueued(n: number, forceWait: boolean): Promise<void> {
    this.queuedRows += n;
    const now = performance.now();
    if (this.queue.since === 0) this.queue.since = now;
    let wait = this.mode === 'durable' || forceWait;
    if (!wait) {
      // Back-pressure (module doc): the oldest uncommitted row is in the batch in flight, else in the queue.
      const oldest = this.inflightSince || this.queue.since;
      if (now - oldest > this.o.asyncMaxLagMs) {
        wait = true;
        this.counters.throttledAppends++;
      }
    }
    if (wait) {
      const p = new Promise<void>((resolve, reject) => this.queue.waiters.push({ resolve, reject }));
      this.kick();
      return p;
    }
    if (this.o.asyncDelayMs <= 0) this.kick();
    else if (!this.asyncTimer && !this.draining) {
      this.asyncTimer = setTimeout(() => {
        this.asyncTimer = null;
        this.kick();
      }, this.o.asyncDelayMs);
    }
    return Promise.resolve();
  }

  /**
   * Starts the commit loop at the end of this event-loop turn (`setImmediate`, after the poll phase):
   * every request whose socket data arrived in this turn has appended by then, so they share one
   * commit. Starting at once would commit each request alone when the store is synchronous
   * (better-sqlite3), since nothing else can run during a synchronous commit.
   */
  private kick(): void {
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => void this.drain());
  }

  /** The group-commit loop: one commit at a time; whatever queued meanwhile goes in the next. */
  private async drain(): Promise<void> {
    try {
      while (this.queuedRows > 0 || this.queue.waiters.length > 0) {
        const b = this.queue;
        this.queue = empty();
        this.queuedRows = 0;
        this.inflightSince = b.since;
        try {
          await this.commit(b);
          if (b.since) this.counters.maxLagMs = Math.max(this.counters.maxLagMs, performance.now() - b.since);
          for (const w of b.waiters) w.resolve();
        } catch (e) {
          for (const w of b.waiters) w.reject(e);
        } finally {
          this.inflightSince = 0;
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async commit(b: LogBatch): Promise<void> {
    const n = rowCount(b);
    if (n === 0) return;
    if (this.state === 'up' && this.store) {
      try {
        await withTimeout(this.store.insert(b), this.o.commitTimeoutMs, 'log commit');
        this.counters.committedRows += n;
        this.counters.commits++;
        return;
      } catch (e) {
        if (isDataError(e)) {
          // The store is up but refused a row: commit the rest, quarantine the bad ones.
          await this.insertRowByRow(this.store, b);
          this.counters.commits++;
          return;
        }
        this.markDown(e);
      }
    }
    try {
      this.spool.append(expanded(b));
    } catch (e) {
      throw new ModelyardError('LOG_UNAVAILABLE', `the log store is unreachable (${this.lastError}) and the spool ${this.spool.dir} refused the rows: ${(e as Error).message}`);
    }
    this.counters.spooledRows += n;
  }

  /**
   * After a data error: each row alone; rows the store refuses go to `rejected-<pid>.jsonl` in the
   * spool folder (fsync'd) instead of blocking every later commit or replay.
   */
  private async insertRowByRow(store: LogStore, batch: LogBatch): Promise<void> {
    const b = expanded(batch);
    const rejected: LogBatch = { predictions: [], feedback: [], events: [] };
    const one = async (single: LogBatch, push: () => void): Promise<void> => {
      try {
        await withTimeout(store.insert(single), this.o.commitTimeoutMs, 'log commit');
        this.counters.committedRows++;
      } catch (e) {
        if (!isDataError(e)) throw e;
        push();
        this.counters.rejectedRows++;
      }
    };
    for (const r of b.predictions ?? []) await one({ predictions: [r] }, () => (rejected.predictions as PredictionRecord[]).push(r));
    for (const r of b.feedback ?? []) await one({ feedback: [r] }, () => (rejected.feedback as FeedbackRecord[]).push(r));
    for (const r of b.events ?? []) await one({ events: [r] }, () => (rejected.events as EventRecord[]).push(r));
    if (rowCount(rejected) > 0) {
      const file = path.join(this.spool.dir, `rejected-${process.pid}.jsonl`);
      fs.mkdirSync(this.spool.dir, { recursive: true });
      const fd = fs.openSync(file, 'a');
      try {
        fs.writeSync(fd, spoolLines(rejected));
        fs.fdatasyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      this.lastError = `the store refused ${rowCount(rejected)} row(s); kept in ${file}`;
    }
  }

  /** Tells `onStateChange` about a change: down (also at start), and back up after being down. */
  private announce(up: boolean, detail: string): void {
    if (up === (this.announced ?? true)) return;
    this.announced = up;
    this.o.onStateChange?.(up, detail);
  }

  private markDown(e: unknown): void {
    this.lastError = (e as Error)?.message ?? String(e);
    if (this.state === 'down') return;
    this.state = 'down';
    this.announce(false, this.lastError);
    this.scheduleRetry(0);
  }

  private scheduleRetry(attempt: number): void {
    if (this.closed || this.retryTimer) return;
    // Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and Jitter", 2015).
    const cap = Math.min(this.o.retryMaxMs, this.o.retryMinMs * 2 ** attempt);
    const delay = cap / 2 + (Math.random() * cap) / 2;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.recover(attempt + 1);
    }, delay);
    this.retryTimer.unref();
  }

  /** Opens/pings the store and replays the spool; on failure stays down and schedules the next try. */
  private recover(attempt: number): Promise<void> {
    if (this.recovering) return this.recovering;
    this.recovering = (async () => {
      try {
        if (!this.store) this.store = await this.opener!();
        await withTimeout(this.store.ping(), this.o.commitTimeoutMs, 'log store ping');
        await this.replay();
      } catch (e) {
        this.lastError = (e as Error)?.message ?? String(e);
        this.state = 'down';
        this.announce(false, this.lastError);
        if (!this.closed) this.scheduleRetry(attempt);
      }
    })().finally(() => {
      this.recovering = null;
    });
    return this.recovering;
  }

  /** Replays spool segments until the active one is empty, then switches commits back to the store. */
  private async replay(): Promise<void> {
    const store = this.store!;
    this.state = 'replaying';
    for (;;) {
      this.spool.rotate();
      for (const seg of this.spool.pending()) {
        const { batch } = readSegment(seg);
        const chunk = this.o.replayChunk;
        const parts: LogBatch[] = [];
        for (let i = 0; i < batch.predictions.length; i += chunk) parts.push({ predictions: batch.predictions.slice(i, i + chunk) });
        if (batch.feedback.length || batch.events.length) parts.push({ feedback: batch.feedback, events: batch.events });
        for (const part of parts) {
          try {
            await withTimeout(store.insert(part), this.o.commitTimeoutMs * 5, 'spool replay');
          } catch (e) {
            if (!isDataError(e)) throw e;
            await this.insertRowByRow(store, part);
          }
        }
        this.spool.markReplayed(seg, [...batch.predictions.map((r) => r.id), ...batch.feedback.map((r) => r.id), ...batch.events.map((r) => r.id)]);
        this.counters.replayedRows += rowCount(batch);
      }
      // Synchronous check-and-switch: no commit can append to the spool between the two.
      if (this.spool.activeRows === 0) {
        this.state = 'up';
        this.announce(true, `${this.counters.replayedRows} spooled rows replayed so far`);
        return;
      }
    }
  }
}
