/**
 * Learner parameter specs and validation. Parameters are plain JSON, merged over defaults, checked
 * once in `create`/`fit`, and frozen (scikit-learn's "parameters are data" habit).
 */
import { ModelyardError } from '../errors.js';
import type { Json } from './types.js';

export type ParamSpec =
  | { type: 'number'; min?: number; max?: number; exclusiveMin?: boolean; nullable?: boolean; doc: string }
  | { type: 'integer'; min?: number; max?: number; nullable?: boolean; doc: string }
  | { type: 'boolean'; doc: string }
  | { type: 'enum'; values: readonly string[]; doc: string }
  | { type: 'json'; doc: string; check?: (v: Json) => string | null };

export type ParamSpecs = Record<string, ParamSpec>;

/**
 * Merges `given` over `defaults`, validates every value against `specs`, and freezes the result.
 * Unknown names and out-of-range values raise PARAM_INVALID naming the learner and parameter.
 *
 * @example
 * ```ts
 * const p = resolveParams('linear', { C: 1 }, { C: { type: 'number', min: 0, exclusiveMin: true, doc: 'inverse L2 strength' } }, { C: 0.5 });
 * ```
 */
export function resolveParams<T extends Record<string, Json>>(learner: string, defaults: T, specs: ParamSpecs, given: Record<string, Json> = {}): Readonly<T> {
  const out: Record<string, Json> = { ...defaults };
  for (const [k, v] of Object.entries(given)) {
    if (!(k in specs)) {
      const known = Object.keys(specs).join(', ');
      throw new ModelyardError('PARAM_INVALID', `${learner}: unknown parameter "${k}" (known: ${known})`, { flag: k });
    }
    if (v !== undefined) out[k] = v;
  }
  for (const [k, spec] of Object.entries(specs)) {
    const problem = checkParam(spec, out[k]);
    if (problem) throw new ModelyardError('PARAM_INVALID', `${learner}: parameter "${k}" ${problem} (${spec.doc})`, { flag: k });
  }
  return Object.freeze(out) as Readonly<T>;
}

function checkParam(spec: ParamSpec, v: Json | undefined): string | null {
  switch (spec.type) {
    case 'number':
    case 'integer': {
      if (v === null && spec.nullable) return null;
      if (typeof v !== 'number' || !Number.isFinite(v)) return `must be a finite number, got ${JSON.stringify(v)}`;
      if (spec.type === 'integer' && !Number.isInteger(v)) return `must be an integer, got ${v}`;
      if (spec.min !== undefined) {
        const excl = spec.type === 'number' && spec.exclusiveMin;
        if (excl ? v <= spec.min : v < spec.min) return `must be ${excl ? '>' : '≥'} ${spec.min}, got ${v}`;
      }
      if (spec.max !== undefined && v > spec.max) return `must be ≤ ${spec.max}, got ${v}`;
      return null;
    }
    case 'boolean':
      return typeof v === 'boolean' ? null : `must be true or false, got ${JSON.stringify(v)}`;
    case 'enum':
      return typeof v === 'string' && spec.values.includes(v) ? null : `must be one of ${spec.values.join(', ')}, got ${JSON.stringify(v)}`;
    case 'json':
      return spec.check ? spec.check(v ?? null) : null;
  }
}

/** Parses `key=value` pairs from the CLI (`--param max_depth=6 --param lr=0.1`) into JSON values. */
export function parseParamPairs(pairs: readonly string[], flag = '--param'): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new ModelyardError('USAGE', `${flag} expects key=value, got "${p}"`, { flag });
    const key = p.slice(0, eq).trim();
    const raw = p.slice(eq + 1).trim();
    let value: Json;
    try {
      value = JSON.parse(raw) as Json;
    } catch {
      value = raw;
    }
    out[key] = value;
  }
  return out;
}
