/**
 * The registry service on both dialects (SQLite + file blobs, Postgres + database blobs, and the
 * crossed combinations for blob corruption): versions, aliases, rollback, deletes, verify,
 * export/import, diff, audit, watch, migrations.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { ModelyardError } from '../../src/errors.js';
import { openRegistry, type Registry } from '../../src/registry/registry.js';
import { safeHost } from '../../src/registry/blobs/fs-blob-store.js';
import type { AliasChange } from '../../src/registry/types.js';
import { fakeModelBytes } from '../helpers/model-bytes.js';
import { describeDialects, PG_URL, tmpDir } from '../helpers/registry-dialects.js';

const open: Registry[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function reg(url: string): Promise<Registry> {
  const r = await openRegistry({ url, env: { MODELYARD_ACTOR: 'tester' } });
  open.push(r);
  return r;
}

/** Runs `p` and returns the ModelyardError it rejects with. */
async function codeOf(p: Promise<unknown>): Promise<ModelyardError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ModelyardError);
    return e as ModelyardError;
  }
  throw new Error('expected a ModelyardError, but the call succeeded');
}

/** Flips one byte in the stored blob of `sha256`, in whichever blob store holds it. */
async function flipByte(r: Registry, sha256: string, at = 40): Promise<void> {
  if (r.blobs.kind === 'fs') {
    const p = r.blobs.describe(sha256);
    const b = fs.readFileSync(p);
    b[at] ^= 0xff;
    fs.writeFileSync(p, b);
  } else {
    const row = await r.store.db.selectFrom('blobs').select('data').where('sha256', '=', sha256).executeTakeFirstOrThrow();
    const b = Buffer.from(row.data);
    b[at] ^= 0xff;
    await r.store.db.updateTable('blobs').set({ data: b }).where('sha256', '=', sha256).execute();
  }
}

const EXPECTED_TABLES: Record<string, string[]> = {
  aliases: ['alias', 'name', 'updated_at', 'updated_by', 'version'],
  audit: ['action', 'actor', 'alias', 'at', 'details', 'from_version', 'id', 'name', 'reason', 'version'],
  blobs: ['created_at', 'data', 'sha256', 'size'],
  models: ['created_at', 'description', 'name', 'updated_at'],
  modelyard_migrations: ['applied_at', 'name', 'version'],
  registry_state: ['key', 'value'],
  versions: ['changelog', 'created_at', 'created_by', 'major', 'minor', 'name', 'patch', 'prerelease', 'sha256', 'size', 'summary', 'tags', 'version'],
};

