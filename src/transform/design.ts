/**
 * The design-matrix builder: conformed frame + feature specs + options → a dense numeric matrix
 * for linear solvers. Steps, each fitted on training rows only:
 *
 * 1. impute (mean/median for numeric, integer and datetime; most frequent for boolean and
 *    categorical), with `<name>__missing` indicators for features that had missing training values;
 * 2. expand datetime columns into parts (year, month, day of week, day of year, hour, epoch days);
 * 3. encode categoricals: one-hot (`plan=pro`, `plan=__other__`), ordinal, or out-of-fold target
 *    encoding;
 * 4. standardise every column except one-hot and indicator columns (which stay 0/1, as in
 *    scikit-learn's usual `ColumnTransformer([scaler on numeric, OneHotEncoder on categorical])`).
 *
 * **Layout.** `values` is column-major (feature-major): column `j` is `values[j*n … (j+1)*n)`.
 * Linear solvers want exactly that: `X·w` is a sequence of contiguous axpy passes, `Xᵀr` a
 * sequence of contiguous dot products, coordinate descent reads one contiguous column per update,
 * and `XᵀWX` is dot products of column pairs. Each output row depends only on its input row and
 * the fitted state, so scoring one row gives bit-identical numbers to scoring it in a batch.
 */
import { ModelyardError } from '../errors.js';
import { Frame } from '../frame/frame.js';
import type { Json, TypedArray } from '../learn/types.js';
import type { FeatureSpec, Task } from '../schema/types.js';
import { DatetimeExpander } from './datetime.js';
import { Imputer, MISSING_SUFFIX, type NumericStrategy } from './impute.js';
import { OneHotEncoder } from './onehot.js';
import { OrdinalEncoder } from './ordinal.js';
import { StandardScaler } from './scale.js';
import { TargetEncoder } from './target-encode.js';
import type { TransformState } from './types.js';

export type CategoricalEncoding = 'onehot' | 'ordinal' | 'target';

export interface DesignOptions {
  /** Numeric imputation (default `mean`, scikit-learn's SimpleImputer default). */
  impute?: NumericStrategy;
  /** Add missing-indicator columns (default true). */
  indicators?: boolean;
  /** Categorical encoding (default `onehot`). */
  encoding?: CategoricalEncoding;
  /** One-hot: most output columns per feature, `__other__` included (default 100). */
  maxLevels?: number;
  /** Standardise non-0/1 columns (default true). */
  scale?: boolean;
  /** Target encoding: folds for the out-of-fold training encodings (default 5). */
  targetFolds?: number;
  /** Target encoding: m-estimate smoothing in rows (default 10). */
  targetSmoothing?: number;
}

/** What target encoding needs at fit time. */
export interface DesignTarget {
  y: Float64Array;
  task: Task;
  nClasses: number;
  weights?: Float64Array;
  seed: number;
}

/** A dense design matrix, column-major (see the module comment). */
export interface DesignMatrix {
  values: Float64Array;
  nRows: number;
  nCols: number;
  names: readonly string[];
}

type Encoder = OneHotEncoder | OrdinalEncoder | TargetEncoder;

interface FeatureRef {
  name: string;
  kind: FeatureSpec['kind'];
  dateOnly: boolean;
}

/**
 * A fitted design-matrix builder.
 *
 * @example
 * ```ts
 * const { builder, matrix } = DesignBuilder.fit(trainX, schema.features, { encoding: 'onehot', maxLevels: 20 });
 * matrix.names;                       // ['age', 'plan=free', 'plan=pro', 'plan=__other__', 'income__missing', …]
 * const test = builder.transform(testX); // same columns, fitted statistics
 * ```
 */
export class DesignBuilder {
  private constructor(
    private readonly features: readonly FeatureRef[],
    private readonly opts: Required<Pick<DesignOptions, 'encoding' | 'scale'>>,
    private readonly imputer: Imputer,
    private readonly datetime: DatetimeExpander,
    private readonly encoder: Encoder | null,
    private readonly scaler: StandardScaler | null,
    /** Output column names. */
    readonly names: readonly string[],
    /** Index (into the features) of the feature each output column comes from. */
    readonly source: Int32Array,
  ) {}

  /** Number of output columns. */
  get nCols(): number {
    return this.names.length;
  }

  /** Names of the input features, in order. */
  get featureNames(): string[] {
    return this.features.map((f) => f.name);
  }

