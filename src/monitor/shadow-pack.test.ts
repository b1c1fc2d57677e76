import { describe, expect, it } from 'vitest';
import { Frame, type Cell } from '../frame/frame.js';
import { packRows, unpackFrame } from './shadow-pack.js';

describe('packRows / unpackFrame', () => {
  it('builds the frame Frame.fromRecords builds, for every kind of column', () => {
    const rows: Record<string, Cell>[][] = [
      [
        { f: 1.5, i: 3, b: true, s: 'u', mix: 2, gone: null, blank: '', nb: true },
        { f: null, i: 4, b: false, s: null, mix: 'x', blank: 7, nb: 2 },
      ],
      [],
      [{ f: 2, i: undefined, b: null, s: 'v', mix: 3, gone: undefined, blank: '', nb: 0.5 }, { i: -1, s: '', mix: true, extra: 'ignored' }],
    ];
    const columns = ['f', 'i', 'b', 's', 'mix', 'gone', 'blank', 'nb', 'absent'];
    const { packed, transfer } = packRows(rows, columns);
    // Numeric columns travel as transferable buffers, one per column.
    expect(transfer).toHaveLength(packed.columns.filter((c) => c.kind === 'number').length);
    expect(packed.columns.map((c) => c.kind)).toEqual(['number', 'number', 'number', 'string', 'string', 'number', 'number', 'number', 'number']);
    const got = unpackFrame(structuredClone(packed, { transfer }));
    const want = Frame.fromRecords(rows.flat(), columns);
    expect(got.nRows).toBe(4);
    expect(got.columns).toEqual(want.columns);
  });

  it('packs no rows', () => {
    const { packed } = packRows([], ['a']);
    expect(unpackFrame(packed).columns).toEqual(Frame.fromRecords([], ['a']).columns);
  });
});
