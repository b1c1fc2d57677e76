import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.js';
import { ModelyardError } from '../errors.js';
import { bestF1Threshold } from '../metrics/threshold.js';
import { loadPipeline, parsePipeline } from './parse.js';
import { runPipeline } from './run.js';
import type { RunSummary } from './types.js';

const GEN_MJS = `import fs from 'node:fs';
export function gen(ctx) {
  const lines = ['id,x,y,label'];
  let s = ctx.params.seed;
  const r = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  for (let i = 0; i < ctx.params.n; i++) {
    const x = r(), y = r();
    lines.push(\`\${i},\${x.toFixed(6)},\${y.toFixed(6)},\${x + y + 0.4 * r() > 1.2 ? 1 : 0}\`);
  }
  fs.writeFileSync(ctx.outputs.raw, lines.join('\\n') + '\\n');
  return { rows: ctx.params.n };
}
`;

const PIPELINE = `name: tiny
stages:
  gen:
    run: gen.mjs#gen
    params: { n: 400, seed: 11 }
    outputs: { raw: data/raw.csv }
  feat:
    inputs: { raw: data/raw.csv }
    params: { scale: 2 }
    sql: SELECT id, x * getvariable('scale') AS x2, y, label FROM raw ORDER BY id;
    outputs: { feats: data/feats.parquet }
  split:
    inputs: { f: data/feats.parquet }
    params: { cut: 0.7 }
    sql: |
      CREATE TABLE train AS SELECT * FROM f WHERE y < getvariable('cut') ORDER BY id;
      CREATE VIEW test AS SELECT * FROM f WHERE y >= getvariable('cut') ORDER BY id;
    outputs: { train: data/train.parquet, test: data/test.parquet }
  fit:
    train: { data: data/train.parquet, target: label, learner: linear, drop: [id], class_weight: balanced }
    outputs: { model: models/m.myd, report: reports/train.json }
  eval:
    evaluate: { model: models/m.myd, data: data/test.parquet, choose_threshold: f1 }
    outputs: { report: reports/test.json }
`;

function setup(pipelineText = PIPELINE): string {
  const dir = tempDir('modelyard-pipeline-');
  fs.writeFileSync(path.join(dir, 'gen.mjs'), GEN_MJS);
  fs.writeFileSync(path.join(dir, 'pipeline.yaml'), pipelineText);
  return dir;
}

const statuses = (s: RunSummary): Record<string, string> => Object.fromEntries(s.stages.map((st) => [st.name, st.status]));
const run = (dir: string, opts: Parameters<typeof runPipeline>[1] = {}): Promise<RunSummary> =>
  runPipeline(loadPipeline(path.join(dir, 'pipeline.yaml')), { registry: path.join(dir, 'registry'), ...opts });
function edit(dir: string, from: string, to: string): void {
  const f = path.join(dir, 'pipeline.yaml');
  const text = fs.readFileSync(f, 'utf8');
  expect(text).toContain(from);
  fs.writeFileSync(f, text.replace(from, to));
}
async function failure(p: Promise<unknown>): Promise<ModelyardError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ModelyardError);
    return e as ModelyardError;
  }
  throw new Error('expected the run to fail');
}