  /**
   * Fits every step on the training rows and returns the training design matrix. With target
   * encoding the training rows get out-of-fold encodings (and `target` is required).
   */
  static fit(frame: Frame, features: readonly FeatureSpec[], opts: DesignOptions = {}, target?: DesignTarget): { builder: DesignBuilder; matrix: DesignMatrix } {
    const refs: FeatureRef[] = features.map((f) => ({ name: f.name, kind: f.kind, dateOnly: f.dateOnly === true }));
    const encoding = opts.encoding ?? 'onehot';
    const scale = opts.scale ?? true;
    const X0 = selectChecked(frame, refs);
    const imputer = Imputer.fit(X0, features, { numeric: opts.impute ?? 'mean', indicator: opts.indicators ?? true });
    const X1 = imputer.transform(X0);
    const datetime = DatetimeExpander.fit(refs.filter((f) => f.kind === 'datetime'));
    const X2 = datetime.transform(X1);
    const cats = refs.filter((f) => f.kind === 'categorical').map((f) => f.name);
    let encoder: Encoder | null = null;
    let X3 = X2;
    if (cats.length > 0) {
      if (encoding === 'onehot') encoder = OneHotEncoder.fit(X2, cats, { maxLevels: opts.maxLevels ?? 100 });
      else if (encoding === 'ordinal') encoder = OrdinalEncoder.fit(X2, cats);
      else {
        if (!target) throw new ModelyardError('PARAM_INVALID', 'design: target encoding needs the training target', { flag: 'encoding' });
        const te = TargetEncoder.fitTransform(X2, cats, target.y, {
          task: target.task,
          nClasses: target.nClasses,
          weights: target.weights,
          seed: target.seed,
          folds: opts.targetFolds,
          smoothing: opts.targetSmoothing,
        });
        encoder = te.encoder;
        X3 = te.encoded;
      }
      if (encoding !== 'target') X3 = encoder.transform(X2);
    }
    const { names, source, scaled } = layout(refs, imputer, datetime, encoder, encoding);
    const scaler = scale && scaled.length > 0 ? StandardScaler.fit(X3, scaled) : null;
    const X4 = scaler ? scaler.transform(X3) : X3;
    const builder = new DesignBuilder(refs, { encoding, scale }, imputer, datetime, encoder, scaler, names, source);
    return { builder, matrix: builder.pack(X4) };
  }

  /** Builds the design matrix of new rows with the fitted statistics. */
  transform(frame: Frame): DesignMatrix {
    let X = selectChecked(frame, this.features);
    X = this.imputer.transform(X);
    X = this.datetime.transform(X);
    if (this.encoder) X = this.encoder.transform(X);
    if (this.scaler) X = this.scaler.transform(X);
    return this.pack(X);
  }

  /** Packs the final frame column-major; a value still missing (see below) becomes 0. */
  private pack(X: Frame): DesignMatrix {
    const n = X.nRows;
    const p = this.names.length;
    if (X.columns.length !== p) throw new Error(`design: built ${X.columns.length} columns, expected ${p}`);
    const values = new Float64Array(n * p);
    for (let j = 0; j < p; j++) {
      const c = X.columns[j];
      if (c.type !== 'number' || c.name !== this.names[j]) throw new Error(`design: column ${j} is "${c.name}", expected "${this.names[j]}"`);
      const v = c.values;
      const off = j * n;
      // Only an unseen label under ordinal encoding in a frame that was not conformed can still be
      // NaN here; 0 is the training mean after scaling.
      for (let i = 0; i < n; i++) values[off + i] = v[i] === v[i] ? v[i] : 0;
    }
    return { values, nRows: n, nCols: p, names: this.names };
  }

  toState(): TransformState {
    const arrays: Record<string, TypedArray> = { source: this.source };
    const put = (prefix: string, s: TransformState): Json => {
      for (const [k, a] of Object.entries(s.arrays)) arrays[`${prefix}.${k}`] = a;
      return s.json;
    };
    const json: Record<string, Json> = {
      features: this.features.map((f) => ({ name: f.name, kind: f.kind, dateOnly: f.dateOnly })),
      encoding: this.opts.encoding,
      scale: this.opts.scale,
      names: [...this.names],
      imputer: put('imputer', this.imputer.toState()),
      datetime: put('datetime', this.datetime.toState()),
      encoder: this.encoder ? put('encoder', this.encoder.toState()) : null,
      scaler: this.scaler ? put('scaler', this.scaler.toState()) : null,
    };
    return { json, arrays };
  }

