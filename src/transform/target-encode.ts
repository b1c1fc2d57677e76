/**
 * Target encoding (Micci-Barreca, "A preprocessing scheme for high-cardinality categorical
 * attributes in classification and prediction problems", SIGKDD Explorations 3(1), 2001): each
 * category is replaced by the mean target of its training rows, shrunk towards the overall mean.
 * We use the m-estimate form of that shrinkage, `(sum_y + m·prior) / (count + m)`, with sample
 * weights counted as row counts.
 *
 * Leakage guard: training rows are encoded *out of fold* — rows are split into k folds (seeded) and
 * each row gets the statistics of the other folds only (prior included), so no row ever sees its
 * own target. New rows (predict time) get the statistics of all training rows. Missing values and
 * categories unseen in training get the prior.
 *
 * Outputs: regression → one column `<name>__te` (mean target); binary → one column (share of
 * class 1); multiclass → one column per class `<name>__te=<c>` (share of class c).
 */
import { ModelyardError } from '../errors.js';
import type { Column, Frame, NumberColumn } from '../frame/frame.js';
import type { Json } from '../learn/types.js';
import type { Task } from '../schema/types.js';
import { Rng } from '../util/random.js';
import { jsonStrings, levelTable, replaceColumns, stateF64, stringInput, type TransformState } from './types.js';

export interface TargetEncoderOptions {
  task: Task;
  /** Classes (2 for binary); ignored for regression. */
  nClasses: number;
  /** Per-row weights (default all 1). */
  weights?: Float64Array;
  /** Number of folds for out-of-fold training encodings (default 5). */
  folds?: number;
  /** m-estimate smoothing: weight of the prior, in rows (default 10). */
  smoothing?: number;
  /** Seed for the fold assignment. */
  seed?: number;
}

interface FeatureTable {
  name: string;
  levels: string[];
  /** Encoding per level, row-major levels × outputs. */
  table: Float64Array;
}

/**
 * A fitted target encoder.
 *
 * @example
 * ```ts
 * const { encoder, encoded } = TargetEncoder.fitTransform(trainX, ['zip'], y, { task: 'binary', nClasses: 2, seed: 7 });
 * // `encoded`: training rows, encoded out of fold; for new rows:
 * const testEncoded = encoder.transform(testX);
 * ```
 */
export class TargetEncoder {
  private constructor(
    private readonly feats: readonly FeatureTable[],
    /** Overall (weighted) mean of each output over the training rows. */
    readonly prior: Float64Array,
  ) {}

  /** Number of output columns per feature. */
  get width(): number {
    return this.prior.length;
  }

