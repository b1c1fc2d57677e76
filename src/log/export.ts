/**
 * `logs export`: predictions joined to their outcomes, written as CSV, JSON lines or Parquet
 * (src/frame/write.ts; Parquet through DuckDB). The id is the first column, so `logs reconcile` can
 * read ids from an export without parsing rows. Inputs and probabilities are JSON text; `time` and
 * `feedback_time` are Unix milliseconds. JSON lines keep a prediction's or outcome's type (number or
 * label); CSV and Parquet hold them as text (reconcile reads a number-looking value back as a number).
 */
import { formatOf, writeTable, type OutColumn } from '../frame/write.js';
import type { LogStore, LoggedPrediction, PredictionQuery } from './store.js';
import { enc } from './stores/rows.js';
import type { PredictionRecord } from './record.js';

/** Export columns, in order. */
export const EXPORT_COLUMNS = [
  'id', 'time', 'model', 'version', 'segment', 'request_id', 'entity_id', 'role', 'prediction', 'probabilities', 'inputs', 'latency_ms', 'actual', 'feedback_time',
] as const;

const NUMERIC = new Set(['time', 'latency_ms', 'feedback_time']);

/** Rows as export columns. */
export function exportColumns(rows: readonly LoggedPrediction[]): OutColumn[] {
  return EXPORT_COLUMNS.map((name) => {
    const values = new Array<number | string | null>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const v = name === 'probabilities' || name === 'inputs' ? enc(r[name]) : (r[name] as number | string | null);
      values[i] = v ?? null;
    }
    return { name, type: NUMERIC.has(name) ? 'number' : 'string', values } satisfies OutColumn;
  });
}

/**
 * Writes the predictions matching `q` to `file` (format by extension). Resolves to the row count.
 *
 * @example
 * ```ts
 * await exportPredictions(store, { model: 'churn' }, 'churn-log.parquet');
 * ```
 */
export async function exportPredictions(store: LogStore, q: PredictionQuery, file: string): Promise<number> {
  formatOf(file);
  const rows = await store.predictions(q);
  await writeTable(file, exportColumns(rows));
  return rows.length;
}

/** A number-looking text back to a number (CSV/Parquet exports hold predictions as text). */
export function looseValue(s: string): number | string {
  return /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) ? Number(s) : s;
}

/** One export row (all fields as read from the file) back to a prediction record. */
export function recordFromExport(o: Record<string, unknown>): PredictionRecord {
  const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));
  const json = <T>(v: unknown): T | null => (v === null || v === undefined || v === '' ? null : (JSON.parse(String(v)) as T));
  const pv = o.prediction;
  return {
    id: String(o.id),
    time: Number(o.time),
    model: String(o.model),
    version: String(o.version),
    segment: str(o.segment),
    request_id: String(o.request_id ?? ''),
    entity_id: str(o.entity_id),
    inputs: json<PredictionRecord['inputs']>(o.inputs),
    prediction: typeof pv === 'number' ? pv : looseValue(String(pv ?? '')),
    probabilities: json<Record<string, number>>(o.probabilities),
    latency_ms: Number(o.latency_ms ?? 0),
    role: o.role === 'shadow' ? 'shadow' : 'primary',
  };
}
