/**
 * Footprint of a real `modelyard serve` process with 10 loaded models (100-tree depth-6 GBDTs when
 * the gbdt learner is registered, linear models otherwise — the test says which ran): resident
 * memory under 150 MB, and cold start (spawn → GET /ready 200) under 1 s.
 *
 * The 1 s bound is asserted on the server's CPU time from spawn to ready, which the queue for the
 * CPU does not inflate (test files run in parallel on 2 cores here); wall time is reported and
 * guarded at 5 s. Quiet 2-core machine, 2026-11-23: 0.57–0.61 s wall, 0.62–0.68 s CPU.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelToBytes } from '../../src/artifact/model-artifact.js';
import { readFrame } from '../../src/frame/read.js';
import type { Json } from '../../src/learn/types.js';
import { trainModel } from '../../src/model/train.js';
import { openRegistry } from '../../src/registry/index.js';
import { freshRegistryDir, heavyLearner } from '../helpers/serve.js';
import { startServer, type ServerProcess } from '../helpers/serve-process.js';

/** 100 trees of depth 6 (up to 63 leaves), all rounds kept: the issue's serving model. */
const GBDT_100_DEPTH_6: Record<string, Json> = { rounds: 100, max_depth: 6, max_leaves: 63, early_stopping_rounds: 0 };

describe('server footprint', () => {
  let server: ServerProcess | null = null;
  afterAll(async () => server?.stop());

  it('10 loaded models: RSS < 150 MB; cold start < 1 s of CPU to ready (wall guarded at 5 s)', async () => {
    const dir = freshRegistryDir();
    const csv = path.join(dir, 'syn.csv');
    execFileSync('/usr/bin/python3', ['/work/shared/peers/make_synthetic.py', '3000', csv]);
    const frame = await readFrame(csv);
    const learner = heavyLearner();
    const params = learner === 'gbdt' ? GBDT_100_DEPTH_6 : {};
    const reg = await openRegistry({ url: dir });
    const names: string[] = [];
    for (let i = 0; i < 10; i++) {
      // Different seeds and row subsets: ten distinct artifacts (the server shares identical ones).
      const rows = Int32Array.from({ length: 2500 }, (_, j) => (j + i * 50) % frame.nRows);
      const { model } = await trainModel(frame.take(rows), { target: 'label', learner, params, seed: i + 1 });
      await reg.register({ name: `m${i}`, bytes: modelToBytes(model), actor: 'test' });
      names.push(`m${i}`);
    }
    await reg.close();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-fp-'));
    server = await startServer(['--registry', dir], { MODELYARD_HOME: home });
    const cpu = server.cpuSeconds();
    const ready = (await (await fetch(`${server.url}/ready`)).json()) as { models: { name: string }[] };
    expect(ready.models.map((m: { name: string }) => m.name).sort()).toEqual(names);
    // Exercise every model once, then measure.
    for (const n of names) {
      const info = (await (await fetch(`${server.url}/v1/models/${n}`)).json()) as { schema: { features: { name: string }[] } };
      const row = Object.fromEntries(info.schema.features.map((f: { name: string }) => [f.name, 0.1]));
      const r = await fetch(`${server.url}/v1/models/${n}/predict`, { method: 'POST', body: JSON.stringify({ instances: [row] }), headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(200);
    }
    const rssMb = server.rss() / 1024 / 1024;
    const load = os.loadavg()[0];
    console.log(
      `footprint (${learner}${learner === 'gbdt' ? ` ${JSON.stringify(params)}` : ''}): RSS ${rssMb.toFixed(1)} MB with 10 models; ` +
        `cold start ${server.readyMs.toFixed(0)} ms wall, ${(cpu * 1000).toFixed(0)} ms CPU (load average ${load.toFixed(1)} on ${os.cpus().length} cores)`,
    );
    expect(rssMb).toBeLessThan(150);
    // Issue 6: cold start to ready < 1 s. Asserted on CPU time (see the file comment); the bundled CLI
    // (scripts/bundle-cli.mjs) took it from ~1.1 s to ~0.6 s on a quiet machine.
    expect(cpu).toBeLessThan(1.0);
    expect(server.readyMs).toBeLessThan(5000);
    fs.rmSync(home, { recursive: true, force: true });
  }, 300_000);
});
