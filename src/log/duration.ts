/** Durations and times on the command line and in configuration: `7d`, `12h`, `30m`, `90s`, `250ms`; ISO dates or Unix ms. */
import { ModelyardError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * @example
 * ```ts
 * parseDuration('7d', '--window'); // 604800000
 * ```
 */
export function parseDuration(v: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/.exec(v);
  if (!m) throw new ModelyardError('USAGE', `${flag} ${v}: not a duration (e.g. 250ms, 90s, 30m, 12h, 7d, 2w)`, { flag });
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!);
}

/** An ISO 8601 date/time or Unix milliseconds → Unix ms; null when it is neither. */
export function parseTime(v: string): number | null {
  const s = v.trim();
  if (/^\d{10,}$/.test(s)) return Number(s);
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

/** {@link parseTime} for a flag: USAGE error naming it. */
export function timeFlag(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const t = parseTime(v);
  if (t === null) throw new ModelyardError('USAGE', `${flag} ${v}: not a time (ISO 8601, e.g. 2026-11-20T08:00:00Z, or Unix milliseconds)`, { flag });
  return t;
}
