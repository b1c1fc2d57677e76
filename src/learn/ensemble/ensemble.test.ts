import { describe, expect, it } from 'vitest';
import { isModelyardError } from '../../errors.js';
import { inferSchema } from '../../schema/infer.js';
import { encodeTarget } from '../../schema/target.js';
import type { Task } from '../../schema/types.js';
import { conform } from '../../schema/validate.js';
import { makeSynthetic } from '../../../test/helpers/synthetic.js';
import { createLearner, loadFitted } from '../index.js';
import type { TrainSet } from '../types.js';

function data(task: Task, n = 400) {
  const { frame, target } = makeSynthetic({ n: n + 100, task, seed: 5 });
  const { spec, y } = encodeTarget(frame, target, task);
  const { schema } = inferSchema(frame, { exclude: { [target]: 'target' } });
  const X = conform(frame, schema);
  const rows = Array.from({ length: n }, (_, i) => i);
  const train: TrainSet = { frame: X.take(rows), features: schema.features, task, nClasses: spec.task === 'regression' ? 1 : spec.classes!.length, y: y.slice(0, n), seed: 1 };
  return { train, test: X.take(Array.from({ length: 100 }, (_, i) => n + i)) };
}

const A = { learner: 'linear', params: { C: 1 } };
const B = { learner: 'linear', params: { C: 0.01, encoding: 'ordinal' } };

describe('voting', () => {
  it('soft voting is the weighted mean of the members’ probabilities', () => {
    const { train, test } = data('multiclass');
    const pa = createLearner('linear', A.params).fit(train).predict(test);
    const pb = createLearner('linear', B.params).fit(train).predict(test);
    const pv = createLearner('voting', { members: [A, B], weights: [3, 1] }).fit(train).predict(test);
    for (let i = 0; i < pv.length; i++) expect(pv[i]).toBeCloseTo(0.75 * pa[i] + 0.25 * pb[i], 12);
  });

  it('hard voting returns vote shares whose arg-max is the weighted majority', () => {
    const { train, test } = data('binary');
    const members = [A, B, { learner: 'linear', params: { C: 0.001 } }];
    const outs = members.map((m) => createLearner('linear', m.params).fit(train).predict(test));
    const pv = createLearner('voting', { members, voting: 'hard' }).fit(train).predict(test);
    for (let i = 0; i < test.nRows; i++) {
      const votes = outs.filter((o) => o[i * 2 + 1] > o[i * 2]).length;
      expect(pv[i * 2 + 1]).toBeCloseTo(votes / 3, 12);
    }
  });

  it('regression averages the members', () => {
    const { train, test } = data('regression');
    const pa = createLearner('linear', { alpha: 1 }).fit(train).predict(test);
    const pb = createLearner('linear', { alpha: 100 }).fit(train).predict(test);
    const pv = createLearner('voting', { members: [{ learner: 'linear', params: { alpha: 1 } }, { learner: 'linear', params: { alpha: 100 } }] }).fit(train).predict(test);
    for (let i = 0; i < pv.length; i++) expect(pv[i]).toBeCloseTo((pa[i] + pb[i]) / 2, 9);
  });

  it('round-trips nested member state', () => {
    const { train, test } = data('binary');
    const fitted = createLearner('voting', { members: [A, B] }).fit(train);
    const loaded = loadFitted(fitted.toState(), train.features);
    expect(Array.from(loaded.predict(test))).toEqual(Array.from(fitted.predict(test)));
    const imp = fitted.featureImportance!();
    expect(Object.values(imp).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('refuses bad members and weights with PARAM_INVALID', () => {
    const { train } = data('binary');
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isModelyardError(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => createLearner('voting', { members: [] }))).toBe('PARAM_INVALID');
    expect(codeOf(() => createLearner('voting', { members: [A], weights: [1, 2] }))).toBe('PARAM_INVALID');
    expect(codeOf(() => createLearner('voting', { members: [{ learner: 'auto', params: {} }] }))).toBe('PARAM_INVALID');
    expect(codeOf(() => createLearner('voting', { members: [{ learner: 'nope', params: {} }] }).fit(train))).toBe('PARAM_INVALID');
    expect(codeOf(() => createLearner('voting', { members: [{ learner: 'linear', params: { C: -1 } }] }).fit(train))).toBe('PARAM_INVALID');
  });
});

describe('stacking', () => {
  it('fits a meta learner on out-of-fold member predictions; state round-trips', () => {
    const { train, test } = data('binary', 600);
    const stack = createLearner('stacking', { members: [A, B], folds: 4 }).fit(train);
    const out = stack.predict(test);
    const state = stack.toState();
    expect((state.state as { metaFeatures: string[] }).metaFeatures).toEqual(['member0', 'member1']);
    const loaded = loadFitted(state, train.features);
    expect(Array.from(loaded.predict(test))).toEqual(Array.from(out));
    for (let i = 0; i < test.nRows; i++) expect(out[i * 2] + out[i * 2 + 1]).toBeCloseTo(1, 12);
  });

  it('multiclass uses every class probability of every member', () => {
    const { train, test } = data('multiclass');
    const stack = createLearner('stacking', { members: [A, B], folds: 3 }).fit(train);
    expect((stack.toState().state as { metaFeatures: string[] }).metaFeatures).toHaveLength(2 * train.nClasses);
    expect(stack.predict(test)).toHaveLength(test.nRows * train.nClasses);
  });
});
