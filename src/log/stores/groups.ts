/**
 * Reads over both prediction tables — per-row `log_predictions` and per-request
 * `log_prediction_groups` (../group.ts) — written once for both dialects: each store hands in a
 * function that runs one query. Readers get ordinary prediction rows, oldest first, whatever table
 * holds them.
 */
import { expandGroup, groupIds, parseCodec, type InputCodec, type PredictionGroup } from '../group.js';
import { GROUP_TABLE, TABLE, type LoggedPrediction, type PredictionQuery } from '../store.js';
import { dec, toGroup, toLoggedPrediction } from './rows.js';
import { groupsQuery, predictionsQuery, type Built, type Placeholder } from './sql.js';

/** Runs one query, resolving to its rows as objects. */
export type Run = (b: Built) => Promise<Record<string, unknown>[]>;

const IN_CHUNK = 500; // placeholders per `IN (…)`, below SQLite's old 999-parameter limit

/** `(?, ?, …)` / `($1, $2, …)` for `n` values. */
function inList(n: number, ph: Placeholder): string {
  return `(${Array.from({ length: n }, (_, i) => ph(i + 1)).join(', ')})`;
}

/** Codecs by id, read once per store (a codec never changes: its id is its hash). */
export class CodecCache {
  private readonly map = new Map<string, InputCodec>();

  async resolve(ids: Iterable<string>, run: Run, ph: Placeholder): Promise<ReadonlyMap<string, InputCodec>> {
    const missing = [...new Set(ids)].filter((id) => !this.map.has(id));
    for (let i = 0; i < missing.length; i += IN_CHUNK) {
      const part = missing.slice(i, i + IN_CHUNK);
      for (const r of await run({ text: `SELECT id, codec FROM ${GROUP_TABLE.codecs} WHERE id IN ${inList(part.length, ph)}`, params: part })) {
        this.map.set(String(r.id), parseCodec(String(r.id), String(r.codec)));
      }
    }
    return this.map;
  }

  /** Whether a codec is known to be stored (the insert path skips re-inserting it). */
  has(id: string): boolean {
    return this.map.has(id);
  }

  add(c: InputCodec): void {
    this.map.set(c.id, c);
  }
}

const byTimeId = (a: LoggedPrediction, b: LoggedPrediction): number => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Predictions of both tables joined to their latest outcome, oldest first (the newest `limit` when
 * `newest` is set).
 */
export async function readPredictions(q: PredictionQuery, run: Run, ph: Placeholder, codecs: CodecCache): Promise<LoggedPrediction[]> {
  const legacy = (await run(predictionsQuery(q, ph))).map(toLoggedPrediction);
  const gq = groupsQuery(q, ph);
  const grows = gq ? await run(gq) : [];
  if (grows.length === 0) return q.newest ? legacy.reverse() : legacy;
  const known = await codecs.resolve(grows.filter((r) => r.codec !== null && r.codec !== undefined).map((r) => String(r.codec)), run, ph);
  const groups: PredictionGroup[] = grows.map((r) => toGroup(r, known));
  // Latest outcome per grouped id: ids are time-ordered, so one id range covers every group read.
  let lo = groups[0]!.prefix;
  let hi = String(grows[0]!.last_id);
  for (let i = 1; i < groups.length; i++) {
    if (groups[i]!.prefix < lo) lo = groups[i]!.prefix;
    const last = String(grows[i]!.last_id);
    if (last > hi) hi = last;
  }
  const outcome = new Map<string, { actual: number | string; time: number }>();
  const fb = await run({ text: `SELECT prediction_id, actual, time FROM ${TABLE.feedback} WHERE prediction_id >= ${ph(1)} AND prediction_id <= ${ph(2)} ORDER BY time, id`, params: [lo, hi] });
  for (const f of fb) outcome.set(String(f.prediction_id), { actual: dec<number | string>(f.actual) as number | string, time: Number(f.time) });
  const out: LoggedPrediction[] = legacy;
  for (const g of groups) {
    for (const r of expandGroup(g)) {
      const o = outcome.get(r.id);
      if (q.labelled && !o) continue;
      out.push({ ...r, actual: o ? o.actual : null, feedback_time: o ? o.time : null });
    }
  }
  out.sort(byTimeId);
  if (q.limit !== undefined && out.length > q.limit) return q.newest ? out.slice(out.length - q.limit) : out.slice(0, q.limit);
  return out;
}

/** Which of `ids` are grouped predictions. */
export async function existingGrouped(ids: readonly string[], run: Run, ph: Placeholder): Promise<Set<string>> {
  const out = new Set<string>();
  const prefixes = [...new Set(ids.filter((id) => id.length === 36).map((id) => id.slice(0, 33)))];
  const last = new Map<string, string>();
  for (let i = 0; i < prefixes.length; i += IN_CHUNK) {
    const part = prefixes.slice(i, i + IN_CHUNK);
    for (const r of await run({ text: `SELECT prefix, last_id FROM ${GROUP_TABLE.groups} WHERE prefix IN ${inList(part.length, ph)}`, params: part })) {
      last.set(String(r.prefix), String(r.last_id));
    }
  }
  if (last.size === 0) return out;
  for (const id of ids) {
    const l = last.get(id.slice(0, 33));
    if (l !== undefined && id <= l) out.add(id);
  }
  return out;
}

/** Every grouped id. */
export async function groupedIds(run: Run): Promise<string[]> {
  const out: string[] = [];
  for (const r of await run({ text: `SELECT prefix, n FROM ${GROUP_TABLE.groups}`, params: [] })) {
    for (const id of groupIds({ prefix: String(r.prefix), n: Number(r.n) })) out.push(id);
  }
  return out;
}

/** Grouped rows (the sum of the groups' sizes). */
export async function groupedCount(run: Run): Promise<number> {
  const r = await run({ text: `SELECT coalesce(sum(n), 0) AS n FROM ${GROUP_TABLE.groups}`, params: [] });
  return Number(r[0]?.n ?? 0);
}

/** Appends grouped ids, one per line, to an id text (`idText`). */
export function withGroupedIds(text: string | Uint8Array, grouped: readonly string[]): string | Uint8Array {
  if (grouped.length === 0) return text;
  const head = typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('latin1');
  return head.length ? `${head}\n${grouped.join('\n')}` : grouped.join('\n');
}
