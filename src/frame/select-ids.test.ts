import { describe, expect, it } from 'vitest';
import { encodeStrings, Frame, numberColumn } from './frame.js';
import { selectByIds } from './select-ids.js';

const frame = new Frame([
  encodeStrings('match_id', ['M1', 'M2', 'M3', 'M2', null]),
  numberColumn('key', [10, 20, 30, 40, 50], 'integer'),
  numberColumn('x', [1.5, 2.5, 3.5, 4.5, 5.5]),
]);

describe('selectByIds', () => {
  it('returns the rows in the order of the ids, every row of a repeated key, text or number keys', () => {
    const f = selectByIds(frame, 'match_id', ['M3', 'M1'], 'm.csv');
    expect(f.toRecords()).toEqual([
      { match_id: 'M3', key: 30, x: 3.5 },
      { match_id: 'M1', key: 10, x: 1.5 },
    ]);
    expect(selectByIds(frame, 'match_id', ['M2'], 'm.csv').toRecords().map((r) => r.x)).toEqual([2.5, 4.5]);
    expect(selectByIds(frame, 'key', ['40'], 'm.csv').toRecords()).toEqual([{ match_id: 'M2', key: 40, x: 4.5 }]);
  });

  it('names the missing id, the file and the column', () => {
    expect(() => selectByIds(frame, 'match_id', ['M1', 'M9'], 'm.csv')).toThrowError(expect.objectContaining({ code: 'ENTITY_NOT_FOUND', message: 'no row of m.csv has match_id = "M9"' }));
    expect(() => selectByIds(frame, 'id', ['M1'], 'm.csv')).toThrowError(expect.objectContaining({ code: 'COLUMN_MISSING', location: expect.objectContaining({ flag: '--id-column' }) }));
  });
});
