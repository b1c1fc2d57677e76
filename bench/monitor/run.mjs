#!/usr/bin/env node
// Monitor speed: one `monitorReport` (drift on 6 features + the output, rolling metrics, operations)
// over live windows of 10k and 100k logged predictions, in memory and read from a SQLite log store,
// next to numpy/scipy computing the drift statistics alone on the same values (bench/monitor/peer.py).
//
//   npx tsc -p tsconfig.build.json && node bench/monitor/run.mjs
//
// Medians of 5 (after a warm-up). Writes bench/results/monitor.json and prints a table.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const imp = (p) => import(path.join(ROOT, 'dist', p));
const { Frame } = await imp('frame/frame.js');
const { trainModel } = await imp('model/train.js');
const { Rng } = await imp('util/random.js');
const { uuidv7 } = await imp('util/uuidv7.js');
const { MemorySource } = await imp('monitor/source.js');
const { LogStoreSource } = await imp('monitor/log-source.js');
const { monitorReport, monitoredModel } = await imp('monitor/report.js');
const { openLogStore, resolveLogLocation } = await imp('log/location.js');

const LEVELS = ['a', 'b', 'c', 'd', 'e'];
function gen(n, seed, shift = 0) {
  const rng = new Rng(seed);
  const rows = [];
  const y = [];
  for (let i = 0; i < n; i++) {
    const x = [rng.normal(), rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    const c = LEVELS[rng.int(5)];
    const s = x[0] - 0.5 * x[1] + 0.3 * x[2] + (c === 'a' ? 0.5 : 0);
    y.push(1 / (1 + Math.exp(-2 * s)) > rng.next() ? 'yes' : 'no');
    rows.push({ f1: x[0] + shift, f2: x[1], f3: rng.next() < 0.05 ? null : x[2], f4: x[3], f5: x[4], c });
  }
  return { rows, y };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn, n = 5) {
  await fn();
  const ts = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    ts.push((performance.now() - t0) / 1000);
  }
  return median(ts);
}

const train = gen(20000, 1);
const { model } = await trainModel(Frame.fromRecords(train.rows.map((r, i) => ({ ...r, y: train.y[i] }))), { target: 'y', learner: 'linear', split: 'stratified' });
const target = monitoredModel('bench', '1.0.0', model);
const now = Date.now();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-bench-monitor-'));
const results = [];
try {
  fs.writeFileSync(path.join(tmp, 'train.csv'), ['f1,f2,f3,f4,f5,c', ...train.rows.map((r) => [r.f1, r.f2, r.f3 ?? '', r.f4, r.f5, r.c].join(','))].join('\n'));
  for (const n of [10_000, 100_000]) {
    const live = gen(n, 2, 0.5);
    const p = model.predict(Frame.fromRecords(live.rows, model.inputColumns));
    const records = live.rows.map((r, i) => {
      const t = now - 20 * 3_600_000 + Math.floor((19 * 3_600_000 * i) / n);
      return { id: uuidv7(t), time: t, model: 'bench', version: '1.0.0', segment: null, request_id: `r${i}`, entity_id: null, inputs: r, prediction: p.labels[i], probabilities: { no: p.proba[2 * i], yes: p.proba[2 * i + 1] }, latency_ms: 3, role: 'primary' };
    });
    const feedback = records.slice(0, n / 10).map((r, i) => ({ id: uuidv7(r.time + 1), time: r.time + 1, prediction_id: r.id, entity_id: null, actual: live.y[i] }));
    const mem = new MemorySource(records, feedback);
    let report;
    const memS = await time(async () => (report = await monitorReport(mem, target, { now })));
    const store = await openLogStore(resolveLogLocation({ url: path.join(tmp, `log-${n}.db`) }));
    for (let i = 0; i < n; i += 5000) await store.insert({ predictions: records.slice(i, i + 5000) });
    await store.insert({ feedback });
    const storeS = await time(() => monitorReport(new LogStoreSource(store), target, { now }), 3);
    await store.close();
    fs.writeFileSync(path.join(tmp, 'live.csv'), ['f1,f2,f3,f4,f5,c', ...live.rows.map((r) => [r.f1, r.f2, r.f3 ?? '', r.f4, r.f5, r.c].join(','))].join('\n'));
    const py = spawnSync('/usr/bin/python3', [path.join(ROOT, 'bench/monitor/peer.py'), path.join(tmp, 'train.csv'), path.join(tmp, 'live.csv'), '5'], { encoding: 'utf8' });
    const peer = py.status === 0 ? JSON.parse(py.stdout) : null;
    if (!peer) console.error(`peer failed: ${py.stderr}`);
    const drifted = report.alerts.filter((a) => a.kind === 'feature_drift').map((a) => a.subject);
    results.push({ rows: n, labelled: n / 10, memory_s: memS, sqlite_s: storeS, scipy_drift_only_s: peer?.median_s ?? null, ratio_memory_vs_scipy: peer ? memS / peer.median_s : null, psi_f1: report.drift.features.find((f) => f.name === 'f1').psi, psi_f1_scipy: peer?.psi.f1 ?? null, drifted });
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
const out = { date: new Date().toISOString(), loadavg: os.loadavg(), node: process.version, results };
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/monitor.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log('| live rows | report, in memory (s) | report, SQLite log (s) | scipy drift stats only (s) | ours ÷ scipy | PSI f1 ours / scipy | drift warnings |');
console.log('|---|---|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.rows} | ${r.memory_s.toFixed(3)} | ${r.sqlite_s.toFixed(3)} | ${r.scipy_drift_only_s?.toFixed(3) ?? '-'} | ${r.ratio_memory_vs_scipy?.toFixed(2) ?? '-'} | ${r.psi_f1.toFixed(4)} / ${r.psi_f1_scipy?.toFixed(4) ?? '-'} | ${r.drifted.join(',')} |`);
console.log(`load average ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
