#!/usr/bin/env node
// Shadow scoring cost: p99 latency and throughput of `POST /v1/models/credit/predict` (one row per
// request) with the challenger shadow-scoring every logged row (ShadowSink) vs shadowing off, same
// server code, same models (champion and challenger: gbdt, 100 trees), same run.
//
//   npm run build && node bench/shadow/run.mjs [--seconds 10] [--connections 8] [--rate 0] [--repeats 3]
//
// Two load shapes, each shadow-off then shadow-on (autocannon in a child process, 127.0.0.1):
// closed loop (`--connections`, as fast as possible) and a fixed rate (`--rate`, default 30 % of the
// closed-loop throughput without shadowing); off and on alternate `--repeats` times, medians reported.
// Target (issue 7): ≤ 10 % added p99.
// Writes bench/results/shadow.json and prints a table.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const imp = (p) => import(path.join(ROOT, 'dist', p));
const { Frame } = await imp('frame/frame.js');
const { trainModel } = await imp('model/train.js');
const { modelToBytes } = await imp('artifact/model-artifact.js');
const { openRegistry } = await imp('registry/registry.js');
const { createServer } = await imp('serve/server.js');
const { Rng } = await imp('util/random.js');

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? def : Number(process.argv[i + 1]);
};
const SECONDS = arg('seconds', 10);
const CONNECTIONS = arg('connections', 8);
let RATE = arg('rate', 0);
const REPEATS = arg('repeats', 3);

function gen(n, seed) {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const x = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    const c = 'abcd'[rng.int(4)];
    const s = 1.5 * x[0] - x[1] + 0.5 * x[2] * x[0] + (c === 'a' ? 0.8 : 0);
    return { x1: x[0], x2: x[1], x3: x[2], x4: x[3], c1: c, y: 1 / (1 + Math.exp(-2 * s)) > rng.next() ? 'yes' : 'no' };
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-bench-shadow-'));
const results = [];
try {
  const registry = await openRegistry({ url: dir });
  for (const [seed, alias] of [[1, 'champion'], [2, 'challenger']]) {
    const { model } = await trainModel(Frame.fromRecords(gen(5000, seed)), { target: 'y', learner: 'gbdt', params: { rounds: 100 } });
    await registry.register({ name: 'credit', bytes: modelToBytes(model), aliases: [alias] });
  }
  const body = JSON.stringify({ instances: [{ x1: 0.3, x2: -1.2, x3: 0.1, x4: 2, c1: 'b' }] });
  const load = async (url, rate) => {
    const args = [path.join(ROOT, 'node_modules/autocannon/autocannon.js'), '-j', '-c', String(CONNECTIONS), '-d', String(SECONDS), '-m', 'POST', '-H', 'content-type=application/json', '-b', body];
    if (rate) args.push('-R', String(rate));
    // Asynchronous: the server answers on this process's event loop while autocannon runs.
    const r = await new Promise((resolve, reject) => {
      const c = spawn(process.execPath, [...args, url]);
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (d) => (stdout += d));
      c.stderr.on('data', (d) => (stderr += d));
      c.on('error', reject);
      c.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    if (r.status !== 0) throw new Error(r.stderr);
    const j = JSON.parse(r.stdout);
    return { rps: j.requests.average, p50: j.latency.p50, p99: j.latency.p99, errors: j.errors + j.non2xx + j.timeouts };
  };
  const run = async (shadow, rate) => {
    let logged = 0;
    let shadowRows = 0;
    const app = await createServer({
      registry,
      models: ['credit@champion'],
      logger: false,
      watch: false,
      docs: false,
      predictionLog: { append: (r) => { logged += r.length; for (const x of r) if (x.role === 'shadow') shadowRows++; } },
      monitor: { shadow },
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `${base}/v1/models/credit/predict`;
    await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } }); // first sight: challenger look-up
    await new Promise((r) => setTimeout(r, 500));
    await load(url, 0); // warm-up (discarded)
    await new Promise((r) => setTimeout(r, 200));
    logged = 0;
    shadowRows = 0;
    const res = await load(url, rate);
    await app.close();
    return { ...res, shadow, rate, shadowRows, logged };
  };
  // Off and on alternate REPEATS times per shape; medians (the machine is shared and noisy).
  const med = (runs, k) => [...runs.map((r) => r[k])].sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  const summary = (runs, shadow) => ({ shadow, rps: med(runs, 'rps'), p50: med(runs, 'p50'), p99: med(runs, 'p99'), shadowRows: med(runs, 'shadowRows'), runs });
  for (const shape of ['closed', 'rate']) {
    const offs = [];
    const ons = [];
    for (let i = 0; i < REPEATS; i++) {
      offs.push(await run(false, shape === 'closed' ? 0 : RATE));
      ons.push(await run(true, shape === 'closed' ? 0 : RATE));
    }
    const off = summary(offs, false);
    const on = summary(ons, true);
    results.push({ shape, rate: shape === 'closed' ? null : RATE, off, on, p99_added: on.p99 / off.p99 - 1, rps_ratio: on.rps / off.rps });
    if (shape === 'closed' && !RATE) RATE = Math.max(50, Math.round(off.rps * 0.3));
  }
  await registry.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const out = { date: new Date().toISOString(), loadavg: os.loadavg(), seconds: SECONDS, connections: CONNECTIONS, results };
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/shadow.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log('| load | shadow | req/s | p50 ms | p99 ms | shadow rows | added p99 | req/s on ÷ off |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const label = r.shape === 'closed' ? `closed loop, ${CONNECTIONS} conn.` : `${r.rate} req/s`;
  console.log(`| ${label} | off | ${r.off.rps.toFixed(0)} | ${r.off.p50} | ${r.off.p99} | ${r.off.shadowRows} | | |`);
  console.log(`| ${label} | on | ${r.on.rps.toFixed(0)} | ${r.on.p50} | ${r.on.p99} | ${r.on.shadowRows} | ${(100 * r.p99_added).toFixed(1)} % | ${r.rps_ratio.toFixed(2)} |`);
}
console.log(`load average ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
