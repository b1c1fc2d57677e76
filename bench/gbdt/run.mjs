#!/usr/bin/env node
// GBDT speed benchmark (issue 4, "Done when" 2–4): modelyard `gbdt` against XGBoost `hist` and
// scikit-learn HistGradientBoosting on the 1M-row synthetic set, in the same run.
//   - fit on the first 800k rows: 100 rounds, depth 6 / 63 leaves, lr 0.1, 255 bins, 2 threads;
//     AUC on the last 200k rows; batch predict rows/s; single-row latency; peak RSS (child process)
//   - scaling: fit time at 100k, 400k, 800k and 3.2M rows (800k replicated 4×)
// Usage: node bench/gbdt/run.mjs [--no-scaling]   (needs `npm run build`; writes bench/results/gbdt.json)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const py = '/usr/bin/python3';
const peers = path.resolve(root, '../../shared/peers');
const peersDir = fs.existsSync(peers) ? peers : '/work/shared/peers';
const dataDir = path.join(root, 'bench/.data');
const file = path.join(dataDir, 'synthetic-1m.csv');
const scaling = !process.argv.includes('--no-scaling');

fs.mkdirSync(dataDir, { recursive: true });
if (!fs.existsSync(file)) {
  process.stderr.write('making the 1M-row synthetic set (cached in bench/.data)…\n');
  const r = spawnSync(py, [path.join(peersDir, 'make_synthetic.py'), '1000000', file], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('make_synthetic.py failed');
}
if (!fs.existsSync(path.join(root, 'dist/learn/gbdt/gbdt.js'))) throw new Error('run `npm run build` first');

function ours(trainRows, rep = 1) {
  const r = spawnSync(process.execPath, [path.join(root, 'bench/gbdt/fit-child.mjs'), file, String(trainRows), String(rep), '2'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`fit-child failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function peersRun() {
  const r = spawnSync(py, [path.join(peersDir, 'speed_peers.py'), file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`speed_peers.py failed:\n${r.stderr}`);
  const out = {};
  for (const line of r.stdout.trim().split('\n')) {
    const m = line.match(/^(\S+) rows=(\d+) fit_s=([\d.]+) predict_rows_per_s=(\d+) auc=([\d.]+)/);
    if (m) out[m[1]] = { train_rows: Number(m[2]), fit_s: Number(m[3]), predict_rows_per_s: Number(m[4]), auc: Number(m[5]) };
  }
  return out;
}

process.stderr.write('modelyard gbdt, 800k rows…\n');
const main = ours(800_000);
process.stderr.write(`  fit ${main.fit_s.toFixed(2)} s, AUC ${main.auc.toFixed(4)}\npeers (XGBoost hist, sklearn HGB)…\n`);
const peer = peersRun();
const xgb = peer.xgboost_hist;
const ratios = {
  fit_time_ours_over_xgboost: main.fit_s / xgb.fit_s,
  auc_ours_minus_xgboost: main.auc - xgb.auc,
  predict_rows_per_s_ours_over_xgboost: main.predict_rows_per_s / xgb.predict_rows_per_s,
};
const targets = {
  fit_time: ratios.fit_time_ours_over_xgboost <= 1.0,
  auc: Math.abs(ratios.auc_ours_minus_xgboost) <= 0.003 || ratios.auc_ours_minus_xgboost > 0,
  predict: ratios.predict_rows_per_s_ours_over_xgboost >= 1.5,
  peak_rss_under_2gb: main.max_rss_mb < 2048,
};
const scale = [];
if (scaling) {
  for (const [rows, rep] of [[100_000, 1], [400_000, 1], [800_000, 4]]) {
    process.stderr.write(`scaling: ${rows * rep} rows…\n`);
    const r = ours(rows, rep);
    scale.push({ rows: r.train_rows, fit_s: r.fit_s, max_rss_mb: r.max_rss_mb });
    if (rows === 400_000) scale.push({ rows: main.train_rows, fit_s: main.fit_s, max_rss_mb: main.max_rss_mb });
  }
}
const result = { date: new Date().toISOString(), host: { cpus: os.cpus().length, node: process.version, loadavg: os.loadavg() }, ours: main, peers: peer, ratios, targets, scaling: scale };
fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench/results/gbdt.json'), JSON.stringify(result, null, 2) + '\n');

const f2 = (x) => x.toFixed(2);
console.log('| 800k × 28, 100 rounds, depth 6 / 63 leaves, 2 threads | fit s | AUC | batch predict rows/s |');
console.log('|---|---|---|---|');
console.log(`| modelyard gbdt | ${f2(main.fit_s)} | ${main.auc.toFixed(4)} | ${Math.round(main.predict_rows_per_s)} |`);
for (const [k, v] of Object.entries(peer)) console.log(`| ${k} | ${f2(v.fit_s)} | ${v.auc.toFixed(4)} | ${v.predict_rows_per_s} |`);
console.log(`\nratios: fit ${f2(ratios.fit_time_ours_over_xgboost)}× XGBoost (target ≤ 1.0), AUC ${ratios.auc_ours_minus_xgboost >= 0 ? '+' : ''}${ratios.auc_ours_minus_xgboost.toFixed(4)} (target within 0.003), predict ${f2(ratios.predict_rows_per_s_ours_over_xgboost)}× (target ≥ 1.5)`);
console.log(`peak RSS of the 800k fit (child process, CSV read included): ${Math.round(main.max_rss_mb)} MB (target < 2048); single-row predict p50 ${main.single_row_us_p50.toFixed(1)} µs, p99 ${main.single_row_us_p99.toFixed(1)} µs`);
if (scale.length) {
  console.log('\n| rows | fit s | s per 100k rows | peak RSS MB |\n|---|---|---|---|');
  for (const s of scale) console.log(`| ${s.rows} | ${f2(s.fit_s)} | ${f2((s.fit_s / s.rows) * 1e5)} | ${Math.round(s.max_rss_mb)} |`);
}
console.log(`\nload average during the run: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (shared machine: ratios only)`);
console.log('written bench/results/gbdt.json');
