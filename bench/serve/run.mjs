#!/usr/bin/env node
// The prediction server under load, next to the seeds' FastAPI design and a bare Fastify echo, in
// the same run. Trains the synthetic model (50k rows of make_synthetic.py; 100 trees of depth 6
// when the gbdt learner is registered, else linear — the output says which), starts
//   - modelyard serve (our server, default settings),
//   - fastapi_peer.py TRAIN.csv PORT (FastAPI + pydantic + XGBoost, one uvicorn worker),
//   - bench/serve/echo.mjs (bare Fastify: parse the JSON body, answer it back),
// and drives each with wrk (1 thread, 16 connections, 10 s, a Lua script POSTing the body) for
// single-row requests and 100-row batches.
//
//   npm run build && node bench/serve/run.mjs [--seconds 10] [--rounds 1] [--rows 50000] [--log off|async|durable] [--log-compare]
//
// `--log` is passed to the server as MODELYARD_LOG and recorded in the results. `--log-compare` also
// starts our server twice more, with MODELYARD_LOG=durable and =async (each its own SQLite log), and
// measures them in the same interleaved windows as the others, so the logging cost is a same-run ratio
// (issue 7 target: durable ≥ 85 % of the log-off throughput; use with `--log off`, the default).
// Writes bench/results/serve.json and the table between the serve markers in bench/README.md.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wrk as runWrk } from '../lib/wrk.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PEERS = process.env.MODELYARD_PEERS ?? '/work/shared/peers';
const PY = '/usr/bin/python3';
const args = process.argv.slice(2);
const flag = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const seconds = Number(flag('seconds', 10));
const rows = Number(flag('rows', 50_000));
const logMode = flag('log', 'off');
// --rounds R: each server runs R windows of seconds/R, interleaved (ours, peer, echo, ours, …), so a
// load spike from other work on the machine hits all three alike. Default 1: one 10 s run each.
const rounds = Number(flag('rounds', 1));
const logCompare = args.includes('--log-compare');
if (!['off', 'async', 'durable'].includes(logMode)) throw new Error(`--log must be off, async or durable (got ${logMode})`);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-bench-serve-'));
const dataDir = path.join(ROOT, 'bench/.data');
fs.mkdirSync(dataDir, { recursive: true });
const train = path.join(dataDir, `synthetic_${rows}.csv`);
if (!fs.existsSync(train)) execFileSync(PY, [path.join(PEERS, 'make_synthetic.py'), String(rows), train], { stdio: 'inherit' });

// ---- train and register our model ------------------------------------------------------------
const { learnerKinds } = await import(path.join(ROOT, 'dist/learn/index.js'));
const gbdt = learnerKinds().some((k) => k.name === 'gbdt');
// 100 trees of depth 6 (up to 63 leaves), every round kept.
const params = gbdt ? ['--param', 'rounds=100', '--param', 'max_depth=6', '--param', 'max_leaves=63', '--param', 'early_stopping_rounds=0'] : [];
const learner = gbdt ? 'gbdt' : 'linear';
const registry = path.join(work, 'registry');
const BIN = path.join(ROOT, 'bin/modelyard.js');
process.stderr.write(`training ${learner}${gbdt ? ' (100 trees, depth 6)' : ' (the gbdt learner is not registered in this build)'} on ${rows} rows…\n`);
execFileSync(process.execPath, [BIN, 'train', train, '--target', 'label', '--name', 'syn', '--learner', learner, ...params, '--registry', registry], { stdio: ['ignore', 'ignore', 'inherit'] });

// ---- bodies --------------------------------------------------------------------------------
const lines = fs.readFileSync(train, 'utf8').split('\n', 200);
const header = lines[0].split(',');
const features = header.slice(0, -1);
const record = (line) => Object.fromEntries(line.split(',').slice(0, -1).map((v, j) => [features[j], Number(v)]));
const one = [record(lines[1])];
const hundred = lines.slice(1, 101).map(record);
const bodies = {
  single: { ours: JSON.stringify({ instances: one }), peer: JSON.stringify({ features: one }) },
  batch100: { ours: JSON.stringify({ instances: hundred }), peer: JSON.stringify({ features: hundred }) },
};

