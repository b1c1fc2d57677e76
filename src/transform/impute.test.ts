import { describe, expect, it } from 'vitest';
import { Frame, encodeStrings, numberColumn } from '../frame/frame.js';
import type { FeatureSpec } from '../schema/types.js';
import { Imputer } from './impute.js';
import { copyState as roundTrip, stateKey as snapshot } from './types.js';

const specs: FeatureSpec[] = [
  { name: 'age', kind: 'numeric', missingRate: 0.25 },
  { name: 'kids', kind: 'integer', missingRate: 0 },
  { name: 'vip', kind: 'boolean', missingRate: 0.25 },
  { name: 'plan', kind: 'categorical', categories: ['free', 'pro', 'team'], missingRate: 0.25 },
];

function train(): Frame {
  return new Frame([
    numberColumn('age', [20, NaN, 40, 90]),
    numberColumn('kids', [0, 1, 2, 3]),
    numberColumn('vip', [1, 0, NaN, 1]),
    { type: 'string', name: 'plan', codes: Int32Array.from([1, 1, -1, 2]), dictionary: ['free', 'pro', 'team'] },
  ]);
}

describe('Imputer', () => {
  it('fills mean / median for numbers and the most frequent value for booleans and categories', () => {
    const mean = Imputer.fit(train(), specs, { numeric: 'mean' });
    expect(mean.fillValue('age')).toBeCloseTo(50, 12);
    expect(mean.fillValue('vip')).toBe(1);
    expect(mean.fillValue('plan')).toBe('pro');
    const med = Imputer.fit(train(), specs, { numeric: 'median' });
    expect(med.fillValue('age')).toBe(40);
    const out = med.transform(train());
    expect(Array.from((out.column('age') as { values: Float64Array }).values)).toEqual([20, 40, 40, 90]);
    expect(Array.from((out.column('vip') as { values: Float64Array }).values)).toEqual([1, 0, 1, 1]);
    expect(out.cell(2, 'plan')).toBe('pro');
  });

  it('median of an even count averages the middle pair; ties in most-frequent go to the smallest', () => {
    const f = new Frame([numberColumn('a', [4, 1, 3, 2]), numberColumn('b', [1, 0, 1, 0])]);
    const imp = Imputer.fit(f, [
      { name: 'a', kind: 'numeric', missingRate: 0 },
      { name: 'b', kind: 'boolean', missingRate: 0 },
    ], { numeric: 'median' });
    expect(imp.fillValue('a')).toBe(2.5);
    expect(imp.fillValue('b')).toBe(0);
  });

  it('adds indicator columns only for features with missing training values', () => {
    const imp = Imputer.fit(train(), specs, { indicator: true });
    expect(imp.indicators).toEqual(['age', 'vip', 'plan']);
    // "kids" had no missing value in training: a missing test value is filled, without indicator.
    const test = new Frame([numberColumn('age', [NaN]), numberColumn('kids', [NaN]), numberColumn('vip', [0]), encodeStrings('plan', [null])]);
    const out = imp.transform(test);
    expect(out.names).toEqual(['age', 'kids', 'vip', 'plan', 'age__missing', 'vip__missing', 'plan__missing']);
    expect(out.toRecords()[0]).toEqual({ age: 50, kids: 1.5, vip: 0, plan: 'pro', age__missing: 1, vip__missing: 0, plan__missing: 1 });
  });

  it('never changes its fitted state when transforming other rows, and never mutates inputs', () => {
    const imp = Imputer.fit(train(), specs, { indicator: true });
    const before = snapshot(imp.toState());
    const test = new Frame([numberColumn('age', [NaN, 1000]), numberColumn('kids', [7, NaN]), numberColumn('vip', [NaN, 0]), encodeStrings('plan', ['team', null])]);
    const ageBefore = Array.from((test.column('age') as { values: Float64Array }).values);
    imp.transform(test);
    imp.transform(test);
    expect(snapshot(imp.toState())).toBe(before);
    expect(Array.from((test.column('age') as { values: Float64Array }).values)).toEqual(ageBefore);
  });

  it('maps the fill label through a different dictionary, extending it when absent', () => {
    const imp = Imputer.fit(train(), specs);
    const test = new Frame([numberColumn('age', [1, 2]), numberColumn('kids', [1, 2]), numberColumn('vip', [1, 1]), encodeStrings('plan', ['team', null])]);
    const out = imp.transform(test);
    expect(out.cell(1, 'plan')).toBe('pro');
    expect(out.cell(0, 'plan')).toBe('team');
  });

  it('round-trips its state', () => {
    const imp = Imputer.fit(train(), specs, { numeric: 'median', indicator: true });
    const back = Imputer.fromState(roundTrip(imp.toState()));
    expect(back.transform(train()).toRecords()).toEqual(imp.transform(train()).toRecords());
    expect(snapshot(back.toState())).toBe(snapshot(imp.toState()));
  });
});
