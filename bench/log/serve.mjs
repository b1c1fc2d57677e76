#!/usr/bin/env node
// Logging cost in the server: throughput with MODELYARD_LOG=off, async and durable, in the same run.
// Target (issue 7): durable ≥ 85 % of log-off throughput.
//
//   npm run build && node bench/log/serve.mjs [--seconds 10] [--connections 64] [--server serve|standin] [--pg URL]
//
// `--server serve` (default when dist has the serve command): `modelyard serve` with a linear model
// trained on credit_data, POST /v1/models/credit/predict with one row. `--server standin`:
// test/helpers/log-standin-server.mjs (no model: the most pessimistic ratio, since logging is then
// most of the work). Each mode: a fresh server process and log (SQLite beside MODELYARD_HOME, or
// Postgres with --pg), a 2 s warm-up, then autocannon for --seconds. Writes bench/results/log-serve.json.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const arg = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const SECONDS = Number(arg('--seconds', 10));
const CONNECTIONS = Number(arg('--connections', 64));
const hasServe = fs.existsSync(path.join(ROOT, 'dist/cli/commands/serve.js'));
const KIND = arg('--server', hasServe ? 'serve' : 'standin');
const PG = arg('--pg', null);
const DATA = path.resolve(ROOT, '../shared/datasets/credit_data');
const DATA_DIR = fs.existsSync(DATA) ? DATA : '/work/shared/datasets/credit_data';

const freePort = () => new Promise((res) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
const status = (port, p) => new Promise((res) => { const r = http.get({ host: '127.0.0.1', port, path: p, timeout: 1000 }, (x) => { x.resume(); res(x.statusCode); }); r.on('error', () => res(0)); r.on('timeout', () => { r.destroy(); res(0); }); });

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-benchlogserve-'));
let body;
let url;
if (KIND === 'serve') {
  execFileSync(process.execPath, [path.join(ROOT, 'bin/modelyard.js'), 'train', path.join(DATA_DIR, 'train.csv'), '--target', 'Status', '--name', 'credit', '--learner', 'linear'], { env: { ...process.env, MODELYARD_HOME: home, MODELYARD_REGISTRY: '', MODELYARD_LOG: 'off' }, stdio: 'ignore' });
  const [header, line] = fs.readFileSync(path.join(DATA_DIR, 'test.csv'), 'utf8').split('\n');
  const cols = header.split(',');
  const vals = line.split(',');
  const row = {};
  cols.forEach((c, i) => { if (c !== 'Status') row[c] = vals[i] === '' ? null : Number.isFinite(Number(vals[i])) ? Number(vals[i]) : vals[i]; });
  body = JSON.stringify({ instances: [row] });
  url = '/v1/models/credit/predict';
} else {
  body = JSON.stringify({ instances: [{ age: 41, income: 1200, region: 'north' }] });
  url = '/predict';
}

async function runMode(mode) {
  const port = await freePort();
  const logHome = fs.mkdtempSync(path.join(home, `log-${mode}-`));
  const env = { ...process.env, MODELYARD_HOME: home, MODELYARD_REGISTRY: '', MODELYARD_LOG: mode, PORT: String(port), LOG_LEVEL: 'warn',
    MODELYARD_LOG_URL: PG ? `${PG}${PG.includes('?') ? '&' : '?'}schema=bench_logserve_${mode}_${process.pid}` : path.join(logHome, 'log.db'), MODELYARD_LOG_SPOOL: path.join(logHome, 'spool') };
  const script = KIND === 'serve' ? [path.join(ROOT, 'bin/modelyard.js'), 'serve', '--port', String(port)] : [path.join(ROOT, 'test/helpers/log-standin-server.mjs')];
  const proc = spawn(process.execPath, script, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const t0 = Date.now();
  while ((await status(port, KIND === 'serve' ? '/ready' : '/health')) !== 200) {
    if (Date.now() - t0 > 60_000) throw new Error('server not ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const opts = { url: `http://127.0.0.1:${port}${url}`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS };
  await autocannon({ ...opts, duration: 2 });
  const r = await autocannon({ ...opts, duration: SECONDS });
  proc.kill('SIGTERM');
  await new Promise((res) => proc.once('exit', res));
  return { mode, rps: Math.round(r.requests.average), p50_ms: r.latency.p50, p99_ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

const out = { date: new Date().toISOString(), server: KIND, store: PG ? 'postgres' : 'sqlite', seconds: SECONDS, connections: CONNECTIONS, load: os.loadavg().map((x) => Number(x.toFixed(2))), modes: [] };
try {
  for (const mode of ['off', 'durable', 'async', 'off', 'durable']) out.modes.push(await runMode(mode));
} finally {
  fs.rmSync(home, { recursive: true, force: true });
}
// Two rounds of off/durable (interleaved) average out drift in the machine's load.
const mean = (m) => { const xs = out.modes.filter((x) => x.mode === m).map((x) => x.rps); return xs.reduce((a, b) => a + b, 0) / xs.length; };
out.ratio_durable_to_off = Number((mean('durable') / mean('off')).toFixed(3));
out.ratio_async_to_off = Number((mean('async') / mean('off')).toFixed(3));
out.target_met = out.ratio_durable_to_off >= 0.85;
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/log-serve.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`\nserver=${KIND} store=${out.store} connections=${CONNECTIONS} ${SECONDS} s per mode, load ${out.load.join(' ')}`);
console.log('| mode | req/s | p50 ms | p99 ms | non-2xx | errors |');
console.log('|---|---|---|---|---|---|');
for (const m of out.modes) console.log(`| ${m.mode} | ${m.rps} | ${m.p50_ms} | ${m.p99_ms} | ${m.non2xx} | ${m.errors} |`);
console.log(`durable ÷ off ${out.ratio_durable_to_off} (target ≥ 0.85: ${out.target_met ? 'met' : 'NOT met'}), async ÷ off ${out.ratio_async_to_off}`);
