/**
 * Challenger scoring on a worker thread, so shadow scoring does not take the serving thread's time
 * (issue 7: shadowing may add at most 10 % to p99 latency). The serving thread posts a batch of
 * input rows, packed by column (shadow-pack.ts: typed arrays transferred rather than row objects
 * cloned), and gets the predictions back; the worker holds its own decoded copy of the artifact.
 * The worker never keeps the process alive (unref'd): shadow rows not scored at exit are lost,
 * which only shortens the comparison window. From TypeScript sources (vitest) the worker comes
 * from dist/ when built; without it the scorer scores on the serving thread, in small slices.
 */
import { Worker } from 'node:worker_threads';
import type { Cell } from '../frame/frame.js';
import type { Predictions } from '../model/model.js';
import type { ShadowReply, ShadowRequest, ShadowWorkerData } from './shadow-worker.js';
import { workerScriptUrl } from '../util/worker-url.js';
import { packRows } from './shadow-pack.js';

/** The worker script next to this module (dist/), or dist/'s copy when running from src/; null when neither exists. */
export function shadowWorkerUrl(): URL | null {
  return workerScriptUrl(import.meta.url, 'shadow-worker.js');
}

/**
 * @example
 * ```ts
 * const t = new ShadowThread(shadowWorkerUrl()!, bytes, 'credit@challenger', model.inputColumns);
 * const { p, ms } = await t.predict(rows);
 * await t.close();
 * ```
 */
export class ShadowThread {
  private readonly worker: Worker;
  private seq = 0;
  private readonly outstanding = new Map<number, { resolve: (r: { p: Predictions; ms: number }) => void; reject: (e: Error) => void }>();
  private dead: Error | null = null;

  /**
   * `columns`: the challenger's input columns (`model.inputColumns`), the only fields sent. `nice`:
   * the thread's scheduling niceness, 0–19. Default 10: weight 110 against 1,024 for a nice-0 thread
   * (Linux kernel/sched/core.c, `sched_prio_to_weight`), so its virtual deadline (EEVDF) is ~9× later
   * and waking it does not preempt the serving thread, yet against one busy nice-0 thread it still
   * gets ~10 % of a core, more than the challenger needs (≈ 6–7 µs a row on the thread vs ≈ 90 µs a
   * request on the serving thread in bench/shadow's profile). At 19 (weight 15) it starved when the
   * machine was saturated: 4.6 % of rows dropped in the closed-loop shape at load 5.
   */
  constructor(url: URL, bytes: Uint8Array, label: string, private readonly columns: readonly string[], nice = 10) {
    const data: ShadowWorkerData = { bytes, label, nice };
    this.worker = new Worker(url, { workerData: data });
    this.worker.unref();
    this.worker.on('message', (m: ShadowReply) => {
      const o = this.outstanding.get(m.seq);
      if (!o) return;
      this.outstanding.delete(m.seq);
      if (m.error !== undefined || !m.p) o.reject(new Error(m.error ?? 'no predictions'));
      else o.resolve({ p: m.p, ms: m.ms ?? 0 });
    });
    const fail = (e: Error): void => {
      this.dead ??= e;
      for (const o of this.outstanding.values()) o.reject(e);
      this.outstanding.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`shadow scoring thread exited (${code})`)));
  }

  /** Scores rows on the thread (unseen categories as missing, as the in-thread scorer does). */
  predict(rows: readonly Record<string, Cell>[], threshold?: number): Promise<{ p: Predictions; ms: number }> {
    if (this.dead) return Promise.reject(this.dead);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.outstanding.set(seq, { resolve, reject });
      const { packed, transfer } = packRows([rows], this.columns);
      const msg: ShadowRequest = { seq, rows: packed, ...(threshold !== undefined ? { threshold } : {}) };
      this.worker.postMessage(msg, transfer);
    });
  }

  async close(): Promise<void> {
    this.dead ??= new Error('shadow scoring thread closed');
    await this.worker.terminate();
  }
}