// ---- servers -------------------------------------------------------------------------------
const children = [];
function start(cmd, argv, env = {}) {
  const p = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d) => (err += d));
  children.push(p);
  p.errText = () => err;
  return p;
}
async function waitFor(url, p, ms = 120_000) {
  const t0 = Date.now();
  for (;;) {
    if (p.exitCode !== null) throw new Error(`${url}: process exited: ${p.errText()}`);
    if (await fetch(url).then((r) => r.ok).catch(() => false)) return;
    if (Date.now() - t0 > ms) throw new Error(`${url} not up after ${ms} ms: ${p.errText()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
const PORTS = { ours: 18611, peer: 18612, echo: 18613, log_durable: 18614, log_async: 18615 };
const ours = start(process.execPath, [BIN, 'serve', '--port', String(PORTS.ours), '--registry', registry, '--models', 'syn'], { LOG_LEVEL: 'warn', MODELYARD_LOG: logMode });
const echo = start(process.execPath, [path.join(ROOT, 'bench/serve/echo.mjs'), String(PORTS.echo)]);
const peer = start(PY, [path.join(PEERS, 'fastapi_peer.py'), train, String(PORTS.peer)]);
await waitFor(`http://127.0.0.1:${PORTS.ours}/ready`, ours);
const logServers = {};
if (logCompare) {
  for (const mode of ['durable', 'async']) {
    const key = `log_${mode}`;
    logServers[key] = start(process.execPath, [BIN, 'serve', '--port', String(PORTS[key]), '--registry', registry, '--models', 'syn'], {
      LOG_LEVEL: 'warn', MODELYARD_LOG: mode, MODELYARD_LOG_URL: path.join(work, `log-${mode}`, 'log.db'), MODELYARD_LOG_SPOOL: path.join(work, `log-${mode}`, 'spool'),
    });
    await waitFor(`http://127.0.0.1:${PORTS[key]}/ready`, logServers[key]);
  }
}
await waitFor(`http://127.0.0.1:${PORTS.echo}/health`, echo);
await waitFor(`http://127.0.0.1:${PORTS.peer}/health`, peer);

// ---- wrk (bench/lib/wrk.mjs: 1 thread, 16 connections, µs percentiles) ----------------------
const wrk = (url, body, secs) => runWrk({ url, body, seconds: secs, connections: 16, threads: 1, dir: work });

const targets = {
  ours: `http://127.0.0.1:${PORTS.ours}/v1/models/syn/predict`,
  peer: `http://127.0.0.1:${PORTS.peer}/predict`,
  echo: `http://127.0.0.1:${PORTS.echo}/predict`,
};
if (logCompare) {
  targets.log_durable = `http://127.0.0.1:${PORTS.log_durable}/v1/models/syn/predict`;
  targets.log_async = `http://127.0.0.1:${PORTS.log_async}/v1/models/syn/predict`;
}
// Check that our answers are real predictions before measuring.
const check = await (await fetch(targets.ours, { method: 'POST', body: bodies.single.ours, headers: { 'content-type': 'application/json' } })).json();
if (!check.predictions?.[0]?.id) throw new Error(`unexpected answer: ${JSON.stringify(check)}`);
const results = {};
for (const [shape, b] of Object.entries(bodies)) {
  results[shape] = {};
  for (const [who, url] of Object.entries(targets)) await wrk(url, who === 'peer' ? b.peer : b.ours, 2); // warm-up
  const windows = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [who, url] of Object.entries(targets)) windows[who].push(await wrk(url, who === 'peer' ? b.peer : b.ours, Math.max(1, Math.round(seconds / rounds))));
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  for (const [who, ws] of Object.entries(windows)) {
    const requests = ws.reduce((t, w) => t + w.requests, 0);
    const secs = ws.reduce((t, w) => t + w.seconds, 0);
    results[shape][who] = { rps: requests / secs, requests, seconds: secs, p50_ms: median(ws.map((w) => w.p50_ms)), p99_ms: median(ws.map((w) => w.p99_ms)), non2xx: ws.reduce((t, w) => t + w.non2xx, 0), socket_errors: ws.map((w) => w.socket_errors).filter(Boolean).join('; ') || null, windows: ws.length };
    process.stderr.write(`${shape} ${who}: ${results[shape][who].rps.toFixed(0)} req/s, p99 ${results[shape][who].p99_ms.toFixed(2)} ms\n`);
  }
}
if (ours.exitCode !== null) throw new Error(`our server exited during the run: ${ours.errText()}`);
const ratios = {};
for (const shape of Object.keys(bodies)) {
  const r = results[shape];
  ratios[shape] = { vs_fastapi: r.ours.rps / r.peer.rps, vs_echo: r.ours.rps / r.echo.rps };
  if (logCompare) {
    ratios[shape].log_durable_vs_ours = r.log_durable.rps / r.ours.rps;
    ratios[shape].log_async_vs_ours = r.log_async.rps / r.ours.rps;
  }
}
const targetsMet = {
  single_10x_fastapi: ratios.single.vs_fastapi >= 10,
  batch_10x_fastapi: ratios.batch100.vs_fastapi >= 10,
  single_p99_le_5ms: results.single.ours.p99_ms <= 5,
  single_60pct_echo: ratios.single.vs_echo >= 0.6,
  batch_60pct_echo: ratios.batch100.vs_echo >= 0.6,
};
if (logCompare && logMode === 'off') {
  targetsMet.single_log_durable_85pct_of_off = ratios.single.log_durable_vs_ours >= 0.85;
  targetsMet.batch_log_durable_85pct_of_off = ratios.batch100.log_durable_vs_ours >= 0.85;
}
const doc = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg_at_end: os.loadavg().map((x) => Math.round(x * 100) / 100) },
  learner: gbdt ? 'gbdt (100 trees, depth 6)' : 'linear (gbdt learner not registered in this build)',
  log: logMode,
  wrk: { threads: 1, connections: 16, seconds, rounds },
  rows_trained: rows,
  results,
  ratios,
  targets_met: targetsMet,
};
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/serve.json'), `${JSON.stringify(doc, null, 2)}\n`);

