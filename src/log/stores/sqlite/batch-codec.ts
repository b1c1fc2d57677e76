/**
 * A compact wire form of prediction records for the SQLite insert thread (insert-thread.ts).
 *
 * Why not post the records themselves: `postMessage` structured-clones every object, and a record
 * carries two objects (inputs with one key per feature, probabilities) — measured ≈ 6–8 µs per row
 * with 28 features, on the thread that also serves requests; `JSON.stringify` of the batch costs
 * about as much. A batch of records from one request shares the same input keys, so the main thread
 * only copies values: numbers into one `Float64Array` per object field (transferred, not copied),
 * repeated strings (model, version, request id, role…) into a small string table, and ids as one
 * string array — ≈ 1 µs per row. The insert thread rebuilds exactly the column values
 * {@link predictionRow} would (the JSON text of inputs, prediction and probabilities), so what is
 * stored does not depend on which thread wrote it (batch-codec.test.ts checks it byte for byte).
 */
import type { PredictionRecord } from '../../record.js';

/** One object-valued field (inputs, probabilities) of a batch, by column. */
export interface PackedObjects {
  /** The shared keys, in enumeration order, or null when no row has the shape. */
  keys: string[] | null;
  /** Per row: 0 = null, 1 = an object with exactly `keys` (values in `nums`/`other`), 2 = JSON text in `text`. */
  kind: Uint8Array;
  /** Row-major numeric values of shape rows (`n × keys.length`); cells listed in `otherAt` are not numbers. */
  nums: Float64Array;
  /** Cell indexes (row × keys.length + key) whose value is a string, boolean or null, with the value in `other`. */
  otherAt: number[];
  other: (string | boolean | null)[];
  /** JSON text of kind-2 rows, in row order. */
  text: string[];
}

/** A batch of prediction records in wire form. */
export interface PackedPredictions {
  n: number;
  ids: string[];
  /** time, latency_ms per row. */
  times: Float64Array;
  latency: Float64Array;
  /** String table for repeated fields, and per row × field an index into it (−1 = null). */
  strings: string[];
  /** Row-major codes of model, version, segment, request_id, entity_id, role. */
  codes: Int32Array;
  /** JSON text of each prediction value. */
  prediction: (number | string)[];
  inputs: PackedObjects;
  probabilities: PackedObjects;
}

const FIELDS = 6;

function plainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function packObjects(values: readonly unknown[]): PackedObjects {
  const n = values.length;
  let keys: string[] | null = null;
  for (let i = 0; i < n && keys === null; i++) {
    const v = values[i];
    if (plainObject(v)) keys = Object.keys(v);
  }
  const k = keys?.length ?? 0;
  const out: PackedObjects = { keys, kind: new Uint8Array(n), nums: new Float64Array(keys ? n * k : 0), otherAt: [], other: [], text: [] };
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue; // kind 0
    if (keys !== null && plainObject(v) && fillRow(out, v, keys, i * k)) {
      out.kind[i] = 1;
      continue;
    }
    out.kind[i] = 2;
    out.text.push(JSON.stringify(v));
  }
  return out;
}

/**
 * Copies one object's values into row `base` when its own enumerable keys are exactly `keys`, in
 * order, and every value is a number, string, boolean or null (what `JSON.stringify` writes
 * verbatim). Otherwise leaves no trace (undoes its `other` entries) and returns false.
 */
function fillRow(out: PackedObjects, o: Record<string, unknown>, keys: string[], base: number): boolean {
  const mark = out.otherAt.length;
  let j = 0;
  const k = keys.length;
  // for…in enumerates in the same order as JSON.stringify (integer-like keys first, then insertion order).
  for (const key in o) {
    if (j >= k || key !== keys[j]) return undo(out, mark);
    const v = o[key];
    if (typeof v === 'number') out.nums[base + j] = v;
    else if (typeof v === 'string' || typeof v === 'boolean' || v === null) {
      out.otherAt.push(base + j);
      out.other.push(v);
    } else return undo(out, mark);
    j++;
  }
  return j === k || undo(out, mark);
}

function undo(out: PackedObjects, mark: number): false {
  out.otherAt.length = mark;
  out.other.length = mark;
  return false;
}

