/**
 * Two-thread batch prediction. A persistent worker (started on the first large batch, unref'd so it
 * never keeps the process alive) and the calling thread claim blocks of rows from an atomic counter
 * (dynamic row-block scheduling, as the GBDT histogram build does) over a shared column copy of the
 * batch (categorical codes as numbers, missing as NaN). Model arrays are copied once per model into
 * SharedArrayBuffers. Results are identical to one-thread scoring: every row runs the same code.
 * From TypeScript sources (vitest, tsx) the worker comes from dist/ when built, else one thread.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { Column } from '../../frame/frame.js';
import { scoreColumns, setParallelPredict, type ForestArrays } from './forest.js';
import { workerScriptUrl } from '../../util/worker-url.js';
import { postTask, waitDone } from './control.js';

/** Batches smaller than this stay on the calling thread. */
const MIN_ROWS = 20_000;
/** The batch is done in rounds of at most 2 × CHUNK rows (copied into shared columns). */
const CHUNK = 131_072;
/** Rows per claimed block (~4 ms of scoring for 100 depth-6 trees). */
const BLOCK_ROWS = 4096;
/** Rows copied into shared memory before the worker is told it may claim them (ctrl[8]). */
const COPY_PIECE = 16_384;

interface Pool {
  worker: Worker;
  ctrl: Int32Array;
  port: MessagePort;
  seq: number;
  /** Shared buffers of the worker's share, kept across calls (see {@link buffers}). */
  data: Float64Array[];
  rows: number;
  chunkOut: Float64Array;
  /** What the worker holds now, so an unchanged job is not posted again. */
  jobForest: ForestArrays | null;
  jobBase: Float64Array | null;
}

/** Largest shared column buffer kept between calls, in doubles (64 MB). */
const MAX_SHARED_DOUBLES = 8_388_608;

let pool: Pool | null | undefined;
let parallelCalls = 0;

/** How many batches were shared with the worker so far in this thread (for tests). */
export function parallelPredictCalls(): number {
  return parallelCalls;
}
const shared = new WeakMap<ForestArrays, ForestArrays>();

function workerFile(): URL | null {
  return workerScriptUrl(import.meta.url, 'predict-worker.js');
}

