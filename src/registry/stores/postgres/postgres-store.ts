/**
 * The Postgres store: for several hosts or server replicas sharing one registry. A `pg` pool
 * behind Kysely; tables live in the URL's `?schema=` (created when missing) or the server's
 * default search path.
 *
 * Locking uses transaction-scoped advisory locks (Postgres manual, "Advisory Locks"), keyed by
 * schema so that registries in different schemas of one database never contend: a write to model
 * M takes the registry key *shared* and M's key *exclusive* — trainers of different models proceed
 * in parallel, trainers of one model queue — and registry-wide work (migrations, deletes, garbage
 * collection) takes the registry key exclusive. `lock_timeout` bounds each wait; the write is then
 * retried with jittered backoff until the retry budget is spent (REGISTRY_BUSY).
 *
 * Alias changes bump a counter and `pg_notify('modelyard_alias_changes', <schema>)`; NOTIFY is
 * delivered at commit, so listeners never see a change that rolled back.
 */
import type * as Pg from 'pg';
import pg from '../../../util/pg.js';
import { Kysely, PostgresDialect, sql } from '../kysely.js';
import { ModelyardError } from '../../../errors.js';
import { backoffMs, sleep, type LockScope, type RegistryStore } from '../../store.js';
import { migrate } from '../migrations.js';
import { startPostgresPool, type StartedPool } from './pg-pool.js';
import type { RegistryDb } from '../tables.js';

export interface PostgresStoreOptions {
  /** `postgres://user:pass@host:port/db` (registry-specific query parameters already removed). */
  url: string;
  /** Schema holding the registry tables; created when missing. Default: the server's search path. */
  schema?: string;
  /** Pool size, default 4. */
  poolSize?: number;
  /** Wait for one lock before retrying, default 10 s. */
  lockTimeoutMs?: number;
  /** Total time a write keeps retrying before REGISTRY_BUSY, default 60 s. */
  retryBudgetMs?: number;
}

export const ALIAS_CHANNEL = 'modelyard_alias_changes';
// 40001 serialization failure, 40P01 deadlock, 55P03 lock_not_available (lock_timeout).
const RETRYABLE = new Set(['40001', '40P01', '55P03']);

/** The URL with its password masked, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/**
 * Opens (creating the schema and migrating when needed) a Postgres registry.
 *
 * @example
 * ```ts
 * const store = await openPostgresStore({ url: 'postgres://app@db/ml', schema: 'registry' });
 * ```
 */
