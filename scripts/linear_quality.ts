/**
 * Quality of the `linear` learner on the seven real data sets in /work/shared/datasets, against the
 * `linear` reference column of that folder's README (scikit-learn LogisticRegression / Ridge on
 * standardised, one-hot encoded features, trained on train.csv, scored on test.csv).
 *
 * Usage: npx tsx scripts/linear_quality.ts [--data DIR] [--param key=value ...] [--peer] [--json]
 * Binary: ROC AUC; multiclass: accuracy; regression: RMSE. Target: within 0.01 AUC/accuracy and
 * within 3 % RMSE of the reference. `--peer` also runs scripts/linear_reference.py (scikit-learn,
 * /usr/bin/python3) in the same run, so fit times can be compared on the same (shared, noisy) machine.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFrame } from '../src/frame/read.js';
import { createLearner } from '../src/learn/index.js';
import type { Json } from '../src/learn/types.js';
import { parseParamPairs } from '../src/learn/params.js';
import { inferSchema } from '../src/schema/infer.js';
import { encodeTarget, encodeTargetWithSpec } from '../src/schema/target.js';
import type { Task } from '../src/schema/types.js';
import { conform } from '../src/schema/validate.js';
import type { LinearFitted } from '../src/learn/linear/linear.js';

const SETS = ['mlc_churn', 'credit_data', 'lending_club', 'attrition', 'penguins', 'diamonds', 'ames'];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Reference `linear` scores and fit times from the data README's table. */
function references(dir: string): Map<string, { score: number; fitS: number }> {
  const out = new Map<string, { score: number; fitS: number }>();
  for (const line of readFileSync(path.join(dir, 'README.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || !SETS.includes(cells[1])) continue;
    const m = /^([\d.]+) \(([\d.]+)\)$/.exec(cells[3]);
    if (m) out.set(cells[1], { score: Number(m[1]), fitS: Number(m[2]) });
  }
  return out;
}

/** ROC AUC by the rank-sum (Mann–Whitney) identity, average ranks for ties. */
function rocAuc(score: Float64Array, positive: Uint8Array): number {
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let rankSum = 0;
  let nPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]] === score[order[i]]) j++;
    const avg = (i + j + 2) / 2;
    for (let t = i; t <= j; t++) if (positive[order[t]]) rankSum += avg;
    i = j + 1;
  }
  for (let i = 0; i < n; i++) nPos += positive[i];
  const nNeg = n - nPos;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

function score(task: Task, k: number, out: Float64Array, y: Float64Array): number {
  const n = y.length;
  if (task === 'regression') {
    let s = 0;
    for (let i = 0; i < n; i++) s += (out[i] - y[i]) ** 2;
    return Math.sqrt(s / n);
  }
  if (task === 'binary') {
    const p = new Float64Array(n);
    const pos = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      p[i] = out[i * 2 + 1];
      pos[i] = y[i] === 1 ? 1 : 0;
    }
    return rocAuc(p, pos);
  }
  let hit = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (out[i * k + c] > out[i * k + best]) best = c;
    if (best === y[i]) hit++;
  }
  return hit / n;
}

/** Rows whose target is present. */
function present(y: Float64Array): number[] {
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) if (y[i] === y[i]) rows.push(i);
  return rows;
}

async function main(): Promise<void> {
  const dir = arg('--data') ?? '/work/shared/datasets';
  const params: Record<string, Json> = parseParamPairs(process.argv.flatMap((a, i) => (process.argv[i - 1] === '--param' ? [a] : [])));
  const refs = references(dir);
  const peer = new Map<string, { score: number; fit_s: number; iterations: number | null }>();
  if (process.argv.includes('--peer')) {
    const script = path.join(path.dirname(new URL(import.meta.url).pathname), 'linear_reference.py');
    const doc = JSON.parse(execFileSync('/usr/bin/python3', [script, '--data', dir, '--json'], { encoding: 'utf8' })) as { sklearn_rows: { set: string; score: number; fit_s: number; iterations: number | null }[] };
    for (const r of doc.sklearn_rows) peer.set(r.set, r);
  }
  const rows: Record<string, Json>[] = [];
  for (const set of SETS) {
    const meta = Object.fromEntries(
      readFileSync(path.join(dir, set, 'meta.txt'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    const target = meta.target;
    const task = meta.task as Task;
    const trainRaw = await readFrame(path.join(dir, set, 'train.csv'));
    const testRaw = await readFrame(path.join(dir, set, 'test.csv'));
    const enc = encodeTarget(trainRaw, target, task);
    const { schema } = inferSchema(trainRaw, { exclude: { [target]: 'target' } });
    const keep = present(enc.y);
    const Xtrain = conform(trainRaw, schema).take(keep);
    const ytrain = Float64Array.from(keep, (i) => enc.y[i]);
    const testY = encodeTargetWithSpec(testRaw, enc.spec);
    const keepTest = present(testY.y);
    const warnings: string[] = [];
    const Xtest = conform(testRaw, schema, { unseen: 'missing', warnings }).take(keepTest);
    const ytest = Float64Array.from(keepTest, (i) => testY.y[i]);
    const k = task === 'regression' ? 1 : enc.spec.classes!.length;
    const t0 = performance.now();
    const fitted = createLearner('linear', params).fit({ frame: Xtrain, features: schema.features, task, nClasses: k, y: ytrain, seed: 42 }) as LinearFitted;
    const fitS = (performance.now() - t0) / 1000;
    const ours = score(task, k, fitted.predict(Xtest), ytest);
    const ref = refs.get(set);
    const diff = ref ? ours - ref.score : NaN;
    const ok = ref ? (task === 'regression' ? ours <= ref.score * 1.03 : ours >= ref.score - 0.01) : false;
    const conv = fitted.convergence;
    rows.push({
      set,
      task,
      metric: task === 'binary' ? 'roc_auc' : task === 'multiclass' ? 'accuracy' : 'rmse',
      ours,
      reference: ref?.score ?? null,
      diff,
      relative: ref ? diff / ref.score : null,
      within_target: ok,
      fit_s: fitS,
      reference_fit_s: ref?.fitS ?? null,
      sklearn_same_run: peer.get(set) ?? null,
      design_columns: fitted.coefficients().names.length,
      iterations: conv.iterations,
      converged: conv.converged,
      train_rows: Xtrain.nRows,
      test_rows: Xtest.nRows,
      unseen_warnings: warnings.length,
    });
  }
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ params, rows }, null, 2));
    return;
  }
  const fmt = (v: Json, task: Json): string => (typeof v !== 'number' ? '—' : task === 'regression' ? v.toFixed(1) : v.toFixed(4));
  console.log(`linear learner, params ${JSON.stringify(params)}`);
  console.log('| data set | task | metric | ours | reference | diff | within target | fit s (ours) | fit s (README) | fit s (sklearn, same run) | columns | iterations (ours / sklearn) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const sk = peer.get(r.set as string);
    const diff = r.task === 'regression' ? `${fmt(r.diff, r.task)} (${(100 * (r.relative as number)).toFixed(2)} %)` : (r.diff as number).toFixed(4);
    console.log(
      `| ${r.set} | ${r.task} | ${r.metric} | ${fmt(r.ours, r.task)} | ${fmt(r.reference, r.task)} | ${diff} | ${r.within_target ? 'yes' : 'NO'} | ${(r.fit_s as number).toFixed(2)} | ${r.reference_fit_s} | ${sk ? sk.fit_s.toFixed(2) : '—'} | ${r.design_columns} | ${r.iterations}${r.converged ? '' : ' (not converged)'}${sk?.iterations ? ` / ${sk.iterations}` : ''} |`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
