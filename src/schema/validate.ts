/**
 * Validation: checks new data against a schema and returns it *conformed*: feature columns in
 * schema order, numbers as Float64 (NaN = missing), categoricals coded against the training
 * categories. Problems raise coded errors naming the column, the first bad row and the count.
 */
import { ModelyardError } from '../errors.js';
import { Frame, MISSING_CODE, type Column, type NumberColumn, type StringColumn } from '../frame/frame.js';
import { parseDate, parseNumber } from './values.js';
import type { FeatureSpec, Schema, UnseenPolicy } from './types.js';

export interface ConformOptions {
  /** What to do with categorical values never seen in training (default `error`). */
  unseen?: UnseenPolicy;
  /** Label for messages, usually the file name. */
  source?: string;
  /** Collects non-fatal notes (e.g. unseen categories mapped to missing). */
  warnings?: string[];
}

/**
 * Conforms `frame` to `schema` (extra columns are ignored).
 *
 * @example
 * ```ts
 * const X = conform(await readFrame('new.csv'), model.schema, { source: 'new.csv' });
 * ```
 */
export function conform(frame: Frame, schema: Schema, opts: ConformOptions = {}): Frame {
  const src = opts.source ? `${opts.source}: ` : '';
  const absent = schema.features.filter((f) => !frame.has(f.name)).map((f) => f.name);
  if (absent.length > 0) {
    const list = absent.map((a) => `"${a}"`).join(', ');
    throw new ModelyardError('COLUMN_MISSING', `${src}missing column${absent.length > 1 ? 's' : ''} ${list} (the model needs ${schema.features.length} feature columns)`, {
      file: opts.source,
      column: absent[0],
    });
  }
  const cols = schema.features.map((spec) => conformColumn(frame.column(spec.name), spec, opts, src));
  return new Frame(cols, frame.nRows);
}

/** Conforms one column to its feature spec. */
export function conformColumn(col: Column, spec: FeatureSpec, opts: ConformOptions, src = ''): Column {
  switch (spec.kind) {
    case 'numeric':
    case 'integer':
      return numericColumn(col, spec, opts, src);
    case 'boolean':
      return booleanColumn(col, spec, opts, src);
    case 'datetime':
      return datetimeColumn(col, spec, opts, src);
    case 'categorical':
      return categoricalColumn(col, spec, opts, src);
  }
}

function numericColumn(col: Column, spec: FeatureSpec, opts: ConformOptions, src: string): NumberColumn {
  if (col.type === 'number') {
    const v = col.values;
    for (let i = 0; i < v.length; i++) {
      if (v[i] === Infinity || v[i] === -Infinity) {
        throw badValue('INVALID_VALUE', opts, src, spec.name, i, String(v[i]), countWhere(v, (x) => !Number.isFinite(x) && x === x), 'a finite number (or empty for missing)');
      }
    }
    return { type: 'number', name: spec.name, values: col.values, storage: 'float' };
  }
  const table = col.dictionary.map((d) => parseNumber(d));
  return mapCodes(col, table, spec, opts, src, 'a number');
}

function booleanColumn(col: Column, spec: FeatureSpec, opts: ConformOptions, src: string): NumberColumn {
  if (col.type === 'number') {
    const v = col.values;
    for (let i = 0; i < v.length; i++) {
      if (v[i] === v[i] && v[i] !== 0 && v[i] !== 1) {
        throw badValue('TYPE_MISMATCH', opts, src, spec.name, i, String(v[i]), countWhere(v, (x) => x === x && x !== 0 && x !== 1), 'a boolean (0/1)');
      }
    }
    return { type: 'number', name: spec.name, values: col.values, storage: 'boolean' };
  }
  const [f, t] = spec.categories ?? ['false', 'true'];
  const table = col.dictionary.map((d) => {
    const l = d.toLowerCase();
    if (l === f.toLowerCase() || ['false', 'no', 'n', 'f', '0'].includes(l)) return 0;
    if (l === t.toLowerCase() || ['true', 'yes', 'y', 't', '1'].includes(l)) return 1;
    return NaN;
  });
  return mapCodes(col, table, spec, opts, src, `one of ${f}/${t}`);
}

