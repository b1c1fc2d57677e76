#!/usr/bin/env node
// Shadow scoring cost: latency and throughput of `POST /v1/models/credit/predict` (one row per
// request) with the challenger shadow-scoring logged rows (ShadowSink) vs shadowing off, same
// server code, same models (champion and challenger: gbdt, 100 trees), same run.
//
//   npm run build && node bench/shadow/run.mjs [--seconds 2] [--connections 8] [--rate 0] [--repeats 8] [--fraction 1] [--control]
//
// Two load shapes, each with shadowing off and on, 127.0.0.1, load generators in child processes:
//  - closed loop: wrk, `--connections`, as fast as the server answers (throughput cost);
//  - fixed rate: bench/lib/paced-load.mjs at `--rate` req/s (default 30 % of the closed-loop
//    throughput without shadowing), the shape the latency target is about (below saturation).
// Latency percentiles are in microseconds (wrk's histogram via a Lua `done()`; the paced generator
// times each request with process.hrtime.bigint()). Both servers (off, on) run in this process from
// the start; windows of `--seconds` load one of them, alternating `--repeats` off/on pairs per shape
// in ABBA order (off on, on off, …), so drift in the shared machine's load hits both alike. Medians
// are reported, and the median of the paired on ÷ off ratios (the figure to read on a busy box). `--fraction` is the shadow
// fraction (share of logged rows the challenger scores; MODELYARD_SHADOW_FRACTION).
// Target (issue 7): ≤ 10 % added p99. Writes bench/results/shadow.json and prints a table.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wrk } from '../lib/wrk.mjs';
import { pacedLoad } from '../lib/paced-load.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// MODELYARD_BENCH_DIST: another build's dist/ (e.g. the previous commit's, for a before/after run).
const DIST = process.env.MODELYARD_BENCH_DIST ?? path.join(ROOT, 'dist');
const imp = (p) => import(path.join(DIST, p));
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
const SECONDS = arg('seconds', 2);
const CONNECTIONS = arg('connections', 8);
let RATE = arg('rate', 0);
const REPEATS = arg('repeats', 8);
const FRACTION = arg('fraction', 1);
// --control: an A/A run, the "on" server with shadowing off too; what it reports as added is the
// bench's own bias and noise (the second server of the process, its windows' place in the order).
const CONTROL = process.argv.includes('--control');

function gen(n, seed) {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const x = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    const c = 'abcd'[rng.int(4)];
    const s = 1.5 * x[0] - x[1] + 0.5 * x[2] * x[0] + (c === 'a' ? 0.8 : 0);
    return { x1: x[0], x2: x[1], x3: x[2], x4: x[3], c1: c, y: 1 / (1 + Math.exp(-2 * s)) > rng.next() ? 'yes' : 'no' };
  });
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
// Pooled percentiles of the fixed-rate shape: every latency of the off windows against every one of
// the on windows (more stable than a median of per-window p99s, each from a few dozen slow requests),
// with a 95 % bootstrap interval for on ÷ off − 1 from resampling the off/on pairs with replacement
// (Efron & Tibshirani 1993, percentile interval; pairs, not requests, are resampled because
// requests within a window share the machine's state and are not independent).
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
function pooledOf(runs) {
  let n = 0;
  for (const r of runs) n += r.samples.length;
  const all = new Float64Array(n);
  let at = 0;
  for (const r of runs) {
    all.set(r.samples, at);
    at += r.samples.length;
  }
  return all.sort();
}
function pool(offs, ons) {
  const qs = { p50: 0.5, p90: 0.9, p99: 0.99 };
  const off = pooledOf(offs);
  const on = pooledOf(ons);
  const out = { off: {}, on: {}, added: {}, ci95: {} };
  for (const [k, q] of Object.entries(qs)) {
    out.off[k] = quantile(off, q);
    out.on[k] = quantile(on, q);
    out.added[k] = out.on[k] / out.off[k] - 1;
  }
  const rng = new Rng(7);
  const B = 400;
  const boot = Object.fromEntries(Object.keys(qs).map((k) => [k, new Float64Array(B)]));
  for (let b = 0; b < B; b++) {
    const pick = Array.from({ length: offs.length }, () => rng.int(offs.length));
    const bo = pooledOf(pick.map((i) => offs[i]));
    const bn = pooledOf(pick.map((i) => ons[i]));
    for (const [k, q] of Object.entries(qs)) boot[k][b] = quantile(bn, q) / quantile(bo, q) - 1;
  }
  for (const k of Object.keys(qs)) {
    const s = boot[k].sort();
    out.ci95[k] = [quantile(s, 0.025), quantile(s, 0.975)];
  }
  return out;
}
// CPU time of this process's main thread (the serving thread), ns: /proc/<pid>/task/<pid>/schedstat's
// first field (time on CPU; Linux, Documentation/scheduler/sched-stats.rst). NaN elsewhere.
function mainThreadNs() {
  try {
    return Number(fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}
const loadavgStart = os.loadavg();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-bench-shadow-'));
const results = [];
try {
  const registry = await openRegistry({ url: dir });
  for (const [seed, alias] of [[1, 'champion'], [2, 'challenger']]) {
    const { model } = await trainModel(Frame.fromRecords(gen(5000, seed)), { target: 'y', learner: 'gbdt', params: { rounds: 100 } });
    await registry.register({ name: 'credit', bytes: modelToBytes(model), aliases: [alias] });
  }
  const body = JSON.stringify({ instances: [{ x1: 0.3, x2: -1.2, x3: 0.1, x4: 2, c1: 'b' }] });
  // Closed loop: wrk. Fixed rate: the paced generator. Both in child processes, so the server
  // (on this process's event loop) keeps answering while they run.
  const load = (url, rate, seconds = SECONDS) =>
    rate ? pacedLoad({ url, body, rate, seconds, connections: CONNECTIONS, samples: true }) : wrk({ url, body, seconds, connections: CONNECTIONS, dir });
  // Two servers in this process, shadowing off and on, started once and kept: a window loads one
  // of them while the other idles, so both see the same machine (the shared box's load drifts).
  const counts = new Map();
  const start = async (shadow) => {
    const c = { logged: 0, shadowRows: 0 };
    const app = await createServer({
      registry,
      models: ['credit@champion'],
      logger: false,
      watch: false,
      docs: false,
      predictionLog: { append: (r) => { c.logged += r.length; for (const x of r) if (x.role === 'shadow') c.shadowRows++; } },
      monitor: { shadow: shadow && !CONTROL, shadowFraction: FRACTION },
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `${base}/v1/models/credit/predict`;
    counts.set(shadow, c);
    await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } }); // first sight: challenger look-up
    return { app, url };
  };
  const servers = new Map([[false, await start(false)], [true, await start(true)]]);
  await new Promise((r) => setTimeout(r, 500));
  for (const s of servers.values()) await wrk({ url: s.url, body, seconds: 2, connections: CONNECTIONS, dir }); // warm-up (discarded)
  const run = async (shadow, rate) => {
    const c = counts.get(shadow);
    await new Promise((r) => setTimeout(r, 200)); // the other server's shadow rows drain
    c.logged = 0;
    c.shadowRows = 0;
    const cpu0 = process.cpuUsage();
    const main0 = mainThreadNs();
    const res = await load(servers.get(shadow).url, rate);
    await new Promise((r) => setTimeout(r, 100)); // shadow rows of the last requests (flushed every 10 ms)
    const cpu = process.cpuUsage(cpu0);
    const mainUs = (mainThreadNs() - main0) / 1000;
    if (res.non2xx || res.errors) throw new Error(`failed requests: ${JSON.stringify(res)}`);
    // CPU per request: far less sensitive to the shared machine's load than latency is.
    return { ...res, shadow, rate, shadowRows: c.shadowRows, logged: c.logged, cpu_us_per_req: (cpu.user + cpu.system) / res.requests, main_cpu_us_per_req: mainUs / res.requests };
  };
  const summary = (runs, shadow) => ({
    shadow,
    rps: median(runs.map((r) => r.rps)),
    p50_us: median(runs.map((r) => r.p50_us)),
    p90_us: median(runs.map((r) => r.p90_us)),
    p99_us: median(runs.map((r) => r.p99_us)),
    shadowRows: median(runs.map((r) => r.shadowRows)),
    requests: median(runs.map((r) => r.requests)),
    cpu_us_per_req: median(runs.map((r) => r.cpu_us_per_req)),
    main_cpu_us_per_req: median(runs.map((r) => r.main_cpu_us_per_req)),
    runs,
  });
  for (const shape of ['closed', 'rate']) {
    const rate = shape === 'closed' ? 0 : RATE;
    const offs = [];
    const ons = [];
    for (let i = 0; i < REPEATS; i++) {
      // ABBA: off first on even repeats, on first on odd ones.
      for (const shadow of i % 2 === 0 ? [false, true] : [true, false]) {
        const r = await run(shadow, rate);
        (shadow ? ons : offs).push(r);
        process.stderr.write(`${shape} shadow ${shadow ? 'on ' : 'off'}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50_us.toFixed(0)} µs, p99 ${r.p99_us.toFixed(0)} µs, shadow rows ${r.shadowRows}/${r.requests}, load ${os.loadavg()[0].toFixed(2)}\n`);
      }
    }
    const off = summary(offs, false);
    const on = summary(ons, true);
    const paired = (k) => ons.map((r, i) => r[k] / offs[i][k] - 1);
    const pooled = shape === 'rate' ? pool(offs, ons) : null;
    for (const r of [...offs, ...ons]) delete r.samples;
    results.push({
      shape, rate: rate || null, off, on,
      p99_added: on.p99_us / off.p99_us - 1,
      p99_added_paired_median: median(paired('p99_us')), p99_added_paired: paired('p99_us'),
      p90_added_paired_median: median(paired('p90_us')),
      p50_added_paired_median: median(paired('p50_us')),
      rps_ratio: on.rps / off.rps,
      cpu_added_paired_median: median(paired('cpu_us_per_req')),
      main_cpu_added_paired_median: median(paired('main_cpu_us_per_req')),
      pooled,
    });
    if (shape === 'closed' && !RATE) RATE = Math.max(50, Math.round(off.rps * 0.3));
  }
  for (const s of servers.values()) await s.app.close();
  await registry.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const out = { date: new Date().toISOString(), control: CONTROL, loadavg_start: loadavgStart, loadavg_end: os.loadavg(), seconds: SECONDS, connections: CONNECTIONS, repeats: REPEATS, fraction: FRACTION, results };
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/shadow.json'), `${JSON.stringify(out, null, 2)}\n`);
const pct = (x) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
console.log('| load | shadow | req/s | p50 µs | p90 µs | p99 µs | shadow rows / requests | added p50 | added p90 | added p99 | added p99 (of medians) | req/s on ÷ off |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const label = r.shape === 'closed' ? `closed loop (wrk), ${CONNECTIONS} conn.` : `fixed ${r.rate} req/s, ${CONNECTIONS} conn.`;
  const row = (x) => `${x.rps.toFixed(0)} | ${x.p50_us.toFixed(0)} | ${x.p90_us.toFixed(0)} | ${x.p99_us.toFixed(0)} | ${x.shadowRows} / ${x.requests}`;
  console.log(`| ${label} | off | ${row(r.off)} | | | | | |`);
  console.log(`| ${label} | on | ${row(r.on)} | ${pct(r.p50_added_paired_median)} | ${pct(r.p90_added_paired_median)} | ${pct(r.p99_added_paired_median)} | ${pct(r.p99_added)} | ${r.rps_ratio.toFixed(2)} |`);
}
console.log('(added p50/p90/p99: median over the off/on pairs of on ÷ off − 1)');
for (const r of results) {
  const label = r.shape === 'closed' ? 'closed loop' : `fixed ${r.rate} req/s`;
  console.log(`${label}: CPU per request (medians) serving thread ${r.off.main_cpu_us_per_req.toFixed(1)} → ${r.on.main_cpu_us_per_req.toFixed(1)} µs (${pct(r.main_cpu_added_paired_median)}), all threads ${r.off.cpu_us_per_req.toFixed(1)} → ${r.on.cpu_us_per_req.toFixed(1)} µs (${pct(r.cpu_added_paired_median)})`);
}
for (const r of results) {
  if (!r.pooled) continue;
  const P = r.pooled;
  const f = (k) => `${k} ${P.off[k].toFixed(0)} → ${P.on[k].toFixed(0)} µs, ${pct(P.added[k])} [95 % CI ${pct(P.ci95[k][0])}, ${pct(P.ci95[k][1])}]`;
  console.log(`fixed ${r.rate} req/s, all windows pooled (off → on): ${['p50', 'p90', 'p99'].map(f).join('; ')}`);
}
console.log(`load average start ${loadavgStart.map((v) => v.toFixed(2)).join(' ')}, end ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}; ${SECONDS} s windows, ${REPEATS} off/on pairs per shape (ABBA), shadow fraction ${FRACTION}${CONTROL ? '; CONTROL (A/A): shadowing off on both servers' : ''}`);