  static fromState(s: TransformState): DesignBuilder {
    const j = s.json;
    const take = (prefix: string): TransformState['arrays'] => {
      const out: TransformState['arrays'] = {};
      for (const [k, a] of Object.entries(s.arrays)) if (k.startsWith(prefix + '.')) out[k.slice(prefix.length + 1)] = a;
      return out;
    };
    const sub = (v: Json | undefined, what: string): { [k: string]: Json } => {
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ModelyardError('ARTIFACT_CORRUPT', `design state: "${what}" is missing`);
      return v;
    };
    const feats = j.features;
    if (!Array.isArray(feats)) throw new ModelyardError('ARTIFACT_CORRUPT', 'design state: "features" is missing');
    const refs: FeatureRef[] = feats.map((f) => {
      const o = sub(f, 'features[]');
      return { name: String(o.name), kind: String(o.kind) as FeatureRef['kind'], dateOnly: o.dateOnly === true };
    });
    const encoding = String(j.encoding) as CategoricalEncoding;
    const imputer = Imputer.fromState({ json: sub(j.imputer, 'imputer'), arrays: take('imputer') });
    const datetime = DatetimeExpander.fromState({ json: sub(j.datetime, 'datetime'), arrays: take('datetime') });
    let encoder: Encoder | null = null;
    if (j.encoder !== null && j.encoder !== undefined) {
      const es = { json: sub(j.encoder, 'encoder'), arrays: take('encoder') };
      encoder = encoding === 'onehot' ? OneHotEncoder.fromState(es) : encoding === 'ordinal' ? OrdinalEncoder.fromState(es) : TargetEncoder.fromState(es);
    }
    const scaler = j.scaler !== null && j.scaler !== undefined ? StandardScaler.fromState({ json: sub(j.scaler, 'scaler'), arrays: take('scaler') }) : null;
    const names = j.names;
    if (!Array.isArray(names)) throw new ModelyardError('ARTIFACT_CORRUPT', 'design state: "names" is missing');
    const source = s.arrays.source;
    if (!(source instanceof Int32Array) || source.length !== names.length) throw new ModelyardError('ARTIFACT_CORRUPT', 'design state: "source" is missing or has the wrong length');
    return new DesignBuilder(refs, { encoding, scale: j.scale === true }, imputer, datetime, encoder, scaler, names.map(String), source);
  }
}

/** Output names, source feature per column, and the columns to standardise, in output order. */
function layout(refs: readonly FeatureRef[], imputer: Imputer, datetime: DatetimeExpander, encoder: Encoder | null, encoding: CategoricalEncoding): { names: string[]; source: Int32Array; scaled: string[] } {
  const names: string[] = [];
  const src: number[] = [];
  const scaled: string[] = [];
  refs.forEach((f, j) => {
    let outs: string[];
    let scale = true;
    if (f.kind === 'datetime') outs = datetime.outputNames(f.name);
    else if (f.kind === 'categorical') {
      if (encoding === 'onehot') {
        outs = (encoder as OneHotEncoder).outputNames(f.name);
        scale = false;
      } else if (encoding === 'target') outs = (encoder as TargetEncoder).outputNames(f.name);
      else outs = [f.name];
    } else outs = [f.name];
    for (const o of outs) {
      names.push(o);
      src.push(j);
      if (scale) scaled.push(o);
    }
  });
  const byName = new Map(refs.map((f, j) => [f.name, j]));
  for (const name of imputer.indicators) {
    names.push(name + MISSING_SUFFIX);
    src.push(byName.get(name)!);
  }
  return { names, source: Int32Array.from(src), scaled };
}

/** The feature columns of `frame` in order, after checking presence and type. */
function selectChecked(frame: Frame, refs: readonly FeatureRef[]): Frame {
  const absent = refs.filter((f) => !frame.has(f.name)).map((f) => f.name);
  if (absent.length > 0) {
    throw new ModelyardError('COLUMN_MISSING', `missing feature column${absent.length > 1 ? 's' : ''} ${absent.map((a) => `"${a}"`).join(', ')} (the model needs ${refs.length})`, { column: absent[0] });
  }
  for (const f of refs) {
    const c = frame.column(f.name);
    const want = f.kind === 'categorical' ? 'string' : 'number';
    if (c.type !== want) {
      throw new ModelyardError('TYPE_MISMATCH', `column "${f.name}" is ${c.type === 'string' ? 'text' : 'numeric'} but the model expects a ${f.kind} column (conform the data to the schema first)`, { column: f.name });
    }
  }
  return frame.select(refs.map((f) => f.name));
}
