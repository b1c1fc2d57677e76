import { describe, expect, it } from 'vitest';
import { Frame, encodeStrings, type NumberColumn } from '../frame/frame.js';
import { OrdinalEncoder } from './ordinal.js';
import { copyState as roundTrip } from './types.js';

describe('OrdinalEncoder', () => {
  const train = new Frame([{ type: 'string', name: 'cut', codes: Int32Array.from([2, 0, 1, -1]), dictionary: ['Fair', 'Good', 'Ideal'] }]);

  it('encodes positions in the training category order; missing and unseen become NaN', () => {
    const enc = OrdinalEncoder.fit(train, ['cut']);
    expect(Array.from((enc.transform(train).column('cut') as NumberColumn).values)).toEqual([2, 0, 1, NaN]);
    const test = new Frame([encodeStrings('cut', ['Good', 'Premium', null, 'Fair'])]);
    expect(Array.from((enc.transform(test).column('cut') as NumberColumn).values)).toEqual([1, NaN, NaN, 0]);
  });

  it('round-trips its state', () => {
    const enc = OrdinalEncoder.fit(train, ['cut']);
    const back = OrdinalEncoder.fromState(roundTrip(enc.toState()));
    expect(Array.from((back.transform(train).column('cut') as NumberColumn).values)).toEqual([2, 0, 1, NaN]);
  });
});
