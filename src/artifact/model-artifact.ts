/**
 * Model ⇄ artifact bytes. The header is the model's `model.json` (format, schema, target, parts,
 * metadata, profile); learner and calibrator arrays are stored as raw typed arrays named
 * `p<part>.<array>` / `c<part>.<array>`. Loading verifies the sha256 before anything is parsed.
 */
import { ModelyardError } from '../errors.js';
import { loadCalibrator } from '../learn/calibrate/index.js'; // index registers the loaders
import { loadFitted } from '../learn/index.js'; // index registers the learners
import type { Json, LearnerState, TypedArray } from '../learn/types.js';
import { Model, type ModelMetadata, type ModelPart, type Segments } from '../model/model.js';
import type { Schema, TargetSpec } from '../schema/types.js';
import { decodeContainer, encodeContainer } from './container.js';
import { migrateHeader, MODEL_FORMAT, MODEL_FORMAT_VERSION } from './migrations.js';

interface PartHeader {
  segment: string | null;
  learner: Omit<LearnerState, 'arrays'> & { arrays: string[] };
  calibrator?: { method: string; state: Json; arrays: string[] };
  metrics?: Record<string, number>;
  rows?: number;
}

/**
 * Serialises a model to artifact bytes.
 *
 * @example
 * ```ts
 * const bytes = modelToBytes(model);
 * await fs.writeFile('credit.myd', bytes);
 * ```
 */
export function modelToBytes(model: Model): Buffer {
  const arrays: Record<string, TypedArray> = {};
  const parts: PartHeader[] = [];
  const entries: [string | null, ModelPart][] = model.single ? [[null, model.single]] : Object.entries(model.segments!.parts);
  entries.forEach(([segment, part], i) => {
    const st = part.fitted.toState();
    for (const [name, a] of Object.entries(st.arrays)) arrays[`p${i}.${name}`] = a;
    const ph: PartHeader = {
      segment,
      learner: { learner: st.learner, version: st.version, params: st.params, state: st.state, arrays: Object.keys(st.arrays) },
    };
    if (part.calibrator) {
      const cs = part.calibrator.toState();
      for (const [name, a] of Object.entries(cs.arrays)) arrays[`c${i}.${name}`] = a;
      ph.calibrator = { method: cs.method, state: cs.state, arrays: Object.keys(cs.arrays) };
    }
    if (part.metrics) ph.metrics = part.metrics;
    if (part.rows !== undefined) ph.rows = part.rows;
    parts.push(ph);
  });
  const header: Record<string, Json> = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    schema: model.schema as unknown as Json,
    target: model.target as unknown as Json,
    parts: parts as unknown as Json,
    metadata: model.metadata as unknown as Json,
    profile: model.profile,
  };
  if (model.segments) {
    header.segmentBy = model.segments.by;
    if (model.segments.fallback !== undefined) header.fallback = model.segments.fallback;
  }
  return encodeContainer(header, arrays);
}

/**
 * Loads a model from artifact bytes, verifying integrity (and `expectedSha256` when given).
 */
export function modelFromBytes(bytes: Uint8Array, label = 'artifact', expectedSha256?: string): { model: Model; sha256: string } {
  const { header: raw, arrays, sha256 } = decodeContainer(bytes, label, expectedSha256);
  const header = migrateHeader(raw, label);
  const schema = header.schema as unknown as Schema;
  const target = header.target as unknown as TargetSpec;
  const parts = header.parts as unknown as PartHeader[];
  const loaded: [string | null, ModelPart][] = parts.map((ph, i) => {
    const la: Record<string, TypedArray> = {};
    for (const name of ph.learner.arrays) la[name] = need(arrays, `p${i}.${name}`, label);
    const fitted = loadFitted({ ...ph.learner, arrays: la }, schema.features);
    const part: ModelPart = { fitted };
    if (ph.calibrator) {
      const ca: Record<string, TypedArray> = {};
      for (const name of ph.calibrator.arrays) ca[name] = need(arrays, `c${i}.${name}`, label);
      part.calibrator = loadCalibrator({ method: ph.calibrator.method as 'sigmoid' | 'isotonic', state: ph.calibrator.state, arrays: ca });
    }
    if (ph.metrics) part.metrics = ph.metrics;
    if (ph.rows !== undefined) part.rows = ph.rows;
    return [ph.segment, part];
  });
  let single: ModelPart | null = null;
  let segments: Segments | null = null;
  if (typeof header.segmentBy === 'string') {
    const map: Record<string, ModelPart> = {};
    for (const [seg, part] of loaded) map[seg ?? ''] = part;
    segments = { by: header.segmentBy, parts: map, fallback: typeof header.fallback === 'string' ? header.fallback : undefined };
  } else {
    single = loaded[0][1];
  }
  const model = new Model(schema, target, single, segments, header.metadata as unknown as ModelMetadata, (header.profile ?? null) as Json);
  return { model, sha256 };
}

function need(arrays: Record<string, TypedArray>, name: string, label: string): TypedArray {
  const a = arrays[name];
  if (!a) throw new ModelyardError('ARTIFACT_CORRUPT', `${label}: array "${name}" is missing`, { file: label });
  return a;
}
