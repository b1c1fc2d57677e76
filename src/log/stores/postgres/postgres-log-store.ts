/**
 * The Postgres log store: for several server replicas writing one log. A group commit is a single
 * statement — three `INSERT … SELECT FROM unnest($1::text[], …) ON CONFLICT (id) DO NOTHING` in
 * CTEs — so a batch of any size costs one round trip and one commit (a multi-row insert with a
 * fixed number of parameters; Postgres manual, "unnest" and "WITH Queries: data-modifying
 * statements"). Tables live in the URL's `?schema=` (created when missing) or the search path.
 *
 * Every query has a client-side timeout, so an unreachable server fails the batch (which then goes
 * to the spool) instead of hanging the writer.
 */
import pg from '../../../util/pg.js';
import { ModelyardError } from '../../../errors.js';
import { codecText, groupId } from '../../group.js';
import { GROUP_TABLE, TABLE, type EntityMatch, type LogBatch, type LogStore, type LogTable } from '../../store.js';
import { CodecCache, existingGrouped, groupedCount, groupedIds, readPredictions, withGroupedIds, type Run } from '../groups.js';
import {
  EVENT_COLUMNS, FEEDBACK_COLUMNS, GROUP_COLUMNS, PREDICTION_COLUMNS, eventRow, feedbackRow, groupRow, predictionRow, toEvent, toFeedback,
} from '../rows.js';
import { ddl, dollar, eventsQuery, feedbackQuery } from '../sql.js';

export interface PostgresLogStoreOptions {
  /** `postgres://…` without log-specific parameters. */
  url: string;
  schema?: string;
  poolSize?: number;
  /** Client-side timeout of each query and connection attempt, default 5000 ms. */
  timeoutMs?: number;
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/** The URL with its password masked, for messages. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

const PRED_TYPES = ['text', 'bigint', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'float8', 'text'];
const FEED_TYPES = ['text', 'bigint', 'text', 'text', 'text'];
const EVENT_TYPES = ['text', 'bigint', 'text', 'text', 'text', 'text'];

/** Transposes rows into one array per column (what `unnest` takes). */
function columns(rows: unknown[][], width: number): unknown[][] {
  const cols: unknown[][] = Array.from({ length: width }, () => new Array(rows.length));
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    for (let c = 0; c < width; c++) cols[c]![i] = r[c];
  }
  return cols;
}

const GROUP_TYPES = ['text', 'text', 'int', 'bigint', 'text', 'text', 'text', 'float8', 'text', 'text', 'text', 'bytea', 'text', 'text', 'text', 'bytea'];

function insertCte(name: string, table: string, cols: readonly string[], types: string[], first: number, where = ''): string {
  const args = types.map((t, i) => `$${first + i}::${t}[]`).join(', ');
  return `${name} AS (INSERT INTO ${table} (${cols.join(', ')}) SELECT * FROM unnest(${args}) AS u(${cols.join(', ')})${where} ON CONFLICT (id) DO NOTHING RETURNING 1)`;
}

const G = GROUP_TABLE;

/**
 * The insert statement for a batch holding the given kinds (bit 1 rows, 2 feedback, 4 events,
 * 8 groups): one statement per batch, with only the parts it needs, prepared once per connection
 * under its own name (planning the full four-part statement on every commit cost more than the
 * commit). A row whose id a stored group holds is skipped, and a group is skipped when any of its
 * ids is stored as a row (../../group.ts); entity rows go in only for groups inserted.
 */
