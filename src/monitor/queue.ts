/**
 * Job queues for work the monitor starts (retrains): an in-process queue by default, a Postgres
 * queue (`SELECT … FOR UPDATE SKIP LOCKED`, src/monitor/pg-queue.ts) when several processes share
 * the work, and a SQLite queue (src/monitor/sqlite-queue.ts) for one host. All run handlers on
 * their own loop, never inside the caller (an HTTP request only enqueues), retry failed jobs with
 * exponential backoff up to `maxAttempts`, and skip a job whose `dedupeKey` is already queued or
 * running (one retrain per model at a time).
 */
import type { Json } from '../learn/types.js';

export interface Job {
  id: string;
  kind: string;
  payload: Json;
  /** 1 on the first run. */
  attempts: number;
}

export type JobHandler = (job: Job) => Promise<Json | void>;

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobInfo extends Job {
  status: JobStatus;
  dedupeKey: string | null;
  error: string | null;
  result: Json | null;
}

export interface EnqueueOptions {
  /** Skip (return null) when a job with this key is queued or running. */
  dedupeKey?: string;
  /** Attempts before the job is marked failed (default 3). */
  maxAttempts?: number;
}

export interface JobQueue {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  /** Adds a job; resolves to its id, or null when deduplicated. */
  enqueue(kind: string, payload: Json, opts?: EnqueueOptions): Promise<string | null>;
  /** Starts processing with a handler per job kind. */
  start(handlers: Record<string, JobHandler>): void;
  /** Resolves when no job is queued (ready to run) or running. */
  idle(): Promise<void>;
  get(id: string): Promise<JobInfo | null>;
  /** Stops processing (the running job finishes first) and releases connections. */
  close(): Promise<void>;
}

/** Retry delay after `attempts` failures: base·2^(attempts−1), capped. */
export function backoffMs(attempts: number, baseMs: number, maxMs = 10 * 60_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

export interface InProcessQueueOptions {
  /** First retry delay (default 1 s). */
  retryBaseMs?: number;
}

/**
 * The default queue: jobs in memory, one at a time, started with `setImmediate` so an enqueue in a
 * request handler returns at once. Jobs are lost when the process exits (use the Postgres queue
 * for durability).
 *
 * @example
 * ```ts
 * const queue = new InProcessQueue();
 * queue.start({ retrain: (job) => runRetrain(job.payload as RetrainJob, deps) });
 * await queue.enqueue('retrain', { model: 'credit', data: 'credit.csv' }, { dedupeKey: 'retrain:credit' });
 * ```
 */
export class InProcessQueue implements JobQueue {
  readonly kind = 'memory' as const;
  private readonly jobs = new Map<string, JobInfo & { maxAttempts: number; runAfter: number }>();
  private handlers: Record<string, JobHandler> | null = null;
  private next = 1;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private waiters: (() => void)[] = [];

  constructor(readonly opts: InProcessQueueOptions = {}) {}

  async enqueue(kind: string, payload: Json, opts: EnqueueOptions = {}): Promise<string | null> {
    if (opts.dedupeKey) {
      for (const j of this.jobs.values()) if (j.dedupeKey === opts.dedupeKey && (j.status === 'queued' || j.status === 'running')) return null;
    }
    const id = String(this.next++);
    this.jobs.set(id, { id, kind, payload, attempts: 0, status: 'queued', dedupeKey: opts.dedupeKey ?? null, error: null, result: null, maxAttempts: opts.maxAttempts ?? 3, runAfter: 0 });
    this.kick(0);
    return id;
  }

  start(handlers: Record<string, JobHandler>): void {
    this.handlers = handlers;
    this.kick(0);
  }

  async get(id: string): Promise<JobInfo | null> {
    const j = this.jobs.get(id);
    if (!j) return null;
    const { maxAttempts: _m, runAfter: _r, ...info } = j;
    return { ...info };
  }

  idle(): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 5));
  }

  private busy(): boolean {
    for (const j of this.jobs.values()) if (j.status === 'queued' || j.status === 'running') return true;
    return false;
  }

  private kick(delay: number): void {
    if (this.closed || !this.handlers || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), delay);
    if (delay > 0) this.timer.unref?.();
  }

  private async loop(): Promise<void> {
    this.timer = null;
    if (this.running || this.closed || !this.handlers) return;
    this.running = true;
    try {
      for (;;) {
        const now = Date.now();
        let job: (JobInfo & { maxAttempts: number; runAfter: number }) | undefined;
        let wait = Infinity;
        for (const j of this.jobs.values()) {
          if (j.status !== 'queued') continue;
          if (j.runAfter <= now) {
            job = j;
            break;
          }
          wait = Math.min(wait, j.runAfter - now);
        }
        if (!job || this.closed) {
          this.running = false;
          if (wait < Infinity && !this.closed) this.kick(wait);
          break;
        }
        job.status = 'running';
        job.attempts++;
        const handler = this.handlers[job.kind];
        try {
          if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
          const { maxAttempts: _m, runAfter: _r, status: _s, dedupeKey: _d, error: _e, result: _x, ...view } = job;
          job.result = ((await handler(view)) ?? null) as Json | null;
          job.status = 'done';
          job.error = null;
        } catch (e) {
          job.error = (e as Error).message;
          if (job.attempts >= job.maxAttempts) job.status = 'failed';
          else {
            job.status = 'queued';
            job.runAfter = Date.now() + backoffMs(job.attempts, this.opts.retryBaseMs ?? 1000);
          }
        }
      }
    } finally {
      this.running = false;
    }
    if (!this.busy()) for (const w of this.waiters.splice(0)) w();
  }
}

/** What a polling worker needs from a persistent queue. */
export interface ClaimingQueue {
  claim(): Promise<Job | null>;
  finish(job: Job, outcome: { result?: Json | void; error?: string }): Promise<void>;
}

/**
 * The worker loop of the persistent queues: claim, run the handler, record the outcome; poll every
 * `pollMs` while the queue is empty (or its store unreachable). `wake()` polls at once (after a
 * local enqueue); `stop()` resolves after the running job finished.
 */
export function workerLoop(q: ClaimingQueue, handlers: Record<string, JobHandler>, pollMs: number): { wake(): void; stop(): Promise<void> } {
  let stopped = false;
  let wake: (() => void) | null = null;
  const done = (async () => {
    while (!stopped) {
      let job: Job | null = null;
      try {
        job = await q.claim();
      } catch {
        job = null;
      }
      if (!job) {
        await new Promise<void>((r) => {
          const t = setTimeout(r, pollMs);
          wake = () => {
            clearTimeout(t);
            r();
          };
        });
        wake = null;
        continue;
      }
      const handler = handlers[job.kind];
      try {
        if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
        const result = await handler(job);
        await q.finish(job, { result });
      } catch (e) {
        await q.finish(job, { error: (e as Error).message }).catch(() => undefined);
      }
    }
  })();
  return {
    wake: () => wake?.(),
    stop: async () => {
      stopped = true;
      wake?.();
      await done;
    },
  };
}
