/**
 * Training and evaluation runs as events in the prediction log (seed 002 logged predictions,
 * evaluations and training runs in one log). Best effort by design: a run whose log store is
 * unreachable still succeeds — the event goes to the spool through the writer, and any other failure
 * is returned as a warning for the caller to print.
 */
import { resolveLogLocation, openLogStore } from './location.js';
import { LogWriter } from './writer.js';

export interface RunEventOptions {
  env?: NodeJS.ProcessEnv;
  /** The registry location in use (the log lives with it unless MODELYARD_LOG_URL says otherwise). */
  registry?: string;
  /** Explicit log location (`--log`). */
  log?: string;
}

/**
 * Writes one event durably (store, or spool when the store is down). Resolves to a warning message
 * when the event could not be written at all, else null. `MODELYARD_LOG=off` skips it.
 *
 * @example
 * ```ts
 * const warn = await logRunEvent('train', 'churn', '1.2.0', { rows: 5000, metrics }, { env: process.env });
 * ```
 */
export async function logRunEvent(
  kind: string,
  model: string | null,
  version: string | null,
  payload: Record<string, unknown>,
  opts: RunEventOptions = {},
): Promise<string | null> {
  const env = opts.env ?? process.env;
  if (env.MODELYARD_LOG === 'off') return null;
  try {
    const loc = resolveLogLocation({ url: opts.log, registry: opts.registry, env });
    const writer = await LogWriter.open({ store: () => openLogStore(loc, { timeoutMs: 3000 }), spoolDir: loc.spoolDir, mode: 'durable', commitTimeoutMs: 3000 });
    try {
      await writer.event(kind, model, version, payload, { durable: true });
    } finally {
      await writer.close();
    }
    return null;
  } catch (e) {
    return `could not write the ${kind} event to the prediction log: ${(e as Error).message}`;
  }
}