function insertSql(mask: number): string {
  const ctes: string[] = [];
  const counts: string[] = [];
  let at = 1;
  if (mask & 1) {
    ctes.push(insertCte('p', TABLE.predictions, PREDICTION_COLUMNS, PRED_TYPES, at, ` WHERE NOT EXISTS (SELECT 1 FROM ${G.groups} g WHERE g.prefix = substr(u.id, 1, 33) AND u.id <= g.last_id)`));
    counts.push('(SELECT count(*) FROM p)');
    at += PRED_TYPES.length;
  }
  if (mask & 2) {
    ctes.push(insertCte('f', TABLE.feedback, FEEDBACK_COLUMNS, FEED_TYPES, at));
    counts.push('(SELECT count(*) FROM f)');
    at += FEED_TYPES.length;
  }
  if (mask & 4) {
    ctes.push(insertCte('e', TABLE.events, EVENT_COLUMNS, EVENT_TYPES, at));
    counts.push('(SELECT count(*) FROM e)');
    at += EVENT_TYPES.length;
  }
  if (mask & 8) {
    const g0 = at;
    const c0 = g0 + GROUP_TYPES.length; // codec ids, codec texts
    const n0 = c0 + 2; // entity rows: id, entity_id, time, model
    ctes.push(
      `c AS (INSERT INTO ${G.codecs} (id, codec) SELECT * FROM unnest($${c0}::text[], $${c0 + 1}::text[]) ON CONFLICT (id) DO NOTHING)`,
      `g AS (INSERT INTO ${G.groups} (${GROUP_COLUMNS.join(', ')}) SELECT * FROM unnest(${GROUP_TYPES.map((t, i) => `$${g0 + i}::${t}[]`).join(', ')})` +
        ` AS u(${GROUP_COLUMNS.join(', ')}) WHERE NOT EXISTS (SELECT 1 FROM ${TABLE.predictions} p WHERE p.id >= u.prefix || '000' AND p.id <= u.last_id)` +
        ' ON CONFLICT (prefix) DO NOTHING RETURNING prefix, n)',
      `x AS (INSERT INTO ${G.entities} (id, entity_id, time, model) SELECT * FROM unnest($${n0}::text[], $${n0 + 1}::text[], $${n0 + 2}::bigint[], $${n0 + 3}::text[])` +
        ' AS v(id, entity_id, time, model) WHERE substr(v.id, 1, 33) IN (SELECT prefix FROM g) ON CONFLICT (id) DO NOTHING)',
    );
    counts.push('(SELECT coalesce(sum(n), 0) FROM g)');
  }
  return `WITH ${ctes.join(', ')} SELECT ${counts.join(' + ')} AS n`;
}
const INSERT_SQL: string[] = Array.from({ length: 16 }, (_, m) => (m === 0 ? '' : insertSql(m)));

/**
 * Opens (creating schema and tables when needed) a Postgres prediction log.
 *
 * @example
 * ```ts
 * const store = await openPostgresLogStore({ url: 'postgres://app@db/ml', schema: 'log' });
 * ```
 */
