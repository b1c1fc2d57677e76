#!/usr/bin/env node
// Quality on the seven shared data sets through the real CLI: `train --learner L` on train.csv,
// then `evaluate --json` on test.csv, next to the reference columns of ../shared/datasets/README.md.
// Usage: node bench/quality/run.mjs [learner=linear] [extra train flags…]
// Writes bench/results/quality-<learner>.json and prints a markdown table.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const datasets = [path.resolve(root, '../shared/datasets'), path.resolve(root, '../../shared/datasets')].find((d) => fs.existsSync(d)) ?? path.resolve(root, '../shared/datasets');
const learner = process.argv[2] ?? 'linear';
const extra = process.argv.slice(3);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-quality-'));

// Reference scores (ROC AUC / accuracy / RMSE on test.csv) from ../shared/datasets/README.md.
const REF = {
  mlc_churn: { task: 'binary', target: 'churn', linear: 0.8175, random_forest: 0.9207, sk_hist_gbdt: 0.9095, xgboost_hist: 0.924 },
  credit_data: { task: 'binary', target: 'Status', linear: 0.8546, random_forest: 0.8419, sk_hist_gbdt: 0.8514, xgboost_hist: 0.8302 },
  lending_club: { task: 'binary', target: 'Class', linear: 0.7472, random_forest: 0.7537, sk_hist_gbdt: 0.7116, xgboost_hist: 0.7115 },
  attrition: { task: 'binary', target: 'Attrition', linear: 0.8152, random_forest: 0.7908, sk_hist_gbdt: 0.7851, xgboost_hist: 0.7707 },
  penguins: { task: 'multiclass', target: 'species', linear: 1.0, random_forest: 1.0, sk_hist_gbdt: 0.9855, xgboost_hist: 1.0 },
  diamonds: { task: 'regression', target: 'price', linear: 1135.2, random_forest: 549.6, sk_hist_gbdt: 537.8, xgboost_hist: 560.6 },
  ames: { task: 'regression', target: 'Sale_Price', linear: 30635.9, random_forest: 29049.0, sk_hist_gbdt: 25211.8, xgboost_hist: 30371.4 },
};
const METRIC = { binary: 'roc_auc', multiclass: 'accuracy', regression: 'rmse' };

function run(args) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [path.join(root, 'bin/modelyard.js'), ...args], { env: { ...process.env, MODELYARD_HOME: home, MODELYARD_REGISTRY: '' }, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`modelyard ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return { out: r.stdout, seconds: (performance.now() - t) / 1000 };
}

const rows = [];
for (const [name, ref] of Object.entries(REF)) {
  const dir = path.join(datasets, name);
  const train = run(['train', path.join(dir, 'train.csv'), '--target', ref.target, '--learner', learner, '--name', name, '--json', ...extra]);
  const trained = JSON.parse(train.out);
  const ev = JSON.parse(run(['evaluate', name, path.join(dir, 'test.csv'), '--json']).out);
  const metric = METRIC[ref.task];
  const ours = ev.metrics[metric];
  const best = ref.task === 'regression' ? Math.min(ref.linear, ref.random_forest, ref.sk_hist_gbdt, ref.xgboost_hist) : Math.max(ref.linear, ref.random_forest, ref.sk_hist_gbdt, ref.xgboost_hist);
  rows.push({ dataset: name, task: ref.task, metric, ours, learner_chosen: trained.learner, reference: ref, best_reference: best, train_seconds: trained.seconds, cv: trained.cv?.mean?.[metric] });
  process.stderr.write(`${name}: ${metric} ${ours}\n`);
}
fs.rmSync(home, { recursive: true, force: true });
const out = path.join(root, 'bench/results', `quality-${learner}.json`);
fs.writeFileSync(out, JSON.stringify({ learner, extra, date: new Date().toISOString(), host: { cpus: os.cpus().length, node: process.version }, rows }, null, 2) + '\n');
const fmt = (v, task) => (task === 'regression' ? v.toFixed(1) : v.toFixed(4));
console.log(`| data set | metric | ours (${learner}) | learner | linear | random_forest | sk_hist_gbdt | xgboost_hist | ours vs linear | ours vs best |`);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const d = (ref) => (r.task === 'regression' ? `${(((r.ours - ref) / ref) * 100).toFixed(2)} %` : (r.ours - ref >= 0 ? '+' : '') + (r.ours - ref).toFixed(4));
  console.log(`| ${r.dataset} | ${r.metric} | ${fmt(r.ours, r.task)} | ${r.learner_chosen} | ${fmt(r.reference.linear, r.task)} | ${fmt(r.reference.random_forest, r.task)} | ${fmt(r.reference.sk_hist_gbdt, r.task)} | ${fmt(r.reference.xgboost_hist, r.task)} | ${d(r.reference.linear)} | ${d(r.best_reference)} |`);
}
console.log(`\nwritten ${path.relative(root, out)}`);
