/**
 * The challenger's scoring thread (see shadow-thread.ts): decodes the challenger artifact once and
 * scores the rows it is sent, answering with the predictions (or the error's message).
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { modelFromBytes } from '../artifact/model-artifact.js';
import { unpackFrame, type PackedRows } from './shadow-pack.js';
import type { Predictions } from '../model/model.js';

export interface ShadowWorkerData {
  bytes: Uint8Array;
  label: string;
  /** Nice value for this thread (0 = as the process). */
  nice?: number;
}

export interface ShadowRequest {
  seq: number;
  /** The rows, by column in the model's input-column order (shadow-pack.ts). */
  rows: PackedRows;
  threshold?: number;
}

export interface ShadowReply {
  seq: number;
  p?: Predictions;
  /** Scoring time of the batch on the thread, ms. */
  ms?: number;
  error?: string;
}

const data = workerData as ShadowWorkerData;
// Lower this thread's scheduling priority, so that on a busy machine the kernel runs the serving
// thread first and waking this one (a batch posted) does not preempt it. On Linux the nice value is
// per thread (setpriority(2), NOTES: NPTL threads), and os.setPriority with no pid sets the calling
// thread's, so only this worker is affected. Raising the nice value needs no privileges; a platform
// without per-thread priorities just keeps the default.
if (data.nice) {
  try {
    os.setPriority(data.nice);
  } catch {
    // unsupported here: scoring still works, at the default priority
  }
}
const { model } = modelFromBytes(data.bytes, data.label);

parentPort!.on('message', (m: ShadowRequest) => {
  let reply: ShadowReply;
  try {
    const t0 = performance.now();
    const p = model.predict(unpackFrame(m.rows), { unseen: 'missing', threshold: m.threshold });
    reply = { seq: m.seq, p: { task: p.task, n: p.n, labels: p.labels, proba: p.proba, values: p.values, segments: p.segments }, ms: performance.now() - t0 };
  } catch (e) {
    reply = { seq: m.seq, error: (e as Error)?.message ?? String(e) };
  }
  parentPort!.postMessage(reply);
});
