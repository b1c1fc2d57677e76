/**
 * CLI output discipline: `--json` prints exactly one JSON document on stdout; human output goes to
 * stdout; progress, warnings and errors go to stderr.
 */
import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';
import { isModelyardError, toModelyardError } from '../errors.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  json(value: unknown): void;
  warn(text: string): void;
  /** A progress reporter on stderr (silent when stderr is not a TTY, except for start/end lines). */
  progress(label: string, total: number): Progress;
}

export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

/** The process's real streams. */
export function processIo(): Io {
  const tty = Boolean(process.stderr.isTTY) && !process.env.CI;
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    json: (v) => process.stdout.write(`${JSON.stringify(v, jsonReplacer, 2)}\n`),
    warn: (t) => process.stderr.write(`warning: ${t}\n`),
    progress: (label, total) => {
      if (!tty) {
        const t0 = Date.now();
        let last = 0;
        return {
          update(done: number, tot = total) {
            // Non-TTY: a line at most every 5 s, so logs stay readable.
            if (Date.now() - last > 5000) {
              last = Date.now();
              process.stderr.write(`${label}: ${done}/${tot}\n`);
            }
          },
          stop() {
            process.stderr.write(`${label}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
          },
        };
      }
      // Loaded here, on a terminal only: cli-progress pulls in readline (~10 ms of every start-up).
      const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
      const bar = new cliProgress.SingleBar(
        { format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`, stream: process.stderr, clearOnComplete: false, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
      return {
        update(done: number, tot?: number) {
          if (tot !== undefined && tot !== total) bar.setTotal(tot);
          bar.update(done);
        },
        stop() {
          bar.stop();
        },
      };
    },
  };
}

/** JSON replacer: typed arrays as arrays, non-finite numbers as null. */
export function jsonReplacer(_k: string, v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}

/** Prints an error the way every command does and returns the exit code. */
export function reportError(io: Io, e: unknown, json: boolean): number {
  const err = toModelyardError(e);
  if (json) {
    io.json({ error: { code: err.code, message: err.message, ...err.location } });
  }
  if (isModelyardError(e)) io.err(`modelyard: error ${err.code}: ${err.message}`);
  else io.err(`modelyard: internal error: ${err.message}${process.env.MODELYARD_DEBUG ? `\n${(e as Error)?.stack ?? ''}` : ' (set MODELYARD_DEBUG=1 for a stack trace)'}`);
  return err.exitCode;
}
