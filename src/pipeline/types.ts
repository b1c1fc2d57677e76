/**
 * The shape of a parsed pipeline: named stages with declared inputs and outputs (files), run in
 * dependency order and cached by a content hash (see run.ts). Paths here are absolute; the YAML
 * file gives them relative to its own folder.
 */
import type { Json } from '../learn/types.js';
import type { TrainRecipe } from '../model/train.js';

export type StageKind = 'sql' | 'function' | 'train' | 'evaluate';

interface StageBase {
  name: string;
  kind: StageKind;
  /** Input name → absolute path. */
  inputs: Record<string, string>;
  /** Output name → absolute path. */
  outputs: Record<string, string>;
  /** Plain JSON parameters; part of the cache key. */
  params: Record<string, Json>;
  /** Extra files whose bytes are part of the cache key (helpers a function module imports). */
  deps: string[];
}

export interface SqlStage extends StageBase {
  kind: 'sql';
  /** The SQL text (inline, or read from `sqlFile`). */
  sql: string;
  sqlFile?: string;
}

export interface FunctionStage extends StageBase {
  kind: 'function';
  /** Absolute path of the module file. */
  module: string;
  /** The export to call (`default` when the `run:` value has no `#name`). */
  exportName: string;
}

export interface TrainStage extends StageBase {
  kind: 'train';
  /** The `data` input's path. */
  data: string;
  recipe: TrainRecipe;
  register?: { name: string; version?: string; aliases?: string[]; changelog?: string; description?: string };
  changelog?: string;
}

export interface EvaluateStage extends StageBase {
  kind: 'evaluate';
  /** A model file (an input, often a train stage's output) or a registry reference. */
  model: { file: string } | { ref: string };
  data: string;
  threshold?: number;
  /** Also report the F1-maximising threshold (choose it on validation data, use it in serving). */
  chooseThreshold?: boolean;
}

export type Stage = SqlStage | FunctionStage | TrainStage | EvaluateStage;

export interface Pipeline {
  name: string;
  /** The pipeline file (absolute). */
  file: string;
  /** Folder that relative paths are resolved against (the file's folder). */
  dir: string;
  /** Where run state (cache keys, hashes) is kept. */
  stateFile: string;
  /** Stages in file order. */
  stages: Stage[];
}

/**
 * What a function stage receives. The module is the user's own code file named in the pipeline
 * (like a Makefile recipe); modelyard imports it, it never evaluates stored text.
 *
 * @example
 * ```ts
 * // generate.ts, referenced as `run: generate.ts#generate`
 * export async function generate(ctx: StageContext) {
 *   fs.writeFileSync(ctx.outputs.events, makeEvents(ctx.params.users as number));
 *   return { rows: 1000 };
 * }
 * ```
 */
export interface StageContext {
  stage: string;
  params: Readonly<Record<string, Json>>;
  inputs: Readonly<Record<string, string>>;
  outputs: Readonly<Record<string, string>>;
  /** The pipeline file's folder. */
  dir: string;
  /** Progress lines (stderr on the CLI). */
  log: (message: string) => void;
}

export type StageStatus = 'ran' | 'skipped (cached)' | 'not selected' | 'failed' | 'not run';

export interface StageSummary {
  name: string;
  kind: StageKind;
  status: StageStatus;
  /** Why the stage ran (no cache, params changed, input changed: x, …). */
  reason?: string;
  seconds: number;
  outputs: Record<string, string>;
  /** What the stage returned (function stages), or its metrics (train/evaluate). */
  result?: Json;
  error?: { code: string; message: string };
}

export interface RunSummary {
  pipeline: string;
  file: string;
  ok: boolean;
  ran: number;
  skipped: number;
  seconds: number;
  stages: StageSummary[];
}
