/**
 * The prediction log's store interface: what the writer, feedback, reconcile, export and the monitor
 * need from a database. Two dialects sit behind it, one folder each (stores/sqlite, stores/postgres),
 * like the registry's stores. The hot path (group-committed inserts) is hand-written SQL per dialect —
 * prepared statements on SQLite, one `unnest` statement per batch on Postgres — because a query
 * builder adds nothing to a fixed INSERT and costs per-row work on the serving path.
 *
 * Every insert is idempotent by id (`ON CONFLICT (id) DO NOTHING`): a batch replayed from the spool,
 * or committed by a store that answered after the writer had given up on it, is never stored twice.
 */
import type { PredictionGroup } from './group.js';
import type { EventRecord, FeedbackRecord, PredictionRecord } from './record.js';

export type LogDialect = 'sqlite' | 'postgres';

/** Rows to commit together (one transaction). */
export interface LogBatch {
  predictions?: readonly PredictionRecord[];
  /** A request's predictions as one group each (group.ts); read back as ordinary prediction rows. */
  groups?: readonly PredictionGroup[];
  feedback?: readonly FeedbackRecord[];
  events?: readonly EventRecord[];
}

/** The log's three tables, by record kind. */
export type LogTable = 'predictions' | 'feedback' | 'events';

/** A prediction with its latest outcome (feedback joined on prediction id), for monitoring and export. */
export interface LoggedPrediction extends PredictionRecord {
  /** The latest feedback's actual value, or null when no outcome arrived yet. */
  actual: number | string | null;
  /** When that feedback was recorded (Unix ms), or null. */
  feedback_time: number | null;
}

/** Which predictions to read. Times are Unix ms; `since` inclusive, `until` exclusive. */
export interface PredictionQuery {
  model?: string;
  version?: string;
  since?: number;
  until?: number;
  role?: 'primary' | 'shadow';
  /** Only rows with an outcome (labelled rows, for rolling metrics). */
  labelled?: boolean;
  /** At most this many rows (the newest when `newest` is set, else the oldest). */
  limit?: number;
  newest?: boolean;
}

export interface EventQuery {
  kind?: string | readonly string[];
  model?: string;
  version?: string;
  since?: number;
  until?: number;
  limit?: number;
}

/** A feedback row that names an entity: match it to that entity's latest prediction at or before `time`. */
export interface EntityMatch {
  entity_id: string;
  time: number;
}

export interface LogStore {
  readonly dialect: LogDialect;
  /** Where the store lives, safe to print (no password). */
  readonly location: string;
  /**
   * Commits the batch in one transaction; rows whose id is already stored (as a row or in a group)
   * are skipped, and a group is skipped whole when any of its ids is stored. Resolves to rows inserted
   * (a group counts its rows).
   */
  insert(batch: LogBatch): Promise<number>;
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  /** Predictions (oldest first) joined to their latest outcome. */
  predictions(q?: PredictionQuery): Promise<LoggedPrediction[]>;
  /** Events (oldest first). */
  events(q?: EventQuery): Promise<EventRecord[]>;
  /** Feedback rows (oldest first), optionally only those for the given prediction ids. */
  feedback(q?: { predictionIds?: readonly string[]; since?: number; until?: number }): Promise<FeedbackRecord[]>;
  /**
   * For each entity + time: the id of that entity's latest primary prediction in
   * `(time - windowMs, time]` (optionally of one model), or null.
   */
  matchEntities(items: readonly EntityMatch[], windowMs: number, model?: string): Promise<(string | null)[]>;
  /** Which of `ids` are stored in `table`. */
  existing(table: LogTable, ids: readonly string[]): Promise<Set<string>>;
  /** Every stored id of one table (for reconcile), in no particular order. */
  ids(table: LogTable): Promise<string[]>;
  /** Every stored id of one table joined by newlines, as one string or byte array (reconcile reads millions without a string per id). */
  idText(table: LogTable): Promise<string | Uint8Array>;
  /** Row counts per table. */
  counts(): Promise<Record<LogTable, number>>;
  close(): Promise<void>;
}

/** Table names: prefixed so the log can share a database (and schema) with the registry. */
export const TABLE: Record<LogTable, string> = {
  predictions: 'log_predictions',
  feedback: 'log_feedback',
  events: 'log_events',
};

/** The tables behind prediction groups (group.ts): groups, their input codecs, and the entity index of grouped rows. */
export const GROUP_TABLE = {
  groups: 'log_prediction_groups',
  codecs: 'log_input_codecs',
  entities: 'log_prediction_entities',
} as const;
