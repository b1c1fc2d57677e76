/**
 * The registry's tables, as Kysely sees them. The logical schema is the same on SQLite and
 * Postgres (see migrations.ts): times are ISO-8601 UTC text (they sort as text), JSON is text, and
 * only the byte column's SQL type differs (BLOB / BYTEA).
 */
import type { Generated } from 'kysely';

export interface ModelsTable {
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface VersionsTable {
  name: string;
  version: string;
  /** Semver parts, so versions sort by precedence in SQL. */
  major: number;
  minor: number;
  patch: number;
  prerelease: string;
  sha256: string;
  size: number;
  changelog: string | null;
  /** JSON object of string tags. */
  tags: string;
  /** JSON {@link ArtifactSummary} extracted from the artifact header at registration. */
  summary: string;
  created_at: string;
  created_by: string;
}

export interface AliasesTable {
  name: string;
  alias: string;
  version: string;
  updated_at: string;
  updated_by: string;
}

export interface AuditTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  name: string | null;
  version: string | null;
  alias: string | null;
  from_version: string | null;
  reason: string | null;
  /** JSON object. */
  details: string;
}

export interface BlobsTable {
  sha256: string;
  size: number;
  data: Uint8Array;
  created_at: string;
}

/** Small counters; `alias_epoch` grows on every alias change so watchers can poll one row. */
export interface StateTable {
  key: string;
  value: number;
}

export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface RegistryDb {
  models: ModelsTable;
  versions: VersionsTable;
  aliases: AliasesTable;
  audit: AuditTable;
  blobs: BlobsTable;
  registry_state: StateTable;
  modelyard_migrations: MigrationsTable;
}
