/**
 * Histogram worker thread: builds the histogram of its share of a leaf's rows into its own shared
 * buffer, woken by the trainer through `Atomics` on a shared control block (see hist-pool.ts).
 * It imports only histogram.ts so it loads fast.
 */
import { workerData } from 'node:worker_threads';
import { accumulateHistogram, accumulatePacked } from './histogram.js';

interface Init {
  ctrl: SharedArrayBuffer;
  rowBins: SharedArrayBuffer;
  words: number;
  gh: SharedArrayBuffer;
  rows: SharedArrayBuffer;
  pk: SharedArrayBuffer;
  hist: SharedArrayBuffer;
}

const init = workerData as Init;
const ctrl = new Int32Array(init.ctrl);
const rowBins32 = new Uint32Array(init.rowBins);
const gh = new Float32Array(init.gh);
const rows = new Int32Array(init.rows);
const pk = new Float64Array(init.pk);
const hist = new Float64Array(init.hist);
// Control block: [0] task sequence, [1] start, [2] end, [3] done sequence, [4] command (1 build, 2 stop),
// [5] last claimed sequence (the worker and the trainer race to claim each task once; see hist-pool.ts),
// [7] 1 = quantised (packed) gradients.
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  const seq = Atomics.load(ctrl, 0);
  if (seq === seen) continue;
  seen = seq;
  if (ctrl[4] === 2) break;
  // Claim the task; if the trainer already took it (we woke late), there is nothing to do.
  if (Atomics.compareExchange(ctrl, 5, seq - 1, seq) !== seq - 1) continue;
  if (ctrl[7] === 1) {
    hist.fill(0, 0, hist.length / 2);
    accumulatePacked(rowBins32, init.words, pk, rows, ctrl[1], ctrl[2], hist);
  } else {
    hist.fill(0);
    accumulateHistogram(rowBins32, init.words, gh, rows, ctrl[1], ctrl[2], hist);
  }
  Atomics.store(ctrl, 3, seq);
  Atomics.notify(ctrl, 3);
}
