import { describe, expect, it } from 'vitest';
import { checkFoldCover, checkPartition } from './check.js';

// The split tests lean on these checks, so they must be able to fail.
describe('split invariant checks', () => {
  const s = (train: number[], test: number[]) => ({ train: Int32Array.from(train), test: Int32Array.from(test) });

  it('accept a partition', () => {
    expect(() => checkPartition(s([0, 2], [1, 3]), 4)).not.toThrow();
    expect(() => checkFoldCover([s([0, 1], [2, 3]), s([2, 3], [0, 1])], 4, 2)).not.toThrow();
  });

  it('reject overlap, gaps, unsorted or out-of-range indices and empty parts', () => {
    expect(() => checkPartition(s([0, 1], [1, 2]), 4)).toThrow(/both parts/);
    expect(() => checkPartition(s([0, 1], [3]), 4)).toThrow(/expected 4/);
    expect(() => checkPartition(s([1, 0], [2]), 3)).toThrow(/ascending/);
    expect(() => checkPartition(s([0, 1], [5]), 3)).toThrow(/outside/);
    expect(() => checkPartition(s([], [0, 1]), 2)).toThrow(/empty/);
  });

  it('reject folds that miss or repeat a row', () => {
    expect(() => checkFoldCover([s([0, 1], [2, 3]), s([0, 3], [1, 2])], 4, 2)).toThrow(/test folds/);
    expect(() => checkFoldCover([s([0, 1], [2, 3])], 4, 2)).toThrow(/expected 2/);
  });
});
