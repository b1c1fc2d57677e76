/** `modelyard pipeline run` through the built CLI: summary, caching across processes, exit codes. */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { cli, json } from '../helpers/cli.js';
import { tempDir, writeFile } from '../helpers/tmp.js';

const dir = tempDir('modelyard-cli-pipeline-');
const home = path.join(dir, 'home');
writeFile(
  dir,
  'gen.mjs',
  `import fs from 'node:fs';
export function gen(ctx) {
  let s = ctx.params.seed;
  const r = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const lines = ['id,x,label'];
  for (let i = 0; i < ctx.params.n; i++) { const x = r(); lines.push(i + ',' + x.toFixed(5) + ',' + (x + 0.5 * r() > 0.75 ? 'yes' : 'no')); }
  fs.writeFileSync(ctx.outputs.raw, lines.join('\\n') + '\\n');
  return { rows: ctx.params.n };
}
`,
);
const file = writeFile(
  dir,
  'pipeline.yaml',
  `name: cli-tiny
stages:
  gen:
    run: gen.mjs#gen
    params: { n: 300, seed: 5 }
    outputs: { raw: data/raw.csv }
  split:
    inputs: { raw: data/raw.csv }
    sql: |
      CREATE TABLE train AS SELECT * FROM raw WHERE id % 4 <> 0 ORDER BY id;
      CREATE TABLE test AS SELECT * FROM raw WHERE id % 4 = 0 ORDER BY id;
    outputs: { train: data/train.parquet, test: data/test.parquet }
  fit:
    train: { data: data/train.parquet, target: label, learner: linear, drop: [id] }
    register: { name: cli-tiny }
    outputs: { model: models/m.myd }
  test:
    evaluate: { model: cli-tiny@latest, data: data/test.parquet }
    outputs: { report: reports/test.json }
`,
);

interface Summary {
  ok: boolean;
  ran: number;
  skipped: number;
  stages: { name: string; status: string; reason?: string; seconds: number; result?: Record<string, unknown> }[];
  error?: { code: string; message: string };
}

beforeAll(() => ensureBuilt());

describe('modelyard pipeline run', () => {
  it('runs every stage, then skips every stage in a new process', () => {
    const r = cli(['pipeline', 'run', file, '--json'], { home });
    expect(r.code, r.stderr).toBe(0);
    const s = json<Summary>(r);
    expect(s.ok).toBe(true);
    expect(s.stages.map((x) => [x.name, x.status])).toEqual([['gen', 'ran'], ['split', 'ran'], ['fit', 'ran'], ['test', 'ran']]);
    expect(s.stages.every((x) => x.seconds > 0)).toBe(true);
    expect(r.stderr).toContain('[fit] registered cli-tiny@1.0.0');
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'reports/test.json'), 'utf8'));
    expect(report.rows).toBe(75);
    expect(report.metrics.roc_auc).toBeGreaterThan(0.8);

    const again = cli(['pipeline', 'run', file], { home });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('pipeline cli-tiny: 4 stages, 0 ran, 4 skipped (cached)');
    expect(again.stdout.match(/skipped \(cached\)/g)).toHaveLength(5);
    const models = json<{ versions: unknown[] }>(cli(['models', 'show', 'cli-tiny', '--json'], { home }));
    expect(models.versions).toHaveLength(1);
  });

  it('a failing stage exits 2, names the stage, and still prints the summary', () => {
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('WHERE id % 4 = 0', 'WHERE idd % 4 = 0'));
    const r = cli(['pipeline', 'run', file, '--json'], { home });
    expect(r.code).toBe(2);
    const s = json<Summary>(r);
    expect(s.ok).toBe(false);
    expect(s.error!.code).toBe('PIPELINE_STAGE_FAILED');
    expect(s.stages.map((x) => x.status)).toEqual(['skipped (cached)', 'failed', 'not run', 'not run']);
    expect(r.stderr).toMatch(/error PIPELINE_STAGE_FAILED: stage "split": SQL failed: .*idd/);
  });

  it('usage errors exit 2', () => {
    const r = cli(['pipeline', 'run', path.join(dir, 'nope.yaml')], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('FILE_NOT_FOUND');
    const r2 = cli(['pipeline', 'run', file, '--from', 'nope'], { home });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('PIPELINE_INVALID: --from nope: no such stage');
  });
});
