import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/random.js';
import { HistPool, workersAvailable } from './hist-pool.js';
import { histLength, quantShift, rowWords } from './histogram.js';
import { quantizeRows, xorshiftJump } from './quantize.js';

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
      leafRanges: new SharedArrayBuffer(8),
      leafVals: new SharedArrayBuffer(16),
      scores: new SharedArrayBuffer(8),
      y: new SharedArrayBuffer(8),
      w: new SharedArrayBuffer(8),
      quant: new SharedArrayBuffer(64),
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
      for (let rep = 0; rep < 20; rep++) {
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

describe('HistPool leaf passes', () => {
  it('leaf sums and score updates are the same on one or two threads and match a plain loop', () => {
    const n = 40_000;
    const rng = new Rng(4);
    const gh = new Float32Array(new SharedArrayBuffer(n * 8));
    for (let i = 0; i < 2 * n; i++) gh[i] = rng.normal();
    const make = (threads: number) => {
      const rows = new Int32Array(new SharedArrayBuffer(n * 4));
      for (let i = 0; i < n; i++) rows[i] = (i * 7919) % n;
      const scores = new Float64Array(new SharedArrayBuffer(n * 2 * 8));
      const pool = new HistPool(
        {
          rowBins: new SharedArrayBuffer(n * 4),
          words: 1,
          gh: gh.buffer as SharedArrayBuffer,
          rows: rows.buffer as SharedArrayBuffer,
          pk: new SharedArrayBuffer(8),
          histLength: histLength(1),
          colBins: new SharedArrayBuffer(n),
          tmp: new SharedArrayBuffer(n * 4),
          flags: new SharedArrayBuffer(256),
          leafRanges: new SharedArrayBuffer(8 * 8),
          leafVals: new SharedArrayBuffer(8 * 16),
          scores: scores.buffer as SharedArrayBuffer,
          y: new SharedArrayBuffer(8),
          w: new SharedArrayBuffer(8),
          quant: new SharedArrayBuffer(64),
        },
        threads,
      );
      return { pool, rows, scores };
    };
    const one = make(1);
    const two = make(2);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
    const cuts = [0, 9000, 9001, 20000, 31000, 33000, 40000];
    try {
      for (let rep = 0; rep < 5; rep++) {
        const sums: Float64Array[] = [];
        for (const p of [one, two]) {
          for (let l = 0; l + 1 < cuts.length; l++) {
            p.pool.leafRanges[2 * l] = cuts[l];
            p.pool.leafRanges[2 * l + 1] = cuts[l + 1];
          }
          p.pool.sumLeaves(cuts.length - 1, n);
          sums.push(p.pool.leafVals.slice(0, 2 * (cuts.length - 1)));
          for (let l = 0; l + 1 < cuts.length; l++) p.pool.leafVals[l] = l + rep / 8;
          p.pool.addLeafValues(cuts.length - 1, n, 2, rep % 2);
        }
        expect(Array.from(sums[1])).toEqual(Array.from(sums[0]));
        let g = 0;
        for (let i = cuts[2]; i < cuts[3]; i++) g += gh[2 * one.rows[i]];
        expect(sums[0][4]).toBe(g);
        expect(Array.from(two.scores)).toEqual(Array.from(one.scores));
      }
      // Row rows[i] of leaf l got l + rep/8 in column rep % 2 for every rep.
      const r = one.rows[20000];
      expect(one.scores[2 * r]).toBe(3 * 3 + (0 + 2 + 4) / 8);
      expect(one.scores[2 * r + 1]).toBe(2 * 3 + (1 + 3) / 8);
    } finally {
      one.pool.close();
      two.pool.close();
    }
  });
});

describe('two-thread quantisation', () => {
  const seqStep = (x: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x;
  };

  it('xorshiftJump equals drawing the generator step by step', () => {
    for (const start of [1, 0x9e3779b1 | 0, -123456789]) {
      let x = start;
      let done = 0;
      for (const k of [0, 1, 2, 31, 1000, 123_457]) {
        while (done < k) {
          x = seqStep(x);
          done++;
        }
        expect(xorshiftJump(start, k)).toBe(x);
      }
    }
  });

  it('packs the same values and returns the same next state on one or two threads as one sequential pass', () => {
    const n = 50_001;
    const rng = new Rng(8);
    const gh = new Float32Array(new SharedArrayBuffer(n * 8));
    for (let i = 0; i < n; i++) {
      gh[2 * i] = rng.normal();
      gh[2 * i + 1] = rng.next();
    }
    const make = (threads: number) => {
      const pk = new Float64Array(new SharedArrayBuffer(n * 8));
      const pool = new HistPool(
        {
          rowBins: new SharedArrayBuffer(n * 4),
          words: 1,
          gh: gh.buffer as SharedArrayBuffer,
          rows: new SharedArrayBuffer(n * 4),
          pk: pk.buffer as SharedArrayBuffer,
          histLength: histLength(1),
          colBins: new SharedArrayBuffer(n),
          tmp: new SharedArrayBuffer(n * 4),
          flags: new SharedArrayBuffer(256),
          leafRanges: new SharedArrayBuffer(8),
          leafVals: new SharedArrayBuffer(16),
          scores: new SharedArrayBuffer(8),
          y: new SharedArrayBuffer(8),
          w: new SharedArrayBuffer(8),
          quant: new SharedArrayBuffer(64),
        },
        threads,
      );
      return { pool, pk };
    };
    const one = make(1);
    const two = make(2);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
    try {
      const L = 100;
      const shift = quantShift(L, n);
      let gMax = 0;
      let hMax = 0;
      for (let i = 0; i < n; i++) {
        gMax = Math.max(gMax, Math.abs(gh[2 * i]));
        hMax = Math.max(hMax, gh[2 * i + 1]);
      }
      const ref = new Float64Array(n);
      let state = 12345;
      for (let rep = 0; rep < 4; rep++) {
        const next = quantizeRows(gh, 0, n, L, shift, 1 / (gMax / L), 1 / (hMax / L), ref, state);
        for (const p of [one, two]) {
          const [gs, hs, st] = p.pool.quantize(n, L, shift, state);
          expect(gs).toBe(gMax / L);
          expect(hs).toBe(hMax / L);
          expect(st).toBe(next);
          expect(Array.from(p.pk)).toEqual(Array.from(ref));
        }
        state = next;
      }
    } finally {
      one.pool.close();
      two.pool.close();
    }
  });
});
