/**
 * The store interface: what the registry service needs from a database. Both stores speak Kysely
 * to the same logical schema (stores/migrations.ts), so the SQL itself is shared (queries.ts); a
 * store supplies what differs between SQLite and Postgres: opening and migrating, write locking
 * and retries, the "aliases changed" signal, and how errors are classified.
 */
import type { Kysely } from 'kysely';
import type { RegistryDb } from './stores/tables.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * What a write transaction locks. `{ model }`: writers of other models proceed (Postgres; SQLite
 * has one writer at a time anyway). `'registry'`: every other writer waits (garbage collection,
 * deletes, migrations).
 */
export type LockScope = { model: string } | 'registry';

export interface RegistryStore {
  readonly dialect: Dialect;
  /** Where the store lives, safe to print (no password). */
  readonly location: string;
  /** The database, for single statements outside transactions. */
  readonly db: Kysely<RegistryDb>;
  /**
   * Runs `fn` in one write transaction holding the lock for `scope`, committing when it returns.
   * Lock waits and transient conflicts are retried for a bounded time, then REGISTRY_BUSY. Every
   * statement inside must go through `tx` (SQLite has a single connection).
   */
  write<T>(scope: LockScope, fn: (tx: Kysely<RegistryDb>) => Promise<T>): Promise<T>;
  /** Runs `fn` in a read transaction (one consistent snapshot). */
  read<T>(fn: (tx: Kysely<RegistryDb>) => Promise<T>): Promise<T>;
  /** Inside a write transaction that moved aliases: bumps the change counter and, on Postgres, NOTIFYs at commit. */
  aliasesChanged(tx: Kysely<RegistryDb>): Promise<void>;
  /**
   * Calls `onSignal` (soon) after another writer changed aliases: Postgres LISTEN/NOTIFY plus a
   * slow poll as a safety net; SQLite polls the change counter every `intervalMs`. Resolves to a
   * function that stops watching.
   */
  subscribe(onSignal: () => void, opts?: { intervalMs?: number }): Promise<() => Promise<void>>;
  /** True for a unique/primary-key violation (another writer inserted the same row). */
  isUniqueViolation(e: unknown): boolean;
  close(): Promise<void>;
}

/** Thrown from inside a write transaction to make {@link RegistryStore.write}'s caller redo its work. */
export class RetryWrite extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryWrite';
  }
}

/** Sleeps `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and Jitter", 2015). */
export function backoffMs(attempt: number, baseMs = 5, capMs = 250): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}
