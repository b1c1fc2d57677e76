#!/usr/bin/env node
// One modelyard GBDT fit in its own process (so peak RSS is this fit's): reads the synthetic CSV,
// trains on the first `trainRows` rows (optionally replicated `rep` times for the 3.2M-row scaling
// point), scores the rows after 80 % of the file and prints one JSON line.
// Usage: node bench/gbdt/fit-child.mjs FILE.csv TRAIN_ROWS [REP=1] [THREADS=2]
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => import(path.join(root, 'dist', p));
const { readFrame } = await dist('frame/read.js');
const { Frame } = await dist('frame/frame.js');
const { gbdtKind } = await dist('learn/gbdt/gbdt.js');
const { rocAuc } = await dist('metrics/auc.js');

const [file, trainRowsArg, repArg = '1', threadsArg = '2'] = process.argv.slice(2);
const trainRows = Number(trainRowsArg);
const rep = Number(repArg);
const t0 = performance.now();
const all = await readFrame(file);
const readSeconds = (performance.now() - t0) / 1000;
const n = all.nRows;
const testStart = Math.floor(n * 0.8);
const features = all.names.filter((c) => c !== 'label');
const X = all.select(features);
const label = all.column('label').values;
let trainIdx = Array.from({ length: Math.min(trainRows, testStart) }, (_, i) => i);
if (rep > 1) trainIdx = Array.from({ length: rep }, () => trainIdx).flat();
const train = X.take(trainIdx);
const y = Float64Array.from(trainIdx, (i) => label[i]);
const test = X.slice(testStart, n);
const yTest = label.subarray(testStart, n);
const params = { rounds: 100, max_depth: 6, max_leaves: 63, learning_rate: 0.1, max_bins: 255, min_child_weight: 1, l2: 1, min_samples_leaf: 1, early_stopping_rounds: 0 };
const t1 = performance.now();
const fitted = gbdtKind.create(params).fit({ frame: train, features: [], task: 'binary', nClasses: 2, y, seed: 1, threads: Number(threadsArg) });
const fitSeconds = (performance.now() - t1) / 1000;
// Batch predict: best of 3 (the machine is shared).
let predictSeconds = Infinity;
let proba;
for (let r = 0; r < 3; r++) {
  const t = performance.now();
  proba = fitted.predict(test);
  predictSeconds = Math.min(predictSeconds, (performance.now() - t) / 1000);
}
const p1 = Float64Array.from({ length: test.nRows }, (_, i) => proba[2 * i + 1]);
const auc = rocAuc(yTest, p1);
// Single-row latency (serving path): median over 2000 rows.
const cols = features.map((f) => test.column(f).values);
const row = new Float64Array(features.length);
const lat = [];
for (let i = 0; i < 2000; i++) {
  for (let f = 0; f < features.length; f++) row[f] = cols[f][i];
  const t = process.hrtime.bigint();
  fitted.predictRow(row);
  lat.push(Number(process.hrtime.bigint() - t) / 1000);
}
lat.sort((a, b) => a - b);
console.log(JSON.stringify({
  train_rows: train.nRows, test_rows: test.nRows, read_s: readSeconds, fit_s: fitSeconds, threads: fitted.info.threads, trees: fitted.nTrees,
  auc, predict_rows_per_s: test.nRows / predictSeconds, single_row_us_p50: lat[1000], single_row_us_p99: lat[1980],
  max_rss_mb: process.resourceUsage().maxRSS / 1024,
}));
