/**
 * Builds leaf histograms on one or two threads. With two, the leaf's rows are split into chunks
 * that both threads claim from a shared counter; the worker sums its chunks into its own
 * SharedArrayBuffer and the partial histograms are added (by-row-block parallelism, as XGBoost's
 * `ParallelGHistBuilder`, src/common/hist_util.h, which gives each thread a partial histogram and
 * reduces them). Hand-off is through `Atomics.wait`/`notify` on a shared control block: no message
 * passing per leaf, and `fit` stays synchronous.
 *
 * The worker script is `hist-worker.js` beside this module. When this module runs from TypeScript
 * sources (vitest, tsx) it uses the built copy under dist/ if there is one, else it runs on one
 * thread (results are identical either way: only the summation order of two halves differs, and it
 * is fixed for a given thread count).
 */
import { Worker } from 'node:worker_threads';
import { accumulateHistogram, accumulatePacked, addHistogram, addLeafValues, partitionBlock, sumLeaves, unpackHistogram } from './histogram.js';
import { workerScriptUrl } from '../../util/worker-url.js';
import { binaryGradients } from './objectives.js';
import { gradientMax, quantizeRows, xorshiftJump } from './quantize.js';
import { postTask, waitDone } from './control.js';

/** Leaves with fewer rows than this are built on the calling thread (hand-off costs ~10–50 µs). */
const MIN_PARALLEL_ROWS = Number(process.env.MODELYARD_GBDT_MIN_PARALLEL_ROWS ?? 8192);
/** Rows per claimed block of the gradient pass. */
const GRADIENT_BLOCK = 16384;
/** Partitions of fewer rows run on the calling thread (~3 ns per row: 32k rows ≈ 100 µs ≫ hand-off). */
const MIN_PARALLEL_PARTITION = Number(process.env.MODELYARD_GBDT_MIN_PARALLEL_PARTITION ?? 32768);


function workerUrl(): URL | null {
  return workerScriptUrl(import.meta.url, 'hist-worker.js');
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
  /** Packed quantised gradient per row (see histogram.ts), used while {@link HistPool.setQuantized} is on. */
  pk: SharedArrayBuffer;
  histLength: number;
  /** Column-major bins (feature f's rows at [f*nRows, (f+1)*nRows)), read by partitions. */
  colBins: SharedArrayBuffer;
  /** Int32 per row: the right parts of partitions before they are joined. */
  tmp: SharedArrayBuffer;
  /** 256 bytes: the "goes left" flag per bin of the split being applied. */
  flags: SharedArrayBuffer;
  /** Int32 pairs: row range [start, end) of every leaf of the current tree (at most maxLeaves). */
  leafRanges: SharedArrayBuffer;
  /** Float64 per leaf ×2: gradient sums out of {@link HistPool.sumLeaves}, values into {@link HistPool.addLeafValues}. */
  leafVals: SharedArrayBuffer;
  /** Float64 n × K: the training scores. */
  scores: SharedArrayBuffer;
  /** Float64 per row: targets and row weights (binary gradients on both threads). */
  y: SharedArrayBuffer;
  w: SharedArrayBuffer;
  /** 8 doubles: parameters and results of the two-thread quantisation (see {@link HistPool.quantize}). */
  quant: SharedArrayBuffer;
}

export class HistPool {
  private readonly rowBins32: Uint32Array;
  private readonly gh: Float32Array;
  private readonly rows: Int32Array;
  private readonly pk: Float64Array;
  private readonly colBins: Uint8Array;
  /** Right parts of partitions (shared with the worker). */
  readonly tmp: Int32Array;
  /** Per-bin "goes left" flags read by {@link partition}; the caller fills them before each call. */
  readonly flags: Uint8Array;
  /** Leaf row ranges (pairs), filled by the caller of {@link sumLeaves} / {@link addLeafValues}. */
  readonly leafRanges: Int32Array;
  /** Leaf sums (pairs g, h) or leaf values (one per leaf). */
  readonly leafVals: Float64Array;
  private readonly scores: Float64Array;
  private readonly y: Float64Array;
  private readonly w: Float64Array;
  private readonly qBuf: Float64Array;
  private readonly localMax = new Float64Array(2);
  /** Packed histogram of this thread (quantised mode). */
  private readonly packed: Float64Array;
  private quant = false;
  private shift = 1;
  private gScale = 1;
  private hScale = 1;
  private worker: Worker | null = null;
  private ctrl: Int32Array | null = null;
  private partial: Float64Array | null = null;
  private seq = 0;

