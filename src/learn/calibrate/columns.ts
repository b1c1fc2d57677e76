/**
 * The part every calibrator shares: map each class's probability column through its own fitted
 * 1-d function, then make rows sum to 1 — scikit-learn's `CalibratedClassifierCV` scheme
 * (`_CalibratedClassifier.predict_proba`): binary tasks calibrate only P(positive) and set
 * P(negative) = 1 − P(positive); multiclass tasks calibrate each class one-vs-rest and divide each
 * row by its sum (a row whose calibrated values are all 0 becomes uniform).
 */
import { ModelyardError } from '../../errors.js';

/** Number of calibrated columns for k classes: 1 (the positive class) when binary, else k. */
export function calibratedColumns(k: number): number {
  return k === 2 ? 1 : k;
}

/**
 * Applies `map(j, p)` — calibrated column j (0 = the positive class when binary) — to an n × k
 * probability matrix and renormalises the rows. Values within 1e-5 above 1 are set to 1, as sklearn does.
 */
export function applyColumns(proba: Float64Array, n: number, k: number, fittedK: number, map: (j: number, p: number) => number): Float64Array {
  if (k !== fittedK) {
    throw new ModelyardError('PARAM_INVALID', `the calibrator was fitted for ${fittedK} classes but got probabilities for ${k}`, { field: 'k' });
  }
  if (!(Number.isInteger(n) && n >= 0) || proba.length !== n * k) {
    throw new ModelyardError('LENGTH_MISMATCH', `probabilities have ${proba.length} values, expected ${n} rows × ${k} classes`, { field: 'proba' });
  }
  const out = new Float64Array(n * k);
  if (k === 2) {
    for (let i = 0; i < n; i++) {
      const p1 = map(0, proba[2 * i + 1]);
      out[2 * i + 1] = p1;
      out[2 * i] = 1 - p1;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const base = i * k;
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const v = map(c, proba[base + c]);
        out[base + c] = v;
        sum += v;
      }
      if (sum === 0) for (let c = 0; c < k; c++) out[base + c] = 1 / k;
      else for (let c = 0; c < k; c++) out[base + c] /= sum;
    }
  }
  for (let i = 0; i < out.length; i++) if (out[i] > 1 && out[i] <= 1 + 1e-5) out[i] = 1;
  return out;
}

/** One class's probability column and one-vs-rest 0/1 target, in the form the 1-d fitters take. */
export function columnOf(proba: Float64Array, n: number, k: number, column: number): Float64Array {
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = proba[i * k + column];
  return f;
}

/** 1 where y equals `cls`, else 0. */
export function indicator(y: ArrayLike<number>, cls: number): Float64Array {
  const t = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) t[i] = y[i] === cls ? 1 : 0;
  return t;
}

/** The class whose probability is calibrated in column j. */
export function classOfColumn(k: number, j: number): number {
  return k === 2 ? 1 : j;
}

/** Reads a named Float64Array from a stored state, or throws ARTIFACT_CORRUPT. */
export function needArray(arrays: Record<string, unknown>, name: string, length: number | undefined, method: string): Float64Array {
  const a = arrays[name];
  if (!(a instanceof Float64Array) || (length !== undefined && a.length !== length)) {
    throw new ModelyardError(
      'ARTIFACT_CORRUPT',
      `the ${method} calibrator's array "${name}" is missing or has the wrong type or length${length !== undefined ? ` (expected ${length} float64 values)` : ''}`,
    );
  }
  return a;
}

/** Reads the class count k from a stored state, or throws ARTIFACT_CORRUPT. */
export function needK(state: unknown, method: string): number {
  const k = (state as { k?: unknown } | null)?.k;
  if (!(typeof k === 'number' && Number.isInteger(k) && k >= 2)) {
    throw new ModelyardError('ARTIFACT_CORRUPT', `the ${method} calibrator's state has no valid class count k`);
  }
  return k;
}
