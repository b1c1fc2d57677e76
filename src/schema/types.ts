/**
 * The input schema of a model: which columns it reads, of which kind, with which categories. It is
 * stored in the artifact and validates every batch the model scores (CLI files and HTTP payloads).
 */

/** Column kinds, as in DESIGN.md. */
export type ColumnKind = 'numeric' | 'integer' | 'boolean' | 'categorical' | 'datetime' | 'text-id';

export const COLUMN_KINDS: readonly ColumnKind[] = ['numeric', 'integer', 'boolean', 'categorical', 'datetime', 'text-id'];

/** One feature column as the model expects it. */
export interface FeatureSpec {
  name: string;
  kind: Exclude<ColumnKind, 'text-id'>;
  /** Categorical: the levels seen in training, in code order. Boolean from text: [falseLabel, trueLabel]. */
  categories?: string[];
  /** Datetime: whether the source held a date (no time of day). */
  dateOnly?: boolean;
  /** Share of missing values in the training data (0..1). */
  missingRate: number;
}

/** A column present in training data that the model does not use, and why. */
export interface DroppedColumn {
  name: string;
  reason: 'constant' | 'id-like' | 'all-missing' | 'excluded' | 'target' | 'segment' | 'time';
  message: string;
}

export interface Schema {
  features: FeatureSpec[];
  dropped: DroppedColumn[];
}

export type Task = 'binary' | 'multiclass' | 'regression';

/** What the model predicts. */
export interface TargetSpec {
  name: string;
  task: Task;
  /** Classification: class labels in code order (sorted, as scikit-learn does). */
  classes?: (string | number)[];
}

/** A policy for categorical values never seen in training. `error` is scikit-learn's default. */
export type UnseenPolicy = 'error' | 'missing';
