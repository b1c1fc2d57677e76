/**
 * Spreads a forest's trees over threads: the calling thread grows the first share of the trees
 * while worker threads (tree-worker.js) grow the rest over SharedArrayBuffer copies of the binned
 * data. `fit` stays synchronous: the caller blocks on `Atomics.wait` until the workers flag
 * completion, then reads their trees with `receiveMessageOnPort`. Tree t always uses seed t, so the
 * forest is identical whatever the thread count (chunks are concatenated in tree order).
 *
 * The worker script is `tree-worker.js` beside this module; when running from TypeScript sources
 * (vitest, tsx) the built copy under dist/ is used if present, else everything runs on one thread.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { ModelyardError } from '../../errors.js';
import { TreeBuffer } from './buffer.js';
import type { GrowData } from './grow.js';
import { trainTrees, type TrainTreesConfig, type TreesChunk } from './train-trees.js';
import { workerScriptUrl } from '../../util/worker-url.js';

/** Below this many (rows × trees) a worker's start-up (~50 ms) costs more than it saves. */
const MIN_PARALLEL_WORK = 100_000;
/** How long to wait for a worker to start before growing its trees here instead. */
const START_TIMEOUT_MS = 20_000;

function workerUrl(): URL | null {
  return workerScriptUrl(import.meta.url, 'tree-worker.js');
}

function shared<T extends Uint8Array | Int32Array | Float64Array | Uint32Array>(a: T): T {
  const C = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new C(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

/** Message a worker sends back. */
export interface WorkerResult {
  chunk?: TreesChunk;
  error?: string;
}

/** Input of a worker (see tree-worker.ts). */
export interface WorkerInput {
  ctrl: Int32Array;
  data: GrowData;
  baseW: Float64Array;
  cfg: TrainTreesConfig;
  seeds: Uint32Array;
  from: number;
  to: number;
}

/**
 * Grows all trees, on up to `threads` threads (default: all cores).
 *
 * @example
 * ```ts
 * const chunk = trainTreesParallel(data, w, cfg, seeds, 2);
 * ```
 */
export function trainTreesParallel(data: GrowData, baseW: Float64Array, cfg: TrainTreesConfig, seeds: Uint32Array, threads: number | undefined, onProgress?: (done: number, total: number) => void): TreesChunk {
  const nTrees = seeds.length;
  const want = Math.max(1, Math.min(threads ?? availableParallelism(), nTrees, 8));
  const url = want > 1 && data.n * nTrees >= MIN_PARALLEL_WORK ? workerUrl() : null;
  let done = 0;
  const tick = (): void => onProgress?.(++done, nTrees);
  if (!url) return trainTrees(data, baseW, cfg, seeds, 0, nTrees, tick);

  // Equal shares of trees; the calling thread takes the first.
  const bounds = Array.from({ length: want + 1 }, (_, i) => Math.round((i * nTrees) / want));
  const sharedData: GrowData = { ...data, bins: shared(data.bins), cls: shared(data.cls), y: shared(data.y), nBins: shared(data.nBins), isCat: shared(data.isCat) };
  const sharedW = shared(baseW);
  const jobs: { worker: Worker; port: MessagePort; ctrl: Int32Array; from: number; to: number }[] = [];
  for (let j = 1; j < want; j++) {
    const ctrl = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    const input: WorkerInput & { port: unknown } = { ctrl, data: sharedData, baseW: sharedW, cfg, seeds, from: bounds[j], to: bounds[j + 1], port: port2 };
    const worker = new Worker(url, { workerData: input, transferList: [port2] });
    worker.unref();
    jobs.push({ worker, port: port1, ctrl, from: bounds[j], to: bounds[j + 1] });
  }
  const chunks: TreesChunk[] = [trainTrees(data, baseW, cfg, seeds, bounds[0], bounds[1], tick)];
  for (const job of jobs) {
    // ctrl[0]: 1 = started, 2 = finished. A worker that never starts (e.g. a broken build) is replaced by this thread.
    const t0 = Date.now();
    while (Atomics.load(job.ctrl, 0) === 0 && Date.now() - t0 < START_TIMEOUT_MS) Atomics.wait(job.ctrl, 0, 0, 100);
    if (Atomics.load(job.ctrl, 0) === 0) {
      void job.worker.terminate();
      chunks.push(trainTrees(data, baseW, cfg, seeds, job.from, job.to, tick));
      continue;
    }
    while (Atomics.load(job.ctrl, 0) !== 2) Atomics.wait(job.ctrl, 0, 1, 1000);
    const msg = receiveMessageOnPort(job.port);
    void job.worker.terminate();
    const res = msg?.message as WorkerResult | undefined;
    if (!res?.chunk) throw new ModelyardError('INTERNAL', `tree worker failed: ${res?.error ?? 'no result'}`);
    for (let t = job.from; t < job.to; t++) tick();
    chunks.push(res.chunk);
  }
  return mergeChunks(chunks, data.m, data.nFeatures);
}

/** Concatenates chunks of trees (in tree order) into one forest. */
export function mergeChunks(chunks: readonly TreesChunk[], m: number, nFeatures: number): TreesChunk {
  if (chunks.length === 1) return chunks[0];
  const all = new TreeBuffer(m, 1);
  const roots: number[] = [];
  const importance = new Float64Array(nFeatures);
  for (const c of chunks) {
    const base = all.nNodes;
    const one = new TreeBuffer(m, 1);
    // Load the chunk's arrays into a buffer and append: offsets shift by the nodes and words before it.
    one.feature = c.nodes.feature;
    one.threshold = c.nodes.threshold;
    one.missingLeft = c.nodes.missingLeft;
    one.categorical = c.nodes.categorical;
    one.left = c.nodes.left;
    one.right = c.nodes.right;
    one.values = c.nodes.values;
    one.words = c.nodes.words;
    one.nNodes = c.nodes.feature.length;
    one.nWords = c.nodes.words.length;
    all.append(one);
    for (const r of c.roots) roots.push(r + base);
    for (let f = 0; f < nFeatures; f++) importance[f] += c.importance[f];
  }
  return { nodes: all.arrays(), roots: Int32Array.from(roots), importance };
}
