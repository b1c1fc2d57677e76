/**
 * Rows for the shadow scoring thread in column form. `postMessage` structured-clones every row
 * object (one property per feature) on the serving thread and rebuilds it on the worker, which then
 * reads it again into columns (`Frame.fromRecords`); the serving thread's share was ≈ 2.4 % of its
 * time at one row per request in bench/shadow (node --cpu-prof). Here the serving thread reads each
 * cell once, into one `Float64Array` per numeric column (transferred, not copied) or a string array
 * for the others, and the worker builds the frame from those. The split reproduces
 * `Frame.fromRecords` exactly (same type inference, same missing values, same storage), so a
 * challenger scores the same frame on either thread (shadow-pack.test.ts).
 */
import { encodeStrings, Frame, numberColumn, type Cell, type Column, type NumberStorage } from '../frame/frame.js';

/** One column of packed rows: numbers (NaN = missing) or strings (null = missing). */
export type PackedColumn =
  | { name: string; kind: 'number'; values: Float64Array; storage: NumberStorage }
  | { name: string; kind: 'string'; values: (string | null)[] };

/** Rows in column form, in the model's input-column order. */
export interface PackedRows {
  n: number;
  columns: PackedColumn[];
}

const missing = (v: Cell): boolean => v === null || v === undefined || v === '';

/**
 * Reads `columns` of the row objects of `batches` (concatenated, in order) into column form.
 * Returns the packed rows and the buffers to transfer with them.
 */
export function packRows(batches: readonly (readonly Record<string, Cell>[])[], columns: readonly string[]): { packed: PackedRows; transfer: ArrayBuffer[] } {
  let n = 0;
  for (const b of batches) n += b.length;
  const out: PackedColumn[] = new Array(columns.length);
  const transfer: ArrayBuffer[] = [];
  for (let c = 0; c < columns.length; c++) {
    const name = columns[c];
    // Same inference as Frame.fromRecords: all present values numbers or booleans → a number column.
    const values = new Float64Array(n);
    let numeric = true;
    let sawBoolean = false;
    let sawNumber = false;
    let integer = true;
    let i = 0;
    for (const b of batches) {
      for (let j = 0; j < b.length && numeric; j++, i++) {
        const v = b[j][name];
        if (missing(v)) {
          values[i] = NaN;
        } else if (typeof v === 'number') {
          sawNumber = true;
          if (!Number.isInteger(v)) integer = false;
          values[i] = v;
        } else if (typeof v === 'boolean') {
          sawBoolean = true;
          integer = false;
          values[i] = v ? 1 : 0;
        } else {
          numeric = false;
        }
      }
      if (!numeric) break;
    }
    if (numeric) {
      out[c] = { name, kind: 'number', values, storage: sawBoolean && !sawNumber ? 'boolean' : integer ? 'integer' : 'float' };
      transfer.push(values.buffer);
      continue;
    }
    const strings: (string | null)[] = new Array(n);
    i = 0;
    for (const b of batches) {
      for (let j = 0; j < b.length; j++, i++) {
        const v = b[j][name];
        strings[i] = v === null || v === undefined ? null : String(v);
      }
    }
    out[c] = { name, kind: 'string', values: strings };
  }
  return { packed: { n, columns: out }, transfer };
}

/** The frame `Frame.fromRecords(rows, columns)` would build from the packed rows. */
export function unpackFrame(p: PackedRows): Frame {
  const cols: Column[] = p.columns.map((c) => (c.kind === 'number' ? numberColumn(c.name, c.values, c.storage) : encodeStrings(c.name, c.values)));
  return new Frame(cols, p.n);
}