describeDialects('registry', (ctx) => {
  it('registers versions: 1.0.0 first, next patch after the highest, latest moves on every register', async () => {
    const r = await reg(ctx.freshUrl());
    const v1 = await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 1 }), description: 'credit risk', changelog: 'first' });
    expect(v1.version).toBe('1.0.0');
    expect(v1.aliases).toEqual(['latest']);
    expect(v1.created_by).toBe('tester');
    const v2 = await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 2 }), version: '2.0.0-rc.1' });
    expect(v2.version).toBe('2.0.0-rc.1');
    const v3 = await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 3 }) });
    expect(v3.version).toBe('2.0.0'); // the release after the highest pre-release
    const v4 = await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 4 }), version: '1.5.0' });
    expect((await r.resolve('credit')).version).toBe('1.5.0'); // latest = most recently registered
    expect(v4.aliases).toEqual(['latest']);
    const v5 = await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 5 }) });
    expect(v5.version).toBe('2.0.1');
    const show = await r.show('credit');
    expect(show.versions.map((v) => v.version)).toEqual(['2.0.1', '2.0.0', '2.0.0-rc.1', '1.5.0', '1.0.0']);
    expect(show.aliases).toEqual({ latest: '2.0.1' });
    expect(show.description).toBe('credit risk');
    expect(show.versions[4].changelog).toBe('first');
  });

  it('rejects an existing explicit version, bad versions, names and aliases with coded errors', async () => {
    const r = await reg(ctx.freshUrl());
    await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 1 }), version: '1.2.0' });
    const e = await codeOf(r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 2 }), version: '1.2.0' }));
    expect(e.code).toBe('VERSION_EXISTS');
    expect(e.message).toContain('credit@1.2.0');
    expect(e.message).toContain('1.2.1');
    expect(e.exitCode).toBe(2);
    expect((await codeOf(r.register({ name: 'credit', bytes: fakeModelBytes(), version: 'v2' }))).code).toBe('USAGE');
    expect((await codeOf(r.register({ name: 'bad name', bytes: fakeModelBytes() }))).code).toBe('USAGE');
    expect((await codeOf(r.register({ name: 'credit', bytes: fakeModelBytes(), aliases: ['latest'] }))).code).toBe('USAGE');
    expect((await codeOf(r.register({ name: 'credit', bytes: fakeModelBytes(), aliases: ['1x'] }))).code).toBe('USAGE');
    expect((await codeOf(r.setAlias('credit', 'latest', '1.2.0'))).code).toBe('USAGE');
    // Still exactly one version: failed registers leave nothing.
    expect((await r.show('credit')).versions).toHaveLength(1);
    expect((await r.audit({ name: 'credit' })).filter((a) => a.action === 'register')).toHaveLength(1);
  });

  it('refuses damaged or foreign bytes before storing anything (ARTIFACT_CORRUPT)', async () => {
    const r = await reg(ctx.freshUrl());
    const bytes = fakeModelBytes();
    bytes[30] ^= 1;
    expect((await codeOf(r.register({ name: 'credit', bytes }))).code).toBe('ARTIFACT_CORRUPT');
    expect((await codeOf(r.register({ name: 'credit', bytes: Buffer.from('not a model at all, just text padding it out to size') }))).code).toBe('ARTIFACT_CORRUPT');
    expect(await r.list()).toEqual([]);
    expect(await r.blobs.list()).toEqual([]);
  });

  it('resolves name, name@version and name@alias; MODEL_NOT_FOUND (exit 3) names what is missing', async () => {
    const r = await reg(ctx.freshUrl());
    await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 1 }) });
    await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 2 }), aliases: ['challenger'] });
    expect((await r.resolve('credit')).version).toBe('1.0.1');
    expect((await r.resolve('credit@1.0.0')).version).toBe('1.0.0');
    expect((await r.resolve('credit@challenger')).version).toBe('1.0.1');
    const m = await codeOf(r.resolve('debit'));
    expect([m.code, m.exitCode]).toEqual(['MODEL_NOT_FOUND', 3]);
    expect(m.message).toContain('"debit"');
    expect(m.message).toContain('credit');
    const v = await codeOf(r.resolve('credit@9.9.9'));
    expect(v.code).toBe('MODEL_NOT_FOUND');
    expect(v.message).toMatch(/no version 9\.9\.9 \(versions: 1\.0\.0, 1\.0\.1\)/);
    const a = await codeOf(r.resolve('credit@champion'));
    expect(a.code).toBe('MODEL_NOT_FOUND');
    expect(a.message).toContain('no alias "champion"');
    expect(a.message).toContain('challenger → 1.0.1');
    expect((await codeOf(r.resolve('credit@@x'))).code).toBe('USAGE');
  });

  it('loads the exact registered bytes', async () => {
    const r = await reg(ctx.freshUrl());
    const bytes = fakeModelBytes({ seed: 7 });
    const v = await r.register({ name: 'credit', bytes });
    const got = await r.load('credit');
    expect(got.info.sha256).toBe(v.sha256);
    expect(Buffer.compare(got.bytes, bytes)).toBe(0);
  });

  for (const blobs of ['fs', 'db'] as const) {
    it(`a flipped byte in a stored blob (${blobs} blobs) fails load and verify with ARTIFACT_CORRUPT`, async () => {
      const r = await reg(ctx.freshUrl({ blobs }));
      expect(r.blobs.kind).toBe(blobs);
      const v = await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 1 }) });
      await r.register({ name: 'other', bytes: fakeModelBytes({ seed: 2 }) });
      expect((await r.verify()).ok).toBe(true);
      await flipByte(r, v.sha256);
      const e = await codeOf(r.load('credit@1.0.0'));
      expect(e.code).toBe('ARTIFACT_CORRUPT');
      expect(e.message).toContain('credit@1.0.0');
      const rep = await r.verify();
      expect(rep.ok).toBe(false);
      expect(rep.problems).toHaveLength(1);
      expect(rep.problems[0]).toMatchObject({ kind: 'blob-corrupt', code: 'ARTIFACT_CORRUPT', name: 'credit', version: '1.0.0' });
      expect((await r.verify('credit@1.0.0')).problems[0].code).toBe('ARTIFACT_CORRUPT');
      expect((await r.verify('other')).ok).toBe(true);
      // The undamaged model still loads.
      expect((await r.load('other')).info.version).toBe('1.0.0');
    });
  }

  it('a missing blob fails load with ARTIFACT_MISSING and verify reports it', async () => {
    const r = await reg(ctx.freshUrl());
    const v = await r.register({ name: 'credit', bytes: fakeModelBytes() });
    if (r.blobs.kind === 'fs') fs.rmSync(r.blobs.describe(v.sha256));
    else await r.store.db.deleteFrom('blobs').execute();
    expect((await codeOf(r.load('credit'))).code).toBe('ARTIFACT_MISSING');
    const rep = await r.verify();
    expect(rep.problems.map((p) => p.kind)).toEqual(['blob-missing']);
  });

  it('lists models and shows versions, aliases, schema, params, lineage and segments', async () => {
    const r = await reg(ctx.freshUrl());
    await r.register({ name: 'recruit', bytes: fakeModelBytes({ seed: 1, segments: ['QB', 'RB', 'WR'], segmentBy: 'position' }), tags: { team: 'scouting' } });
    await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 2, task: 'regression', metrics: { test: { rmse: 1.5 } } }) });
    const list = await r.list();
    expect(list.map((m) => [m.name, m.versions, m.latest, m.task])).toEqual([
      ['credit', 1, '1.0.0', 'regression'],
      ['recruit', 1, '1.0.0', 'binary'],
    ]);
    expect(list[0].metrics).toEqual({ test: { rmse: 1.5 } });
    // The task, learner and metrics listed are those of the version `latest` names, whatever
    // other aliases point at.
    await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 3, task: 'regression', metrics: { test: { rmse: 1.2 } } }) });
    await r.setAlias('credit', 'champion', '1.0.0');
    const again = (await r.list())[0];
    expect(again).toMatchObject({ versions: 2, latest: '1.0.1', aliases: { latest: '1.0.1', champion: '1.0.0' }, metrics: { test: { rmse: 1.2 } } });
    const d = await r.show('recruit@latest');
    expect(d).toMatchObject({ name: 'recruit', selected: '1.0.0', aliases: { latest: '1.0.0' }, task: 'binary', target: 'y', learner: 'linear', tags: { team: 'scouting' } });
    expect(d.versions[0]).toMatchObject({ version: '1.0.0', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), created_at: expect.any(String), metrics: expect.any(Object) });
    expect(d.versions[0].segments?.map((s) => s.segment)).toEqual(['QB', 'RB', 'WR']);
    expect(d.schema.segment_by).toBe('position');
    expect(d.schema.features.map((f) => f.name)).toEqual(['age', 'income', 'region']);
    expect(d.params).toEqual({ C: 1, maxIter: 100, seed: 1 });
    expect(d.lineage).toMatchObject({ data: { file: 'train.csv', rows: 1000 }, package_version: '0.1.0', registered_by: 'tester' });
    expect(d.segments?.[1]).toEqual({ segment: 'RB', rows: 101, metrics: { roc_auc: expect.any(Number) }, learner: 'linear' });
  });

  it('aliases: set, move, remove, promote; every move is an audit row with who and why', async () => {
    const r = await reg(ctx.freshUrl());
    for (let s = 1; s <= 3; s++) await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: s }) });
    expect(await r.setAlias('credit', 'staging', '1.0.0', { reason: 'qa' })).toMatchObject({ version: '1.0.0', previous: null, moved: true });
    expect(await r.setAlias('credit', 'staging', '1.0.0')).toMatchObject({ moved: false });
    expect(await r.promote('credit@staging', 'champion', { reason: 'passed qa', actor: 'alice' })).toMatchObject({ alias: 'champion', version: '1.0.0', moved: true });
    expect(await r.promote('credit@1.0.2')).toMatchObject({ alias: 'champion', version: '1.0.2', previous: '1.0.0' });
    expect((await r.resolve('credit@champion')).aliases).toEqual(['champion', 'latest']);
    await r.removeAlias('credit', 'staging', { reason: 'done' });
    expect((await codeOf(r.removeAlias('credit', 'staging'))).code).toBe('MODEL_NOT_FOUND');
    expect((await codeOf(r.setAlias('credit', 'x', '7.0.0'))).code).toBe('MODEL_NOT_FOUND');
    const audit = await r.audit({ name: 'credit' });
    expect(audit.map((a) => [a.action, a.alias, a.from_version, a.version, a.reason])).toEqual([
      ['alias.remove', 'staging', '1.0.0', null, 'done'],
      ['promote', 'champion', '1.0.0', '1.0.2', null],
      ['promote', 'champion', null, '1.0.0', 'passed qa'],
      ['alias.set', 'staging', null, '1.0.0', 'qa'],
      ['register', 'latest', '1.0.1', '1.0.2', null],
      ['register', 'latest', '1.0.0', '1.0.1', null],
      ['register', 'latest', null, '1.0.0', null],
    ]);
    expect(audit[2].actor).toBe('alice');
    expect(audit[1].actor).toBe('tester');
    expect(audit.every((a) => !Number.isNaN(Date.parse(a.at)))).toBe(true);
  });

  it('rollback restores the previous champion from the alias history, walks further back, skips deleted versions', async () => {
    const r = await reg(ctx.freshUrl());
    for (let s = 1; s <= 5; s++) await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: s }) });
    // Champion history: 1.0.3 → 1.0.0 → 1.0.4 → 1.0.1 (not in semver order on purpose).
    for (const v of ['1.0.3', '1.0.0', '1.0.4', '1.0.1']) await r.promote(`credit@${v}`);
    expect(await r.rollback('credit', 'champion', { reason: 'bad canary' })).toMatchObject({ version: '1.0.4', previous: '1.0.1' });
    expect(await r.rollback('credit')).toMatchObject({ version: '1.0.0', previous: '1.0.4' });
    await r.promote('credit@1.0.2'); // history now 1.0.3 → 1.0.0 → 1.0.2
    await r.setAlias('credit', 'challenger', '1.0.0');
    await r.deleteVersion('credit@1.0.0', { force: true }); // 1.0.0 was champion before 1.0.2: must be skipped
    expect(await r.rollback('credit')).toMatchObject({ version: '1.0.3', previous: '1.0.2' });
    const e = await codeOf(r.rollback('credit'));
    expect(e.code).toBe('NO_ROLLBACK_TARGET');
    expect(e.message).toContain('credit@champion');
    expect((await codeOf(r.rollback('credit', 'shadow'))).code).toBe('MODEL_NOT_FOUND');
    const rollbacks = (await r.audit({ name: 'credit', action: 'rollback' })).map((a) => [a.from_version, a.version, a.reason]);
    expect(rollbacks).toEqual([
      ['1.0.2', '1.0.3', null],
      ['1.0.4', '1.0.0', null],
      ['1.0.1', '1.0.4', 'bad canary'],
    ]);
  });

  it('rollback ignores the history of a deleted model of the same name', async () => {
    const r = await reg(ctx.freshUrl());
    await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 1 }) });
    await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 2 }) });
    await r.promote('credit@1.0.0');
    await r.promote('credit@1.0.1');
    await r.deleteModel('credit', { force: true });
    await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 3 }) });
    await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 4 }) });
    await r.promote('credit@1.0.1');
    expect((await codeOf(r.rollback('credit'))).code).toBe('NO_ROLLBACK_TARGET');
  });

  it('deletes versions (latest moves back, aliases guard, blob collected) and whole models', async () => {
    const r = await reg(ctx.freshUrl());
    const a = await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 1 }) });
    const b = await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 2 }) });
    await r.promote('credit@1.0.1');
    const e = await codeOf(r.deleteVersion('credit@1.0.1'));
    expect(e.code).toBe('ALIAS_IN_USE');
    expect(e.message).toContain('champion');
    expect((await codeOf(r.deleteVersion('credit'))).code).toBe('USAGE');
    expect(await r.deleteVersion('credit@1.0.1', { force: true, reason: 'leak' })).toEqual({ deleted: 'credit@1.0.1', aliases_removed: ['champion'], latest: '1.0.0' });
    expect(await r.blobs.has(b.sha256)).toBe(false);
    expect(await r.blobs.has(a.sha256)).toBe(true);
    expect((await r.show('credit')).aliases).toEqual({ latest: '1.0.0' });
    // Same bytes under two names share one blob: deleting one keeps it.
    await r.register({ name: 'twin', bytes: fakeModelBytes({ seed: 1 }) });
    await r.deleteModel('credit');
    expect(await r.blobs.has(a.sha256)).toBe(true);
    expect((await r.load('twin')).info.sha256).toBe(a.sha256);
    expect((await codeOf(r.resolve('credit'))).code).toBe('MODEL_NOT_FOUND');
    const actions = (await r.audit()).map((x) => x.action);
    expect(actions.slice(0, 3)).toEqual(['model.delete', 'register', 'version.delete']);
    expect((await r.verify()).ok).toBe(true);
    expect((await r.verify()).orphans).toEqual([]);
  });

  it('verify explains orphan blobs and dead temporary writes; --fix removes them and is audited', async () => {
    const r = await reg(ctx.freshUrl());
    await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 1 }) });
    // A blob stored by a register that never committed.
    const lost = fakeModelBytes({ seed: 99 });
    const { sha256Hex } = await import('../../src/artifact/container.js');
    await r.blobs.put(sha256Hex(lost), lost);
    let deadTemp: string | null = null;
    if (r.blobs.kind === 'fs') {
      const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
      deadTemp = path.join(r.blobs.location, 'tmp', `${'c'.repeat(64)}.${safeHost()}.${deadPid}.abcd1234.tmp`);
      fs.mkdirSync(path.dirname(deadTemp), { recursive: true });
      fs.writeFileSync(deadTemp, 'half a blob');
    }
    const rep = await r.verify();
    expect(rep.ok).toBe(true); // orphans are explained, not failures
    const blobOrphan = rep.orphans.find((o) => o.kind === 'blob')!;
    expect(blobOrphan.sha256).toBe(sha256Hex(lost));
    expect(blobOrphan.explanation).toMatch(/never committed/);
    expect(blobOrphan.removed).toBe(false);
    if (deadTemp) {
      const t = rep.orphans.find((o) => o.kind === 'temp-file')!;
      expect(t.path).toBe(deadTemp);
      expect(t.explanation).toMatch(/interrupted before it was renamed/);
    }
    const fixed = await r.verify(undefined, { fix: true, reason: 'cleanup' });
    expect(fixed.orphans.every((o) => o.removed)).toBe(true);
    expect(await r.blobs.has(sha256Hex(lost))).toBe(false);
    if (deadTemp) expect(fs.existsSync(deadTemp)).toBe(false);
    expect((await r.verify()).orphans).toEqual([]);
    const gc = await r.audit({ action: 'blob.gc' });
    expect(gc[0]).toMatchObject({ reason: 'cleanup', details: { removed: [sha256Hex(lost)] } });
    expect((await r.load('credit')).info.version).toBe('1.0.0');
  });

  it('verify explains a blob left behind by an interrupted delete', async () => {
    const r = await reg(ctx.freshUrl());
    const bytes = fakeModelBytes({ seed: 3 });
    await r.register({ name: 'credit', bytes });
    await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 4 }) });
    const gone = await r.resolve('credit@1.0.0');
    await r.deleteVersion('credit@1.0.0');
    await r.blobs.put(gone.sha256, bytes); // as if the process had died before collecting it
    const o = (await r.verify()).orphans;
    expect(o).toHaveLength(1);
    expect(o[0].explanation).toMatch(/Left by deleting credit@1\.0\.0/);
  });

  it('exports a verified artifact and imports it into another registry (name and version from the file name)', async () => {
    const r = await reg(ctx.freshUrl());
    const v = await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 8 }), version: '3.1.4' });
    const dir = tmpDir('export');
    const file = path.join(dir, 'credit@3.1.4.myd');
    await r.exportTo('credit', file);
    expect(fs.readFileSync(file).equals(fakeModelBytes({ seed: 8 }))).toBe(true);
    const other = await reg(tmpDir('import'));
    const imported = await other.importFrom(file, { aliases: ['champion'], reason: 'migrate' });
    expect(imported).toMatchObject({ name: 'credit', version: '3.1.4', sha256: v.sha256, aliases: ['champion', 'latest'] });
    expect((await codeOf(other.importFrom(file))).code).toBe('VERSION_EXISTS');
    // With an explicit name the file name says nothing: next patch of the new name.
    const renamed = await other.importFrom(file, { name: 'credit-copy' });
    expect(renamed.ref).toBe('credit-copy@1.0.0');
    fs.copyFileSync(file, path.join(dir, 'scorer.myd'));
    expect((await other.importFrom(path.join(dir, 'scorer.myd'))).ref).toBe('scorer@1.0.0');
    expect((await codeOf(other.importFrom(path.join(dir, 'nope.myd')))).code).toBe('FILE_NOT_FOUND');
    // A corrupt stored blob cannot be exported.
    await flipByte(r, v.sha256);
    expect((await codeOf(r.exportTo('credit', path.join(dir, 'bad.myd')))).code).toBe('ARTIFACT_CORRUPT');
    expect(fs.existsSync(path.join(dir, 'bad.myd'))).toBe(false);
  });

  it('diffs metrics, schema (added/removed/changed kinds and categories) and params', async () => {
    const r = await reg(ctx.freshUrl());
    await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 1, metrics: { test: { roc_auc: 0.8, log_loss: 0.5 } } }) });
    await r.register({
      name: 'credit',
      bytes: fakeModelBytes({
        seed: 2,
        learner: 'gbdt',
        params: { C: 1, maxIter: 200, depth: 6 },
        metrics: { test: { roc_auc: 0.85, brier: 0.1 } },
        features: [
          { name: 'age', kind: 'integer', missingRate: 0 },
          { name: 'region', kind: 'categorical', categories: ['north', 'east'], missingRate: 0 },
          { name: 'tenure', kind: 'numeric', missingRate: 0 },
        ],
      }),
    });
    const d = await r.diff('credit@1.0.0', 'credit');
    expect(d.a.ref).toBe('credit@1.0.0');
    expect(d.b.ref).toBe('credit@1.0.1');
    expect(d.learner).toEqual({ a: 'linear', b: 'gbdt' });
    expect(d.task).toBeNull();
    const auc = d.metrics.find((m) => m.metric === 'roc_auc')!;
    expect(auc.delta).toBeCloseTo(0.05, 12);
    expect(d.metrics.find((m) => m.metric === 'brier')).toEqual({ group: 'test', metric: 'brier', a: null, b: 0.1, delta: null });
    expect(d.schema.added.map((f) => f.name)).toEqual(['tenure']);
    expect(d.schema.removed.map((f) => f.name)).toEqual(['income']);
    expect(d.schema.changed).toEqual([
      { name: 'age', kind: { a: 'numeric', b: 'integer' } },
      { name: 'region', categories_added: ['east'], categories_removed: ['south'] },
    ]);
    expect(d.params).toEqual([
      { name: 'depth', a: null, b: 6 },
      { name: 'maxIter', a: 100, b: 200 },
      { name: 'seed', a: 1, b: null },
    ]);
    expect((await r.diff('credit@1.0.0', 'credit@1.0.0')).same_artifact).toBe(true);
  });

  it('concurrent registers of one name in one process get distinct versions', async () => {
    const r = await reg(ctx.freshUrl());
    const infos = await Promise.all(Array.from({ length: 8 }, (_, i) => r.register({ name: 'race', bytes: fakeModelBytes({ seed: 100 + i }) })));
    const versions = infos.map((i) => i.version).sort();
    expect(new Set(versions).size).toBe(8);
    expect(versions).toEqual(['1.0.0', '1.0.1', '1.0.2', '1.0.3', '1.0.4', '1.0.5', '1.0.6', '1.0.7']);
    expect((await r.audit({ name: 'race', action: 'register' })).length).toBe(8);
  });

  it('watch reports alias moves made through another connection', async () => {
    const url = ctx.freshUrl();
    const watcher = await reg(url);
    const writer = await reg(url);
    await writer.register({ name: 'credit', bytes: fakeModelBytes({ seed: 1 }) });
    await writer.register({ name: 'credit', bytes: fakeModelBytes({ seed: 2 }) });
    const seen: AliasChange[] = [];
    const stop = await watcher.watch((c) => seen.push(...c), { intervalMs: 50 });
    await writer.promote('credit@1.0.0');
    await waitFor(() => seen.some((c) => c.alias === 'champion'));
    expect(seen).toContainEqual({ name: 'credit', alias: 'champion', version: '1.0.0', previous: null });
    await writer.register({ name: 'credit', bytes: fakeModelBytes({ seed: 3 }) });
    await waitFor(() => seen.some((c) => c.alias === 'latest'));
    expect(seen).toContainEqual({ name: 'credit', alias: 'latest', version: '1.0.2', previous: '1.0.1' });
    await writer.removeAlias('credit', 'champion');
    await waitFor(() => seen.some((c) => c.alias === 'champion' && c.version === null));
    await stop();
    const n = seen.length;
    await writer.promote('credit@1.0.1');
    await new Promise((res) => setTimeout(res, 300));
    expect(seen.length).toBe(n); // stopped watchers stay quiet
  });

  it('migrates on open to the same logical schema on both dialects, once, and refuses a newer schema', async () => {
    const url = ctx.freshUrl();
    const r = await reg(url);
    // Kysely's Postgres introspection scans every schema of the database; another test file
    // dropping its own schema meanwhile makes one scan fail with 3F000 ("schema … does not exist"). Retry.
    let tables: Awaited<ReturnType<typeof r.store.db.introspection.getTables>> = [];
    for (let attempt = 0; ; attempt++) {
      try {
        tables = await r.store.db.introspection.getTables();
        break;
      } catch (e) {
        if (attempt >= 5 || !['3F000', '42P01'].includes(String((e as { code?: string }).code))) throw e;
      }
    }
    const got = Object.fromEntries(
      tables.filter((t) => t.name in EXPECTED_TABLES).map((t) => [t.name, t.columns.map((c) => c.name).sort()]),
    );
    expect(got).toEqual(EXPECTED_TABLES);
    await r.register({ name: 'credit', bytes: fakeModelBytes() });
    const again = await reg(url);
    expect((await again.list()).map((m) => m.name)).toEqual(['credit']);
    const applied = await again.store.db.selectFrom('modelyard_migrations').selectAll().execute();
    expect(applied.map((m) => Number(m.version))).toEqual([1]);
    await again.store.db.insertInto('modelyard_migrations').values({ version: 99, name: 'from the future', applied_at: new Date().toISOString() }).execute();
    const e = await codeOf(openRegistry({ url }));
    expect(e.code).toBe('REGISTRY_VERSION');
    expect(e.message).toMatch(/schema version 99/);
  });
});

