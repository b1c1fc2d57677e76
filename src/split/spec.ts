/**
 * The `--split` flag: parsing `random | stratified | temporal:COL | group:COL[,TEST_SIZE]` and running
 * the split on a frame.
 */
import { ModelyardError } from '../errors.js';
import type { Frame } from '../frame/frame.js';
import { randomSplit, stratifiedSplit } from './random-split.js';
import { groupSplitOf } from './group.js';
import { temporalSplitOf } from './temporal.js';
import type { Split } from './types.js';

/** How to hold out test rows. */
export type SplitSpec = { kind: 'random' | 'stratified' } | { kind: 'temporal' | 'group'; column: string };

const SPLIT_HELP = 'expected random, stratified, temporal:COLUMN or group:COLUMN, optionally followed by ",TEST_SIZE" (e.g. "temporal:date,0.25")';

/**
 * Parses the CLI `--split` value. A trailing `,NUMBER` is the test size (a fraction in (0, 1) or a
 * whole row count); the split kind is case-insensitive, the column name is kept as written.
 *
 * @throws ModelyardError USAGE (flag `--split`) for anything else.
 * @example
 * ```ts
 * parseSplitSpec('temporal:date,0.25'); // { kind: 'temporal', column: 'date', testSize: 0.25 }
 * parseSplitSpec('stratified');         // { kind: 'stratified' }
 * ```
 */
export function parseSplitSpec(text: string): SplitSpec & { testSize?: number } {
  const bad = (why: string): ModelyardError => new ModelyardError('USAGE', `--split "${text}": ${why}; ${SPLIT_HELP}`, { flag: '--split' });
  let head = String(text).trim();
  let testSize: number | undefined;
  const comma = head.lastIndexOf(',');
  if (comma >= 0) {
    const tail = head.slice(comma + 1).trim();
    if (/^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(tail)) {
      testSize = Number(tail);
      head = head.slice(0, comma).trim();
      if (!((testSize > 0 && testSize < 1) || (Number.isInteger(testSize) && testSize >= 1))) {
        throw bad(`test size ${tail} must be a fraction between 0 and 1 or a whole number of rows`);
      }
    }
  }
  const colon = head.indexOf(':');
  const kind = (colon >= 0 ? head.slice(0, colon) : head).trim().toLowerCase();
  const column = colon >= 0 ? head.slice(colon + 1).trim() : undefined;
  const withSize = <T extends object>(s: T): T & { testSize?: number } => (testSize === undefined ? s : { ...s, testSize });
  if (kind === 'random' || kind === 'stratified') {
    if (column !== undefined) throw bad(`"${kind}" takes no column`);
    return withSize({ kind });
  }
  if (kind === 'temporal' || kind === 'group') {
    if (!column) throw bad(`"${kind}" needs a column, as in ${kind}:COLUMN`);
    return withSize({ kind, column });
  }
  throw bad(kind === '' ? 'empty value' : `unknown split kind "${kind}"`);
}

/**
 * Runs a split on a frame. `temporal` reads a number column (dates and timestamps are epoch ms in
 * a {@link Frame}); `group` reads any column (a missing value is an error). `stratified` needs the
 * encoded target `y`. `opts.testSize` wins over the spec's own test size.
 *
 * @throws ModelyardError COLUMN_MISSING naming the column; TYPE_MISMATCH for a text time column.
 * @example
 * ```ts
 * const split = splitFrame(frame, parseSplitSpec('group:customer_id'), { seed: 1 });
 * const train = frame.take(split.train);
 * ```
 */
export function splitFrame(frame: Frame, spec: SplitSpec & { testSize?: number }, opts: { y?: ArrayLike<number>; testSize?: number; seed: number }): Split {
  const testSize = opts.testSize ?? spec.testSize;
  switch (spec.kind) {
    case 'random':
      return randomSplit(frame.nRows, { testSize, seed: opts.seed });
    case 'stratified': {
      if (!opts.y) throw new ModelyardError('PARAM_INVALID', 'a stratified split needs the target (y); use --split random for targets that cannot be stratified', { flag: '--split' });
      if (opts.y.length !== frame.nRows) {
        throw new ModelyardError('LENGTH_MISMATCH', `the target has ${opts.y.length} rows but the data has ${frame.nRows}`, { flag: '--split' });
      }
      return stratifiedSplit(opts.y, { testSize, seed: opts.seed });
    }
    case 'temporal': {
      const col = requireColumn(frame, spec.column, spec.kind);
      if (col.type !== 'number') {
        throw new ModelyardError(
          'TYPE_MISMATCH',
          `temporal split column "${spec.column}" holds text (e.g. "${col.dictionary[0] ?? ''}"), expected dates, timestamps or numbers`,
          { column: spec.column, flag: '--split' },
        );
      }
      return withColumn(spec.column, () => temporalSplitOf(col.values, { testSize }, `column "${spec.column}"`));
    }
    case 'group': {
      const col = requireColumn(frame, spec.column, spec.kind);
      let groups: Float64Array;
      if (col.type === 'number') groups = col.values;
      else {
        groups = new Float64Array(col.codes.length);
        for (let i = 0; i < groups.length; i++) groups[i] = col.codes[i] < 0 ? NaN : col.codes[i];
      }
      return withColumn(spec.column, () => groupSplitOf(groups, { testSize, seed: opts.seed }, `column "${spec.column}"`));
    }
    default:
      throw new ModelyardError('USAGE', `unknown split kind "${(spec as { kind: string }).kind}"`, { flag: '--split' });
  }
}

function requireColumn(frame: Frame, name: string, kind: string) {
  const col = frame.get(name);
  if (!col) {
    throw new ModelyardError('COLUMN_MISSING', `${kind} split column "${name}" is not in the data; columns: ${frame.names.slice(0, 12).join(', ')}${frame.names.length > 12 ? ', …' : ''}`, {
      column: name,
      flag: '--split',
    });
  }
  return col;
}

/** Adds the column and flag to errors raised by the splitter. */
function withColumn(column: string, run: () => Split): Split {
  try {
    return run();
  } catch (e) {
    if (e instanceof ModelyardError) throw new ModelyardError(e.code, e.message, { ...e.location, column, flag: '--split' }, e.details);
    throw e;
  }
}
