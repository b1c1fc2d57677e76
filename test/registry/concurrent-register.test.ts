/**
 * 8 real `modelyard models import` processes register the same model at once, held at a start
 * barrier so that their transactions really collide: 8 distinct versions and 8 audit rows, on
 * both dialects.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { openRegistry } from '../../src/registry/registry.js';
import { ensureBuilt } from '../helpers/build.js';
import { runCli } from '../helpers/cli-process.js';
import { fakeModelBytes } from '../helpers/model-bytes.js';
import { describeDialects, tmpDir } from '../helpers/registry-dialects.js';

beforeAll(() => ensureBuilt(), 300_000);

describeDialects('concurrent registers from 8 processes', (ctx) => {
  it('8 processes registering one model at once get 8 distinct versions and 8 audit rows', async () => {
    const url = ctx.freshUrl();
    const seeded = await openRegistry({ url }); // migrate first, as a deployed registry would be
    await seeded.close();
    const dir = tmpDir('race');
    const files = Array.from({ length: 8 }, (_, i) => {
      const f = path.join(dir, `m${i}.myd`);
      fs.writeFileSync(f, fakeModelBytes({ seed: 1000 + i }));
      return f;
    });
    // Start barrier: every process stores its blob, then waits for the same wall-clock instant
    // before its transaction, so the 8 transactions contend for the lock.
    const barrier = Date.now() + 4000;
    const runs = await Promise.all(
      files.map((f) => runCli(['models', 'import', f, '--name', 'race', '--registry', url, '--json'], { MODELYARD_FAULT: `register:after-blob:@${barrier}` })),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(runs.every((r) => r.reached.includes('register:after-blob'))).toBe(true);
    const versions = runs.map((r) => (JSON.parse(r.stdout) as { version: string }).version).sort();
    expect(new Set(versions).size).toBe(8);
    expect(versions).toEqual(['1.0.0', '1.0.1', '1.0.2', '1.0.3', '1.0.4', '1.0.5', '1.0.6', '1.0.7']);
    const reg = await openRegistry({ url });
    try {
      const audit = await reg.audit({ name: 'race', action: 'register', limit: 100 });
      expect(audit).toHaveLength(8);
      expect(audit.every((a) => a.actor === 'proc')).toBe(true);
      expect(new Set(audit.map((a) => a.version)).size).toBe(8);
      // Each version holds the bytes its process registered.
      const shaByVersion = new Map((await reg.show('race')).versions.map((v) => [v.version, v.sha256]));
      for (const r of runs) {
        const info = JSON.parse(r.stdout) as { version: string; sha256: string };
        expect(shaByVersion.get(info.version)).toBe(info.sha256);
      }
      expect(new Set(shaByVersion.values()).size).toBe(8);
      expect((await reg.verify()).ok).toBe(true);
    } finally {
      await reg.close();
    }
  });

});
