/**
 * k-fold cross-validation splits: plain (optionally shuffled) and stratified.
 */
import { ModelyardError } from '../errors.js';
import { Rng, range } from '../util/random.js';
import { checkFolds, checkRows, foldsFrom, rowsByLabel, type Split } from './types.js';

/**
 * k folds over rows 0..n-1, as sklearn `KFold`: the first n mod k folds hold ⌊n/k⌋ + 1 test rows,
 * the rest ⌊n/k⌋. Rows are shuffled with `seed` first unless `shuffle` is false (default true: data
 * files are often sorted, and unshuffled folds would then differ systematically).
 *
 * @example
 * ```ts
 * for (const { train, test } of kFold(1000, { k: 5, seed: 1 })) { ... }
 * ```
 */
export function kFold(n: number, opts: { k: number; seed: number; shuffle?: boolean }): Split[] {
  checkRows(n);
  checkFolds(opts.k, n);
  const perm = range(n);
  if (opts.shuffle !== false) new Rng(opts.seed).shuffle(perm);
  const fold = new Int32Array(n);
  const base = Math.floor(n / opts.k);
  const extra = n % opts.k;
  let at = 0;
  for (let f = 0; f < opts.k; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let i = 0; i < size; i++) fold[perm[at++]] = f;
  }
  return foldsFrom(fold, opts.k);
}

/**
 * k folds that keep class proportions, like sklearn `StratifiedKFold(shuffle=True)`: each class's
 * rows are shuffled, the classes are laid end to end, and position p goes to fold p mod k. Per class,
 * fold counts differ by at most one, and so do fold sizes. Every class needs ≥ 2 rows (so that every
 * training fold contains it); a class with fewer than k rows is absent from some test folds.
 *
 * @example
 * ```ts
 * const folds = stratifiedKFold(y, { k: 5, seed: 1 });
 * ```
 */
export function stratifiedKFold(y: ArrayLike<number>, opts: { k: number; seed: number }): Split[] {
  const n = y.length;
  checkFolds(opts.k, n);
  const { labels, rows } = rowsByLabel(y);
  for (let c = 0; c < labels.length; c++) {
    if (rows[c].length < 2) {
      throw new ModelyardError(
        'PARAM_INVALID',
        `cannot stratify ${opts.k} folds: class ${labels[c]} has only ${rows[c].length} row; every class needs at least 2 rows so that each training fold contains it`,
        { field: 'y' },
      );
    }
  }
  const rng = new Rng(opts.seed);
  const fold = new Int32Array(n);
  let p = 0;
  for (const r of rows) {
    const shuffled = rng.shuffle(Int32Array.from(r));
    for (let i = 0; i < shuffled.length; i++) fold[shuffled[i]] = p++ % opts.k;
  }
  return foldsFrom(fold, opts.k);
}
