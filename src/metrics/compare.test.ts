import { describe, expect, it } from 'vitest';
import { close, codeOf, stats } from '../../test/helpers/stats-fixtures.js';
import { Rng } from '../util/random.js';
import { delongTest, logLoss, pairedBootstrap, rocAuc } from './index.js';

describe("DeLong's test agrees with a numpy implementation of the 1988 definitions", () => {
  it.each(stats.delong.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = delongTest(c.y, c.scoreA, c.scoreB);
    const e = c.expected;
    // AUCs are also sklearn's roc_auc_score (the fixture checks numpy = sklearn; here both).
    close(r.aucA, e.sklearn_aucA, 1e-12, 'aucA vs sklearn');
    close(r.aucB, e.sklearn_aucB, 1e-12, 'aucB vs sklearn');
    close(r.aucA, rocAuc(c.y, c.scoreA), 1e-12, 'aucA vs rocAuc');
    close(r.difference, e.difference, 1e-12, 'difference');
    close(r.varA, e.varA, 1e-12, 'varA');
    close(r.varB, e.varB, 1e-12, 'varB');
    close(r.covariance, e.covariance, 1e-12, 'covariance');
    close(r.z, e.z, 1e-9, 'z');
    close(r.pValue, e.pValue, 1e-9, 'two-sided p');
    close(r.pValueGreater, e.pValueGreater, 1e-9, 'one-sided p');
    close(r.se, Math.sqrt(e.varA + e.varB - 2 * e.covariance), 1e-12, 'se');
  });

  it('is antisymmetric in A and B', () => {
    const c = stats.delong[0];
    const ab = delongTest(c.y, c.scoreA, c.scoreB);
    const ba = delongTest(c.y, c.scoreB, c.scoreA);
    close(ba.z, -ab.z, 1e-12, 'z');
    close(ba.pValue, ab.pValue, 1e-12, 'p');
    close(ba.pValueGreater, 1 - ab.pValueGreater, 1e-12, 'one-sided p');
  });

  it('identical models: difference 0, p = 1; invariant to monotone transforms of a score', () => {
    const c = stats.delong[1];
    const same = delongTest(c.y, c.scoreA, c.scoreA);
    expect(same.difference).toBe(0);
    expect(same.z).toBe(0);
    expect(same.pValue).toBe(1);
    const r = delongTest(c.y, c.scoreA, c.scoreB);
    const t = delongTest(c.y, c.scoreA.map((v) => Math.exp(3 * v) - 7), c.scoreB);
    close(t.z, r.z, 1e-12, 'z after a monotone transform of A');
  });

  it('refuses too few rows of a class and bad input', () => {
    expect(codeOf(() => delongTest([1, 0, 0], [0.9, 0.1, 0.2], [0.8, 0.3, 0.1]))).toBe('TARGET_INVALID');
    expect(codeOf(() => delongTest([], [], []))).toBe('DATA_EMPTY');
    expect(codeOf(() => delongTest([1, 0], [0.5], [0.5, 0.1]))).toBe('LENGTH_MISMATCH');
    expect(codeOf(() => delongTest([1, 1, 0, 0], [0.5, NaN, 0.1, 0.2], [0.5, 0.1, 0.2, 0.3]))).toBe('INVALID_VALUE');
    expect(codeOf(() => delongTest([1, 2, 0, 0], [0.5, 0.4, 0.1, 0.2], [0.5, 0.1, 0.2, 0.3]))).toBe('INVALID_VALUE');
  });

  it('runs in O(n log n): 200 000 rows in about half a second', () => {
    const rng = new Rng(1);
    const n = 200_000;
    const y = new Float64Array(n);
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = rng.next() < 0.3 ? 1 : 0;
      a[i] = y[i] + rng.normal();
      b[i] = y[i] * 1.1 + rng.normal();
    }
    const t0 = performance.now();
    const r = delongTest(y, a, b);
    const ms = performance.now() - t0;
    expect(r.difference).toBeGreaterThan(0);
    expect(ms).toBeLessThan(3000); // generous: 2 shared cores; typically 300–600 ms
  });
});

/**
 * Two correlated models on the same seeded binary data: A scores y + common + own noise, B scores
 * (1 + gap)·y + common + own noise (all N(0, 1)), so gap = 0 means equally good, not identical.
 */
function pair(n: number, gap: number, seed: number): { y: Float64Array; a: Float64Array; b: Float64Array } {
  const rng = new Rng(seed);
  const y = new Float64Array(n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.next() < 0.4 ? 1 : 0;
    const common = rng.normal();
    a[i] = 1 / (1 + Math.exp(-(y[i] + common + rng.normal())));
    b[i] = 1 / (1 + Math.exp(-((1 + gap) * y[i] + common + rng.normal())));
  }
  return { y, a, b };
}

const auc = (y: Float64Array, p: Float64Array): number => rocAuc(y, p);

