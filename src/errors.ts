/**
 * The one error catalog. Every error modelyard raises on purpose is a {@link ModelyardError} with a
 * code from {@link ERROR_CATALOG}; the CLI maps it to an exit code, the server to an HTTP status and
 * a JSON body `{"error": {"code", "message", "field", "request_id"}}`. `docs/errors.md` lists every
 * code (a test checks that it does).
 *
 * Exit codes follow DESIGN.md: 0 ok, 1 internal error, 2 bad input or usage, 3 not found.
 */
export const ERROR_CATALOG = {
  // ---- usage and input data -------------------------------------------------------------------
  USAGE: { status: 400, exit: 2, summary: 'Bad command-line usage: an unknown, missing or invalid flag or argument.' },
  FILE_NOT_FOUND: { status: 404, exit: 2, summary: 'A data or model file named on the command line does not exist or cannot be read.' },
  DATA_EMPTY: { status: 422, exit: 2, summary: 'The data has no rows (or no columns).' },
  DATA_PARSE: { status: 400, exit: 2, summary: 'The data file cannot be parsed (ragged rows, bad quoting, wrong format); the message names file and line.' },
  DATA_SOURCE: { status: 400, exit: 2, summary: 'A SQL data source (DuckDB/SQLite file or query) failed; the message names the source.' },
  COLUMN_MISSING: { status: 422, exit: 2, summary: 'A column the model or command needs is absent from the data.' },
  TYPE_MISMATCH: { status: 422, exit: 2, summary: 'A value does not have the column\'s type (e.g. text in a numeric column); names row and column.' },
  UNSEEN_CATEGORY: { status: 422, exit: 2, summary: 'A categorical value that the model never saw in training; names row and column.' },
  INVALID_VALUE: { status: 422, exit: 2, summary: 'A value is not allowed (NaN or infinity where a finite number is needed); names row and column.' },
  TARGET_INVALID: { status: 422, exit: 2, summary: 'The target column cannot be learned (one class only, all missing, wrong type for the task).' },
  PARAM_INVALID: { status: 400, exit: 2, summary: 'A learner or command parameter is out of range or of the wrong type.' },
  LENGTH_MISMATCH: { status: 422, exit: 2, summary: 'Arrays that must line up row by row (target, predictions, weights, times, groups) have different lengths.' },
  // ---- models and artifacts -------------------------------------------------------------------
  MODEL_NOT_FOUND: { status: 404, exit: 3, summary: 'No model (or version, or alias) matches the reference.' },
  ARTIFACT_CORRUPT: { status: 500, exit: 2, summary: 'A model artifact fails its sha256 check, is truncated, or is not a modelyard artifact.' },
  ARTIFACT_VERSION: { status: 500, exit: 2, summary: 'A model artifact was written by a newer, unknown format version.' },
  ARTIFACT_MISSING: { status: 500, exit: 2, summary: 'A registered version\'s artifact blob is missing from the blob store (deleted by hand or never copied to this host).' },
  // ---- the model registry ---------------------------------------------------------------------
  VERSION_EXISTS: { status: 409, exit: 2, summary: 'The model already has this version; registered versions are immutable (omit --version for the next patch).' },
  ALIAS_IN_USE: { status: 409, exit: 2, summary: 'A version cannot be deleted while an alias other than latest points at it (move the alias, or pass --force).' },
  NO_ROLLBACK_TARGET: { status: 409, exit: 2, summary: 'The alias has no earlier version (still registered) to roll back to.' },
  REGISTRY_UNAVAILABLE: { status: 503, exit: 1, summary: 'The registry store (SQLite file or Postgres server) cannot be opened or reached; the message names it.' },
  REGISTRY_BUSY: { status: 503, exit: 1, summary: 'The registry stayed locked by other writers for longer than the retry budget.' },
  REGISTRY_VERSION: { status: 500, exit: 2, summary: 'The registry database was migrated by a newer modelyard than this one: upgrade modelyard.' },
  // ---- the prediction log --------------------------------------------------------------------
  LOG_UNAVAILABLE: { status: 503, exit: 1, summary: 'The prediction log store cannot be opened or reached, and (for a durable write) neither can the local spool.' },
  FEEDBACK_UNMATCHED: { status: 422, exit: 2, summary: 'A feedback row names no logged prediction (unknown prediction id, or no prediction for the entity in the time window).' },
  // ---- monitoring, champion/challenger, retraining (src/monitor) ----------------------------------
  PROMOTION_NOT_RECOMMENDED: { status: 409, exit: 2, summary: 'models promote --approve: no standing champion/challenger recommendation for that version (none yet, refused, or already acted on).' },
  RETRAIN_UNAVAILABLE: { status: 422, exit: 2, summary: 'A retrain cannot run: the artifact records no training recipe, or no data source is configured.' },
  // ---- pipelines ------------------------------------------------------------------------------
  PIPELINE_INVALID: { status: 400, exit: 2, summary: 'The pipeline file is malformed (unknown keys, a missing field, a cycle, two stages writing one file); names the stage and field.' },
  PIPELINE_INPUT_MISSING: { status: 422, exit: 2, summary: 'A stage input does not exist and no selected stage produces it; names the stage and file.' },
  PIPELINE_STAGE_FAILED: { status: 422, exit: 2, summary: 'A stage\'s SQL or function failed; names the stage and repeats the cause.' },
  PIPELINE_OUTPUT_MISSING: { status: 500, exit: 2, summary: 'A stage finished without writing a declared output; names the stage and file.' },
  // ---- the prediction server (HTTP) ----------------------------------------------------------
  REQUEST_INVALID: { status: 400, exit: 2, summary: 'The HTTP request body is not valid JSON or does not match the endpoint\'s schema; names the field.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, exit: 2, summary: 'The request body has a content type the endpoint does not accept (send application/json).' },
  BATCH_TOO_LARGE: { status: 413, exit: 2, summary: 'A request holds more rows than MAX_BATCH_ROWS (default 1000).' },
  BODY_TOO_LARGE: { status: 413, exit: 2, summary: 'The request body is larger than the server\'s body limit (MAX_BODY_BYTES).' },
  ROUTE_NOT_FOUND: { status: 404, exit: 3, summary: 'No endpoint has this method and path.' },
  ENTITY_NOT_FOUND: { status: 404, exit: 3, summary: 'predict-by-id: an id has no row in the model\'s feature source; names the ids.' },
  FEATURE_SOURCE: { status: 503, exit: 1, summary: 'predict-by-id: the model has no feature source configured, or the source (DuckDB, SQLite, Postgres) failed.' },
  UNAUTHORIZED: { status: 401, exit: 2, summary: 'API keys are configured and the request carries none, or an unknown one (Authorization: Bearer KEY or X-API-Key).' },
  FORBIDDEN: { status: 403, exit: 2, summary: 'The API key lacks the scope (predict, admin), or an admin route was called from another host while no keys are configured.' },
  RATE_LIMITED: { status: 429, exit: 1, summary: 'Too many requests from this client in the rate-limit window; retry after the Retry-After seconds.' },
  NOT_READY: { status: 503, exit: 1, summary: 'The server is starting, shutting down, or a store it needs is unreachable; retry later.' },
  // ---- everything else ------------------------------------------------------------------------
  INTERNAL: { status: 500, exit: 1, summary: 'An unexpected internal error; the server never returns its stack trace.' },
} as const satisfies Record<string, { status: number; exit: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Where in the input an error was found. All fields optional; the message repeats them in words. */
export interface ErrorLocation {
  file?: string;
  /** 1-based data row (header excluded). */
  row?: number;
  column?: string;
  flag?: string;
  /** JSON path of the offending field in an HTTP payload, e.g. `instances[3].age`. */
  field?: string;
}

/**
 * An expected error with a catalog code.
 *
 * @example
 * ```ts
 * throw new ModelyardError('COLUMN_MISSING', 'column "age" is missing from data.csv', { file: 'data.csv', column: 'age' });
 * ```
 */
export class ModelyardError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, location: ErrorLocation = {}, details?: unknown) {
    super(message);
    this.name = 'ModelyardError';
    this.code = code;
    this.location = location;
    this.details = details;
  }

  get status(): number {
    return ERROR_CATALOG[this.code].status;
  }

  get exitCode(): number {
    return ERROR_CATALOG[this.code].exit;
  }
}

/** True for errors raised through the catalog. */
export function isModelyardError(e: unknown): e is ModelyardError {
  return e instanceof ModelyardError;
}

/** Wraps anything thrown into a catalog error (unknown errors become INTERNAL, keeping the cause). */
export function toModelyardError(e: unknown): ModelyardError {
  if (isModelyardError(e)) return e;
  const err = new ModelyardError('INTERNAL', e instanceof Error ? e.message : String(e));
  (err as { cause?: unknown }).cause = e;
  return err;
}
