/**
 * Ordinal encoding: each category becomes its position in the training category order (for a
 * conformed frame, the schema's sorted categories: numeric labels numerically, text by code point).
 * Missing values and categories unseen in training become NaN, so an imputer placed after it (or
 * before it, on the codes) decides what they mean — scikit-learn's `OrdinalEncoder` with
 * `handle_unknown='use_encoded_value', unknown_value=np.nan`.
 */
import type { Column, Frame, NumberColumn } from '../frame/frame.js';
import { jsonStrings, levelTable, replaceColumns, stringInput, type TransformState } from './types.js';
import { ModelyardError } from '../errors.js';
import type { Json } from '../learn/types.js';

/**
 * A fitted ordinal encoder.
 *
 * @example
 * ```ts
 * const enc = OrdinalEncoder.fit(trainX, ['cut']);
 * enc.transform(testX).column('cut'); // number column: 0 for the first category, 1 for the next, …
 * ```
 */
export class OrdinalEncoder {
  private constructor(private readonly feats: readonly { name: string; levels: string[] }[]) {}

  static fit(frame: Frame, columns: readonly string[]): OrdinalEncoder {
    return new OrdinalEncoder(columns.map((name) => ({ name, levels: [...stringInput(frame, name, 'ordinal encoder').dictionary] })));
  }

  /** Replaces each fitted column by a number column of level positions. */
  transform(frame: Frame): Frame {
    const outputs = new Map<string, Column[]>();
    for (const f of this.feats) {
      const c = stringInput(frame, f.name, 'ordinal encoder');
      const table = levelTable(c, f.levels);
      const out = new Float64Array(frame.nRows);
      for (let i = 0; i < out.length; i++) {
        const code = c.codes[i];
        const t = code < 0 ? -1 : table[code];
        out[i] = t >= 0 ? t : NaN;
      }
      const col: NumberColumn = { type: 'number', name: f.name, values: out, storage: 'integer' };
      outputs.set(f.name, [col]);
    }
    return replaceColumns(frame, outputs);
  }

  toState(): TransformState {
    return { json: { columns: this.feats.map((f) => f.name), levels: this.feats.map((f) => f.levels) }, arrays: {} };
  }

  static fromState(s: TransformState): OrdinalEncoder {
    const names = jsonStrings(s.json.columns, 'ordinal.columns');
    const levels = s.json.levels as Json[];
    if (!Array.isArray(levels) || levels.length !== names.length) throw new ModelyardError('ARTIFACT_CORRUPT', 'transform state: ordinal lists differ in length');
    return new OrdinalEncoder(names.map((name, j) => ({ name, levels: jsonStrings(levels[j], `ordinal.levels[${j}]`) })));
  }
}