describeDialects('registry failures', (ctx) => {
  it('a registry locked by another writer for longer than the retry budget fails with REGISTRY_BUSY, then works again', async () => {
    const url = ctx.freshUrl();
    const r = await openRegistry({ url, lockTimeoutMs: 50, retryBudgetMs: 400 });
    open.push(r);
    await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 1 }) });
    let release: () => Promise<void>;
    if (ctx.dialect === 'sqlite') {
      const other = new Database(r.location.file!);
      other.exec('BEGIN IMMEDIATE');
      release = async () => {
        other.exec('ROLLBACK');
        other.close();
      };
    } else {
      const schema = new URL(url).searchParams.get('schema')!;
      const other = new pg.Client({ connectionString: PG_URL });
      await other.connect();
      await other.query(`select pg_advisory_lock(hashtext($1 || ':registry'), 0)`, [schema]);
      release = async () => {
        await other.end();
      };
    }
    try {
      const t0 = Date.now();
      const e = await codeOf(r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 2 }) }));
      expect(e.code).toBe('REGISTRY_BUSY');
      expect(e.exitCode).toBe(1);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    } finally {
      await release();
    }
    expect((await r.register({ name: 'credit', bytes: fakeModelBytes({ seed: 2 }) })).version).toBe('1.0.1');
  });

  it('an unreachable store is REGISTRY_UNAVAILABLE and names it (password masked)', async () => {
    const bad = ctx.dialect === 'sqlite' ? path.join(tmpDir('bad'), 'file-not-dir') : 'postgres://postgres:s3cret@127.0.0.1:1/test';
    if (ctx.dialect === 'sqlite') fs.writeFileSync(bad, 'a file where the registry folder should be');
    const e = await codeOf(openRegistry({ url: ctx.dialect === 'sqlite' ? path.join(bad, 'registry.db') : bad }));
    expect(e.code).toBe('REGISTRY_UNAVAILABLE');
    expect(e.message).toContain(ctx.dialect === 'sqlite' ? 'file-not-dir' : '127.0.0.1:1');
    expect(e.message).not.toContain('s3cret');
  });
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
