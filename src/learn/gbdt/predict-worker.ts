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
// Control block: [0] sequence, [1] from, [2] to, [3] done sequence, [4] command (1 score, 2 new job),
// [5] rows per claimed block, [6] booted, [7] next unclaimed row, [8] rows copied into the shared
// columns so far (the caller publishes its copy in pieces; a block is scored once it is copied).
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
    // Claim blocks of rows [b, b + ctrl[5]) of [0, ctrl[2]) with the calling thread until none is left.
    const to = ctrl[2];
    const step = ctrl[5];
    for (;;) {
      const b = Atomics.add(ctrl, 7, step);
      if (b >= to) break;
      const end = Math.min(to, b + step);
      for (let copied = Atomics.load(ctrl, 8); copied < end; copied = Atomics.load(ctrl, 8)) Atomics.wait(ctrl, 8, copied, 5);
      scoreColumns(job.forest, job.base, job.cols, b, end, job.out, b);
    }
  }
  Atomics.store(ctrl, 3, seq);
  Atomics.notify(ctrl, 3);
}
