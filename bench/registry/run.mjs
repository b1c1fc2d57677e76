#!/usr/bin/env node
// Registry speed: `models list` (and `show`) with 1,000 registered versions, on SQLite and Postgres.
//
//   npm run build && node bench/registry/run.mjs [--pg postgres://…] [--no-pg]
//
// Fills fresh registries through the real register path (blob fsync + one transaction each), then
// times `registry.list()` in-process (median of 25 after a warm-up) and the whole CLI process
// `node bin/modelyard.js models list --json` (median of 11; also with MODELYARD_NO_BUNDLE=1, the
// unbundled modules), interleaved with a bare `node -e 0` in the same run so that process start-up
// on a busy machine can be told apart from registry work.
// Writes bench/results/registry.json.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { openRegistry } = await import(path.join(ROOT, 'dist/registry/index.js'));
const { encodeContainer } = await import(path.join(ROOT, 'dist/artifact/container.js'));

const args = process.argv.slice(2);
const PG_URL = args.includes('--pg') ? args[args.indexOf('--pg') + 1] : (process.env.MODELYARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const usePg = !args.includes('--no-pg');

/** Container bytes shaped like a model header (the registry reads headers only). */
function modelBytes(seed) {
  const features = [
    { name: 'age', kind: 'numeric', missingRate: 0 },
    { name: 'income', kind: 'numeric', missingRate: 0.1 },
    { name: 'region', kind: 'categorical', categories: ['north', 'south', 'east', 'west'], missingRate: 0 },
  ];
  return encodeContainer(
    {
      format: 'modelyard.model',
      formatVersion: 1,
      schema: { features, dropped: [] },
      target: { name: 'y', task: 'binary', classes: ['no', 'yes'] },
      parts: [{ segment: null, learner: { learner: 'gbdt', version: 1, params: { trees: 100 }, state: {}, arrays: ['w'] }, metrics: { roc_auc: 0.8 }, rows: 1000 }],
      metadata: {
        createdAt: new Date().toISOString(),
        packageVersion: '0.1.0',
        learner: 'gbdt',
        params: { trees: 100, depth: 6, seed },
        data: { file: 'train.csv', rows: 1000, columns: 4 },
        metrics: { test: { roc_auc: 0.8 + (seed % 100) / 1000, log_loss: 0.4 }, train: { roc_auc: 0.9 } },
        recipe: { target: 'y' },
        warnings: [],
      },
      profile: null,
    },
    { 'p0.w': new Float64Array(256).fill(seed) },
  );
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeIt(fn, n) {
  await fn(); // warm-up
  const ts = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return { median_ms: +median(ts).toFixed(2), min_ms: +Math.min(...ts).toFixed(2), max_ms: +Math.max(...ts).toFixed(2), runs: n };
}

/** Runs each command n times, interleaved (a, b, c, a, b, c, …) so that load changes hit all alike. */
function timeProcesses(cmds, n) {
  const ts = cmds.map(() => []);
  for (let i = 0; i < n; i++) {
    cmds.forEach(({ argv, env }, k) => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, argv, { env: { ...process.env, ...env }, encoding: 'utf8' });
      ts[k].push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
    });
  }
  return ts.map((t) => ({ median_ms: +median(t).toFixed(1), min_ms: +Math.min(...t).toFixed(1), runs: n }));
}

async function bench(dialect, url, layout) {
  const reg = await openRegistry({ url });
  const t0 = performance.now();
  let seed = 0;
  for (let m = 0; m < layout.models; m++) {
    for (let v = 0; v < layout.versionsPerModel; v++) {
      await reg.register({ name: `model-${String(m).padStart(3, '0')}`, bytes: modelBytes(seed++), actor: 'bench' });
    }
  }
  const fillS = (performance.now() - t0) / 1000;
  const total = layout.models * layout.versionsPerModel;
  const list = await timeIt(() => reg.list(), 25);
  const show = await timeIt(() => reg.show('model-000'), 10);
  const listed = (await reg.list()).reduce((s, m) => s + m.versions, 0);
  if (listed !== total) throw new Error(`expected ${total} versions, list counts ${listed}`);
  await reg.close();
  const listArgv = [path.join(ROOT, 'bin/modelyard.js'), 'models', 'list', '--json', '--registry', url];
  const [cli, cliUnbundled, bareNode] = timeProcesses(
    [
      { argv: listArgv, env: {} },
      // The same command from the unbundled modules (dist/cli), for comparison.
      { argv: listArgv, env: { MODELYARD_NO_BUNDLE: '1' } },
      { argv: ['-e', '0'], env: {} },
    ],
    11,
  );
  return {
    dialect,
    layout: `${layout.models} model(s) × ${layout.versionsPerModel} versions`,
    versions: total,
    register_per_version_ms: +((fillS * 1000) / total).toFixed(1),
    list_in_process: list,
    show_largest_model_in_process: show,
    cli_models_list_process: cli,
    cli_models_list_process_unbundled: cliUnbundled,
    bare_node_process: bareNode,
    cli_minus_bare_node_ms: +(cli.median_ms - bareNode.median_ms).toFixed(1),
  };
}

const layouts = [
  { models: 1, versionsPerModel: 1000 },
  { models: 100, versionsPerModel: 10 },
];
const results = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-bench-registry-'));
try {
  for (const [i, layout] of layouts.entries()) {
    results.push(await bench('sqlite', path.join(tmp, `sqlite-${i}`), layout));
    console.error(JSON.stringify(results.at(-1)));
  }
  if (usePg) {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      for (const [i, layout] of layouts.entries()) {
        const schema = `bench_registry_${process.pid}_${i}`;
        const u = new URL(PG_URL);
        u.searchParams.set('schema', schema);
        try {
          results.push(await bench('postgres', u.toString(), layout));
          console.error(JSON.stringify(results.at(-1)));
        } finally {
          await admin.query(`drop schema if exists "${schema}" cascade`);
        }
      }
    } finally {
      await admin.end();
    }
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

const out = {
  benchmark: 'registry: models list / show with 1,000 versions',
  command: 'node bench/registry/run.mjs',
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  cpu_model: os.cpus()[0]?.model,
  load_average_at_end: os.loadavg().map((x) => +x.toFixed(2)),
  git_commit: (() => {
    try {
      return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  })(),
  target: 'models list with 1,000 versions < 200 ms',
  results,
};
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/registry.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(JSON.stringify(out, null, 2));
