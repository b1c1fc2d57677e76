/**
 * Blob stores hold artifact bytes under their sha256 (content addressing: equal bytes are stored
 * once, and a blob's name is its checksum). Two stores: files on disk (the default with SQLite)
 * and a `blobs` table (the default with Postgres, so several hosts share them).
 *
 * Methods that take `tx` run inside the caller's write transaction when the blobs live in the
 * database; the file store ignores it.
 */
import type { Kysely } from 'kysely';
import type { RegistryDb } from '../stores/tables.js';

export interface BlobEntry {
  sha256: string;
  size: number;
  /** When the blob was written (file mtime or row time), ISO-8601. */
  modified_at: string | null;
  /** Where it is: a file path, or `blobs table`. */
  where: string;
}

/** A temporary file left by a write that never reached its final name. */
export interface TempEntry {
  path: string;
  size: number;
  modified_at: string;
  /** Host and process id that wrote it, read from its name. */
  host: string;
  pid: number;
}

export interface BlobStore {
  readonly kind: 'fs' | 'db';
  /** Where blobs live, for messages. */
  readonly location: string;
  /**
   * Stores `bytes` under `sha256` and returns once they are durable. Idempotent: an intact copy is
   * left alone, a damaged one is replaced. Never leaves a partial blob under its final name.
   */
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  /** The bytes, or null when absent. Not verified: callers check the sha256. */
  get(sha256: string, tx?: Kysely<RegistryDb>): Promise<Buffer | null>;
  has(sha256: string, tx?: Kysely<RegistryDb>): Promise<boolean>;
  delete(sha256: string, tx?: Kysely<RegistryDb>): Promise<void>;
  list(tx?: Kysely<RegistryDb>): Promise<BlobEntry[]>;
  /** Where the blob of `sha256` is (a file path, or a table row), for messages. */
  describe(sha256: string): string;
  /** Unfinished temporary writes (file store only). */
  temps(): Promise<TempEntry[]>;
  removeTemp(path: string): Promise<void>;
}

/** True for 64 lower-case hex digits. */
export function isSha256(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}