const f0 = (x) => x.toFixed(0);
const f2 = (x) => x.toFixed(2);
const table = [
  '| requests | server | req/s | p50 ms | p99 ms |',
  '|---|---|---|---|---|',
  ...Object.entries(results).flatMap(([shape, r]) =>
    [['ours', 'modelyard'], ['peer', 'FastAPI + XGBoost peer'], ['echo', 'bare Fastify echo'], ['log_durable', 'modelyard, log durable'], ['log_async', 'modelyard, log async']]
      .filter(([k]) => r[k])
      .map(([k, label]) => `| ${shape === 'single' ? '1 row' : '100 rows'} | ${label} | ${f0(r[k].rps)} | ${f2(r[k].p50_ms)} | ${f2(r[k].p99_ms)} |`),
  ),
  '',
  `Ratios: single row ${f2(ratios.single.vs_fastapi)}× FastAPI, ${f0(ratios.single.vs_echo * 100)} % of echo; 100 rows ${f2(ratios.batch100.vs_fastapi)}× FastAPI, ${f0(ratios.batch100.vs_echo * 100)} % of echo. ` +
    (logCompare ? `Logging cost (same run): durable ${f0(ratios.single.log_durable_vs_ours * 100)} % / async ${f0(ratios.single.log_async_vs_ours * 100)} % of log-${logMode} throughput for 1 row, durable ${f0(ratios.batch100.log_durable_vs_ours * 100)} % / async ${f0(ratios.batch100.log_async_vs_ours * 100)} % for 100 rows. ` : '') +
    `Model: ${doc.learner}; prediction log: ${logMode}; wrk ${seconds} s per server${rounds > 1 ? ` in ${rounds} interleaved windows` : ''}; ${doc.date.slice(0, 10)}, load average at end ${doc.machine.loadavg_at_end[0]} on ${doc.machine.cpus} cores.`,
].join('\n');
console.log(table);
const readme = path.join(ROOT, 'bench/README.md');
let text = fs.readFileSync(readme, 'utf8');
const begin = '<!-- serve:begin -->';
const end = '<!-- serve:end -->';
if (text.includes(begin)) text = text.slice(0, text.indexOf(begin) + begin.length) + `\n${table}\n` + text.slice(text.indexOf(end));
else text += `\n## serve — prediction server under wrk (\`node bench/serve/run.mjs\`)\n\nwrk, 1 thread, 16 connections, ${seconds} s, POSTing the same JSON body; the FastAPI + XGBoost peer (\`fastapi_peer.py\`, one uvicorn worker) and a bare Fastify echo of the same bodies run in the same run. Targets: ≥ 10× the peer's req/s on both shapes, p99 ≤ 5 ms for one row, ≥ 60 % of the echo.\n\n${begin}\n${table}\n${end}\n`;
fs.writeFileSync(readme, text);
for (const c of children) c.kill('SIGTERM');
fs.rmSync(work, { recursive: true, force: true });
