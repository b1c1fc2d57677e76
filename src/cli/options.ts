/** Flag parsing helpers: every bad value is a USAGE error naming the flag (exit 2). */
import { ModelyardError } from '../errors.js';
import { COLUMN_KINDS, type ColumnKind } from '../schema/types.js';

/** Commander collector for repeatable flags (`--param a=1 --param b=2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function intFlag(flag: string, v: string | undefined, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ModelyardError('USAGE', `${flag} expects an integer${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ''}${max < Number.MAX_SAFE_INTEGER ? ` and ≤ ${max}` : ''}, got "${v}"`, { flag });
  }
  return n;
}

export function numberFlag(flag: string, v: string | undefined, min = -Infinity, max = Infinity): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new ModelyardError('USAGE', `${flag} expects a number between ${min} and ${max}, got "${v}"`, { flag });
  }
  return n;
}

export function choiceFlag<T extends string>(flag: string, v: string | undefined, choices: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!choices.includes(v as T)) throw new ModelyardError('USAGE', `${flag} must be one of ${choices.join(', ')}, got "${v}"`, { flag });
  return v as T;
}

/** `--types age=categorical --types zip=text-id` → {age: 'categorical', zip: 'text-id'}. */
export function kindsFlag(pairs: readonly string[] = []): Record<string, ColumnKind> {
  const out: Record<string, ColumnKind> = {};
  for (const p of pairs) {
    for (const item of p.split(',')) {
      const eq = item.indexOf('=');
      const col = item.slice(0, eq).trim();
      const kind = item.slice(eq + 1).trim() as ColumnKind;
      if (eq <= 0 || !COLUMN_KINDS.includes(kind)) {
        throw new ModelyardError('USAGE', `--types expects column=kind with kind one of ${COLUMN_KINDS.join(', ')}, got "${item}"`, { flag: '--types' });
      }
      out[col] = kind;
    }
  }
  return out;
}

/** `--drop a,b --drop c` → ['a', 'b', 'c']. */
export function listFlag(values: readonly string[] = []): string[] {
  return values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}

/** `--tag team=risk` → {team: 'risk'}. */
export function pairsFlag(flag: string, values: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new ModelyardError('USAGE', `${flag} expects key=value, got "${v}"`, { flag });
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

/** A duration flag in seconds: `90`, `90s`, `2m`, `1.5h`. */
export function durationFlag(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?\s*$/i.exec(v);
  const secs = m ? Number(m[1]) * ({ s: 1, sec: 1, m: 60, min: 60, h: 3600 } as Record<string, number>)[(m[2] ?? 's').toLowerCase()] : NaN;
  if (!(secs > 0)) throw new ModelyardError('USAGE', `${flag} expects a duration such as 60s, 5m or 1h, got "${v}"`, { flag });
  return secs;
}
