/**
 * Missing-value imputation, fitted on training rows only (scikit-learn's SimpleImputer habits):
 * numeric, integer and datetime columns get the training mean or median; boolean and categorical
 * columns get the most frequent training value (ties → the smallest value / first category, as
 * SimpleImputer's `most_frequent`). Optional missing-indicator columns follow `add_indicator=True`:
 * one 0/1 column `<name>__missing` for each feature that had a missing value in training, appended
 * after all other columns.
 */
import { ModelyardError } from '../errors.js';
import { Frame, type Column, type NumberColumn, type StringColumn } from '../frame/frame.js';
import type { FeatureSpec } from '../schema/types.js';
import type { Json } from '../learn/types.js';
import { jsonStrings, numberInput, replaceColumns, stateF64, stringInput, type TransformState } from './types.js';

export type NumericStrategy = 'mean' | 'median';

export interface ImputerOptions {
  /** Strategy for numeric, integer and datetime columns (default `mean`, as SimpleImputer). */
  numeric?: NumericStrategy;
  /** Add `<name>__missing` columns for features with missing training values (default false). */
  indicator?: boolean;
}

type Strategy = NumericStrategy | 'most_frequent';

interface ImputedColumn {
  name: string;
  strategy: Strategy;
  /** Categorical fill label (null: the column had no value in training; rows stay missing). */
  label: string | null;
}

/** Suffix of missing-indicator columns. */
export const MISSING_SUFFIX = '__missing';

/**
 * A fitted imputer.
 *
 * @example
 * ```ts
 * const imp = Imputer.fit(trainX, schema.features, { numeric: 'median', indicator: true });
 * const filled = imp.transform(testX); // same columns, no missing values, plus income__missing
 * ```
 */
export class Imputer {
  private constructor(
    private readonly cols: readonly ImputedColumn[],
    /** Numeric fill per column (NaN for categorical columns). */
    private readonly fill: Float64Array,
    /** Names of the features that get an indicator column. */
    readonly indicators: readonly string[],
  ) {}

  /** Fits on `frame` (training rows only); `features` name the columns and give their kinds. */
  static fit(frame: Frame, features: readonly FeatureSpec[], opts: ImputerOptions = {}): Imputer {
    const numeric = opts.numeric ?? 'mean';
    const cols: ImputedColumn[] = [];
    const fill = new Float64Array(features.length).fill(NaN);
    const indicators: string[] = [];
    features.forEach((f, j) => {
      if (f.kind === 'categorical') {
        const c = stringInput(frame, f.name, 'imputer');
        const { label, missing } = modeLabel(c);
        cols.push({ name: f.name, strategy: 'most_frequent', label });
        if (missing > 0 && opts.indicator) indicators.push(f.name);
        return;
      }
      const c = numberInput(frame, f.name, 'imputer');
      const strategy: Strategy = f.kind === 'boolean' ? 'most_frequent' : numeric;
      const { value, missing } = numberStat(c.values, strategy);
      // A column with no value in training: 0 keeps the design matrix finite (a scaler maps it to 0).
      fill[j] = value === value ? value : 0;
      cols.push({ name: f.name, strategy, label: null });
      if (missing > 0 && opts.indicator) indicators.push(f.name);
    });
    return new Imputer(cols, fill, indicators);
  }

  /** The columns this imputer fills, in order. */
  get columns(): string[] {
    return this.cols.map((c) => c.name);
  }

  /** Fill value of a numeric column, or the fill label of a categorical one (for reports and tests). */
  fillValue(name: string): number | string | null {
    const j = this.cols.findIndex((c) => c.name === name);
    if (j < 0) throw new Error(`imputer has no column "${name}"`);
    return this.cols[j].strategy === 'most_frequent' && this.cols[j].label !== null ? this.cols[j].label : Number.isNaN(this.fill[j]) ? null : this.fill[j];
  }

  /** Fills missing values of the fitted columns and appends the indicator columns. */
  transform(frame: Frame): Frame {
    const outputs = new Map<string, Column[]>();
    const isMissing = new Map<string, Float64Array>();
    const wanted = new Set(this.indicators);
    this.cols.forEach((spec, j) => {
      const c = frame.get(spec.name);
      if (!c) throw new ModelyardError('COLUMN_MISSING', `imputer: column "${spec.name}" is missing from the data`, { column: spec.name });
      const ind = wanted.has(spec.name) ? new Float64Array(frame.nRows) : undefined;
      if (ind) isMissing.set(spec.name, ind);
      if (spec.strategy === 'most_frequent' && c.type === 'string') outputs.set(spec.name, [fillCodes(c, spec.label, ind)]);
      else if (c.type === 'number') outputs.set(spec.name, [fillNumbers(c, this.fill[j], ind)]);
      else {
        throw new ModelyardError('TYPE_MISMATCH', `imputer: column "${spec.name}" holds text but was fitted as a number column`, { column: spec.name });
      }
    });
    const filled = replaceColumns(frame, outputs);
    if (this.indicators.length === 0) return filled;
    const extra: NumberColumn[] = this.indicators.map((name) => ({ type: 'number', name: name + MISSING_SUFFIX, values: isMissing.get(name)!, storage: 'boolean' }));
    return new Frame([...filled.columns, ...extra], frame.nRows);
  }