describe('pipeline run: caching', () => {
  it('runs every stage once, then skips all; a param change reruns only that stage and its dependents', async () => {
    const dir = setup();
    const first = await run(dir);
    expect(statuses(first)).toEqual({ gen: 'ran', feat: 'ran', split: 'ran', fit: 'ran', eval: 'ran' });
    expect(first.stages.find((s) => s.name === 'gen')!.result).toEqual({ rows: 400 });
    expect(first.stages.find((s) => s.name === 'split')!.result).toEqual({ rows: { train: expect.any(Number), test: expect.any(Number) } });
    const rep = JSON.parse(fs.readFileSync(path.join(dir, 'reports/test.json'), 'utf8'));
    expect(rep.metrics.roc_auc).toBeGreaterThan(0.85);
    expect(rep.best_threshold.f1).toBeGreaterThanOrEqual(rep.metrics.f1 - 1e-12);

    const second = await run(dir);
    expect(second.ran).toBe(0);
    expect(Object.values(statuses(second)).every((s) => s === 'skipped (cached)')).toBe(true);

    edit(dir, 'cut: 0.7', 'cut: 0.6');
    const third = await run(dir);
    expect(statuses(third)).toEqual({ gen: 'skipped (cached)', feat: 'skipped (cached)', split: 'ran', fit: 'ran', eval: 'ran' });
    expect(third.stages.find((s) => s.name === 'split')!.reason).toBe('params changed');
    expect(third.stages.find((s) => s.name === 'fit')!.reason).toBe('input changed: data');
  });

  it('skips dependents whose inputs come out byte-identical (content, not timestamps)', async () => {
    const dir = setup();
    await run(dir);
    // The same SQL with different layout: the stage reruns (code changed), its output is identical.
    edit(dir, "sql: SELECT id, x * getvariable('scale') AS x2", "sql: SELECT id,   x * getvariable('scale')   AS x2");
    const s = await run(dir);
    expect(statuses(s)).toEqual({ gen: 'skipped (cached)', feat: 'ran', split: 'skipped (cached)', fit: 'skipped (cached)', eval: 'skipped (cached)' });
    expect(s.stages.find((x) => x.name === 'feat')!.reason).toBe('code changed');
  });

  it('reruns a stage whose output was deleted or modified, and one whose module file changed', async () => {
    const dir = setup();
    await run(dir);
    fs.rmSync(path.join(dir, 'reports/test.json'));
    let s = await run(dir);
    expect(statuses(s).eval).toBe('ran');
    expect(s.stages.find((x) => x.name === 'eval')!.reason).toBe('output missing: reports/test.json');
    expect(s.ran).toBe(1);

    fs.appendFileSync(path.join(dir, 'reports/train.json'), ' ');
    s = await run(dir);
    expect(s.stages.find((x) => x.name === 'fit')!.reason).toBe('output modified: reports/train.json');

    fs.appendFileSync(path.join(dir, 'gen.mjs'), '\n// a comment\n');
    s = await run(dir);
    expect(s.stages.find((x) => x.name === 'gen')!.reason).toBe('code changed');
    // The generator writes the same bytes, so nothing downstream reruns.
    expect(s.ran).toBe(1);
  });

  it('--force reruns the selected stages; --only and --from select', async () => {
    const dir = setup();
    await run(dir);
    let s = await run(dir, { only: ['feat'], force: true });
    expect(statuses(s)).toEqual({ gen: 'not selected', feat: 'ran', split: 'not selected', fit: 'not selected', eval: 'not selected' });
    s = await run(dir, { from: 'fit', force: true });
    expect(statuses(s)).toEqual({ gen: 'not selected', feat: 'not selected', split: 'not selected', fit: 'ran', eval: 'ran' });
    s = await run(dir, { from: 'split' });
    expect(statuses(s)).toEqual({ gen: 'not selected', feat: 'not selected', split: 'skipped (cached)', fit: 'skipped (cached)', eval: 'skipped (cached)' });
    const e = await failure(run(dir, { only: ['nope'] }));
    expect(e.code).toBe('PIPELINE_INVALID');
    expect(e.location.flag).toBe('--only');
  });

  it('an --only stage whose input is missing fails naming the stage and the producer', async () => {
    const dir = setup();
    const e = await failure(run(dir, { only: ['fit'] }));
    expect(e.code).toBe('PIPELINE_INPUT_MISSING');
    expect(e.message).toContain('stage "fit"');
    expect(e.message).toContain('stage "split" writes it');
    expect((e.details as RunSummary).stages.find((s) => s.name === 'fit')!.status).toBe('failed');
  });

  it('runs stages in dependency order whatever the file order', async () => {
    const lines = PIPELINE.split('\n');
    const genStart = lines.indexOf('  gen:');
    const featStart = lines.indexOf('  feat:');
    const reordered = [...lines.slice(0, genStart), ...lines.slice(featStart), ...lines.slice(genStart, featStart)].join('\n');
    const dir = setup(reordered);
    const s = await run(dir);
    expect(s.stages.map((x) => x.name)).toEqual(['gen', 'feat', 'split', 'fit', 'eval']);
    expect(s.ran).toBe(5);
  });

  it('a train stage can register the model; a registry reference is an evaluate input', async () => {
    const dir = setup(
      PIPELINE.replace('    outputs: { model: models/m.myd, report: reports/train.json }', '    register: { name: tiny-model, aliases: [champion] }\n    outputs: { model: models/m.myd, report: reports/train.json }').concat(
        '  eval_ref:\n    evaluate: { model: tiny-model@champion, data: data/test.parquet }\n    outputs: { report: reports/ref.json }\n',
      ),
    );
    const s = await run(dir);
    expect(s.stages.find((x) => x.name === 'fit')!.result).toMatchObject({ registered: { name: 'tiny-model', version: '1.0.0' } });
    expect(statuses(s).eval_ref).toBe('ran');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'reports/ref.json'), 'utf8')).model).toBe('tiny-model@1.0.0');
    const again = await run(dir);
    expect(again.ran).toBe(0);
    // Retraining registers a new version and moves the alias: the evaluate stage's key follows it.
    const forced = await run(dir, { only: ['fit'], force: true });
    expect(forced.stages.find((x) => x.name === 'fit')!.result).toMatchObject({ registered: { version: '1.0.1' } });
    const after = await run(dir);
    expect(statuses(after).eval_ref).toBe('ran');
    expect(after.stages.find((x) => x.name === 'eval_ref')!.reason).toBe('input changed: model');
  });

  it('an evaluate stage naming a model registered by a train stage runs after it, whatever the file order', async () => {
    const dir = setup(
      PIPELINE.replace('  gen:\n', '  eval_ref:\n    evaluate: { model: tiny-model@champion, data: data/test.parquet }\n    outputs: { report: reports/ref.json }\n  gen:\n').replace(
        '    outputs: { model: models/m.myd, report: reports/train.json }',
        '    register: { name: tiny-model, aliases: [champion] }\n    outputs: { model: models/m.myd, report: reports/train.json }',
      ),
    );
    const s = await run(dir);
    expect(s.stages.map((x) => x.name)).toEqual(['gen', 'feat', 'split', 'fit', 'eval_ref', 'eval']);
  });
});

