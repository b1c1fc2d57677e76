#!/usr/bin/env node
// Fixed-rate (open-loop) load: POSTs one JSON body at `rate` requests per second for `seconds`,
// whatever the server's speed, and reports latency percentiles to the microsecond. wrk has no
// fixed-rate mode and wrk2 is not packaged; this is the small replacement. A latency target ("adds
// ≤ 10 % to p99") is about a server below saturation: a closed loop measures mostly queueing.
//
// Runs in its own process (`pacedLoad()` spawns this file), on raw keep-alive TCP sockets with the
// request bytes built once, so the generator's own cost per request is small and steady. Requests
// are due at t0 + i / rate; a timer wakes every millisecond and sends what is due on idle
// connections (at most one request in flight per connection, as HTTP/1.1 without pipelining).
// Latency runs from the moment a request's bytes are written to the end of its response body
// (process.hrtime.bigint()). Due requests that find no idle connection wait and are counted as
// `backlogged` (a sign the server or the generator did not keep up; the run is then not
// "below saturation"), and their wait is reported separately as `queue_p99_us`.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * Spawns the generator and resolves with its summary.
 * @param {{ url: string, body: string, rate: number, seconds: number, connections?: number, samples?: boolean }} o
 */
export function pacedLoad({ url, body, rate, seconds, connections = 8, samples = false }) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('error', reject);
    c.on('close', (status) => {
      if (status !== 0) reject(new Error(`paced load exited ${status}: ${stderr}`));
      else resolve(JSON.parse(stdout));
    });
    c.stdin.end(JSON.stringify({ url, body, rate, seconds, connections, samples }));
  });
}

function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((q / 100) * sorted.length) - 1)];
}

async function main(cfg) {
  const u = new URL(cfg.url);
  const bodyBuf = Buffer.from(cfg.body);
  const request = Buffer.concat([
    Buffer.from(`POST ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: ${bodyBuf.length}\r\nConnection: keep-alive\r\n\r\n`),
    bodyBuf,
  ]);
  const total = Math.round(cfg.rate * cfg.seconds);
  // Preallocated sample stores (no growth while measuring).
  const latency = new Float64Array(total);
  const queued = new Float64Array(total);
  let done = 0;
  let non2xx = 0;
  let errors = 0;
  let backlogged = 0;
  let sent = 0;
  const idle = [];
  const CRLF2 = Buffer.from('\r\n\r\n');

  const open = () =>
    new Promise((resolve, reject) => {
      const s = net.connect({ host: u.hostname, port: Number(u.port) || 80, noDelay: true });
      const conn = { s, buf: null, need: -1, t0: 0n, due: 0n };
      s.on('connect', () => resolve(conn));
      s.on('error', (e) => {
        errors++;
        reject(e);
      });
      s.on('data', (d) => {
        conn.buf = conn.buf ? Buffer.concat([conn.buf, d]) : d;
        for (;;) {
          if (conn.need < 0) {
            const h = conn.buf.indexOf(CRLF2);
            if (h < 0) return;
            const head = conn.buf.toString('latin1', 0, h);
            const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
            if (!cl) throw new Error(`response without content-length: ${head}`);
            const status = Number(head.slice(9, 12));
            if (status < 200 || status >= 400) non2xx++;
            conn.need = h + 4 + Number(cl[1]);
          }
          if (conn.buf.length < conn.need) return;
          const t1 = process.hrtime.bigint();
          if (done < total) {
            latency[done] = Number(t1 - conn.t0) / 1000;
            queued[done] = Number(conn.t0 - conn.due) / 1000;
            done++;
          }
          conn.buf = conn.buf.length > conn.need ? conn.buf.subarray(conn.need) : null;
          conn.need = -1;
          idle.push(conn);
          pump();
          if (!conn.buf) return;
        }
      });
    });
  const conns = await Promise.all(Array.from({ length: cfg.connections }, open));
  idle.push(...conns);

  const start = process.hrtime.bigint();
  const step = BigInt(Math.round(1e9 / cfg.rate));
  const dueAt = (i) => start + BigInt(i) * step;
  function pump() {
    const now = process.hrtime.bigint();
    while (sent < total && idle.length > 0 && dueAt(sent) <= now) {
      const c = idle.pop();
      c.due = dueAt(sent);
      c.t0 = process.hrtime.bigint();
      if (c.t0 - c.due > 2_000_000n) backlogged++; // waited > 2 ms past its due time (timer slack is ~1 ms)
      c.s.write(request);
      sent++;
    }
  }
  await new Promise((resolve) => {
    const tick = () => {
      pump();
      if (done >= total) return resolve();
      // Stop waiting for stragglers 5 s after the last request was due.
      if (process.hrtime.bigint() > dueAt(total) + 5_000_000_000n) return resolve();
      setTimeout(tick, 1);
    };
    tick();
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  for (const c of conns) c.s.destroy();
  const lat = latency.subarray(0, done).sort();
  const q = queued.subarray(0, done).sort();
  let sum = 0;
  for (let i = 0; i < lat.length; i++) sum += lat[i];
  return {
    rate: cfg.rate,
    requests: done,
    sent,
    seconds: elapsed,
    rps: done / elapsed,
    p50_us: percentile(lat, 50),
    p90_us: percentile(lat, 90),
    p99_us: percentile(lat, 99),
    p999_us: percentile(lat, 99.9),
    max_us: lat.length ? lat[lat.length - 1] : NaN,
    mean_us: sum / Math.max(1, lat.length),
    queue_p99_us: percentile(q, 99),
    backlogged,
    non2xx,
    errors,
    lost: sent - done,
    // Every latency (µs, sorted), when asked: callers pool windows for percentiles over a whole run.
    ...(cfg.samples ? { samples: Array.from(lat, (v) => Math.round(v)) } : {}),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let input = '';
  process.stdin.on('data', (d) => (input += d));
  process.stdin.on('end', async () => {
    const out = await main(JSON.parse(input));
    process.stdout.write(JSON.stringify(out));
  });
}
