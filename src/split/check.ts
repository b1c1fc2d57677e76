/**
 * Invariant checks of split results (used by the split tests; callers such as cross-validation may
 * use them as cheap sanity checks). They throw an INTERNAL error describing the first violation:
 * a broken split is a bug in modelyard, not bad user input.
 */
import { ModelyardError } from '../errors.js';
import type { Split } from './types.js';

function fail(message: string): never {
  throw new ModelyardError('INTERNAL', `split invariant violated: ${message}`);
}

/** `a` is strictly ascending (so also free of duplicates). */
export function checkAscending(a: Int32Array, what = 'indices'): void {
  for (let i = 1; i < a.length; i++) if (!(a[i - 1] < a[i])) fail(`${what} not strictly ascending at ${i} (${a[i - 1]}, ${a[i]})`);
}

/** train and test are sorted, non-empty, disjoint, and together cover 0..n-1. */
export function checkPartition(s: Split, n: number): void {
  checkAscending(s.train, 'train');
  checkAscending(s.test, 'test');
  if (s.train.length === 0) fail('train part is empty');
  if (s.test.length === 0) fail('test part is empty');
  if (s.train.length + s.test.length !== n) fail(`parts hold ${s.train.length} + ${s.test.length} rows, expected ${n}`);
  const seen = new Uint8Array(n);
  for (const part of [s.train, s.test]) {
    for (let j = 0; j < part.length; j++) {
      const i = part[j];
      if (!(i >= 0 && i < n)) fail(`index ${i} outside 0..${n - 1}`);
      if (seen[i]) fail(`row ${i} is in both parts`);
      seen[i] = 1;
    }
  }
}

/** k partitions where every row is in exactly one test fold. */
export function checkFoldCover(folds: readonly Split[], n: number, k: number): void {
  if (folds.length !== k) fail(`${folds.length} folds, expected ${k}`);
  const hits = new Uint8Array(n);
  for (const f of folds) {
    checkPartition(f, n);
    for (let j = 0; j < f.test.length; j++) hits[f.test[j]]++;
  }
  for (let i = 0; i < n; i++) if (hits[i] !== 1) fail(`row ${i} is in ${hits[i]} test folds`);
}
