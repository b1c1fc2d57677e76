/**
 * The SQLite store (the default): one database file in WAL mode, so readers never block the
 * writer, with `synchronous=FULL` (a registry write is rare and must survive power loss) and
 * foreign keys on. Writers serialise with `BEGIN IMMEDIATE`, which takes the write lock before the
 * first read, so "read the highest version, insert the next" cannot interleave between
 * processes; a writer that finds the lock taken waits `busy_timeout`, then retries with jittered
 * backoff until the retry budget is spent (REGISTRY_BUSY).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sqliteAddon } from '../../../util/sqlite-addon.js';
import { Kysely, SqliteDialect, sql } from '../kysely.js';
import { ModelyardError } from '../../../errors.js';
import { backoffMs, sleep, type LockScope, type RegistryStore } from '../../store.js';
import { migrate } from '../migrations.js';
import type { RegistryDb } from '../tables.js';

export interface SqliteStoreOptions {
  /** The database file (created with its folder when missing). */
  file: string;
  /** How long one attempt waits for the write lock (SQLite `busy_timeout`), default 5000 ms. */
  busyTimeoutMs?: number;
  /** Total time a write keeps retrying before REGISTRY_BUSY, default 60 s. */
  retryBudgetMs?: number;
}

const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED']);

function isBusy(e: unknown): boolean {
  return BUSY_CODES.has((e as { code?: string })?.code ?? '');
}

/**
 * Opens (creating and migrating when needed) a SQLite registry database.
 *
 * @example
 * ```ts
 * const store = await openSqliteStore({ file: '.modelyard/registry.db' });
 * ```
 */
export async function openSqliteStore(opts: SqliteStoreOptions): Promise<RegistryStore> {
  const file = path.resolve(opts.file);
  const busyTimeoutMs = opts.busyTimeoutMs ?? 5000;
  const retryBudgetMs = opts.retryBudgetMs ?? 60_000;
  let raw: Database.Database;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    raw = new Database(file, { ...sqliteAddon(), timeout: busyTimeoutMs });
    raw.pragma(`busy_timeout = ${busyTimeoutMs}`);
    await untilNotBusy(() => raw.pragma('journal_mode = WAL'), retryBudgetMs);
    raw.pragma('synchronous = FULL');
    raw.pragma('foreign_keys = ON');
  } catch (e) {
    throw new ModelyardError('REGISTRY_UNAVAILABLE', `cannot open the registry database ${file}: ${(e as Error).message}`, { file });
  }
  const db = new Kysely<RegistryDb>({ dialect: new SqliteDialect({ database: raw }) });

  async function inTransaction<T>(begin: 'begin immediate' | 'begin', fn: (tx: Kysely<RegistryDb>) => Promise<T>): Promise<T> {
    return db.connection().execute(async (conn) => {
      await sql.raw(begin).execute(conn);
      try {
        const out = await fn(conn);
        await sql`commit`.execute(conn);
        return out;
      } catch (e) {
        try {
          await sql`rollback`.execute(conn);
        } catch {
          // No transaction left to roll back (SQLite rolled it back itself).
        }
        throw e;
      }
    });
  }

  const store: RegistryStore = {
    dialect: 'sqlite',
    location: file,
    db,
    async write<T>(_scope: LockScope, fn: (tx: Kysely<RegistryDb>) => Promise<T>): Promise<T> {
      return untilNotBusy(() => inTransaction('begin immediate', fn), retryBudgetMs, file);
    },
    async read<T>(fn: (tx: Kysely<RegistryDb>) => Promise<T>): Promise<T> {
      return untilNotBusy(() => inTransaction('begin', fn), retryBudgetMs, file);
    },
    async aliasesChanged(tx) {
      await tx.updateTable('registry_state').set((eb) => ({ value: eb('value', '+', 1) })).where('key', '=', 'alias_epoch').execute();
    },
    async subscribe(onSignal, subOpts = {}) {
      const interval = subOpts.intervalMs ?? 500;
      let last = await epoch(db);
      let stopped = false;
      let busy = false;
      const timer = setInterval(() => {
        if (busy || stopped) return;
        busy = true;
        epoch(db)
          .then((now) => {
            if (now !== last && !stopped) {
              last = now;
              onSignal();
            }
          })
          .catch(() => undefined) // a transient lock error: the next tick retries
          .finally(() => {
            busy = false;
          });
      }, interval);
      timer.unref();
      return async () => {
        stopped = true;
        clearInterval(timer);
      };
    },
    isUniqueViolation(e) {
      const code = (e as { code?: string })?.code ?? '';
      return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
    },
    async close() {
      await db.destroy();
    },
  };
  await migrate(db, 'sqlite', (fn) => store.write('registry', fn), file);
  return store;
}

async function epoch(db: Kysely<RegistryDb>): Promise<number> {
  const row = await db.selectFrom('registry_state').select('value').where('key', '=', 'alias_epoch').executeTakeFirst();
  return Number(row?.value ?? 0);
}

/** Runs `fn`, retrying SQLITE_BUSY with jittered backoff until `budgetMs` is spent. */
async function untilNotBusy<T>(fn: () => T | Promise<T>, budgetMs: number, file?: string): Promise<T> {
  const t0 = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isBusy(e)) throw e;
      if (Date.now() - t0 > budgetMs) {
        throw new ModelyardError('REGISTRY_BUSY', `the registry ${file ?? ''} stayed locked by other writers for ${Math.round((Date.now() - t0) / 1000)} s`.replace('  ', ' '));
      }
      await sleep(backoffMs(attempt));
    }
  }
}
