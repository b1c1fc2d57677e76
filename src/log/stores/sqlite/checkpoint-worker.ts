/**
 * The SQLite log's checkpoint thread (see checkpoint-thread.ts): its own connection, running a
 * PASSIVE WAL checkpoint every `intervalMs`. PASSIVE never waits for readers or writers; it copies
 * what it can and the next one continues (SQLite manual, "PRAGMA wal_checkpoint").
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointWorkerData {
  file: string;
  intervalMs: number;
  busyTimeoutMs: number;
}

const data = workerData as CheckpointWorkerData;
const db = new Database(data.file, { timeout: data.busyTimeoutMs });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or a transient I/O error: the next tick tries again (and the writer's close checkpoints).
  }
}, data.intervalMs);
parentPort!.on('message', (m: unknown) => {
  if (m === 'stop') {
    clearInterval(timer);
    try {
      db.close();
    } finally {
      parentPort!.postMessage('stopped');
      parentPort!.close();
    }
  }
});
