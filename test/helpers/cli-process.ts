/**
 * Runs the built CLI (`bin/modelyard.js`) as a real child process, optionally killing it with
 * SIGKILL when it reports reaching a fault point (see src/registry/fault.ts) or after a delay.
 */
import { spawn } from 'node:child_process';
import type { FaultPoint } from '../../src/registry/fault.js';
import { BIN } from './build.js';

export interface Child {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Fault markers seen on stderr. */
  reached: string[];
}

/**
 * `kill.at`: SIGKILL `kill.delayMs` after the child reports that fault point; `kill.afterSpawnMs`:
 * SIGKILL that long after spawn.
 */
export function runCli(args: string[], env: Record<string, string>, kill: { at?: FaultPoint; delayMs?: number; afterSpawnMs?: number } = {}): Promise<Child> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, MODELYARD_ACTOR: 'proc', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const reached: string[] = [];
    let timer: NodeJS.Timeout | undefined;
    const killNow = (): void => {
      p.kill('SIGKILL');
    };
    if (kill.afterSpawnMs !== undefined) timer = setTimeout(killNow, kill.afterSpawnMs);
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d: Buffer) => {
      stderr += d;
      for (const m of d.toString().matchAll(/modelyard-fault:(\S+)/g)) {
        reached.push(m[1]);
        if (kill.at && m[1] === kill.at) timer = setTimeout(killNow, kill.delayMs ?? 0);
      }
    });
    // A paused child that never reaches its kill point would hang the test: bound it.
    const guard = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('error', reject);
    p.on('close', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, reached });
    });
  });
}
