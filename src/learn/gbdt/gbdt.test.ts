import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeContainer, encodeContainer } from '../../artifact/container.js';
import { Frame, encodeStrings, numberColumn } from '../../frame/frame.js';
import { Rng } from '../../util/random.js';
import type { TrainSet } from '../types.js';
import { GbdtFitted, gbdtKind } from './gbdt.js';
import { workersAvailable } from './hist-pool.js';
import { accumulateHistogram, histLength, rowWords, subtractHistogram, toRowMajor } from './histogram.js';
import { leafScore, SplitFinder, SplitResult } from './split.js';

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/gbdt_xgboost.json', import.meta.url), 'utf8')) as {
  x: (number | null)[][];
  n_train: number;
  binary: { y: number[]; proba_test: number[]; proba_train: number[]; root_feature: number };
  regression: { y: number[]; pred_test: number[]; pred_train: number[]; root_feature: number };
};

/** Share of rows where column `col` of the n × k output is within `tol` of the reference. */
function shareClose(out: Float64Array, k: number, col: number, ref: number[], tol: number): number {
  let ok = 0;
  for (let i = 0; i < ref.length; i++) if (Math.abs(out[i * k + col] - ref[i]) < tol) ok++;
  return ok / ref.length;
}

function fixtureFrame(from: number, to: number): Frame {
  return new Frame([0, 1, 2, 3].map((j) => numberColumn(`f${j}`, fixture.x.slice(from, to).map((r) => r[j] ?? NaN))));
}

function trainSet(frame: Frame, y: Float64Array, task: TrainSet['task'], nClasses: number, extra: Partial<TrainSet> = {}): TrainSet {
  return { frame, features: [], task, nClasses, y, seed: 1, threads: 1, ...extra };
}

// The XGBoost settings of scripts/fixtures/make_gbdt_fixtures.py, in modelyard's names.
const XGB_EQUAL = { rounds: 20, max_depth: 3, max_leaves: 8, learning_rate: 0.3, l2: 1, l1: 0, min_child_weight: 1, min_samples_leaf: 1, max_bins: 255, early_stopping_rounds: 0 };

describe('gbdt against XGBoost hist (test/fixtures/gbdt_xgboost.json)', () => {
  const n = fixture.n_train;
  const train = fixtureFrame(0, n);
  const test = fixtureFrame(n, fixture.x.length);

  it('binary: same root split feature, probabilities close', () => {
    const y = Float64Array.from(fixture.binary.y.slice(0, n));
    const fitted = gbdtKind.create(XGB_EQUAL).fit(trainSet(train, y, 'binary', 2)) as GbdtFitted;
    expect(fitted.forest.feat[fitted.forest.roots[0]]).toBe(fixture.binary.root_feature);
    // Same bins, same trees: on the training rows only float32 (XGBoost) vs float64 rounding differs.
    const pt = fitted.predict(train);
    let maxDiff = 0;
    for (let i = 0; i < n; i++) maxDiff = Math.max(maxDiff, Math.abs(pt[2 * i + 1] - fixture.binary.proba_train[i]));
    expect(maxDiff).toBeLessThan(1e-5);
    // Held-out rows may hold grid values absent from training, where the two place the cut
    // differently (midpoint vs next seen value): most rows still agree closely.
    expect(shareClose(fitted.predict(test), 2, 1, fixture.binary.proba_test, 1e-4)).toBeGreaterThan(0.9);
  });

  it('regression: same root split feature, predictions close', () => {
    const y = Float64Array.from(fixture.regression.y.slice(0, n));
    const fitted = gbdtKind.create(XGB_EQUAL).fit(trainSet(train, y, 'regression', 1)) as GbdtFitted;
    expect(fitted.forest.feat[fitted.forest.roots[0]]).toBe(fixture.regression.root_feature);
    const pt = fitted.predict(train);
    let maxDiff = 0;
    for (let i = 0; i < n; i++) maxDiff = Math.max(maxDiff, Math.abs(pt[i] - fixture.regression.pred_train[i]));
    expect(maxDiff).toBeLessThan(1e-4);
    expect(shareClose(fitted.predict(test), 1, 0, fixture.regression.pred_test, 1e-3)).toBeGreaterThan(0.9);
  });
});

