import { describe, expect, it } from 'vitest';
import { Frame, encodeStrings, type NumberColumn } from '../frame/frame.js';
import { isModelyardError } from '../errors.js';
import { OneHotEncoder } from './onehot.js';
import { copyState as roundTrip, stateKey as snapshot } from './types.js';

const rows = (f: Frame): number[][] => Array.from({ length: f.nRows }, (_, i) => f.columns.map((c) => (c as NumberColumn).values[i]));

describe('OneHotEncoder', () => {
  // a ×4, b ×3, c ×2, d ×1, e ×0 (in the dictionary but absent from the rows)
  const train = new Frame([{ type: 'string', name: 'plan', codes: Int32Array.from([0, 0, 0, 0, 1, 1, 1, 2, 2, 3, -1]), dictionary: ['a', 'b', 'c', 'd', 'e'] }]);

  it('keeps the most frequent levels under the cap and buckets the rest as __other__', () => {
    const enc = OneHotEncoder.fit(train, ['plan'], { maxLevels: 3 });
    const out = enc.transform(train);
    expect(out.names).toEqual(['plan=a', 'plan=b', 'plan=__other__']);
    expect(rows(out)[0]).toEqual([1, 0, 0]);
    expect(rows(out)[4]).toEqual([0, 1, 0]);
    expect(rows(out)[7]).toEqual([0, 0, 1]); // c: capped
    expect(rows(out)[9]).toEqual([0, 0, 1]); // d: capped
    expect(rows(out)[10]).toEqual([0, 0, 0]); // missing is missing, not other
  });

  it('without a cap: one column per level seen in training, no __other__; unseen → all zeros', () => {
    const enc = OneHotEncoder.fit(train, ['plan']);
    expect(enc.outputNames('plan')).toEqual(['plan=a', 'plan=b', 'plan=c', 'plan=d']);
    const test = new Frame([encodeStrings('plan', ['zzz', 'e', 'c', null])]);
    expect(rows(enc.transform(test))).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('sends categories unseen in training to __other__ when it exists, matching labels not codes', () => {
    const enc = OneHotEncoder.fit(train, ['plan'], { maxLevels: 3 });
    const test = new Frame([encodeStrings('plan', ['new', 'b', 'a', null])]); // codes differ from training
    expect(rows(enc.transform(test))).toEqual([
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('rejects a cap below 2 and a numeric column with coded errors', () => {
    expect(() => OneHotEncoder.fit(train, ['plan'], { maxLevels: 1 })).toThrow(/maxLevels/);
    const enc = OneHotEncoder.fit(train, ['plan']);
    let err: unknown;
    try {
      enc.transform(new Frame([{ type: 'number', name: 'plan', values: new Float64Array(2), storage: 'float' }]));
    } catch (e) {
      err = e;
    }
    expect(isModelyardError(err) && err.code).toBe('TYPE_MISMATCH');
  });

  it('round-trips its state and is unchanged by transforming new rows', () => {
    const enc = OneHotEncoder.fit(train, ['plan'], { maxLevels: 3 });
    const before = snapshot(enc.toState());
    enc.transform(new Frame([encodeStrings('plan', ['q', 'r', 's'])]));
    expect(snapshot(enc.toState())).toBe(before);
    const back = OneHotEncoder.fromState(roundTrip(enc.toState()));
    expect(rows(back.transform(train))).toEqual(rows(enc.transform(train)));
  });
});
