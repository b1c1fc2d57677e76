/**
 * Real artifact container bytes shaped like a model header (format, schema, target, parts,
 * metadata), for registry tests: the registry reads headers and never loads learners, so a tiny
 * weight array stands in for a fitted learner.
 */
import { encodeContainer } from '../../src/artifact/container.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION } from '../../src/artifact/migrations.js';
import type { Json } from '../../src/learn/types.js';
import type { FeatureSpec } from '../../src/schema/types.js';

export interface FakeModelOptions {
  /** Changes the weights (and so the sha256). */
  seed?: number;
  task?: 'binary' | 'multiclass' | 'regression';
  metrics?: Record<string, Record<string, number>>;
  features?: FeatureSpec[];
  params?: Record<string, Json>;
  learner?: string;
  /** Segment values: makes a segmented model with one part each. */
  segments?: string[];
  segmentBy?: string;
  changelog?: string;
  name?: string;
}

export const DEFAULT_FEATURES: FeatureSpec[] = [
  { name: 'age', kind: 'numeric', missingRate: 0 },
  { name: 'income', kind: 'numeric', missingRate: 0.1 },
  { name: 'region', kind: 'categorical', categories: ['north', 'south'], missingRate: 0 },
];

export function fakeModelBytes(o: FakeModelOptions = {}): Buffer {
  const seed = o.seed ?? 1;
  const task = o.task ?? 'binary';
  const learner = o.learner ?? 'linear';
  const params = o.params ?? { C: 1, maxIter: 100, seed };
  const partKeys = o.segments ?? [null];
  const arrays: Record<string, Float64Array> = {};
  const parts = partKeys.map((segment, i) => {
    arrays[`p${i}.w`] = new Float64Array([seed, seed * 0.5, -seed, i]);
    return {
      segment,
      learner: { learner, version: 1, params, state: { nFeatures: 3 }, arrays: ['w'] },
      metrics: { roc_auc: 0.7 + ((seed + i) % 10) / 100 },
      rows: 100 + i,
    };
  });
  const header: Record<string, Json> = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    schema: { features: (o.features ?? DEFAULT_FEATURES) as unknown as Json, dropped: [] },
    target: task === 'regression' ? { name: 'y', task } : { name: 'y', task, classes: task === 'binary' ? ['no', 'yes'] : ['a', 'b', 'c'] },
    parts: parts as unknown as Json,
    metadata: {
      createdAt: '2025-01-01T00:00:00.000Z',
      packageVersion: '0.1.0',
      learner,
      params,
      data: { file: 'train.csv', sha256: 'ab'.repeat(32), rows: 1000, columns: 4 },
      metrics: (o.metrics ?? { test: { roc_auc: 0.8 + (seed % 10) / 100, log_loss: 0.5 } }) as unknown as Json,
      recipe: { target: 'y', learner },
      warnings: [],
      ...(o.changelog ? { changelog: o.changelog } : {}),
      ...(o.name ? { name: o.name } : {}),
    },
    profile: null,
  };
  if (o.segments) header.segmentBy = o.segmentBy ?? 'position';
  return encodeContainer(header, arrays);
}