  private readonly minParallelPartition: number;

  constructor(
    private readonly inp: HistInputs,
    threads: number,
    /** Tests lower the partition threshold (rows) to exercise the worker on small data. */
    options: { minParallelPartition?: number } = {},
  ) {
    this.minParallelPartition = options.minParallelPartition ?? MIN_PARALLEL_PARTITION;
    this.rowBins32 = new Uint32Array(inp.rowBins);
    this.gh = new Float32Array(inp.gh);
    this.rows = new Int32Array(inp.rows);
    this.pk = new Float64Array(inp.pk);
    this.colBins = new Uint8Array(inp.colBins);
    this.tmp = new Int32Array(inp.tmp);
    this.flags = new Uint8Array(inp.flags);
    this.leafRanges = new Int32Array(inp.leafRanges);
    this.leafVals = new Float64Array(inp.leafVals);
    this.scores = new Float64Array(inp.scores);
    this.y = new Float64Array(inp.y);
    this.w = new Float64Array(inp.w);
    this.qBuf = new Float64Array(inp.quant);
    this.packed = new Float64Array(inp.histLength / 2);
    const url = threads > 1 ? workerUrl() : null;
    if (url) {
      const ctrlBuf = new SharedArrayBuffer(16 * 4);
      const histBuf = new SharedArrayBuffer(inp.histLength * 8);
      this.ctrl = new Int32Array(ctrlBuf);
      this.partial = new Float64Array(histBuf);
      this.worker = new Worker(url, { workerData: { ctrl: ctrlBuf, rowBins: inp.rowBins, words: inp.words, gh: inp.gh, rows: inp.rows, pk: inp.pk, hist: histBuf, colBins: inp.colBins, tmp: inp.tmp, flags: inp.flags, leafRanges: inp.leafRanges, leafVals: inp.leafVals, scores: inp.scores, y: inp.y, w: inp.w, quant: inp.quant } });
      this.worker.unref();
    }
  }

  /** Threads in use. */
  get threads(): number {
    return this.worker ? 2 : 1;
  }

  /**
   * Quantised mode for the next builds (one tree): histograms sum the packed values in `pk`
   * (g_q·shift + h_q per row) and are unpacked with the tree's scales; `on = false` goes back to
   * float gradients.
   */
  setQuantized(on: boolean, shift = 1, gScale = 1, hScale = 1): void {
    this.quant = on;
    this.shift = shift;
    this.gScale = gScale;
    this.hScale = hScale;
  }

  /** `out` = histogram of rows[start..end) ((g, h) interleaved, see histogram.ts). */
  build(start: number, end: number, out: Float64Array): void {
    const len = this.inp.histLength;
    const q = this.quant;
    const acc = q ? this.packed : out;
    const accLen = q ? len / 2 : len;
    acc.fill(0, 0, accLen);
    if (!this.worker || end - start < MIN_PARALLEL_ROWS) {
      this.accumulate(start, end, acc);
    } else {
      const ctrl = this.ctrl!;
      // Rows are handed out in chunks claimed with an atomic counter (ctrl[8]), so a thread that
      // wakes late or is descheduled on a busy machine simply takes fewer chunks (dynamic
      // scheduling, as XGBoost's `ParallelFor` over row blocks). Quantised sums are exact integers,
      // so any split of the chunks gives the same histogram; float sums use two fixed halves.
      const chunk = q ? Math.max(2048, Math.ceil((end - start) / 32)) : Math.ceil((end - start) / 2);
      ctrl[6] = chunk;
      ctrl[7] = q ? 1 : 0;
      ctrl[8] = 0;
      const seq = ++this.seq;
      postTask(ctrl, seq, 1, start, end);
      for (;;) {
        const s = start + Atomics.add(ctrl, 8, 1) * chunk;
        if (s >= end) break;
        this.accumulate(s, Math.min(end, s + chunk), acc);
      }
      // The worker joins a task at most once, by moving ctrl[5] seq−1 → seq. If it has not joined by
      // now (still booting, or descheduled), this thread closes the task to it and needs no wait; if
      // it has, it is finishing its last chunk.
      if (Atomics.compareExchange(ctrl, 5, seq - 1, seq) !== seq - 1) {
        waitDone(ctrl, seq);
        addHistogram(acc, this.partial!, accLen);
      }
    }
    if (q) unpackHistogram(acc, len / 2, this.shift, this.gScale, this.hScale, out);
  }

