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
import { Frame, encodeStrings, numberColumn, type Column } from '../frame/frame.js';
import type { Json } from '../learn/types.js';
import type { Model, Predictions } from '../model/model.js';
import { trainModel, type TrainRecipe } from '../model/train.js';
import { Rng } from '../util/random.js';
import { scoreMatrix } from './fused.js';
import { conformMatrix, recordSource } from './rows.js';

const C1 = ['alpha', 'beta', 'gamma', 'delta'];
const BIG = Array.from({ length: 12 }, (_, i) => `b${i}`);
const DAY0 = Date.UTC(2023, 0, 1);
const DAY = 86_400_000;

/** Training frame: numbers with missing values, two categoricals (one with many levels), a boolean, a date and a timestamp. */
function trainingFrame(n: number, task: 'binary' | 'multiclass' | 'regression', seed: number): Frame {
  const rng = new Rng(seed);
  const x = [0, 1, 2, 3].map(() => new Float64Array(n));
  const c1: (string | null)[] = [];
  const big: (string | null)[] = [];
  const flag = new Float64Array(n);
  const day = new Float64Array(n);
  const ts = new Float64Array(n);
  const y: (string | number)[] = [];
  for (let i = 0; i < n; i++) {
    for (const col of x) col[i] = rng.normal();
    const l = rng.int(4);
    c1.push(rng.next() < 0.08 ? null : C1[l]);
    // Skewed so that a cap on one-hot levels has frequent and rare levels.
    const b = Math.min(11, Math.floor(-Math.log(1 - rng.next()) * 3));
    big.push(rng.next() < 0.05 ? null : BIG[b]);
    flag[i] = rng.next() < 0.05 ? NaN : rng.next() < 0.4 ? 1 : 0;
    day[i] = rng.next() < 0.05 ? NaN : DAY0 + rng.int(700) * DAY;
    ts[i] = DAY0 + Math.floor(rng.next() * 700 * DAY);
    const s = 1.5 * x[0][i] - x[1][i] + 0.5 * x[2][i] * x[0][i] + [0.8, -0.6, 0.2, -0.4][l] + (b % 3) * 0.3 + (flag[i] === 1 ? 0.5 : 0);
    if (rng.next() < 0.1) x[2][i] = NaN;
    if (rng.next() < 0.03) x[3][i] = NaN;
    if (task === 'regression') y.push(3 * s + 0.3 * rng.normal());
    else if (task === 'binary') y.push(1 / (1 + Math.exp(-2 * s)) > rng.next() ? 'yes' : 'no');
    else y.push(`class_${Math.min(2, Math.max(0, Math.floor((s + 1.5) / 1 + 0.4 * rng.normal())))}`);
  }
  const cols: Column[] = [
    ...x.map((v, j) => numberColumn(`x${j + 1}`, v)),
    encodeStrings('c1', c1),
    encodeStrings('big', big),
    numberColumn('flag', flag, 'boolean'),
    numberColumn('day', day, 'date'),
    numberColumn('ts', ts, 'timestamp'),
    task === 'regression' ? numberColumn('y', Float64Array.from(y as number[])) : encodeStrings('y', y as string[]),
  ];
  return new Frame(cols);
}

const iso = (ms: number, time: boolean): string => {
  const s = new Date(ms).toISOString();
  return time ? `${s.slice(0, 10)} ${s.slice(11, 19)}` : s.slice(0, 10);
};

/** Random request rows: missing (null or absent) values, numbers as text, unseen categories. */
function requestRows(n: number, seed: number, withSegment = false): Record<string, unknown>[] {
  const rng = new Rng(seed);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const r: Record<string, unknown> = {};
    for (let j = 1; j <= 4; j++) {
      const u = rng.next();
      if (u < 0.08) r[`x${j}`] = null;
      else if (u < 0.12) continue; // absent
      else if (u < 0.2) r[`x${j}`] = String(Math.round(rng.normal() * 1000) / 1000);
      else r[`x${j}`] = rng.normal() * 1.5;
    }
    const u = rng.next();
    r.c1 = u < 0.1 ? null : u < 0.2 ? 'omega' : C1[rng.int(4)];
    const v = rng.next();
    if (v >= 0.05) r.big = v < 0.1 ? null : v < 0.2 ? 'b99' : BIG[rng.int(12)];
    const f = rng.next();
    r.flag = f < 0.1 ? null : f < 0.55;
    const d = rng.next();
    r.day = d < 0.1 ? null : iso(DAY0 + rng.int(900) * DAY - 100 * DAY, false);
    r.ts = iso(DAY0 + Math.floor(rng.next() * 900 * DAY), true);
    if (withSegment) r.c1 = u < 0.1 ? 'gamma' : C1[rng.int(4)];
    r.unused = 'ignored';
    out.push(r);
  }
  // Every column present somewhere (the reference frame needs it).
  Object.assign(out[0], { x1: 0.5, x2: -0.25, x3: 1.25, x4: 2, big: 'b0' });
  return out;
}

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
