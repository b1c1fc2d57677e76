/**
 * A fitted {@link DesignBuilder} compiled into a plan that writes the design matrix of new rows
 * straight from conformed values — no frame per step. `DesignBuilder.transform` runs impute →
 * datetime → encode → scale as frames (one new frame and column set per step); for a one-row HTTP
 * request that bookkeeping costs far more than the arithmetic. The plan does the same arithmetic per
 * output column, in the same order, on the same fitted state (read from `toState()`), so its
 * matrix is bit-identical to `transform`'s (checked by design-plan.test.ts and the serve tests).
 *
 * Input layout: column-major, `X[j * n + i]` = input column `j` of row `i` — a number (NaN =
 * missing) or, for a categorical feature, the code of its label in that input column's categories
 * (−1 = missing), as src/serve/rows.ts produces.
 */
import type { Json } from '../learn/types.js';
import { datetimeParts, datetimeValues } from './datetime.js';
import type { DesignMatrix } from './design.js';
import { MISSING_SUFFIX } from './impute.js';
import { OTHER_LEVEL } from './onehot.js';
import type { TransformState } from './types.js';

/** One input column as the plan sees it. */
export interface PlanInput {
  name: string;
  /** Categories (the codes' labels) of a categorical input; undefined for numbers. */
  categories?: readonly string[];
}

const enum Op {
  Number,
  Datetime,
  OneHot,
  Ordinal,
  Target,
  Indicator,
}

interface Step {
  op: Op;
  /** Input column. */
  src: number;
  /** Numbers: the imputer's fill value. */
  fill: number;
  /** Scaler mean and scale (NaN: not scaled). */
  mu: number;
  sd: number;
  /** Datetime part index (datetimeValues order); one-hot level (−1: the `__other__` column); target output. */
  arg: number;
  /** Categorical: encoder level per input code (−2 = not a level). */
  levels?: Int32Array;
  /** Categorical: level of the imputed label for a missing value (−1: stays missing). */
  fillLevel: number;
  /** Target encoding: level × output table and prior. */
  table?: Float64Array;
  prior?: Float64Array;
  width: number;
  other: boolean;
}

/** A compiled design: `build(X, n)` gives what `DesignBuilder.transform` gives for the same rows. */
export interface DesignPlan {
  readonly names: readonly string[];
  build(X: Float64Array, n: number): DesignMatrix;
}

const PART_INDEX: Record<string, number> = { year: 0, month: 1, dow: 2, doy: 3, hour: 4, days: 5 };

/**
 * Compiles a builder's state (`DesignBuilder.toState()`) against the inputs' order and categories;
 * null when the state holds something the plan does not know (then use `transform`).
 *
 * @example
 * ```ts
 * const plan = compileDesign(builder.toState(), schema.features.map((f) => ({ name: f.name, categories: f.categories })));
 * const m = plan!.build(X, n); // = builder.transform(frame).values
 * ```
 */
