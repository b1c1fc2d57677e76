/**
 * A SQLite job queue for one host (several processes may share the file). SQLite has no row locks
 * to skip; a claim is one `BEGIN IMMEDIATE` transaction (the database write lock) that picks the
 * oldest ready job and marks it running, so two workers can never claim the same job. The same
 * lease, retry and dedupe rules as the Postgres queue.
 */
import os from 'node:os';
import Database from 'better-sqlite3';
import { ModelyardError } from '../errors.js';
import type { Json } from '../learn/types.js';
import { backoffMs, workerLoop, type ClaimingQueue, type EnqueueOptions, type Job, type JobHandler, type JobInfo, type JobQueue } from './queue.js';

export interface SqliteQueueOptions {
  file: string;
  pollMs?: number;
  leaseMs?: number;
  retryBaseMs?: number;
  worker?: string;
}

interface Row {
  id: number;
  kind: string;
  payload: string;
  attempts: number;
  status: JobInfo['status'];
  dedupe_key: string | null;
  error: string | null;
  result: string | null;
}

/**
 * @example
 * ```ts
 * const queue = SqliteJobQueue.open({ file: '.modelyard/jobs.db' });
 * queue.start({ retrain: (job) => runRetrain(job.payload as RetrainJob, deps) });
 * ```
 */
export class SqliteJobQueue implements JobQueue, ClaimingQueue {
  readonly kind = 'sqlite' as const;
  private worker: ReturnType<typeof workerLoop> | null = null;

  private constructor(
    private readonly db: Database.Database,
    readonly opts: SqliteQueueOptions,
  ) {}

  static open(opts: SqliteQueueOptions): SqliteJobQueue {
    let db: Database.Database;
    try {
      db = new Database(opts.file, { timeout: 5000 });
      db.pragma('journal_mode = WAL');
      db.exec(`create table if not exists modelyard_jobs (
        id integer primary key autoincrement,
        kind text not null,
        payload text not null,
        status text not null default 'queued',
        dedupe_key text,
        attempts integer not null default 0,
        max_attempts integer not null default 3,
        run_after integer not null default 0,
        locked_by text,
        locked_at integer,
        error text,
        result text,
        created_at integer not null,
        finished_at integer);
        create unique index if not exists modelyard_jobs_dedupe on modelyard_jobs (dedupe_key) where status in ('queued', 'running');
        create index if not exists modelyard_jobs_ready on modelyard_jobs (status, run_after, id);`);
    } catch (e) {
      throw new ModelyardError('REGISTRY_UNAVAILABLE', `job queue: cannot open ${opts.file} (${(e as Error).message})`, { file: opts.file });
    }
    return new SqliteJobQueue(db, opts);
  }

  async enqueue(kind: string, payload: Json, opts: EnqueueOptions = {}): Promise<string | null> {
    const r = this.db
      .prepare(`insert into modelyard_jobs (kind, payload, dedupe_key, max_attempts, created_at) values (?, ?, ?, ?, ?) on conflict (dedupe_key) where status in ('queued', 'running') do nothing`)
      .run(kind, JSON.stringify(payload), opts.dedupeKey ?? null, opts.maxAttempts ?? 3, Date.now());
    this.worker?.wake();
    return r.changes === 1 ? String(r.lastInsertRowid) : null;
  }

  async claim(): Promise<Job | null> {
    const now = Date.now();
    const lease = this.opts.leaseMs ?? 30 * 60_000;
    const worker = this.opts.worker ?? `${os.hostname()}:${process.pid}`;
    const tx = this.db.transaction((): Row | undefined => {
      this.db.prepare(`update modelyard_jobs set status = 'queued', locked_by = null where status = 'running' and locked_at < ?`).run(now - lease);
      const row = this.db.prepare(`select id from modelyard_jobs where status = 'queued' and run_after <= ? order by id limit 1`).get(now) as { id: number } | undefined;
      if (!row) return undefined;
      return this.db
        .prepare(`update modelyard_jobs set status = 'running', attempts = attempts + 1, locked_by = ?, locked_at = ? where id = ? returning *`)
        .get(worker, now, row.id) as Row;
    });
    const row = tx.immediate();
    return row ? { id: String(row.id), kind: row.kind, payload: JSON.parse(row.payload) as Json, attempts: row.attempts } : null;
  }

  async finish(job: Job, outcome: { result?: Json | void; error?: string }): Promise<void> {
    const now = Date.now();
    if (outcome.error === undefined) {
      this.db.prepare(`update modelyard_jobs set status = 'done', result = ?, error = null, finished_at = ? where id = ?`).run(JSON.stringify(outcome.result ?? null), now, Number(job.id));
      return;
    }
    this.db
      .prepare(
        `update modelyard_jobs set error = ?,
           status = case when attempts >= max_attempts then 'failed' else 'queued' end,
           run_after = ?, finished_at = case when attempts >= max_attempts then ? else null end
         where id = ?`,
      )
      .run(outcome.error, now + backoffMs(job.attempts, this.opts.retryBaseMs ?? 1000), now, Number(job.id));
  }

  start(handlers: Record<string, JobHandler>): void {
    if (!this.worker) this.worker = workerLoop(this, handlers, this.opts.pollMs ?? 500);
  }

  async get(id: string): Promise<JobInfo | null> {
    const row = this.db.prepare(`select * from modelyard_jobs where id = ?`).get(Number(id)) as Row | undefined;
    if (!row) return null;
    return {
      id: String(row.id),
      kind: row.kind,
      payload: JSON.parse(row.payload) as Json,
      attempts: row.attempts,
      status: row.status,
      dedupeKey: row.dedupe_key,
      error: row.error,
      result: row.result === null ? null : (JSON.parse(row.result) as Json),
    };
  }

  async idle(): Promise<void> {
    for (;;) {
      const r = this.db.prepare(`select count(*) as n from modelyard_jobs where status = 'running' or (status = 'queued' and run_after <= ?)`).get(Date.now()) as { n: number };
      if (r.n === 0) return;
      await new Promise((res) => setTimeout(res, 20));
    }
  }

  async close(): Promise<void> {
    await this.worker?.stop();
    this.db.close();
  }
}

/**
 * Opens the queue a URL names: `memory` (default), a `postgres://` URL (`?schema=` optional), or a
 * SQLite file path.
 */
export async function openJobQueue(url: string | undefined): Promise<JobQueue> {
  if (!url || url === 'memory') return new (await import('./queue.js')).InProcessQueue();
  if (/^postgres(ql)?:\/\//.test(url)) {
    const u = new URL(url);
    const schema = u.searchParams.get('schema') ?? undefined;
    u.searchParams.delete('schema');
    return (await import('./pg-queue.js')).PgJobQueue.open({ url: u.toString(), schema });
  }
  return SqliteJobQueue.open({ file: url });
}
