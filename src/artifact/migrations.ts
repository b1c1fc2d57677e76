/**
 * Artifact format versions. Each change to the model header bumps MODEL_FORMAT_VERSION and adds a
 * migration from the previous version here, so that older artifacts keep loading (a committed
 * fixture artifact of every past version is loaded in tests).
 */
import { ModelyardError } from '../errors.js';
import type { Json } from '../learn/types.js';

export const MODEL_FORMAT = 'modelyard.model';
export const MODEL_FORMAT_VERSION = 1;

type Migration = (h: Record<string, Json>) => Record<string, Json>;

/** MIGRATIONS[v] upgrades a header of version v to v + 1. */
const MIGRATIONS: Record<number, Migration> = {};

/** Checks the header's format and upgrades it to the current version. */
export function migrateHeader(header: Record<string, Json>, label: string): Record<string, Json> {
  if (header.format !== MODEL_FORMAT) {
    throw new ModelyardError('ARTIFACT_CORRUPT', `${label} is a "${String(header.format)}" container, not a model`, { file: label });
  }
  let v = Number(header.formatVersion);
  if (!Number.isInteger(v) || v < 1) throw new ModelyardError('ARTIFACT_CORRUPT', `${label}: bad formatVersion ${String(header.formatVersion)}`, { file: label });
  if (v > MODEL_FORMAT_VERSION) {
    throw new ModelyardError('ARTIFACT_VERSION', `${label} has model format ${v}; this modelyard reads up to ${MODEL_FORMAT_VERSION}: upgrade modelyard`, { file: label });
  }
  let h = header;
  while (v < MODEL_FORMAT_VERSION) {
    const m = MIGRATIONS[v];
    if (!m) throw new ModelyardError('ARTIFACT_VERSION', `${label}: no migration from model format ${v}`, { file: label });
    h = m(h);
    v++;
  }
  return h;
}
