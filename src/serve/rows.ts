/**
 * JSON rows → a conformed frame, in one pass per column. HTTP payloads never go through the CSV
 * path (`Frame.fromRecords` + `conform`): building dictionaries for a one-row request and then
 * re-mapping them against the training categories would cost more than scoring a linear model.
 * Instead each feature spec gets a small compiled converter (category lookup table built once per
 * model) that writes straight into the typed arrays the learner reads; the result is the same
 * frame `conform` produces (same column order, storage and codes), so predictions are identical.
 *
 * Errors name the row (1-based, like the CLI) and the JSON field, e.g. `instances[3].age`.
 */
import { ModelyardError } from '../errors.js';
import { Frame, MISSING_CODE, type Column } from '../frame/frame.js';
import type { Model } from '../model/model.js';
import type { FeatureSpec, UnseenPolicy } from '../schema/types.js';
import { parseDate, parseNumber } from '../schema/values.js';

/** Access to tabular JSON input, whatever its wire shape (records, column lists, KServe tensors). */
export interface RowSource {
  readonly n: number;
  /** Value of column `col` in row `i`; `undefined` when the row has no such field. */
  value(i: number, col: string): unknown;
  /** JSON path of that value, for error messages (`instances[3].age`). */
  field(i: number, col: string): string;
  /** Whether the input has column `col` at all (for COLUMN_MISSING). */
  has?(col: string): boolean;
  /** Set for record input: the converters read `records[i][col]` directly (the hot path). */
  records?: readonly Record<string, unknown>[];
}

/**
 * Field `col` of a parsed JSON row, `undefined` when absent. JSON objects have no own functions, so
 * a function is inherited (a column called "toString") and counts as absent.
 */
export function recordValue(rec: Record<string, unknown>, col: string): unknown {
  const v = rec[col];
  return typeof v === 'function' ? undefined : v;
}

/** Rows as an array of objects (`instances`, `dataframe_records`). */
export function recordSource(records: readonly unknown[], path = 'instances'): RowSource {
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      throw new ModelyardError('REQUEST_INVALID', `${path}[${i}] must be an object of column → value (row ${i + 1})`, { row: i + 1, field: `${path}[${i}]` });
    }
  }
  const recs = records as readonly Record<string, unknown>[];
  return {
    n: recs.length,
    value: (i, col) => recordValue(recs[i], col),
    records: recs,
    field: (i, col) => `${path}[${i}].${col}`,
  };
}

/** Rows as column names + row arrays (`dataframe_split`, `instances` of arrays). */
export function splitSource(columns: readonly string[], data: readonly unknown[], path = 'data'): RowSource {
  const index = new Map<string, number>();
  columns.forEach((c, j) => index.set(c, j));
  for (let i = 0; i < data.length; i++) {
    const r = data[i];
    if (!Array.isArray(r) || r.length !== columns.length) {
      throw new ModelyardError('REQUEST_INVALID', `${path}[${i}] must be an array of ${columns.length} values, one per column (row ${i + 1})`, { row: i + 1, field: `${path}[${i}]` });
    }
  }
  const rows = data as readonly unknown[][];
  return {
    n: rows.length,
    value: (i, col) => {
      const j = index.get(col);
      return j === undefined ? undefined : rows[i][j];
    },
    field: (i, col) => `${path}[${i}][${index.get(col) ?? col}]`,
    has: (col) => index.has(col),
  };
}

/** Rows as one array per column (`inputs: {col: [...]}`, KServe per-column tensors). */
export function columnSource(cols: Record<string, readonly unknown[]>, n: number, path = 'inputs'): RowSource {
  for (const [name, v] of Object.entries(cols)) {
    if (!Array.isArray(v) || v.length !== n) {
      throw new ModelyardError('REQUEST_INVALID', `${path}.${name} must be an array of ${n} values (one per row)`, { field: `${path}.${name}` });
    }
  }
  return {
    n,
    value: (i, col) => (Object.hasOwn(cols, col) ? cols[col][i] : undefined),
    field: (i, col) => `${path}.${col}[${i}]`,
    has: (col) => Object.hasOwn(cols, col),
  };
}

/** One compiled feature converter. */
interface Converter {
  spec: FeatureSpec;
  /** Categorical: category → code. */
  index?: Map<string, number>;
}

const converters = new WeakMap<Model, Converter[]>();

function convertersOf(model: Model): Converter[] {
  let c = converters.get(model);
  if (!c) {
    c = model.schema.features.map((spec) => {
      if (spec.kind !== 'categorical') return { spec };
      const index = new Map<string, number>();
      (spec.categories ?? []).forEach((cat, i) => index.set(cat, i));
      return { spec, index };
    });
    converters.set(model, c);
  }
  return c;
}

export interface ConformedRows {
  X: Frame;
  /** Segmented models: the routing value per row (null = missing). */
  segments?: (string | null)[];
  warnings: string[];
}

