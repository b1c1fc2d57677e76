/**
 * Differences between two registered versions, from their stored summaries: metrics (per group,
 * e.g. test/train, with b − a), input schema (features added, removed, or with a changed kind or
 * category set) and learner parameters.
 */
import { canonicalJson } from '../artifact/container.js';
import type { Json } from '../learn/types.js';
import type { FeatureSpec } from '../schema/types.js';
import type { ArtifactSummary, DiffReport, FeatureChange, MetricDiff } from './types.js';

export interface DiffSide {
  ref: string;
  sha256: string;
  summary: ArtifactSummary;
}

/**
 * @example
 * ```ts
 * const d = diffSummaries({ ref: 'credit@1.0.0', sha256, summary: s0 }, { ref: 'credit@1.0.1', sha256: sha1, summary: s1 });
 * d.metrics.find((m) => m.metric === 'roc_auc')?.delta; // 0.012
 * ```
 */
export function diffSummaries(a: DiffSide, b: DiffSide): DiffReport {
  const sa = a.summary;
  const sb = b.summary;
  const pair = <T extends string | null>(x: T, y: T): { a: T; b: T } | null => (x === y ? null : { a: x, b: y });
  return {
    a: { ref: a.ref, sha256: a.sha256 },
    b: { ref: b.ref, sha256: b.sha256 },
    same_artifact: a.sha256 === b.sha256,
    task: pair(sa.task, sb.task),
    target: pair(sa.target, sb.target),
    learner: pair(sa.learner, sb.learner),
    metrics: diffMetrics(sa.metrics, sb.metrics),
    schema: diffFeatures(sa.features, sb.features),
    params: diffParams(sa.params, sb.params),
    segments: diffSegments(sa, sb),
  };
}

/** Metrics are `{group: {metric: number}}` (or flat `{metric: number}`, reported under group ""). */
function flattenMetrics(m: Record<string, Json>): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const [k, v] of Object.entries(m)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [mk, mv] of Object.entries(v)) out.set(`${k}\u0000${mk}`, typeof mv === 'number' ? mv : null);
    } else {
      out.set(`\u0000${k}`, typeof v === 'number' ? v : null);
    }
  }
  return out;
}

function diffMetrics(ma: Record<string, Json>, mb: Record<string, Json>): MetricDiff[] {
  const fa = flattenMetrics(ma);
  const fb = flattenMetrics(mb);
  const keys = [...new Set([...fa.keys(), ...fb.keys()])].sort();
  return keys.map((k) => {
    const [group, metric] = k.split('\u0000');
    const x = fa.get(k) ?? null;
    const y = fb.get(k) ?? null;
    return { group, metric, a: x, b: y, delta: x !== null && y !== null ? y - x : null };
  });
}

function diffFeatures(fa: FeatureSpec[], fb: FeatureSpec[]): DiffReport['schema'] {
  const byName = (fs: FeatureSpec[]): Map<string, FeatureSpec> => new Map(fs.map((f) => [f.name, f]));
  const ma = byName(fa);
  const mb = byName(fb);
  const added = fb.filter((f) => !ma.has(f.name));
  const removed = fa.filter((f) => !mb.has(f.name));
  const changed: FeatureChange[] = [];
  for (const f of fa) {
    const g = mb.get(f.name);
    if (!g) continue;
    const c: FeatureChange = { name: f.name };
    if (f.kind !== g.kind) c.kind = { a: f.kind, b: g.kind };
    const ca = new Set(f.categories ?? []);
    const cb = new Set(g.categories ?? []);
    const plus = [...cb].filter((x) => !ca.has(x));
    const minus = [...ca].filter((x) => !cb.has(x));
    if (plus.length) c.categories_added = plus;
    if (minus.length) c.categories_removed = minus;
    if (c.kind || c.categories_added || c.categories_removed) changed.push(c);
  }
  return { added, removed, changed };
}

function diffParams(pa: Record<string, Json>, pb: Record<string, Json>): DiffReport['params'] {
  const keys = [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort();
  const out: DiffReport['params'] = [];
  for (const k of keys) {
    const x = k in pa ? pa[k] : null;
    const y = k in pb ? pb[k] : null;
    if (canonicalJson(x) !== canonicalJson(y)) out.push({ name: k, a: x, b: y });
  }
  return out;
}

function diffSegments(sa: ArtifactSummary, sb: ArtifactSummary): DiffReport['segments'] {
  if (!sa.segments && !sb.segments) return null;
  const set = (s: ArtifactSummary): Set<string> => new Set((s.segments ?? []).map((x) => String(x.segment)));
  const a = set(sa);
  const b = set(sb);
  return { added: [...b].filter((x) => !a.has(x)), removed: [...a].filter((x) => !b.has(x)) };
}
