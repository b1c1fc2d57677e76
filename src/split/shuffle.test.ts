import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kFold, randomSplit, stratifiedKFold, stratifiedSplit } from './index.js';
import { checkFoldCover, checkPartition } from './check.js';
import { ModelyardError } from '../errors.js';
import { Rng } from '../util/random.js';

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

const same = (a: Int32Array, b: Int32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

describe('randomSplit', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = randomSplit(500, { seed: 1 });
    const b = randomSplit(500, { seed: 1 });
    const c = randomSplit(500, { seed: 2 });
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.train)).toEqual(Array.from(b.train));
    expect(same(a.test, c.test)).toBe(false);
  });

  it('holds out ceil(testSize · n) rows, or a whole count', () => {
    expect(randomSplit(100, { seed: 3 }).test.length).toBe(20);
    expect(randomSplit(10, { seed: 3, testSize: 0.25 }).test.length).toBe(3);
    expect(randomSplit(10, { seed: 3, testSize: 0.7 }).test.length).toBe(7); // 0.7·10 = 7.000000000000001
    expect(randomSplit(10, { seed: 3, testSize: 1 }).test.length).toBe(1);
    expect(randomSplit(10, { seed: 3, testSize: 9 }).test.length).toBe(9);
  });

  it('rejects impossible requests with PARAM_INVALID', () => {
    for (const testSize of [0, -0.2, 1.5, 10, 11, NaN]) {
      expect(errorOf(() => randomSplit(10, { seed: 1, testSize })).code).toBe('PARAM_INVALID');
    }
    expect(errorOf(() => randomSplit(1, { seed: 1 })).message).toMatch(/empty/);
    expect(errorOf(() => randomSplit(2.5, { seed: 1 })).code).toBe('PARAM_INVALID');
  });

  it('is a partition of the requested size for any n, size and seed (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 400 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.integer(), (n, f, seed) => {
        const want = Math.ceil(f * n - 1e-9);
        fc.pre(want >= 1 && want <= n - 1);
        const s = randomSplit(n, { testSize: f, seed });
        checkPartition(s, n);
        expect(s.test.length).toBe(want);
      }),
      { numRuns: 200, seed: 101 },
    );
  });
});

describe('stratifiedSplit', () => {
  const countIn = (idx: Int32Array, y: ArrayLike<number>, c: number): number => idx.reduce((a, i) => a + (y[i] === c ? 1 : 0), 0);

  it('keeps class proportions exactly when they divide evenly', () => {
    const y = [...Array(500).fill(0), ...Array(300).fill(1), ...Array(200).fill(2)];
    const s = stratifiedSplit(y, { seed: 5 });
    checkPartition(s, y.length);
    expect([0, 1, 2].map((c) => countIn(s.test, y, c))).toEqual([100, 60, 40]);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const y = Array.from({ length: 300 }, (_, i) => i % 3);
    expect(Array.from(stratifiedSplit(y, { seed: 9 }).test)).toEqual(Array.from(stratifiedSplit(y, { seed: 9 }).test));
    expect(same(stratifiedSplit(y, { seed: 9 }).test, stratifiedSplit(y, { seed: 10 }).test)).toBe(false);
  });

  it('gives a rare class a row on each side and keeps a single-row class in train', () => {
    const y = [...Array(97).fill(0), 1, 1, 2];
    const s = stratifiedSplit(y, { seed: 1, testSize: 0.1 });
    checkPartition(s, y.length);
    expect(countIn(s.test, y, 1)).toBe(1);
    expect(countIn(s.train, y, 1)).toBe(1);
    expect(countIn(s.test, y, 2)).toBe(0);
  });

  it('rejects missing labels (naming the count) and all-singleton classes', () => {
    const e = errorOf(() => stratifiedSplit([0, 1, NaN, 1, NaN, 0], { seed: 1 }));
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.message).toMatch(/2 of 6 rows/);
    expect(errorOf(() => stratifiedSplit([0, 1, 2, 3, 4], { seed: 1, testSize: 2 })).code).toBe('PARAM_INVALID');
  });

  it('partitions, keeps every class of ≥ 2 rows on both sides and follows Hamilton apportionment (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0.05, max: 0.6, noNaN: true }),
        fc.integer(),
        (counts, f, seed) => {
          const y: number[] = [];
          counts.forEach((m, c) => {
            for (let i = 0; i < m; i++) y.push(c * 10); // labels need not be 0..k-1
          });
          new Rng(seed).shuffle(y); // scatter the classes over the rows
          const n = y.length;
          const t = Math.ceil(f * n - 1e-9);
          fc.pre(t >= 1 && t <= n - 1 && counts.some((m) => m >= 2));
          const s = stratifiedSplit(y, { testSize: f, seed });
          checkPartition(s, n);
          const test = counts.map((_, c) => countIn(s.test, y, c * 10));
          counts.forEach((m, c) => {
            if (m >= 2) {
              expect(test[c]).toBeGreaterThanOrEqual(1);
              expect(test[c]).toBeLessThanOrEqual(m - 1);
            } else expect(test[c]).toBe(0);
          });
          const unconstrained = counts.every((m) => (m * t) / n >= 1 && m - (m * t) / n >= 1);
          if (unconstrained) {
            expect(test.reduce((a, b) => a + b, 0)).toBe(t);
            counts.forEach((m, c) => expect(Math.abs(test[c] - (m * t) / n)).toBeLessThan(1));
          }
        },
      ),
      { numRuns: 300, seed: 202 },
    );
  });
});

