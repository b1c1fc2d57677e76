/**
 * Starts a prediction server process for the log fault tests and waits until it answers.
 * `kind: 'standin'` runs test/helpers/log-standin-server.mjs (the writer used exactly as the server
 * uses it); `kind: 'serve'` runs `modelyard serve` from dist/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { BIN, ROOT } from './cli.js';

export interface ServerProcess {
  proc: ChildProcess;
  port: number;
  stderr: () => string;
  /** SIGKILL, resolves when the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (graceful: the writer flushes), resolves on exit. */
  stop(): Promise<void>;
}

function get(port: number, p: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => {
      req.destroy();
      resolve(0);
    });
  });
}

export async function startServerProcess(opts: { kind: 'standin' | 'serve'; port: number; env: Record<string, string>; args?: string[] }): Promise<ServerProcess> {
  const script = opts.kind === 'standin' ? [path.join(ROOT, 'test/helpers/log-standin-server.mjs')] : [BIN, 'serve', '--port', String(opts.port), ...(opts.args ?? [])];
  const proc = spawn(process.execPath, script, { env: { ...process.env, PORT: String(opts.port), LOG_LEVEL: 'warn', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  proc.stdout!.resume();
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const t0 = Date.now();
  const readyPath = opts.kind === 'standin' ? '/' : '/ready';
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited (${proc.exitCode}) before answering: ${err}`);
    const s = await get(opts.port, readyPath);
    if (opts.kind === 'standin' ? s !== 0 : s === 200) break;
    if (Date.now() - t0 > 60_000) {
      proc.kill('SIGKILL');
      throw new Error(`server not ready in 60 s: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    proc,
    port: opts.port,
    stderr: () => err,
    async kill9() {
      proc.kill('SIGKILL');
      await exited;
    },
    async stop() {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
