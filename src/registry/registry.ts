/**
 * The model registry service: names → versions (semver) → aliases, over a store (SQLite or
 * Postgres) and a content-addressed blob store. The CLI (`modelyard models …`) and the HTTP server
 * are thin adapters over it.
 *
 * Crash safety: a register writes the artifact blob first (atomically: temp file + fsync + rename,
 * or its own committed row), then records the version, the `latest` move and the audit row in one
 * transaction. A process killed at any point leaves either no trace, or an unreferenced blob that
 * `verify` explains and `verify --fix` removes — never a version without its bytes.
 *
 * Concurrency: the transaction holds a write lock for the model (SQLite `BEGIN IMMEDIATE`,
 * Postgres advisory locks) while it picks the next version, and the (name, version) primary key
 * backs it up, so concurrent trainers get distinct versions.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { decodeContainer, sha256Hex } from '../artifact/container.js';
import { ModelyardError } from '../errors.js';
import type { Json } from '../learn/types.js';
import type { BlobStore } from './blobs/blob-store.js';
import { DbBlobStore } from './blobs/db-blob-store.js';
import { FsBlobStore } from './blobs/fs-blob-store.js';
import { aliasNotFound, checkAlias, checkName, checkTags, requireModel, versionExists, versionNotFound } from './checks.js';
import { diffSummaries } from './diff.js';
import { faultPoint } from './fault.js';
import { resolveLocation, type LocationOptions, type RegistryLocation } from './location.js';
import {
  aliasMap,
  auditRows,
  getAlias,
  getModel,
  insertAudit,
  lastModelDeleteId,
  parseSummary,
  referencedShas,
  toVersionInfo,
  upsertAlias,
  versionNames,
  versionRow,
  versionRows,
  type Db,
  type VersionRow,
} from './queries.js';
import { isValidName, parseRef, type ModelRef } from './ref.js';
import { rollbackTarget } from './rollback.js';
import { nextPatch, parseSemver } from './semver.js';
import { RetryWrite, type RegistryStore } from './store.js';
import { summariseArtifact } from './summary.js';
import type { AliasChange, AuditAction, AuditRow, DiffReport, ModelDetails, ModelSummary, VerifyReport, VersionInfo, Who } from './types.js';
import { verifyRegistry } from './verify.js';

export interface RegisterInput extends Who {
  name: string;
  /** Artifact container bytes (`modelToBytes`), verified before anything is stored. */
  bytes: Uint8Array;
  /** Semver; default: the patch after the highest existing version (1.0.0 for a new model). */
  version?: string;
  /** The model's description (kept until changed). */
  description?: string;
  /** What changed in this version (default: the artifact's `metadata.changelog`). */
  changelog?: string;
  tags?: Record<string, string>;
  /** Aliases to point at the new version besides `latest` (e.g. `challenger`). */
  aliases?: string[];
  /** Where the bytes came from, for messages (a file path). */
  source?: string;
}

export interface AliasMove {
  name: string;
  alias: string;
  version: string | null;
  previous: string | null;
  /** False when the alias already pointed there (nothing was written). */
  moved: boolean;
}

export interface OpenRegistryOptions extends LocationOptions {
  /** How long one attempt waits for a write lock (SQLite `busy_timeout`, Postgres `lock_timeout`); default 5 s / 10 s. */
  lockTimeoutMs?: number;
  /** How long a write keeps retrying a locked registry before REGISTRY_BUSY. */
  retryBudgetMs?: number;
}

const RETRIES = 8;

/**
 * Opens the registry at `opts.url`, or as {@link resolveLocation} decides (MODELYARD_REGISTRY,
 * DATABASE_URL when it is a Postgres URL, MODELYARD_HOME, `./.modelyard`), creating and migrating
 * it when needed.
 *
 * @example
 * ```ts
 * const registry = await openRegistry({ url: 'postgres://ml@db/registry' });
 * const v = await registry.register({ name: 'credit', bytes: modelToBytes(model), changelog: 'more data' });
 * await registry.promote(v.ref, 'champion', { reason: 'beats 1.0.3 on holdout AUC' });
 * const { bytes, info } = await registry.load('credit@champion');
 * await registry.close();
 * ```
 */
