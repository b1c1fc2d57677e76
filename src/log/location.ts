/**
 * Where the prediction log lives. Precedence, first match wins:
 *
 * 1. `url` option (the CLI's `--log`);
 * 2. `MODELYARD_LOG_URL`;
 * 3. `DATABASE_URL`, only when it is a `postgres://` URL (the log then shares the registry's database;
 *    its tables are prefixed `log_`);
 * 4. `$MODELYARD_HOME/log.db`, else `./.modelyard/log.db`.
 *
 * A location is a `postgres://` URL (optional `?schema=`) or a SQLite file (a path ending in `.db`,
 * `.sqlite` or `.sqlite3`, optionally written `sqlite:<path>`) or a folder (then `<folder>/log.db`).
 * The spool — where rows go while the store is unreachable — is `MODELYARD_LOG_SPOOL`, else
 * `$MODELYARD_HOME/log-spool` (`./.modelyard/log-spool`).
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
  const spoolDir = path.resolve(cwd, opts.spoolDir ?? env.MODELYARD_LOG_SPOOL ?? path.join(home, 'log-spool'));
  const spec =
    opts.url ?? env.MODELYARD_LOG_URL ?? (env.DATABASE_URL && isPostgres(env.DATABASE_URL) ? env.DATABASE_URL : undefined) ?? path.join(home, 'log.db');
  if (isPostgres(spec)) {
    let u: URL;
    try {
      u = new URL(spec);
    } catch {
      throw new ModelyardError('USAGE', `--log: "${spec.replace(/:[^:@/]*@/, ':***@')}" is not a valid postgres:// URL`, { flag: '--log' });
    }
    const schema = u.searchParams.get('schema') ?? undefined;
    u.searchParams.delete('schema');
    return { dialect: 'postgres', url: u.toString(), ...(schema ? { schema } : {}), spoolDir };
  }
  const p = path.resolve(cwd, spec.replace(/^sqlite:(\/\/)?/i, '').replace(/^file:(\/\/)?/i, '') || '.');
  return { dialect: 'sqlite', file: /\.(db|sqlite3?)$/i.test(p) ? p : path.join(p, 'log.db'), spoolDir };
}

export interface OpenLogOptions {
  /** Postgres: per-query timeout (default 5000 ms). SQLite: busy timeout (default 2000 ms). */
  timeoutMs?: number;
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
  return openSqliteLogStore({ file: loc.file!, ...(opts.timeoutMs ? { busyTimeoutMs: opts.timeoutMs } : {}) });
}
