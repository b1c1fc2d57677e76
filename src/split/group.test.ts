import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupKFold, groupSplit } from './index.js';
import { checkFoldCover, checkPartition } from './check.js';
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

function groupsOf(idx: Int32Array, groups: ArrayLike<number | string>): Set<number | string> {
  return new Set(Array.from(idx, (i) => groups[i]));
}

describe('groupSplit', () => {
  const groups = Array.from({ length: 200 }, (_, i) => `customer-${i % 10}`);

  it('never puts a group on both sides; testSize counts groups', () => {
    const s = groupSplit(groups, { seed: 1, testSize: 0.2 });
    checkPartition(s, groups.length);
    const tr = groupsOf(s.train, groups);
    const te = groupsOf(s.test, groups);
    expect(te.size).toBe(2);
    expect(tr.size).toBe(8);
    for (const g of te) expect(tr.has(g)).toBe(false);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = Array.from(groupSplit(groups, { seed: 7 }).test);
    expect(Array.from(groupSplit(groups, { seed: 7 }).test)).toEqual(a);
    const others = [8, 9, 10, 11].map((seed) => Array.from(groupSplit(groups, { seed }).test).join());
    expect(others.some((o) => o !== a.join())).toBe(true);
  });

  it('rejects missing group values (naming the count) and a single group', () => {
    const e = errorOf(() => groupSplit([1, 2, NaN, 2, 1], { seed: 1 }));
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.message).toMatch(/1 of 5 rows/);
    expect(errorOf(() => groupSplit(['a', 'a', 'a'], { seed: 1 })).code).toBe('PARAM_INVALID');
    expect(errorOf(() => groupSplit(['a', 'b', 'c'], { seed: 1, testSize: 3 })).code).toBe('PARAM_INVALID');
  });

  it('keeps groups whole for any labels, numbers or strings (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom('a', 'b', 'c', 'd', '7')), { minLength: 2, maxLength: 200 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.integer(),
        (groups, f, seed) => {
          const nGroups = new Set(groups).size;
          const want = Math.ceil(f * nGroups - 1e-9);
          fc.pre(nGroups >= 2 && want >= 1 && want <= nGroups - 1);
          const s = groupSplit(groups, { testSize: f, seed });
          checkPartition(s, groups.length);
          const tr = groupsOf(s.train, groups);
          const te = groupsOf(s.test, groups);
          expect(te.size).toBe(want);
          for (const g of te) expect(tr.has(g)).toBe(false);
        },
      ),
      { numRuns: 300, seed: 808 },
    );
  });
});

describe('groupKFold', () => {
  it('assigns each group to one test fold and balances fold sizes greedily', () => {
    // group sizes 6, 5, 4, 3, 2 → LPT on 2 folds: {6, 3, 2} = 11 and {5, 4} = 9
    const groups = [...Array(6).fill('a'), ...Array(5).fill('b'), ...Array(4).fill('c'), ...Array(3).fill('d'), ...Array(2).fill('e')];
    const folds = groupKFold(groups, { k: 2 });
    checkFoldCover(folds, groups.length, 2);
    expect(folds.map((f) => [...groupsOf(f.test, groups)].sort().join())).toEqual(['a,d,e', 'b,c']);
  });

  it('is deterministic with and without a seed', () => {
    const groups = Array.from({ length: 60 }, (_, i) => i % 12);
    const a = groupKFold(groups, { k: 3 }).map((f) => Array.from(f.test));
    expect(groupKFold(groups, { k: 3 }).map((f) => Array.from(f.test))).toEqual(a);
    const b = groupKFold(groups, { k: 3, seed: 5 }).map((f) => Array.from(f.test));
    expect(groupKFold(groups, { k: 3, seed: 5 }).map((f) => Array.from(f.test))).toEqual(b);
    expect(b).not.toEqual(a); // 12 equal-size groups: the seed decides the order
  });

  it('rejects more folds than groups', () => {
    const e = errorOf(() => groupKFold(['a', 'b', 'a'], { k: 3 }));
    expect(e.code).toBe('PARAM_INVALID');
    expect(e.message).toMatch(/3 folds from 2 groups/);
  });

  it('never splits a group across folds (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 2, maxLength: 200 }), fc.integer({ min: 2, max: 6 }), fc.option(fc.integer()), (groups, k, seed) => {
        const nGroups = new Set(groups).size;
        fc.pre(nGroups >= k);
        const folds = groupKFold(groups, { k, seed: seed ?? undefined });
        checkFoldCover(folds, groups.length, k);
        const owner = new Map<number, number>();
        folds.forEach((f, fi) => {
          for (const i of f.test) {
            const g = groups[i];
            if (owner.has(g)) expect(owner.get(g)).toBe(fi);
            owner.set(g, fi);
          }
        });
        // LPT balance: the largest and smallest folds differ by at most the largest group.
        const counts = new Map<number, number>();
        for (const g of groups) counts.set(g, (counts.get(g) ?? 0) + 1);
        const sizes = folds.map((f) => f.test.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(Math.max(...counts.values()));
      }),
      { numRuns: 200, seed: 909 },
    );
  });
});
