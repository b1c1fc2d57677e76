import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { close, codeOf, stats } from '../../../test/helpers/stats-fixtures.js';
import { brierScore, expectedCalibrationError } from '../../metrics/index.js';
import { Rng } from '../../util/random.js';
import { calibrationReport, fitCalibrator, fitIsotonic, fitSigmoid, loadCalibrator, type Calibrator, type CalibratorState } from './index.js';
import { interpolateIsotonic } from './isotonic.js';

// Tolerances:
// - isotonic: the same arithmetic as sklearn (pooled weighted means, scipy interp1d's formula), only
//   the pooling order differs — 1e-12.
// - sigmoid vs the exact optimum of Platt's objective (scipy trust-exact, then Newton steps down to
//   |gradient| ~1e-14): 1e-12 on (a, b) and on probabilities — both sides stop at the floating-point optimum.
// - sigmoid vs sklearn's _SigmoidCalibration: 1e-6 on probabilities (measured: ≤ 2.7e-7). sklearn
//   stops BFGS at |gradient| < 1e-5 (scipy fmin_bfgs's default gtol), short of the optimum; we iterate
//   Newton to it.

const pAt = (a: number, b: number, f: number): number => 1 / (1 + Math.exp(a * f + b));

describe(`1-d calibration maps agree with scikit-learn ${stats.sklearn}`, () => {
  it.each(stats.calibration.binary.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const F = Float64Array.from(c.F);
    const t = Float64Array.from(c.y);
    const w = c.weights ? Float64Array.from(c.weights) : undefined;

    const sig = fitSigmoid(F, t, w);
    const opt = c.sigmoid_optimum;
    expect(opt.max_abs_gradient).toBeLessThan(1e-12); // the reference really is the optimum
    close(sig.a, opt.a, 1e-12, 'a vs exact optimum');
    close(sig.b, opt.b, 1e-12, 'b vs exact optimum');
    c.F_test.forEach((f, i) => {
      close(pAt(sig.a, sig.b, f), opt.predict[i], 1e-12, `sigmoid(${f}) vs exact optimum`);
      close(pAt(sig.a, sig.b, f), c.sigmoid_sklearn.predict[i], 1e-6, `sigmoid(${f}) vs sklearn`);
    });

    const knots = fitIsotonic(F, t, w);
    expect(Array.from(knots.x)).toEqual(c.isotonic.X_thresholds);
    Array.from(knots.y).forEach((v, i) => close(v, c.isotonic.y_thresholds[i], 1e-12, `y_thresholds[${i}]`));
    c.F_test.forEach((f, i) => {
      close(interpolateIsotonic(knots.x, knots.y, 0, knots.x.length, f), c.isotonic.predict[i], 1e-12, `isotonic(${f})`);
    });
  });

  it('sigmoid: a class that never occurs gives the smoothed constant 1/(N + 2)', () => {
    const c = stats.calibration.binary.find((x) => x.name === 'no positives')!;
    const sig = fitSigmoid(Float64Array.from(c.F), Float64Array.from(c.y));
    for (const f of c.F_test) close(pAt(sig.a, sig.b, f), 1 / (c.F.length + 2), 1e-9, 'p');
  });

  it('isotonic: PAV on a textbook example (ties averaged, violators pooled, flat runs trimmed)', () => {
    const k = fitIsotonic(Float64Array.from([0.1, 0.2, 0.2, 0.3, 0.4, 0.5, 0.6]), Float64Array.from([0, 1, 0, 0, 1, 1, 1]));
    // ties at 0.2 → 0.5; 0.5 then 0 at 0.3 violate → pooled (0.5·2 + 0)/3 = 1/3; then 1, 1, 1 (flat: keep ends)
    expect(Array.from(k.x)).toEqual([0.1, 0.2, 0.3, 0.4, 0.6]);
    expect(Array.from(k.y)).toEqual([0, 1 / 3, 1 / 3, 1, 1]);
  });
});

describe('fitCalibrator + apply reproduce CalibratedClassifierCV (sklearn _fit_calibrator / _CalibratedClassifier)', () => {
  it.each(stats.calibration.pipelines.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const proba = Float64Array.from(c.proba);
    const test = Float64Array.from(c.proba_test);
    const nTest = test.length / c.k;
    for (const method of ['isotonic', 'sigmoid'] as const) {
      const cal = fitCalibrator(method, proba, c.y, c.k, c.weights ?? undefined);
      const out = cal.apply(test, nTest, c.k);
      const want = c[method];
      const tol = method === 'isotonic' ? 1e-12 : 1e-6;
      expect(out.length).toBe(want.length);
      out.forEach((v, i) => close(v, want[i], tol, `${method} proba[${Math.floor(i / c.k)}, ${i % c.k}]`));
    }
  });
});

