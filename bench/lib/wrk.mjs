// wrk driver shared by the benches: POSTs one JSON body over `connections` keep-alive connections
// for `seconds` (closed loop) and returns throughput and latency percentiles. Percentiles come
// from a Lua `done()` hook reading wrk's own histogram (recorded in microseconds), not from the
// `--latency` text, whose units change with magnitude and print at most two decimals; so p99 is
// resolved to 1 µs, which a 10 % latency target on a sub-millisecond p99 needs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const LUA_DONE = `
done = function(summary, latency, requests)
  io.write(string.format("\\nMODELYARD_LATENCY_US p50=%d p90=%d p99=%d p999=%d max=%d mean=%.2f\\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean))
end
`;

/** Writes the Lua script for `body` (and the body beside it) into a fresh file under `dir`; returns its path. */
function script(body, dir) {
  const lua = path.join(dir, `wrk-${process.pid}-${Math.random().toString(36).slice(2)}.lua`);
  const bodyFile = `${lua}.json`;
  fs.writeFileSync(bodyFile, body);
  fs.writeFileSync(lua, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nlocal f = io.open(${JSON.stringify(bodyFile)}, "rb")\nwrk.body = f:read("*a")\nf:close()\n${LUA_DONE}`);
  return { lua, bodyFile };
}

/** Parses wrk's text output (with our `done()` line). Times in ms and µs. */
export function parseWrk(out) {
  const ms = (s) => {
    const m = /([\d.]+)(us|ms|s)\b/.exec(s);
    return m ? Number(m[1]) * (m[2] === 'us' ? 1e-3 : m[2] === 's' ? 1e3 : 1) : NaN;
  };
  const us = (k) => Number(new RegExp(`MODELYARD_LATENCY_US.*\\b${k}=([\\d.]+)`).exec(out)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const seconds = ms(/requests in ([\d.]+(?:us|ms|s))/.exec(out)?.[1] ?? '') / 1000;
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    requests,
    seconds,
    p50_us: us('p50'),
    p90_us: us('p90'),
    p99_us: us('p99'),
    p999_us: us('p999'),
    max_us: us('max'),
    p50_ms: us('p50') / 1000,
    p99_ms: us('p99') / 1000,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    socket_errors: /Socket errors: (.*)/.exec(out)?.[1] ?? null,
  };
}

/**
 * Runs wrk against `url` (asynchronously: a server on this process's event loop keeps answering).
 * @param {{ url: string, body: string, seconds: number, connections?: number, threads?: number, dir?: string }} o
 */
export async function wrk({ url, body, seconds, connections = 16, threads = 1, dir = os.tmpdir() }) {
  const { lua, bodyFile } = script(body, dir);
  try {
    const { status, stdout, stderr } = await new Promise((resolve, reject) => {
      const c = spawn('wrk', [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '-s', lua, url]);
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (d) => (stdout += d));
      c.stderr.on('data', (d) => (stderr += d));
      c.on('error', reject);
      c.on('close', (s) => resolve({ status: s, stdout, stderr }));
    });
    if (status !== 0) throw new Error(`wrk exited ${status}: ${stderr}`);
    const r = parseWrk(stdout);
    if (!Number.isFinite(r.p99_us)) throw new Error(`wrk output without latency: ${stdout}`);
    return r;
  } finally {
    fs.rmSync(lua, { force: true });
    fs.rmSync(bodyFile, { force: true });
  }
}