describe('paired bootstrap', () => {
  it('is deterministic per seed and changes with the seed', () => {
    const { y, a, b } = pair(300, 0.3, 3);
    const r1 = pairedBootstrap(y, a, b, auc, { resamples: 200, seed: 9, stratified: true });
    const r2 = pairedBootstrap(y, a, b, auc, { resamples: 200, seed: 9, stratified: true });
    const r3 = pairedBootstrap(y, a, b, auc, { resamples: 200, seed: 10, stratified: true });
    expect(r2).toEqual(r1);
    expect(r3.ci).not.toEqual(r1.ci);
    expect(r1.difference).toBe(rocAuc(y, b) - rocAuc(y, a));
  });

  it('identical models: CI = [0, 0] contains 0, p = 0.5', () => {
    const { y, a } = pair(200, 0, 4);
    const r = pairedBootstrap(y, a, a, auc, { resamples: 300, seed: 1, stratified: true });
    expect(r.ci).toEqual([0, 0]);
    expect(r.difference).toBe(0);
    close(r.pValue, (1 + 150) / 301, 1e-15, 'p');
  });

  it('equally good but different models: CI contains 0 and p is far from 0', () => {
    // Same generating process for A and B with independent noise: no true difference.
    const { y, a, b } = pair(400, 0, 5);
    const r = pairedBootstrap(y, a, b, auc, { resamples: 500, seed: 2, stratified: true });
    expect(r.ci[0]).toBeLessThan(0);
    expect(r.ci[1]).toBeGreaterThan(0);
    expect(r.pValue).toBeGreaterThan(0.05);
    expect(r.pValue).toBeLessThan(0.95);
  });

  it('a much better model B: p = 1/(R + 1), CI above 0', () => {
    const { y, a, b } = pair(500, 3, 6);
    const r = pairedBootstrap(y, a, b, auc, { resamples: 400, seed: 3, stratified: true });
    expect(r.pValue).toBe(1 / 401);
    expect(r.ci[0]).toBeGreaterThan(0);
    // ... and swapping the models turns the answer around.
    expect(pairedBootstrap(y, b, a, auc, { resamples: 400, seed: 3, stratified: true }).pValue).toBe(1);
  });

  it('losses (greaterIsBetter: false): the true posterior beats the base rate in log loss', () => {
    // y ~ Bernoulli(0.4), s = y + N(0, 1): P(y = 1 | s) = σ(s − ½ + ln(0.4/0.6)) exactly.
    const rng = new Rng(12);
    const n = 600;
    const y = new Float64Array(n);
    const base = new Float64Array(n).fill(0.4);
    const post = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = rng.next() < 0.4 ? 1 : 0;
      post[i] = 1 / (1 + Math.exp(-(y[i] + rng.normal() - 0.5 + Math.log(0.4 / 0.6))));
    }
    const ll = (yy: Float64Array, p: Float64Array): number => {
      const proba = new Float64Array(2 * p.length);
      for (let i = 0; i < p.length; i++) {
        proba[2 * i] = 1 - p[i];
        proba[2 * i + 1] = p[i];
      }
      return logLoss(yy, proba, 2);
    };
    const r = pairedBootstrap(y, base, post, ll, { resamples: 400, seed: 3, greaterIsBetter: false });
    expect(r.difference).toBeLessThan(0);
    expect(r.ci[1]).toBeLessThan(0);
    expect(r.pValue).toBe(1 / 401);
    // Read as "greater is better", the same differences say B is worse.
    expect(pairedBootstrap(y, base, post, ll, { resamples: 400, seed: 3 }).pValue).toBe(1);
  });

  it("the bootstrap spread of the AUC difference matches DeLong's standard error", () => {
    const { y, a, b } = pair(1500, 0.15, 8);
    const d = delongTest(y, a, b);
    const r = pairedBootstrap(y, a, b, auc, { resamples: 1000, seed: 4, stratified: true, confidence: 0.6827 });
    // A 68.27 % percentile interval is ≈ ±1 standard error.
    const halfWidth = (r.ci[1] - r.ci[0]) / 2;
    expect(halfWidth / d.se).toBeGreaterThan(0.85);
    expect(halfWidth / d.se).toBeLessThan(1.15);
    // ... and its one-sided p-value DeLong's (normal approximation): seeds 1–8 differ by ≤ 0.016.
    expect(Math.abs(r.pValue - d.pValueGreater)).toBeLessThan(0.03);
  });

  it('resamples rows of n × k outputs together, and within classes when stratified', () => {
    const y = Float64Array.from([0, 0, 0, 1, 1, 2]);
    const k = 3;
    const out = new Float64Array(y.length * k);
    for (let i = 0; i < y.length; i++) out[i * k + y[i]] = 1; // one-hot of the row's own class
    let calls = 0;
    pairedBootstrap(
      y,
      out,
      out,
      (yy, o) => {
        calls++;
        const counts = [0, 0, 0];
        for (let i = 0; i < yy.length; i++) {
          expect(o[i * k + yy[i]]).toBe(1); // the outputs travelled with their row
          counts[yy[i]]++;
        }
        expect(counts).toEqual([3, 2, 1]); // stratified: class counts kept
        return 0;
      },
      { resamples: 20, seed: 1, stratified: true },
    );
    expect(calls).toBe(2 + 2 * 20);
  });

  it('refuses bad input with coded errors', () => {
    const y = [0, 1, 0, 1];
    const p = [0.1, 0.8, 0.3, 0.6];
    expect(codeOf(() => pairedBootstrap([], [], [], auc))).toBe('DATA_EMPTY');
    expect(codeOf(() => pairedBootstrap(y, [0.1, 0.2, 0.3], p, auc))).toBe('LENGTH_MISMATCH');
    expect(codeOf(() => pairedBootstrap(y, p, [0.1], auc))).toBe('LENGTH_MISMATCH');
    expect(codeOf(() => pairedBootstrap(y, p, p, auc, { resamples: 0 }))).toBe('PARAM_INVALID');
    expect(codeOf(() => pairedBootstrap(y, p, p, auc, { confidence: 1 }))).toBe('PARAM_INVALID');
    expect(codeOf(() => pairedBootstrap(y, p, p, () => NaN))).toBe('INVALID_VALUE');
    // A one-class resample makes AUC undefined: the metric's own coded error comes through.
    expect(codeOf(() => pairedBootstrap([0, 0, 0, 1], [0.1, 0.2, 0.3, 0.9], [0.1, 0.2, 0.3, 0.9], auc, { resamples: 50 }))).toBe('TARGET_INVALID');
  });
});
