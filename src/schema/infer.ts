/**
 * Schema inference: decides each column's kind from its storage and values, stores the categories
 * seen, and drops constant, all-missing and ID-like columns with a warning.
 */
import { ModelyardError } from '../errors.js';
import { missingCount, type Column, type Frame } from '../frame/frame.js';
import { parseNumber, BOOLEAN_WORDS } from './values.js';
import type { ColumnKind, DroppedColumn, FeatureSpec, Schema } from './types.js';

export interface InferOptions {
  /** Columns that are not features (target, segment, time column, …); reported as dropped with that reason. */
  exclude?: Record<string, DroppedColumn['reason']>;
  /** Kind overrides by column name (`text-id` drops the column). */
  kinds?: Record<string, ColumnKind>;
  /** Keep ID-like columns (default false: drop them with a warning). */
  keepIdLike?: boolean;
  /** Label used in messages (usually the file name). */
  source?: string;
}

export interface InferResult {
  schema: Schema;
  warnings: string[];
}

/** A string column with more than this many distinct values, nearly all unique, is ID-like. */
const ID_MIN_DISTINCT = 20;
const ID_UNIQUE_RATIO = 0.95;

/**
 * Infers the schema of `frame`.
 *
 * @example
 * ```ts
 * const { schema, warnings } = inferSchema(frame, { exclude: { Status: 'target' } });
 * schema.features.map((f) => `${f.name}:${f.kind}`);
 * ```
 */
export function inferSchema(frame: Frame, opts: InferOptions = {}): InferResult {
  const features: FeatureSpec[] = [];
  const dropped: DroppedColumn[] = [];
  const warnings: string[] = [];
  const src = opts.source ? `${opts.source}: ` : '';
  for (const name of Object.keys(opts.kinds ?? {})) {
    if (!frame.has(name)) {
      throw new ModelyardError('COLUMN_MISSING', `${src}--types names column "${name}", which the data does not have`, { column: name, flag: '--types' });
    }
  }
  for (const col of frame.columns) {
    const excluded = opts.exclude?.[col.name];
    if (excluded) {
      dropped.push({ name: col.name, reason: excluded, message: `${col.name} is the ${excluded} column` });
      continue;
    }
    const n = frame.nRows;
    const missing = missingCount(col);
    const missingRate = n === 0 ? 0 : missing / n;
    const override = opts.kinds?.[col.name];
    if (override === 'text-id') {
      dropped.push({ name: col.name, reason: 'excluded', message: `${col.name} declared text-id: not a feature` });
      continue;
    }
    if (missing === n) {
      const message = `column "${col.name}" is entirely missing; dropped`;
      dropped.push({ name: col.name, reason: 'all-missing', message });
      warnings.push(src + message);
      continue;
    }
    const distinct = distinctCount(col);
    if (distinct <= 1 && !override) {
      const message = `column "${col.name}" is constant; dropped`;
      dropped.push({ name: col.name, reason: 'constant', message });
      warnings.push(src + message);
      continue;
    }
    const kind = override ?? guessKind(col, distinct, n - missing);
    if (kind === 'text-id' || (!override && !opts.keepIdLike && isIdLike(col, distinct, n - missing))) {
      const message = `column "${col.name}" looks like an identifier (${distinct} distinct values in ${n - missing} rows); dropped (override with --types ${col.name}=categorical)`;
      dropped.push({ name: col.name, reason: 'id-like', message });
      warnings.push(src + message);
      continue;
    }
    features.push(makeSpec(col, kind as FeatureSpec['kind'], missingRate, warnings, src));
  }
  return { schema: { features, dropped }, warnings };
}

