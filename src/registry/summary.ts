/**
 * What the registry keeps from an artifact header. The header is read once, at registration,
 * through `decodeContainer` (which verifies the sha256 trailer) — the registry never loads a
 * learner — and the summary is stored with the version so `list`, `show` and `diff` read no blobs.
 */
import { decodeContainer } from '../artifact/container.js';
import { migrateHeader } from '../artifact/migrations.js';
import type { Json } from '../learn/types.js';
import type { FeatureSpec } from '../schema/types.js';
import type { ArtifactSummary, SegmentInfo } from './types.js';

type Obj = Record<string, Json>;

const asObj = (v: Json | undefined): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asStr = (v: Json | undefined): string | null => (typeof v === 'string' ? v : null);

/**
 * Verifies artifact bytes and extracts their summary. Raises ARTIFACT_CORRUPT for damaged or
 * foreign bytes and ARTIFACT_VERSION for a newer model format.
 *
 * @example
 * ```ts
 * const { sha256, summary } = summariseArtifact(bytes, 'credit.myd');
 * summary.metrics; // { test: { roc_auc: 0.91 } }
 * ```
 */
export function summariseArtifact(bytes: Uint8Array, label: string): { sha256: string; summary: ArtifactSummary } {
  const { header: raw, sha256 } = decodeContainer(bytes, label);
  const header = migrateHeader(raw, label);
  const meta = asObj(header.metadata);
  const target = asObj(header.target);
  const schema = asObj(header.schema);
  const parts = Array.isArray(header.parts) ? (header.parts as Json[]).map(asObj) : [];
  const summary: ArtifactSummary = {
    format_version: Number(header.formatVersion),
    task: asStr(target.task),
    target: asStr(target.name),
    learner: asStr(meta.learner),
    params: asObj(meta.params),
    metrics: asObj(meta.metrics),
    trained_at: asStr(meta.createdAt),
    package_version: asStr(meta.packageVersion),
    data: meta.data ?? null,
    recipe: meta.recipe ?? null,
    git_commit: asStr(meta.gitCommit),
    changelog: asStr(meta.changelog),
    description: asStr(meta.description),
    features: (Array.isArray(schema.features) ? schema.features : []) as unknown as FeatureSpec[],
  };
  if (Array.isArray(target.classes)) summary.classes = target.classes as (string | number)[];
  if (typeof header.segmentBy === 'string') {
    summary.segment_by = header.segmentBy;
    if (typeof header.fallback === 'string') summary.fallback = header.fallback;
    summary.segments = parts.map((p): SegmentInfo => {
      const s: SegmentInfo = { segment: asStr(p.segment) };
      if (typeof p.rows === 'number') s.rows = p.rows;
      if (p.metrics && typeof p.metrics === 'object') s.metrics = p.metrics as Record<string, number>;
      const learner = asStr(asObj(p.learner).learner);
      if (learner) s.learner = learner;
      return s;
    });
  }
  return { sha256, summary };
}
