/**
 * The first half of opening a Postgres registry: the `pg` pool and its first query, started
 * before Kysely and the store module are loaded. This module imports `pg` only, so the connection
 * handshake (a TCP connect, the server forking a backend, authentication) and the first query's
 * round trip run while the process is still loading and compiling the rest of the store (about
 * 15 ms of a `models list` process each, measured in bench/registry), instead of after it.
 */
import type * as Pg from 'pg';
import pg from '../../../util/pg.js';
import { ModelyardError } from '../../../errors.js';

export interface PostgresPoolOptions {
  /** `postgres://user:pass@host:port/db` (registry-specific query parameters already removed). */
  url: string;
  /** Schema holding the registry tables. Default: the server's search path. */
  schema?: string;
  /** Pool size, default 4. */
  poolSize?: number;
}

/** What the first query found: the current schema and the highest applied migration. */
export type FirstQuery = { ok: true; schema: string; applied: number } | { ok: false; missingTable: boolean; error: unknown };

export interface StartedPool {
  pool: Pg.Pool;
  clientConfig: Pg.ClientConfig;
  /** Settles (never rejects) with the result of the first query. */
  first: Promise<FirstQuery>;
  /**
   * Ends the pool without waiting for the server to close each connection after Terminate: about
   * 10 ms of every short command, the time a backend takes to exit (strace of `models list`).
   * Once Terminate and our FIN have been sent (the socket's `finish`), closing our end of the
   * socket loses nothing.
   */
  end(): Promise<void>;
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/** pg parses int8 as text by default; registry int8 values (sizes, counters, ids) fit a double. */
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/**
 * Creates the pool and sends the first query. With `search_path` set to the schema,
 * current_schema() names it only once it exists; a new schema or database has no migrations table
 * yet (42P01, undefined_table), which the store then creates.
 *
 * @example
 * ```ts
 * const started = startPostgresPool({ url: 'postgres://app@db/ml', schema: 'registry' });
 * const store = await openPostgresStore({ url: 'postgres://app@db/ml', schema: 'registry' }, started);
 * ```
 */
export function startPostgresPool(opts: PostgresPoolOptions): StartedPool {
  if (opts.schema !== undefined && !SCHEMA_RE.test(opts.schema)) {
    throw new ModelyardError('USAGE', `registry schema "${opts.schema}" is not a plain lower-case SQL identifier (a-z, 0-9, _)`, { flag: '--registry' });
  }
  const clientConfig: Pg.ClientConfig = {
    connectionString: opts.url,
    types,
    connectionTimeoutMillis: 10_000,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  };
  const pool = new pg.Pool({ ...clientConfig, max: opts.poolSize ?? 4, idleTimeoutMillis: 10_000 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const clients = new Set<Pg.PoolClient>();
  pool.on('connect', (c) => {
    clients.add(c);
    c.once('end', () => clients.delete(c));
  });
  const end = async (): Promise<void> => {
    for (const c of clients) {
      // `connection.stream` is pg's socket (not in its typings); without it, pg's own wait.
      const socket = (c as unknown as { connection?: { stream?: { once?: (e: string, f: () => void) => void; destroy?: () => void } } }).connection?.stream;
      if (typeof socket?.once === 'function' && typeof socket.destroy === 'function') socket.once('finish', () => socket.destroy!());
    }
    await pool.end();
  };
  const first = pool.query<{ s: string; v: number | null }>('select current_schema() as s, (select max(version) from modelyard_migrations) as v').then(
    (r): FirstQuery => ({ ok: true, schema: r.rows[0].s, applied: Number(r.rows[0].v ?? 0) }),
    (error: unknown): FirstQuery => ({ ok: false, missingTable: (error as { code?: string })?.code === '42P01', error }),
  );
  return { pool, clientConfig, first, end };
}
