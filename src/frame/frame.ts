/**
 * A columnar table. Numbers live in `Float64Array`s (NaN = missing); strings are dictionary-encoded
 * into `Int32Array` codes over a dictionary (-1 = missing). Nothing is stored row by row.
 */

/** How a number column was stored at the source; schema inference uses it as a hint. */
export type NumberStorage = 'integer' | 'float' | 'boolean' | 'date' | 'timestamp';

export interface NumberColumn {
  readonly type: 'number';
  readonly name: string;
  /** One value per row; NaN marks a missing value. Dates and timestamps are epoch milliseconds. */
  readonly values: Float64Array;
  readonly storage: NumberStorage;
}

export interface StringColumn {
  readonly type: 'string';
  readonly name: string;
  /** Index into `dictionary` per row; -1 marks a missing value. */
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}

export type Column = NumberColumn | StringColumn;

/** A JSON-ish cell value as accepted by {@link Frame.fromRecords}. */
export type Cell = number | string | boolean | null | undefined;

export const MISSING_CODE = -1;

/** Builds a number column. */
export function numberColumn(name: string, values: Float64Array | ArrayLike<number>, storage: NumberStorage = 'float'): NumberColumn {
  return { type: 'number', name, values: values instanceof Float64Array ? values : Float64Array.from(values), storage };
}

/** Builds a string column from codes and a dictionary. */
export function stringColumn(name: string, codes: Int32Array, dictionary: readonly string[]): StringColumn {
  return { type: 'string', name, codes, dictionary };
}

/** Dictionary-encodes an array of strings (null/undefined/'' are missing). Codes follow first appearance. */
export function encodeStrings(name: string, values: ArrayLike<string | null | undefined>): StringColumn {
  const codes = new Int32Array(values.length);
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || v === '') {
      codes[i] = MISSING_CODE;
      continue;
    }
    let c = index.get(v);
    if (c === undefined) {
      c = dictionary.length;
      index.set(v, c);
      dictionary.push(v);
    }
    codes[i] = c;
  }
  return stringColumn(name, codes, dictionary);
}

/**
 * An immutable columnar table.
 *
 * @example
 * ```ts
 * const f = Frame.fromRecords([{ age: 31, plan: 'pro' }, { age: null, plan: 'free' }]);
 * f.nRows;                 // 2
 * f.column('age').type;    // 'number'
 * ```
 */
export class Frame {
  readonly columns: readonly Column[];
  readonly nRows: number;
  private readonly byName: Map<string, Column>;

  constructor(columns: readonly Column[], nRows?: number) {
    this.columns = columns;
    this.nRows = nRows ?? (columns.length === 0 ? 0 : columnLength(columns[0]));
    this.byName = new Map();
    for (const c of columns) {
      if (columnLength(c) !== this.nRows) {
        throw new Error(`column "${c.name}" has ${columnLength(c)} rows, expected ${this.nRows}`);
      }
      if (this.byName.has(c.name)) throw new Error(`duplicate column "${c.name}"`);
      this.byName.set(c.name, c);
    }
  }

