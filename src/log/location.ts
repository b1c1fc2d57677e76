/**
 * Where the prediction log lives. Precedence, first match wins:
 *
 * 1. `url` option (the CLI's `--log`);
 * 2. `MODELYARD_LOG_URL`;
 * 3. the registry's location when one is named (`registry` option, i.e. the CLI's `--registry`, else
 *    `MODELYARD_REGISTRY`): the same Postgres database, or `log.db` in the registry's folder — the log
 *    lives with the models it describes;
 * 4. `DATABASE_URL`, only when it is a `postgres://` URL;
 * 5. `$MODELYARD_HOME/log.db`, else `./.modelyard/log.db`.
 *
 * Sharing a database with the registry is safe: the log's tables are prefixed `log_`.
 *
 * A location is a `postgres://` URL (optional `?schema=`) or a SQLite file (a path ending in `.db`,
 * `.sqlite` or `.sqlite3`, optionally written `sqlite:<path>`) or a folder (then `<folder>/log.db`).
 * The spool — where rows go while the store is unreachable — is `MODELYARD_LOG_SPOOL`, else
 * `log-spool/` beside a SQLite log file, else `$MODELYARD_HOME/log-spool` (`./.modelyard/log-spool`).
 */
import path from 'node:path';
import { ModelyardError } from '../errors.js';
import type { LogStore } from './store.js';

export interface LogLocation {
  dialect: 'sqlite' | 'postgres';
  file?: string;
  url?: string;
  schema?: string;
  /** The local spool folder. */
  spoolDir: string;
}

export interface LogLocationOptions {
  url?: string;
  /** The registry location in use (`--registry`), when the caller has one. */
  registry?: string;
  spoolDir?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const isPostgres = (s: string): boolean => /^postgres(ql)?:\/\//i.test(s);

/**
 * @example
 * ```ts
 * resolveLogLocation({ env: { MODELYARD_HOME: '/srv/my' } });
 * // { dialect: 'sqlite', file: '/srv/my/log.db', spoolDir: '/srv/my/log-spool' }
 * ```
 */
export function resolveLogLocation(opts: LogLocationOptions = {}): LogLocation {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const home = path.resolve(cwd, env.MODELYARD_HOME || '.modelyard');
  const spoolSetting = opts.spoolDir ?? env.MODELYARD_LOG_SPOOL;
  const registry = opts.registry || env.MODELYARD_REGISTRY || undefined;
  const explicit = opts.url || env.MODELYARD_LOG_URL;
  const fromRegistry = !explicit && !!registry;
  const spec =
    explicit ||
    registry ||
    (env.DATABASE_URL && isPostgres(env.DATABASE_URL) ? env.DATABASE_URL : undefined) ||
    path.join(home, 'log.db');
  if (isPostgres(spec)) {
    let u: URL;
    try {
      u = new URL(spec);
    } catch {
      throw new ModelyardError('USAGE', `--log: "${spec.replace(/:[^:@/]*@/, ':***@')}" is not a valid postgres:// URL`, { flag: '--log' });
    }
    const schema = u.searchParams.get('schema') ?? undefined;
    // Keep only connection parameters (a registry URL also carries blobs=…, blobs_dir=…).
    for (const k of ['schema', 'blobs', 'blobs_dir']) u.searchParams.delete(k);
    const spoolDir = path.resolve(cwd, spoolSetting ?? path.join(home, 'log-spool'));
    return { dialect: 'postgres', url: u.toString(), ...(schema ? { schema } : {}), spoolDir };
  }
  const p = path.resolve(cwd, spec.replace(/^sqlite:(\/\/)?/i, '').replace(/^file:(\/\/)?/i, '').replace(/\?.*$/, '') || '.');
  const isFile = /\.(db|sqlite3?)$/i.test(p);
  // A registry file (registry.db) stands for its folder; a log file is used as named.
  const file = isFile && !fromRegistry ? p : path.join(isFile ? path.dirname(p) : p, 'log.db');
  return { dialect: 'sqlite', file, spoolDir: path.resolve(cwd, spoolSetting ?? path.join(path.dirname(file), 'log-spool')) };
}

export interface OpenLogOptions {
  /** Postgres: per-query timeout (default 5000 ms). SQLite: busy timeout (default 2000 ms). */
  timeoutMs?: number;
  /** SQLite durability: `normal` (default) or `full` (fsync per commit); default from MODELYARD_LOG_SYNC. */
  sync?: 'normal' | 'full';
  env?: NodeJS.ProcessEnv;
}

/**
 * Opens the store at a location (SQLite or Postgres).
 *
 * @example
 * ```ts
 * const store = await openLogStore(resolveLogLocation());
 * ```
 */
export async function openLogStore(loc: LogLocation, opts: OpenLogOptions = {}): Promise<LogStore> {
  if (loc.dialect === 'postgres') {
    const { openPostgresLogStore } = await import('./stores/postgres/postgres-log-store.js');
    return openPostgresLogStore({ url: loc.url!, ...(loc.schema ? { schema: loc.schema } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
  }
  const { openSqliteLogStore } = await import('./stores/sqlite/sqlite-log-store.js');
  const sync = opts.sync ?? (opts.env ?? process.env).MODELYARD_LOG_SYNC ?? 'normal';
  if (sync !== 'normal' && sync !== 'full') throw new ModelyardError('USAGE', `MODELYARD_LOG_SYNC=${sync}: use normal or full`, { flag: 'MODELYARD_LOG_SYNC' });
  // MODELYARD_LOG_THREAD=1: insert on a worker thread (stores/sqlite/insert-thread.ts). Off by default:
  // on the shared 2-core benchmark machine it lowered durable throughput for 100-row batches (same-run
  // bench/serve: 12 % of log-off with it against 31 % without, load ≈ 10) although it moves ≈ 70 % of the
  // logging CPU off the serving thread (bench/log/thread-cpu.mjs) — it pays only with a free core.
  const thread = (opts.env ?? process.env).MODELYARD_LOG_THREAD === '1';
  return openSqliteLogStore({ file: loc.file!, synchronous: sync === 'full' ? 'FULL' : 'NORMAL', thread, ...(opts.timeoutMs ? { busyTimeoutMs: opts.timeoutMs } : {}) });
}
