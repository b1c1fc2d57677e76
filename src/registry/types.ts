/**
 * The records the registry returns. They are wire documents: the CLI prints them with `--json` and
 * the HTTP API returns them as they are, so their fields are snake_case like DESIGN.md's
 * `models show --json` example (`created_at`, …).
 */
import type { Json } from '../learn/types.js';
import type { FeatureSpec } from '../schema/types.js';

/** One segment of a segmented model version (one sub-model per value of `segment_by`). */
export interface SegmentInfo {
  segment: string | null;
  rows?: number;
  metrics?: Record<string, number>;
  learner?: string;
}

/**
 * What the registry extracts from an artifact header when it registers it, so that `list`, `show`
 * and `diff` never read blobs.
 */
export interface ArtifactSummary {
  format_version: number;
  task: string | null;
  target: string | null;
  classes?: (string | number)[];
  learner: string | null;
  params: Record<string, Json>;
  /** `header.metadata.metrics`, e.g. `{ "test": { "roc_auc": 0.91 } }`. */
  metrics: Record<string, Json>;
  /** When the model was trained (`header.metadata.createdAt`). */
  trained_at: string | null;
  package_version: string | null;
  data: Json | null;
  recipe: Json | null;
  git_commit: string | null;
  changelog: string | null;
  description: string | null;
  features: FeatureSpec[];
  segment_by?: string;
  fallback?: string;
  segments?: SegmentInfo[];
}

/** One registered version. */
export interface VersionInfo {
  name: string;
  version: string;
  /** `name@version`, usable wherever a reference is. */
  ref: string;
  /** sha256 of the artifact bytes: the blob's content address, checked on every load. */
  sha256: string;
  size: number;
  /** When the version was registered. */
  created_at: string;
  created_by: string;
  /** When the model was trained (from the artifact), if recorded. */
  trained_at: string | null;
  changelog: string | null;
  tags: Record<string, string>;
  task: string | null;
  learner: string | null;
  metrics: Record<string, Json>;
  segment_by?: string;
  segments?: SegmentInfo[];
  /** Aliases pointing at this version (`latest`, `champion`, …), sorted. */
  aliases: string[];
}

/** One line of `models list`. */
export interface ModelSummary {
  name: string;
  description: string | null;
  versions: number;
  latest: string | null;
  aliases: Record<string, string>;
  task: string | null;
  learner: string | null;
  metrics: Record<string, Json>;
  created_at: string;
  updated_at: string;
}

/** `models show`: the model, all its versions and the selected version's schema, params and lineage. */
export interface ModelDetails {
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
  /** Every version, newest (highest semver) first. */
  versions: VersionInfo[];
  aliases: Record<string, string>;
  /** The version the reference selected (`latest` for a bare name). */
  selected: string;
  task: string | null;
  target: string | null;
  classes?: (string | number)[];
  learner: string | null;
  params: Record<string, Json>;
  metrics: Record<string, Json>;
  tags: Record<string, string>;
  changelog: string | null;
  schema: { features: FeatureSpec[]; segment_by?: string; fallback?: string };
  segments?: SegmentInfo[];
  /** Where the selected version came from: training data, recipe, commit, package version, who registered it. */
  lineage: {
    data: Json | null;
    recipe: Json | null;
    git_commit: string | null;
    package_version: string | null;
    trained_at: string | null;
    registered_at: string;
    registered_by: string;
    sha256: string;
  };
}

export type AuditAction =
  | 'register'
  | 'alias.set'
  | 'alias.remove'
  | 'promote'
  | 'rollback'
  | 'version.delete'
  | 'model.delete'
  | 'blob.gc'
  // Champion/challenger and retraining decisions (src/monitor): recommendation, approval, refusal, retrain.
  | 'challenger.recommend'
  | 'challenger.approve'
  | 'challenger.refuse'
  | 'retrain';

/** One audit-log row: every register, alias move, promotion, rollback and delete. */
export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: AuditAction;
  name: string | null;
  version: string | null;
  alias: string | null;
  /** For alias moves: the version the alias pointed at before (null: it did not exist). */
  from_version: string | null;
  reason: string | null;
  details: Record<string, Json>;
}

export type ProblemKind = 'blob-corrupt' | 'blob-missing' | 'alias-dangling';

/** A consistency problem `verify` found; `code` is the error code loading that version would raise. */
export interface VerifyProblem {
  kind: ProblemKind;
  code: 'ARTIFACT_CORRUPT' | 'ARTIFACT_MISSING' | 'MODEL_NOT_FOUND';
  name?: string;
  version?: string;
  alias?: string;
  sha256?: string;
  message: string;
}

/** A blob no version references, or an unfinished temporary write, with why it is there. */
export interface OrphanInfo {
  kind: 'blob' | 'temp-file';
  sha256?: string;
  path?: string;
  size: number;
  modified_at: string | null;
  explanation: string;
  /** True when `verify --fix` removed it. */
  removed: boolean;
}

export interface VerifyReport {
  ok: boolean;
  registry: string;
  checked: { versions: number; blobs: number; aliases: number };
  problems: VerifyProblem[];
  orphans: OrphanInfo[];
}

export interface MetricDiff {
  group: string;
  metric: string;
  a: number | null;
  b: number | null;
  delta: number | null;
}

export interface FeatureChange {
  name: string;
  kind?: { a: string; b: string };
  categories_added?: string[];
  categories_removed?: string[];
}

export interface DiffReport {
  a: { ref: string; sha256: string };
  b: { ref: string; sha256: string };
  same_artifact: boolean;
  task: { a: string | null; b: string | null } | null;
  target: { a: string | null; b: string | null } | null;
  learner: { a: string | null; b: string | null } | null;
  metrics: MetricDiff[];
  schema: { added: FeatureSpec[]; removed: FeatureSpec[]; changed: FeatureChange[] };
  params: { name: string; a: Json | null; b: Json | null }[];
  segments: { added: string[]; removed: string[] } | null;
}

/** An alias that moved, was created or was removed (version null). */
export interface AliasChange {
  name: string;
  alias: string;
  version: string | null;
  previous: string | null;
}

/** Who did something and why, recorded in the audit log. */
export interface Who {
  actor?: string;
  reason?: string;
}