describe('histograms', () => {
  it('the subtraction trick gives the histogram built from rows', () => {
    const rng = new Rng(5);
    const n = 1000;
    const F = 6;
    const col = new Uint8Array(n * F).map(() => rng.int(40));
    const words = rowWords(F);
    const rowBins = new Uint8Array(n * words * 4);
    toRowMajor(col, n, F, rowBins);
    const gh = new Float32Array(2 * n).map(() => rng.normal());
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const len = histLength(F);
    const all = new Float64Array(len);
    const left = new Float64Array(len);
    const right = new Float64Array(len);
    const r32 = new Uint32Array(rowBins.buffer);
    accumulateHistogram(r32, words, gh, rows, 0, n, all);
    accumulateHistogram(r32, words, gh, rows, 0, 300, left);
    accumulateHistogram(r32, words, gh, rows, 300, n, right);
    const derived = new Float64Array(len);
    subtractHistogram(all, left, derived, len);
    for (let i = 0; i < len; i++) expect(derived[i]).toBeCloseTo(right[i], 9);
    // Bin b of feature f holds the rows with that bin.
    let g = 0;
    for (let r = 0; r < n; r++) if (col[2 * n + r] === 7) g += gh[2 * r];
    expect(all[2 * 512 + 14]).toBeCloseTo(g, 9);
  });
});

describe('split finding', () => {
  const cfg = { l1: 0, l2: 1, minChildWeight: 1e-3, minSamplesLeaf: 1, minSplitGain: 0, maxCatThreshold: 32, maxCatToOnehot: 4, catSmooth: 10, catL2: 10, minDataPerGroup: 1 };

  it('learns the default direction of missing values', () => {
    // Feature 0: bins 0..3 values, bin 4 missing. Missing rows have positive gradients like bins 2–3.
    const hist = new Float64Array(histLength(1));
    const gs = [-10, -10, 10, 10, 12];
    gs.forEach((g, b) => {
      hist[2 * b] = g;
      hist[2 * b + 1] = 10;
    });
    const finder = new SplitFinder(cfg, { nFeatures: 1, nBins: Int32Array.of(5), isCat: Uint8Array.of(0) });
    const out = new SplitResult();
    finder.find(hist, 12, 50, 50, Uint8Array.of(1), out);
    expect(out.feature).toBe(0);
    expect(out.threshold).toBe(1);
    expect(out.defaultLeft).toBe(false);
    const expected = leafScore(-20, 20, 0, 1) + leafScore(32, 30, 0, 1) - leafScore(12, 50, 0, 1);
    expect(out.gain).toBeCloseTo(expected, 9);
    // Mirror: missing rows like the low bins → missing goes left.
    hist[8] = -12;
    finder.find(hist, -12, 50, 50, Uint8Array.of(1), out);
    expect(out.threshold).toBe(1);
    expect(out.defaultLeft).toBe(true);
  });

  it('splits categories by sorted gradient ratio (many vs many)', () => {
    // 8 category bins (+ other, missing); categories 1, 4, 6 have negative gradients.
    const hist = new Float64Array(histLength(1));
    for (let b = 0; b < 8; b++) {
      hist[2 * b] = [1, 4, 6].includes(b) ? -20 : 15;
      hist[2 * b + 1] = 20;
    }
    let G = 0;
    for (let b = 0; b < 8; b++) G += hist[2 * b];
    const finder = new SplitFinder(cfg, { nFeatures: 1, nBins: Int32Array.of(10), isCat: Uint8Array.of(1) });
    const out = new SplitResult();
    finder.find(hist, G, 160, 160, Uint8Array.of(1), out);
    expect(out.categorical).toBe(true);
    const left = [0, 1, 2, 3, 4, 5, 6, 7].filter((b) => out.catLeft[b] === 1);
    expect(left).toEqual([1, 4, 6]);
  });
});

