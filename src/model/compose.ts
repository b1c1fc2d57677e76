/**
 * Composing a segmented model from the segments of other versions: "serve version 1.0.0 for RB and
 * WR, but the QB sub-model from 1.1.0" (seed 000's `POST /models/qb/switch?version=…`). The result is
 * a new model (registered as a new version), so switching one position is an ordinary, audited alias
 * move that a running server picks up without restart.
 */
import { ModelyardError } from '../errors.js';
import type { FeatureSpec } from '../schema/types.js';
import { Model, type ModelPart } from './model.js';

export interface ComposeSource {
  /** Where the model came from (for messages and the recorded lineage), e.g. `recruit@1.1.0`. */
  label: string;
  model: Model;
}

function featureKey(f: FeatureSpec): string {
  // missingRate is a training statistic, not part of the input contract.
  return JSON.stringify([f.name, f.kind, f.categories ?? null, f.dateOnly ?? null]);
}

/**
 * A copy of `base` whose segments named in `replace` come from other segmented models. The models
 * must agree on the segment column, the target (task and classes) and the input schema (feature
 * names, kinds and categories), or the sub-models would read their inputs differently.
 *
 * @example
 * ```ts
 * const qbFromNew = composeSegments({ label: 'recruit@1.0.0', model: v100 }, { QB: { label: 'recruit@1.1.0', model: v110 } });
 * registry.register({ name: 'recruit', bytes: modelToBytes(qbFromNew), changelog: 'QB from 1.1.0' });
 * ```
 */
export function composeSegments(base: ComposeSource, replace: Record<string, ComposeSource>, opts: { changelog?: string } = {}): Model {
  const segs = base.model.segments;
  if (!segs) throw new ModelyardError('USAGE', `${base.label} is not a segmented model (train it with --segment-by)`, { flag: '--base' });
  if (Object.keys(replace).length === 0) throw new ModelyardError('USAGE', 'name at least one segment to replace: --segment VALUE=REF', { flag: '--segment' });
  const baseFeatures = base.model.schema.features.map(featureKey);
  const parts: Record<string, ModelPart> = { ...segs.parts };
  const lineage: Record<string, string> = {};
  for (const [segment, src] of Object.entries(replace)) {
    const other = src.model.segments;
    if (!other) throw new ModelyardError('USAGE', `--segment ${segment}=${src.label}: ${src.label} is not a segmented model`, { flag: '--segment' });
    if (other.by !== segs.by) {
      throw new ModelyardError('USAGE', `--segment ${segment}=${src.label}: it is segmented by "${other.by}", ${base.label} by "${segs.by}"`, { flag: '--segment' });
    }
    const part = other.parts[segment];
    if (!part) throw new ModelyardError('MODEL_NOT_FOUND', `${src.label} has no sub-model for ${segs.by}=${segment} (it has: ${Object.keys(other.parts).join(', ')})`, { flag: '--segment' });
    if (segs.fallback !== undefined && segment === segs.fallback) throw new ModelyardError('USAGE', `--segment ${segment}: that part is ${base.label}'s fallback model`, { flag: '--segment' });
    if (JSON.stringify(src.model.target) !== JSON.stringify(base.model.target)) {
      throw new ModelyardError('USAGE', `--segment ${segment}=${src.label}: its target (${JSON.stringify(src.model.target)}) differs from ${base.label}'s (${JSON.stringify(base.model.target)})`, { flag: '--segment' });
    }
    const theirs = src.model.schema.features.map(featureKey);
    if (theirs.length !== baseFeatures.length || theirs.some((f, i) => f !== baseFeatures[i])) {
      const diff = src.model.schema.features.filter((f, i) => featureKey(f) !== baseFeatures[i]).map((f) => f.name);
      throw new ModelyardError('USAGE', `--segment ${segment}=${src.label}: its input schema differs from ${base.label}'s (features: ${diff.join(', ') || 'count'}); retrain both on the same columns`, { flag: '--segment' });
    }
    parts[segment] = part;
    lineage[segment] = src.label;
  }
  const metadata = {
    ...base.model.metadata,
    createdAt: new Date().toISOString(),
    changelog: opts.changelog ?? `segments ${Object.entries(lineage).map(([s, l]) => `${s} from ${l}`).join(', ')}; others from ${base.label}`,
    composedFrom: { base: base.label, segments: lineage },
  };
  // The reference profile stays the base's: drift is judged against the data most segments saw.
  return new Model(base.model.schema, base.model.target, null, { by: segs.by, parts, fallback: segs.fallback }, metadata, base.model.profile);
}
