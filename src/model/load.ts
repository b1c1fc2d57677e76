/**
 * Resolving a model reference to a loaded model: a path to an artifact file (`./credit.myd`), or a
 * registry reference (`credit`, `credit@1.0.2`, `credit@champion`).
 */
import fs from 'node:fs';
import { ModelyardError } from '../errors.js';
import { modelFromBytes } from '../artifact/model-artifact.js';
import type { Registry } from '../registry/index.js';
import type { Model } from './model.js';

export interface LoadedModel {
  model: Model;
  name: string;
  version: string;
  sha256: string;
  /** Where it came from: a file path or the registry. */
  source: 'file' | 'registry';
}

/** Artifact files end in `.myd` (modelyard); any existing path also counts. */
export function looksLikeFile(ref: string): boolean {
  return ref.endsWith('.myd') || ref.includes('/') || ref.includes('\\');
}

/**
 * @example
 * ```ts
 * const { model, version } = await loadModel('credit@champion', registry);
 * ```
 */
export async function loadModel(ref: string, registry: () => Promise<Registry>): Promise<LoadedModel> {
  if (looksLikeFile(ref) || (fs.existsSync(ref) && fs.statSync(ref).isFile())) {
    if (!fs.existsSync(ref)) throw new ModelyardError('MODEL_NOT_FOUND', `model file not found: ${ref}`, { file: ref });
    const { model, sha256 } = modelFromBytes(fs.readFileSync(ref), ref);
    const name = typeof model.metadata.name === 'string' ? model.metadata.name : ref;
    return { model, name, version: typeof model.metadata.version === 'string' ? model.metadata.version : 'file', sha256, source: 'file' };
  }
  const reg = await registry();
  const { info, bytes } = await reg.load(ref);
  const { model, sha256 } = modelFromBytes(bytes, `${info.name}@${info.version}`, info.sha256);
  return { model, name: info.name, version: info.version, sha256, source: 'registry' };
}
