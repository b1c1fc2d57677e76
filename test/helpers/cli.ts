/** Runs the built CLI (`bin/modelyard.js` on `dist/`) as a real subprocess. `npm test` builds first. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/modelyard.js');
export const DATASETS = path.resolve(ROOT, '../shared/datasets');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `modelyard ...args` with MODELYARD_HOME=home (unless env overrides it). */
export function cli(args: string[], opts: { home?: string; env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, MODELYARD_REGISTRY: '', ...(opts.home ? { MODELYARD_HOME: opts.home } : {}), ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Parses the one JSON document a `--json` command prints. */
export function json<T = Record<string, unknown>>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}
