#!/usr/bin/env node
// Random forest: modelyard `forest` against scikit-learn RandomForest in the same run (same rows,
// same trees, min_samples_leaf, 2 threads; sqrt features for classification, all for regression).
// Each side runs in its own process; only the ratios mean anything on a shared machine.
// Usage: node bench/forest/run.mjs [trees=100]   (FOREST_ONLY=name,… to run a subset)
// Writes bench/results/forest.json and prints a markdown table.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
// ../shared beside the checkout (main), or two levels up (a worktree under /work/wt).
const shared = [path.resolve(root, '../shared'), path.resolve(root, '../../shared')].find((d) => fs.existsSync(d)) ?? path.resolve(root, '../shared');
const datasets = path.join(shared, 'datasets');
const peers = path.join(shared, 'peers');
const trees = process.argv[2] ?? '100';
const only = process.env.FOREST_ONLY ? process.env.FOREST_ONLY.split(',') : null;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-forest-'));

function synthetic(rows) {
  const all = path.join(tmp, `synthetic-${rows}.csv`);
  const r = spawnSync('/usr/bin/python3', [path.join(peers, 'make_synthetic.py'), String(rows), all], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const lines = fs.readFileSync(all, 'utf8').trimEnd().split('\n');
  const cut = 1 + Math.floor((lines.length - 1) * 0.8);
  fs.writeFileSync(path.join(tmp, `syn-${rows}-train.csv`), lines.slice(0, cut).join('\n') + '\n');
  fs.writeFileSync(path.join(tmp, `syn-${rows}-test.csv`), [lines[0], ...lines.slice(cut)].join('\n') + '\n');
  return { train: path.join(tmp, `syn-${rows}-train.csv`), test: path.join(tmp, `syn-${rows}-test.csv`) };
}

const SETS = [
  { name: 'synthetic_10k', task: 'binary', target: 'label', leaf: 1, files: () => synthetic(10_000) },
  { name: 'synthetic_100k', task: 'binary', target: 'label', leaf: 1, files: () => synthetic(100_000) },
  ...[
    ['mlc_churn', 'binary', 'churn'],
    ['credit_data', 'binary', 'Status'],
    ['lending_club', 'binary', 'Class'],
    ['attrition', 'binary', 'Attrition'],
    ['penguins', 'multiclass', 'species'],
    ['ames', 'regression', 'Sale_Price'],
    ['diamonds', 'regression', 'price'],
  ].map(([name, task, target]) => ({ name, task, target, leaf: 1, files: () => ({ train: path.join(datasets, name, 'train.csv'), test: path.join(datasets, name, 'test.csv') }) })),
];

function runJson(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const rows = [];
for (const s of SETS) {
  if (only && !only.includes(s.name)) continue;
  const f = s.files();
  const args = [f.train, f.test, s.target, s.task, trees, String(s.leaf)];
  const ours = runJson(process.execPath, [path.join(here, 'fit-child.mjs'), ...args, '2']);
  const peer = runJson('/usr/bin/python3', [path.join(here, 'sk_forest.py'), ...args, '2']);
  const metric = s.task === 'regression' ? 'rmse' : s.task === 'binary' ? 'roc_auc' : 'accuracy';
  rows.push({ dataset: s.name, task: s.task, metric, train_rows: ours.train_rows, ours, sklearn: peer, fit_ratio: ours.fit_s / peer.fit_s, predict_ratio: ours.predict_rows_per_s / peer.predict_rows_per_s, metric_delta: ours.metric - peer.metric });
  process.stderr.write(`${s.name}: fit ${ours.fit_s.toFixed(2)} s vs ${peer.fit_s.toFixed(2)} s; ${metric} ${ours.metric.toFixed(4)} vs ${peer.metric.toFixed(4)}\n`);
}
fs.rmSync(tmp, { recursive: true, force: true });
const out = path.join(root, 'bench/results/forest.json');
fs.writeFileSync(out, JSON.stringify({ trees: Number(trees), threads: 2, date: new Date().toISOString(), host: { cpus: os.cpus().length, node: process.version, load: os.loadavg() }, rows }, null, 2) + '\n');
const f4 = (v, t) => (t === 'regression' ? v.toFixed(1) : v.toFixed(4));
console.log(`| data set | rows | metric | ours | sklearn RF | Δ | fit s ours | fit s sklearn | fit ratio (ours ÷ sk) | predict rows/s ratio (ours ÷ sk) |`);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.dataset} | ${r.train_rows} | ${r.metric} | ${f4(r.ours.metric, r.task)} | ${f4(r.sklearn.metric, r.task)} | ${(r.metric_delta >= 0 ? '+' : '') + f4(r.metric_delta, r.task)} | ${r.ours.fit_s.toFixed(2)} | ${r.sklearn.fit_s.toFixed(2)} | ${r.fit_ratio.toFixed(2)} | ${r.predict_ratio.toFixed(2)} |`);
}
console.log(`\nwritten ${path.relative(root, out)}`);