export function compileDesign(state: TransformState, inputs: readonly PlanInput[]): DesignPlan | null {
  const j = state.json;
  const a = state.arrays;
  const names = j.names;
  const feats = j.features;
  if (!Array.isArray(names) || !Array.isArray(feats)) return null;
  const imp = j.imputer as Record<string, Json> | null;
  const impFill = a['imputer.fill'];
  if (!imp || !Array.isArray(imp.columns) || !Array.isArray(imp.labels) || !(impFill instanceof Float64Array)) return null;
  const impCols = imp.columns.map(String);
  const scaler = j.scaler as Record<string, Json> | null;
  const scaled = new Map<string, number>();
  if (scaler) {
    if (!Array.isArray(scaler.columns)) return null;
    scaler.columns.forEach((c, k) => scaled.set(String(c), k));
  }
  const mean = a['scaler.mean'];
  const scale = a['scaler.scale'];
  if (scaler && (!(mean instanceof Float64Array) || !(scale instanceof Float64Array))) return null;
  const encoding = String(j.encoding);
  const enc = j.encoder as Record<string, Json> | null;
  const encCols = enc && Array.isArray(enc.columns) ? enc.columns.map(String) : [];
  const inputIndex = new Map(inputs.map((c, k) => [c.name, k]));

  const steps: Step[] = [];
  const out: string[] = [];
  const push = (name: string, s: Omit<Step, 'mu' | 'sd' | 'width' | 'other' | 'fillLevel' | 'fill'> & Partial<Step>, scalable: boolean): void => {
    const k = scalable ? scaled.get(name) : undefined;
    steps.push({ fill: NaN, fillLevel: -1, width: 1, other: false, ...s, mu: k === undefined ? NaN : mean![k], sd: k === undefined ? NaN : scale![k] });
    out.push(name);
  };
  const srcOf = new Map<string, number>();
  for (const f of feats) {
    const o = f as Record<string, Json>;
    const name = String(o.name);
    const kind = String(o.kind);
    const src = inputIndex.get(name);
    const ji = impCols.indexOf(name);
    if (src === undefined || ji < 0) return null;
    srcOf.set(name, src);
    const fill = impFill[ji];
    if (kind === 'categorical') {
      const e = encCols.indexOf(name);
      if (!enc || e < 0) return null;
      const lv = (enc.levels as Json[] | undefined)?.[e];
      if (!Array.isArray(lv)) return null;
      const lvIndex = new Map(lv.map((l, k) => [String(l), k]));
      const cats = inputs[src].categories ?? [];
      const levels = Int32Array.from(cats, (c) => lvIndex.get(c) ?? -2);
      const label = imp.labels[ji];
      const fillLevel = typeof label === 'string' ? (lvIndex.get(label) ?? -2) : -1;
      const base = { src, levels, fillLevel };
      if (encoding === 'onehot') {
        const other = (enc.other as Json[] | undefined)?.[e] === true;
        lv.forEach((l, k) => push(`${name}=${String(l)}`, { op: Op.OneHot, arg: k, ...base, other }, false));
        if (other) push(`${name}=${OTHER_LEVEL}`, { op: Op.OneHot, arg: -1, ...base, other }, false);
      } else if (encoding === 'ordinal') push(name, { op: Op.Ordinal, arg: 0, ...base }, true);
      else if (encoding === 'target') {
        const table = a[`encoder.table${e}`];
        const prior = a['encoder.prior'];
        if (!(table instanceof Float64Array) || !(prior instanceof Float64Array)) return null;
        const width = prior.length;
        for (let c = 0; c < width; c++) push(width === 1 ? `${name}__te` : `${name}__te=${c}`, { op: Op.Target, arg: c, ...base, table, prior, width }, true);
      } else return null;
    } else if (kind === 'datetime') {
      for (const p of datetimeParts(o.dateOnly === true)) push(`${name}__${p}`, { op: Op.Datetime, src, arg: PART_INDEX[p], fill }, true);
    } else push(name, { op: Op.Number, src, arg: 0, fill }, true);
  }
  for (const ind of (imp.indicators as Json[] | undefined) ?? []) {
    const src = srcOf.get(String(ind));
    if (src === undefined) return null;
    push(String(ind) + MISSING_SUFFIX, { op: Op.Indicator, src, arg: 0 }, false);
  }
  // The plan must lay out exactly the builder's columns.
  if (out.length !== names.length || out.some((nm, k) => nm !== String(names[k]))) return null;
  const isCategorical = inputs.map((c) => c.categories !== undefined);
  for (const s of steps) {
    if (s.op === Op.Indicator) continue;
    const wantsCodes = s.op === Op.OneHot || s.op === Op.Ordinal || s.op === Op.Target;
    if (wantsCodes !== isCategorical[s.src]) return null;
  }
  const planNames = out;
  const cell = new Float64Array(6);

  return {
    names: planNames,
    build(X: Float64Array, n: number): DesignMatrix {
      const p = steps.length;
      const values = new Float64Array(n * p);
      for (let c = 0; c < p; c++) {
        const s = steps[c];
        const off = c * n;
        const xo = s.src * n;
        const scaledCol = s.sd === s.sd;
        for (let i = 0; i < n; i++) {
          const x = X[xo + i];
          let v: number;
          switch (s.op) {
            case Op.Number:
              v = x !== x ? s.fill : x;
              break;
            case Op.Datetime:
              datetimeValues(x !== x ? s.fill : x, cell);
              v = cell[s.arg];
              break;
            case Op.Indicator:
              v = isCategorical[s.src] ? (x < 0 ? 1 : 0) : x !== x ? 1 : 0;
              break;
            default: {
              const l = x < 0 ? s.fillLevel : s.levels![x];
              if (s.op === Op.OneHot) v = s.arg >= 0 ? (l === s.arg ? 1 : 0) : l === -2 && s.other ? 1 : 0;
              else if (s.op === Op.Ordinal) v = l >= 0 ? l : NaN;
              else v = l >= 0 ? s.table![l * s.width + s.arg] : s.prior![s.arg];
            }
          }
          if (scaledCol) v = (v - s.mu) / s.sd;
          values[off + i] = v === v ? v : 0;
        }
      }
      return { values, nRows: n, nCols: p, names: planNames };
    },
  };
}
