/**
 * Fault points: a test hook that lets the crash-safety tests land a `kill -9` at a chosen step of a
 * registry write. `MODELYARD_FAULT=<point>[:<ms>]` makes the process, on reaching `<point>`, write
 * `modelyard-fault:<point>` to stderr and then wait `<ms>` milliseconds (forever without `:<ms>`;
 * `:@<epoch ms>` waits until that wall-clock time, a start barrier for concurrency tests).
 * Unset (always, outside tests) it costs one string comparison per point.
 *
 * Points on the register path, in order: `register:before-blob`, `blob:temp-written` (file store:
 * bytes fsynced under a temporary name), `blob:renamed` (renamed, directory not yet fsynced),
 * `register:after-blob`, `register:in-transaction` (rows written, not committed),
 * `register:after-commit`.
 */
export const FAULT_POINTS = [
  'register:before-blob',
  'blob:temp-written',
  'blob:renamed',
  'register:after-blob',
  'register:in-transaction',
  'register:after-commit',
] as const;

export type FaultPoint = (typeof FAULT_POINTS)[number];

/** Pauses here when `MODELYARD_FAULT` names this point (see module docs). */
export async function faultPoint(point: FaultPoint): Promise<void> {
  const spec = process.env.MODELYARD_FAULT;
  if (!spec) return;
  const [name, ms] = spec.split(':').length > 2 ? [spec.slice(0, spec.lastIndexOf(':')), spec.slice(spec.lastIndexOf(':') + 1)] : [spec, ''];
  if (name !== point) return;
  process.stderr.write(`modelyard-fault:${point}\n`);
  if (ms.startsWith('@')) {
    await new Promise((r) => setTimeout(r, Math.max(0, Number(ms.slice(1)) - Date.now())));
  } else if (ms) {
    await new Promise((r) => setTimeout(r, Number(ms)));
  } else {
    // Wait forever (until killed); the interval keeps the event loop alive.
    await new Promise(() => setInterval(() => undefined, 60_000));
  }
}