function getPool(): Pool | null {
  if (pool !== undefined) return pool;
  const url = availableParallelism() > 1 && process.env.MODELYARD_PREDICT_THREADS !== '1' ? workerFile() : null;
  if (!url) return (pool = null);
  const ctrl = new Int32Array(new SharedArrayBuffer(9 * 4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(url, { workerData: { ctrl: ctrl.buffer, port: port2 }, transferList: [port2] });
  worker.unref();
  port1.unref();
  worker.on('error', () => {
    pool = null;
  });
  return (pool = { worker, ctrl, port: port1, seq: 0, data: [], rows: 0, chunkOut: new Float64Array(0), jobForest: null, jobBase: null });
}

function toShared<T extends Int32Array | Float64Array | Uint8Array>(a: T): T {
  const C = a.constructor as { new (b: SharedArrayBuffer): T };
  const out = new C(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

function sharedForest(f: ForestArrays): ForestArrays {
  let s = shared.get(f);
  if (!s) {
    s = { feat: toShared(f.feat), thr: toShared(f.thr), child: toShared(f.child), flags: toShared(f.flags), catStart: toShared(f.catStart), catBits: toShared(f.catBits), roots: toShared(f.roots) };
    shared.set(f, s);
  }
  return s;
}

function signal(p: Pool, cmd: number, from: number, to: number): number {
  const seq = ++p.seq;
  postTask(p.ctrl, seq, cmd, from, to);
  return seq;
}


/**
 * Makes `p.data` hold at least F columns of `want` rows (and `p.chunkOut` `want`·K values), growing
 * them only when too small; returns true when new buffers were made (the worker must be told).
 * The caller caps `want` so the kept set stays within {@link MAX_SHARED_DOUBLES} doubles.
 */
function buffers(p: Pool, F: number, K: number, want: number): boolean {
  if (p.data.length === F && p.rows >= want && p.chunkOut.length >= want * K) return false;
  p.rows = want;
  p.data = Array.from({ length: F }, () => new Float64Array(new SharedArrayBuffer(want * 8)));
  p.chunkOut = new Float64Array(new SharedArrayBuffer(want * K * 8));
  return true;
}

function predictParallel(forest: ForestArrays, cols: Column[], base: Float64Array, n: number, out: Float64Array): boolean {
  if (n < MIN_ROWS) return false;
  const p = getPool();
  if (!p) return false;
  // Never block on a worker that has not booted yet: a thread started moments ago may not run until
  // this one yields, and blocking here first was seen to hang. Until it says it is up, score here.
  if (Atomics.load(p.ctrl, 6) !== 1) return false;
  const F = cols.length;
  const K = base.length;
  // Each round of up to `rows` rows: the worker's share is copied into shared columns (see the loop
  // below); both threads claim its blocks of BLOCK_ROWS rows from an atomic counter (ctrl[7]) until
  // none is left, so a worker that the OS runs late (the machine is shared) takes fewer blocks
  // instead of making this thread wait for it. The shared buffers are kept between calls and reused: writing into freshly
  // allocated SharedArrayBuffer pages costs a page fault each (measured ~90 ms for 100k rows × 28
  // features, about as long as scoring them), while rewriting touched pages is a copy (~2 ms).
  const want = Math.min(2 * CHUNK, n, Math.max(4 * BLOCK_ROWS, Math.floor(MAX_SHARED_DOUBLES / Math.max(1, F, K))));
  const fresh = buffers(p, F, K, want);
  const rows = p.rows;
  const data = p.data;
  const chunkOut = p.chunkOut;
  if (fresh || p.jobForest !== forest || p.jobBase !== base) {
    p.port.postMessage({ forest: sharedForest(forest), base: toShared(base), cols: data, out: chunkOut });
    waitDone(p.ctrl, signal(p, 2, 0, 0), 1000);
    p.jobForest = forest;
    p.jobBase = base;
  }
  const c = p.ctrl;
  for (let s = 0; s < n; s += rows) {
    const m = Math.min(rows, n - s);
    // The worker's share, rows [0, w) of this round, is all that needs copying into shared memory:
    // this thread scores rows [w, m) straight from the frame's columns. The copy is published in
    // pieces (ctrl[8], rows copied so far), so the worker starts on the first piece while the rest
    // is copied instead of after the whole copy (~15 ms of a 200k × 28 predict). w is about half:
    // this thread also copies (≈ 8 % of scoring time per row), and it helps with the worker's blocks
    // when done, so a worker the OS runs late still does not make this thread wait.
    const w = Math.min(m, Math.ceil(m / 2 / BLOCK_ROWS) * BLOCK_ROWS);
    // The counter is reset before the wake-up; the worker only claims after it has seen this
    // round's sequence number, and this thread waits for its acknowledgement before the next round.
    Atomics.store(c, 7, 0);
    Atomics.store(c, 8, 0);
    c[5] = BLOCK_ROWS;
    const seq = signal(p, 1, 0, w);
    for (let a = 0; a < w; a += COPY_PIECE) {
      const e = Math.min(w, a + COPY_PIECE);
      for (let f = 0; f < F; f++) {
        const col = cols[f];
        if (col.type === 'number') data[f].set(col.values.subarray(s + a, s + e), a);
        else {
          const d = data[f];
          const codes = col.codes;
          for (let i = a; i < e; i++) d[i] = codes[s + i] < 0 ? NaN : codes[s + i];
        }
      }
      Atomics.store(c, 8, e);
      Atomics.notify(c, 8);
    }
    if (w < m) scoreColumns(forest, base, cols, s + w, s + m, out, s + w);
    for (;;) {
      const b = Atomics.add(c, 7, BLOCK_ROWS);
      if (b >= w) break;
      scoreColumns(forest, base, data, b, Math.min(w, b + BLOCK_ROWS), chunkOut, b);
    }
    waitDone(p.ctrl, seq, 1000);
    out.set(chunkOut.subarray(0, w * K), s * K);
  }
  parallelCalls++;
  return true;
}

setParallelPredict(predictParallel);
