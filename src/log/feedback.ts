/**
 * Feedback: ground-truth outcomes joined to logged predictions — by prediction id (returned to the
 * client with every prediction), or by entity id + time (the caller's own key: a lead, a match), which
 * joins to that entity's latest primary prediction in the look-back window (default 7 days, seed
 * 002's). Used by `POST /v1/feedback` and `modelyard feedback <csv>`.
 */
import { ModelyardError } from '../errors.js';
import { uuidv7 } from '../util/uuidv7.js';
import type { FeedbackRecord } from './record.js';
import type { LogStore } from './store.js';
import type { LogWriter } from './writer.js';

export interface FeedbackInput {
  prediction_id?: string | null;
  entity_id?: string | null;
  /** When the outcome was observed (Unix ms); default now. For entity rows it bounds the match window. */
  time?: number;
  actual: number | string;
}

export interface RecordFeedbackOptions {
  /** Entity matching looks back this far from each row's time (default 7 days). */
  windowMs?: number;
  /** Entity matching only against this model's predictions. */
  model?: string;
  /** Store rows that match no prediction (with `prediction_id` null) instead of refusing the call. */
  allowUnmatched?: boolean;
  /** Row numbers in messages start here (the CLI passes 1 for data rows). */
  firstRow?: number;
  now?: number;
}

export interface FeedbackResult {
  recorded: number;
  matched: number;
  /** Rows that matched no prediction (0-based input index + why). */
  unmatched: { index: number; reason: string }[];
  /** The feedback ids, in input order. */
  ids: string[];
  /** The prediction each row joined to (null when unmatched). */
  prediction_ids: (string | null)[];
}

export const DEFAULT_FEEDBACK_WINDOW_MS = 7 * 24 * 3600 * 1000;

/**
 * Validates, joins and stores outcomes. With a `writer` the rows go through it (durably, spooled if
 * the store is down) after queued predictions are flushed, so an outcome for a prediction served a
 * moment ago still joins.
 *
 * @example
 * ```ts
 * await recordFeedback({ store }, [{ prediction_id: '0193…', actual: 'yes' }]);
 * await recordFeedback({ store }, [{ entity_id: 'lead-42', time: Date.parse('2026-11-20'), actual: 1 }], { windowMs: 86_400_000 });
 * ```
 */
export async function recordFeedback(
  target: { store: LogStore; writer?: LogWriter },
  items: readonly FeedbackInput[],
  opts: RecordFeedbackOptions = {},
): Promise<FeedbackResult> {
  const now = opts.now ?? Date.now();
  const windowMs = opts.windowMs ?? DEFAULT_FEEDBACK_WINDOW_MS;
  const first = opts.firstRow ?? 0;
  items.forEach((it, i) => {
    const hasP = typeof it.prediction_id === 'string' && it.prediction_id !== '';
    const hasE = typeof it.entity_id === 'string' && it.entity_id !== '';
    const where = { row: i + first, field: `feedback[${i}]` };
    if (!hasP && !hasE) throw new ModelyardError('INVALID_VALUE', `feedback row ${i + first}: needs a prediction_id or an entity_id`, { ...where, column: 'prediction_id' });
    if (it.actual === null || it.actual === undefined || it.actual === '' || (typeof it.actual === 'number' && !Number.isFinite(it.actual))) {
      throw new ModelyardError('INVALID_VALUE', `feedback row ${i + first}: "actual" is missing or not a finite value`, { ...where, column: 'actual', field: `feedback[${i}].actual` });
    }
    if (it.time !== undefined && !Number.isFinite(it.time)) {
      throw new ModelyardError('INVALID_VALUE', `feedback row ${i + first}: "time" is not a valid time`, { ...where, column: 'time', field: `feedback[${i}].time` });
    }
  });
  if (target.writer) await target.writer.flush();

  const predIdx: number[] = [];
  const entIdx: number[] = [];
  items.forEach((it, i) => (it.prediction_id ? predIdx : entIdx).push(i));
  const joined: (string | null)[] = new Array(items.length).fill(null);
  const unmatched: FeedbackResult['unmatched'] = [];
  if (predIdx.length) {
    const found = await target.store.existing('predictions', predIdx.map((i) => items[i]!.prediction_id!));
    for (const i of predIdx) {
      const id = items[i]!.prediction_id!;
      if (found.has(id)) joined[i] = id;
      else unmatched.push({ index: i, reason: `no logged prediction has id ${id}` });
    }
  }
  if (entIdx.length) {
    const got = await target.store.matchEntities(entIdx.map((i) => ({ entity_id: items[i]!.entity_id!, time: items[i]!.time ?? now })), windowMs, opts.model);
    entIdx.forEach((i, k) => {
      joined[i] = got[k] ?? null;
      if (!got[k]) unmatched.push({ index: i, reason: `no prediction for entity ${items[i]!.entity_id} in the ${Math.round(windowMs / 3600_000)} h before its time` });
    });
  }
  unmatched.sort((a, b) => a.index - b.index);
  if (unmatched.length && !opts.allowUnmatched) {
    const u = unmatched[0]!;
    throw new ModelyardError(
      'FEEDBACK_UNMATCHED',
      `feedback row ${u.index + first}: ${u.reason}${unmatched.length > 1 ? ` (and ${unmatched.length - 1} more unmatched rows)` : ''}; nothing was recorded`,
      { row: u.index + first, field: `feedback[${u.index}]`, column: items[u.index]!.prediction_id ? 'prediction_id' : 'entity_id' },
    );
  }
  const rows: FeedbackRecord[] = items.map((it, i) => {
    const time = it.time ?? now;
    return { id: uuidv7(), time, prediction_id: joined[i] ?? null, entity_id: it.entity_id ?? null, actual: it.actual };
  });
  if (target.writer) await target.writer.appendFeedback(rows, { durable: true });
  else await target.store.insert({ feedback: rows });
  return {
    recorded: rows.length,
    matched: joined.filter((x) => x !== null).length,
    unmatched,
    ids: rows.map((r) => r.id),
    prediction_ids: joined,
  };
}