  /**
   * Fits on training rows and returns their out-of-fold encodings; `transform` on the same rows
   * would instead give full-training statistics (that is the leak the folds avoid).
   */
  static fitTransform(frame: Frame, columns: readonly string[], y: Float64Array, opts: TargetEncoderOptions): { encoder: TargetEncoder; encoded: Frame } {
    const n = frame.nRows;
    if (y.length !== n) throw new ModelyardError('TARGET_INVALID', `target encoder: target has ${y.length} values but the data has ${n} rows`);
    const width = opts.task === 'multiclass' ? opts.nClasses : 1;
    const m = opts.smoothing ?? 10;
    if (!(m >= 0)) throw new ModelyardError('PARAM_INVALID', `target encoder: smoothing must be ≥ 0, got ${m}`, { flag: 'target_smoothing' });
    const w = opts.weights;
    const folds = opts.folds ?? 5;
    if (!Number.isInteger(folds) || folds < 2) throw new ModelyardError('PARAM_INVALID', `target encoder: folds must be an integer ≥ 2, got ${folds}`, { flag: 'folds' });
    const k = Math.max(2, Math.min(folds, n));
    const fold = assignFolds(n, k, opts.seed ?? 0);
    const t = targetMatrix(y, opts.task, width);

    // Fold totals and overall prior.
    const foldW = new Float64Array(k);
    const foldT = new Float64Array(k * width);
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i] : 1;
      const f = fold[i];
      foldW[f] += wi;
      for (let c = 0; c < width; c++) foldT[f * width + c] += wi * t[i * width + c];
    }
    let totalW = 0;
    const prior = new Float64Array(width);
    for (let f = 0; f < k; f++) {
      totalW += foldW[f];
      for (let c = 0; c < width; c++) prior[c] += foldT[f * width + c];
    }
    for (let c = 0; c < width; c++) prior[c] = totalW > 0 ? prior[c] / totalW : 0;
    // Prior of the rows outside each fold, summed over the other folds only (not total − fold), so
    // that a row's own target cannot enter its encoding even through rounding.
    const foldPrior = new Float64Array(k * width);
    for (let f = 0; f < k; f++) {
      let wOut = 0;
      for (let g = 0; g < k; g++) if (g !== f) wOut += foldW[g];
      for (let c = 0; c < width; c++) {
        let tOut = 0;
        for (let g = 0; g < k; g++) if (g !== f) tOut += foldT[g * width + c];
        foldPrior[f * width + c] = wOut > 0 ? tOut / wOut : prior[c];
      }
    }

    const feats: FeatureTable[] = [];
    const outputs = new Map<string, Column[]>();
    for (const name of columns) {
      const col = stringInput(frame, name, 'target encoder');
      const L = col.dictionary.length;
      // Per-level, per-fold weight and target sums.
      const cnt = new Float64Array(L * k);
      const sum = new Float64Array(L * k * width);
      for (let i = 0; i < n; i++) {
        const l = col.codes[i];
        if (l < 0) continue;
        const wi = w ? w[i] : 1;
        const f = fold[i];
        cnt[l * k + f] += wi;
        const base = (l * k + f) * width;
        for (let c = 0; c < width; c++) sum[base + c] += wi * t[i * width + c];
      }
      const lvlCnt = new Float64Array(L);
      const lvlSum = new Float64Array(L * width);
      // Out-of-fold sums per level and fold: over the other folds only (see foldPrior).
      const outCnt = new Float64Array(L * k);
      const outSum = new Float64Array(L * k * width);
      for (let l = 0; l < L; l++) {
        for (let f = 0; f < k; f++) {
          lvlCnt[l] += cnt[l * k + f];
          for (let c = 0; c < width; c++) lvlSum[l * width + c] += sum[(l * k + f) * width + c];
          for (let g = 0; g < k; g++) {
            if (g === f) continue;
            outCnt[l * k + f] += cnt[l * k + g];
            for (let c = 0; c < width; c++) outSum[(l * k + f) * width + c] += sum[(l * k + g) * width + c];
          }
        }
      }
      const table = new Float64Array(L * width);
      for (let l = 0; l < L; l++) {
        const den = lvlCnt[l] + m;
        for (let c = 0; c < width; c++) table[l * width + c] = den > 0 ? (lvlSum[l * width + c] + m * prior[c]) / den : prior[c];
      }
      feats.push({ name, levels: [...col.dictionary], table });

      // Out-of-fold encodings of the training rows.
      const out = Array.from({ length: width }, () => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        const l = col.codes[i];
        const f = fold[i];
        for (let c = 0; c < width; c++) {
          const p = foldPrior[f * width + c];
          if (l < 0) {
            out[c][i] = p;
            continue;
          }
          const den = outCnt[l * k + f] + m;
          out[c][i] = den > 0 ? (outSum[(l * k + f) * width + c] + m * p) / den : p;
        }
      }
      outputs.set(name, toColumns(name, out));
    }
    return { encoder: new TargetEncoder(feats, prior), encoded: replaceColumns(frame, outputs) };
  }

  /** Encodes new rows with the full-training statistics. */
  transform(frame: Frame): Frame {
    const width = this.width;
    const outputs = new Map<string, Column[]>();
    for (const f of this.feats) {
      const col = stringInput(frame, f.name, 'target encoder');
      const table = levelTable(col, f.levels);
      const n = frame.nRows;
      const out = Array.from({ length: width }, () => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        const code = col.codes[i];
        const l = code < 0 ? -1 : table[code];
        for (let c = 0; c < width; c++) out[c][i] = l >= 0 ? f.table[l * width + c] : this.prior[c];
      }
      outputs.set(f.name, toColumns(f.name, out));
    }
    return replaceColumns(frame, outputs);
  }

  /** Output column names for one input feature. */
  outputNames(name: string): string[] {
    return this.width === 1 ? [`${name}__te`] : Array.from({ length: this.width }, (_, c) => `${name}__te=${c}`);
  }

  toState(): TransformState {
    const arrays: TransformState['arrays'] = { prior: this.prior };
    this.feats.forEach((f, j) => (arrays[`table${j}`] = f.table));
    return { json: { columns: this.feats.map((f) => f.name), levels: this.feats.map((f) => f.levels) }, arrays };
  }

  static fromState(s: TransformState): TargetEncoder {
    const names = jsonStrings(s.json.columns, 'target.columns');
    const levels = s.json.levels as Json[];
    if (!Array.isArray(levels) || levels.length !== names.length) throw new ModelyardError('ARTIFACT_CORRUPT', 'transform state: target-encoder lists differ in length');
    const prior = stateF64(s.arrays, 'prior');
    const feats = names.map((name, j) => {
      const lv = jsonStrings(levels[j], `target.levels[${j}]`);
      return { name, levels: lv, table: stateF64(s.arrays, `table${j}`, lv.length * prior.length) };
    });
    return new TargetEncoder(feats, prior);
  }
}

function toColumns(name: string, out: Float64Array[]): NumberColumn[] {
  return out.map((values, c) => ({ type: 'number', name: out.length === 1 ? `${name}__te` : `${name}__te=${c}`, values, storage: 'float' }));
}

/** Rows × outputs: the value (regression), 1[class 1] (binary) or the class one-hot (multiclass). */
function targetMatrix(y: Float64Array, task: Task, width: number): Float64Array {
  const n = y.length;
  const t = new Float64Array(n * width);
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v !== v) throw new ModelyardError('TARGET_INVALID', `target encoder: target is missing at row ${i + 1}`, { row: i + 1 });
    if (task === 'regression') t[i] = v;
    else if (task === 'binary') t[i] = v === 1 ? 1 : 0;
    else if (Number.isInteger(v) && v >= 0 && v < width) t[i * width + v] = 1;
    else throw new ModelyardError('TARGET_INVALID', `target encoder: class index ${v} at row ${i + 1} is outside 0..${width - 1}`, { row: i + 1 });
  }
  return t;
}

/** Balanced random folds: a seeded permutation dealt round-robin into k folds. */
function assignFolds(n: number, k: number, seed: number): Int32Array {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  new Rng(seed).shuffle(perm);
  const fold = new Int32Array(n);
  for (let p = 0; p < n; p++) fold[perm[p]] = p % k;
  return fold;
}