describe('pipeline run: errors name the stage', () => {
  it('a SQL error is PIPELINE_STAGE_FAILED; stages before it stay cached', async () => {
    const dir = setup(PIPELINE.replace("x * getvariable('scale') AS x2", 'no_such_column AS x2'));
    const e = await failure(run(dir));
    expect(e.code).toBe('PIPELINE_STAGE_FAILED');
    expect(e.message).toMatch(/stage "feat": SQL failed: .*no_such_column/);
    const partial = e.details as RunSummary;
    expect(statuses(partial)).toEqual({ gen: 'ran', feat: 'failed', split: 'not run', fit: 'not run', eval: 'not run' });
    const e2 = await failure(run(dir));
    expect(statuses(e2.details as RunSummary).gen).toBe('skipped (cached)');
  });

  it('a function that throws, one that writes nothing, and a missing export', async () => {
    const dir = setup();
    fs.writeFileSync(path.join(dir, 'gen.mjs'), 'export function gen() { throw new Error("disk on fire"); }\nexport function lazy() {}\n');
    let e = await failure(run(dir));
    expect(e.code).toBe('PIPELINE_STAGE_FAILED');
    expect(e.message).toContain('stage "gen": gen.mjs#gen threw: disk on fire');
    edit(dir, 'gen.mjs#gen', 'gen.mjs#lazy');
    e = await failure(run(dir));
    expect(e.code).toBe('PIPELINE_OUTPUT_MISSING');
    expect(e.message).toContain('stage "gen" finished without writing output "raw" (data/raw.csv)');
    edit(dir, 'gen.mjs#lazy', 'gen.mjs#absent');
    e = await failure(run(dir));
    expect(e.code).toBe('PIPELINE_INVALID');
    expect(e.message).toContain('no exported function "absent" (exported functions: gen, lazy)');
  });

  it('a train error keeps its own code and gains the stage name', async () => {
    const dir = setup(PIPELINE.replace('target: label', 'target: nope'));
    const e = await failure(run(dir));
    expect(e.code).toBe('COLUMN_MISSING');
    expect(e.message).toMatch(/^stage "fit": /);
  });

  it('a SQL stage with several outputs must create a table per output', async () => {
    const dir = setup(PIPELINE.replace("CREATE VIEW test AS", 'CREATE VIEW test2 AS'));
    const e = await failure(run(dir));
    expect(e.code).toBe('PIPELINE_STAGE_FAILED');
    expect(e.message).toContain('stage "split": output "test": the SQL must create a table or view named "test"');
  });

  it('loads a TypeScript function module', async () => {
    const dir = setup(PIPELINE.replace('gen.mjs#gen', 'gen.ts#gen'));
    fs.writeFileSync(path.join(dir, 'gen.ts'), GEN_MJS.replace('export function gen(ctx)', 'export function gen(ctx: { params: { n: number; seed: number }; outputs: { raw: string } }): { rows: number }').replace('let s = ctx.params.seed;', 'let s: number = ctx.params.seed;'));
    const s = await run(dir, { only: ['gen'] });
    expect(s.stages[0]).toMatchObject({ name: 'gen', status: 'ran', result: { rows: 400 } });
  });
});

