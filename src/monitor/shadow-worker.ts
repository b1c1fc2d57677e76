/**
 * The challenger's scoring thread (see shadow-thread.ts): decodes the challenger artifact once and
 * scores the rows it is sent, answering with the predictions (or the error's message).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { modelFromBytes } from '../artifact/model-artifact.js';
import { unpackFrame, type PackedRows } from './shadow-pack.js';
import type { Predictions } from '../model/model.js';

export interface ShadowWorkerData {
  bytes: Uint8Array;
  label: string;
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
