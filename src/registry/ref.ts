/**
 * Model references, like MLflow's `models:/` URIs: `name` (= `name@latest`), `name@1.2.0`,
 * `name@champion`. A version is anything that parses as semver; anything else is an alias.
 */
import { ModelyardError } from '../errors.js';

export interface ModelRef {
  name: string;
  /** Exactly one of version / alias is set. */
  version?: string;
  alias?: string;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const SEMVER_RE = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const ALIAS_RE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** True for a valid model name. */
export function isValidName(name: string): boolean {
  return NAME_RE.test(name);
}

/** True for a semantic version `MAJOR.MINOR.PATCH[-pre][+build]`. */
export function isSemver(v: string): boolean {
  return SEMVER_RE.test(v);
}

/** True for a valid alias name (letters first, so it never looks like a version). */
export function isValidAlias(a: string): boolean {
  return ALIAS_RE.test(a);
}

/**
 * Parses `name[@version|@alias]`.
 *
 * @example
 * ```ts
 * parseRef('credit@champion'); // { name: 'credit', alias: 'champion' }
 * parseRef('credit@1.0.2');    // { name: 'credit', version: '1.0.2' }
 * ```
 */
export function parseRef(ref: string): ModelRef {
  const at = ref.lastIndexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const tail = at < 0 ? 'latest' : ref.slice(at + 1);
  if (!isValidName(name)) {
    throw new ModelyardError('USAGE', `"${ref}" is not a model reference: names use letters, digits, '.', '_' and '-' (e.g. credit, credit@1.0.0, credit@champion)`);
  }
  if (isSemver(tail)) return { name, version: tail };
  if (isValidAlias(tail)) return { name, alias: tail };
  throw new ModelyardError('USAGE', `"${ref}": "${tail}" is neither a version (1.2.3) nor an alias`);
}

/** Formats a reference back to text. */
export function formatRef(r: ModelRef): string {
  return r.version ? `${r.name}@${r.version}` : r.alias && r.alias !== 'latest' ? `${r.name}@${r.alias}` : r.name;
}
