/**
 * Seeded shuffle splits: plain random and stratified (class proportions kept).
 */
import { ModelyardError } from '../errors.js';
import { Rng, range } from '../util/random.js';
import { checkRows, complementSplit, resolveTestCount, rowsByLabel, type Split } from './types.js';

/**
 * A seeded random train/test split of rows 0..n-1.
 *
 * @param opts.testSize Fraction in (0, 1) (rounded up) or a whole count ≥ 1; default 0.2.
 * @example
 * ```ts
 * const { train, test } = randomSplit(1000, { seed: 42 }); // 800 / 200 row indices, ascending
 * ```
 */
export function randomSplit(n: number, opts: { testSize?: number; seed: number }): Split {
  checkRows(n);
  const nTest = resolveTestCount(n, opts.testSize);
  const perm = new Rng(opts.seed).shuffle(range(n));
  return complementSplit(n, perm.subarray(0, nTest));
}

/**
 * A seeded split that keeps each class's share in both parts (as sklearn's
 * `train_test_split(stratify=y)`). The test count per class follows the largest-remainder method
 * (Hamilton apportionment) with random tie-breaking, constrained so that every class with ≥ 2 rows
 * has ≥ 1 row in each part; a class with a single row stays in train. The constraint can move the
 * test total a few rows off the requested size when there are many tiny classes.
 *
 * @example
 * ```ts
 * const { train, test } = stratifiedSplit(y, { testSize: 0.25, seed: 7 });
 * ```
 */
export function stratifiedSplit(y: ArrayLike<number>, opts: { testSize?: number; seed: number }): Split {
  const n = y.length;
  const { labels, rows } = rowsByLabel(y);
  const nTest = resolveTestCount(n, opts.testSize);
  const rng = new Rng(opts.seed);
  const alloc = apportion(
    rows.map((r) => r.length),
    nTest,
    rng,
  );
  let total = 0;
  for (const a of alloc) total += a;
  if (total === 0) {
    throw new ModelyardError('PARAM_INVALID', `cannot stratify: every one of the ${labels.length} classes has a single row`, { field: 'y' });
  }
  const test: number[] = [];
  for (let c = 0; c < rows.length; c++) {
    const r = rng.shuffle(Int32Array.from(rows[c]));
    for (let i = 0; i < alloc[c]; i++) test.push(r[i]);
  }
  return complementSplit(n, test);
}

/**
 * Test rows per class: ⌊m·t/n⌋ plus one for the largest remainders until the total is t, clamped to
 * [1, m − 1] for classes with m ≥ 2 rows (0 for single rows).
 */
function apportion(counts: number[], nTest: number, rng: Rng): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  const k = counts.length;
  const ideal = counts.map((m) => (m * nTest) / n);
  const lo = counts.map((m) => (m >= 2 ? 1 : 0));
  const hi = counts.map((m) => (m >= 2 ? m - 1 : 0));
  const alloc = ideal.map((v, c) => Math.min(hi[c], Math.max(lo[c], Math.floor(v))));
  // Random tie-break order, then stable sorts by remainder.
  const tie = rng.shuffle(range(k));
  const rank = new Int32Array(k);
  for (let i = 0; i < k; i++) rank[tie[i]] = i;
  let left = nTest - alloc.reduce((a, b) => a + b, 0);
  if (left > 0) {
    const order = [...tie].sort((a, b) => ideal[b] - alloc[b] - (ideal[a] - alloc[a]) || rank[a] - rank[b]);
    while (left > 0) {
      let moved = false;
      for (const c of order) {
        if (left === 0) break;
        if (alloc[c] < hi[c]) {
          alloc[c]++;
          left--;
          moved = true;
        }
      }
      if (!moved) break;
    }
  } else if (left < 0) {
    const order = [...tie].sort((a, b) => ideal[a] - alloc[a] - (ideal[b] - alloc[b]) || rank[a] - rank[b]);
    while (left < 0) {
      let moved = false;
      for (const c of order) {
        if (left === 0) break;
        if (alloc[c] > lo[c]) {
          alloc[c]--;
          left++;
          moved = true;
        }
      }
      if (!moved) break;
    }
  }
  return alloc;
}
