/**
 * Builds leaf histograms on one or two threads. With two, the leaf's rows are split in halves: a
 * worker thread builds the second half into its own SharedArrayBuffer while the calling thread
 * builds the first, then the halves are added (by-row-block parallelism, as XGBoost's
 * `ParallelGHistBuilder`, src/common/hist_util.h, which gives each thread a partial histogram and
 * reduces them). Hand-off is through `Atomics.wait`/`notify` on a shared control block: no message
 * passing per leaf, and `fit` stays synchronous.
 *
 * The worker script is `hist-worker.js` beside this module. When this module runs from TypeScript
 * sources (vitest, tsx) it uses the built copy under dist/ if there is one, else it runs on one
 * thread (results are identical either way: only the summation order of two halves differs, and it
 * is fixed for a given thread count).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { accumulateHistogram, addHistogram } from './histogram.js';

/** Leaves with fewer rows than this are built on the calling thread (hand-off costs ~10–50 µs). */
const MIN_PARALLEL_ROWS = Number(process.env.MODELYARD_GBDT_MIN_PARALLEL_ROWS ?? 8192);

function workerUrl(): URL | null {
  const here = new URL('./hist-worker.js', import.meta.url);
  if (here.protocol === 'file:' && existsSync(fileURLToPath(here))) return here;
  const self = fileURLToPath(import.meta.url);
  const built = self.replace(/[\\/]src[\\/]learn[\\/]gbdt[\\/][^\\/]+$/, '/dist/learn/gbdt/hist-worker.js');
  return built !== self && existsSync(built) ? pathToFileURL(built) : null;
}

/** Whether a worker script is available (else training runs on one thread). */
export function workersAvailable(): boolean {
  return workerUrl() !== null;
}

/** Shared buffers the histogram builder reads. */
export interface HistInputs {
  rowBins: SharedArrayBuffer;
  words: number;
  gh: SharedArrayBuffer;
  rows: SharedArrayBuffer;
  histLength: number;
}

export class HistPool {
  private readonly rowBins32: Uint32Array;
  private readonly gh: Float32Array;
  private readonly rows: Int32Array;
  private worker: Worker | null = null;
  private ctrl: Int32Array | null = null;
  private partial: Float64Array | null = null;
  private seq = 0;

  constructor(
    private readonly inp: HistInputs,
    threads: number,
  ) {
    this.rowBins32 = new Uint32Array(inp.rowBins);
    this.gh = new Float32Array(inp.gh);
    this.rows = new Int32Array(inp.rows);
    const url = threads > 1 ? workerUrl() : null;
    if (url) {
      const ctrlBuf = new SharedArrayBuffer(8 * 4);
      const histBuf = new SharedArrayBuffer(inp.histLength * 8);
      this.ctrl = new Int32Array(ctrlBuf);
      this.partial = new Float64Array(histBuf);
      this.worker = new Worker(url, { workerData: { ctrl: ctrlBuf, rowBins: inp.rowBins, words: inp.words, gh: inp.gh, rows: inp.rows, hist: histBuf } });
      this.worker.unref();
    }
  }

  /** Threads in use. */
  get threads(): number {
    return this.worker ? 2 : 1;
  }

  /** `out` = histogram of rows[start..end). */
  build(start: number, end: number, out: Float64Array): void {
    const len = this.inp.histLength;
    out.fill(0, 0, len);
    if (!this.worker || end - start < MIN_PARALLEL_ROWS) {
      accumulateHistogram(this.rowBins32, this.inp.words, this.gh, this.rows, start, end, out);
      return;
    }
    const ctrl = this.ctrl!;
    const mid = (start + end) >>> 1;
    ctrl[1] = mid;
    ctrl[2] = end;
    ctrl[4] = 1;
    const seq = ++this.seq;
    Atomics.store(ctrl, 0, seq);
    Atomics.notify(ctrl, 0);
    accumulateHistogram(this.rowBins32, this.inp.words, this.gh, this.rows, start, mid, out);
    // The second half goes to whoever claims it first (ctrl[5] moves seq−1 → seq exactly once). If the
    // worker has not picked the task up by now — still booting, or descheduled on a busy machine —
    // this thread does it itself instead of blocking on a worker that may not run soon (or at all).
    if (Atomics.compareExchange(ctrl, 5, seq - 1, seq) === seq - 1) {
      accumulateHistogram(this.rowBins32, this.inp.words, this.gh, this.rows, mid, end, out);
      return;
    }
    while (Atomics.load(ctrl, 3) !== seq) Atomics.wait(ctrl, 3, Atomics.load(ctrl, 3));
    addHistogram(out, this.partial!, len);
  }

  /** Stops the worker. */
  close(): void {
    if (!this.worker) return;
    const ctrl = this.ctrl!;
    ctrl[4] = 2;
    // A stop is not a claimable task: keep ctrl[5] in step so claims stay seq − 1 → seq.
    const seq = ++this.seq;
    Atomics.store(ctrl, 5, seq);
    Atomics.store(ctrl, 0, seq);
    Atomics.notify(ctrl, 0);
    void this.worker.terminate();
    this.worker = null;
  }
}
