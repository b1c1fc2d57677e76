#!/usr/bin/env node
// Where the logging CPU goes, per thread: the serving thread vs the SQLite insert thread.
//
//   npm run build && node bench/log/thread-cpu.mjs [--batches 300] [--rows 100]
//
// Wall-clock throughput on a shared, loaded machine says little; CPU time per thread (Linux
// /proc/self/task/<tid>/stat, utime + stime) does not depend much on the load. For each mode
// (durable, async) and each placement of the inserts (MODELYARD_LOG_THREAD=1: insert thread,
// =0: on the serving thread), 16 concurrent callers append pre-built 100-row batches of
// prediction records shaped like bench/serve's (28 numeric inputs, binary probabilities) and
// the CPU seconds of the main thread and of every other thread are divided by the rows written.
// The record building itself is outside the measurement (the server does it in every mode,
// MODELYARD_LOG=off included). Writes bench/results/log-thread-cpu.json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const arg = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const BATCHES = Number(arg('--batches', 300));
const ROWS = Number(arg('--rows', 100));

if (args.includes('--child')) {
  const { openLogStore, resolveLogLocation } = await import(path.join(ROOT, 'dist/log/location.js'));
  const { LogWriter } = await import(path.join(ROOT, 'dist/log/writer.js'));
  const { uuidv7 } = await import(path.join(ROOT, 'dist/util/uuidv7.js'));
  const mode = arg('--mode', 'durable');
  const hz = 100; // USER_HZ: clock ticks per second in /proc stat
  const taskCpu = () => {
    const out = {};
    for (const t of fs.readdirSync('/proc/self/task')) {
      const s = fs.readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out[t] = (Number(f[11]) + Number(f[12])) / hz;
    }
    return out;
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-threadcpu-'));
  try {
    const loc = resolveLogLocation({ url: path.join(dir, 'log.db'), spoolDir: path.join(dir, 'spool') });
    const w = await LogWriter.open({ store: await openLogStore(loc), spoolDir: loc.spoolDir, mode });
    const cols = Array.from({ length: 28 }, (_, i) => `f${i}`);
    const batches = [];
    for (let k = 0; k < BATCHES; k++) {
      const now = Date.now();
      batches.push(Array.from({ length: ROWS }, (_, i) => {
        const inputs = {};
        for (let j = 0; j < 28; j++) inputs[cols[j]] = Math.round((((k * ROWS + i) * 7 + j) * 1000) / 13) / 1000;
        return { id: uuidv7(now), time: now, model: 'syn', version: '1.0.0', segment: null, request_id: `req-${k}`, entity_id: null, inputs, prediction: 1, probabilities: { 0: 0.4, 1: 0.6 }, latency_ms: 1.5, role: 'primary' };
      }));
    }
    const c0 = taskCpu();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < batches.length) {
        await w.append(batches[next++]);
        await new Promise((r) => setImmediate(r));
      }
    }));
    await w.flush();
    const wall = (performance.now() - t0) / 1000;
    const c1 = taskCpu();
    const pid = String(process.pid);
    let other = 0;
    for (const t of Object.keys(c1)) if (t !== pid) other += c1[t] - (c0[t] ?? 0);
    const n = BATCHES * ROWS;
    const st = w.stats();
    await w.close();
    process.stdout.write(JSON.stringify({ main_us_per_row: Number((((c1[pid] - c0[pid]) * 1e6) / n).toFixed(2)), other_threads_us_per_row: Number(((other * 1e6) / n).toFixed(2)), wall_s: Number(wall.toFixed(2)), commits: st.commits, committed: st.committedRows }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

const out = { date: new Date().toISOString(), load: os.loadavg().map((x) => Number(x.toFixed(2))), cpus: os.cpus().length, batches: BATCHES, rows_per_batch: ROWS, runs: [] };
for (let rep = 0; rep < 2; rep++) {
  for (const mode of ['durable', 'async', 'off']) {
    for (const thread of mode === 'off' ? ['1'] : ['1', '0']) {
      const r = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', '--mode', mode, '--batches', String(BATCHES), '--rows', String(ROWS)], { env: { ...process.env, MODELYARD_LOG_THREAD: thread }, encoding: 'utf8' }));
      out.runs.push({ mode, insert_thread: thread === '1', ...r });
      process.stderr.write(`${JSON.stringify(out.runs.at(-1))}\n`);
    }
  }
}
// Medians of the repeats per configuration.
const key = (r) => `${r.mode}|${r.insert_thread}`;
const groups = new Map();
for (const r of out.runs) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
out.summary = [...groups.values()].map((rs) => ({ mode: rs[0].mode, insert_thread: rs[0].insert_thread, main_us_per_row: med(rs.map((r) => r.main_us_per_row)), other_threads_us_per_row: med(rs.map((r) => r.other_threads_us_per_row)) }));
out.load_at_end = os.loadavg().map((x) => Number(x.toFixed(2)));
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/log-thread-cpu.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`\nCPU µs per logged row (${ROWS}-row batches, 16 callers; load ${out.load.join(' ')} → ${out.load_at_end.join(' ')})`);
console.log('| mode | inserts on | serving thread µs/row | other threads µs/row |');
console.log('|---|---|---|---|');
for (const s of out.summary) console.log(`| ${s.mode} | ${s.mode === 'off' ? '–' : s.insert_thread ? 'insert thread' : 'serving thread'} | ${s.main_us_per_row} | ${s.other_threads_us_per_row} |`);
