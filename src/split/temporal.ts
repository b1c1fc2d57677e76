/**
 * Time-ordered splits. Every cut falls between two distinct times, so rows sharing a timestamp are
 * never on both sides and every earlier part is strictly before every later part.
 */
import { ModelyardError } from '../errors.js';
import { resolveTestCount, type Split } from './types.js';

/**
 * Train on the earliest rows, test on the latest: every train time < every test time. When the
 * requested cut falls inside a run of equal times, it moves to the nearest time boundary.
 *
 * @param time One number per row (e.g. epoch ms); NaN is rejected.
 * @param opts.testSize Fraction in (0, 1) or whole count ≥ 1 of rows for the test part (default 0.2).
 * @example
 * ```ts
 * const { train, test } = temporalSplit(dates, { testSize: 0.25 }); // test = the latest quarter
 * ```
 */
export function temporalSplit(time: ArrayLike<number>, opts: { testSize?: number } = {}): Split {
  return temporalSplitOf(time, opts, 'time');
}

/** {@link temporalSplit} with `what` naming the time source in messages (e.g. `column "date"`). */
export function temporalSplitOf(time: ArrayLike<number>, opts: { testSize?: number }, what: string): Split {
  const n = time.length;
  const nTest = resolveTestCount(n, opts.testSize);
  const [train, test] = windows(time, [n - nTest], what);
  return { train, test };
}

/**
 * Consecutive time windows of the given shares (e.g. `[0.7, 0.15, 0.15]` for train/valid/test), each
 * strictly later than the one before. Shares must be positive and sum to 1.
 *
 * @example
 * ```ts
 * const [train, valid, test] = temporalSplits(dates, [0.7, 0.15, 0.15]);
 * ```
 */
export function temporalSplits(time: ArrayLike<number>, fractions: readonly number[]): Int32Array[] {
  if (fractions.length < 2) throw new ModelyardError('PARAM_INVALID', `fractions needs at least 2 shares, got ${fractions.length}`, { field: 'fractions' });
  let sum = 0;
  for (const f of fractions) {
    if (!(Number.isFinite(f) && f > 0)) throw new ModelyardError('PARAM_INVALID', `fractions must be positive numbers, got ${String(f)}`, { field: 'fractions' });
    sum += f;
  }
  if (Math.abs(sum - 1) > 1e-6) throw new ModelyardError('PARAM_INVALID', `fractions must sum to 1, got ${sum}`, { field: 'fractions' });
  const n = time.length;
  const targets: number[] = [];
  let cum = 0;
  for (let i = 0; i < fractions.length - 1; i++) {
    cum += fractions[i];
    targets.push(Math.round((cum / sum) * n));
  }
  return windows(time, targets, 'time');
}

/**
 * Expanding-window folds like sklearn's `TimeSeriesSplit(n_splits=k)` on rows ordered by time: the
 * last k blocks of ⌊n / (k + 1)⌋ rows are the test parts, and each fold trains on everything before
 * its block. Block edges move to the nearest time boundary when they fall inside equal times.
 *
 * @example
 * ```ts
 * for (const { train, test } of timeSeriesSplit(dates, { k: 5 })) { ... }
 * ```
 */
export function timeSeriesSplit(time: ArrayLike<number>, opts: { k: number }): Split[] {
  const k = opts.k;
  const n = time.length;
  if (!(Number.isInteger(k) && k >= 2)) throw new ModelyardError('PARAM_INVALID', `k (number of folds) must be an integer ≥ 2, got ${String(k)}`, { field: 'k' });
  if (k + 1 > n) throw new ModelyardError('PARAM_INVALID', `cannot make ${k} time-series folds from ${n} rows: need at least k + 1 = ${k + 1} rows`, { field: 'k' });
  const block = Math.floor(n / (k + 1));
  const targets: number[] = [];
  for (let i = 0; i < k; i++) targets.push(n - (k - i) * block);
  const parts = windows(time, targets, 'time');
  const out: Split[] = [];
  for (let i = 0; i < k; i++) {
    let size = 0;
    for (let j = 0; j <= i; j++) size += parts[j].length;
    const train = new Int32Array(size);
    let at = 0;
    for (let j = 0; j <= i; j++) {
      train.set(parts[j], at);
      at += parts[j].length;
    }
    out.push({ train: train.sort(), test: parts[i + 1] });
  }
  return out;
}

/**
 * Orders rows by time and cuts them near the target positions (rows before a cut belong to earlier
 * windows). Cuts may only sit where the time strictly increases; each is placed at the allowed
 * boundary nearest its target, leaving room for the cuts after it, so every window is non-empty.
 * Returns the windows' row indices, each sorted ascending.
 */
function windows(time: ArrayLike<number>, targets: readonly number[], what: string): Int32Array[] {
  const n = time.length;
  let missing = 0;
  for (let i = 0; i < n; i++) if (!Number.isFinite(time[i])) missing++;
  if (missing > 0) {
    throw new ModelyardError('INVALID_VALUE', `${missing} of ${n} rows have a missing or non-finite ${what} (NaN); drop or fill them before a temporal split`, {
      field: 'time',
    });
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const t = Float64Array.from(time);
  order.sort((a, b) => t[a] - t[b] || a - b);
  // Allowed cut positions: p such that time(order[p-1]) < time(order[p]).
  const bounds: number[] = [];
  for (let p = 1; p < n; p++) if (t[order[p - 1]] < t[order[p]]) bounds.push(p);
  const m = targets.length;
  if (bounds.length < m) {
    throw new ModelyardError(
      'PARAM_INVALID',
      `cannot cut ${n} rows into ${m + 1} time windows: the ${what} has only ${bounds.length + 1} distinct value${bounds.length === 0 ? '' : 's'}`,
      { field: 'time' },
    );
  }
  const cuts: number[] = [];
  let prev = -1; // index into bounds of the previous cut
  for (let i = 0; i < m; i++) {
    const loIdx = prev + 1;
    const hiIdx = bounds.length - (m - i); // leave one boundary for each later cut
    prev = nearest(bounds, targets[i], loIdx, hiIdx);
    cuts.push(bounds[prev]);
  }
  const out: Int32Array[] = [];
  let start = 0;
  for (const c of [...cuts, n]) {
    out.push(order.slice(start, c).sort());
    start = c;
  }
  return out;
}

/** Index in bounds[lo..hi] of the value nearest to target (the lower one on a tie). */
function nearest(bounds: readonly number[], target: number, lo: number, hi: number): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (bounds[mid] < target) a = mid + 1;
    else b = mid;
  }
  // a = first index in [lo, hi] with bounds[a] ≥ target (or hi)
  if (a > lo && Math.abs(bounds[a - 1] - target) <= Math.abs(bounds[a] - target)) return a - 1;
  return a;
}
