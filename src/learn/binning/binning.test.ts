import { describe, expect, it } from 'vitest';
import { encodeContainer, decodeContainer } from '../../artifact/container.js';
import { Frame, encodeStrings, numberColumn } from '../../frame/frame.js';
import { Rng } from '../../util/random.js';
import { Binner, binOf, findCuts, sampleRows } from './index.js';
import { radixScratch, radixSortFloat64 } from './radix-sort.js';

describe('findCuts', () => {
  it('gives each distinct value its own bin when there are few, cutting half-way', () => {
    expect(Array.from(findCuts(Float64Array.from([1, 1, 2, 3]), 255))).toEqual([1.5, 2.5]);
    expect(findCuts(new Float64Array(0), 255).length).toBe(0);
    expect(findCuts(Float64Array.from([7, 7, 7]), 255).length).toBe(0);
  });

  it('makes roughly equal-count bins on continuous data', () => {
    const rng = new Rng(1);
    const v = Float64Array.from({ length: 10000 }, () => rng.normal()).sort();
    const cuts = findCuts(v, 16);
    expect(cuts.length).toBeLessThanOrEqual(15);
    expect(cuts.length).toBeGreaterThanOrEqual(13);
    const counts = new Array(cuts.length + 1).fill(0);
    for (const x of v) counts[binOf(cuts, x)]++;
    for (const c of counts) {
      expect(c).toBeGreaterThan(10000 / 16 / 2);
      expect(c).toBeLessThan((10000 / 16) * 2);
    }
    for (let i = 1; i < cuts.length; i++) expect(cuts[i]).toBeGreaterThan(cuts[i - 1]);
  });

  it('gives a heavy point mass its own bin', () => {
    const v = new Float64Array(1000);
    for (let i = 700; i < 1000; i++) v[i] = i;
    const cuts = findCuts(v.sort(), 10);
    expect(binOf(cuts, 0)).toBe(0);
    expect(binOf(cuts, 700)).toBe(1);
  });

  it('keeps infinities apart from finite values', () => {
    const cuts = findCuts(Float64Array.from([-Infinity, 1, 2, Infinity]), 255);
    const bins = [-Infinity, 1, 2, Infinity].map((x) => binOf(cuts, x));
    expect(new Set(bins).size).toBe(4);
  });
});