export async function openRegistry(opts: OpenRegistryOptions = {}): Promise<Registry> {
  const loc = resolveLocation(opts);
  // Each store loads its driver only when used (pg is not needed for a SQLite registry, nor
  // better-sqlite3 for Postgres), which keeps CLI start-up short.
  let store: RegistryStore;
  if (loc.dialect === 'sqlite') {
    store = await (await import('./stores/sqlite/sqlite-store.js')).openSqliteStore({ file: loc.file!, busyTimeoutMs: opts.lockTimeoutMs, retryBudgetMs: opts.retryBudgetMs });
  } else {
    // Connect first (pg only), then load the store and Kysely while the server answers.
    const pgOpts = { url: loc.url!, schema: loc.schema, lockTimeoutMs: opts.lockTimeoutMs, retryBudgetMs: opts.retryBudgetMs };
    const started = (await import('./stores/postgres/pg-pool.js')).startPostgresPool(pgOpts);
    store = await (await import('./stores/postgres/postgres-store.js')).openPostgresStore(pgOpts, started);
  }
  const blobs: BlobStore = loc.blobs === 'fs' ? new FsBlobStore(loc.blobDir!) : new DbBlobStore(store);
  return new Registry(store, blobs, loc, opts.env ?? process.env);
}

/** The registry service. Create it with {@link openRegistry}. */
export class Registry {
  private readonly watchers = new Set<() => Promise<void>>();