  get names(): string[] {
    return this.columns.map((c) => c.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The column called `name`; throws if absent (callers validate names first). */
  column(name: string): Column {
    const c = this.byName.get(name);
    if (!c) throw new Error(`no column "${name}"`);
    return c;
  }

  get(name: string): Column | undefined {
    return this.byName.get(name);
  }

  /** A frame with only the named columns, in that order. */
  select(names: readonly string[]): Frame {
    return new Frame(names.map((n) => this.column(n)), this.nRows);
  }

  /** A frame without the named columns. */
  drop(names: readonly string[]): Frame {
    const s = new Set(names);
    return new Frame(this.columns.filter((c) => !s.has(c.name)), this.nRows);
  }

  /** A frame with `col` added (or replacing a column of the same name). */
  with(col: Column): Frame {
    const cols = this.columns.filter((c) => c.name !== col.name);
    cols.push(col);
    return new Frame(cols, this.nRows);
  }

  /** The rows at `rows` (in that order); dictionaries are shared, not copied. */
  take(rows: ArrayLike<number>): Frame {
    const n = rows.length;
    const cols = this.columns.map((c): Column => {
      if (c.type === 'number') {
        const out = new Float64Array(n);
        const src = c.values;
        for (let i = 0; i < n; i++) out[i] = src[rows[i]];
        return { ...c, values: out };
      }
      const out = new Int32Array(n);
      const src = c.codes;
      for (let i = 0; i < n; i++) out[i] = src[rows[i]];
      return { ...c, codes: out };
    });
    return new Frame(cols, n);
  }

  /** Rows `start` (inclusive) to `end` (exclusive), as views (no copy). */
  slice(start: number, end: number): Frame {
    const s = Math.max(0, start);
    const e = Math.min(this.nRows, end);
    const cols = this.columns.map((c): Column =>
      c.type === 'number' ? { ...c, values: c.values.subarray(s, e) } : { ...c, codes: c.codes.subarray(s, e) },
    );
    return new Frame(cols, Math.max(0, e - s));
  }

  /** The value at (row, column) as a JS value: number (NaN → null), string, or null. */
  cell(row: number, name: string): number | string | null {
    const c = this.column(name);
    if (c.type === 'number') {
      const v = c.values[row];
      return Number.isNaN(v) ? null : v;
    }
    const code = c.codes[row];
    return code < 0 ? null : c.dictionary[code];
  }

  /** Rows as plain objects. Meant for small outputs (reports, HTTP answers), not for bulk data. */
  toRecords(start = 0, end = this.nRows): Record<string, number | string | null>[] {
    const out: Record<string, number | string | null>[] = [];
    for (let r = Math.max(0, start); r < Math.min(end, this.nRows); r++) {
      const o: Record<string, number | string | null> = {};
      for (const c of this.columns) o[c.name] = this.cell(r, c.name);
      out.push(o);
    }
    return out;
  }

  /**
   * Builds a frame from row objects (HTTP payloads, tests). A column whose present values are all
   * numbers (or booleans) becomes a number column; anything else becomes a string column, with
   * numbers written as their decimal text. Missing keys, null and '' are missing values.
   */
  static fromRecords(records: readonly Record<string, Cell>[], columnOrder?: readonly string[]): Frame {
    const names = columnOrder ? [...columnOrder] : collectKeys(records);
    const cols: Column[] = names.map((name) => {
      let numeric = true;
      let boolean = true;
      let integer = true;
      for (const r of records) {
        const v = r[name];
        if (v === null || v === undefined || v === '') continue;
        if (typeof v === 'number') {
          boolean = false;
          if (!Number.isInteger(v)) integer = false;
        } else if (typeof v === 'boolean') {
          integer = false;
        } else {
          numeric = false;
          break;
        }
      }
      if (numeric) {
        const values = new Float64Array(records.length);
        for (let i = 0; i < records.length; i++) {
          const v = records[i][name];
          values[i] = v === null || v === undefined || v === '' ? NaN : Number(v);
        }
        return numberColumn(name, values, boolean && records.some((r) => typeof r[name] === 'boolean') ? 'boolean' : integer ? 'integer' : 'float');
      }
      return encodeStrings(
        name,
        records.map((r) => {
          const v = r[name];
          return v === null || v === undefined ? null : String(v);
        }),
      );
    });
    return new Frame(cols, records.length);
  }
}

function collectKeys(records: readonly Record<string, Cell>[]): string[] {
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

export function columnLength(c: Column): number {
  return c.type === 'number' ? c.values.length : c.codes.length;
}

/** Number of missing values in a column. */
export function missingCount(c: Column): number {
  let n = 0;
  if (c.type === 'number') {
    const v = c.values;
    for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) n++;
  } else {
    const k = c.codes;
    for (let i = 0; i < k.length; i++) if (k[i] < 0) n++;
  }
  return n;
}