describe('Binner', () => {
  const rng = new Rng(7);
  const n = 3000;
  const x = Float64Array.from({ length: n }, (_, i) => (i % 10 === 0 ? NaN : rng.normal()));
  const levels = Array.from({ length: n }, (_, i) => (i % 50 === 0 ? null : i % 997 === 1 ? 'rare' : ['a', 'b', 'c'][i % 3]));
  const frame = new Frame([numberColumn('x', x), encodeStrings('c', levels)]);

  it('bins column-major with a missing bin per feature and ≤ 256 bins', () => {
    const binner = Binner.fit(frame, { maxBins: 32, minCategoryCount: 5 });
    const { bins, nRows, nFeatures } = binner.transform(frame);
    expect(nRows).toBe(n);
    expect(nFeatures).toBe(2);
    const [fx, fc] = binner.features;
    expect(fx.nBins).toBeLessThanOrEqual(33);
    expect(bins[0]).toBe(fx.missingBin);
    for (let i = 1; i < 10; i++) expect(bins[i]).toBe(binOf(fx.cuts, x[i]));
    // Categorical: a, b, c (1000 each-ish) get bins 0..2; 'rare' (3 rows) goes to other; null → missing.
    expect(fc.otherBin).toBe(3);
    expect(fc.missingBin).toBe(4);
    expect(bins[n + 0]).toBe(fc.missingBin);
    expect(bins[n + 1]).toBe(fc.otherBin);
    expect(new Set(Array.from(bins.subarray(n + 2, n + 5))).size).toBe(3);
    // Numeric bins follow value order.
    for (let i = 1; i < 200; i++) {
      for (let j = 1; j < 200; j++) {
        if (x[i] === x[i] && x[j] === x[j] && x[i] < x[j]) expect(bins[i]).toBeLessThanOrEqual(bins[j]);
      }
    }
  });

  it('bins every value as binOf does, whatever the number of cuts and rows (lockstep search)', () => {
    const r = new Rng(5);
    for (const nRows of [1, 3, 4, 5, 1003]) {
      for (const distinct of [1, 2, 3, 17, 5000]) {
        const v = Float64Array.from({ length: nRows }, (_, i) => (i % 7 === 3 ? NaN : Math.floor(r.next() * distinct) + (distinct > 100 ? r.next() : 0)));
        const f = new Frame([numberColumn('v', v)]);
        const binner = Binner.fit(f, { maxBins: 64 });
        const spec = binner.features[0];
        const { bins } = binner.transform(f);
        for (let i = 0; i < nRows; i++) expect(bins[i]).toBe(v[i] === v[i] ? binOf(spec.cuts, v[i]) : spec.missingBin);
        // Values never seen in training land by the cuts too.
        const probe = Float64Array.from([-1e9, -0.5, 0.25, 1e9, NaN, 2.5]);
        const pb = binner.transform(new Frame([numberColumn('v', probe)])).bins;
        for (let i = 0; i < probe.length; i++) expect(pb[i]).toBe(probe[i] === probe[i] ? binOf(spec.cuts, probe[i]) : spec.missingBin);
      }
    }
  });

  it('caps categories; unseen codes go to the other bin', () => {
    const many = Array.from({ length: 600 }, (_, i) => `k${i % 300}`);
    const f = new Frame([encodeStrings('k', many)]);
    const binner = Binner.fit(f, { maxCategories: 10 });
    expect(binner.features[0].nBins).toBe(12);
    expect(binner.binValue(0, 5000)).toBe(10);
    expect(binner.binValue(0, -1)).toBe(11);
    const { bins } = binner.transform(f);
    for (const b of bins) expect(b).toBeLessThanOrEqual(10);
  });

  it('samples rows for quantiles on big data, deterministically', () => {
    const s1 = sampleRows(100000, 1000, 3)!;
    const s2 = sampleRows(100000, 1000, 3)!;
    expect(s1.length).toBe(1000);
    expect(Array.from(s1)).toEqual(Array.from(s2));
    for (let i = 1; i < s1.length; i++) expect(s1[i]).toBeGreaterThan(s1[i - 1]);
    expect(sampleRows(10, 1000, 3)).toBeNull();
    const a = Binner.fit(frame, { sampleRows: 500, seed: 1 });
    const b = Binner.fit(frame, { sampleRows: 500, seed: 1 });
    expect(Array.from(a.features[0].cuts)).toEqual(Array.from(b.features[0].cuts));
  });

  it('round-trips through state (artifact container) and bins new frames identically', () => {
    const binner = Binner.fit(frame, { maxBins: 64 });
    const { state, arrays } = binner.toState();
    const decoded = decodeContainer(encodeContainer({ state }, arrays));
    const again = Binner.fromState(decoded.header.state as never, decoded.arrays);
    const other = new Frame([numberColumn('x', [NaN, -5, 0, 5]), encodeStrings('c', ['b', null, 'zzz', 'a'])]);
    // 'zzz' has a code (2 in this frame's dictionary order b, zzz, a) that means something else: conformed frames share the training dictionary.
    expect(Array.from(again.transform(frame).bins)).toEqual(Array.from(binner.transform(frame).bins));
    expect(Array.from(again.transform(other).bins)).toEqual(Array.from(binner.transform(other).bins));
  });

  it('rejects bad max_bins and a missing column with coded errors', () => {
    expect(() => Binner.fit(frame, { maxBins: 300 })).toThrow(/max_bins/);
    const binner = Binner.fit(frame);
    expect(() => binner.transform(new Frame([numberColumn('x', [1])]))).toThrow(/missing feature column "c"/);
  });
});

describe('radixSortFloat64', () => {
  const bits = (a: Float64Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, 2 * a.length));
  it('orders exactly as the typed-array sort, bit for bit (signed zeros, infinities, subnormals, float32 and float64 values)', () => {
    const rng = new Rng(11);
    const special = [0, -0, Infinity, -Infinity, 5e-324, -5e-324, 1e-310, -1e-310, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1];
    for (const n of [0, 1, 7, 255, 256, 1000, 50_000]) {
      for (const kind of ['f32', 'f64', 'special', 'ties']) {
        const a = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const x = rng.normal() * 10 ** Math.floor(rng.next() * 6 - 3);
          a[i] = kind === 'f32' ? Math.fround(x) : kind === 'f64' ? x : kind === 'ties' ? Math.round(x) : i % 3 === 0 ? x : special[i % special.length];
        }
        const want = a.slice().sort();
        const scratch = radixScratch(n);
        expect(bits(radixSortFloat64(a.slice(), scratch))).toEqual(bits(want));
        expect(bits(radixSortFloat64(a.slice()))).toEqual(bits(want));
      }
    }
  });

  it('sorts a subarray in place and rejects a scratch too small', () => {
    const base = Float64Array.from({ length: 2000 }, (_, i) => ((i * 7919) % 2000) - 1000);
    const view = base.subarray(500, 1500);
    const want = view.slice().sort();
    radixSortFloat64(view);
    expect(Array.from(view)).toEqual(Array.from(want));
    expect(base[0]).toBe(-1000);
    expect(() => radixSortFloat64(new Float64Array(1000), radixScratch(10))).toThrow(RangeError);
  });
});
