/**
 * Shadow scoring as a prediction sink: wraps the server's prediction-log sink (`{ append(records) }`),
 * passes every primary record on unchanged, and, for a model whose registry has a `challenger`
 * alias on another version, hands the records' logged inputs to a {@link ShadowScorer} of that
 * challenger. The scorer runs on a later event-loop turn and writes `role: 'shadow'` records back
 * through the same sink (not awaited). So the server needs no code of its own for shadowing:
 * `createServer({ predictionLog: new ShadowSink({ inner: logSink, registry }) })`.
 *
 * Needs input logging on (objects, not hashed): rows without inputs are not shadowed. Challengers
 * are looked up when a model is first seen and every `refreshMs` after (alias moves, new
 * challengers, removed ones); until one is loaded, nothing is shadowed.
 */
import { modelFromBytes } from '../artifact/model-artifact.js';
import type { Cell } from '../frame/frame.js';
import { expandGroup, type PredictionGroup } from '../log/group.js';
import type { PredictionRecord } from '../log/record.js';
import type { Registry } from '../registry/registry.js';
import { ShadowScorer, type ShadowOptions } from './shadow.js';
import { ShadowThread, shadowWorkerUrl } from './shadow-thread.js';

/** The server's sink shape (src/serve/options.ts `PredictionSink`). */
export interface RecordSink {
  append(records: PredictionRecord[]): Promise<void> | void;
  /** One request's predictions as a group (src/log/group.ts); sinks without it get the expanded records. */
  appendGroup?(group: PredictionGroup): Promise<void> | void;
}

export interface ShadowSinkOptions {
  /** The real log sink (omit to only shadow, e.g. in tests). */
  inner?: RecordSink;
  registry: Pick<Registry, 'resolve' | 'load'>;
  /** Where shadow records go (default: `inner.append`). */
  write?: (records: PredictionRecord[]) => void | Promise<void>;
  /** Re-resolve challengers this often (default 30 s). */
  refreshMs?: number;
  /** Passed to each {@link ShadowScorer}. */
  maxPendingRows?: number;
  /**
   * With the scoring thread: gather rows this long (ms) before posting a batch to it (default 10;
   * see {@link ShadowOptions.flushMs}). Without the thread rows are scored on the next turn.
   */
  flushMs?: number;
  /**
   * Score challengers on a worker thread (default true when the worker script is available;
   * `MODELYARD_SHADOW_THREAD=0` turns it off). Without it they score on the serving thread in slices of 64 rows.
   */
  thread?: boolean;
  /**
   * Share of eligible rows the challenger scores, in [0, 1] (default 1: every row). Below 1, rows
   * are taken evenly (every 1/fraction-th row per model, not at random), which cuts the shadow
   * cost proportionally when full shadowing costs too much latency or CPU; the comparison then
   * rests on fewer rows. 0 shadows nothing (challengers are still looked up).
   */
  fraction?: number;
  onError?: (e: unknown, what: string) => void;
}

interface Entry {
  /** Resolved challenger (null: none) and the scorer for it. */
  version: string | null;
  sha256: string | null;
  scorer: ShadowScorer | null;
  thread: ShadowThread | null;
  checkedAt: number;
  pending: Promise<void> | null;
  /** Shadow-fraction accumulator (see `fraction`). */
  share: number;
}

/**
 * @example
 * ```ts
 * const sink = new ShadowSink({ inner: logWriterSink, registry });
 * const app = await createServer({ models: ['credit@champion'], predictionLog: sink });
 * ```
 */
export class ShadowSink implements RecordSink {
  private readonly models = new Map<string, Entry>();
  private closed = false;
  private readonly fraction: number;

  constructor(readonly opts: ShadowSinkOptions) {
    const f = opts.fraction ?? 1;
    if (!(f >= 0 && f <= 1)) throw new RangeError(`shadow fraction must be in [0, 1], got ${f}`);
    this.fraction = f;
  }

  /**
   * Passes the records on and queues their shadow scoring. Not `async`: with a synchronous inner
   * sink the server's request path gets no promise and no extra microtask from shadowing.
   */
  append(records: PredictionRecord[]): Promise<void> | void {
    const written = this.opts.inner?.append(records);
    if (!this.closed) this.route(records);
    return written;
  }

  /**
   * A request's predictions as one group: passed on as a group, and expanded into records only when
   * the model has a challenger to shadow (or its challenger look-up is due). Not `async`, as {@link append}.
   */
  appendGroup(group: PredictionGroup): Promise<void> | void {
    const inner = this.opts.inner;
    const written = inner?.appendGroup ? inner.appendGroup(group) : inner?.append(expandGroup(group));
    if (!this.closed && group.codec !== null) {
      const e = this.models.get(group.model);
      const due = !e || (!e.pending && Date.now() - e.checkedAt >= (this.opts.refreshMs ?? 30_000));
      if (due || (e.scorer && e.version !== null && e.version !== group.version)) this.route(expandGroup(group));
    }
    return written;
  }

