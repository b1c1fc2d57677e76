#!/usr/bin/env node
// Quality on the seven shared data sets through the real CLI: `train --learner L` on train.csv,
// then `evaluate --json` on test.csv, next to the reference columns of ../shared/datasets/README.md.
// Usage: node bench/quality/run.mjs [learner=linear] [extra train flags…]
//   `auto` gets `--time-budget 120s` unless a budget is among the extra flags (QUALITY_BUDGET overrides).
// Writes bench/results/quality-<learner>.json and prints a markdown table.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// ../shared beside the checkout (main), or two levels up (a worktree under /work/wt).
const shared = [path.resolve(root, '../shared'), path.resolve(root, '../../shared')].find((d) => fs.existsSync(d)) ?? path.resolve(root, '../shared');
const datasets = path.join(shared, 'datasets');
const learner = process.argv[2] ?? 'linear';
const extra = process.argv.slice(3);
if (learner === 'auto' && !extra.includes('--time-budget')) extra.push('--time-budget', process.env.QUALITY_BUDGET ?? '120s');
const only = process.env.QUALITY_ONLY ? process.env.QUALITY_ONLY.split(',') : null;
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
  if (only && !only.includes(name)) continue;
  const dir = path.join(datasets, name);
  const train = run(['train', path.join(dir, 'train.csv'), '--target', ref.target, '--learner', learner, '--name', name, '--json', ...extra]);
  const trained = JSON.parse(train.out);
  const ev = JSON.parse(run(['evaluate', name, path.join(dir, 'test.csv'), '--json']).out);
  const metric = METRIC[ref.task];
  const ours = ev.metrics[metric];
  const best = ref.task === 'regression' ? Math.min(ref.linear, ref.random_forest, ref.sk_hist_gbdt, ref.xgboost_hist) : Math.max(ref.linear, ref.random_forest, ref.sk_hist_gbdt, ref.xgboost_hist);
  const target = ref.task === 'regression' ? best * 1.02 : best - 0.005;
  const pass = ref.task === 'regression' ? ours <= target : ours >= target;
  const auto = trained.auto
    ? {
        metric: trained.auto.metric,
        seconds: trained.auto.seconds,
        chosen: trained.auto.chosen,
        final: trained.auto.final,
        candidates: trained.auto.candidates.map((c) => ({ learner: c.learner, params: c.params, status: c.status, cv: c.score, std: c.std, seconds: c.seconds, message: c.message })),
      }
    : undefined;
  rows.push({ dataset: name, task: ref.task, metric, ours, learner_chosen: trained.learner, reference: ref, best_reference: best, target, pass, train_seconds: trained.seconds, cv: auto ? auto.candidates[auto.chosen].cv : trained.cv?.mean?.[metric], auto });
  process.stderr.write(`${name}: ${metric} ${ours} (${trained.learner}, target ${target}, ${pass ? 'pass' : 'FAIL'}) in ${trained.seconds} s\n`);
}
fs.rmSync(home, { recursive: true, force: true });
const out = path.join(root, 'bench/results', `quality-${learner}.json`);
fs.writeFileSync(out, JSON.stringify({ learner, extra, date: new Date().toISOString(), host: { cpus: os.cpus().length, node: process.version }, rows }, null, 2) + '\n');
const fmt = (v, task) => (task === 'regression' ? v.toFixed(1) : v.toFixed(4));
console.log(`| data set | metric | ours (${learner}) | learner | linear | random_forest | sk_hist_gbdt | xgboost_hist | ours vs linear | ours vs best | target | met | train s |`);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const d = (ref) => (r.task === 'regression' ? `${(((r.ours - ref) / ref) * 100).toFixed(2)} %` : (r.ours - ref >= 0 ? '+' : '') + (r.ours - ref).toFixed(4));
  console.log(`| ${r.dataset} | ${r.metric} | ${fmt(r.ours, r.task)} | ${r.learner_chosen} | ${fmt(r.reference.linear, r.task)} | ${fmt(r.reference.random_forest, r.task)} | ${fmt(r.reference.sk_hist_gbdt, r.task)} | ${fmt(r.reference.xgboost_hist, r.task)} | ${d(r.reference.linear)} | ${d(r.best_reference)} | ${r.task === 'regression' ? '≤ ' : '≥ '}${fmt(r.target, r.task)} | ${r.pass ? 'yes' : '**no**'} | ${r.train_seconds.toFixed(0)} |`);
}
console.log(`\nwritten ${path.relative(root, out)}`);
