/** `modelyard serve` as a child process (the built CLI), for multi-process and footprint tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { BIN, ensureBuilt } from './build.js';

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** Wall time from spawn until GET /ready answered 200. */
  readyMs: number;
  stderr(): string;
  /** Resident set size in bytes (Linux /proc). */
  rss(): number;
  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds(): number;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `modelyard serve --port 0 ARGS` and resolves once /ready answers 200. */
export async function startServer(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<ServerProcess> {
  ensureBuilt();
  // The first fetch() of a process loads Node's HTTP client (undici, ~40–60 ms): load it before the
  // clock starts, so that readyMs is the server's cold start, not the test client's.
  await fetch('data:,').catch(() => undefined);
  const t0 = performance.now();
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  proc.stdout!.on('data', () => undefined);
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${err}`)), timeoutMs);
    const onData = (): void => {
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stderr!.on('data', onData);
    exited.then((code) => reject(new Error(`server exited with ${code}:\n${err}`)));
  });
  for (;;) {
    const ok = await fetch(`${url}/ready`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    if (performance.now() - t0 > timeoutMs) throw new Error(`not ready in ${timeoutMs} ms:\n${err}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = performance.now() - t0;
  const stat = (): string[] => fs.readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return {
    url,
    proc,
    readyMs,
    stderr: () => err,
    rss: () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8'))![1]) * 1024,
    cpuSeconds: () => {
      const s = stat();
      return (Number(s[11]) + Number(s[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill(signal);
      return exited;
    },
  };
}