export async function openPostgresLogStore(opts: PostgresLogStoreOptions): Promise<LogStore> {
  const location = maskUrl(opts.url) + (opts.schema ? ` (schema ${opts.schema})` : '');
  if (opts.schema !== undefined && !SCHEMA_RE.test(opts.schema)) {
    throw new ModelyardError('USAGE', `log schema "${opts.schema}" is not a plain lower-case SQL identifier (a-z, 0-9, _)`, { flag: '--log' });
  }
  const timeoutMs = opts.timeoutMs ?? 5000;
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 4,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  // A client losing its connection while idle must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      // Serialise table creation between processes starting together (CREATE … IF NOT EXISTS races).
      await c.query(`SELECT pg_advisory_xact_lock(hashtext('modelyard_log:' || ${opts.schema ? `'${opts.schema}'` : 'current_schema()'}))`);
      if (opts.schema) await c.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
      for (const s of ddl('postgres')) await c.query(s);
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new ModelyardError('LOG_UNAVAILABLE', `cannot open the prediction log at ${location}: ${(e as Error).message}`);
  }
  let closed = false;
  const rows = async (text: string, params: unknown[]): Promise<Record<string, unknown>[]> => (await pool.query(text, params)).rows;
  const run: Run = async (b) => rows(b.text, b.params);
  const codecs = new CodecCache();

  return {
    dialect: 'postgres',
    location,
    async insert(b: LogBatch) {
      const mask = (b.predictions?.length ? 1 : 0) | (b.feedback?.length ? 2 : 0) | (b.events?.length ? 4 : 0) | (b.groups?.length ? 8 : 0);
      if (mask === 0) return 0;
      const params: unknown[] = [];
      if (mask & 1) params.push(...columns(b.predictions!.map(predictionRow), PRED_TYPES.length));
      if (mask & 2) params.push(...columns(b.feedback!.map(feedbackRow), FEED_TYPES.length));
      if (mask & 4) params.push(...columns(b.events!.map(eventRow), EVENT_TYPES.length));
      const gs = b.groups ?? [];
      const g = mask & 8 ? columns(gs.map(groupRow), GROUP_TYPES.length) : [];
      const newCodecs = [...new Map(gs.filter((x) => x.codec && !codecs.has(x.codec.id)).map((x) => [x.codec!.id, x.codec!])).values()];
      const ent: unknown[][] = [[], [], [], []];
      for (const x of gs) {
        if (!x.entity_ids) continue;
        for (let i = 0; i < x.n; i++) {
          const id = x.entity_ids[i];
          if (id === null || id === undefined) continue;
          ent[0]!.push(groupId(x.prefix, i));
          ent[1]!.push(id);
          ent[2]!.push(x.time);
          ent[3]!.push(x.model);
        }
      }
      if (mask & 8) params.push(...g, newCodecs.map((c) => c.id), newCodecs.map((c) => codecText(c)), ...ent);
      const r = await pool.query<{ n: string }>({ name: `modelyard_log_insert_${mask}`, text: INSERT_SQL[mask]!, values: params });
      for (const c of newCodecs) codecs.add(c);
      return Number(r.rows[0]!.n);
    },
    async ping() {
      if (closed) throw new Error('store closed');
      await pool.query('SELECT 1');
    },
    async predictions(q = {}) {
      return readPredictions(q, run, dollar, codecs);
    },
    async events(q = {}) {
      const b = eventsQuery(q, dollar);
      return (await rows(b.text, b.params)).map(toEvent);
    },
    async feedback(q = {}) {
      if (q.predictionIds) {
        const r = await rows(`SELECT * FROM ${TABLE.feedback} WHERE prediction_id = ANY($1::text[]) ORDER BY time, id`, [q.predictionIds]);
        return r.map(toFeedback).filter((f) => (q.since === undefined || f.time >= q.since) && (q.until === undefined || f.time < q.until));
      }
      const b = feedbackQuery(q, dollar);
      return (await rows(b.text, b.params)).map(toFeedback);
    },
    async matchEntities(items: readonly EntityMatch[], windowMs: number, model?: string) {
      if (items.length === 0) return [];
      const r = await rows(
        `SELECT m.i, (SELECT id FROM (SELECT p.id, p.time FROM ${TABLE.predictions} p WHERE p.entity_id = m.e AND p.time <= m.t AND p.time > m.t - $3::bigint` +
          ` AND p.role = 'primary' AND ($4::text IS NULL OR p.model = $4::text)` +
          ` UNION ALL SELECT x.id, x.time FROM ${G.entities} x WHERE x.entity_id = m.e AND x.time <= m.t AND x.time > m.t - $3::bigint` +
          ` AND ($4::text IS NULL OR x.model = $4::text)) c ORDER BY c.time DESC, c.id DESC LIMIT 1) AS id` +
          ' FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS m(e, t, i)',
        [items.map((x) => x.entity_id), items.map((x) => x.time), windowMs, model ?? null],
      );
      const out: (string | null)[] = new Array(items.length).fill(null);
      for (const row of r) out[Number(row.i) - 1] = (row.id as string | null) ?? null;
      return out;
    },
    async existing(table: LogTable, ids: readonly string[]) {
      if (ids.length === 0) return new Set<string>();
      const r = await pool.query<[string]>({ text: `SELECT id FROM ${TABLE[table]} WHERE id = ANY($1::text[])`, values: [ids], rowMode: 'array' });
      const out = table === 'predictions' ? await existingGrouped(ids, run, dollar) : new Set<string>();
      for (const x of r.rows) out.add(x[0]);
      return out;
    },
    async ids(table: LogTable) {
      const r = await pool.query<[string]>({ text: `SELECT id FROM ${TABLE[table]}`, rowMode: 'array' });
      const out = new Array<string>(r.rows.length);
      for (let i = 0; i < r.rows.length; i++) out[i] = r.rows[i]![0];
      return table === 'predictions' ? out.concat(await groupedIds(run)) : out;
    },
    async idText(table: LogTable) {
      const r = await pool.query<[string | null]>({ text: `SELECT string_agg(id, E'\\n') FROM ${TABLE[table]}`, rowMode: 'array' });
      const text = r.rows[0]?.[0] ?? '';
      return table === 'predictions' ? withGroupedIds(text, await groupedIds(run)) : text;
    },
    async counts() {
      const r = await rows(
        `SELECT (SELECT count(*) FROM ${TABLE.predictions}) AS predictions, (SELECT count(*) FROM ${TABLE.feedback}) AS feedback,` +
          ` (SELECT count(*) FROM ${TABLE.events}) AS events`,
        [],
      );
      return { predictions: Number(r[0]!.predictions) + (await groupedCount(run)), feedback: Number(r[0]!.feedback), events: Number(r[0]!.events) };
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
