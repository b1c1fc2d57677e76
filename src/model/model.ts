/**
 * A trained model: input schema, target, one fitted learner (or one per segment), an optional
 * calibrator, training metadata and a reference profile. `predict` takes raw data (any frame
 * with the needed columns), validates it, routes segments and returns labelled predictions.
 */
import { ModelyardError } from '../errors.js';
import { Frame } from '../frame/frame.js';
import type { Calibrator } from '../learn/calibrate/types.js';
import type { Fitted, Json } from '../learn/types.js';
import { conform, type ConformOptions } from '../schema/validate.js';
import type { Schema, TargetSpec, UnseenPolicy } from '../schema/types.js';

/** One fitted learner with its calibrator. */
export interface ModelPart {
  fitted: Fitted;
  calibrator?: Calibrator;
  /** Metrics of this part (per segment for segmented models). */
  metrics?: Record<string, number>;
  /** Training rows of this part. */
  rows?: number;
}

/** Segment routing: one part per value of `by`, plus an optional fallback for other values. */
export interface Segments {
  by: string;
  parts: Record<string, ModelPart>;
  /** Name of the part used for segment values without their own model (`undefined`: error). */
  fallback?: string;
}

/** Training metadata recorded in the artifact (and shown by `models show`). */
export interface ModelMetadata {
  createdAt: string;
  packageVersion: string;
  learner: string;
  params: Record<string, Json>;
  data: { file?: string; sha256?: string; rows: number; columns: number };
  metrics: Record<string, Record<string, number>>;
  cv?: Json;
  /** `--learner auto`: every candidate's CV score, the choice and the refit parameters (model/auto). */
  auto?: Json;
  changelog?: string;
  description?: string;
  gitCommit?: string;
  /** How this model was trained, so that a retrain can repeat it (see monitor/retrain). */
  recipe: Record<string, Json>;
  warnings: string[];
  [extra: string]: unknown;
}

export interface PredictOptions {
  unseen?: UnseenPolicy;
  source?: string;
  /** Binary: probability of the positive class at or above which the label is positive (default 0.5). */
  threshold?: number;
  warnings?: string[];
}

export interface Predictions {
  task: TargetSpec['task'];
  n: number;
  /** Classification labels (threshold applied for binary). */
  labels?: (string | number)[];
  /** Class index per row (classification). */
  classIndex?: Int32Array;
  /** Classification: n × k probabilities, row-major. */
  proba?: Float64Array;
  /** Regression: predicted values. */
  values?: Float64Array;
  /** Segment per row (segmented models). */
  segments?: (string | null)[];
}

/**
 * @example
 * ```ts
 * const model = Model.fromBytes(await fs.readFile('credit.myd'));
 * const p = model.predict(await readFrame('new.csv'), { threshold: 0.3 });
 * p.labels; // ['good', 'bad', …]
 * ```
 */
export class Model {
  constructor(
    readonly schema: Schema,
    readonly target: TargetSpec,
    readonly single: ModelPart | null,
    readonly segments: Segments | null,
    readonly metadata: ModelMetadata,
    readonly profile: Json | null = null,
  ) {
    if ((single === null) === (segments === null)) throw new Error('a model has either one part or segments');
  }

  get nClasses(): number {
    return this.target.task === 'regression' ? 1 : this.target.classes!.length;
  }

  /** Columns a request must provide (features, plus the segment column). */
  get inputColumns(): string[] {
    const cols = this.schema.features.map((f) => f.name);
    if (this.segments) cols.push(this.segments.by);
    return cols;
  }

  /** Validates `frame` against the schema (see schema/validate). */
  conform(frame: Frame, opts: ConformOptions = {}): Frame {
    return conform(frame, this.schema, opts);
  }

  /** Scores raw rows. */
  predict(frame: Frame, opts: PredictOptions = {}): Predictions {
    const X = this.conform(frame, opts);
    const k = this.nClasses;
    const n = frame.nRows;
    let out: Float64Array;
    let segOut: (string | null)[] | undefined;
    if (this.single) {
      out = scorePart(this.single, X, k);
    } else {
      const seg = this.segments!;
      ({ out, segOut } = this.scoreSegments(seg, frame, X, k, opts));
    }
    return this.label(out, n, k, opts.threshold, segOut);
  }

  /** Turns raw output (probabilities or values) into predictions. */
  label(out: Float64Array, n: number, k: number, threshold?: number, segments?: (string | null)[]): Predictions {
    const task = this.target.task;
    if (task === 'regression') return { task, n, values: out, segments };
    const classes = this.target.classes!;
    const idx = new Int32Array(n);
    if (task === 'binary') {
      const t = threshold ?? 0.5;
      for (let i = 0; i < n; i++) idx[i] = out[i * 2 + 1] >= t ? 1 : 0;
    } else {
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let c = 1; c < k; c++) if (out[i * k + c] > out[i * k + best]) best = c;
        idx[i] = best;
      }
    }
    return { task, n, proba: out, classIndex: idx, labels: Array.from(idx, (c) => classes[c]), segments };
  }

  private scoreSegments(seg: Segments, raw: Frame, X: Frame, k: number, opts: PredictOptions): { out: Float64Array; segOut: (string | null)[] } {
    if (!raw.has(seg.by)) {
      throw new ModelyardError('COLUMN_MISSING', `${opts.source ? `${opts.source}: ` : ''}the segment column "${seg.by}" is missing (this model routes rows by it)`, {
        file: opts.source,
        column: seg.by,
      });
    }
    const n = raw.nRows;
    const width = this.target.task === 'regression' ? 1 : k;
    const out = new Float64Array(n * width);
    const segOut: (string | null)[] = new Array(n);
    const groups = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const v = raw.cell(i, seg.by);
      const key = v === null ? null : String(v);
      let part = key !== null && key in seg.parts ? key : null;
      if (part === null) {
        if (seg.fallback === undefined) {
          const known = Object.keys(seg.parts).join(', ');
          throw new ModelyardError('UNSEEN_CATEGORY', `${opts.source ? `${opts.source}: ` : ''}row ${i + 1}, column "${seg.by}": no model for segment ${key === null ? '(missing)' : `"${key}"`} (segments: ${known}) and no fallback model`, {
            file: opts.source,
            row: i + 1,
            column: seg.by,
          });
        }
        part = seg.fallback;
      }
      segOut[i] = part;
      let g = groups.get(part);
      if (!g) groups.set(part, (g = []));
      g.push(i);
    }
    for (const [key, rows] of groups) {
      const sub = scorePart(seg.parts[key], X.take(rows), k);
      for (let r = 0; r < rows.length; r++) {
        for (let c = 0; c < width; c++) out[rows[r] * width + c] = sub[r * width + c];
      }
    }
    return { out, segOut };
  }
}

/** Raw output of one part, calibrated. */
export function scorePart(part: ModelPart, X: Frame, k: number): Float64Array {
  const raw = part.fitted.predict(X);
  return part.calibrator ? part.calibrator.apply(raw, X.nRows, k) : raw;
}