  /** Scorers by model (for stats and tests). */
  scorers(): Map<string, ShadowScorer> {
    const out = new Map<string, ShadowScorer>();
    for (const [name, e] of this.models) if (e.scorer) out.set(name, e.scorer);
    return out;
  }

  /** Resolves when challenger look-ups in flight are done and every queued row is scored. */
  async drain(): Promise<void> {
    for (const e of this.models.values()) await e.pending;
    for (const e of this.models.values()) await e.scorer?.drain();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
    for (const e of this.models.values()) await e.thread?.close();
  }

  private route(records: PredictionRecord[]): void {
    // One pass, no grouping structures: a request's records almost always belong to one model, so
    // rows are collected per run of equal `model` and submitted when the model changes.
    let start = 0;
    while (start < records.length) {
      const name = records[start].model;
      let end = start + 1;
      while (end < records.length && records[end].model === name) end++;
      this.submit(name, records, start, end);
      start = end;
    }
  }

  /** Submits the shadowable rows of `records[start, end)` (one model) to its challenger's scorer. */
  private submit(name: string, records: PredictionRecord[], start: number, end: number): void {
    let e: Entry | null = null;
    let rows: Record<string, Cell>[] | null = null;
    let primary: PredictionRecord[] | null = null;
    for (let i = start; i < end; i++) {
      const r = records[i];
      // Only primary rows with logged inputs are shadowed (and they alone trigger the look-up).
      if (r.role === 'shadow' || r.inputs === null || typeof r.inputs !== 'object') continue;
      if (!e) {
        e = this.entry(name);
        if (!e.scorer || e.version === null) return;
      }
      if (r.version === e.version) continue; // the challenger itself answered
      if (this.fraction < 1) {
        // Deterministic sampling (error diffusion): ⌊fraction · rows⌋ (± 1) rows, evenly spread.
        e.share += this.fraction;
        if (e.share < 1) continue;
        e.share -= 1;
      }
      (rows ??= []).push(r.inputs as Record<string, Cell>);
      (primary ??= []).push(r);
    }
    if (rows) e!.scorer!.submit(rows, primary!);
  }

  /** The model's entry, with a challenger look-up started when one is due. */
  private entry(name: string): Entry {
    let e = this.models.get(name);
    if (!e) this.models.set(name, (e = { version: null, sha256: null, scorer: null, thread: null, checkedAt: -Infinity, pending: null, share: 0 }));
    if (!e.pending && Date.now() - e.checkedAt >= (this.opts.refreshMs ?? 30_000)) {
      const entry = e;
      e.pending = this.lookup(name, e).finally(() => (entry.pending = null));
    }
    return e;
  }

  private async lookup(name: string, e: Entry): Promise<void> {
    e.checkedAt = Date.now();
    try {
      let info;
      try {
        info = await this.opts.registry.resolve(`${name}@challenger`);
      } catch (err) {
        if ((err as { code?: string }).code !== 'MODEL_NOT_FOUND') throw err;
        info = null;
      }
      if (!info) {
        e.version = null;
        e.sha256 = null;
        e.scorer = null;
        void e.thread?.close();
        e.thread = null;
        return;
      }
      if (info.sha256 === e.sha256 && e.version === info.version) return;
      const { bytes } = await this.opts.registry.load(info.ref);
      const { model } = modelFromBytes(bytes, info.ref, info.sha256);
      const write = this.opts.write ?? ((r: PredictionRecord[]) => this.opts.inner?.append(r));
      const url = this.opts.thread === false || process.env.MODELYARD_SHADOW_THREAD === '0' ? null : shadowWorkerUrl();
      const thread = url ? new ShadowThread(url, bytes, info.ref, model.inputColumns) : null;
      void e.thread?.close();
      e.thread = thread;
      e.scorer = new ShadowScorer({
        model,
        name,
        version: info.version,
        maxPendingRows: this.opts.maxPendingRows,
        // On the serving thread, small slices keep each turn short (p99); on the worker, bigger batches.
        maxBatchRows: thread ? 2000 : 64,
        flushMs: thread ? (this.opts.flushMs ?? 10) : 0,
        ...(thread ? { predict: (rows, threshold) => thread.predict(rows, threshold) } : {}),
        write: (r) => {
          Promise.resolve(write(r)).catch((err) => this.opts.onError?.(err, `writing shadow predictions of ${info.ref}`));
        },
      });
      e.version = info.version;
      e.sha256 = info.sha256;
    } catch (err) {
      this.opts.onError?.(err, `loading the challenger of ${name}`);
    }
  }
}
