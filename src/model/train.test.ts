import { describe, expect, it } from 'vitest';
import { modelFromBytes, modelToBytes } from '../artifact/model-artifact.js';
import { isModelyardError } from '../errors.js';
import { makeSynthetic } from '../../test/helpers/synthetic.js';
import { evaluateModel } from './evaluate.js';
import { trainModel } from './train.js';

const bin = makeSynthetic({ n: 800, task: 'binary', seed: 5 });
const reg = makeSynthetic({ n: 500, task: 'regression', seed: 6 });

describe('trainModel', () => {
  it('records train, validation and cv metrics, schema, recipe and lineage', async () => {
    const { model, report } = await trainModel(bin.frame, { target: 'y', learner: 'linear', split: 'stratified', cv: 3, seed: 3 });
    expect(Object.keys(report.metrics).sort()).toEqual(['cv', 'train', 'validation']);
    expect(report.metrics.validation.roc_auc).toBeGreaterThan(0.8);
    expect(report.cv!.folds).toHaveLength(3);
    expect(model.metadata.recipe).toMatchObject({ target: 'y', learner: 'linear', split: 'stratified', cv: 3, seed: 3 });
    expect(model.metadata.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(model.metadata.data.rows).toBe(800);
    expect(model.target.classes).toEqual(['no', 'yes']);
    const profile = model.profile as { rows: number; features: Record<string, { kind: string }> };
    expect(profile.rows).toBe(800); // the reference profile covers every labelled row, hold-out included
    expect(profile.features.c1.kind).toBe('categorical');
  });

  it('is deterministic for a seed', async () => {
    const a = await trainModel(bin.frame, { target: 'y', learner: 'linear', split: 'random', seed: 9 });
    const b = await trainModel(bin.frame, { target: 'y', learner: 'linear', split: 'random', seed: 9 });
    expect(a.report.metrics.validation).toEqual(b.report.metrics.validation);
  });

  it('calibrates out of fold, reports cross-fitted before/after, and survives save → load', async () => {
    const { model, report } = await trainModel(bin.frame, { target: 'y', learner: 'linear', calibrate: 'sigmoid', calibrationFolds: 4, seed: 1 });
    const c = report.calibration!.model;
    expect(c).toMatchObject({ method: 'sigmoid', folds: 4, rows: 800 });
    for (const v of [c.brier_before, c.brier_after, c.ece_before, c.ece_after]) expect(v).toBeGreaterThanOrEqual(0);
    expect(model.single!.calibrator!.method).toBe('sigmoid');
    const loaded = modelFromBytes(modelToBytes(model)).model;
    const probe = makeSynthetic({ n: 50, task: 'binary', seed: 77 }).frame;
    expect(Array.from(loaded.predict(probe).proba!)).toEqual(Array.from(model.predict(probe).proba!));
    // The calibrator changes the learner's raw probabilities.
    const raw = model.single!.fitted.predict(model.conform(probe));
    expect(Array.from(model.predict(probe).proba!)).not.toEqual(Array.from(raw));
  });

  it('refuses calibration of a regression', async () => {
    await expect(trainModel(reg.frame, { target: 'y', learner: 'linear', calibrate: 'isotonic' })).rejects.toThrow(/applies to classification/);
  });

  it('honours balanced class weights and a weight column', async () => {
    const plain = await trainModel(bin.frame, { target: 'y', learner: 'linear', seed: 1 });
    const balanced = await trainModel(bin.frame, { target: 'y', learner: 'linear', classWeight: 'balanced', seed: 1 });
    const probe = makeSynthetic({ n: 100, task: 'binary', seed: 8 }).frame;
    expect(Array.from(balanced.model.predict(probe).proba!)).not.toEqual(Array.from(plain.model.predict(probe).proba!));
    let err: unknown;
    try {
      await trainModel(bin.frame, { target: 'y', learner: 'linear', weightColumn: 'c1' });
    } catch (e) {
      err = e;
    }
    expect(isModelyardError(err) && err.code).toBe('TYPE_MISMATCH');
  });

  it('evaluates a regression with rmse/mae/r2', async () => {
    const { model } = await trainModel(reg.frame, { target: 'y', learner: 'linear' });
    const r = evaluateModel(model, makeSynthetic({ n: 200, task: 'regression', seed: 60 }).frame);
    expect(Object.keys(r.metrics).sort()).toEqual(['mae', 'r2', 'rmse']);
    expect(r.metrics.r2).toBeGreaterThan(0.5);
  });
});
