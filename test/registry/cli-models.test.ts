/**
 * `modelyard models …` on both dialects: in-process through `main(argv, io)` with captured
 * output, plus real runs of the built `bin/modelyard.js`. Checks the JSON contract (one document
 * on stdout), exit codes (0 ok, 2 bad input, 3 not found) and that messages name what is wrong.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { jsonReplacer } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { openRegistry } from '../../src/registry/registry.js';
import { ensureBuilt } from '../helpers/build.js';
import { runCli } from '../helpers/cli-process.js';
import { fakeModelBytes } from '../helpers/model-bytes.js';
import { describeDialects, tmpDir } from '../helpers/registry-dialects.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document `--json` promises. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function cli(registry: string, ...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    json: (v) => out.push(JSON.stringify(v, jsonReplacer, 2)),
    warn: (t) => err.push(`warning: ${t}`),
    progress: () => ({ update() {}, stop() {} }),
  };
  const code = await main(['node', 'modelyard', ...args, '--registry', registry], io, { MODELYARD_ACTOR: 'cli-test' });
  const stdout = out.join('\n');
  let json: unknown = undefined;
  if (args.includes('--json')) json = JSON.parse(stdout); // throws if stdout is not exactly one JSON document
  return { code, stdout, stderr: err.join('\n'), json };
}

function artifact(dir: string, name: string, seed: number, extra: Parameters<typeof fakeModelBytes>[0] = {}): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, fakeModelBytes({ seed, ...extra }));
  return f;
}

beforeAll(() => ensureBuilt(), 300_000);

describeDialects('modelyard models', (ctx) => {
  it('import, list and show print the documented JSON shapes', async () => {
    const url = ctx.freshUrl();
    const dir = tmpDir('cli');
    const a = await cli(url, 'models', 'import', artifact(dir, 'credit.myd', 1), '--json', '--changelog', 'first cut', '--tag', 'owner=risk');
    expect(a.code, a.stderr).toBe(0);
    expect(a.json).toMatchObject({ name: 'credit', version: '1.0.0', aliases: ['latest'], tags: { owner: 'risk' }, changelog: 'first cut', created_by: 'cli-test' });
    const b = await cli(url, 'models', 'import', artifact(dir, 'x.myd', 2, { segments: ['QB', 'WR'] }), '--name', 'credit', '--version', '1.1.0', '--alias', 'challenger', '--json');
    expect(b.json).toMatchObject({ version: '1.1.0', aliases: ['challenger', 'latest'] });
    const list = await cli(url, 'models', 'list', '--json');
    expect(list.json.models).toHaveLength(1);
    expect(list.json.models[0]).toMatchObject({ name: 'credit', versions: 2, latest: '1.1.0', aliases: { latest: '1.1.0', challenger: '1.1.0' } });
    const show = await cli(url, 'models', 'show', 'credit', '--json');
    expect(show.code).toBe(0);
    // DESIGN.md: {"name", "versions": [{"version", "sha256", "created_at", "metrics", "segments"?}, …], "aliases": {"latest": …}}
    expect(show.json.name).toBe('credit');
    expect(show.json.aliases).toEqual({ challenger: '1.1.0', latest: '1.1.0' });
    expect(show.json.versions.map((v: { version: string }) => v.version)).toEqual(['1.1.0', '1.0.0']);
    for (const v of show.json.versions) {
      expect(v.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(Date.parse(v.created_at)).not.toBeNaN();
      expect(v.metrics.test.roc_auc).toEqual(expect.any(Number));
    }
    expect(show.json.versions[0].segments.map((s: { segment: string }) => s.segment)).toEqual(['QB', 'WR']);
    expect(show.json.versions[1].segments).toBeUndefined();
    expect(show.json.schema.features.map((f: { name: string }) => f.name)).toEqual(['age', 'income', 'region']);
    const human = await cli(url, 'models', 'list');
    expect(human.stdout.split('\n')[0]).toMatch(/^NAME\s+LATEST\s+VERSIONS\s+ALIASES/);
    expect(human.stdout).toMatch(/credit\s+1\.1\.0\s+2\s+challenger=1\.1\.0/);
    const humanShow = await cli(url, 'models', 'show', 'credit@1.0.0');
    expect(humanShow.stdout).toContain('selected credit@1.0.0');
    expect(humanShow.stdout).toContain('changelog: first cut');
  });

  it('promote, rollback and alias move champion and each move is in the audit log', async () => {
    const url = ctx.freshUrl();
    const dir = tmpDir('cli');
    for (let i = 0; i < 3; i++) expect((await cli(url, 'models', 'import', artifact(dir, `m${i}.myd`, i), '--name', 'leads')).code).toBe(0);
    expect((await cli(url, 'models', 'promote', 'leads@1.0.0', '--reason', 'baseline')).code).toBe(0);
    const p = await cli(url, 'models', 'promote', 'leads@1.0.2', '--to', 'champion', '--reason', 'better auc', '--json');
    expect(p.json).toEqual({ name: 'leads', alias: 'champion', version: '1.0.2', previous: '1.0.0', moved: true });
    const rb = await cli(url, 'models', 'rollback', 'leads', '--reason', 'conversion dropped', '--json');
    expect(rb.code, rb.stderr).toBe(0);
    expect(rb.json).toEqual({ name: 'leads', alias: 'champion', version: '1.0.0', previous: '1.0.2', moved: true });
    const show = await cli(url, 'models', 'show', 'leads@champion', '--json');
    expect(show.json.selected).toBe('1.0.0');
    const audit = await cli(url, 'models', 'audit', 'leads', '--json');
    expect(audit.json.audit[0]).toMatchObject({ action: 'rollback', alias: 'champion', from_version: '1.0.2', version: '1.0.0', actor: 'cli-test', reason: 'conversion dropped' });
    expect(audit.json.audit[1]).toMatchObject({ action: 'promote', from_version: '1.0.0', version: '1.0.2', reason: 'better auc' });
    // Nothing earlier than the first champion: a coded error, exit 2.
    const again = await cli(url, 'models', 'rollback', 'leads', '--json');
    expect(again.code).toBe(2);
    expect(again.json.error.code).toBe('NO_ROLLBACK_TARGET');
    // alias: copy an alias, remove one.
    expect((await cli(url, 'models', 'alias', 'leads@champion', 'shadow', '--json')).json).toMatchObject({ alias: 'shadow', version: '1.0.0' });
    expect((await cli(url, 'models', 'alias', 'leads', 'shadow', '--remove', '--json')).json).toMatchObject({ alias: 'shadow', version: null, previous: '1.0.0' });
    expect((await cli(url, 'models', 'rollback', 'leads', '--alias', 'shadow')).code).toBe(3);
    const humanAudit = await cli(url, 'models', 'audit', 'leads');
    expect(humanAudit.stdout).toMatch(/rollback\s+leads\s+champion\s+1\.0\.2\s+1\.0\.0\s+conversion dropped/);
  });

  it('a flipped byte makes verify and export fail with ARTIFACT_CORRUPT (exit 2)', async () => {
    const url = ctx.freshUrl();
    const dir = tmpDir('cli');
    await cli(url, 'models', 'import', artifact(dir, 'credit.myd', 1));
    const ok = await cli(url, 'models', 'verify', '--json');
    expect(ok.code).toBe(0);
    expect(ok.json.ok).toBe(true);
    const reg = await openRegistry({ url });
    try {
      const v = await reg.resolve('credit');
      if (reg.blobs.kind === 'fs') {
        const p = reg.blobs.describe(v.sha256);
        const b = fs.readFileSync(p);
        b[b.length - 100] ^= 0x01;
        fs.writeFileSync(p, b);
      } else {
        await reg.store.db.updateTable('blobs').set({ data: Buffer.concat([fakeModelBytes({ seed: 1 }).subarray(0, 50), Buffer.from('X'), fakeModelBytes({ seed: 1 }).subarray(51)]) }).execute();
      }
    } finally {
      await reg.close();
    }
    const bad = await cli(url, 'models', 'verify', '--json');
    expect(bad.code).toBe(2);
    expect(bad.json.ok).toBe(false);
    expect(bad.json.error.code).toBe('ARTIFACT_CORRUPT');
    expect(bad.json.problems[0]).toMatchObject({ code: 'ARTIFACT_CORRUPT', name: 'credit', version: '1.0.0' });
    expect(bad.stderr).toMatch(/ARTIFACT_CORRUPT: verify failed: credit@1\.0\.0/);
    const humanBad = await cli(url, 'models', 'verify', 'credit@1.0.0');
    expect(humanBad.code).toBe(2);
    expect(humanBad.stdout).toMatch(/1 problem/);
    const exp = await cli(url, 'models', 'export', 'credit', path.join(dir, 'out.myd'), '--json');
    expect(exp.code).toBe(2);
    expect(exp.json.error.code).toBe('ARTIFACT_CORRUPT');
  });

  it('export → import round trip, diff and delete', async () => {
    const url = ctx.freshUrl();
    const dir = tmpDir('cli');
    await cli(url, 'models', 'import', artifact(dir, 'credit.myd', 1));
    await cli(url, 'models', 'import', artifact(dir, 'credit2.myd', 2, { params: { C: 0.5 } }), '--name', 'credit');
    const out = path.join(dir, 'exported.myd');
    const e = await cli(url, 'models', 'export', 'credit@1.0.1', out, '--json');
    expect(e.json).toMatchObject({ exported: 'credit@1.0.1', file: out });
    expect(fs.readFileSync(out).equals(fakeModelBytes({ seed: 2, params: { C: 0.5 } }))).toBe(true);
    const other = tmpDir('cli-other');
    expect((await cli(other, 'models', 'import', out, '--name', 'credit', '--json')).json.version).toBe('1.0.0');
    const d = await cli(url, 'models', 'diff', 'credit@1.0.0', 'credit@1.0.1', '--json');
    expect(d.json.params).toEqual([
      { name: 'C', a: 1, b: 0.5 },
      { name: 'maxIter', a: 100, b: null },
      { name: 'seed', a: 1, b: null },
    ]);
    expect((await cli(url, 'models', 'diff', 'credit@1.0.0', 'credit@1.0.1')).stdout).toMatch(/params:\n {2}C: 1 → 0.5/);
    const del = await cli(url, 'models', 'delete', 'credit@1.0.1', '--reason', 'bad', '--json');
    expect(del.json).toEqual({ deleted: 'credit@1.0.1', aliases_removed: [], latest: '1.0.0' });
    const noVer = await cli(url, 'models', 'delete', 'credit', '--json');
    expect(noVer.code).toBe(2);
    expect(noVer.json.error).toMatchObject({ code: 'USAGE', flag: '--all-versions' });
    expect((await cli(url, 'models', 'delete', 'credit', '--all-versions', '--json')).json).toEqual({ deleted: 'credit', versions: ['1.0.0'] });
    expect((await cli(url, 'models', 'list', '--json')).json.models).toEqual([]);
  });

  it('bad input exits 2 and unknown models exit 3, naming the model, version, alias or flag', async () => {
    const url = ctx.freshUrl();
    const dir = tmpDir('cli');
    await cli(url, 'models', 'import', artifact(dir, 'credit.myd', 1), '--version', '1.0.0');
    const nf = await cli(url, 'models', 'show', 'debit', '--json');
    expect(nf.code).toBe(3);
    expect(nf.json.error.code).toBe('MODEL_NOT_FOUND');
    expect(nf.json.error.message).toContain('"debit"');
    expect((await cli(url, 'models', 'show', 'credit@2.0.0', '--json')).json.error.message).toContain('no version 2.0.0');
    expect((await cli(url, 'models', 'promote', 'credit@nope', '--json')).json.error.message).toContain('no alias "nope"');
    const exists = await cli(url, 'models', 'import', artifact(dir, 'c2.myd', 2), '--name', 'credit', '--version', '1.0.0', '--json');
    expect(exists.code).toBe(2);
    expect(exists.json.error).toMatchObject({ code: 'VERSION_EXISTS', flag: '--version' });
    expect(exists.json.error.message).toContain('credit@1.0.0');
    const badAlias = await cli(url, 'models', 'alias', 'credit', 'latest', '--json');
    expect(badAlias.code).toBe(2);
    expect(badAlias.json.error.message).toContain('latest');
    const badVer = await cli(url, 'models', 'import', artifact(dir, 'c3.myd', 3), '--version', '1.0', '--json');
    expect([badVer.code, badVer.json.error.flag]).toEqual([2, '--version']);
    const missingFile = await cli(url, 'models', 'import', path.join(dir, 'none.myd'), '--json');
    expect([missingFile.code, missingFile.json.error.code, missingFile.json.error.file]).toEqual([2, 'FILE_NOT_FOUND', path.join(dir, 'none.myd')]);
    const badTag = await cli(url, 'models', 'import', artifact(dir, 'c4.myd', 4), '--tag', 'novalue', '--json');
    expect(badTag.json.error).toMatchObject({ code: 'USAGE', flag: '--tag' });
    expect((await cli(url, 'models', 'show')).code).toBe(2); // missing argument (commander)
    expect((await cli(url, 'models', 'audit', '--limit', '0', '--json')).json.error.flag).toBe('--limit');
  });

  it('the built CLI: one JSON document on stdout, exit codes, the --registry flag before or after the subcommand', async () => {
    const url = ctx.freshUrl();
    const dir = tmpDir('cli');
    const f = artifact(dir, 'credit.myd', 1);
    const imp = await runCli(['models', 'import', f, '--version', '2.0.0', '--json', '--registry', url], {});
    expect(imp.code, imp.stderr).toBe(0);
    expect(JSON.parse(imp.stdout)).toMatchObject({ ref: 'credit@2.0.0' });
    const list = await runCli(['--registry', url, 'models', 'list', '--json'], {});
    expect(JSON.parse(list.stdout).models[0]).toMatchObject({ name: 'credit', latest: '2.0.0' });
    const nf = await runCli(['models', 'show', 'ghost', '--json', '--registry', url], {});
    expect(nf.code).toBe(3);
    expect(JSON.parse(nf.stdout).error.code).toBe('MODEL_NOT_FOUND');
    expect(nf.stderr).toContain('MODEL_NOT_FOUND');
    const env = await runCli(['models', 'list'], { MODELYARD_REGISTRY: url });
    expect(env.code).toBe(0);
    expect(env.stdout).toMatch(/credit\s+2\.0\.0/);
  });
});
