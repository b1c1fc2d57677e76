/**
 * A request's log group (src/log/group.ts), expanded, equals the per-row records the server logged
 * before groups — field for field, on every input kind (numbers, numbers sent as text, nulls,
 * absent fields, unseen categories, numbers sent for categories, booleans, dates, extra fields),
 * for classification, regression, segmented models, entity ids, and through the stores' encoding.
 */
import { describe, expect, it } from 'vitest';
import { trainModel } from '../model/train.js';
import type { PredictionGroup } from '../log/group.js';
import { expandGroup, groupId } from '../log/group.js';
import type { PredictionRecord } from '../log/record.js';
import { groupRow, toGroup, GROUP_COLUMNS } from '../log/stores/rows.js';
import type { Json } from '../learn/types.js';
import type { Model } from '../model/model.js';
import { requestRows, trainingFrame } from '../../test/helpers/serve-rows.js';
import type { Served } from './hub.js';
import { predictRows, type PredictInput } from './predict.js';
import { recordSource, splitSource } from './rows.js';

const served = (model: Model): Served => ({ name: 'm', version: '1.0.0', sha256: 'x', model, source: 'file', loadSeconds: 0, loadedAt: '' });

/** The same request logged through a group sink and through a records-only sink. */
async function bothWays(input: Omit<PredictInput, 'sink'>): Promise<{ group: PredictionGroup; records: PredictionRecord[]; ids: string[] }> {
  let group: PredictionGroup | null = null;
  let records: PredictionRecord[] = [];
  const a = await predictRows({ ...input, sink: { append: () => undefined, appendGroup: (g) => void (group = g) } });
  await predictRows({ ...input, sink: { append: (r) => void (records = r) } });
  return { group: group!, records, ids: a.rows.map((r) => r.id) };
}

/** Records without the fields that differ between two calls (ids, times, latency). */
const comparable = (rs: PredictionRecord[]) => rs.map(({ id: _i, time: _t, latency_ms: _l, ...rest }) => rest);

function expectSame(g: PredictionGroup, records: PredictionRecord[], ids: string[]): void {
  const expanded = expandGroup(g);
  expect(comparable(expanded)).toEqual(comparable(records));
  expect(expanded.map((r) => r.id)).toEqual(ids);
  expect(ids.every((id, i) => id === groupId(g.prefix, i))).toBe(true);
  // Through the stored encoding (blobs as bytes, JSON texts) and back.
  const row = Object.fromEntries(GROUP_COLUMNS.map((c, i) => [c, groupRow(g)[i]]));
  const stored = { ...row, inputs: row.inputs === null ? null : Buffer.from(row.inputs as Buffer), proba: row.proba === null ? null : Buffer.from(row.proba as Buffer) };
  const back = toGroup(stored, new Map(g.codec ? [[g.codec.id, JSON.parse(JSON.stringify(g.codec))]] : []));
  expect(expandGroup(back)).toEqual(expanded);
}

const frames = { binary: trainingFrame(300, 'binary', 21), multiclass: trainingFrame(300, 'multiclass', 22), regression: trainingFrame(300, 'regression', 23) };
const gbdt: Record<string, Json> = { rounds: 5, max_leaves: 4, early_stopping_rounds: 0 };

describe('log group = per-row records', () => {
  for (const [task, learner] of [['binary', 'linear'], ['multiclass', 'gbdt'], ['regression', 'gbdt']] as const) {
    it(`${task} ${learner}: odd inputs, probabilities, one row and a batch`, async () => {
      const { model } = await trainModel(frames[task], { target: 'y', learner, params: learner === 'gbdt' ? gbdt : {}, seed: 1, threads: 1 });
      const rows = requestRows(120, 7);
      // Values the matrix does not reproduce: a number for a category, "" for a number and a category, a number as text.
      Object.assign(rows[1]!, { c1: 3, x1: '' });
      Object.assign(rows[2]!, { c1: '', x2: '2.50' });
      for (const [rs, probs] of [[rows, true], [rows.slice(5, 6), false]] as const) {
        const { group, records, ids } = await bothWays({
          served: served(model), src: recordSource(rs), unseen: 'missing', requestId: 'r1', maxBatchRows: 1000, startedAt: performance.now(),
          logInputs: true, returnProbabilities: probs,
        });
        expect(group.n).toBe(rs.length);
        expect(group.X).not.toBeNull();
        expectSame(group, records, ids);
      }
      // The cells that needed keeping as sent were kept (and only a few: most cells are plain numbers/categories).
      const { group } = await bothWays({ served: served(model), src: recordSource(rows), unseen: 'missing', requestId: 'r', maxBatchRows: 1000, startedAt: 0, logInputs: true });
      const ex = group.exceptions!;
      const cells = new Set<string>();
      for (let e = 0; e < ex.length; e += 3) cells.add(`${ex[e]}:${ex[e + 1]}`);
      const col = (name: string) => model.schema.features.findIndex((f) => f.name === name);
      for (const cell of [`1:${col('c1')}`, `1:${col('x1')}`, `2:${col('c1')}`, `2:${col('x2')}`]) expect(cells.has(cell), cell).toBe(true);
      expect(ex.length / 3).toBeLessThan(rows.length * model.schema.features.length * 0.5);
    });
  }

  it('segmented model, entity ids, split (dataframe_split) input, inputs off', async () => {
    const { model } = await trainModel(frames.binary, { target: 'y', learner: 'linear', seed: 3, segmentBy: 'c1', segmentFallback: 'global' });
    const rows = requestRows(40, 9, true);
    rows[3]!.c1 = 2; // a number for the segment column
    const cols = model.inputColumns;
    const src = splitSource(cols, rows.map((r) => cols.map((c) => (c in r ? r[c] : null))));
    const entityIds = rows.map((_, i) => (i % 3 === 0 ? `lead-${i}` : i));
    const { group, records, ids } = await bothWays({ served: served(model), src, unseen: 'missing', requestId: 'r2', maxBatchRows: 1000, startedAt: 0, logInputs: true, entityIds });
    expect(group.segments).not.toBeNull();
    expectSame(group, records, ids);
    const off = await bothWays({ served: served(model), src, unseen: 'missing', requestId: 'r3', maxBatchRows: 1000, startedAt: 0, logInputs: false });
    expect(off.group.codec).toBeNull();
    expectSame(off.group, off.records, off.ids);
  });
});
