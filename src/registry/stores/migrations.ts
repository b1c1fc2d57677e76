/**
 * Versioned schema migrations, applied automatically when a store opens. Both dialects run the
 * same list through Kysely's schema builder, so the logical schema is identical; the only
 * dialect-specific choices are passed in {@link MigrationContext} (the byte type, the identity
 * column). Applied migrations are rows of `modelyard_migrations`; a runner takes the store's
 * registry-wide write lock, so processes opening a new registry at once apply each migration once.
 *
 * Rules for adding a migration: append to {@link MIGRATIONS} with the next version, never edit
 * an applied one, keep it runnable on both dialects (the registry tests run on both).
 */
import type { Kysely } from 'kysely';
import { ModelyardError } from '../../errors.js';
import type { RegistryDb } from './tables.js';

export interface MigrationContext {
  // Migrations see the database as it was, not as tables.ts describes it today.
  db: Kysely<any>;
  dialect: 'sqlite' | 'postgres';
}

export interface Migration {
  version: number;
  name: string;
  up(ctx: MigrationContext): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'models, versions, aliases, audit, blobs, state',
    async up({ db, dialect }) {
      await db.schema
        .createTable('models')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('description', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('versions')
        .addColumn('name', 'text', (c) => c.notNull().references('models.name'))
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('major', 'integer', (c) => c.notNull())
        .addColumn('minor', 'integer', (c) => c.notNull())
        .addColumn('patch', 'integer', (c) => c.notNull())
        .addColumn('prerelease', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('changelog', 'text')
        .addColumn('tags', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('versions_pk', ['name', 'version'])
        .execute();
      await db.schema.createIndex('versions_by_precedence').on('versions').columns(['name', 'major', 'minor', 'patch']).execute();
      await db.schema.createIndex('versions_by_sha256').on('versions').column('sha256').execute();
      await db.schema
        .createTable('aliases')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('aliases_pk', ['name', 'alias'])
        // An alias always points at a live version: deletes move or remove aliases first.
        .addForeignKeyConstraint('aliases_version_fk', ['name', 'version'], 'versions', ['name', 'version'])
        .execute();
      await db.schema.createIndex('aliases_by_version').on('aliases').columns(['name', 'version']).execute();
      await db.schema
        .createTable('audit')
        .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
        )
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('version', 'text')
        .addColumn('alias', 'text')
        .addColumn('from_version', 'text')
        .addColumn('reason', 'text')
        .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      await db.schema.createIndex('audit_by_name').on('audit').columns(['name', 'id']).execute();
      await db.schema
        .createTable('blobs')
        .addColumn('sha256', 'text', (c) => c.primaryKey())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('data', dialect === 'sqlite' ? 'blob' : 'bytea', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('registry_state')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .execute();
      await db.insertInto('registry_state').values({ key: 'alias_epoch', value: 0 }).execute();
    },
  },
];

/** The schema version this modelyard writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Highest applied migration, or 0 for an empty database (no migrations table yet). */
export async function appliedVersion(db: Kysely<RegistryDb>): Promise<number> {
  try {
    const row = await db.selectFrom('modelyard_migrations').select((eb) => eb.fn.max('version').as('v')).executeTakeFirst();
    return Number(row?.v ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Brings the database to {@link SCHEMA_VERSION}. `locked` runs a function in a transaction that
 * holds the registry-wide write lock (each store supplies its own). `known`: the applied version
 * when the store has already read it (the Postgres store reads it with its first query, one round
 * trip fewer on every open).
 */
export async function migrate(
  db: Kysely<RegistryDb>,
  dialect: 'sqlite' | 'postgres',
  locked: <T>(fn: (tx: Kysely<RegistryDb>) => Promise<T>) => Promise<T>,
  location: string,
  known?: number,
): Promise<void> {
  const have = known ?? (await appliedVersion(db));
  if (have === SCHEMA_VERSION) return;
  tooNew(have, location);
  await locked(async (tx) => {
    await tx.schema
      .createTable('modelyard_migrations')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();
    // Re-read under the lock: another process may have migrated while we waited.
    const rows = await tx.selectFrom('modelyard_migrations').select('version').execute();
    const applied = new Set(rows.map((r) => Number(r.version)));
    tooNew(Math.max(0, ...applied), location);
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await m.up({ db: tx, dialect });
      await tx.insertInto('modelyard_migrations').values({ version: m.version, name: m.name, applied_at: new Date().toISOString() }).execute();
    }
  });
}

function tooNew(have: number, location: string): void {
  if (have > SCHEMA_VERSION) {
    throw new ModelyardError(
      'REGISTRY_VERSION',
      `the registry at ${location} has schema version ${have}; this modelyard knows up to ${SCHEMA_VERSION}: upgrade modelyard`,
    );
  }
}
