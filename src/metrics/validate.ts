/**
 * Input checks shared by the metrics. Every metric validates before it computes, so a bad call fails
 * with a coded {@link ModelyardError} naming the offending row (1-based) instead of returning NaN.
 */
import { ModelyardError } from '../errors.js';

/** Throws LENGTH_MISMATCH unless `a` has `n` entries. */
export function checkLength(what: string, a: ArrayLike<number>, n: number): void {
  if (a.length !== n) {
    throw new ModelyardError('LENGTH_MISMATCH', `${what} has ${a.length} entries but the target has ${n}`, { field: what });
  }
}

/** Throws unless `n > 0` (an empty target has no metric). */
export function checkNonEmpty(n: number): void {
  if (n === 0) throw new ModelyardError('DATA_EMPTY', 'cannot compute a metric on 0 rows');
}

/** Targets must be finite numbers; NaN rows have to be dropped by the caller first. */
export function checkTargetFinite(y: ArrayLike<number>): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isFinite(v)) {
      throw new ModelyardError(
        'INVALID_VALUE',
        `row ${i + 1}: the target is ${v !== v ? 'missing (NaN)' : String(v)}; drop rows without a target before computing metrics`,
        { row: i + 1, field: 'y' },
      );
    }
  }
}

/** Class labels must be integers in [0, k). */
export function checkClasses(what: string, y: ArrayLike<number>, k: number): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!(v >= 0 && v < k && Math.floor(v) === v)) {
      throw new ModelyardError(
        'INVALID_VALUE',
        `row ${i + 1}: ${what} is ${v !== v ? 'missing (NaN)' : String(v)}, expected a class index 0..${k - 1}${v !== v && what === 'y' ? ' (drop rows without a target first)' : ''}`,
        { row: i + 1, field: what },
      );
    }
  }
}

/** Predictions (scores, probabilities, values) must be finite. */
export function checkFinite(what: string, a: ArrayLike<number>): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new ModelyardError('INVALID_VALUE', `${what}[${i}] is ${String(a[i])}; predictions must be finite numbers`, { field: what });
    }
  }
}

/** Probabilities must lie in [0, 1]. */
export function checkProbabilities(what: string, a: ArrayLike<number>): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!(v >= 0 && v <= 1)) {
      throw new ModelyardError('INVALID_VALUE', `${what}[${i}] is ${String(v)}; probabilities must lie in [0, 1]`, { field: what });
    }
  }
}

/** Sample weights must be finite, non-negative and not all zero. Returns their sum. */
export function checkWeights(w: ArrayLike<number>, n: number): number {
  checkLength('weights', w, n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i];
    if (!(v >= 0 && v < Infinity)) {
      throw new ModelyardError('INVALID_VALUE', `row ${i + 1}: sample weight ${String(v)} is not a finite non-negative number`, { row: i + 1, field: 'weights' });
    }
    sum += v;
  }
  if (!(sum > 0)) throw new ModelyardError('INVALID_VALUE', 'all sample weights are zero', { field: 'weights' });
  return sum;
}

/** Checks a positive integer parameter (class count, bin count). */
export function checkCount(what: string, k: number, min: number): void {
  if (!(Number.isInteger(k) && k >= min)) {
    throw new ModelyardError('PARAM_INVALID', `${what} must be an integer ≥ ${min}, got ${String(k)}`, { field: what });
  }
}
