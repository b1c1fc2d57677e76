/**
 * Shared shapes for preprocessing transforms. A transform is fitted on training rows only and then
 * maps any frame with the same columns to new columns. Its fitted state is data (JSON plus named
 * typed arrays), never code, so it can live inside a model artifact.
 *
 * Every transform takes and returns a {@link Frame}: the columns it handles are replaced, in place,
 * by its output columns; all other columns pass through untouched. That makes them composable.
 */
import { ModelyardError } from '../errors.js';
import { Frame, type Column, type NumberColumn, type StringColumn } from '../frame/frame.js';
import type { Json, TypedArray } from '../learn/types.js';

/** A fitted transform as data. JSON never holds NaN/Infinity (numbers that may be NaN go in arrays). */
export interface TransformState {
  json: { [k: string]: Json };
  arrays: Record<string, TypedArray>;
}

/**
 * Replaces the named columns of `frame` by their outputs, keeping the column order (an output list
 * goes where its input was); columns not in `outputs` pass through.
 */
export function replaceColumns(frame: Frame, outputs: ReadonlyMap<string, readonly Column[]>): Frame {
  const cols: Column[] = [];
  for (const c of frame.columns) {
    const out = outputs.get(c.name);
    if (out) cols.push(...out);
    else cols.push(c);
  }
  return new Frame(cols, frame.nRows);
}

/** The number column `name` of `frame`, or a coded error naming it. */
export function numberInput(frame: Frame, name: string, who: string): NumberColumn {
  const c = requireColumn(frame, name, who);
  if (c.type !== 'number') {
    throw new ModelyardError('TYPE_MISMATCH', `${who}: column "${name}" holds text but was fitted as a number column`, { column: name });
  }
  return c;
}

/** The string (categorical) column `name` of `frame`, or a coded error naming it. */
export function stringInput(frame: Frame, name: string, who: string): StringColumn {
  const c = requireColumn(frame, name, who);
  if (c.type !== 'string') {
    throw new ModelyardError('TYPE_MISMATCH', `${who}: column "${name}" holds numbers but was fitted as a categorical column`, { column: name });
  }
  return c;
}

/** The column `name` of `frame`, or COLUMN_MISSING. */
export function requireColumn(frame: Frame, name: string, who: string): Column {
  const c = frame.get(name);
  if (!c) throw new ModelyardError('COLUMN_MISSING', `${who}: column "${name}" is missing from the data`, { column: name });
  return c;
}

/**
 * Maps the codes of `col` (whose dictionary may differ from the fitted one) to indices in `levels`
 * by label: -1 for a missing value (code -1), -2 for a label not in `levels` (unseen).
 */
export function levelTable(col: StringColumn, levels: readonly string[]): Int32Array {
  const index = new Map<string, number>();
  levels.forEach((l, i) => index.set(l, i));
  const table = new Int32Array(col.dictionary.length);
  for (let d = 0; d < col.dictionary.length; d++) table[d] = index.get(col.dictionary[d]) ?? -2;
  return table;
}

/** Reads a JSON string array from state, with a clear error when the artifact is malformed. */
export function jsonStrings(v: Json | undefined, what: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new ModelyardError('ARTIFACT_CORRUPT', `transform state: "${what}" is not a list of strings`);
  }
  return v as string[];
}

/** Reads a Float64Array from state arrays, checking its length. */
export function stateF64(arrays: Record<string, TypedArray>, key: string, length?: number): Float64Array {
  const a = arrays[key];
  if (!(a instanceof Float64Array) || (length !== undefined && a.length !== length)) {
    throw new ModelyardError('ARTIFACT_CORRUPT', `transform state: array "${key}" is missing or has the wrong length`);
  }
  return a;
}

/**
 * A deep copy of a state, as an artifact gives it back (JSON re-parsed, arrays copied).
 *
 * @example
 * ```ts
 * const again = Imputer.fromState(copyState(imputer.toState()));
 * ```
 */
export function copyState(s: TransformState): TransformState {
  const arrays: Record<string, TypedArray> = {};
  for (const [k, a] of Object.entries(s.arrays)) arrays[k] = a.slice();
  return { json: JSON.parse(JSON.stringify(s.json)) as TransformState['json'], arrays };
}

/**
 * A string that is equal for equal states (JSON text plus array contents): to check that a
 * transform was not changed, or as a cache key.
 *
 * @example
 * ```ts
 * const before = stateKey(scaler.toState());
 * scaler.transform(testX);
 * stateKey(scaler.toState()) === before; // true: transforming never refits
 * ```
 */
export function stateKey(s: TransformState): string {
  const arrays = Object.keys(s.arrays)
    .sort()
    .map((k) => `${k}:${Array.from(s.arrays[k] as ArrayLike<number>).join(',')}`);
  return JSON.stringify(s.json) + '|' + arrays.join('|');
}