function guessKind(col: Column, distinct: number, present: number): ColumnKind {
  if (col.type === 'number') {
    switch (col.storage) {
      case 'boolean':
        return 'boolean';
      case 'date':
      case 'timestamp':
        return 'datetime';
      case 'integer':
        return distinct === 2 && isZeroOne(col.values) ? 'boolean' : 'integer';
      default:
        return distinct === 2 && isZeroOne(col.values) ? 'boolean' : 'numeric';
    }
  }
  const dict = usedLevels(col);
  if (dict.length === 2 && dict.every((d) => BOOLEAN_WORDS.has(d.toLowerCase())) && booleanPair(dict) !== null) return 'boolean';
  if (dict.every((d) => Number.isFinite(parseNumber(d)))) {
    return dict.every((d) => Number.isInteger(parseNumber(d))) ? 'integer' : 'numeric';
  }
  if (distinct > ID_MIN_DISTINCT && distinct >= ID_UNIQUE_RATIO * present) return 'text-id';
  return 'categorical';
}

function isIdLike(col: Column, distinct: number, present: number): boolean {
  if (col.type === 'string') return false; // strings are caught in guessKind
  if (col.storage !== 'integer' || distinct !== present || present <= ID_MIN_DISTINCT) return false;
  if (/(^|[^a-z])id$|^id[^a-z]|_id$|Id$|ID$/i.test(col.name) || /^(id|index|row|rownum|row_number|unnamed: 0)$/i.test(col.name)) return true;
  // All unique consecutive integers: a row number.
  let min = Infinity;
  let max = -Infinity;
  for (const v of col.values) {
    if (v !== v) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return max - min + 1 === present;
}

function makeSpec(col: Column, kind: FeatureSpec['kind'], missingRate: number, warnings: string[], src: string): FeatureSpec {
  const spec: FeatureSpec = { name: col.name, kind, missingRate };
  if (kind === 'categorical') {
    if (col.type === 'string') spec.categories = usedLevels(col).sort(compareLevels);
    else {
      const seen = new Set<number>();
      for (const v of col.values) if (v === v) seen.add(v);
      spec.categories = [...seen].sort((a, b) => a - b).map(String);
    }
  } else if (kind === 'boolean' && col.type === 'string') {
    const pair = booleanPair(usedLevels(col));
    if (!pair) {
      throw new ModelyardError('TYPE_MISMATCH', `${src}column "${col.name}" declared boolean but holds ${usedLevels(col).slice(0, 5).join(', ')}`, { column: col.name });
    }
    spec.categories = pair;
  } else if (kind === 'datetime') {
    spec.dateOnly = col.type === 'number' && col.storage === 'date';
  } else if (col.type === 'string' && (kind === 'numeric' || kind === 'integer')) {
    const bad = usedLevels(col).filter((d) => !Number.isFinite(parseNumber(d)));
    if (bad.length > 0) warnings.push(`${src}column "${col.name}" is ${kind} but has text values such as "${bad[0]}"; they fail validation`);
  }
  return spec;
}

/** Dictionary entries actually used by some row (a taken subset may reference fewer). */
function usedLevels(col: Extract<Column, { type: 'string' }>): string[] {
  const used = new Uint8Array(col.dictionary.length);
  for (const c of col.codes) if (c >= 0) used[c] = 1;
  return col.dictionary.filter((_, i) => used[i] === 1);
}

function distinctCount(col: Column): number {
  if (col.type === 'string') return usedLevels(col).length;
  const seen = new Set<number>();
  for (const v of col.values) {
    if (v === v) {
      seen.add(v);
      if (seen.size > 1 << 20) break;
    }
  }
  return seen.size;
}

function isZeroOne(values: Float64Array): boolean {
  for (const v of values) if (v === v && v !== 0 && v !== 1) return false;
  return true;
}

/** Orders two text labels as [false, true] when they are a recognised pair (no/yes, false/true, n/y, f/t, 0/1). */
export function booleanPair(levels: string[]): [string, string] | null {
  if (levels.length !== 2) return null;
  const falsy = ['no', 'false', 'n', 'f', '0'];
  const truthy = ['yes', 'true', 'y', 't', '1'];
  const [a, b] = levels;
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (falsy.includes(la) && truthy.includes(lb)) return [a, b];
  if (falsy.includes(lb) && truthy.includes(la)) return [b, a];
  return null;
}

/** Sorts category labels: numerically when both are numbers, else by code point (stable across locales). */
export function compareLevels(a: string, b: string): number {
  const na = parseNumber(a);
  const nb = parseNumber(b);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}
