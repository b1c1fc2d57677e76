/**
 * The purchase-prediction example end to end through the CLI (issue 8, "Done when" 1 and 3): the
 * pipeline runs from a copy of the example, the model beats chance clearly on the temporal test
 * split, a second run skips every stage, and changing one stage's params reruns only that stage and
 * the stages after it. Small data in CI; MODELYARD_EXAMPLES_FULL=1 uses the README's sizes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../../test/helpers/build.js';
import { BIN, cli, json, ROOT } from '../../../test/helpers/cli.js';
import { copyExample, FULL, patch } from '../../helpers/example.js';

interface Summary {
  ok: boolean;
  ran: number;
  skipped: number;
  stages: { name: string; status: string; reason?: string; seconds: number; result?: Record<string, unknown> }[];
}

const dir = copyExample('purchase-prediction');
const file = path.join(dir, 'pipeline.yaml');
const home = path.join(dir, '.modelyard');
// request.mjs (run from the copy) imports @duckdb/node-api: let it resolve the repository's packages.
fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
if (!FULL) patch(file, 'params: { users: 2000, days: 90,', 'params: { users: 300, days: 60,');
const status = (s: Summary): Record<string, string> => Object.fromEntries(s.stages.map((x) => [x.name, x.status]));
const run = (): Summary => {
  const r = cli(['pipeline', 'run', file, '--json'], { home, timeoutMs: 600_000 });
  expect(r.code, r.stderr).toBe(0);
  return json<Summary>(r);
};

let server: ChildProcess | undefined;
beforeAll(() => ensureBuilt());
afterAll(() => {
  server?.kill();
});

describe('examples/purchase-prediction', { timeout: 600_000 }, () => {
  it('runs every stage and predicts purchases on the later, unseen weeks', () => {
    const s = run();
    expect(s.ran).toBe(11);
    const rows = (s.stages.find((x) => x.name === 'split')!.result as { rows: Record<string, number> }).rows;
    const total = rows.train + rows.validation + rows.test;
    // 70/15/15 by day: whole days move between sets, so allow a few points either way.
    expect(rows.train / total).toBeGreaterThan(0.62);
    expect(rows.train / total).toBeLessThan(0.78);
    expect(rows.validation / total).toBeGreaterThan(0.09);
    expect(rows.test / total).toBeGreaterThan(0.09);
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'reports/summary.json'), 'utf8'));
    for (const [name, m] of Object.entries(summary.models) as [string, { test: Record<string, number>; serving_threshold: number }][]) {
      expect(m.test.roc_auc, name).toBeGreaterThan(0.72);
      expect(m.serving_threshold, name).toBeGreaterThan(0);
    }
    const trainReport = JSON.parse(fs.readFileSync(path.join(dir, 'reports/train_logistic.json'), 'utf8'));
    expect(trainReport.registered.name).toBe('purchase-logistic');
    expect(Object.keys(summary.models)).toEqual(['logistic', 'gbdt']);
  });

  it('a second run skips every stage', () => {
    const s = run();
    expect(s.ran).toBe(0);
    expect(Object.values(status(s)).every((x) => x === 'skipped (cached)'), JSON.stringify(status(s))).toBe(true);
  });

  it("changing the split's params reruns the split and what depends on it, nothing before it", () => {
    patch(file, 'train_share: 0.70, validation_share: 0.15', 'train_share: 0.65, validation_share: 0.15');
    const s = run();
    expect(status(s)).toEqual({
      generate: 'skipped (cached)',
      sessionize: 'skipped (cached)',
      features: 'skipped (cached)',
      split: 'ran',
      train_logistic: 'ran',
      validate_logistic: 'ran',
      test_logistic: 'ran',
      train_gbdt: 'ran',
      validate_gbdt: 'ran',
      test_gbdt: 'ran',
      summary: 'ran',
    });
    expect(s.stages.find((x) => x.name === 'split')!.reason).toBe('params changed');
  });

  it('serves the GBDT with the validation threshold; 1000 rows per request pass, 1001 get 413', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const url = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--models', 'purchase-gbdt,purchase-logistic'], { env: { ...process.env, MODELYARD_HOME: home, MODELYARD_REGISTRY: '' }, stdio: 'ignore' });
    for (let i = 0; ; i++) {
      const ok = await fetch(`${url}/ready`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 300) throw new Error('server not ready after 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    const request = (rows: number): Record<string, unknown> => {
      const r = spawnSync(process.execPath, [path.join(dir, 'request.mjs'), url, 'purchase-gbdt', String(rows)], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    const ok = request(1000);
    expect(ok).toMatchObject({ status: 200, rows: 1000, threshold_applied: true, model: { name: 'purchase-gbdt' } });
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'reports/summary.json'), 'utf8'));
    expect(ok.threshold).toBe(summary.models.gbdt.serving_threshold);
    expect(ok.predicted_buyers as number).toBeGreaterThan(0);
    expect(ok.predicted_buyers as number).toBeLessThan(1000);
    const tooMany = request(1001);
    expect(tooMany.status).toBe(413);
  });

  it("changing the learner's params reruns only training and the stages after it", () => {
    patch(file, 'params: { C: 1.0 }', 'params: { C: 0.3 }');
    const s = run();
    expect(s.ran).toBe(4);
    expect(Object.entries(status(s)).filter(([, v]) => v === 'ran').map(([k]) => k)).toEqual(['train_logistic', 'validate_logistic', 'test_logistic', 'summary']);
    expect(s.stages.find((x) => x.name === 'train_logistic')!.reason).toBe('params changed');
    const models = json<{ versions: { version: string }[] }>(cli(['models', 'show', 'purchase-logistic', '--json'], { home }));
    expect(models.versions.map((v) => v.version).sort()).toEqual(['1.0.0', '1.0.1', '1.0.2']);
  });
});
