import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { temporalSplit, temporalSplits, timeSeriesSplit } from './index.js';
import { checkAscending, checkPartition } from './check.js';
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

const maxOf = (t: ArrayLike<number>, idx: Int32Array): number => idx.reduce((m, i) => Math.max(m, t[i]), -Infinity);
const minOf = (t: ArrayLike<number>, idx: Int32Array): number => idx.reduce((m, i) => Math.min(m, t[i]), Infinity);

describe('temporalSplit', () => {
  it('tests on the latest rows, whatever the row order', () => {
    const time = [5, 1, 9, 3, 7, 2, 8, 4, 10, 6];
    const s = temporalSplit(time, { testSize: 0.3 });
    checkPartition(s, 10);
    expect(Array.from(s.test).map((i) => time[i]).sort((a, b) => a - b)).toEqual([8, 9, 10]);
  });

  it('never lets a timestamp straddle the cut (the cut moves to the nearest time boundary)', () => {
    const time = [1, 1, 1, 1, 1, 2, 2, 2, 2, 2];
    const s = temporalSplit(time, { testSize: 0.3 }); // the target cut (row 7) is inside the run of 2s
    expect(Array.from(s.test)).toEqual([5, 6, 7, 8, 9]);
    const t2 = [1, 2, 2, 2, 2, 2, 2, 2, 3, 3];
    expect(Array.from(temporalSplit(t2, { testSize: 0.3 }).test)).toEqual([8, 9]);
  });

  it('works on epoch-millisecond timestamps', () => {
    const day = 86_400_000;
    const time = Array.from({ length: 50 }, (_, i) => Date.UTC(2024, 0, 1) + Math.floor(i / 2) * day);
    const s = temporalSplit(time, { testSize: 0.2 });
    checkPartition(s, 50);
    expect(s.test.length).toBe(10);
    expect(maxOf(time, s.train)).toBeLessThan(minOf(time, s.test));
  });

  it('rejects NaN times naming the count, and a single distinct time', () => {
    const e = errorOf(() => temporalSplit([1, NaN, 3, NaN, NaN, 6]));
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.message).toMatch(/3 of 6 rows/);
    expect(errorOf(() => temporalSplit([4, 4, 4, 4, 4])).code).toBe('PARAM_INVALID');
    expect(errorOf(() => temporalSplit([1, 2], { testSize: 2 })).code).toBe('PARAM_INVALID');
  });

  it('is strict for any times with ties (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 2, maxLength: 200 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        (time, f) => {
          fc.pre(new Set(time).size >= 2 && Math.ceil(f * time.length - 1e-9) <= time.length - 1);
          const s = temporalSplit(time, { testSize: f });
          checkPartition(s, time.length);
          expect(maxOf(time, s.train)).toBeLessThan(minOf(time, s.test));
        },
      ),
      { numRuns: 300, seed: 505 },
    );
  });
});

describe('temporalSplits', () => {
  it('cuts consecutive windows of the requested shares', () => {
    const time = Array.from({ length: 100 }, (_, i) => 1000 - i);
    const [a, b, c] = temporalSplits(time, [0.7, 0.15, 0.15]);
    expect([a.length, b.length, c.length]).toEqual([70, 15, 15]);
    expect(maxOf(time, a)).toBeLessThan(minOf(time, b));
    expect(maxOf(time, b)).toBeLessThan(minOf(time, c));
  });

  it('rejects bad shares and too few distinct times', () => {
    expect(errorOf(() => temporalSplits([1, 2, 3], [0.5, 0.6])).code).toBe('PARAM_INVALID');
    expect(errorOf(() => temporalSplits([1, 2, 3], [1])).code).toBe('PARAM_INVALID');
    expect(errorOf(() => temporalSplits([1, 2, 3], [0.5, 0, 0.5])).code).toBe('PARAM_INVALID');
    expect(errorOf(() => temporalSplits([1, 1, 2, 2], [0.4, 0.3, 0.3])).message).toMatch(/only 2 distinct values/);
  });

  it('gives non-empty, strictly ordered windows covering every row (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 3, maxLength: 200 }),
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 2, maxLength: 4 }),
        (time, weights) => {
          fc.pre(new Set(time).size >= weights.length);
          const total = weights.reduce((a, b) => a + b, 0);
          const parts = temporalSplits(time, weights.map((w) => w / total));
          expect(parts.length).toBe(weights.length);
          const seen = new Uint8Array(time.length);
          for (let p = 0; p < parts.length; p++) {
            expect(parts[p].length).toBeGreaterThan(0);
            checkAscending(parts[p]);
            for (const i of parts[p]) seen[i]++;
            if (p > 0) expect(maxOf(time, parts[p - 1])).toBeLessThan(minOf(time, parts[p]));
          }
          expect(seen.every((v) => v === 1)).toBe(true);
        },
      ),
      { numRuns: 300, seed: 606 },
    );
  });
});

describe('timeSeriesSplit', () => {
  it('matches sklearn TimeSeriesSplit on time-ordered rows', () => {
    // sklearn: TimeSeriesSplit(3).split(np.zeros(10)) and TimeSeriesSplit(2).split(np.zeros(7))
    expect(timeSeriesSplit(Array.from({ length: 10 }, (_, i) => i), { k: 3 }).map((s) => [Array.from(s.train), Array.from(s.test)])).toEqual([
      [[0, 1, 2, 3], [4, 5]],
      [[0, 1, 2, 3, 4, 5], [6, 7]],
      [[0, 1, 2, 3, 4, 5, 6, 7], [8, 9]],
    ]);
    expect(timeSeriesSplit([0, 1, 2, 3, 4, 5, 6], { k: 2 }).map((s) => Array.from(s.test))).toEqual([
      [3, 4],
      [5, 6],
    ]);
  });

  it('orders by time, not by row', () => {
    const time = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
    const folds = timeSeriesSplit(time, { k: 3 });
    expect(Array.from(folds[0].test)).toEqual([4, 5]);
    expect(Array.from(folds[0].train)).toEqual([6, 7, 8, 9]);
  });

  it('rejects k + 1 > n and k < 2', () => {
    expect(errorOf(() => timeSeriesSplit([1, 2, 3], { k: 3 })).code).toBe('PARAM_INVALID');
    expect(errorOf(() => timeSeriesSplit([1, 2, 3], { k: 1 })).code).toBe('PARAM_INVALID');
  });

  it('expands the training window and keeps every fold strict (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 4, maxLength: 200 }), fc.integer({ min: 2, max: 6 }), (time, k) => {
        fc.pre(new Set(time).size >= k + 1 && time.length >= k + 1);
        const folds = timeSeriesSplit(time, { k });
        expect(folds.length).toBe(k);
        for (let i = 0; i < k; i++) {
          const f = folds[i];
          checkAscending(f.train);
          checkAscending(f.test);
          expect(f.test.length).toBeGreaterThan(0);
          expect(maxOf(time, f.train)).toBeLessThan(minOf(time, f.test));
          if (i > 0) {
            expect(f.train.length).toBeGreaterThan(folds[i - 1].train.length);
            // the previous test block is now training data
            expect(folds[i - 1].test.every((r) => f.train.includes(r))).toBe(true);
          }
        }
      }),
      { numRuns: 200, seed: 707 },
    );
  });
});
