/**
 * Worker thread body for parallel forests (parallel.ts): grows trees `from..to-1` and posts them
 * back on the given port, flagging progress in the shared control word.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import type { WorkerInput, WorkerResult } from './parallel.js';
import { trainTrees } from './train-trees.js';

const input = workerData as WorkerInput & { port: MessagePort };
Atomics.store(input.ctrl, 0, 1);
Atomics.notify(input.ctrl, 0);
let result: WorkerResult;
try {
  result = { chunk: trainTrees(input.data, input.baseW, input.cfg, input.seeds, input.from, input.to) };
} catch (e) {
  result = { error: e instanceof Error ? e.message : String(e) };
}
input.port.postMessage(result);
Atomics.store(input.ctrl, 0, 2);
Atomics.notify(input.ctrl, 0);
