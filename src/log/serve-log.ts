/**
 * The prediction log as the server uses it: a {@link LogWriter} configured from the environment.
 *
 * - `MODELYARD_LOG=durable|async|off` (default `durable`);
 * - `MODELYARD_LOG_INPUTS=full|hashed|off` (default `full`);
 * - `MODELYARD_LOG_URL`, `MODELYARD_LOG_SPOOL`, `MODELYARD_LOG_SYNC`, `MODELYARD_LOG_THREAD` (see location.ts);
 * - `MODELYARD_LOG_COMMIT_TIMEOUT_MS` (default 2000): how long a commit may take before its rows go to
 *   the spool and the store is treated as down.
 *
 * The writer opens even when the store is unreachable (rows then go to the spool), so a server
 * starts and serves through a log outage.
 */
import { parseInputsMode } from './inputs.js';
import { openLogStore, resolveLogLocation } from './location.js';
import { LogWriter, parseLogMode, type LogMode } from './writer.js';
import type { InputsMode } from './inputs.js';

export interface ServeLogOptions {
  env?: NodeJS.ProcessEnv;
  /** The registry location the server uses (the log lives with it unless MODELYARD_LOG_URL is set). */
  registry?: string;
  /** Explicit log location. */
  log?: string;
  mode?: LogMode;
  inputs?: InputsMode;
  /** Told when the store goes down / comes back (the server logs it). */
  onStateChange?: (up: boolean, detail: string) => void;
}

/**
 * @example
 * ```ts
 * const writer = await openServeLog({ env: process.env });
 * const app = await createServer({ predictionLog: writer });
 * ```
 */
export async function openServeLog(opts: ServeLogOptions = {}): Promise<LogWriter> {
  const env = opts.env ?? process.env;
  const mode = opts.mode ?? parseLogMode(env.MODELYARD_LOG);
  const inputs = opts.inputs ?? parseInputsMode(env.MODELYARD_LOG_INPUTS);
  const loc = resolveLogLocation({ url: opts.log, registry: opts.registry, env });
  const timeout = Number(env.MODELYARD_LOG_COMMIT_TIMEOUT_MS ?? 2000);
  const commitTimeoutMs = Number.isFinite(timeout) && timeout > 0 ? timeout : 2000;
  return LogWriter.open({
    store: () => openLogStore(loc, { env, timeoutMs: Math.max(commitTimeoutMs, 1000) }),
    spoolDir: loc.spoolDir,
    mode,
    inputs,
    commitTimeoutMs,
    onStateChange: opts.onStateChange,
  });
}
