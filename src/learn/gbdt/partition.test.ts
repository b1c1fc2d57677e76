import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/random.js';
import { HistPool, workersAvailable } from './hist-pool.js';
import { histLength, rowWords } from './histogram.js';

/** A pool over random bins of `n` rows × `F` features (histogram inputs unused here). */
function makePool(n: number, F: number, threads: number, seed: number) {
  const rng = new Rng(seed);
  const colBins = new Uint8Array(new SharedArrayBuffer(n * F));
  for (let i = 0; i < n * F; i++) colBins[i] = rng.int(256);
  const rows = new Int32Array(new SharedArrayBuffer(n * 4));
  const pool = new HistPool(
    {
      rowBins: new SharedArrayBuffer(n * rowWords(F) * 4),
      words: rowWords(F),
      gh: new SharedArrayBuffer(n * 8),
      rows: rows.buffer as SharedArrayBuffer,
      pk: new SharedArrayBuffer(8),
      histLength: histLength(F),
      colBins: colBins.buffer as SharedArrayBuffer,
      tmp: new SharedArrayBuffer(n * 4),
      flags: new SharedArrayBuffer(256),
    },
    threads,
    { minParallelPartition: 0 },
  );
  return { pool, colBins, rows, rng };
}

describe('HistPool.partition', () => {
  it('is a stable partition by the bin flags, the same rows in the same order on one or two threads', () => {
    const n = 60_000;
    const F = 3;
    const one = makePool(n, F, 1, 3);
    const two = makePool(n, F, 2, 3);
    expect(two.pool.threads).toBe(workersAvailable() ? 2 : 1);
    // Let the worker boot so that it joins the tasks below (if it has not, the caller does its half).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
    try {
      for (const p of [one, two]) for (let i = 0; i < n; i++) p.rows[i] = (i * 7919) % n;
      const rng = new Rng(9);
      const want = new Int32Array(n);
      for (let rep = 0; rep < 40; rep++) {
        const start = rng.int(n / 2);
        const end = start + 1 + rng.int(n - start - 1);
        const f = rng.int(F);
        const flags = new Uint8Array(256).map(() => (rng.next() < 0.5 ? 1 : 0));
        // Reference: left rows in order, then right rows in order.
        const cur = one.rows.slice(start, end);
        const left = Array.from(cur).filter((r) => flags[one.colBins[f * n + r]] === 1);
        const right = Array.from(cur).filter((r) => flags[one.colBins[f * n + r]] === 0);
        want.set(one.rows);
        want.set(left, start);
        want.set(right, start + left.length);
        for (const p of [one, two]) {
          p.pool.flags.set(flags);
          expect(p.pool.partition(start, end, f * n)).toBe(start + left.length);
          expect(Array.from(p.rows)).toEqual(Array.from(want));
        }
      }
    } finally {
      one.pool.close();
      two.pool.close();
    }
  });
});