/** Packs records for the insert thread; `transfer` lists the buffers to move rather than copy. */
export function packPredictions(records: readonly PredictionRecord[]): { packed: PackedPredictions; transfer: ArrayBuffer[] } {
  const n = records.length;
  const ids = new Array<string>(n);
  const times = new Float64Array(n);
  const latency = new Float64Array(n);
  const codes = new Int32Array(n * FIELDS);
  const prediction = new Array<number | string>(n);
  const strings: string[] = [];
  const index = new Map<string, number>();
  // Per field, the last string and its code: rows of one request repeat them, so most look-ups stop here.
  const lastS: (string | null)[] = new Array(FIELDS).fill(null);
  const lastC = new Int32Array(FIELDS).fill(-1);
  const code = (f: number, s: string | null | undefined): number => {
    if (s === null || s === undefined) return -1;
    if (s === lastS[f]) return lastC[f]!;
    let c = index.get(s);
    if (c === undefined) {
      c = strings.length;
      strings.push(s);
      index.set(s, c);
    }
    lastS[f] = s;
    lastC[f] = c;
    return c;
  };
  const inputs = new Array<unknown>(n);
  const probs = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    ids[i] = r.id;
    times[i] = r.time;
    latency[i] = r.latency_ms;
    const b = i * FIELDS;
    codes[b] = code(0, r.model);
    codes[b + 1] = code(1, r.version);
    codes[b + 2] = code(2, r.segment);
    codes[b + 3] = code(3, r.request_id);
    codes[b + 4] = code(4, r.entity_id);
    codes[b + 5] = code(5, r.role ?? 'primary');
    prediction[i] = r.prediction;
    inputs[i] = r.inputs;
    probs[i] = r.probabilities;
  }
  const packed: PackedPredictions = { n, ids, times, latency, strings, codes, prediction, inputs: packObjects(inputs), probabilities: packObjects(probs) };
  return {
    packed,
    transfer: [times.buffer, latency.buffer, codes.buffer, packed.inputs.kind.buffer, packed.inputs.nums.buffer, packed.probabilities.kind.buffer, packed.probabilities.nums.buffer] as ArrayBuffer[],
  };
}

/** Decodes one object field's rows into JSON text (null for kind 0), in row order. */
function unpackObjects(p: PackedObjects, n: number): (string | null)[] {
  const out = new Array<string | null>(n);
  const keys = p.keys ?? [];
  const k = keys.length;
  const prefix = keys.map((key, j) => `${j ? ',' : '{'}${JSON.stringify(key)}:`);
  let o = 0; // next entry of otherAt/other
  let t = 0; // next entry of text
  for (let i = 0; i < n; i++) {
    const kind = p.kind[i];
    if (kind === 0) out[i] = null;
    else if (kind === 2) out[i] = p.text[t++]!;
    else {
      if (k === 0) {
        out[i] = '{}';
        continue;
      }
      let s = '';
      const base = i * k;
      for (let j = 0; j < k; j++) {
        s += prefix[j];
        if (o < p.otherAt.length && p.otherAt[o] === base + j) {
          const v = p.other[o++];
          s += v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : v ? 'true' : 'false';
        } else {
          const x = p.nums[base + j]!;
          // Number → text as JSON.stringify writes it (ECMA-262 Number::toString; NaN/±Infinity → null).
          s += Number.isFinite(x) ? String(x) : 'null';
        }
      }
      out[i] = `${s}}`;
    }
  }
  return out;
}

/**
 * The rows' column values in {@link PREDICTION_COLUMNS} order — the same values `predictionRow`
 * gives for the original records — written into `row` per record by `each(row, i)`.
 */
export function unpackPredictions(p: PackedPredictions, each: (row: unknown[], i: number) => void): void {
  const inputs = unpackObjects(p.inputs, p.n);
  const probs = unpackObjects(p.probabilities, p.n);
  const s = (c: number): string | null => (c < 0 ? null : p.strings[c]!);
  const row: unknown[] = new Array(12);
  for (let i = 0; i < p.n; i++) {
    const b = i * FIELDS;
    row[0] = p.ids[i];
    row[1] = p.times[i];
    row[2] = s(p.codes[b]!);
    row[3] = s(p.codes[b + 1]!);
    row[4] = s(p.codes[b + 2]!);
    row[5] = s(p.codes[b + 3]!);
    row[6] = s(p.codes[b + 4]!);
    row[7] = inputs[i];
    row[8] = JSON.stringify(p.prediction[i]);
    row[9] = probs[i];
    row[10] = p.latency[i];
    row[11] = s(p.codes[b + 5]!);
    each(row, i);
  }
}