describe('pipeline files: PIPELINE_INVALID names the stage and field', () => {
  const bad = (text: string): ModelyardError => {
    try {
      parsePipeline(text, '/tmp/x/pipeline.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(ModelyardError);
      expect((e as ModelyardError).code).toBe('PIPELINE_INVALID');
      return e as ModelyardError;
    }
    throw new Error('expected PIPELINE_INVALID');
  };

  it('rejects malformed files', () => {
    expect(bad('stages: [1, 2').message).toContain('is not valid YAML');
    expect(bad('stages: {}').message).toContain('has no stages');
    expect(bad('stages:\n  a:\n    outputs: [x.csv]\n').message).toContain('stage "a": needs one of sql, sql_file, run, train, evaluate');
    const e = bad('stages:\n  a:\n    sql: SELECT 1\n    outputs: [x.csv]\n    paramz: {}\n');
    expect(e.message).toContain('stage "a": "paramz" is not a known key');
    expect(e.location.field).toBe('stages.a.paramz');
    expect(bad('stages:\n  a:\n    sql: SELECT 1\n    outputs: [x.txt]\n').message).toContain('must end in .parquet, .csv or .jsonl');
    expect(bad('stages:\n  a:\n    sql: SELECT 1\n    run: f.js\n    outputs: [x.csv]\n').message).toContain('"run" cannot be combined with "sql"');
    expect(bad('stages:\n  a:\n    sql: SELECT 1\n    outputs: [x.csv]\n  b:\n    sql: SELECT 2\n    outputs: [x.csv]\n').message).toContain('stage "b": "outputs" writes x.csv, which stage "a" also writes');
    expect(bad('stages:\n  a:\n    train: { data: d.csv, target: y, class_weight: heavy }\n    outputs: { model: m.myd }\n').message).toContain('"train.class_weight" must be one of none, balanced');
    expect(bad('stages:\n  a:\n    train: { data: d.csv, target: y }\n    outputs: { report: r.json }\n').message).toContain('"outputs.model" is required');
    expect(bad('stages:\n  a:\n    evaluate: { model: m.myd, data: d.csv }\n    outputs: { report: r.json }\n    params: { x: 1 }\n').message).toContain('"params" is not a known key');
  });

  it('rejects a cycle', async () => {
    const dir = tempDir('modelyard-pipeline-cycle-');
    fs.writeFileSync(path.join(dir, 'p.yaml'), 'stages:\n  a:\n    inputs: { b: b.csv }\n    sql: SELECT * FROM b\n    outputs: [a.csv]\n  b:\n    inputs: { a: a.csv }\n    sql: SELECT * FROM a\n    outputs: [b.csv]\n');
    const e = await failure(runPipeline(loadPipeline(path.join(dir, 'p.yaml'))));
    expect(e.code).toBe('PIPELINE_INVALID');
    expect(e.message).toContain('stages "a", "b" depend on each other in a cycle');
  });
});

describe('bestF1Threshold', () => {
  it('matches a brute-force search over every distinct score', () => {
    let s = 3;
    const r = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
    const n = 500;
    const y = new Float64Array(n);
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = r() < 0.15 ? 1 : 0;
      p[i] = Math.round((0.3 * y[i] + 0.7 * r()) * 50) / 50; // ties on purpose
    }
    let best = { f1: -1, t: NaN };
    for (const t of new Set(p)) {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (let i = 0; i < n; i++) {
        if (p[i] >= t) y[i] ? tp++ : fp++;
        else if (y[i]) fn++;
      }
      const f1 = (2 * tp) / (2 * tp + fp + fn);
      if (f1 > best.f1 || (f1 === best.f1 && t > best.t)) best = { f1, t };
    }
    const got = bestF1Threshold(y, p);
    expect(got.f1).toBeCloseTo(best.f1, 12);
    expect(got.threshold).toBe(best.t);
  });
});
