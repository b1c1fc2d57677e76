import { describe, expect, it } from 'vitest';
import { Frame, numberColumn, type NumberColumn } from '../frame/frame.js';
import { StandardScaler } from './scale.js';
import { copyState as roundTrip, stateKey as snapshot } from './types.js';

describe('StandardScaler', () => {
  const train = new Frame([numberColumn('a', [1, 2, 3, 4, NaN]), numberColumn('b', [5, 5, 5, 5, 5]), numberColumn('c', [9, 9, 9, 9, 9])]);

  it('uses the training mean and population std, ignores NaN, keeps scale 1 for constants', () => {
    const sc = StandardScaler.fit(train, ['a', 'b']);
    expect(sc.mean[0]).toBe(2.5);
    expect(sc.scale[0]).toBeCloseTo(Math.sqrt(1.25), 14); // divisor n = 4, like sklearn
    expect(sc.scale[1]).toBe(1);
    const out = sc.transform(train);
    const a = (out.column('a') as NumberColumn).values;
    expect(a[0]).toBeCloseTo(-1.5 / Math.sqrt(1.25), 14);
    expect(a[4]).toBeNaN();
    expect(Array.from((out.column('b') as NumberColumn).values)).toEqual([0, 0, 0, 0, 0]);
    expect(out.column('c')).toBe(train.column('c')); // untouched columns pass through
  });

  it('is fitted on training rows only and round-trips', () => {
    const sc = StandardScaler.fit(train, ['a']);
    const before = snapshot(sc.toState());
    const test = new Frame([numberColumn('a', [100, -100])]);
    const out = (sc.transform(test).column('a') as NumberColumn).values;
    expect(out[0]).toBeCloseTo((100 - 2.5) / Math.sqrt(1.25), 12);
    expect(snapshot(sc.toState())).toBe(before);
    const back = StandardScaler.fromState(roundTrip(sc.toState()));
    expect(Array.from((back.transform(test).column('a') as NumberColumn).values)).toEqual(Array.from(out));
  });
});
