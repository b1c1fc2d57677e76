/**
 * WAL checkpoints off the serving thread. In WAL mode every committed page is written twice: to
 * the WAL at commit, and back into the database file by a checkpoint, which by default runs inside
 * the commit that takes the WAL past 1,000 pages (SQLite manual, "Write-Ahead Logging",
 * "Automatic Checkpoint") — on the event loop that serves requests, since better-sqlite3 is
 * synchronous, and with `synchronous=NORMAL` it is also where the fsyncs happen. Profiled under
 * bench/serve with durable logging of 100-row batches, checkpoints were ≈ 10 % of the serving
 * thread's time. So the log's connection turns automatic checkpoints off and a worker thread with
 * its own connection checkpoints every 100 ms instead (litestream runs SQLite the same way).
 *
 * Durability is unchanged: a commit is in the WAL when it returns, checkpointed or not. Without the
 * worker script (TypeScript sources, unbuilt) the store keeps SQLite's automatic checkpoints.
 */
import { Worker } from 'node:worker_threads';
import { workerScriptUrl } from '../../../util/worker-url.js';
import type { CheckpointWorkerData } from './checkpoint-worker.js';

/** The worker script next to this module (dist/), or dist/'s copy when running from src/; null when neither exists. */
export function checkpointWorkerUrl(): URL | null {
  return workerScriptUrl(import.meta.url, 'checkpoint-worker.js');
}

/**
 * @example
 * ```ts
 * const url = checkpointWorkerUrl();
 * const cp = url ? new CheckpointThread(url, { file, intervalMs: 100, busyTimeoutMs: 2000 }) : null;
 * // … db.pragma('wal_autocheckpoint = 0') on the writing connection …
 * await cp?.close();
 * ```
 */
export class CheckpointThread {
  private readonly worker: Worker;
  private closing: Promise<void> | null = null;

  constructor(url: URL, data: CheckpointWorkerData) {
    this.worker = new Worker(url, { workerData: data });
    // A background helper: it must neither keep the process alive nor crash it.
    this.worker.unref();
    this.worker.on('error', () => undefined);
  }

  /** Stops the worker (its connection closes; the writer's own close runs the last checkpoint). */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const done = (): void => resolve();
      this.worker.once('exit', done);
      this.worker.once('message', () => void this.worker.terminate().then(done, done));
      this.worker.postMessage('stop');
      setTimeout(() => void this.worker.terminate().then(done, done), 1000).unref();
    });
    return this.closing;
  }
}
