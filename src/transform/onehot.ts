/**
 * One-hot encoding of categorical columns with a cap on levels, in the manner of scikit-learn's
 * `OneHotEncoder(max_categories=…, handle_unknown='infrequent_if_exist')`: at most `maxLevels`
 * output columns per feature. When a feature has more training levels than that, the
 * `maxLevels - 1` most frequent keep their own column and the rest share `<name>=__other__`;
 * categories unseen in training also go to `__other__` (or to all zeros when no level was capped,
 * like `handle_unknown='ignore'`). A missing value (code -1) is all zeros: it is missing, not other.
 * Levels that never occur in the training rows get no column.
 */
import { ModelyardError } from '../errors.js';
import type { Column, Frame, NumberColumn } from '../frame/frame.js';
import type { Json } from '../learn/types.js';
import { jsonStrings, levelTable, replaceColumns, stringInput, type TransformState } from './types.js';

/** Label of the shared bucket for capped and unseen levels. */
export const OTHER_LEVEL = '__other__';

export interface OneHotOptions {
  /** Most output columns per feature, `__other__` included (≥ 2; default 100). */
  maxLevels?: number;
}

interface EncodedFeature {
  name: string;
  /** Levels with their own column, in the training dictionary's order. */
  levels: string[];
  /** Whether an `__other__` column exists (some training levels were capped). */
  other: boolean;
}

/**
 * A fitted one-hot encoder.
 *
 * @example
 * ```ts
 * const enc = OneHotEncoder.fit(trainX, ['plan'], { maxLevels: 20 });
 * enc.transform(testX).names; // [..., 'plan=free', 'plan=pro', ...]
 * ```
 */
export class OneHotEncoder {
  private constructor(private readonly feats: readonly EncodedFeature[]) {}

  static fit(frame: Frame, columns: readonly string[], opts: OneHotOptions = {}): OneHotEncoder {
    const maxLevels = opts.maxLevels ?? 100;
    if (!Number.isInteger(maxLevels) || maxLevels < 2) throw new ModelyardError('PARAM_INVALID', `one-hot: maxLevels must be an integer ≥ 2, got ${maxLevels}`, { flag: 'max_levels' });
    const feats = columns.map((name): EncodedFeature => {
      const c = stringInput(frame, name, 'one-hot encoder');
      const counts = new Float64Array(c.dictionary.length);
      for (let i = 0; i < c.codes.length; i++) if (c.codes[i] >= 0) counts[c.codes[i]]++;
      const present: number[] = [];
      for (let d = 0; d < counts.length; d++) if (counts[d] > 0) present.push(d);
      if (present.length <= maxLevels) return { name, levels: present.map((d) => c.dictionary[d]), other: false };
      // Keep the most frequent (ties: dictionary order), then list them in dictionary order.
      const kept = [...present].sort((a, b) => counts[b] - counts[a] || a - b).slice(0, maxLevels - 1);
      kept.sort((a, b) => a - b);
      return { name, levels: kept.map((d) => c.dictionary[d]), other: true };
    });
    return new OneHotEncoder(feats);
  }

  /** Output column names per input feature. */
  outputNames(name: string): string[] {
    const f = this.feats.find((x) => x.name === name);
    if (!f) throw new Error(`one-hot encoder has no column "${name}"`);
    return [...f.levels.map((l) => `${name}=${l}`), ...(f.other ? [`${name}=${OTHER_LEVEL}`] : [])];
  }

  /** Replaces each fitted column by its 0/1 columns. */
  transform(frame: Frame): Frame {
    const outputs = new Map<string, Column[]>();
    for (const f of this.feats) {
      const c = stringInput(frame, f.name, 'one-hot encoder');
      const table = levelTable(c, f.levels);
      const width = f.levels.length + (f.other ? 1 : 0);
      const n = frame.nRows;
      const out = Array.from({ length: width }, () => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        const code = c.codes[i];
        if (code < 0) continue; // missing: all zeros
        const t = table[code];
        if (t >= 0) out[t][i] = 1;
        else if (f.other) out[width - 1][i] = 1; // capped or unseen level
      }
      const names = this.outputNames(f.name);
      outputs.set(
        f.name,
        out.map((values, k): NumberColumn => ({ type: 'number', name: names[k], values, storage: 'boolean' })),
      );
    }
    return replaceColumns(frame, outputs);
  }

  toState(): TransformState {
    return {
      json: {
        columns: this.feats.map((f) => f.name),
        levels: this.feats.map((f) => f.levels),
        other: this.feats.map((f) => f.other),
      },
      arrays: {},
    };
  }

  static fromState(s: TransformState): OneHotEncoder {
    const names = jsonStrings(s.json.columns, 'onehot.columns');
    const levels = s.json.levels as Json[];
    const other = s.json.other as Json[];
    if (!Array.isArray(levels) || !Array.isArray(other) || levels.length !== names.length || other.length !== names.length) {
      throw new ModelyardError('ARTIFACT_CORRUPT', 'transform state: one-hot lists differ in length');
    }
    return new OneHotEncoder(names.map((name, j) => ({ name, levels: jsonStrings(levels[j], `onehot.levels[${j}]`), other: other[j] === true })));
  }
}