/** Seeded over-confident probabilities: the true P(y = 1) is p, the model reports p^0.5 (binary) or a sharpened softmax. */
function miscalibrated(n: number, k: number, seed: number): { proba: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const proba = new Float64Array(n * k);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const logits = Array.from({ length: k }, () => rng.normal() * 1.2);
    const z = logits.reduce((s, v) => s + Math.exp(v), 0);
    const truth = logits.map((v) => Math.exp(v) / z);
    let u = rng.next();
    let cls = 0;
    while (cls < k - 1 && u >= truth[cls]) u -= truth[cls++];
    y[i] = cls;
    const sharp = truth.map((p) => p ** 2.5);
    const s = sharp.reduce((a, b) => a + b, 0);
    for (let c = 0; c < k; c++) proba[i * k + c] = sharp[c] / s;
  }
  return { proba, y };
}

function roundTrip(cal: Calibrator): Calibrator {
  // As an artifact stores it: the JSON state through text, the typed arrays copied.
  const st = cal.toState();
  const arrays: CalibratorState['arrays'] = {};
  for (const [name, a] of Object.entries(st.arrays)) arrays[name] = a.slice();
  return loadCalibrator({ method: st.method, state: JSON.parse(JSON.stringify(st.state)), arrays });
}

describe('calibrators: contract', () => {
  for (const method of ['sigmoid', 'isotonic'] as const) {
    for (const k of [2, 4]) {
      it(`${method}, k = ${k}: rows sum to 1, values in [0, 1], state round trip is exact, inputs untouched, ECE improves`, () => {
        const fit = miscalibrated(3000, k, 1 + k);
        const hold = miscalibrated(2000, k, 100 + k);
        const fitCopy = fit.proba.slice();
        const cal = fitCalibrator(method, fit.proba, fit.y, k);
        expect(cal.method).toBe(method);
        expect(fit.proba).toEqual(fitCopy);
        const holdCopy = hold.proba.slice();
        const out = cal.apply(hold.proba, 2000, k);
        expect(hold.proba).toEqual(holdCopy);
        for (let i = 0; i < 2000; i++) {
          let s = 0;
          for (let c = 0; c < k; c++) {
            const v = out[i * k + c];
            expect(v >= 0 && v <= 1).toBe(true);
            s += v;
          }
          close(s, 1, 1e-12, `row ${i} sum`);
        }
        expect(roundTrip(cal).apply(hold.proba, 2000, k)).toEqual(out);
        const rep = calibrationReport(hold.y, hold.proba, out, k);
        expect(rep.ece_after).toBeLessThan(rep.ece_before * 0.6);
        expect(rep.brier_after).toBeLessThan(rep.brier_before);
      });
    }
  }

  it('property: any valid input gives rows that sum to 1 within [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.tuple(fc.nat(3), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 })), { minLength: 1, maxLength: 40 }),
        fc.constantFrom<'sigmoid' | 'isotonic'>('sigmoid', 'isotonic'),
        (k, rows, method) => {
          const n = rows.length;
          const proba = new Float64Array(n * k);
          const y = new Float64Array(n);
          rows.forEach(([cls, p], i) => {
            y[i] = cls % k;
            for (let c = 0; c < k; c++) proba[i * k + c] = p[c];
          });
          const out = fitCalibrator(method, proba, y, k).apply(proba, n, k);
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let c = 0; c < k; c++) {
              expect(out[i * k + c]).toBeGreaterThanOrEqual(0);
              expect(out[i * k + c]).toBeLessThanOrEqual(1);
              s += out[i * k + c];
            }
            close(s, 1, 1e-12, 'row sum');
          }
        },
      ),
      { numRuns: 200, seed: 17 },
    );
  });

  it('weights matter, and zero weight equals leaving the row out', () => {
    const { proba, y } = miscalibrated(400, 2, 9);
    const w = new Float64Array(400).fill(1);
    for (let i = 0; i < 400; i += 3) w[i] = 0;
    const keep = Array.from({ length: 400 }, (_, i) => i).filter((i) => w[i] > 0);
    const sub = new Float64Array(keep.length * 2);
    keep.forEach((i, r) => sub.set(proba.subarray(2 * i, 2 * i + 2), 2 * r));
    const ySub = keep.map((i) => y[i]);
    const probe = Float64Array.from([0.9, 0.1, 0.5, 0.5, 0.2, 0.8, 0.03, 0.97]);
    for (const method of ['sigmoid', 'isotonic'] as const) {
      const weighted = fitCalibrator(method, proba, y, 2, w).apply(probe, 4, 2);
      const dropped = fitCalibrator(method, sub, ySub, 2).apply(probe, 4, 2);
      weighted.forEach((v, i) => close(v, dropped[i], 1e-9, `${method} zero weight = dropped row`));
      expect(fitCalibrator(method, proba, y, 2).apply(probe, 4, 2)).not.toEqual(weighted);
    }
  });

  it('calibrationReport: binary uses the positive class; multiclass averages one-vs-rest', () => {
    const y = [0, 1, 1, 0];
    const before = Float64Array.from([0.8, 0.2, 0.3, 0.7, 0.1, 0.9, 0.6, 0.4]);
    const after = Float64Array.from([0.7, 0.3, 0.4, 0.6, 0.2, 0.8, 0.5, 0.5]);
    const r = calibrationReport(y, before, after, 2);
    close(r.brier_before, brierScore(y, [0.2, 0.7, 0.9, 0.4]), 1e-15, 'brier before');
    close(r.ece_after, expectedCalibrationError(y, [0.3, 0.6, 0.8, 0.5]), 1e-15, 'ece after');
    const y3 = [0, 1, 2];
    const p3 = Float64Array.from([0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.1, 0.1, 0.8]);
    const r3 = calibrationReport(y3, p3, p3, 3);
    const cols = [0, 1, 2].map((c) => [0, 1, 2].map((i) => p3[i * 3 + c]));
    const ovr = [0, 1, 2].map((c) => y3.map((v) => (v === c ? 1 : 0)));
    close(r3.brier_before, (brierScore(ovr[0], cols[0]) + brierScore(ovr[1], cols[1]) + brierScore(ovr[2], cols[2])) / 3, 1e-15, 'ovr brier');
    close(r3.ece_after, (expectedCalibrationError(ovr[0], cols[0]) + expectedCalibrationError(ovr[1], cols[1]) + expectedCalibrationError(ovr[2], cols[2])) / 3, 1e-15, 'ovr ece');
  });

  it('coded errors: bad fit input, wrong shapes at apply time, corrupt or unknown state', () => {
    const p = Float64Array.from([0.2, 0.8, 0.6, 0.4]);
    expect(codeOf(() => fitCalibrator('platt' as 'sigmoid', p, [1, 0], 2))).toBe('PARAM_INVALID');
    expect(codeOf(() => fitCalibrator('sigmoid', p, [1, 0], 1))).toBe('PARAM_INVALID');
    expect(codeOf(() => fitCalibrator('sigmoid', new Float64Array(0), [], 2))).toBe('DATA_EMPTY');
    expect(codeOf(() => fitCalibrator('sigmoid', p, [1, 0, 1], 2))).toBe('LENGTH_MISMATCH');
    expect(codeOf(() => fitCalibrator('isotonic', p, [1, 2], 2))).toBe('INVALID_VALUE');
    expect(codeOf(() => fitCalibrator('isotonic', Float64Array.from([0.2, 1.8, 0.6, 0.4]), [1, 0], 2))).toBe('INVALID_VALUE');
    expect(codeOf(() => fitCalibrator('isotonic', p, [1, 0], 2, [0, 0]))).toBe('INVALID_VALUE');
    const cal = fitCalibrator('isotonic', p, [1, 0], 2);
    expect(codeOf(() => cal.apply(p, 2, 3))).toBe('PARAM_INVALID');
    expect(codeOf(() => cal.apply(p, 3, 2))).toBe('LENGTH_MISMATCH');
    const st = cal.toState();
    expect(codeOf(() => loadCalibrator({ ...st, arrays: { ...st.arrays, x: new Float32Array(2) } }))).toBe('ARTIFACT_CORRUPT');
    expect(codeOf(() => loadCalibrator({ ...st, arrays: { ...st.arrays, offsets: Int32Array.from([0, 5]) } }))).toBe('ARTIFACT_CORRUPT');
    expect(codeOf(() => loadCalibrator({ ...st, state: {} }))).toBe('ARTIFACT_CORRUPT');
    const sig = fitCalibrator('sigmoid', p, [1, 0], 2).toState();
    expect(codeOf(() => loadCalibrator({ ...sig, arrays: { a: sig.arrays.a } }))).toBe('ARTIFACT_CORRUPT');
    expect(codeOf(() => loadCalibrator({ ...sig, method: 'beta' as 'sigmoid' }))).toBe('ARTIFACT_VERSION');
  });
});
