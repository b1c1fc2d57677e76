/**
 * A Postgres job queue shared by any number of worker processes. A worker claims the oldest ready
 * job with `SELECT … FOR UPDATE SKIP LOCKED` inside the claiming UPDATE (Postgres manual, SELECT,
 * "The Locking Clause": SKIP LOCKED skips rows another transaction holds, so concurrent workers
 * never take the same job and never wait on each other). A job whose worker died (still `running`
 * after `leaseMs`) is put back in the queue. Deduplication is a partial unique index on
 * `dedupe_key` over queued and running jobs.
 */
import os from 'node:os';
import type * as Pg from 'pg';
import pg from '../util/pg.js';
import { ModelyardError } from '../errors.js';
import type { Json } from '../learn/types.js';
import { backoffMs, workerLoop, type EnqueueOptions, type Job, type JobHandler, type JobInfo, type JobQueue, type ClaimingQueue } from './queue.js';

export interface PgQueueOptions {
  url: string;
  /** Schema of the `modelyard_jobs` table (created when missing; default `public`). */
  schema?: string;
  /** Poll interval when the queue is empty (default 500 ms). */
  pollMs?: number;
  /** A running job older than this is considered abandoned and requeued (default 30 min). */
  leaseMs?: number;
  /** First retry delay (default 1 s). */
  retryBaseMs?: number;
  /** Worker name recorded on claimed jobs (default host:pid). */
  worker?: string;
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * @example
 * ```ts
 * const queue = await PgJobQueue.open({ url: process.env.DATABASE_URL! });
 * queue.start({ retrain: (job) => runRetrain(job.payload as RetrainJob, deps) });
 * ```
 */
export class PgJobQueue implements JobQueue, ClaimingQueue {
  readonly kind = 'postgres' as const;
  private worker: ReturnType<typeof workerLoop> | null = null;

  private constructor(
    private readonly pool: Pg.Pool,
    private readonly table: string,
    readonly opts: PgQueueOptions,
  ) {}

  static async open(opts: PgQueueOptions): Promise<PgJobQueue> {
    const schema = opts.schema ?? 'public';
    if (!SCHEMA_RE.test(schema)) throw new ModelyardError('PARAM_INVALID', `queue schema "${schema}" must be a lower-case SQL identifier`, { field: 'schema' });
    const pool = new pg.Pool({ connectionString: opts.url, max: 3 });
    const table = `"${schema}".modelyard_jobs`;
    try {
      await pool.query(`create schema if not exists "${schema}"`);
      await pool.query(`create table if not exists ${table} (
        id bigserial primary key,
        kind text not null,
        payload jsonb not null,
        status text not null default 'queued',
        dedupe_key text,
        attempts int not null default 0,
        max_attempts int not null default 3,
        run_after timestamptz not null default now(),
        locked_by text,
        locked_at timestamptz,
        error text,
        result jsonb,
        created_at timestamptz not null default now(),
        finished_at timestamptz)`);
      await pool.query(`create unique index if not exists modelyard_jobs_dedupe on ${table} (dedupe_key) where status in ('queued', 'running')`);
      await pool.query(`create index if not exists modelyard_jobs_ready on ${table} (status, run_after, id)`);
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw new ModelyardError('REGISTRY_UNAVAILABLE', `job queue: cannot reach or prepare Postgres (${(e as Error).message})`);
    }
    return new PgJobQueue(pool, table, opts);
  }

  async enqueue(kind: string, payload: Json, opts: EnqueueOptions = {}): Promise<string | null> {
    const r = await this.pool.query<{ id: string }>(
      `insert into ${this.table} (kind, payload, dedupe_key, max_attempts) values ($1, $2, $3, $4)
       on conflict (dedupe_key) where status in ('queued', 'running') do nothing returning id`,
      [kind, JSON.stringify(payload), opts.dedupeKey ?? null, opts.maxAttempts ?? 3],
    );
    this.worker?.wake();
    return r.rows[0] ? String(r.rows[0].id) : null;
  }

  /**
   * Claims the oldest ready job for this worker, or null. Abandoned jobs (running past the lease)
   * go back to the queue first.
   */
  async claim(): Promise<Job | null> {
    const lease = this.opts.leaseMs ?? 30 * 60_000;
    await this.pool.query(`update ${this.table} set status = 'queued', locked_by = null where status = 'running' and locked_at < now() - make_interval(secs => $1::double precision / 1000)`, [lease]);
    const r = await this.pool.query<{ id: string; kind: string; payload: Json; attempts: number }>(
      `update ${this.table} set status = 'running', attempts = attempts + 1, locked_by = $1, locked_at = now()
       where id = (select id from ${this.table} where status = 'queued' and run_after <= now() order by id for update skip locked limit 1)
       returning id, kind, payload, attempts`,
      [this.opts.worker ?? `${os.hostname()}:${process.pid}`],
    );
    const row = r.rows[0];
    return row ? { id: String(row.id), kind: row.kind, payload: row.payload, attempts: row.attempts } : null;
  }

  /** Records the outcome of a claimed job (retry with backoff, or failed after max attempts). */
  async finish(job: Job, outcome: { result?: Json | void; error?: string }): Promise<void> {
    if (outcome.error === undefined) {
      await this.pool.query(`update ${this.table} set status = 'done', result = $2, error = null, finished_at = now() where id = $1`, [job.id, JSON.stringify(outcome.result ?? null)]);
      return;
    }
    const delay = backoffMs(job.attempts, this.opts.retryBaseMs ?? 1000);
    await this.pool.query(
      `update ${this.table} set error = $2,
         status = case when attempts >= max_attempts then 'failed' else 'queued' end,
         run_after = now() + make_interval(secs => $3::double precision / 1000),
         finished_at = case when attempts >= max_attempts then now() else null end
       where id = $1`,
      [job.id, outcome.error, delay],
    );
  }

  start(handlers: Record<string, JobHandler>): void {
    if (!this.worker) this.worker = workerLoop(this, handlers, this.opts.pollMs ?? 500);
  }

  async get(id: string): Promise<JobInfo | null> {
    const r = await this.pool.query(`select id, kind, payload, attempts, status, dedupe_key, error, result from ${this.table} where id = $1`, [id]);
    const row = r.rows[0];
    if (!row) return null;
    return { id: String(row.id), kind: row.kind, payload: row.payload, attempts: row.attempts, status: row.status, dedupeKey: row.dedupe_key, error: row.error, result: row.result };
  }

  async idle(): Promise<void> {
    for (;;) {
      const r = await this.pool.query<{ n: string }>(`select count(*) as n from ${this.table} where status = 'running' or (status = 'queued' and run_after <= now())`);
      if (Number(r.rows[0].n) === 0) return;
      await new Promise((res) => setTimeout(res, 25));
    }
  }

  async close(): Promise<void> {
    await this.worker?.stop();
    await this.pool.end();
  }
}