export async function openPostgresStore(opts: PostgresStoreOptions, started: StartedPool = startPostgresPool(opts)): Promise<RegistryStore> {
  const location = safeUrl(opts.url) + (opts.schema ? ` (schema ${opts.schema})` : '');
  const lockTimeoutMs = opts.lockTimeoutMs ?? 10_000;
  const retryBudgetMs = opts.retryBudgetMs ?? 60_000;
  const { pool, clientConfig } = started;
  let schema: string;
  let applied: number | undefined;
  try {
    // The usual open costs the one query startPostgresPool sent (schema and applied migration),
    // not a `create schema` (a catalog lock) as well.
    const current = async (): Promise<string> => (await pool.query<{ s: string }>('select current_schema() as s')).rows[0].s;
    const first = await started.first;
    if (first.ok) {
      schema = first.schema;
      applied = first.applied;
    } else if (first.missingTable) {
      schema = await current();
    } else {
      throw first.error;
    }
    if (opts.schema && schema !== opts.schema) {
      applied = undefined;
      await createSchema(pool, opts.schema);
      schema = await current();
    }
    if (!schema) throw new Error('no current schema: the search path names no existing schema');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new ModelyardError('REGISTRY_UNAVAILABLE', `cannot reach the Postgres registry at ${location}: ${(e as Error).message}`);
  }
  const db = new Kysely<RegistryDb>({ dialect: new PostgresDialect({ pool }) });

  async function lock(tx: Kysely<RegistryDb>, scope: LockScope): Promise<void> {
    await sql`select set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true)`.execute(tx);
    const registryKey = sql`hashtext(current_schema() || ':registry')`;
    if (scope === 'registry') {
      await sql`select pg_advisory_xact_lock(${registryKey}, 0)`.execute(tx);
    } else {
      await sql`select pg_advisory_xact_lock_shared(${registryKey}, 0)`.execute(tx);
      await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':model'), hashtext(${scope.model}))`.execute(tx);
    }
  }

  async function retrying<T>(fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        const code = (e as { code?: string })?.code ?? '';
        if (!RETRYABLE.has(code)) throw mapConnectionError(e, location);
        if (Date.now() - t0 > retryBudgetMs) {
          throw new ModelyardError('REGISTRY_BUSY', `the registry ${location} stayed locked by other writers for ${Math.round((Date.now() - t0) / 1000)} s`);
        }
        await sleep(backoffMs(attempt));
      }
    }
  }

  const store: RegistryStore = {
    dialect: 'postgres',
    location,
    db,
    write(scope, fn) {
      return retrying(() =>
        db.transaction().execute(async (tx) => {
          await lock(tx, scope);
          return fn(tx);
        }),
      );
    },
    read(fn) {
      return retrying(() => db.transaction().setIsolationLevel('repeatable read').execute(fn));
    },
    async aliasesChanged(tx) {
      await tx.updateTable('registry_state').set((eb) => ({ value: eb('value', '+', 1) })).where('key', '=', 'alias_epoch').execute();
      await sql`select pg_notify(${ALIAS_CHANNEL}, current_schema())`.execute(tx);
    },
    async subscribe(onSignal, subOpts = {}) {
      const pollMs = subOpts.intervalMs ?? 5000;
      let stopped = false;
      let client: Pg.Client | null = null;
      let last = await epoch(db);
      const check = (): void => {
        epoch(db)
          .then((now) => {
            if (now !== last && !stopped) {
              last = now;
              onSignal();
            }
          })
          .catch(() => undefined);
      };
      const connect = async (): Promise<void> => {
        if (stopped) return;
        const c = new pg.Client(clientConfig);
        c.on('notification', (m) => {
          if (m.channel === ALIAS_CHANNEL && m.payload === schema) check();
        });
        const reconnect = (): void => {
          if (client === c) client = null;
          c.end().catch(() => undefined);
          if (!stopped) setTimeout(() => void connect(), 1000).unref();
        };
        c.on('error', reconnect);
        try {
          await c.connect();
          await c.query(`LISTEN ${ALIAS_CHANNEL}`);
          client = c;
          // Anything that changed while (re)connecting.
          check();
        } catch {
          reconnect();
        }
      };
      await connect();
      // A safety net for notifications lost while the listener was disconnected.
      const timer = setInterval(check, pollMs);
      timer.unref();
      return async () => {
        stopped = true;
        clearInterval(timer);
        const c = client;
        client = null;
        if (c) await c.end().catch(() => undefined);
      };
    },
    isUniqueViolation(e) {
      return (e as { code?: string })?.code === '23505';
    },
    async close() {
      // Kysely's destroy() would end the pool and wait for the server to close each connection.
      await started.end();
    },
  };
  await migrate(db, 'postgres', (fn) => store.write('registry', fn), location, applied);
  return store;
}

async function createSchema(pool: Pg.Pool, schema: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await pool.query(`create schema if not exists "${schema}"`);
      return;
    } catch (e) {
      // Two processes creating the schema at once: one of them sees a unique violation.
      const code = (e as { code?: string }).code;
      if ((code !== '23505' && code !== '42P06') || attempt > 5) throw e;
      await sleep(backoffMs(attempt));
    }
  }
}

async function epoch(db: Kysely<RegistryDb>): Promise<number> {
  const row = await db.selectFrom('registry_state').select('value').where('key', '=', 'alias_epoch').executeTakeFirst();
  return Number(row?.value ?? 0);
}

function mapConnectionError(e: unknown, location: string): unknown {
  const code = (e as { code?: string })?.code ?? '';
  // Connection-level failures (refused, reset, admin shutdown, too many clients).
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P03', '53300'].includes(code) || /Connection terminated/.test((e as Error)?.message ?? '')) {
    return new ModelyardError('REGISTRY_UNAVAILABLE', `the Postgres registry at ${location} is unreachable: ${(e as Error).message}`);
  }
  return e;
}