function datetimeColumn(col: Column, spec: FeatureSpec, opts: ConformOptions, src: string): NumberColumn {
  if (col.type === 'number') return { type: 'number', name: spec.name, values: col.values, storage: spec.dateOnly ? 'date' : 'timestamp' };
  const table = col.dictionary.map((d) => parseDate(d));
  return mapCodes(col, table, spec, opts, src, 'a date (YYYY-MM-DD[ hh:mm:ss])');
}

/** Maps dictionary codes through a per-entry table; a NaN entry that is used is a type error. */
function mapCodes(col: StringColumn, table: number[], spec: FeatureSpec, opts: ConformOptions, src: string, expected: string): NumberColumn {
  const codes = col.codes;
  const out = new Float64Array(codes.length);
  let firstBad = -1;
  let nBad = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) {
      out[i] = NaN;
      continue;
    }
    const v = table[c];
    if (v !== v) {
      if (firstBad < 0) firstBad = i;
      nBad++;
    }
    out[i] = v;
  }
  if (nBad > 0) throw badValue('TYPE_MISMATCH', opts, src, spec.name, firstBad, col.dictionary[codes[firstBad]], nBad, expected);
  return { type: 'number', name: spec.name, values: out, storage: 'float' };
}

function categoricalColumn(col: Column, spec: FeatureSpec, opts: ConformOptions, src: string): StringColumn {
  const cats = spec.categories ?? [];
  const index = new Map<string, number>();
  cats.forEach((c, i) => index.set(c, i));
  const n = col.type === 'number' ? col.values.length : col.codes.length;
  const out = new Int32Array(n);
  let firstUnseen = -1;
  let nUnseen = 0;
  let unseenValue = '';
  if (col.type === 'string') {
    const table = col.dictionary.map((d) => index.get(d) ?? -2);
    for (let i = 0; i < n; i++) {
      const c = col.codes[i];
      const m = c < 0 ? MISSING_CODE : table[c];
      if (m === -2) {
        if (firstUnseen < 0) {
          firstUnseen = i;
          unseenValue = col.dictionary[c];
        }
        nUnseen++;
        out[i] = MISSING_CODE;
      } else out[i] = m;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = col.values[i];
      if (v !== v) {
        out[i] = MISSING_CODE;
        continue;
      }
      const m = index.get(String(v));
      if (m === undefined) {
        if (firstUnseen < 0) {
          firstUnseen = i;
          unseenValue = String(v);
        }
        nUnseen++;
        out[i] = MISSING_CODE;
      } else out[i] = m;
    }
  }
  if (nUnseen > 0) {
    if ((opts.unseen ?? 'error') === 'error') {
      const shown = cats.length <= 8 ? ` (known: ${cats.join(', ')})` : ` (${cats.length} known categories)`;
      throw new ModelyardError(
        'UNSEEN_CATEGORY',
        `${src}row ${firstUnseen + 1}, column "${spec.name}": category "${unseenValue}" was not seen in training${shown}; ${nUnseen} row${nUnseen > 1 ? 's' : ''} affected (use --unseen missing to score them as missing)`,
        { file: opts.source, row: firstUnseen + 1, column: spec.name },
      );
    }
    opts.warnings?.push(`${src}column "${spec.name}": ${nUnseen} unseen categor${nUnseen > 1 ? 'ies' : 'y'} (first "${unseenValue}", row ${firstUnseen + 1}) scored as missing`);
  }
  return { type: 'string', name: spec.name, codes: out, dictionary: cats };
}

function countWhere(v: Float64Array, pred: (x: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (pred(v[i])) n++;
  return n;
}

function badValue(code: 'TYPE_MISMATCH' | 'INVALID_VALUE', opts: ConformOptions, src: string, column: string, row0: number, value: string, count: number, expected: string): ModelyardError {
  const more = count > 1 ? `; ${count} rows affected` : '';
  return new ModelyardError(code, `${src}row ${row0 + 1}, column "${column}": "${value}" is not ${expected}${more}`, {
    file: opts.source,
    row: row0 + 1,
    column,
  });
}
