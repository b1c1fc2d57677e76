/**
 * What the log keeps of a prediction's inputs: everything (`full`, the default), a SHA-256 of the
 * canonical JSON (`hashed`: rows stay joinable and duplicate requests detectable without storing
 * personal data), or nothing (`off`).
 */
import { createHash } from 'node:crypto';
import { ModelyardError } from '../errors.js';
import type { PredictionRecord } from './record.js';

export type InputsMode = 'full' | 'hashed' | 'off';

/** JSON with object keys sorted, so equal inputs hash equally whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/**
 * The inputs as the log stores them.
 *
 * @example
 * ```ts
 * logInputs({ age: 41, plan: 'pro' }, 'hashed'); // 'sha256:6f1c…'
 * ```
 */
export function logInputs(inputs: PredictionRecord['inputs'], mode: InputsMode): PredictionRecord['inputs'] {
  if (mode === 'off' || inputs === null || inputs === undefined) return null;
  if (mode === 'full') return inputs;
  if (typeof inputs === 'string' && inputs.startsWith('sha256:')) return inputs;
  return `sha256:${createHash('sha256').update(canonicalJson(inputs)).digest('hex')}`;
}

/** Parses `full|hashed|off` (or `0`/`1`) from a flag or environment variable. */
export function parseInputsMode(v: string | undefined, where = 'MODELYARD_LOG_INPUTS'): InputsMode {
  if (v === undefined || v === '') return 'full';
  if (v === 'full' || v === 'hashed' || v === 'off') return v;
  // The server's older boolean form: MODELYARD_LOG_INPUTS=0 / 1.
  if (v === '0') return 'off';
  if (v === '1') return 'full';
  throw new ModelyardError('USAGE', `${where}=${v}: use full, hashed or off`, { flag: where });
}
