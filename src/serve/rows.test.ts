import { describe, expect, it } from 'vitest';
import { Frame } from '../frame/frame.js';
import { trainModel } from '../model/train.js';
import { makeSynthetic } from '../../test/helpers/synthetic.js';
import { columnSource, conformRows, recordSource, splitSource } from './rows.js';
import { scoreRows } from './score.js';
import { ModelyardError } from '../errors.js';

const { frame, target } = makeSynthetic({ n: 400, task: 'binary', seed: 7 });
const { model } = await trainModel(frame, { target, learner: 'linear', seed: 7 });
const seg = (await trainModel(frame, { target, learner: 'linear', seed: 7, segmentBy: 'c1' })).model;

function rows(n: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      x1: (i % 7) - 3,
      x2: i % 5 === 0 ? null : String((i % 11) / 3), // numbers sent as text
      x3: i % 4 === 0 ? null : i / 50,
      x4: -i / 100,
      c1: i % 9 === 0 ? null : ['alpha', 'beta', 'gamma', 'delta'][i % 4],
      ignored: 'extra column',
    });
  }
  return out;
}

describe('conformRows', () => {
  it('scores exactly like Model.predict on the CSV path (records, split and column inputs)', () => {
    const recs = rows(120);
    const viaFrame = model.predict(Frame.fromRecords(recs as never));
    const src = recordSource(recs);
    const viaRows = scoreRows(model, conformRows(model, src), src);
    expect(Array.from(viaRows.proba!)).toEqual(Array.from(viaFrame.proba!));
    expect(viaRows.labels).toEqual(viaFrame.labels);
    const cols = ['x1', 'x2', 'x3', 'x4', 'c1'];
    const split = splitSource(cols, recs.map((r) => cols.map((c) => r[c])));
    expect(Array.from(scoreRows(model, conformRows(model, split), split).proba!)).toEqual(Array.from(viaFrame.proba!));
    const byCol = columnSource(Object.fromEntries(cols.map((c) => [c, recs.map((r) => r[c])])), recs.length);
    expect(Array.from(scoreRows(model, conformRows(model, byCol), byCol).proba!)).toEqual(Array.from(viaFrame.proba!));
  });

  it('routes segments like Model.predict', () => {
    const recs = rows(60).map((r) => ({ ...r, c1: ['alpha', 'beta', 'gamma', 'delta'][Number(r.x1) & 3] }));
    const viaFrame = seg.predict(Frame.fromRecords(recs as never));
    const src = recordSource(recs);
    const viaRows = scoreRows(seg, conformRows(seg, src), src);
    expect(Array.from(viaRows.proba!)).toEqual(Array.from(viaFrame.proba!));
    expect(viaRows.segments).toEqual(viaFrame.segments);
  });

  it('names row and field in errors', () => {
    const bad = rows(3);
    bad[2].x4 = 'twelve';
    try {
      conformRows(model, recordSource(bad));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ModelyardError);
      expect((e as ModelyardError).code).toBe('TYPE_MISMATCH');
      expect((e as ModelyardError).location).toMatchObject({ row: 3, column: 'x4', field: 'instances[2].x4' });
    }
    expect(() => conformRows(model, recordSource([{ ...rows(1)[0], x1: 'Infinity' }]))).toThrow(/not a finite number/);
    expect(() => conformRows(model, recordSource([{ ...rows(1)[0], c1: { a: 1 } }]))).toThrow(/instances\[0\]\.c1: an object is not a category/);
    expect(() => conformRows(model, recordSource([5]))).toThrow(/instances\[0\] must be an object/);
  });
});