  /**
   * Stable partition of rows[start..end) by {@link flags} over the feature whose bins start at
   * `base` in the column-major matrix; returns the index of the first right row. With two threads
   * each takes one half (left rows compacted in place, right rows to `tmp`) and the calling thread
   * joins the four parts: left₀ left₁ right₀ right₁ — the order one thread would give, so the result
   * does not depend on the thread count (LightGBM's `DataPartition::Split` joins per-thread blocks
   * by prefix sums the same way). If the worker has not joined when the calling thread finishes its
   * half, the calling thread takes the other half too.
   */
  partition(start: number, end: number, base: number): number {
    const rows = this.rows;
    const tmp = this.tmp;
    const bins = this.colBins;
    const flags = this.flags;
    if (!this.worker || end - start < this.minParallelPartition) {
      const nl = partitionBlock(bins, base, flags, rows, tmp, start, end);
      rows.set(tmp.subarray(start, end - nl), start + nl);
      return start + nl;
    }
    const ctrl = this.ctrl!;
    const half = start + ((end - start) >> 1);
    ctrl[9] = base;
    const seq = ++this.seq;
    postTask(ctrl, seq, 3, half, end);
    const nl0 = partitionBlock(bins, base, flags, rows, tmp, start, half);
    let nl1: number;
    if (Atomics.compareExchange(ctrl, 5, seq - 1, seq) !== seq - 1) {
      waitDone(ctrl, seq);
      nl1 = ctrl[10];
    } else nl1 = partitionBlock(bins, base, flags, rows, tmp, half, end);
    // [L0 | R0 gap][L1 | R1 gap] → L0 L1 R0 R1 (copyWithin is a memmove).
    const r0 = half - start - nl0;
    rows.copyWithin(start + nl0, half, half + nl1);
    rows.set(tmp.subarray(start, start + r0), start + nl0 + nl1);
    rows.set(tmp.subarray(half, end - nl1), start + nl0 + nl1 + r0);
    return start + nl0 + nl1;
  }

  /**
   * Exact gradient sums of leaves 0..nLeaves−1 (ranges in {@link leafRanges}) into
   * {@link leafVals} (g, h per leaf), leaves shared between the threads.
   */
  sumLeaves(nLeaves: number, rowsTotal: number): void {
    if (!this.startLeafTask(4, nLeaves, rowsTotal, 0, 0)) {
      this.ctrl2[0] = 0;
      sumLeaves(this.ctrl2, 0, nLeaves, this.leafRanges, this.rows, this.gh, this.leafVals);
      return;
    }
    sumLeaves(this.ctrl!, 8, nLeaves, this.leafRanges, this.rows, this.gh, this.leafVals);
    this.finishTask();
  }

  /** Adds value {@link leafVals}[l] to score column k of leaf l's rows, for l < nLeaves (both threads). */
  addLeafValues(nLeaves: number, rowsTotal: number, K: number, k: number): void {
    if (!this.startLeafTask(5, nLeaves, rowsTotal, K, k)) {
      this.ctrl2[0] = 0;
      addLeafValues(this.ctrl2, 0, nLeaves, this.leafRanges, this.rows, this.leafVals, this.scores, K, k);
      return;
    }
    addLeafValues(this.ctrl!, 8, nLeaves, this.leafRanges, this.rows, this.leafVals, this.scores, K, k);
    this.finishTask();
  }

  /**
   * Binary log-loss gradients of rows [0, n) into `gh` (objectives.ts `binaryGradients`), in blocks of
   * rows both threads claim; per-row arithmetic, so the same values on one or two threads.
   */
  binaryGradients(n: number): void {
    if (!this.startLeafTask(6, n, n, 0, 0)) {
      binaryGradients(this.scores, this.y, this.w, this.gh, 0, n);
      return;
    }
    const ctrl = this.ctrl!;
    for (;;) {
      const s = Atomics.add(ctrl, 8, 1) * GRADIENT_BLOCK;
      if (s >= n) break;
      binaryGradients(this.scores, this.y, this.w, this.gh, s, Math.min(n, s + GRADIENT_BLOCK));
    }
    this.finishTask();
  }