function noisyBinary(n: number, seed: number, F = 5): { frame: Frame; y: Float64Array } {
  const rng = new Rng(seed);
  const cols = Array.from({ length: F }, () => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const c of cols) c[i] = rng.normal();
    y[i] = rng.next() < 1 / (1 + Math.exp(-(cols[0][i] - 0.5 * cols[1][i]))) ? 1 : 0;
  }
  return { frame: new Frame(cols.map((c, j) => numberColumn(`x${j}`, c))), y };
}

describe('gbdt learner', () => {
  it('learns a non-ordinal categorical effect in one many-vs-many split', () => {
    const rng = new Rng(3);
    const n = 2000;
    const levels = Array.from({ length: 10 }, (_, i) => `L${i}`);
    const codes: string[] = [];
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = rng.int(10);
      codes.push(levels[c]);
      y[i] = [0, 3, 5, 8].includes(c) ? 10 + rng.normal() * 0.1 : rng.normal() * 0.1;
    }
    const frame = new Frame([encodeStrings('c', codes), numberColumn('noise', Float64Array.from({ length: n }, () => rng.normal()))]);
    const fitted = gbdtKind.create({ rounds: 1, max_leaves: 2, learning_rate: 1, l2: 0 }).fit(trainSet(frame, y, 'regression', 1)) as GbdtFitted;
    const p = fitted.predict(frame);
    for (let i = 0; i < 50; i++) expect(Math.abs(p[i] - y[i])).toBeLessThan(1);
    expect(fitted.featureImportance()).toEqual({ c: 1, noise: 0 });
  });

  it('stops early on the validation rows and keeps the best round', () => {
    const a = noisyBinary(1500, 1);
    const v = noisyBinary(500, 2);
    const fitted = gbdtKind.create({ rounds: 400, learning_rate: 0.3, early_stopping_rounds: 10 }).fit(trainSet(a.frame, a.y, 'binary', 2, { valid: { frame: v.frame, y: v.y } })) as GbdtFitted;
    expect(fitted.info.rounds).toBeLessThan(100);
    expect(fitted.nTrees).toBe(fitted.info.rounds);
  });

  it('feature importance: gain and split shares sum to 1, the informative feature leads', () => {
    const a = noisyBinary(2000, 4);
    const fitted = gbdtKind.create({ rounds: 30 }).fit(trainSet(a.frame, a.y, 'binary', 2));
    const gain = fitted.featureImportance!();
    const total = Object.values(gain).reduce((s, x) => s + x, 0);
    expect(total).toBeCloseTo(1, 9);
    expect(Object.entries(gain).sort((p, q) => q[1] - p[1])[0][0]).toBe('x0');
    const split = (fitted as GbdtFitted).featureImportance('split');
    expect(Object.values(split).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
  });

  it('scale_pos_weight and class_weight raise the positive-class probability', () => {
    const a = noisyBinary(2000, 5);
    a.y.forEach((v, i) => (a.y[i] = v === 1 && i % 3 !== 0 ? 0 : v)); // make positives rarer
    const mean = (params: Record<string, number | string>) => {
      const p = gbdtKind.create({ rounds: 20, ...params }).fit(trainSet(a.frame, a.y, 'binary', 2)).predict(a.frame);
      let s = 0;
      for (let i = 0; i < a.y.length; i++) s += p[2 * i + 1];
      return s / a.y.length;
    };
    const plain = mean({});
    expect(mean({ scale_pos_weight: 5 })).toBeGreaterThan(plain + 0.05);
    expect(mean({ class_weight: 'balanced' })).toBeGreaterThan(plain + 0.05);
  });

  it('huber and poisson objectives fit regression targets', () => {
    const rng = new Rng(9);
    const n = 1500;
    const x = Float64Array.from({ length: n }, () => rng.normal());
    const counts = Float64Array.from(x, (v) => Math.round(Math.exp(0.8 * v) * (0.5 + rng.next())));
    const frame = new Frame([numberColumn('x', x)]);
    const pois = gbdtKind.create({ rounds: 50, objective: 'poisson' }).fit(trainSet(frame, counts, 'regression', 1)).predict(frame);
    for (const v of pois) expect(v).toBeGreaterThan(0);
    const lo = pois[x.indexOf(Math.min(...x))];
    const hi = pois[x.indexOf(Math.max(...x))];
    expect(hi).toBeGreaterThan(lo * 3);
    const y = Float64Array.from(x, (v, i) => 2 * v + (i % 50 === 0 ? 100 : 0)); // outliers
    const hub = gbdtKind.create({ rounds: 100, objective: 'huber', huber_delta: 1 }).fit(trainSet(frame, y, 'regression', 1)).predict(frame);
    let err = 0;
    for (let i = 0; i < n; i++) if (i % 50 !== 0) err += Math.abs(hub[i] - 2 * x[i]);
    expect(err / n).toBeLessThan(0.5);
  });

  it('multiclass softmax: probabilities sum to 1, predictRow equals batch predict', () => {
    const rng = new Rng(11);
    const n = 900;
    const x = Float64Array.from({ length: n }, () => rng.normal());
    const y = Float64Array.from(x, (v) => (v < -0.5 ? 0 : v < 0.5 ? 1 : 2));
    const frame = new Frame([numberColumn('x', x), numberColumn('z', Float64Array.from({ length: n }, () => rng.normal()))]);
    const fitted = gbdtKind.create({ rounds: 20 }).fit(trainSet(frame, y, 'multiclass', 3)) as GbdtFitted;
    const p = fitted.predict(frame);
    expect(fitted.nTrees).toBe(60);
    let hit = 0;
    for (let i = 0; i < n; i++) {
      const best = [0, 1, 2].reduce((b, c) => (p[3 * i + c] > p[3 * i + b] ? c : b), 0);
      if (best === y[i]) hit++;
      const one = fitted.predictRow([x[i], frame.column('z').type === 'number' ? (frame.column('z') as { values: Float64Array }).values[i] : 0]);
      expect(Array.from(one)).toEqual(Array.from(p.subarray(3 * i, 3 * i + 3)));
    }
    expect(hit / n).toBeGreaterThan(0.95);
  });

  it('uses two threads when a built worker is available, with the same model quality', () => {
    const a = noisyBinary(80_000, 6, 26);
    const one = gbdtKind.create({ rounds: 3, max_leaves: 15 }).fit(trainSet(a.frame, a.y, 'binary', 2, { threads: 1 })) as GbdtFitted;
    const two = gbdtKind.create({ rounds: 3, max_leaves: 15 }).fit(trainSet(a.frame, a.y, 'binary', 2, { threads: 2 })) as GbdtFitted;
    expect(one.info.threads).toBe(1);
    // From TypeScript sources the worker comes from dist/ (npm test builds it first).
    expect(two.info.threads).toBe(workersAvailable() ? 2 : 1);
    const p1 = one.predict(a.frame.slice(0, 1000));
    const p2 = two.predict(a.frame.slice(0, 1000));
    for (let i = 0; i < p1.length; i++) expect(p2[i]).toBeCloseTo(p1[i], 6);
  });

  it('a 500-tree model loads from artifact bytes in well under 100 ms', () => {
    const a = noisyBinary(3000, 7);
    const fitted = gbdtKind.create({ rounds: 500, early_stopping_rounds: 0, min_samples_leaf: 5 }).fit(trainSet(a.frame, a.y, 'binary', 2)) as GbdtFitted;
    expect(fitted.nTrees).toBe(500);
    const st = fitted.toState();
    const bytes = encodeContainer({ state: st.state, params: st.params }, st.arrays);
    const row = a.frame.slice(0, 1);
    const times: number[] = [];
    for (let rep = 0; rep < 5; rep++) {
      const t = performance.now();
      const decoded = decodeContainer(bytes);
      const loaded = gbdtKind.load({ ...st, state: decoded.header.state, params: decoded.header.params as never, arrays: decoded.arrays }, []);
      loaded.predict(row);
      times.push(performance.now() - t);
    }
    times.sort((x, y) => x - y);
    // Median of 5, on a shared machine; the container sha256 check is included.
    expect(times[2]).toBeLessThan(100);
    console.log(`500-tree gbdt: ${bytes.length} bytes, load + first predict median ${times[2].toFixed(1)} ms`);
  });
});
