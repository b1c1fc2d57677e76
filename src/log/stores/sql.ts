/**
 * The read queries, written once for both dialects: only the placeholder style differs
 * (`?` for SQLite, `$1…` for Postgres).
 */
import { GROUP_TABLE, TABLE, type EventQuery, type PredictionQuery } from '../store.js';

export type Placeholder = (i: number) => string;
export const qmark: Placeholder = () => '?';
export const dollar: Placeholder = (i) => `$${i}`;

export interface Built {
  text: string;
  params: unknown[];
}

const P = TABLE.predictions;
const F = TABLE.feedback;
const E = TABLE.events;

/** The DDL for both dialects (`INTEGER` is SQLite's 64-bit integer; Postgres gets BIGINT). */
export function ddl(dialect: 'sqlite' | 'postgres'): string[] {
  const big = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  const real = dialect === 'sqlite' ? 'REAL' : 'DOUBLE PRECISION';
  const blob = dialect === 'sqlite' ? 'BLOB' : 'BYTEA';
  const G = GROUP_TABLE;
  return [
    `CREATE TABLE IF NOT EXISTS ${P} (id TEXT PRIMARY KEY, time ${big} NOT NULL, model TEXT NOT NULL, version TEXT NOT NULL,
      segment TEXT, request_id TEXT NOT NULL, entity_id TEXT, inputs TEXT, prediction TEXT NOT NULL, probabilities TEXT,
      latency_ms ${real} NOT NULL, role TEXT NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ${P}_model_time ON ${P} (model, version, time)`,
    `CREATE INDEX IF NOT EXISTS ${P}_entity_time ON ${P} (entity_id, time)`,
    `CREATE TABLE IF NOT EXISTS ${F} (id TEXT PRIMARY KEY, time ${big} NOT NULL, prediction_id TEXT, entity_id TEXT, actual TEXT NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ${F}_prediction ON ${F} (prediction_id, time)`,
    `CREATE TABLE IF NOT EXISTS ${E} (id TEXT PRIMARY KEY, time ${big} NOT NULL, kind TEXT NOT NULL, model TEXT, version TEXT, payload TEXT NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ${E}_kind_time ON ${E} (kind, time)`,
    // Prediction groups (../group.ts): one row per scored request.
    `CREATE TABLE IF NOT EXISTS ${G.groups} (prefix TEXT PRIMARY KEY, last_id TEXT NOT NULL, n INTEGER NOT NULL, time ${big} NOT NULL,
      model TEXT NOT NULL, version TEXT NOT NULL, request_id TEXT NOT NULL, latency_ms ${real} NOT NULL, segments TEXT, entity_ids TEXT,
      codec TEXT, inputs ${blob}, exceptions TEXT, predictions TEXT NOT NULL, labels TEXT, proba ${blob})`,
    `CREATE INDEX IF NOT EXISTS ${G.groups}_model_time ON ${G.groups} (model, version, time)`,
    `CREATE TABLE IF NOT EXISTS ${G.codecs} (id TEXT PRIMARY KEY, codec TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${G.entities} (id TEXT PRIMARY KEY, entity_id TEXT NOT NULL, time ${big} NOT NULL, model TEXT NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ${G.entities}_entity_time ON ${G.entities} (entity_id, time)`,
  ];
}

/** Predictions joined to their latest outcome (correlated subqueries use the (prediction_id, time) index). */
export function predictionsQuery(q: PredictionQuery, ph: Placeholder): Built {
  const params: unknown[] = [];
  const add = (v: unknown): string => {
    params.push(v);
    return ph(params.length);
  };
  const where: string[] = [];
  if (q.model !== undefined) where.push(`p.model = ${add(q.model)}`);
  if (q.version !== undefined) where.push(`p.version = ${add(q.version)}`);
  if (q.since !== undefined) where.push(`p.time >= ${add(q.since)}`);
  if (q.until !== undefined) where.push(`p.time < ${add(q.until)}`);
  if (q.role !== undefined) where.push(`p.role = ${add(q.role)}`);
  if (q.labelled) where.push(`EXISTS (SELECT 1 FROM ${F} f WHERE f.prediction_id = p.id)`);
  const order = q.newest ? 'DESC' : 'ASC';
  let text =
    `SELECT p.*, (SELECT f.actual FROM ${F} f WHERE f.prediction_id = p.id ORDER BY f.time DESC, f.id DESC LIMIT 1) AS actual,` +
    ` (SELECT f.time FROM ${F} f WHERE f.prediction_id = p.id ORDER BY f.time DESC, f.id DESC LIMIT 1) AS feedback_time` +
    ` FROM ${P} p${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY p.time ${order}, p.id ${order}`;
  if (q.limit !== undefined) text += ` LIMIT ${add(q.limit)}`;
  return { text, params };
}

export function eventsQuery(q: EventQuery, ph: Placeholder): Built {
  const params: unknown[] = [];
  const add = (v: unknown): string => {
    params.push(v);
    return ph(params.length);
  };
  const where: string[] = [];
  if (q.kind !== undefined) {
    const kinds = typeof q.kind === 'string' ? [q.kind] : q.kind;
    where.push(kinds.length ? `kind IN (${kinds.map((k) => add(k)).join(', ')})` : '1 = 0');
  }
  if (q.model !== undefined) where.push(`model = ${add(q.model)}`);
  if (q.version !== undefined) where.push(`version = ${add(q.version)}`);
  if (q.since !== undefined) where.push(`time >= ${add(q.since)}`);
  if (q.until !== undefined) where.push(`time < ${add(q.until)}`);
  let text = `SELECT * FROM ${E}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY time, id`;
  if (q.limit !== undefined) text += ` LIMIT ${add(q.limit)}`;
  return { text, params };
}

export function feedbackQuery(q: { since?: number; until?: number }, ph: Placeholder): Built {
  const params: unknown[] = [];
  const where: string[] = [];
  if (q.since !== undefined) {
    params.push(q.since);
    where.push(`time >= ${ph(params.length)}`);
  }
  if (q.until !== undefined) {
    params.push(q.until);
    where.push(`time < ${ph(params.length)}`);
  }
  return { text: `SELECT * FROM ${F}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY time, id`, params };
}

/**
 * The groups matching a prediction query (null when none can: groups are primary rows only). With a
 * limit and no `labelled` filter, at most `limit` groups are read (each holds at least one row).
 */
export function groupsQuery(q: PredictionQuery, ph: Placeholder): Built | null {
  if (q.role === 'shadow') return null;
  const params: unknown[] = [];
  const add = (v: unknown): string => {
    params.push(v);
    return ph(params.length);
  };
  const where: string[] = [];
  if (q.model !== undefined) where.push(`model = ${add(q.model)}`);
  if (q.version !== undefined) where.push(`version = ${add(q.version)}`);
  if (q.since !== undefined) where.push(`time >= ${add(q.since)}`);
  if (q.until !== undefined) where.push(`time < ${add(q.until)}`);
  const order = q.newest ? 'DESC' : 'ASC';
  let text = `SELECT * FROM ${GROUP_TABLE.groups}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY time ${order}, prefix ${order}`;
  if (q.limit !== undefined && !q.labelled) text += ` LIMIT ${add(q.limit)}`;
  return { text, params };
}