  toState(): TransformState {
    return {
      json: {
        columns: this.cols.map((c) => c.name),
        strategies: this.cols.map((c) => c.strategy),
        labels: this.cols.map((c) => c.label),
        indicators: [...this.indicators],
      },
      arrays: { fill: this.fill },
    };
  }

  static fromState(s: TransformState): Imputer {
    const names = jsonStrings(s.json.columns, 'imputer.columns');
    const strategies = jsonStrings(s.json.strategies, 'imputer.strategies') as Strategy[];
    const labels = s.json.labels as Json[];
    if (!Array.isArray(labels) || labels.length !== names.length || strategies.length !== names.length) {
      throw new ModelyardError('ARTIFACT_CORRUPT', 'transform state: imputer lists differ in length');
    }
    const cols = names.map((name, j) => ({ name, strategy: strategies[j], label: typeof labels[j] === 'string' ? (labels[j] as string) : null }));
    return new Imputer(cols, stateF64(s.arrays, 'fill', names.length), jsonStrings(s.json.indicators, 'imputer.indicators'));
  }
}

function fillNumbers(c: NumberColumn, value: number, ind: Float64Array | undefined): NumberColumn {
  const v = c.values;
  let any = false;
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== v[i]) {
      any = true;
      break;
    }
  }
  if (!any) return c; // nothing to fill: share the input (never mutated)
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) {
      out[i] = value;
      if (ind) ind[i] = 1;
    } else out[i] = x;
  }
  return { ...c, values: out };
}

function fillCodes(c: StringColumn, label: string | null, ind: Float64Array | undefined): StringColumn {
  const codes = c.codes;
  let any = false;
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] < 0) {
      any = true;
      break;
    }
  }
  if (!any) return c;
  let dictionary = c.dictionary;
  let code = -1;
  if (label !== null) {
    code = dictionary.indexOf(label);
    if (code < 0) {
      // The fill label is absent from this frame's dictionary (not a conformed frame): extend a copy.
      dictionary = [...dictionary, label];
      code = dictionary.length - 1;
    }
  }
  const out = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const k = codes[i];
    if (k < 0) {
      out[i] = code;
      if (ind) ind[i] = 1;
    } else out[i] = k;
  }
  return { ...c, codes: out, dictionary };
}

/** Mean, median or most frequent value of the non-missing entries (NaN when there are none). */
function numberStat(v: Float64Array, strategy: Strategy): { value: number; missing: number } {
  let missing = 0;
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== v[i]) missing++;
    else sum += v[i];
  }
  const present = v.length - missing;
  if (present === 0) return { value: NaN, missing };
  if (strategy === 'mean') return { value: sum / present, missing };
  const sorted = new Float64Array(present);
  let k = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) sorted[k++] = v[i];
  sorted.sort();
  if (strategy === 'median') {
    const h = present >> 1;
    return { value: present % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2, missing };
  }
  // Most frequent on sorted values: the first longest run is the smallest among ties.
  let best = sorted[0];
  let bestRun = 0;
  for (let i = 0; i < present; ) {
    let j = i + 1;
    while (j < present && sorted[j] === sorted[i]) j++;
    if (j - i > bestRun) {
      bestRun = j - i;
      best = sorted[i];
    }
    i = j;
  }
  return { value: best, missing };
}

/** Most frequent label of a string column (ties → lowest code, i.e. first in category order). */
function modeLabel(c: StringColumn): { label: string | null; missing: number } {
  const counts = new Float64Array(c.dictionary.length);
  let missing = 0;
  for (let i = 0; i < c.codes.length; i++) {
    const k = c.codes[i];
    if (k < 0) missing++;
    else counts[k]++;
  }
  let best = -1;
  for (let d = 0; d < counts.length; d++) if (counts[d] > 0 && (best < 0 || counts[d] > counts[best])) best = d;
  return { label: best < 0 ? null : c.dictionary[best], missing };
}
