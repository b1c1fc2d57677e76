import { describe, expect, it } from 'vitest';
import { Frame, numberColumn } from '../../frame/frame.js';
import { rocAuc } from '../../metrics/auc.js';
import { Rng } from '../../util/random.js';
import { GbdtFitted, gbdtKind } from './gbdt.js';
import { workersAvailable } from './hist-pool.js';
import { accumulateHistogram, accumulatePacked, histLength, quantLevels, quantShift, rowWords, toRowMajor, unpackHistogram } from './histogram.js';

function noisyBinary(n: number, seed: number, F = 5): { frame: Frame; y: Float64Array } {
  const rng = new Rng(seed);
  const cols = Array.from({ length: F }, () => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const c of cols) c[i] = rng.normal();
    y[i] = rng.next() < 1 / (1 + Math.exp(-(cols[0][i] - 0.5 * cols[1][i] + 0.4 * cols[2][i] * cols[3][i]))) ? 1 : 0;
  }
  return { frame: new Frame(cols.map((c, j) => numberColumn(`x${j}`, c))), y };
}

describe('quantised gradient histograms', () => {
  it('packed sums unpack to the exact sums of the quantised gradients', () => {
    const rng = new Rng(11);
    const n = 5000;
    const F = 7;
    const col = new Uint8Array(n * F).map(() => rng.int(30));
    const words = rowWords(F);
    const rowBins = new Uint8Array(n * words * 4);
    toRowMajor(col, n, F, rowBins);
    const L = quantLevels(n);
    expect(L).toBe(127);
    const shift = quantShift(L, n);
    const gScale = 0.013;
    const hScale = 0.002;
    const pk = new Float64Array(n);
    const gh = new Float32Array(2 * n);
    const ghq = new Float64Array(2 * n);
    for (let r = 0; r < n; r++) {
      // Extremes included: every row at ±L would still decode.
      const gq = r % 50 === 0 ? -L : rng.int(2 * L + 1) - L;
      const hq = r % 70 === 0 ? L : rng.int(L + 1);
      pk[r] = gq * shift + hq;
      ghq[2 * r] = gq;
      ghq[2 * r + 1] = hq;
      gh[2 * r] = gq;
      gh[2 * r + 1] = hq;
    }
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const len = histLength(F);
    const packed = new Float64Array(len / 2);
    const r32 = new Uint32Array(rowBins.buffer);
    accumulatePacked(r32, words, pk, rows, 0, n, packed);
    const out = new Float64Array(len);
    unpackHistogram(packed, len / 2, shift, gScale, hScale, out);
    // Integer-valued gradients are exact in float32 and their float sums are exact too.
    const ref = new Float64Array(len);
    accumulateHistogram(r32, words, gh, rows, 0, n, ref);
    for (let i = 0; i < len; i += 2) {
      expect(out[i]).toBeCloseTo(ref[i] * gScale, 9);
      expect(out[i + 1]).toBeCloseTo(ref[i + 1] * hScale, 9);
    }
    // The worst case allowed by quantLevels (all rows at −L and L) still decodes exactly.
    const big = 800_000;
    const Lb = quantLevels(big);
    const sb = quantShift(Lb, big);
    const worst = new Float64Array([-Lb * big * sb + Lb * big, Lb * big * sb + Lb * big]);
    const dec = new Float64Array(4);
    unpackHistogram(worst, 2, sb, 1, 1, dec);
    expect(Array.from(dec)).toEqual([-Lb * big, Lb * big, Lb * big, Lb * big]);
    expect(quantLevels(20_000_000)).toBe(0);
  });

  it('trains as well as exact gradients; auto is off for small data', () => {
    const a = noisyBinary(20_000, 4);
    const t = noisyBinary(10_000, 5);
    const params = { rounds: 60, max_leaves: 31, early_stopping_rounds: 0 };
    const fit = (q: string): GbdtFitted =>
      gbdtKind.create({ ...params, quantized_gradients: q }).fit({ frame: a.frame, features: [], task: 'binary', nClasses: 2, y: a.y, seed: 1, threads: 1 }) as GbdtFitted;
    const auc = (f: GbdtFitted): number => {
      const p = f.predict(t.frame);
      return rocAuc(t.y, Float64Array.from({ length: t.y.length }, (_, i) => p[2 * i + 1]));
    };
    const exact = fit('off');
    const quant = fit('on');
    const auto = fit('auto');
    expect(Math.abs(auc(quant) - auc(exact))).toBeLessThan(0.003);
    expect(auc(quant)).toBeGreaterThan(0.75);
    // Not the same model (the option does something) …
    expect(Array.from(quant.predict(t.frame.slice(0, 200)))).not.toEqual(Array.from(exact.predict(t.frame.slice(0, 200))));
    // … and 'auto' on 20k rows is the exact model.
    expect(Array.from(auto.predict(t.frame))).toEqual(Array.from(exact.predict(t.frame)));
  });

  it('two threads build the same integer histograms: the same model as one thread', () => {
    process.env.MODELYARD_GBDT_MIN_PARALLEL_CELLS = '0';
    try {
      const a = noisyBinary(12_000, 6, 8);
      const params = { rounds: 3, max_leaves: 15, quantized_gradients: 'on' };
      const one = gbdtKind.create(params).fit({ frame: a.frame, features: [], task: 'binary', nClasses: 2, y: a.y, seed: 1, threads: 1 }) as GbdtFitted;
      const two = gbdtKind.create(params).fit({ frame: a.frame, features: [], task: 'binary', nClasses: 2, y: a.y, seed: 1, threads: 2 }) as GbdtFitted;
      expect(two.info.threads).toBe(workersAvailable() ? 2 : 1);
      expect(Array.from(two.predict(a.frame))).toEqual(Array.from(one.predict(a.frame)));
    } finally {
      delete process.env.MODELYARD_GBDT_MIN_PARALLEL_CELLS;
    }
  });
});
