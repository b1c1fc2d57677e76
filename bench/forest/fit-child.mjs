#!/usr/bin/env node
// One modelyard forest fit in its own process: conform TRAIN and TEST with the same schema, fit
// `forest`, time a batch predict (best of 3), score, print one JSON line.
// Usage: node bench/forest/fit-child.mjs TRAIN.csv TEST.csv TARGET TASK TREES MIN_SAMPLES_LEAF THREADS
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => import(path.join(root, 'dist', p));
const { readFrame } = await dist('frame/read.js');
const { inferSchema } = await dist('schema/infer.js');
const { encodeTarget } = await dist('schema/target.js');
const { conform } = await dist('schema/validate.js');
const { createLearner } = await dist('learn/index.js');
const { computeMetrics } = await dist('metrics/index.js');

const [trainPath, testPath, target, task, trees, leaf, threads] = process.argv.slice(2);
const tr = await readFrame(trainPath);
const te = await readFrame(testPath);
const enc = encodeTarget(tr, target, task);
const { schema } = inferSchema(tr, { exclude: { [target]: 'target' } });
const X = conform(tr, schema);
const Xt = conform(te, schema, { unseen: 'missing' });
const k = task === 'regression' ? 1 : enc.spec.classes.length;
// Test labels in the training label order.
const yt = task === 'regression' ? te.column(target).values : Float64Array.from({ length: te.nRows }, (_, i) => enc.spec.classes.indexOf(te.cell(i, target)));
const t0 = performance.now();
const fitted = createLearner('forest', { trees: Number(trees), min_samples_leaf: Number(leaf) }).fit({ frame: X, features: schema.features, task, nClasses: k, y: enc.y, seed: 1, threads: Number(threads) });
const fitS = (performance.now() - t0) / 1000;
let best = Infinity;
let out;
for (let r = 0; r < 3; r++) {
  const t = performance.now();
  out = fitted.predict(Xt);
  best = Math.min(best, (performance.now() - t) / 1000);
}
const m = computeMetrics(task, yt, out, k);
const metric = task === 'regression' ? m.rmse : task === 'binary' ? m.roc_auc : m.accuracy;
console.log(JSON.stringify({ fit_s: fitS, predict_rows_per_s: Xt.nRows / best, metric, train_rows: X.nRows, nodes: fitted.size.nodes }));
