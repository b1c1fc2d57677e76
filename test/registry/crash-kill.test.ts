/**
 * Registering processes killed with SIGKILL at every step of the register path (fault points),
 * at random moments after them, and at random times from spawn — 24 tries per dialect: the
 * registry stays consistent, every visible version loads, `models verify` passes and explains
 * the orphans, and `verify --fix` removes them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { sha256Hex } from '../../src/artifact/container.js';
import { FAULT_POINTS, type FaultPoint } from '../../src/registry/fault.js';
import { openRegistry } from '../../src/registry/registry.js';
import { Rng } from '../../src/util/random.js';
import { ensureBuilt } from '../helpers/build.js';
import { runCli, type Child } from '../helpers/cli-process.js';
import { fakeModelBytes } from '../helpers/model-bytes.js';
import { describeDialects, tmpDir } from '../helpers/registry-dialects.js';

beforeAll(() => ensureBuilt(), 300_000);

describeDialects('SIGKILL during register', (ctx) => {
  it('SIGKILL at any point of a register (24 tries) leaves a consistent registry that verify passes', async () => {
    const url = ctx.freshUrl();
    const reg0 = await openRegistry({ url });
    const blobKind = reg0.blobs.kind;
    await reg0.register({ name: 'crash', bytes: fakeModelBytes({ seed: 1 }), actor: 'setup' });
    await reg0.close();
    const dir = tmpDir('kill');
    // Points this blob store passes through (the database store has no rename).
    const points = FAULT_POINTS.filter((p) => blobKind === 'fs' || p !== 'blob:renamed');
    const rng = new Rng(20251123);
    const TRIES = 24;
    type Plan = { seed: number; point?: FaultPoint; pauseMs?: number; killDelayMs?: number; afterSpawnMs?: number };
    let k = 0;
    const plans: Plan[] = Array.from({ length: TRIES }, (_, i) => {
      const seed = 2000 + i;
      if (i % 4 === 3) return { seed, afterSpawnMs: 150 + rng.int(700) }; // a random moment from spawn
      const point = points[k % points.length];
      // Rounds over all points: pause at the point until killed (the kill lands exactly there),
      // then pause a few ms and get killed at a random moment shortly after (it lands somewhere later).
      const exact = Math.floor(k / points.length) % 2 === 0;
      k++;
      return exact ? { seed, point } : { seed, point, pauseMs: 5, killDelayMs: rng.int(25) };
    });
    for (const p of points) expect(plans.filter((x) => x.point === p && !x.pauseMs).length).toBeGreaterThanOrEqual(2);
    const results: { plan: Plan; run: Child; sha: string }[] = [];
    // Two at a time: enough to overlap kills with live writers, gentle on two shared cores.
    for (let i = 0; i < plans.length; i += 2) {
      const batch = plans.slice(i, i + 2).map(async (plan) => {
        const bytes = fakeModelBytes({ seed: plan.seed });
        const file = path.join(dir, `k${plan.seed}.myd`);
        fs.writeFileSync(file, bytes);
        const env: Record<string, string> = plan.point ? { MODELYARD_FAULT: plan.pauseMs ? `${plan.point}:${plan.pauseMs}` : plan.point } : {};
        const run = await runCli(['models', 'import', file, '--name', 'crash', '--registry', url, '--json'], env, {
          at: plan.point,
          delayMs: plan.killDelayMs ?? 0,
          afterSpawnMs: plan.afterSpawnMs,
        });
        results.push({ plan, run, sha: sha256Hex(bytes) });
      });
      await Promise.all(batch);
    }
    expect(results).toHaveLength(TRIES);
    // Every try paused at a point was killed exactly there; the random ones were killed wherever they were, or had finished.
    const exact = results.filter((x) => x.plan.point && !x.plan.pauseMs);
    for (const r of exact) {
      expect(r.run.signal, `${r.plan.point}: ${r.run.stderr}`).toBe('SIGKILL');
      expect(r.run.reached).toEqual([r.plan.point]);
    }
    const killed = results.filter((r) => r.run.signal === 'SIGKILL');
    expect(killed.length).toBeGreaterThan(exact.length);
    console.log(`[crash-kill ${ctx.dialect}] ${TRIES} tries: ${killed.length} killed (${exact.length} exactly at a fault point), ${TRIES - killed.length} finished first`);
    // Survivors (kill landed after the process finished) succeeded.
    for (const r of results.filter((x) => x.run.signal !== 'SIGKILL')) expect(r.run.code, r.run.stderr).toBe(0);

    const reg = await openRegistry({ url });
    try {
      const show = await reg.show('crash');
      const visible = new Map(show.versions.map((v) => [v.sha256, v.version]));
      // Certain outcomes: killed while paused after commit → visible; killed while paused before → not.
      for (const r of results) {
        const certainCommitted = (r.plan.point === 'register:after-commit' && !r.plan.pauseMs) || r.run.code === 0;
        const certainNot = r.plan.point !== undefined && !r.plan.pauseMs && r.plan.point !== 'register:after-commit';
        if (certainCommitted) expect(visible.has(r.sha), `committed ${r.plan.point}`).toBe(true);
        if (certainNot) expect(visible.has(r.sha), `uncommitted ${r.plan.point}`).toBe(false);
      }
      // Versions are distinct; every visible version loads with its registered bytes and has exactly one register audit row.
      const versions = show.versions.map((v) => v.version);
      expect(new Set(versions).size).toBe(versions.length);
      for (const v of show.versions) expect((await reg.load(v.ref)).info.sha256).toBe(v.sha256);
      const audit = await reg.audit({ name: 'crash', action: 'register', limit: 1000 });
      expect(audit.map((a) => a.version).sort()).toEqual([...versions].sort());
      // latest points at the most recently registered version.
      const newest = [...show.versions].sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0];
      expect(show.aliases.latest).toBe(newest.version);

      const rep = await reg.verify();
      expect(rep.problems).toEqual([]);
      expect(rep.ok).toBe(true);
      // Blobs stored by killed registers that never committed are orphans, each explained.
      const orphanShas = new Set(rep.orphans.filter((o) => o.kind === 'blob').map((o) => o.sha256));
      for (const r of results) {
        const blobCommitted = r.plan.point === 'register:after-blob' || r.plan.point === 'register:in-transaction' || (blobKind === 'fs' && r.plan.point === 'blob:renamed');
        if (blobCommitted && !r.plan.pauseMs) expect(orphanShas.has(r.sha), `orphan after ${r.plan.point}`).toBe(true);
      }
      expect(rep.orphans.length).toBeGreaterThan(0);
      for (const o of rep.orphans) {
        expect(o.explanation).toMatch(/interrupted|never committed/);
        // A blob under its final name is always whole: a kill mid-write leaves only a temporary file.
        expect(o.explanation).not.toMatch(/damaged/);
      }
      if (blobKind === 'fs') {
        // Killed between writing the temporary file and renaming it: a temp file, never a half blob under a final name.
        expect(rep.orphans.some((o) => o.kind === 'temp-file')).toBe(true);
      }
    } finally {
      await reg.close();
    }

    // The CLI agrees: verify passes (exit 0) and lists the orphans; --fix removes them.
    const verify = await runCli(['models', 'verify', '--registry', url, '--json'], {});
    expect(verify.code, verify.stderr).toBe(0);
    const report = JSON.parse(verify.stdout) as { ok: boolean; orphans: unknown[] };
    expect(report.ok).toBe(true);
    expect(report.orphans.length).toBeGreaterThan(0);
    const fix = await runCli(['models', 'verify', '--fix', '--registry', url, '--json'], {});
    expect(fix.code, fix.stderr).toBe(0);
    expect((JSON.parse(fix.stdout) as { orphans: { removed: boolean }[] }).orphans.every((o) => o.removed)).toBe(true);
    const after = await runCli(['models', 'verify', '--registry', url, '--json'], {});
    expect(JSON.parse(after.stdout)).toMatchObject({ ok: true, orphans: [] });
    // And the registry takes new versions after all that.
    const next = await runCli(['models', 'import', path.join(dir, 'k2000.myd'), '--name', 'crash-after', '--registry', url, '--json'], {});
    expect(next.code, next.stderr).toBe(0);
  });
});
