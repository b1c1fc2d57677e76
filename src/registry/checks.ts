/**
 * Input checks and "not found" errors of the registry service: every message names the model,
 * version, alias or flag at fault and lists what exists instead.
 */
import { ModelyardError } from '../errors.js';
import { aliasMap, getModel, someModelNames, versionNames, type Db } from './queries.js';
import { isValidAlias, isValidName } from './ref.js';
import { compareSemver } from './semver.js';

/** MODEL_NOT_FOUND unless model `name` exists; the message lists some models that do. */
export async function requireModel(tx: Db, location: string, name: string): Promise<void> {
  if (await getModel(tx, name)) return;
  const names = await someModelNames(tx);
  throw new ModelyardError(
    'MODEL_NOT_FOUND',
    `no model named "${name}" in the registry at ${location}${names.length ? ` (models: ${names.join(', ')}${names.length === 10 ? ', …' : ''})` : ' (it is empty)'}`,
  );
}

/** MODEL_NOT_FOUND for a missing version, listing the versions that exist. */
export async function versionNotFound(tx: Db, name: string, version: string): Promise<ModelyardError> {
  const vs = (await versionNames(tx, name)).sort(compareSemver);
  const shown = vs.length > 10 ? [...vs.slice(0, 3), '…', ...vs.slice(-5)] : vs;
  return new ModelyardError('MODEL_NOT_FOUND', `model ${name} has no version ${version} (versions: ${shown.join(', ') || 'none'})`);
}

/** MODEL_NOT_FOUND for a missing alias, listing the aliases that exist. */
export async function aliasNotFound(tx: Db, name: string, alias: string): Promise<ModelyardError> {
  const al = await aliasMap(tx, name);
  const list = Object.entries(al).map(([a, v]) => `${a} → ${v}`);
  return new ModelyardError('MODEL_NOT_FOUND', `model ${name} has no alias "${alias}" (aliases: ${list.join(', ') || 'none'})`);
}

/** USAGE unless `name` is a valid model name. */
export function checkName(name: string): string {
  if (!isValidName(name)) {
    throw new ModelyardError('USAGE', `"${name}" is not a valid model name: use letters, digits, '.', '_' and '-' (at most 128, starting with a letter or digit)`, { flag: '--name' });
  }
  return name;
}

/** USAGE for `latest` (managed by register) and for names that could be mistaken for versions. */
export function checkAlias(alias: string, flag: string): void {
  if (alias === 'latest') {
    throw new ModelyardError('USAGE', `${flag}: "latest" is managed by the registry (it moves on every register) and cannot be set or removed by hand`, { flag });
  }
  if (!isValidAlias(alias)) {
    throw new ModelyardError('USAGE', `${flag}: "${alias}" is not a valid alias: start with a letter, then letters, digits, '_' or '-' (so it never looks like a version)`, { flag });
  }
}

/** USAGE unless every tag is a non-empty key with a text value. */
export function checkTags(tags: Record<string, string>): Record<string, string> {
  for (const [k, v] of Object.entries(tags)) {
    if (!k || typeof v !== 'string') throw new ModelyardError('USAGE', `--tag ${k}: tags are key=value text`, { flag: '--tag' });
  }
  return tags;
}

/** VERSION_EXISTS naming the version, its content and the next free patch. */
export function versionExists(name: string, version: string, haveSha: string, newSha: string, next: string): ModelyardError {
  const same = haveSha === newSha ? ' with the same artifact' : '';
  return new ModelyardError('VERSION_EXISTS', `${name}@${version} already exists${same} (sha256 ${haveSha.slice(0, 12)}…): registered versions are immutable; omit --version to register ${next}`, { flag: '--version' });
}
