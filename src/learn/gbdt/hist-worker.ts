/**
 * Histogram worker thread: builds the histogram of its share of a leaf's rows into its own shared
 * buffer, woken by the trainer through `Atomics` on a shared control block (see hist-pool.ts).
 * It imports only histogram.ts so it loads fast.
 */
import { workerData } from 'node:worker_threads';
import { accumulateHistogram, accumulatePacked, addLeafValues, partitionBlock, sumLeaves } from './histogram.js';
import { binaryGradients } from './objectives.js';
import { gradientMax, quantizeRows } from './quantize.js';
import type { HistInputs } from './hist-pool.js';

/** What the pool hands over (hist-pool.ts `HistInputs`, type-only: erased, so this worker still loads only the kernels). */
type Init = Omit<HistInputs, 'histLength'> & { ctrl: SharedArrayBuffer; hist: SharedArrayBuffer };

const init = workerData as Init;
const ctrl = new Int32Array(init.ctrl);
const rowBins32 = new Uint32Array(init.rowBins);
const gh = new Float32Array(init.gh);
const rows = new Int32Array(init.rows);
const pk = new Float64Array(init.pk);
const hist = new Float64Array(init.hist);
const colBins = new Uint8Array(init.colBins);
const tmp = new Int32Array(init.tmp);
const flags = new Uint8Array(init.flags);
const leafRanges = new Int32Array(init.leafRanges);
const leafVals = new Float64Array(init.leafVals);
const scores = new Float64Array(init.scores);
const y = new Float64Array(init.y);
const w = new Float64Array(init.w);
const quant = new Float64Array(init.quant);
/** Must match hist-pool.ts. */
const GRADIENT_BLOCK = 16384;
// Control block: [0] task sequence, [1] start, [2] end, [3] done sequence, [4] command (1 build, 2 stop,
// 3 partition rows[start..end): [9] = the feature's offset in the column-major bins, [10] ← left rows;
// 4 leaf gradient sums, 5 add leaf values to score column [12] of [11]: leaves [0, [1]) claimed via [8];
// 6 binary gradients of rows [0, [1]) in blocks claimed via [8]; 7 max |g|, h of rows [[1], [2]) into
// quant[0..1]; 8 quantise rows [[1], [2]) with quant[2..6] = L, shift, 1/gScale, 1/hScale, rounding
// state, next state into quant[7]),
// [5] last claimed sequence (the worker joins a task only by moving it seq − 1 → seq, and the trainer
// closes a task the same way; see hist-pool.ts), [6] rows per chunk, [7] 1 = quantised (packed)
// gradients, [8] next chunk (both threads claim chunks with Atomics.add).
/**
 * Polls of ctrl[0] before sleeping in `Atomics.wait` (~1–2 ns each). Tasks follow each other within
 * tens of µs while a tree grows, and a futex wake costs a context switch on the poster's side (the
 * woken thread may preempt it) plus the wake-up latency here; OpenMP runtimes, which XGBoost's
 * threads run on, likewise spin before sleeping (libgomp GOMP_SPINCOUNT). 0 = always sleep.
 */
const SPIN = Number(process.env.MODELYARD_GBDT_SPIN ?? 20000);
let seen = 0;
for (;;) {
  for (let i = 0; i < SPIN && Atomics.load(ctrl, 0) === seen; i++);
  Atomics.wait(ctrl, 0, seen);
  const seq = Atomics.load(ctrl, 0);
  if (seq === seen) continue;
  seen = seq;
  if (ctrl[4] === 2) break;
  // Join the task; if the trainer already closed it (we woke late), there is nothing to do.
  if (Atomics.compareExchange(ctrl, 5, seq - 1, seq) !== seq - 1) continue;
  if (ctrl[4] === 3) {
    ctrl[10] = partitionBlock(colBins, ctrl[9], flags, rows, tmp, ctrl[1], ctrl[2]);
    Atomics.store(ctrl, 3, seq);
    Atomics.notify(ctrl, 3);
    continue;
  }
  if (ctrl[4] === 7 || ctrl[4] === 8) {
    if (ctrl[4] === 7) gradientMax(gh, ctrl[1], ctrl[2], quant);
    else quant[7] = quantizeRows(gh, ctrl[1], ctrl[2], quant[2], quant[3], quant[4], quant[5], pk, quant[6]);
    Atomics.store(ctrl, 3, seq);
    Atomics.notify(ctrl, 3);
    continue;
  }
  if (ctrl[4] === 6) {
    const n = ctrl[1];
    for (;;) {
      const s = Atomics.add(ctrl, 8, 1) * GRADIENT_BLOCK;
      if (s >= n) break;
      binaryGradients(scores, y, w, gh, s, Math.min(n, s + GRADIENT_BLOCK));
    }
    Atomics.store(ctrl, 3, seq);
    Atomics.notify(ctrl, 3);
    continue;
  }
  if (ctrl[4] === 4 || ctrl[4] === 5) {
    if (ctrl[4] === 4) sumLeaves(ctrl, 8, ctrl[1], leafRanges, rows, gh, leafVals);
    else addLeafValues(ctrl, 8, ctrl[1], leafRanges, rows, leafVals, scores, ctrl[11], ctrl[12]);
    Atomics.store(ctrl, 3, seq);
    Atomics.notify(ctrl, 3);
    continue;
  }
  const q = ctrl[7] === 1;
  const start = ctrl[1];
  const end = ctrl[2];
  const chunk = ctrl[6];
  if (q) hist.fill(0, 0, hist.length / 2);
  else hist.fill(0);
  for (;;) {
    const s = start + Atomics.add(ctrl, 8, 1) * chunk;
    if (s >= end) break;
    const e = Math.min(end, s + chunk);
    if (q) accumulatePacked(rowBins32, init.words, pk, rows, s, e, hist);
    else accumulateHistogram(rowBins32, init.words, gh, rows, s, e, hist);
  }
  Atomics.store(ctrl, 3, seq);
  Atomics.notify(ctrl, 3);
}
