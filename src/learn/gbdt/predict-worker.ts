/**
 * Batch-predict worker: scores its share of a batch (see predict-pool.ts). Jobs arrive through a
 * MessagePort read synchronously (`receiveMessageOnPort`) after an `Atomics` wake-up, so the
 * caller's `predict` stays synchronous.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { scoreColumns, type ForestArrays } from './forest.js';

const { ctrl: ctrlBuf, port } = workerData as { ctrl: SharedArrayBuffer; port: MessagePort };
const ctrl = new Int32Array(ctrlBuf);
// Booted: from now on the trainer may block on this worker (see predict-pool.ts, ctrl[6]).
Atomics.store(ctrl, 6, 1);
interface Job {
  forest: ForestArrays;
  base: Float64Array;
  cols: Float64Array[];
  out: Float64Array;
}
let job = null as Job | null;
// Control block: [0] sequence, [1] from, [2] to, [3] done sequence, [4] command (1 score, 2 new job), [6] booted.
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  const seq = Atomics.load(ctrl, 0);
  if (seq === seen) continue;
  seen = seq;
  if (ctrl[4] === 2) {
    const msg = receiveMessageOnPort(port);
    if (msg) job = msg.message as Job;
  } else if (job) {
    scoreColumns(job.forest, job.base, job.cols, ctrl[1], ctrl[2], job.out, 0);
  }
  Atomics.store(ctrl, 3, seq);
  Atomics.notify(ctrl, 3);
}
