/**
 * The SQL both stores share (Kysely compiles it for SQLite or Postgres), and the mapping from rows
 * to the registry's records. Every function takes the handle to run on: the store's database, or
 * a transaction.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Json } from '../learn/types.js';
import { formatRef } from './ref.js';
import { compareSemver } from './semver.js';
import type { RegistryDb, VersionsTable } from './stores/tables.js';
import type { ArtifactSummary, AuditAction, AuditRow, VersionInfo } from './types.js';

export type Db = Kysely<RegistryDb>;
export type VersionRow = Selectable<VersionsTable>;

export function getModel(db: Db, name: string) {
  return db.selectFrom('models').selectAll().where('name', '=', name).executeTakeFirst();
}

/** A few model names, for "did you mean" messages. */
export async function someModelNames(db: Db, limit = 10): Promise<string[]> {
  const rows = await db.selectFrom('models').select('name').orderBy('name').limit(limit).execute();
  return rows.map((r) => r.name);
}

/** All versions of a model, highest semver first. */
export async function versionRows(db: Db, name: string): Promise<VersionRow[]> {
  const rows = await db
    .selectFrom('versions')
    .selectAll()
    .where('name', '=', name)
    .orderBy('major', 'desc')
    .orderBy('minor', 'desc')
    .orderBy('patch', 'desc')
    .execute();
  // SQL sorted by the numeric parts; pre-release order needs semver rules.
  return rows.sort((a, b) => compareSemver(b.version, a.version));
}

export function versionRow(db: Db, name: string, version: string) {
  return db.selectFrom('versions').selectAll().where('name', '=', name).where('version', '=', version).executeTakeFirst();
}

export async function versionNames(db: Db, name: string): Promise<string[]> {
  const rows = await db.selectFrom('versions').select('version').where('name', '=', name).execute();
  return rows.map((r) => r.version);
}

/** The model's aliases as `{alias: version}`. */
export async function aliasMap(db: Db, name: string): Promise<Record<string, string>> {
  const rows = await db.selectFrom('aliases').select(['alias', 'version']).where('name', '=', name).orderBy('alias').execute();
  return Object.fromEntries(rows.map((r) => [r.alias, r.version]));
}

export async function getAlias(db: Db, name: string, alias: string): Promise<string | null> {
  const r = await db.selectFrom('aliases').select('version').where('name', '=', name).where('alias', '=', alias).executeTakeFirst();
  return r?.version ?? null;
}

export async function upsertAlias(db: Db, name: string, alias: string, version: string, actor: string, at: string): Promise<void> {
  await db
    .insertInto('aliases')
    .values({ name, alias, version, updated_at: at, updated_by: actor })
    .onConflict((oc) => oc.columns(['name', 'alias']).doUpdateSet({ version, updated_at: at, updated_by: actor }))
    .execute();
}

export interface AuditInput {
  at: string;
  actor: string;
  action: AuditAction;
  name?: string | null;
  version?: string | null;
  alias?: string | null;
  from_version?: string | null;
  reason?: string | null;
  details?: Record<string, Json | undefined>;
}

export async function insertAudit(db: Db, a: AuditInput): Promise<void> {
  await db
    .insertInto('audit')
    .values({
      at: a.at,
      actor: a.actor,
      action: a.action,
      name: a.name ?? null,
      version: a.version ?? null,
      alias: a.alias ?? null,
      from_version: a.from_version ?? null,
      reason: a.reason ?? null,
      details: JSON.stringify(a.details ?? {}),
    })
    .execute();
}

export async function auditRows(db: Db, f: { name?: string; alias?: string; actions?: string[]; afterId?: number; limit?: number; oldestFirst?: boolean; contains?: string }): Promise<AuditRow[]> {
  let q = db.selectFrom('audit').selectAll();
  if (f.name !== undefined) q = q.where('name', '=', f.name);
  if (f.alias !== undefined) q = q.where('alias', '=', f.alias);
  if (f.actions) q = q.where('action', 'in', f.actions);
  if (f.afterId !== undefined) q = q.where('id', '>', f.afterId);
  if (f.contains !== undefined) q = q.where('details', 'like', `%${f.contains}%`);
  q = q.orderBy('id', f.oldestFirst ? 'asc' : 'desc');
  if (f.limit !== undefined) q = q.limit(f.limit);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    actor: r.actor,
    action: r.action as AuditAction,
    name: r.name,
    version: r.version,
    alias: r.alias,
    from_version: r.from_version,
    reason: r.reason,
    details: JSON.parse(r.details) as Record<string, Json>,
  }));
}

/** Id of the audit row that last deleted model `name` (history before it belongs to a former model of that name). */
export async function lastModelDeleteId(db: Db, name: string): Promise<number> {
  const r = await db
    .selectFrom('audit')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('name', '=', name)
    .where('action', '=', 'model.delete')
    .executeTakeFirst();
  return Number(r?.id ?? 0);
}

/** sha256s referenced by any version (or by the given ones only). */
export async function referencedShas(db: Db, among?: string[]): Promise<Set<string>> {
  let q = db.selectFrom('versions').select('sha256').distinct();
  if (among) {
    if (among.length === 0) return new Set();
    q = q.where('sha256', 'in', among);
  }
  return new Set((await q.execute()).map((r) => r.sha256));
}

export function parseSummary(row: VersionRow): ArtifactSummary {
  return JSON.parse(row.summary) as ArtifactSummary;
}

/** A version row as the registry shows it; `aliases` lists the aliases pointing at it. */
export function toVersionInfo(row: VersionRow, aliases: Record<string, string>, summary: ArtifactSummary = parseSummary(row)): VersionInfo {
  const info: VersionInfo = {
    name: row.name,
    version: row.version,
    ref: formatRef({ name: row.name, version: row.version }),
    sha256: row.sha256,
    size: Number(row.size),
    created_at: row.created_at,
    created_by: row.created_by,
    trained_at: summary.trained_at,
    changelog: row.changelog,
    tags: JSON.parse(row.tags) as Record<string, string>,
    task: summary.task,
    learner: summary.learner,
    metrics: summary.metrics,
    aliases: Object.keys(aliases)
      .filter((a) => aliases[a] === row.version)
      .sort(),
  };
  if (summary.segment_by !== undefined) {
    info.segment_by = summary.segment_by;
    info.segments = summary.segments ?? [];
  }
  return info;
}
