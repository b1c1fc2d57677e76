#!/usr/bin/env node
// Reading a 1M-row × 29-column CSV into a Frame (DuckDB CSV reader → typed arrays), next to
// pandas.read_csv of the same file in the same run. Each reader runs in its own process so that
// peak RSS is the reader's own.
//   npx tsc -p tsconfig.build.json && node bench/read/run.mjs [rows=1000000] [repeats=3]
// Writes bench/results/read.json.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rows = Number(process.argv[2] ?? 1_000_000);
const repeats = Number(process.argv[3] ?? 3);
const dataDir = path.join(ROOT, 'bench/.data');
fs.mkdirSync(dataDir, { recursive: true });
const file = path.join(dataDir, `synthetic_${rows}.csv`);
if (!fs.existsSync(file)) {
  process.stderr.write(`making ${file} with make_synthetic.py…\n`);
  execFileSync('/usr/bin/python3', [path.resolve(ROOT, '../shared/peers/make_synthetic.py'), String(rows), file], { stdio: 'inherit' });
}

const ours = `
const { readFrame } = await import(${JSON.stringify(path.join(ROOT, 'dist/frame/read.js'))});
const t = performance.now();
const f = await readFrame(${JSON.stringify(file)});
const s = (performance.now() - t) / 1000;
console.log(JSON.stringify({ seconds: s, rows: f.nRows, columns: f.columns.length, maxRssMB: process.resourceUsage().maxRSS / 1024 }));`;
const peer = `
import time, resource, pandas as pd, json
t = time.perf_counter(); df = pd.read_csv(${JSON.stringify(file)}); s = time.perf_counter() - t
print(json.dumps({"seconds": s, "rows": len(df), "columns": df.shape[1], "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))`;

function once(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const runs = { modelyard: [], pandas: [] };
for (let i = 0; i < repeats; i++) {
  runs.modelyard.push(once(process.execPath, ['--input-type=module', '-e', ours]));
  runs.pandas.push(once('/usr/bin/python3', ['-c', peer]));
}
const summary = Object.fromEntries(
  Object.entries(runs).map(([k, v]) => [k, { seconds: median(v.map((x) => x.seconds)), maxRssMB: Math.max(...v.map((x) => x.maxRssMB)), rows: v[0].rows, columns: v[0].columns }]),
);
const result = {
  date: new Date().toISOString(),
  file: path.basename(file),
  bytes: fs.statSync(file).size,
  host: { cpus: os.cpus().length, load: os.loadavg()[0], node: process.version },
  repeats,
  runs,
  summary,
  ratio_seconds_ours_over_pandas: summary.modelyard.seconds / summary.pandas.seconds,
  ratio_rss_ours_over_pandas: summary.modelyard.maxRssMB / summary.pandas.maxRssMB,
  targets: { seconds: 3, maxRssMB: 1024 },
};
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/read.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`| reader | rows × cols | median s | peak RSS MB |`);
console.log(`|---|---|---|---|`);
for (const [k, v] of Object.entries(summary)) console.log(`| ${k} | ${v.rows} × ${v.columns} | ${v.seconds.toFixed(2)} | ${v.maxRssMB.toFixed(0)} |`);
console.log(`ratio ours/pandas: time ${result.ratio_seconds_ours_over_pandas.toFixed(2)}, RSS ${result.ratio_rss_ours_over_pandas.toFixed(2)} (load ${result.host.load.toFixed(1)})`);