/**
 * The request's rows converted for the model, column-major: feature `j` (schema order) of row `i`
 * is `X[j * n + i]` — a number (NaN = missing; booleans 0/1, datetimes epoch ms) or, for a
 * categorical feature, the category's code in the schema's categories (−1 = missing). The fused
 * scoring path (fused.ts) reads it directly; {@link conformRows} wraps the same values in a frame.
 */
export interface RowMatrix {
  X: Float64Array;
  n: number;
  segments?: (string | null)[];
  warnings: string[];
}

/**
 * Converts and validates `src` for `model` (one pass per column, as {@link conformRows}; the same
 * errors in the same order).
 *
 * @example
 * ```ts
 * const { X, n } = conformMatrix(model, recordSource([{ age: 31, plan: 'pro' }]));
 * ```
 */
export function conformMatrix(model: Model, src: RowSource, unseen: UnseenPolicy = 'error', exceptions?: unknown[]): RowMatrix {
  const n = src.n;
  const warnings: string[] = [];
  const convs = convertersOf(model);
  const X = new Float64Array(convs.length * n);
  for (let j = 0; j < convs.length; j++) fillColumn(convs[j], src, n, unseen, warnings, X, j * n, exceptions, j);
  return { X, n, segments: model.segments ? segmentValues(model.segments.by, src, n) : undefined, warnings };
}

/**
 * Builds the conformed frame for `model` from `src` (the reference path: a frame any learner's
 * `predict` takes).
 *
 * @example
 * ```ts
 * const { X } = conformRows(model, recordSource([{ age: 31, plan: 'pro' }]));
 * model.single!.fitted.predict(X);
 * ```
 */
export function conformRows(model: Model, src: RowSource, unseen: UnseenPolicy = 'error'): ConformedRows {
  const m = conformMatrix(model, src, unseen);
  return { X: matrixFrame(model, m.X, m.n), segments: m.segments, warnings: m.warnings };
}

/** The frame `conform` would give for a {@link RowMatrix}'s values (number columns view `X`). */
export function matrixFrame(model: Model, X: Float64Array, n: number): Frame {
  return columnMajorFrame(model.schema.features, X, n);
}

/** What a frame column needs of a feature: its name and kind, categories and date-only flag. */
export interface FrameColumnSpec {
  name: string;
  kind: FeatureSpec['kind'];
  categories?: readonly string[];
  dateOnly?: boolean;
}

/**
 * A frame over column-major values `X` (column `j` is `X[j * n … (j + 1) * n)`): number columns
 * view `X`, categorical columns take the codes. Shared by the reference path ({@link matrixFrame})
 * and the fused path's fallbacks (fused.ts), so both hand a learner the same frame.
 */
export function columnMajorFrame(specs: readonly FrameColumnSpec[], X: Float64Array, n: number): Frame {
  const cols: Column[] = specs.map((spec, j) => {
    const v = X.subarray(j * n, (j + 1) * n);
    if (spec.kind === 'categorical') return { type: 'string', name: spec.name, codes: Int32Array.from(v), dictionary: spec.categories ?? [] };
    const storage = spec.kind === 'boolean' ? 'boolean' : spec.kind === 'datetime' ? (spec.dateOnly ? 'date' : 'timestamp') : 'float';
    return { type: 'number', name: spec.name, values: v, storage };
  });
  return new Frame(cols, n);
}

function segmentValues(by: string, src: RowSource, n: number): (string | null)[] {
  const segments: (string | null)[] = new Array(n);
  let seen = false;
  for (let i = 0; i < n; i++) {
    const v = src.value(i, by);
    if (v !== undefined) seen = true;
    if (v === null || v === undefined || v === '') segments[i] = null;
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') segments[i] = String(v);
    else throw typeError(src, i, by, v, 'a segment value (string or number)');
  }
  if (!seen && n > 0 && !(src.has?.(by) ?? false)) {
    throw new ModelyardError('COLUMN_MISSING', `the segment column "${by}" is missing from every row (this model routes rows by it)`, { column: by, field: src.field(0, by) });
  }
  return segments;
}

/**
 * Writes column `conv` of every row into `out[off … off + n)` (codes for categorical features).
 * With `exc`, pushes `row, j, value` for every cell the written value does not reproduce when read
 * back as the log does (src/log/group.ts: a number as itself, a code as its category, missing as
 * null) — text sent for a number, a number or `""` sent for a category, an unseen category, …
 */
