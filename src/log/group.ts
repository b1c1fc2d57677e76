/**
 * Prediction groups: one stored row per scored request instead of one per predicted row.
 *
 * Why: a 100-row batch is scored in ≈ 0.7 ms, and storing it as 100 rows of JSON text (inputs,
 * probabilities) into a B-tree table with three indexes cost ≈ 15 µs per row on the serving thread —
 * twice the scoring itself (bench/README.md, "log-serve"). A group keeps the batch as the server
 * already holds it: the converted inputs as one column-major Float64 block (the matrix the model
 * scored, categorical features as codes into the model's categories), the probabilities as another,
 * the predicted labels as one JSON array, and the ids as a 33-character prefix plus a 12-bit row
 * number (`uuidv7Group`). Nothing is lost: every cell whose sent value the block does not reproduce
 * exactly (a number sent as text, an unseen category, `""`, a boolean, a date string) is kept as
 * it was sent in `exceptions`, so {@link expandGroup} returns the very records the per-row path
 * logged (test: src/serve/log-group.test.ts compares both on every input kind).
 *
 * Readers never see groups: the stores expand them into ordinary prediction rows (stores/groups.ts),
 * and the slow paths (the spool during an outage, row-by-row retries) store the expanded rows in the
 * per-row table. Ids stay unique across both tables (each insert skips ids the other holds).
 */
import { createHash } from 'node:crypto';
import { HEX3 } from '../util/uuidv7.js';
import type { PredictionRecord } from './record.js';
import { packBlock, unpackBlock } from './block.js';

/** One input column of a group: numeric (value in the block), categorical (a code into `categories`) or the segment column. */
export interface CodecColumn {
  name: string;
  /** Categorical: the code → category table (the model's training categories). */
  categories?: readonly string[];
  /** The segment column: its value is the group's `segments[i]`, not in the block. */
  segment?: true;
}

/**
 * How a group's input block decodes: the model's input columns in block order (the segment column,
 * when any, last). Stored once per distinct codec (`log_input_codecs`), referenced by `id`.
 */
export interface InputCodec {
  /** First 16 hex characters of the SHA-256 of the codec's stored JSON ({@link codecText}). */
  id: string;
  columns: readonly CodecColumn[];
  /**
   * How the block is stored: `packed` (block.ts: each column in the narrowest exact form; what
   * the server writes) or `f64` (raw doubles; codecs written before packing, whose stored JSON is
   * the bare column list).
   */
  block: 'packed' | 'f64';
}

/** One request's predictions (see the module doc). Always role `primary`. */
export interface PredictionGroup {
  /** The first 33 characters of every id of the group; row `i`'s id is {@link groupId}`(prefix, i)`. */
  prefix: string;
  /** Rows, 1 … 4096. */
  n: number;
  time: number;
  model: string;
  version: string;
  request_id: string;
  latency_ms: number;
  /** Segmented models: the routing value per row. */
  segments: (string | null)[] | null;
  /** Per-row caller ids (feedback by entity). */
  entity_ids: (string | null)[] | null;
  /** Null when inputs are not logged. */
  codec: InputCodec | null;
  /** Column-major `n × (non-segment codec columns)`: numbers (NaN = null) and category codes (−1 = null). */
  X: Float64Array | null;
  /** Flat `[row, column, value, …]`: cells whose sent value the block does not reproduce, as sent. */
  exceptions: unknown[] | null;
  /** The predicted label or value per row. */
  predictions: (number | string)[];
  /** Classification: the class labels of `proba`'s columns. */
  labels: string[] | null;
  /** Classification: `n × labels.length` probabilities, row-major. */
  proba: Float64Array | null;
}

/** Row `i`'s id. */
export function groupId(prefix: string, i: number): string {
  return prefix + HEX3[i]!;
}

/** The last id of a group (ids of one group are consecutive and sort as text). */
export function groupLastId(g: { prefix: string; n: number }): string {
  return groupId(g.prefix, g.n - 1);
}

/** The group prefix and row number an id would have if it belongs to a group. */
export function splitId(id: string): { prefix: string; row: number } {
  return { prefix: id.slice(0, 33), row: parseInt(id.slice(33), 16) };
}

/**
 * The codec of a model's input columns (memoise it per model: the id is a hash).
 *
 * @example
 * ```ts
 * const codec = inputCodec([{ name: 'age' }, { name: 'plan', categories: ['basic', 'pro'] }]);
 * codec.id; // '3f0c…' (16 hex)
 * ```
 */
