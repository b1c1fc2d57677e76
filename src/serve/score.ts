/**
 * Scoring a conformed request frame: one part, or segment routing (the same rules as
 * `Model.predict`: a part per segment value, the fallback part for other values, else
 * UNSEEN_CATEGORY naming the row), then labels with the request's threshold.
 */
import { ModelyardError } from '../errors.js';
import { scorePart, type Model, type Predictions } from '../model/model.js';
import type { ConformedRows, RowSource } from './rows.js';

/**
 * @example
 * ```ts
 * const p = scoreRows(model, conformRows(model, recordSource(rows)), src, 0.3);
 * ```
 */
export function scoreRows(model: Model, rows: ConformedRows, src: RowSource, threshold?: number): Predictions {
  const { X } = rows;
  const n = X.nRows;
  const k = model.nClasses;
  if (model.single) return model.label(scorePart(model.single, X, k), n, k, threshold);
  const seg = model.segments!;
  const width = model.target.task === 'regression' ? 1 : k;
  const out = new Float64Array(n * width);
  const { segOut, groups } = routeSegments(model, rows.segments!, src);
  for (const [key, idx] of groups) {
    const sub = scorePart(seg.parts[key], groups.size === 1 ? X : X.take(idx), k);
    for (let r = 0; r < idx.length; r++) {
      for (let c = 0; c < width; c++) out[idx[r] * width + c] = sub[r * width + c];
    }
  }
  return model.label(out, n, k, threshold, segOut);
}

/**
 * Routes each row to its model part by segment value (the fallback part for unknown or missing
 * values, else UNSEEN_CATEGORY naming the row): the part per row, and the row indices per part.
 * Shared by the reference path ({@link scoreRows}) and the fused path (`fused.ts`).
 *
 * @example
 * ```ts
 * const { segOut, groups } = routeSegments(model, ['QB', 'WR', null], src);
 * ```
 */
export function routeSegments(model: Model, values: readonly (string | null)[], src: RowSource): { segOut: (string | null)[]; groups: Map<string, number[]> } {
  const seg = model.segments!;
  const n = values.length;
  const segOut: (string | null)[] = new Array(n);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = values[i];
    let part = key !== null && Object.hasOwn(seg.parts, key) ? key : null;
    if (part === null) {
      if (seg.fallback === undefined) {
        const known = Object.keys(seg.parts).join(', ');
        throw new ModelyardError('UNSEEN_CATEGORY', `row ${i + 1}, ${src.field(i, seg.by)}: no model for segment ${key === null ? '(missing)' : `"${key.slice(0, 60)}"`} (segments: ${known}) and no fallback model`, {
          row: i + 1,
          column: seg.by,
          field: src.field(i, seg.by),
        });
      }
      part = seg.fallback;
    }
    segOut[i] = part;
    let g = groups.get(part);
    if (!g) groups.set(part, (g = []));
    g.push(i);
  }
  return { segOut, groups };
}