describe('kFold', () => {
  it('matches sklearn KFold without shuffling', () => {
    const folds = kFold(10, { k: 3, seed: 0, shuffle: false });
    expect(folds.map((f) => Array.from(f.test))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    checkFoldCover(folds, 10, 3);
  });

  it('shuffles by default, deterministically per seed', () => {
    const a = kFold(100, { k: 5, seed: 4 });
    expect(a.map((f) => Array.from(f.test))).toEqual(kFold(100, { k: 5, seed: 4 }).map((f) => Array.from(f.test)));
    expect(same(a[0].test, kFold(100, { k: 5, seed: 5 })[0].test)).toBe(false);
    expect(same(a[0].test, Int32Array.from({ length: 20 }, (_, i) => i))).toBe(false);
  });

  it('rejects k > n and k < 2', () => {
    expect(errorOf(() => kFold(3, { k: 4, seed: 1 })).code).toBe('PARAM_INVALID');
    expect(errorOf(() => kFold(3, { k: 1, seed: 1 })).code).toBe('PARAM_INVALID');
    expect(errorOf(() => kFold(10, { k: 2.5, seed: 1 })).code).toBe('PARAM_INVALID');
  });

  it('covers every row exactly once with fold sizes within one (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.integer({ min: 2, max: 12 }), fc.integer(), fc.boolean(), (n, k, seed, shuffle) => {
        fc.pre(k <= n);
        const folds = kFold(n, { k, seed, shuffle });
        checkFoldCover(folds, n, k);
        const sizes = folds.map((f) => f.test.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200, seed: 303 },
    );
  });
});

describe('stratifiedKFold', () => {
  it('rejects a class with a single row, naming it', () => {
    const e = errorOf(() => stratifiedKFold([0, 0, 0, 1, 0, 0], { k: 2, seed: 1 }));
    expect(e.code).toBe('PARAM_INVALID');
    expect(e.message).toMatch(/class 1 has only 1 row/);
    expect(errorOf(() => stratifiedKFold([0, 1, 0, 1], { k: 5, seed: 1 })).code).toBe('PARAM_INVALID');
    expect(errorOf(() => stratifiedKFold([0, NaN, 0, 1, 1], { k: 2, seed: 1 })).code).toBe('INVALID_VALUE');
  });

  it('is deterministic per seed and differs between seeds', () => {
    const y = Array.from({ length: 90 }, (_, i) => (i * 7) % 3);
    const a = stratifiedKFold(y, { k: 3, seed: 1 }).map((f) => Array.from(f.test));
    expect(stratifiedKFold(y, { k: 3, seed: 1 }).map((f) => Array.from(f.test))).toEqual(a);
    expect(stratifiedKFold(y, { k: 3, seed: 2 }).map((f) => Array.from(f.test))).not.toEqual(a);
  });

  it('balances every class and the fold sizes to within one row (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 2, max: 50 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 2, max: 8 }), fc.integer(), (counts, k, seed) => {
        const y: number[] = [];
        counts.forEach((m, c) => {
          for (let i = 0; i < m; i++) y.push(c);
        });
        fc.pre(k <= y.length);
        new Rng(seed ^ 0x5bd1e995).shuffle(y); // scatter the classes over the rows
        const folds = stratifiedKFold(y, { k, seed });
        checkFoldCover(folds, y.length, k);
        const sizes = folds.map((f) => f.test.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        counts.forEach((_, c) => {
          const per = folds.map((f) => f.test.reduce((a, i) => a + (y[i] === c ? 1 : 0), 0));
          expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1);
        });
      }),
      { numRuns: 200, seed: 404 },
    );
  });
});