export function inputCodec(columns: readonly CodecColumn[], block: InputCodec['block'] = 'packed'): InputCodec {
  const cols = columns.map((c) => ({ name: c.name, ...(c.categories ? { categories: [...c.categories] } : {}), ...(c.segment ? { segment: true as const } : {}) }));
  const codec = { id: '', columns: cols, block };
  codec.id = createHash('sha256').update(codecText(codec)).digest('hex').slice(0, 16);
  return codec;
}

/**
 * The codec as stored in `log_input_codecs`: the bare column list for `f64` (the format before
 * packing, so old ids and rows stay as they were), `{ block, columns }` otherwise. The id hashes
 * this text, so one column list has a different id per block format.
 */
export function codecText(c: Pick<InputCodec, 'columns' | 'block'>): string {
  return JSON.stringify(c.block === 'f64' ? c.columns : { block: c.block, columns: c.columns });
}

/** A stored codec back (either form of {@link codecText}). */
export function parseCodec(id: string, text: string): InputCodec {
  const v = JSON.parse(text) as CodecColumn[] | { block: InputCodec['block']; columns: CodecColumn[] };
  return Array.isArray(v) ? { id, columns: v, block: 'f64' } : { id, columns: v.columns, block: v.block };
}

/** The stored bytes of a group's input block, in its codec's format. */
export function blockBytes(codec: InputCodec, X: Float64Array, n: number): Buffer {
  return codec.block === 'packed' ? packBlock(X, n) : Buffer.from(X.buffer, X.byteOffset, X.byteLength);
}

/** A stored input block back to the column-major doubles (`n` rows). */
export function blockFromBytes(codec: InputCodec, b: Uint8Array, n: number): Float64Array {
  if (codec.block === 'packed') return unpackBlock(b, n);
  // Copied: a driver's Buffer need not be 8-byte aligned.
  const out = new Float64Array(b.byteLength >> 3);
  new Uint8Array(out.buffer).set(b.subarray(0, out.length * 8));
  return out;
}

/** Row `i`'s inputs, decoded from the block (exceptions not applied). */
function decodeInputs(g: PredictionGroup, i: number, out: Record<string, unknown>): void {
  const cols = g.codec!.columns;
  const X = g.X!;
  const n = g.n;
  let j = 0;
  for (const c of cols) {
    if (c.segment) {
      out[c.name] = g.segments?.[i] ?? null;
      continue;
    }
    const x = X[j * n + i]!;
    if (c.categories) out[c.name] = x < 0 || x !== x ? null : (c.categories[x] ?? null);
    else out[c.name] = x !== x ? null : x;
    j++;
  }
}

/**
 * The group as per-row records, exactly as the per-row path logs them.
 *
 * @example
 * ```ts
 * const records = expandGroup(group); // records[i].id === groupId(group.prefix, i)
 * ```
 */
export function expandGroup(g: PredictionGroup): PredictionRecord[] {
  const out: PredictionRecord[] = new Array(g.n);
  const inputs: (Record<string, unknown> | null)[] = new Array(g.n).fill(null);
  if (g.codec && g.X) {
    for (let i = 0; i < g.n; i++) {
      const o: Record<string, unknown> = {};
      decodeInputs(g, i, o);
      inputs[i] = o;
    }
    const ex = g.exceptions;
    if (ex) {
      const cols = g.codec.columns;
      for (let e = 0; e + 2 < ex.length; e += 3) {
        const row = inputs[ex[e] as number];
        const col = cols[ex[e + 1] as number];
        if (row && col) row[col.name] = ex[e + 2];
      }
    }
  }
  const k = g.labels?.length ?? 0;
  for (let i = 0; i < g.n; i++) {
    let probabilities: Record<string, number> | null = null;
    if (g.labels && g.proba) {
      probabilities = {};
      for (let c = 0; c < k; c++) probabilities[g.labels[c]!] = g.proba[i * k + c]!;
    }
    out[i] = {
      id: groupId(g.prefix, i),
      time: g.time,
      model: g.model,
      version: g.version,
      segment: g.segments ? g.segments[i] ?? null : null,
      request_id: g.request_id,
      entity_id: g.entity_ids ? g.entity_ids[i] ?? null : null,
      inputs: inputs[i]!,
      prediction: g.predictions[i]!,
      probabilities,
      latency_ms: g.latency_ms,
      role: 'primary',
    };
  }
  return out;
}

/** Every id of a group. */
export function groupIds(g: { prefix: string; n: number }): string[] {
  const out = new Array<string>(g.n);
  for (let i = 0; i < g.n; i++) out[i] = g.prefix + HEX3[i]!;
  return out;
}
