/**
 * Shared pieces of the splitters: the {@link Split} shape, test-size resolution and index helpers.
 */
import { ModelyardError } from '../errors.js';

/** Row indices of one train/test partition, each part sorted ascending. */
export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/** Default share of rows held out for testing. */
export const DEFAULT_TEST_SIZE = 0.2;

/**
 * The number of test units (rows, or groups for group splits) for `testSize` out of `n`: a fraction
 * in (0, 1) is rounded up like sklearn's `ceil(test_size · n)` (with a 1e-9 guard so 0.7 · 10 is 7,
 * not 8), an integer ≥ 1 is a count. Both parts must keep at least one unit.
 */
export function resolveTestCount(n: number, testSize: number | undefined, unit = 'rows'): number {
  const ts = testSize ?? DEFAULT_TEST_SIZE;
  let count: number;
  if (Number.isFinite(ts) && ts > 0 && ts < 1) count = Math.ceil(ts * n - 1e-9);
  else if (Number.isInteger(ts) && ts >= 1) count = ts;
  else {
    throw new ModelyardError('PARAM_INVALID', `testSize must be a fraction in (0, 1) or a whole count ≥ 1, got ${String(ts)}`, { field: 'testSize' });
  }
  if (count < 1 || count > n - 1) {
    throw new ModelyardError(
      'PARAM_INVALID',
      `testSize ${ts} with ${n} ${unit} leaves the ${count < 1 ? 'test' : 'train'} part empty (test would hold ${count} of ${n} ${unit})`,
      { field: 'testSize' },
    );
  }
  return count;
}

/** Checks a fold count k against the number of units. */
export function checkFolds(k: number, n: number, unit = 'rows'): void {
  if (!(Number.isInteger(k) && k >= 2)) throw new ModelyardError('PARAM_INVALID', `k (number of folds) must be an integer ≥ 2, got ${String(k)}`, { field: 'k' });
  if (k > n) throw new ModelyardError('PARAM_INVALID', `cannot make ${k} folds from ${n} ${unit}: k must not exceed the number of ${unit}`, { field: 'k' });
}

/** Checks a row count. */
export function checkRows(n: number): void {
  if (!(Number.isInteger(n) && n >= 0)) throw new ModelyardError('PARAM_INVALID', `n must be a whole number of rows, got ${String(n)}`, { field: 'n' });
}

/** A sorted copy of `idx`. */
export function sortedCopy(idx: ArrayLike<number>): Int32Array {
  return Int32Array.from(idx).sort();
}

/**
 * Splits 0..n-1 by a test-membership mask into sorted train and test index arrays (one pass, so
 * both come out ascending without a sort).
 */
export function fromMask(isTest: Uint8Array): Split {
  const n = isTest.length;
  let nTest = 0;
  for (let i = 0; i < n; i++) nTest += isTest[i];
  const train = new Int32Array(n - nTest);
  const test = new Int32Array(nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (isTest[i]) test[b++] = i;
    else train[a++] = i;
  }
  return { train, test };
}

/** Split whose test part is `testIdx` and whose train part is every other row of 0..n-1. */
export function complementSplit(n: number, testIdx: ArrayLike<number>): Split {
  const mask = new Uint8Array(n);
  for (let i = 0; i < testIdx.length; i++) mask[testIdx[i]] = 1;
  return fromMask(mask);
}

/** Class labels must be finite; returns the rows per sorted distinct label. */
export function rowsByLabel(y: ArrayLike<number>, what = 'target'): { labels: number[]; rows: number[][] } {
  let missing = 0;
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) missing++;
  if (missing > 0) {
    throw new ModelyardError('INVALID_VALUE', `${missing} of ${y.length} rows have a missing or non-finite ${what}; drop them before stratifying`, { field: 'y' });
  }
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    let r = byLabel.get(y[i]);
    if (!r) byLabel.set(y[i], (r = []));
    r.push(i);
  }
  const labels = [...byLabel.keys()].sort((a, b) => a - b);
  return { labels, rows: labels.map((l) => byLabel.get(l)!) };
}

/** Turns a fold id per row into k splits (test = that fold, train = the rest). */
export function foldsFrom(fold: Int32Array, k: number): Split[] {
  const out: Split[] = [];
  const mask = new Uint8Array(fold.length);
  for (let f = 0; f < k; f++) {
    for (let i = 0; i < fold.length; i++) mask[i] = fold[i] === f ? 1 : 0;
    out.push(fromMask(mask));
  }
  return out;
}
