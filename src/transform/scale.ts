/**
 * Standard scaling, as scikit-learn's `StandardScaler`: `(x - mean) / std` with the population
 * standard deviation (divisor n), fitted on training rows only, missing values (NaN) ignored in
 * the fit and passed through. A constant column keeps scale 1 (it maps to 0), as sklearn does.
 */
import type { Column, Frame } from '../frame/frame.js';
import { jsonStrings, numberInput, replaceColumns, stateF64, type TransformState } from './types.js';

/**
 * A fitted standard scaler.
 *
 * @example
 * ```ts
 * const sc = StandardScaler.fit(trainX, ['age', 'income']);
 * const z = sc.transform(testX); // age and income standardised, other columns unchanged
 * ```
 */
export class StandardScaler {
  private constructor(
    readonly columns: readonly string[],
    readonly mean: Float64Array,
    readonly scale: Float64Array,
  ) {}

  static fit(frame: Frame, columns: readonly string[]): StandardScaler {
    const mean = new Float64Array(columns.length);
    const scale = new Float64Array(columns.length);
    columns.forEach((name, j) => {
      const v = numberInput(frame, name, 'scaler').values;
      // Two passes (mean, then squared deviations) for accuracy on large offsets such as epoch days.
      let n = 0;
      let s = 0;
      for (let i = 0; i < v.length; i++) {
        if (v[i] === v[i]) {
          s += v[i];
          n++;
        }
      }
      const mu = n > 0 ? s / n : 0;
      let ss = 0;
      for (let i = 0; i < v.length; i++) {
        if (v[i] === v[i]) ss += (v[i] - mu) * (v[i] - mu);
      }
      const sd = n > 0 ? Math.sqrt(ss / n) : 0;
      mean[j] = mu;
      scale[j] = sd > 1e-12 * Math.max(1, Math.abs(mu)) ? sd : 1;
    });
    return new StandardScaler([...columns], mean, scale);
  }

  transform(frame: Frame): Frame {
    const outputs = new Map<string, Column[]>();
    this.columns.forEach((name, j) => {
      const c = numberInput(frame, name, 'scaler');
      const v = c.values;
      const out = new Float64Array(v.length);
      const mu = this.mean[j];
      const sd = this.scale[j];
      for (let i = 0; i < v.length; i++) out[i] = (v[i] - mu) / sd;
      outputs.set(name, [{ ...c, values: out, storage: 'float' }]);
    });
    return replaceColumns(frame, outputs);
  }

  toState(): TransformState {
    return { json: { columns: [...this.columns] }, arrays: { mean: this.mean, scale: this.scale } };
  }

  static fromState(s: TransformState): StandardScaler {
    const columns = jsonStrings(s.json.columns, 'scaler.columns');
    return new StandardScaler(columns, stateF64(s.arrays, 'mean', columns.length), stateF64(s.arrays, 'scale', columns.length));
  }
}
