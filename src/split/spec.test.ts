import { describe, expect, it } from 'vitest';
import { Frame } from '../frame/frame.js';
import { parseSplitSpec, splitFrame } from './index.js';
import { checkPartition } from './check.js';
import { ModelyardError } from '../errors.js';

/** The ModelyardError thrown by `fn` (fails the test if it throws nothing or something else). */
function errorOf(fn: () => unknown): ModelyardError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelyardError) return e;
    throw new Error(`expected a ModelyardError, got ${String(e)}`);
  }
  throw new Error('expected a ModelyardError, nothing was thrown');
}

describe('parseSplitSpec', () => {
  it('parses every kind, with and without a test size', () => {
    expect(parseSplitSpec('random')).toEqual({ kind: 'random' });
    expect(parseSplitSpec(' Stratified ')).toEqual({ kind: 'stratified' });
    expect(parseSplitSpec('temporal:date')).toEqual({ kind: 'temporal', column: 'date' });
    expect(parseSplitSpec('group:customer id')).toEqual({ kind: 'group', column: 'customer id' });
    expect(parseSplitSpec('temporal:date,0.25')).toEqual({ kind: 'temporal', column: 'date', testSize: 0.25 });
    expect(parseSplitSpec('random,100')).toEqual({ kind: 'random', testSize: 100 });
    expect(parseSplitSpec('stratified, .3')).toEqual({ kind: 'stratified', testSize: 0.3 });
    // a non-numeric tail belongs to the column name
    expect(parseSplitSpec('group:a,b')).toEqual({ kind: 'group', column: 'a,b' });
  });

  it('rejects bad text with USAGE on --split', () => {
    for (const bad of ['', 'foo', 'temporal', 'temporal:', 'group: ,0.2', 'random:x', 'random,1.5', 'random,0', 'random,abc', 'kfold:5']) {
      const e = errorOf(() => parseSplitSpec(bad));
      expect(e.code, bad).toBe('USAGE');
      expect(e.location.flag).toBe('--split');
      expect(e.message).toMatch(/temporal:COLUMN/);
    }
  });
});

describe('splitFrame', () => {
  const day = 86_400_000;
  const n = 40;
  const frame = Frame.fromRecords(
    Array.from({ length: n }, (_, i) => ({
      when: Date.UTC(2024, 0, 1) + (n - i) * day,
      store: `s${i % 8}`,
      region: i % 5,
      x: i,
    })),
  );

  it('runs random and stratified splits', () => {
    checkPartition(splitFrame(frame, { kind: 'random' }, { seed: 1 }), n);
    const y = Float64Array.from({ length: n }, (_, i) => i % 2);
    const s = splitFrame(frame, { kind: 'stratified' }, { seed: 1, y, testSize: 0.25 });
    checkPartition(s, n);
    expect(s.test.length).toBe(10);
    expect(Array.from(s.test).filter((i) => y[i] === 1).length).toBe(5);
  });

  it('runs a temporal split on a number column (latest rows in test)', () => {
    const s = splitFrame(frame, parseSplitSpec('temporal:when,0.25'), { seed: 1 });
    checkPartition(s, n);
    // rows are in reverse time order, so the latest quarter is rows 0..9
    expect(Array.from(s.test)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('runs a group split on string and number columns; opts.testSize wins over the spec', () => {
    for (const column of ['store', 'region']) {
      const s = splitFrame(frame, { kind: 'group', column, testSize: 0.5 }, { seed: 3, testSize: 0.25 });
      checkPartition(s, n);
      const g = (i: number): string | number | null => frame.cell(i, column);
      const te = new Set(Array.from(s.test, g));
      for (const i of s.train) expect(te.has(g(i))).toBe(false);
      expect(te.size).toBe(2); // ceil(0.25 · 8) = ceil(0.25 · 5) = 2 groups, not the spec's 0.5
    }
  });

  it('names a missing column, rejects a text time column and a missing target', () => {
    const e = errorOf(() => splitFrame(frame, parseSplitSpec('temporal:date'), { seed: 1 }));
    expect(e.code).toBe('COLUMN_MISSING');
    expect(e.location.column).toBe('date');
    expect(e.message).toMatch(/"date"/);
    expect(errorOf(() => splitFrame(frame, parseSplitSpec('group:shop'), { seed: 1 })).code).toBe('COLUMN_MISSING');
    const t = errorOf(() => splitFrame(frame, parseSplitSpec('temporal:store'), { seed: 1 }));
    expect(t.code).toBe('TYPE_MISMATCH');
    expect(t.location.column).toBe('store');
    expect(errorOf(() => splitFrame(frame, { kind: 'stratified' }, { seed: 1 })).code).toBe('PARAM_INVALID');
    expect(errorOf(() => splitFrame(frame, { kind: 'stratified' }, { seed: 1, y: [0, 1] })).code).toBe('LENGTH_MISMATCH');
  });

  it('names the column when group values are missing', () => {
    const f = Frame.fromRecords([{ g: 'a' }, { g: null }, { g: 'b' }, { g: 'a' }]);
    const e = errorOf(() => splitFrame(f, parseSplitSpec('group:g'), { seed: 1 }));
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.location.column).toBe('g');
    expect(e.message).toMatch(/1 of 4 rows have a missing column "g" value/);
  });
});
