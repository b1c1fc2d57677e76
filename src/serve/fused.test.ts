/**
 * The fused serving path (fused.ts, transform/design-plan.ts) against the reference path
 * (`Model.predict` on `Frame.fromRecords`, i.e. the CSV route through `conform` and every
 * transform's frame): bit-identical outputs for every learner kind, every transform kind
 * (imputation with and without indicators, mean and median, datetime parts, one-hot with and
 * without `__other__`, ordinal, target encoding, scaling), calibration, segments; on random rows
 * with missing values, absent fields, numbers sent as text and unseen categories; one row at a
 * time and in batches.
 */
import { describe, expect, it } from 'vitest';
import { Frame } from '../frame/frame.js';
import type { Json } from '../learn/types.js';
import type { Model, Predictions } from '../model/model.js';
import { trainModel, type TrainRecipe } from '../model/train.js';
import { requestRows, trainingFrame } from '../../test/helpers/serve-rows.js';
import { scoreMatrix } from './fused.js';
import { conformMatrix, recordSource } from './rows.js';

function bits(a: Float64Array | undefined): string {
  return a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex') : 'none';
}

function output(p: Predictions): Float64Array {
  return (p.task === 'regression' ? p.values : p.proba)!;
}

/** Fused scores of `rows`, as one batch and one row at a time. */
function fused(model: Model, rows: Record<string, unknown>[]): { batch: Predictions; single: Predictions[] } {
  const src = recordSource(rows);
  const batch = scoreMatrix(model, conformMatrix(model, src, 'missing'), src);
  const single = rows.map((r) => {
    // Alone, an absent field is a missing column (COLUMN_MISSING); send it as null, as a client would.
    const s = recordSource([{ ...Object.fromEntries(model.inputColumns.map((c) => [c, null])), ...r }]);
    return scoreMatrix(model, conformMatrix(model, s, 'missing'), s);
  });
  return { batch, single };
}

function expectIdentical(model: Model, rows: Record<string, unknown>[]): void {
  const ref = model.predict(Frame.fromRecords(rows as never), { unseen: 'missing' });
  const { batch, single } = fused(model, rows);
  const width = model.target.task === 'regression' ? 1 : model.nClasses;
  expect(bits(output(batch))).toBe(bits(output(ref)));
  expect(batch.labels).toEqual(ref.labels);
  expect(batch.segments).toEqual(ref.segments);
  const refOut = output(ref);
  single.forEach((p, i) => {
    expect(bits(output(p)), `row ${i}`).toBe(bits(refOut.subarray(i * width, (i + 1) * width)));
  });
}

const frames = {
  binary: trainingFrame(360, 'binary', 11),
  multiclass: trainingFrame(360, 'multiclass', 12),
  regression: trainingFrame(360, 'regression', 13),
};

interface Case {
  name: string;
  task: keyof typeof frames;
  learner: string;
  params?: Record<string, Json>;
  recipe?: Partial<TrainRecipe>;
}

const gbdt = { rounds: 15, max_leaves: 8, early_stopping_rounds: 0 };
const forest = { trees: 8, max_depth: 5 };
const cases: Case[] = [
  // linear: every transform kind
  { name: 'linear one-hot (capped levels → __other__), mean, indicators', task: 'binary', learner: 'linear', params: { max_levels: 4 } },
  { name: 'linear one-hot uncapped, median, no indicators', task: 'multiclass', learner: 'linear', params: { impute: 'median', missing_indicator: false } },
  { name: 'linear ordinal', task: 'binary', learner: 'linear', params: { encoding: 'ordinal' } },
  { name: 'linear target encoding (binary)', task: 'binary', learner: 'linear', params: { encoding: 'target' } },
  { name: 'linear target encoding (multiclass)', task: 'multiclass', learner: 'linear', params: { encoding: 'target' } },
  { name: 'linear regression (ridge)', task: 'regression', learner: 'linear' },
  { name: 'linear regression (elastic net), ordinal', task: 'regression', learner: 'linear', params: { l1_ratio: 0.5, alpha: 0.01, encoding: 'ordinal' } },
  // trees
  { name: 'gbdt binary', task: 'binary', learner: 'gbdt', params: gbdt },
  { name: 'gbdt multiclass', task: 'multiclass', learner: 'gbdt', params: gbdt },
  { name: 'gbdt regression', task: 'regression', learner: 'gbdt', params: gbdt },
  { name: 'tree', task: 'binary', learner: 'tree', params: { max_depth: 6 } },
  { name: 'forest', task: 'multiclass', learner: 'forest', params: forest },
  { name: 'extra_trees regression', task: 'regression', learner: 'extra_trees', params: forest },
  // ensembles
  { name: 'voting soft', task: 'multiclass', learner: 'voting', params: { members: [{ learner: 'linear', params: {} }, { learner: 'gbdt', params: gbdt }], weights: [2, 1] } },
  { name: 'voting hard', task: 'binary', learner: 'voting', params: { voting: 'hard', members: [{ learner: 'linear', params: {} }, { learner: 'linear', params: { encoding: 'ordinal' } }, { learner: 'gbdt', params: gbdt }] } },
  { name: 'voting regression', task: 'regression', learner: 'voting', params: { members: [{ learner: 'linear', params: {} }, { learner: 'forest', params: forest }] } },
  { name: 'stacking', task: 'binary', learner: 'stacking', params: { members: [{ learner: 'linear', params: { encoding: 'target' } }, { learner: 'gbdt', params: gbdt }], folds: 3 } },
  { name: 'stacking multiclass', task: 'multiclass', learner: 'stacking', params: { members: [{ learner: 'linear', params: {} }, { learner: 'tree', params: { max_depth: 4 } }], folds: 3 } },
  // calibrated
  { name: 'gbdt + sigmoid calibration', task: 'binary', learner: 'gbdt', params: gbdt, recipe: { calibrate: 'sigmoid' } },
  { name: 'linear + isotonic calibration', task: 'multiclass', learner: 'linear', recipe: { calibrate: 'isotonic' } },
];

describe('fused serving path = reference path, bit for bit', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { model } = await trainModel(frames[c.task], { target: 'y', learner: c.learner, params: c.params, seed: 3, threads: 1, ...c.recipe });
      expectIdentical(model, requestRows(150, 101));
      expectIdentical(model, requestRows(7, 202));
    });
  }

  it('segmented model (one part per segment, rows routed as the reference)', async () => {
    const { model } = await trainModel(frames.binary, { target: 'y', learner: 'linear', seed: 3, segmentBy: 'c1', segmentFallback: 'global' });
    expect(model.segments).not.toBeNull();
    expectIdentical(model, requestRows(120, 303, true));
  });

  it('segmented gbdt with a fallback model for unknown segments', async () => {
    const { model } = await trainModel(frames.regression, { target: 'y', learner: 'gbdt', params: gbdt, seed: 3, segmentBy: 'c1', minSegmentRows: 100, segmentFallback: 'global' });
    const rows = requestRows(80, 404, true);
    rows[3].c1 = 'omega';
    rows[5].c1 = null;
    expectIdentical(model, rows);
  });
});
