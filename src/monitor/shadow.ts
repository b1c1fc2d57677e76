/**
 * Shadow scoring for champion/challenger: the challenger scores the same rows as the champion, off
 * the request's critical path. The server calls {@link ShadowScorer.submit} after it has answered
 * (e.g. in an `onResponse` hook) with the request's rows and the champion's PredictionRecords; the
 * scorer queues them and scores on a later turn of the event loop (`setImmediate`), batching
 * whatever queued up meanwhile into one `predict` call, and hands the resulting `role: 'shadow'`
 * records (each with `shadow_of` = the champion row's id) to `write` (the log writer). A full queue
 * drops work instead of growing (counted in `stats.dropped`), and a challenger that fails is
 * counted, never thrown into serving.
 *
 * With `predict` (a {@link ShadowThread}: the challenger on a worker thread) the scoring itself
 * leaves the serving thread; one batch is in flight at a time and rows queue meanwhile (counted
 * against `maxPendingRows`), and `flushMs` lets rows gather into fewer, larger batches. Without
 * it, batches are scored here in slices of at most `maxBatchRows` (default 2,000; 64 is a good
 * value when latency matters), one slice per event-loop turn.
 */
import { Frame, type Cell } from '../frame/frame.js';
import type { PredictionRecord } from '../log/record.js';
import type { Model, Predictions } from '../model/model.js';
import { uuidv7 } from '../util/uuidv7.js';

export interface ShadowOptions {
  /** The challenger model and its registry identity. */
  model: Model;
  name: string;
  version: string;
  /** Receives shadow records (the log writer's `write`). */
  write: (records: PredictionRecord[]) => void;
  /** Rows queued before new work is dropped (default 10 000). */
  maxPendingRows?: number;
  /** Rows scored per batch at most (default 2 000); larger queues are scored over several turns. */
  maxBatchRows?: number;
  /** Binary decision threshold (default 0.5). */
  threshold?: number;
  /**
   * Wait this long (ms) before scoring what has queued (default 0: the next event-loop turn). Each
   * batch posted to a scoring thread costs a `postMessage` (≈ 10 µs on the serving thread, measured
   * with node --cpu-prof in bench/shadow, whatever the batch size) and wakes the thread; at one row
   * per request and a fast challenger, batches otherwise hold one or two rows, so that fixed cost is
   * paid per request. A few ms of delay on the shadow row costs nothing and spreads it over many.
   */
  flushMs?: number;
  /** Scores off this thread (shadow-thread.ts); `ms` is the batch's scoring time there. */
  predict?: (rows: readonly Record<string, Cell>[], threshold?: number) => Promise<{ p: Predictions; ms: number }>;
}

interface Pending {
  rows: readonly Record<string, Cell>[];
  primary: readonly PredictionRecord[];
}

/**
 * @example
 * ```ts
 * const shadow = new ShadowScorer({ model: challenger, name: 'credit', version: '1.1.0', write: (r) => log.write(r) });
 * app.addHook('onResponse', async (req) => { if (req.scored) shadow.submit(req.scored.rows, req.scored.records); });
 * ```
 */
export class ShadowScorer {
  private readonly queue: Pending[] = [];
  private pendingRows = 0;
  private scheduled = false;
  private idle: Promise<void> = Promise.resolve();
  private resolveIdle: (() => void) | null = null;
  readonly stats = { submitted: 0, scored: 0, dropped: 0, failed: 0, lastError: null as string | null };

  constructor(readonly opts: ShadowOptions) {}

  /**
   * Queues a request's rows with the champion's records for them (same order, one record per row).
   * Returns false when the queue is full and the rows were dropped. Never throws, never scores
   * synchronously.
   */
  submit(rows: readonly Record<string, Cell>[], primary: readonly PredictionRecord[]): boolean {
    if (rows.length === 0) return true;
    const max = this.opts.maxPendingRows ?? 10_000;
    if (this.pendingRows + rows.length > max || rows.length !== primary.length) {
      this.stats.dropped += rows.length;
      return false;
    }
    this.queue.push({ rows, primary });
    this.pendingRows += rows.length;
    this.stats.submitted += rows.length;
    this.schedule();
    return true;
  }

  /** Resolves when everything queued so far has been scored (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.scheduled || this.queue.length > 0) await this.idle;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.idle = new Promise((r) => (this.resolveIdle = r));
    this.later();
  }

  private later(): void {
    const ms = this.opts.flushMs ?? 0;
    if (ms > 0) setTimeout(() => this.run(), ms);
    else setImmediate(() => this.run());
  }

  private run(): void {
    const maxBatch = this.opts.maxBatchRows ?? 2000;
    const batch: Pending[] = [];
    let n = 0;
    while (this.queue.length > 0 && (n === 0 || n + this.queue[0].rows.length <= maxBatch)) {
      const p = this.queue.shift()!;
      batch.push(p);
      n += p.rows.length;
    }
    const failed = (e: unknown): void => {
      this.stats.failed += n;
      this.stats.lastError = (e as Error)?.message ?? String(e);
    };
    const next = (): void => {
      if (this.queue.length > 0) {
        this.later();
        return;
      }
      this.scheduled = false;
      this.resolveIdle?.();
    };
    const rows = batch.flatMap((b) => b.rows);
    const primary = batch.flatMap((b) => b.primary);
    if (this.opts.predict) {
      // Off-thread: the batch's rows stay counted as pending until its answer is back.
      this.opts
        .predict(rows, this.opts.threshold)
        .then(({ p, ms }) => this.opts.write(this.records(primary, p, ms / Math.max(1, rows.length))))
        .catch(failed)
        .finally(() => {
          this.pendingRows -= n;
          next();
        });
      return;
    }
    this.pendingRows -= n;
    try {
      const model = this.opts.model;
      const t0 = performance.now();
      const p = model.predict(Frame.fromRecords(rows, model.inputColumns), { unseen: 'missing', threshold: this.opts.threshold });
      this.opts.write(this.records(primary, p, (performance.now() - t0) / Math.max(1, rows.length)));
    } catch (e) {
      failed(e);
    }
    next();
  }

  private records(primary: readonly PredictionRecord[], p: Predictions, perRow: number): PredictionRecord[] {
    const model = this.opts.model;
    const rows = primary;
    const classes = model.target.classes?.map(String);
    const k = model.nClasses;
    const out: PredictionRecord[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const src = primary[i];
      let probabilities: Record<string, number> | null = null;
      if (p.proba && classes) {
        probabilities = {};
        for (let j = 0; j < k; j++) probabilities[classes[j]] = p.proba[i * k + j];
      }
      out[i] = {
        id: uuidv7(),
        time: src.time,
        model: this.opts.name,
        version: this.opts.version,
        segment: p.segments?.[i] ?? null,
        request_id: src.request_id,
        entity_id: src.entity_id,
        inputs: null, // the champion's row holds them
        prediction: p.labels ? p.labels[i] : p.values![i],
        probabilities,
        latency_ms: perRow,
        role: 'shadow',
        shadow_of: src.id,
      };
    }
    this.stats.scored += rows.length;
    return out;
  }
}