function fillColumn(conv: Converter, src: RowSource, n: number, unseen: UnseenPolicy, warnings: string[], out: Float64Array, off: number, exc?: unknown[], j = 0): void {
  const spec = conv.spec;
  const name = spec.name;
  let present = src.has?.(name) ?? false;
  const recs = src.records;
  if (spec.kind === 'categorical') {
    const index = conv.index!;
    for (let i = 0; i < n; i++) {
      const v = recs ? recordValue(recs[i], name) : src.value(i, name);
      if (v === undefined || v === null || v === '') {
        if (v !== undefined) present = true;
        if (v === '' && exc) exc.push(i, j, v);
        out[off + i] = MISSING_CODE;
        continue;
      }
      present = true;
      let key: string;
      if (typeof v === 'string') key = v;
      else if (typeof v === 'number' || typeof v === 'boolean') {
        key = String(v);
        if (exc) exc.push(i, j, v);
      } else throw typeError(src, i, name, v, 'a category (string or number)');
      const c = index.get(key);
      if (c === undefined) {
        if (unseen === 'error') {
          const cats = spec.categories ?? [];
          const shown = cats.length <= 8 ? ` (known: ${cats.join(', ')})` : ` (${cats.length} known categories)`;
          throw new ModelyardError('UNSEEN_CATEGORY', `row ${i + 1}, ${src.field(i, name)}: category "${clip(key)}" was not seen in training${shown}; send "unseen": "missing" to score it as missing`, {
            row: i + 1,
            column: name,
            field: src.field(i, name),
          });
        }
        warnings.push(`row ${i + 1}, ${src.field(i, name)}: unseen category "${clip(key)}" scored as missing`);
        if (exc && typeof v === 'string') exc.push(i, j, v);
        out[off + i] = MISSING_CODE;
      } else out[off + i] = c;
    }
    checkPresent(present, src, n, name);
    return;
  }
  const kind = spec.kind;
  for (let i = 0; i < n; i++) {
    const v = recs ? recordValue(recs[i], name) : src.value(i, name);
    if (typeof v === 'number') {
      present = true;
      // JSON cannot spell NaN/Infinity, but 1e999 parses to Infinity.
      if (!Number.isFinite(v)) throw invalid(src, i, name, String(v));
      if (kind === 'boolean' && v !== 0 && v !== 1) throw typeError(src, i, name, v, 'a boolean (true/false or 0/1)');
      out[off + i] = v;
    } else if (v === undefined || v === null || v === '') {
      if (v !== undefined) present = true;
      if (v === '' && exc) exc.push(i, j, v);
      out[off + i] = NaN;
    } else if (typeof v === 'string') {
      present = true;
      out[off + i] = parseText(v, spec, src, i);
      if (exc) exc.push(i, j, v);
    } else if (typeof v === 'boolean' && kind === 'boolean') {
      present = true;
      out[off + i] = v ? 1 : 0;
      if (exc) exc.push(i, j, v);
    } else {
      throw typeError(src, i, name, v, expectedOf(spec));
    }
  }
  checkPresent(present, src, n, name);
}

function parseText(v: string, spec: FeatureSpec, src: RowSource, i: number): number {
  let x: number;
  if (spec.kind === 'datetime') x = parseDate(v);
  else if (spec.kind === 'boolean') {
    const l = v.toLowerCase();
    const [f, t] = spec.categories ?? ['false', 'true'];
    x = l === f.toLowerCase() || l === 'false' || l === 'no' || l === 'n' || l === 'f' || l === '0' ? 0 : l === t.toLowerCase() || l === 'true' || l === 'yes' || l === 'y' || l === 't' || l === '1' ? 1 : NaN;
  } else {
    x = parseNumber(v);
    if (x !== x && /^[+-]?(nan|inf(inity)?)$/i.test(v.trim())) throw invalid(src, i, spec.name, v);
    if (x === Infinity || x === -Infinity) throw invalid(src, i, spec.name, v);
  }
  if (x !== x) throw typeError(src, i, spec.name, v, expectedOf(spec));
  return x;
}

function expectedOf(spec: FeatureSpec): string {
  switch (spec.kind) {
    case 'boolean':
      return 'a boolean (true/false or 0/1)';
    case 'datetime':
      return 'a date (YYYY-MM-DD[ hh:mm:ss]) or epoch milliseconds';
    default:
      return 'a number (or null for missing)';
  }
}

function checkPresent(present: boolean, src: RowSource, n: number, name: string): void {
  if (present || n === 0) return;
  throw new ModelyardError('COLUMN_MISSING', `column "${name}" is missing from every row (send null for a missing value)`, { column: name, field: src.field(0, name) });
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function show(v: unknown): string {
  if (typeof v === 'string') return `"${clip(v)}"`;
  if (Array.isArray(v)) return 'an array';
  if (v !== null && typeof v === 'object') return 'an object';
  return clip(String(v));
}

function typeError(src: RowSource, i: number, col: string, v: unknown, expected: string): ModelyardError {
  return new ModelyardError('TYPE_MISMATCH', `row ${i + 1}, ${src.field(i, col)}: ${show(v)} is not ${expected}`, { row: i + 1, column: col, field: src.field(i, col) });
}

function invalid(src: RowSource, i: number, col: string, v: string): ModelyardError {
  return new ModelyardError('INVALID_VALUE', `row ${i + 1}, ${src.field(i, col)}: ${clip(v)} is not a finite number (send null for a missing value)`, { row: i + 1, column: col, field: src.field(i, col) });
}