  constructor(
    readonly store: RegistryStore,
    readonly blobs: BlobStore,
    readonly location: RegistryLocation,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Where this registry lives (for banners and `--json` outputs). */
  describe(): { dialect: string; location: string; blobs: string; source: string } {
    return { dialect: this.store.dialect, location: this.store.location, blobs: `${this.blobs.kind}: ${this.blobs.location}`, source: this.location.source };
  }

  /**
   * Registers artifact bytes as a new version of `name` and moves `latest` to it.
   * An explicit version that exists already raises VERSION_EXISTS; damaged bytes ARTIFACT_CORRUPT.
   */
  async register(input: RegisterInput): Promise<VersionInfo> {
    const name = checkName(input.name);
    if (input.version !== undefined) parseSemver(input.version);
    const extraAliases = [...new Set(input.aliases ?? [])];
    for (const a of extraAliases) checkAlias(a, '--alias');
    const tags = checkTags(input.tags ?? {});
    const label = input.source ?? `artifact for ${name}`;
    const { sha256, summary } = summariseArtifact(input.bytes, label);
    const actor = this.actor(input.actor);
    await faultPoint('register:before-blob');
    for (let attempt = 0; ; attempt++) {
      await this.blobs.put(sha256, input.bytes);
      await faultPoint('register:after-blob');
      try {
        const info = await this.store.write({ model: name }, async (tx) => {
          // The blob must still be there now that we hold the lock (a concurrent gc may have removed it).
          if (!(await this.blobs.has(sha256, tx))) throw new RetryWrite(`blob ${sha256} vanished before the version was recorded`);
          const now = new Date().toISOString();
          const model = await getModel(tx, name);
          const description = input.description ?? (model ? undefined : (summary.description ?? undefined));
          if (!model) {
            await tx.insertInto('models').values({ name, description: description ?? null, created_at: now, updated_at: now }).execute();
          } else {
            await tx
              .updateTable('models')
              .set(description !== undefined ? { updated_at: now, description } : { updated_at: now })
              .where('name', '=', name)
              .execute();
          }
          const existing = await versionNames(tx, name);
          let version: string;
          if (input.version !== undefined) {
            if (existing.includes(input.version)) {
              const row = await versionRow(tx, name, input.version);
              throw versionExists(name, input.version, row!.sha256, sha256, nextPatch(existing));
            }
            version = input.version;
          } else {
            version = nextPatch(existing);
          }
          const sv = parseSemver(version);
          await tx
            .insertInto('versions')
            .values({
              name,
              version,
              major: sv.major,
              minor: sv.minor,
              patch: sv.patch,
              prerelease: sv.prerelease,
              sha256,
              size: input.bytes.byteLength,
              changelog: input.changelog ?? summary.changelog,
              tags: JSON.stringify(tags),
              summary: JSON.stringify(summary),
              created_at: now,
              created_by: actor,
            })
            .execute();
          const latestFrom = await getAlias(tx, name, 'latest');
          await upsertAlias(tx, name, 'latest', version, actor, now);
          await insertAudit(tx, {
            at: now,
            actor,
            action: 'register',
            name,
            version,
            alias: 'latest',
            from_version: latestFrom,
            reason: input.reason,
            details: { sha256, size: input.bytes.byteLength, source: input.source, aliases: ['latest', ...extraAliases], host: os.hostname(), pid: process.pid },
          });
          for (const alias of extraAliases) {
            const from = await getAlias(tx, name, alias);
            await upsertAlias(tx, name, alias, version, actor, now);
            await insertAudit(tx, { at: now, actor, action: 'alias.set', name, version, alias, from_version: from, reason: input.reason, details: { via: 'register' } });
          }
          await this.store.aliasesChanged(tx);
          await faultPoint('register:in-transaction');
          const row = (await versionRow(tx, name, version))!;
          return toVersionInfo(row, await aliasMap(tx, name), summary);
        });
        await faultPoint('register:after-commit');
        return info;
      } catch (e) {
        if (attempt < RETRIES && e instanceof RetryWrite) continue;
        if (this.store.isUniqueViolation(e)) {
          // Another writer took the version (only possible if the lock was bypassed): pick again.
          if (input.version === undefined && attempt < RETRIES) continue;
          throw new ModelyardError('VERSION_EXISTS', `${name}@${input.version} already exists: versions are immutable`, { flag: '--version' });
        }
        throw e;
      }
    }
  }

  /** Resolves `name`, `name@1.2.3` or `name@alias` to a version; MODEL_NOT_FOUND names what is missing. */
  async resolve(ref: string): Promise<VersionInfo> {
    const r = parseRef(ref);
    return this.store.read(async (tx) => {
      const row = await this.resolveRow(tx, r);
      return toVersionInfo(row, await aliasMap(tx, r.name));
    });
  }

  /**
   * Resolves `ref` and returns its artifact bytes after checking them against the registered
   * sha256: ARTIFACT_CORRUPT when they differ, ARTIFACT_MISSING when the blob is gone.
   */
  async load(ref: string): Promise<{ info: VersionInfo; bytes: Buffer }> {
    const info = await this.resolve(ref);
    const bytes = await this.blobs.get(info.sha256);
    if (!bytes) {
      throw new ModelyardError('ARTIFACT_MISSING', `${info.ref}: its artifact blob ${this.blobs.describe(info.sha256)} is missing (run \`modelyard models verify\`)`);
    }
    const actual = sha256Hex(bytes);
    if (actual !== info.sha256) {
      throw new ModelyardError(
        'ARTIFACT_CORRUPT',
        `${info.ref}: artifact blob ${this.blobs.describe(info.sha256)} fails its sha256 check (registered ${info.sha256}, content hashes to ${actual})`,
        { file: this.blobs.describe(info.sha256) },
      );
    }
    return { info, bytes };
  }

  /** Every model with its version count, latest version and aliases, sorted by name. */
  async list(): Promise<ModelSummary[]> {
    return this.store.read(async (tx) => {
      const models = await tx
        .selectFrom('models as m')
        .leftJoin('versions as v', 'v.name', 'm.name')
        .select((eb) => ['m.name', 'm.description', 'm.created_at', 'm.updated_at', eb.fn.count<number>('v.version').as('n')])
        .groupBy(['m.name', 'm.description', 'm.created_at', 'm.updated_at'])
        .orderBy('m.name')
        .execute();
      // Every alias, with the summary of the version `latest` names (one query, not two: on
      // Postgres each is a round trip of a `models list` process).
      const aliases = await tx
        .selectFrom('aliases as a')
        .leftJoin('versions as v', (j) => j.onRef('v.name', '=', 'a.name').onRef('v.version', '=', 'a.version').on('a.alias', '=', 'latest'))
        .select(['a.name', 'a.alias', 'a.version', 'v.summary'])
        .orderBy('a.alias')
        .execute();
      const byModel = new Map<string, Record<string, string>>();
      const latestSummary = new Map<string, ReturnType<typeof parseSummary>>();
      for (const a of aliases) {
        let m = byModel.get(a.name);
        if (!m) byModel.set(a.name, (m = {}));
        m[a.alias] = a.version;
        if (a.alias === 'latest' && a.summary !== null) latestSummary.set(a.name, JSON.parse(a.summary) as ReturnType<typeof parseSummary>);
      }
      return models.map((m): ModelSummary => {
        const al = byModel.get(m.name) ?? {};
        const s = latestSummary.get(m.name);
        return {
          name: m.name,
          description: m.description,
          versions: Number(m.n),
          latest: al.latest ?? null,
          aliases: al,
          task: s?.task ?? null,
          learner: s?.learner ?? null,
          metrics: s?.metrics ?? {},
          created_at: m.created_at,
          updated_at: m.updated_at,
        };
      });
    });
  }

  /**
   * A model with every version (newest first) and aliases, plus the schema, params, metrics and
   * lineage of the version `ref` selects (`latest` for a bare name).
   */
  async show(ref: string): Promise<ModelDetails> {
    const r = parseRef(ref);
    return this.store.read(async (tx) => {
      const selected = await this.resolveRow(tx, r);
      const model = (await getModel(tx, r.name))!;
      const aliases = await aliasMap(tx, r.name);
      const rows = await versionRows(tx, r.name);
      const s = parseSummary(selected);
      const details: ModelDetails = {
        name: model.name,
        description: model.description,
        created_at: model.created_at,
        updated_at: model.updated_at,
        versions: rows.map((row) => toVersionInfo(row, aliases)),
        aliases,
        selected: selected.version,
        task: s.task,
        target: s.target,
        learner: s.learner,
        params: s.params,
        metrics: s.metrics,
        tags: JSON.parse(selected.tags) as Record<string, string>,
        changelog: selected.changelog,
        schema: { features: s.features },
        lineage: {
          data: s.data,
          recipe: s.recipe,
          git_commit: s.git_commit,
          package_version: s.package_version,
          trained_at: s.trained_at,
          registered_at: selected.created_at,
          registered_by: selected.created_by,
          sha256: selected.sha256,
        },
      };
      if (s.classes) details.classes = s.classes;
      if (s.segment_by !== undefined) {
        details.schema.segment_by = s.segment_by;
        if (s.fallback !== undefined) details.schema.fallback = s.fallback;
        details.segments = s.segments ?? [];
      }
      return details;
    });
  }

  /** Points `alias` of `name` at `version` (an audit row records from where, who and why). `latest` is managed by register. */
  async setAlias(name: string, alias: string, version: string, who: Who = {}): Promise<AliasMove> {
    checkName(name);
    checkAlias(alias, 'alias');
    parseSemver(version, 'version');
    return this.store.write({ model: name }, (tx) => this.moveAlias(tx, name, alias, version, 'alias.set', who));
  }

  /** Removes an alias (MODEL_NOT_FOUND when it does not exist). */
  async removeAlias(name: string, alias: string, who: Who = {}): Promise<AliasMove> {
    checkName(name);
    checkAlias(alias, 'alias');
    return this.store.write({ model: name }, async (tx) => {
      await requireModel(tx, this.store.location, name);
      const from = await getAlias(tx, name, alias);
      if (from === null) throw await aliasNotFound(tx, name, alias);
      await tx.deleteFrom('aliases').where('name', '=', name).where('alias', '=', alias).execute();
      await insertAudit(tx, { at: new Date().toISOString(), actor: this.actor(who.actor), action: 'alias.remove', name, alias, from_version: from, reason: who.reason });
      await this.store.aliasesChanged(tx);
      return { name, alias, version: null, previous: from, moved: true };
    });
  }

  /** Points `to` (default `champion`) at the version `ref` resolves to, recorded as a promotion. */
  async promote(ref: string, to = 'champion', who: Who = {}): Promise<AliasMove> {
    const r = parseRef(ref);
    checkAlias(to, '--to');
    return this.store.write({ model: r.name }, async (tx) => {
      const row = await this.resolveRow(tx, r);
      return this.moveAlias(tx, r.name, to, row.version, 'promote', who);
    });
  }

  /**
   * Moves `alias` (default `champion`) back to the version it pointed at before its last move —
   * from the alias's history in the audit log, not the previous semver; repeated rollbacks walk
   * further back. NO_ROLLBACK_TARGET when there is no earlier version still registered.
   */
  async rollback(name: string, alias = 'champion', who: Who = {}): Promise<AliasMove> {
    checkName(name);
    checkAlias(alias, '--alias');
    return this.store.write({ model: name }, async (tx) => {
      await requireModel(tx, this.store.location, name);
      const current = await getAlias(tx, name, alias);
      if (current === null) throw await aliasNotFound(tx, name, alias);
      const since = await lastModelDeleteId(tx, name);
      const events = await auditRows(tx, { name, alias, actions: ['alias.set', 'promote', 'alias.remove', 'rollback'], afterId: since, oldestFirst: true });
      const live = new Set(await versionNames(tx, name));
      const target = rollbackTarget(
        events.map((e) => ({ action: e.action, version: e.action === 'alias.remove' ? null : e.version })),
        current,
        (v) => live.has(v),
      );
      if (target === null) {
        throw new ModelyardError('NO_ROLLBACK_TARGET', `${name}@${alias} points at ${current} and has no earlier version (still registered) to roll back to`);
      }
      return this.moveAlias(tx, name, alias, target, 'rollback', who);
    });
  }

  /**
   * Deletes one version (`name@1.2.3`). `latest` moves to the most recently registered remaining
   * version; any other alias pointing at it makes this ALIAS_IN_USE unless `force` (then those
   * aliases are removed, each with an audit row). The blob goes when no version references it.
   */
  async deleteVersion(ref: string, who: Who & { force?: boolean } = {}): Promise<{ deleted: string; aliases_removed: string[]; latest: string | null }> {
    const r = parseRef(ref);
    if (!r.version) {
      throw new ModelyardError('USAGE', `delete needs an exact version such as ${r.name}@1.0.0 (got "${ref}"); to delete the whole model use deleteModel / --all-versions`);
    }
    const actor = this.actor(who.actor);
    const out = await this.store.write('registry', async (tx) => {
      const row = await this.resolveRow(tx, r);
      const aliases = await aliasMap(tx, r.name);
      const pointing = Object.keys(aliases).filter((a) => aliases[a] === row.version && a !== 'latest');
      if (pointing.length > 0 && !who.force) {
        throw new ModelyardError('ALIAS_IN_USE', `${row.name}@${row.version} is ${pointing.join(', ')}: move ${pointing.length > 1 ? 'those aliases' : 'that alias'} first, or pass --force to remove ${pointing.length > 1 ? 'them' : 'it'}`, {
          flag: '--force',
        });
      }
      const now = new Date().toISOString();
      for (const a of pointing) {
        await tx.deleteFrom('aliases').where('name', '=', r.name).where('alias', '=', a).execute();
        await insertAudit(tx, { at: now, actor, action: 'alias.remove', name: r.name, alias: a, from_version: row.version, reason: who.reason, details: { via: 'version.delete' } });
      }
      let latest: string | null = aliases.latest ?? null;
      if (latest === row.version) {
        await tx.deleteFrom('aliases').where('name', '=', r.name).where('alias', '=', 'latest').execute();
        const next = await tx
          .selectFrom('versions')
          .select('version')
          .where('name', '=', r.name)
          .where('version', '!=', row.version)
          .orderBy('created_at', 'desc')
          .orderBy('major', 'desc')
          .orderBy('minor', 'desc')
          .orderBy('patch', 'desc')
          .limit(1)
          .executeTakeFirst();
        latest = next?.version ?? null;
        if (latest) await upsertAlias(tx, r.name, 'latest', latest, actor, now);
      }
      await tx.deleteFrom('versions').where('name', '=', r.name).where('version', '=', row.version).execute();
      await tx.updateTable('models').set({ updated_at: now }).where('name', '=', r.name).execute();
      await insertAudit(tx, {
        at: now,
        actor,
        action: 'version.delete',
        name: r.name,
        version: row.version,
        reason: who.reason,
        details: { sha256: row.sha256, aliases_removed: pointing, latest },
      });
      await this.store.aliasesChanged(tx);
      return { deleted: `${r.name}@${row.version}`, aliases_removed: pointing, latest, sha256: row.sha256 };
    });
    await this.collect([out.sha256]);
    return { deleted: out.deleted, aliases_removed: out.aliases_removed, latest: out.latest };
  }

  /** Deletes a model with all its versions and aliases (ALIAS_IN_USE when aliases besides latest exist, unless `force`). */
  async deleteModel(name: string, who: Who & { force?: boolean } = {}): Promise<{ deleted: string; versions: string[] }> {
    checkName(name);
    const actor = this.actor(who.actor);
    const out = await this.store.write('registry', async (tx) => {
      await requireModel(tx, this.store.location, name);
      const aliases = await aliasMap(tx, name);
      const others = Object.keys(aliases).filter((a) => a !== 'latest');
      if (others.length > 0 && !who.force) {
        throw new ModelyardError('ALIAS_IN_USE', `model ${name} has aliases ${others.map((a) => `${a} → ${aliases[a]}`).join(', ')}: remove them first, or pass --force`, { flag: '--force' });
      }
      const rows = await versionRows(tx, name);
      await tx.deleteFrom('aliases').where('name', '=', name).execute();
      await tx.deleteFrom('versions').where('name', '=', name).execute();
      await tx.deleteFrom('models').where('name', '=', name).execute();
      await insertAudit(tx, {
        at: new Date().toISOString(),
        actor,
        action: 'model.delete',
        name,
        reason: who.reason,
        details: { versions: rows.map((r) => r.version), sha256s: [...new Set(rows.map((r) => r.sha256))], aliases },
      });
      await this.store.aliasesChanged(tx);
      return { versions: rows.map((r) => r.version), shas: [...new Set(rows.map((r) => r.sha256))] };
    });
    await this.collect(out.shas);
    return { deleted: name, versions: out.versions };
  }

  /**
   * Checks every blob's sha256, that every version's blob exists and every alias points at a live
   * version, and lists orphans with why they exist; `fix` removes orphans. With `ref`: only that
   * version (`name@…`) or model (bare name).
   */
  async verify(ref?: string, opts: Who & { fix?: boolean } = {}): Promise<VerifyReport> {
    let scope = {};
    if (ref !== undefined) {
      const r = parseRef(ref);
      if (ref.includes('@')) {
        const v = await this.resolve(ref);
        scope = { name: r.name, versions: [v.version] };
      } else {
        await this.store.read((tx) => requireModel(tx, this.store.location, r.name));
        scope = { name: r.name };
      }
    }
    return verifyRegistry(this.store, this.blobs, scope, { fix: opts.fix, actor: this.actor(opts.actor), reason: opts.reason });
  }

  /** Writes the verified artifact bytes of `ref` to `file` (atomically; the file loads anywhere, e.g. `predict file.myd`). */
  async exportTo(ref: string, file: string): Promise<VersionInfo> {
    const { info, bytes } = await this.load(ref);
    const dest = path.resolve(file);
    const tmp = `${dest}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.mkdir(path.dirname(dest), { recursive: true });
      const fh = await fs.open(tmp, 'wx');
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.rename(tmp, dest);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw new ModelyardError('FILE_NOT_FOUND', `cannot write ${file}: ${(e as Error).message}`, { file });
    }
    return info;
  }

  /**
   * Registers an artifact file. The name comes from `opts.name`, else the artifact's
   * `metadata.name`, else the file name (`credit.myd` → credit; `credit@1.2.0.myd` → credit, version 1.2.0).
   */
  async importFrom(file: string, opts: Omit<RegisterInput, 'bytes' | 'name'> & { name?: string } = {}): Promise<VersionInfo> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch (e) {
      throw new ModelyardError('FILE_NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { file });
    }
    let name = opts.name;
    let version = opts.version;
    if (name === undefined) {
      const meta = decodeContainer(bytes, file).header.metadata as Record<string, Json> | undefined;
      if (meta && typeof meta.name === 'string' && isValidName(meta.name)) {
        name = meta.name;
      } else {
        const stem = path.basename(file).replace(/\.[A-Za-z0-9]+$/, '');
        let fromFile: ModelRef | null = null;
        try {
          fromFile = parseRef(stem);
        } catch {
          fromFile = null;
        }
        if (!fromFile) {
          throw new ModelyardError('USAGE', `cannot tell the model name from the file name ${path.basename(file)}: pass --name`, { flag: '--name', file });
        }
        name = fromFile.name;
        if (version === undefined && fromFile.version) version = fromFile.version;
      }
    }
    return this.register({ ...opts, name, version, bytes, source: opts.source ?? file });
  }

  /** Metric, schema and parameter differences between two versions. */
  async diff(a: string, b: string): Promise<DiffReport> {
    const ra = parseRef(a);
    const rb = parseRef(b);
    return this.store.read(async (tx) => {
      const va = await this.resolveRow(tx, ra);
      const vb = await this.resolveRow(tx, rb);
      return diffSummaries(
        { ref: `${va.name}@${va.version}`, sha256: va.sha256, summary: parseSummary(va) },
        { ref: `${vb.name}@${vb.version}`, sha256: vb.sha256, summary: parseSummary(vb) },
      );
    });
  }

  /**
   * Appends an audit row for a decision taken outside the registry: champion/challenger
   * recommendations, approvals and refusals, retrains (src/monitor). `details` holds the evidence
   * (metrics, test, p-value).
   */
  async recordDecision(entry: Who & { action: AuditAction; name: string; version?: string | null; alias?: string | null; details?: Record<string, Json> }): Promise<void> {
    checkName(entry.name);
    await this.store.write({ model: entry.name }, async (tx) => {
      await requireModel(tx, this.store.location, entry.name);
      await insertAudit(tx, {
        at: new Date().toISOString(),
        actor: this.actor(entry.actor),
        action: entry.action,
        name: entry.name,
        version: entry.version ?? null,
        alias: entry.alias ?? null,
        reason: entry.reason,
        details: entry.details,
      });
    });
  }

  /** Audit rows, newest first (default 100). */
  async audit(opts: { name?: string; limit?: number; action?: AuditAction } = {}): Promise<AuditRow[]> {
    return auditRows(this.store.db, { name: opts.name, limit: opts.limit ?? 100, actions: opts.action ? [opts.action] : undefined });
  }

  /**
   * Calls `cb` with the aliases that changed (moved, created, removed) whenever a writer — this
   * process or another — changes them: Postgres LISTEN/NOTIFY, SQLite polling (`intervalMs`,
   * default 500). Resolves to a function that stops watching. Built for the server's hot swap.
   *
   * @example
   * ```ts
   * const stop = await registry.watch((changes) => changes.forEach((c) => reload(`${c.name}@${c.alias}`)));
   * ```
   */
  async watch(cb: (changes: AliasChange[]) => void, opts: { intervalMs?: number } = {}): Promise<() => Promise<void>> {
    let snapshot = await this.aliasSnapshot();
    let running: Promise<void> = Promise.resolve();
    const refresh = (): void => {
      running = running.then(async () => {
        const next = await this.aliasSnapshot().catch(() => null);
        if (!next) return;
        const changes: AliasChange[] = [];
        for (const [k, v] of next) {
          const before = snapshot.get(k) ?? null;
          if (before !== v) changes.push({ ...splitKey(k), version: v, previous: before });
        }
        for (const [k, v] of snapshot) if (!next.has(k)) changes.push({ ...splitKey(k), version: null, previous: v });
        snapshot = next;
        if (changes.length > 0) cb(changes);
      });
    };
    const stop = await this.store.subscribe(refresh, opts);
    const unwatch = async (): Promise<void> => {
      this.watchers.delete(unwatch);
      await stop();
      await running;
    };
    this.watchers.add(unwatch);
    return unwatch;
  }

  async close(): Promise<void> {
    for (const w of [...this.watchers]) await w();
    await this.store.close();
  }

  // ---- internals -----------------------------------------------------------------------------

  private actor(explicit?: string): string {
    if (explicit) return explicit;
    if (this.env.MODELYARD_ACTOR) return this.env.MODELYARD_ACTOR;
    try {
      return os.userInfo().username || 'unknown';
    } catch {
      return this.env.USER ?? this.env.USERNAME ?? 'unknown';
    }
  }

  private async aliasSnapshot(): Promise<Map<string, string>> {
    const rows = await this.store.db.selectFrom('aliases').select(['name', 'alias', 'version']).execute();
    return new Map(rows.map((r) => [`${r.name}\u0000${r.alias}`, r.version]));
  }

  private async moveAlias(tx: Db, name: string, alias: string, version: string, action: AuditAction, who: Who): Promise<AliasMove> {
    await requireModel(tx, this.store.location, name);
    const row = await versionRow(tx, name, version);
    if (!row) throw await versionNotFound(tx, name, version);
    const from = await getAlias(tx, name, alias);
    if (from === version) return { name, alias, version, previous: from, moved: false };
    const now = new Date().toISOString();
    const actor = this.actor(who.actor);
    await upsertAlias(tx, name, alias, version, actor, now);
    await insertAudit(tx, { at: now, actor, action, name, version, alias, from_version: from, reason: who.reason });
    await this.store.aliasesChanged(tx);
    return { name, alias, version, previous: from, moved: true };
  }

  private async resolveRow(tx: Db, r: ModelRef): Promise<VersionRow> {
    await requireModel(tx, this.store.location, r.name);
    if (r.version) {
      const row = await versionRow(tx, r.name, r.version);
      if (!row) throw await versionNotFound(tx, r.name, r.version);
      return row;
    }
    const alias = r.alias ?? 'latest';
    const v = await getAlias(tx, r.name, alias);
    if (v === null) throw await aliasNotFound(tx, r.name, alias);
    return (await versionRow(tx, r.name, v))!;
  }

  /** Removes the blobs of `shas` that no version references any more (under the registry lock). */
  private async collect(shas: string[]): Promise<void> {
    if (shas.length === 0) return;
    await this.store.write('registry', async (tx) => {
      const still = await referencedShas(tx, shas);
      for (const sha of shas) if (!still.has(sha)) await this.blobs.delete(sha, tx);
    });
  }
}

function splitKey(k: string): { name: string; alias: string } {
  const i = k.indexOf('\u0000');
  return { name: k.slice(0, i), alias: k.slice(i + 1) };
}