  /**
   * Quantises the gradients of rows [0, n) into `pk` with L levels (quantize.ts): returns the
   * gradient and hessian scales and the rounding generator's next state. With two threads each
   * takes one half of the rows for the max pass and for the rounding pass, the worker's generator
   * jumped ahead to the state after the first half's draws, so `pk` is the one-thread result.
   */
  quantize(n: number, L: number, shift: number, state: number): [number, number, number] {
    const q = this.qBuf;
    const gh = this.gh;
    const half = n >> 1;
    const two = this.worker !== null && n >= 2 * MIN_PARALLEL_ROWS;
    // Max pass.
    let gMax: number;
    let hMax: number;
    if (two) {
      this.startHalfTask(7, half, n);
      gradientMax(gh, 0, half, this.localMax);
      gMax = this.localMax[0];
      hMax = this.localMax[1];
      if (!this.finishHalfTask()) gradientMax(gh, half, n, q);
      gMax = Math.max(gMax, q[0]);
      hMax = Math.max(hMax, q[1]);
    } else {
      gradientMax(gh, 0, n, this.localMax);
      gMax = this.localMax[0];
      hMax = this.localMax[1];
    }
    const gScale = gMax > 0 ? gMax / L : 1;
    const hScale = hMax > 0 ? hMax / L : 1;
    const gInv = 1 / gScale;
    const hInv = 1 / hScale;
    if (!two) return [gScale, hScale, quantizeRows(gh, 0, n, L, shift, gInv, hInv, this.pk, state)];
    // Rounding pass: two draws per row, so the second half starts 2·half draws on.
    q[2] = L;
    q[3] = shift;
    q[4] = gInv;
    q[5] = hInv;
    q[6] = xorshiftJump(state, 2 * half);
    this.startHalfTask(8, half, n);
    const mid = quantizeRows(gh, 0, half, L, shift, gInv, hInv, this.pk, state);
    const next = this.finishHalfTask() ? q[7] : quantizeRows(gh, half, n, L, shift, gInv, hInv, this.pk, mid);
    return [gScale, hScale, next];
  }

  /** Posts a task on rows [start, end) to the worker. */
  private startHalfTask(cmd: number, start: number, end: number): void {
    postTask(this.ctrl!, ++this.seq, cmd, start, end);
  }

  /** True when the worker did the posted half (waits for it); false: the caller must do it. */
  private finishHalfTask(): boolean {
    const ctrl = this.ctrl!;
    const seq = this.seq;
    if (Atomics.compareExchange(ctrl, 5, seq - 1, seq) === seq - 1) return false;
    waitDone(ctrl, seq);
    return true;
  }

  /** Claim counter for one-thread runs of the leaf kernels. */
  private readonly ctrl2 = new Int32Array(new SharedArrayBuffer(4));

  /** Posts a per-leaf task to the worker (false: run it on this thread alone). */
  private startLeafTask(cmd: number, nLeaves: number, rowsTotal: number, K: number, k: number): boolean {
    if (!this.worker || rowsTotal < MIN_PARALLEL_ROWS || nLeaves < 2) return false;
    const ctrl = this.ctrl!;
    ctrl[1] = nLeaves;
    ctrl[4] = cmd;
    ctrl[8] = 0;
    ctrl[11] = K;
    ctrl[12] = k;
    const seq = ++this.seq;
    Atomics.store(ctrl, 0, seq);
    Atomics.notify(ctrl, 0);
    return true;
  }

  /** Closes the current task to a worker that has not joined, or waits for the one that has. */
  private finishTask(): void {
    const ctrl = this.ctrl!;
    const seq = this.seq;
    if (Atomics.compareExchange(ctrl, 5, seq - 1, seq) !== seq - 1) {
      waitDone(ctrl, seq);
    }
  }

  private accumulate(start: number, end: number, acc: Float64Array): void {
    if (this.quant) accumulatePacked(this.rowBins32, this.inp.words, this.pk, this.rows, start, end, acc);
    else accumulateHistogram(this.rowBins32, this.inp.words, this.gh, this.rows, start, end, acc);
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
