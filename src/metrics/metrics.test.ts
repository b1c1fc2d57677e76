import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelyardError } from '../errors.js';
import {
  accuracy,
  argmaxRows,
  balancedAccuracy,
  brierScore,
  calibrationCurve,
  computeMetrics,
  confusionMatrix,
  expectedCalibrationError,
  logLoss,
  mae,
  precisionRecallF1,
  PRIMARY_METRIC,
  r2,
  rmse,
  rocAuc,
  rocAucOvr,
} from './index.js';

// ---- scikit-learn fixtures (scripts/fixtures/make_metric_fixtures.py) -------------------------

type Prf = { precision: number; recall: number; f1: number };
interface CurveExpect {
  nBins: number;
  strategy: 'uniform' | 'quantile';
  probTrue: number[];
  probPred: number[];
  counts: number[];
}
interface BinaryCase {
  name: string;
  y: number[];
  p1: number[];
  weights: number[] | null;
  threshold: number;
  pred?: number[];
  expected: {
    roc_auc?: number;
    log_loss?: number;
    'log_loss_eps_1e-15'?: number;
    brier?: number;
    accuracy?: number;
    balanced_accuracy?: number;
    binary?: Prf;
    binary_pos0?: Prf;
    macro?: Prf;
    micro?: Prf;
    weighted?: Prf;
    confusion?: number[][];
    ece10?: number;
    ece15?: number;
    curves?: CurveExpect[];
  };
}
interface MulticlassCase {
  name: string;
  k: number;
  y: number[];
  proba: number[];
  pred: number[];
  weights: number[] | null;
  expected: {
    roc_auc?: number;
    log_loss: number;
    'log_loss_eps_1e-15': number;
    accuracy: number;
    balanced_accuracy: number;
    macro: Prf;
    micro: Prf;
    weighted: Prf;
    confusion: number[][];
  };
}
interface RegressionCase {
  name: string;
  y: number[];
  p: number[];
  weights: number[] | null;
  expected: { rmse: number; mae: number; r2: number };
}
interface Fixtures {
  sklearn: string;
  binary: BinaryCase[];
  multiclass: MulticlassCase[];
  regression: RegressionCase[];
}

const fixtures = JSON.parse(readFileSync(new URL('../../test/fixtures/metrics.json', import.meta.url), 'utf8')) as Fixtures;

/** Agreement to 1e-9: absolute for values of order 1, relative for large ones (RMSE of prices). */
function close(actual: number, expected: number, what: string): void {
  const tol = 1e-9 * Math.max(1, Math.abs(expected));
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${what}: got ${actual}, sklearn says ${expected} (|diff| ${Math.abs(actual - expected)} > ${tol})`);
  }
}

function closePrf(actual: Prf, expected: Prf, what: string): void {
  close(actual.precision, expected.precision, `${what} precision`);
  close(actual.recall, expected.recall, `${what} recall`);
  close(actual.f1, expected.f1, `${what} f1`);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof ModelyardError ? e.code : `not a ModelyardError: ${String(e)}`;
  }
  return undefined;
}

function binaryProba(p1: readonly number[]): Float64Array {
  const out = new Float64Array(p1.length * 2);
  for (let i = 0; i < p1.length; i++) {
    out[2 * i] = 1 - p1[i];
    out[2 * i + 1] = p1[i];
  }
  return out;
}

describe(`metrics agree with scikit-learn ${fixtures.sklearn} to 1e-9`, () => {
  it('has the fixture cases the script writes', () => {
    expect(fixtures.binary.length).toBeGreaterThanOrEqual(15);
    expect(fixtures.multiclass.length).toBeGreaterThanOrEqual(8);
    expect(fixtures.regression.length).toBeGreaterThanOrEqual(7);
  });

  describe.each(fixtures.binary.map((c) => [c.name, c] as const))('binary case %s', (_name, c) => {
    const w = c.weights ?? undefined;
    const e = c.expected;

    it('roc_auc', () => {
      if (e.roc_auc === undefined) {
        expect(codeOf(() => rocAuc(c.y, c.p1, w))).toBe('TARGET_INVALID');
        return;
      }
      close(rocAuc(c.y, c.p1, w), e.roc_auc, 'roc_auc');
      // The weighted path with unit weights must agree with the unweighted fast path.
      if (!w) close(rocAuc(c.y, c.p1, new Float64Array(c.y.length).fill(1)), e.roc_auc, 'roc_auc (unit weights)');
    });

    if (e.log_loss === undefined) return; // scores that are not probabilities: AUC only

    it('log_loss (default eps = machine epsilon, and eps = 1e-15)', () => {
      const proba = binaryProba(c.p1);
      close(logLoss(c.y, proba, 2, w), e.log_loss!, 'log_loss');
      close(logLoss(c.y, proba, 2, w, 1e-15), e['log_loss_eps_1e-15']!, 'log_loss eps=1e-15');
    });

    it('brier, accuracy, balanced accuracy, precision/recall/F1, confusion matrix', () => {
      const pred = c.p1.map((p) => (p >= c.threshold ? 1 : 0));
      expect(pred).toEqual(c.pred);
      close(brierScore(c.y, c.p1, w), e.brier!, 'brier');
      close(accuracy(c.y, pred, w), e.accuracy!, 'accuracy');
      close(balancedAccuracy(c.y, pred, 2, w), e.balanced_accuracy!, 'balanced_accuracy');
      closePrf(precisionRecallF1(c.y, pred, 2, { average: 'binary' }, w), e.binary!, 'binary');
      closePrf(precisionRecallF1(c.y, pred, 2, { average: 'binary', positive: 0 }, w), e.binary_pos0!, 'binary pos=0');
      closePrf(precisionRecallF1(c.y, pred, 2, { average: 'macro' }, w), e.macro!, 'macro');
      closePrf(precisionRecallF1(c.y, pred, 2, { average: 'micro' }, w), e.micro!, 'micro');
      closePrf(precisionRecallF1(c.y, pred, 2, { average: 'weighted' }, w), e.weighted!, 'weighted');
      expect(confusionMatrix(c.y, pred, 2)).toEqual(e.confusion);
    });

    it('calibration curve (uniform, quantile) and ECE', () => {
      for (const cv of e.curves!) {
        const got = calibrationCurve(c.y, c.p1, cv.nBins, cv.strategy);
        const what = `${cv.strategy}/${cv.nBins}`;
        expect(got.counts, `${what} counts`).toEqual(cv.counts);
        expect(got.probTrue.length).toBe(cv.probTrue.length);
        got.probTrue.forEach((v, i) => close(v, cv.probTrue[i], `${what} probTrue[${i}]`));
        got.probPred.forEach((v, i) => close(v, cv.probPred[i], `${what} probPred[${i}]`));
      }
      close(expectedCalibrationError(c.y, c.p1), e.ece10!, 'ece (10 bins)');
      close(expectedCalibrationError(c.y, c.p1, 15), e.ece15!, 'ece (15 bins)');
    });

    it('computeMetrics("binary") reports the same numbers', () => {
      const m = computeMetrics('binary', c.y, binaryProba(c.p1), 2, { threshold: c.threshold, weights: w });
      const want: Record<string, number> = {
        log_loss: e.log_loss!,
        brier: e.brier!,
        accuracy: e.accuracy!,
        balanced_accuracy: e.balanced_accuracy!,
        precision: e.binary!.precision,
        recall: e.binary!.recall,
        f1: e.binary!.f1,
      };
      if (e.roc_auc !== undefined) want.roc_auc = e.roc_auc;
      // ECE ignores weights (it is a per-row calibration gap), so it matches the unweighted fixture value.
      const keys = Object.keys(m).filter((k) => k !== 'ece').sort();
      expect(keys).toEqual(Object.keys(want).sort());
      for (const k of keys) close(m[k], want[k], k);
      close(m.ece, e.ece10!, 'ece');
    });
  });

  describe.each(fixtures.multiclass.map((c) => [c.name, c] as const))('multiclass case %s', (_name, c) => {
    const w = c.weights ?? undefined;
    const e = c.expected;
    const proba = Float64Array.from(c.proba);

    it('roc_auc one-vs-rest macro', () => {
      if (e.roc_auc === undefined) return; // sklearn does not define it for these inputs (see below)
      close(rocAucOvr(c.y, proba, c.k, w), e.roc_auc, 'roc_auc ovr');
    });

    it('log_loss, accuracy, balanced accuracy, precision/recall/F1, confusion matrix', () => {
      close(logLoss(c.y, proba, c.k, w), e.log_loss, 'log_loss');
      close(logLoss(c.y, proba, c.k, w, 1e-15), e['log_loss_eps_1e-15'], 'log_loss eps=1e-15');
      const pred = argmaxRows(proba, c.y.length, c.k);
      expect(Array.from(pred)).toEqual(c.pred);
      close(accuracy(c.y, pred, w), e.accuracy, 'accuracy');
      close(balancedAccuracy(c.y, pred, c.k, w), e.balanced_accuracy, 'balanced_accuracy');
      closePrf(precisionRecallF1(c.y, pred, c.k, { average: 'macro' }, w), e.macro, 'macro');
      closePrf(precisionRecallF1(c.y, pred, c.k, { average: 'micro' }, w), e.micro, 'micro');
      closePrf(precisionRecallF1(c.y, pred, c.k, { average: 'weighted' }, w), e.weighted, 'weighted');
      expect(confusionMatrix(c.y, pred, c.k)).toEqual(e.confusion);
    });

    it('computeMetrics("multiclass") reports the same numbers', () => {
      const m = computeMetrics('multiclass', c.y, proba, c.k, { weights: w });
      close(m.log_loss, e.log_loss, 'log_loss');
      close(m.accuracy, e.accuracy, 'accuracy');
      close(m.balanced_accuracy, e.balanced_accuracy, 'balanced_accuracy');
      close(m.f1, e.macro.f1, 'f1');
      close(m.f1_macro, e.macro.f1, 'f1_macro');
      close(m.precision, e.macro.precision, 'precision');
      close(m.recall, e.macro.recall, 'recall');
      if (e.roc_auc !== undefined) close(m.roc_auc, e.roc_auc, 'roc_auc');
      const classes = new Set(c.y).size;
      if (classes < c.k) expect(m).not.toHaveProperty('roc_auc');
    });
  });

  it('multiclass roc_auc with a class absent from y is a coded error (sklearn raises too)', () => {
    const c = fixtures.multiclass.find((x) => x.name === 'k4_class3_absent')!;
    expect(codeOf(() => rocAucOvr(c.y, Float64Array.from(c.proba), c.k))).toBe('TARGET_INVALID');
  });

  describe.each(fixtures.regression.map((c) => [c.name, c] as const))('regression case %s', (_name, c) => {
    const w = c.weights ?? undefined;
    it('rmse, mae, r2 and computeMetrics', () => {
      close(rmse(c.y, c.p, w), c.expected.rmse, 'rmse');
      close(mae(c.y, c.p, w), c.expected.mae, 'mae');
      close(r2(c.y, c.p, w), c.expected.r2, 'r2');
      const m = computeMetrics('regression', c.y, Float64Array.from(c.p), 1, { weights: w });
      expect(Object.keys(m).sort()).toEqual(['mae', 'r2', 'rmse']);
      close(m.rmse, c.expected.rmse, 'rmse');
      close(m.mae, c.expected.mae, 'mae');
      close(m.r2, c.expected.r2, 'r2');
    });
  });
});

// ---- coded errors ----------------------------------------------------------------------------

describe('metric input errors are coded', () => {
  it('rejects a NaN target naming the row', () => {
    let err: unknown;
    try {
      rmse([1, NaN, 3], [1, 2, 3]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelyardError);
    expect((err as ModelyardError).code).toBe('INVALID_VALUE');
    expect((err as ModelyardError).location.row).toBe(2);
    expect((err as ModelyardError).message).toMatch(/row 2/);
    expect(codeOf(() => rocAuc([0, NaN, 1], [0.1, 0.2, 0.3]))).toBe('INVALID_VALUE');
    expect(codeOf(() => accuracy([0, NaN], [0, 1]))).toBe('INVALID_VALUE');
    expect(codeOf(() => logLoss([0, NaN], Float64Array.from([0.5, 0.5, 0.5, 0.5]), 2))).toBe('INVALID_VALUE');
    expect(codeOf(() => computeMetrics('binary', [0, NaN], Float64Array.from([0.5, 0.5, 0.5, 0.5]), 2))).toBe('INVALID_VALUE');
    expect(codeOf(() => computeMetrics('regression', [NaN], Float64Array.from([1]), 1))).toBe('INVALID_VALUE');
  });

  it('rejects length mismatches', () => {
    expect(codeOf(() => rocAuc([0, 1], [0.1, 0.2, 0.3]))).toBe('LENGTH_MISMATCH');
    expect(codeOf(() => rmse([1, 2], [1, 2], [1]))).toBe('LENGTH_MISMATCH');
    expect(codeOf(() => logLoss([0, 1], Float64Array.from([0.5, 0.5, 0.5]), 2))).toBe('LENGTH_MISMATCH');
    expect(codeOf(() => rocAucOvr([0, 1, 2], new Float64Array(8), 3))).toBe('LENGTH_MISMATCH');
    expect(codeOf(() => computeMetrics('multiclass', [0, 1, 2], new Float64Array(6), 3))).toBe('LENGTH_MISMATCH');
  });

  it('rejects ROC AUC with one class, labels out of range, bad weights and bad parameters', () => {
    expect(codeOf(() => rocAuc([1, 1, 1], [0.1, 0.2, 0.3]))).toBe('TARGET_INVALID');
    expect(codeOf(() => rocAuc([0, 1, 1], [0.1, 0.2, 0.3], [0, 1, 1]))).toBe('TARGET_INVALID');
    expect(codeOf(() => rocAuc([0, 2], [0.1, 0.2]))).toBe('INVALID_VALUE');
    expect(codeOf(() => rocAuc([0, 1], [0.1, NaN]))).toBe('INVALID_VALUE');
    expect(codeOf(() => rocAuc([0, 1], [0.1, 0.2], [1, -1]))).toBe('INVALID_VALUE');
    expect(codeOf(() => rocAuc([0, 1], [0.1, 0.2], [0, 0]))).toBe('INVALID_VALUE');
    expect(codeOf(() => brierScore([0, 1], [0.1, 1.2]))).toBe('INVALID_VALUE');
    expect(codeOf(() => precisionRecallF1([0, 1, 2], [0, 1, 2], 3, { average: 'binary' }))).toBe('PARAM_INVALID');
    expect(codeOf(() => confusionMatrix([0, 3], [0, 1], 3))).toBe('INVALID_VALUE');
    expect(codeOf(() => calibrationCurve([0, 1], [0.1, 0.9], 0))).toBe('PARAM_INVALID');
    expect(codeOf(() => rmse([], []))).toBe('DATA_EMPTY');
    expect(codeOf(() => computeMetrics('binary', [0, 1], new Float64Array(6), 3))).toBe('PARAM_INVALID');
  });

  it('computeMetrics leaves roc_auc out when a class is absent instead of failing', () => {
    const m = computeMetrics('binary', [1, 1, 1], Float64Array.from([0.2, 0.8, 0.6, 0.4, 0.9, 0.1]), 2);
    expect(m).not.toHaveProperty('roc_auc');
    expect(m.accuracy).toBeCloseTo(1 / 3, 12);
  });

  it('names the primary metric of each task', () => {
    expect(PRIMARY_METRIC.binary).toEqual({ name: 'roc_auc', higherIsBetter: true });
    expect(PRIMARY_METRIC.multiclass).toEqual({ name: 'accuracy', higherIsBetter: true });
    expect(PRIMARY_METRIC.regression).toEqual({ name: 'rmse', higherIsBetter: false });
  });
});

// ---- properties ------------------------------------------------------------------------------

/** O(n²) reference: P(score⁺ > score⁻) + ½ P(tie) over weighted pairs. */
function pairAuc(y: readonly number[], s: readonly number[], w?: readonly number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j] !== 0) continue;
      const ww = w ? w[i] * w[j] : 1;
      den += ww;
      num += ww * (s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0);
    }
  }
  return num / den;
}

/** Labelled integer scores with both classes present (integers keep s ↦ s³ exact). */
const labelled = fc
  .array(fc.record({ y: fc.integer({ min: 0, max: 1 }), s: fc.integer({ min: -60, max: 60 }), w: fc.integer({ min: 1, max: 5 }) }), { minLength: 2, maxLength: 120 })
  .filter((rows) => rows.some((r) => r.y === 1) && rows.some((r) => r.y === 0));

describe('ROC AUC properties (fast-check)', () => {
  it('equals the O(n²) pair count, weighted and unweighted', () => {
    fc.assert(
      fc.property(labelled, (rows) => {
        const y = rows.map((r) => r.y);
        const s = rows.map((r) => r.s);
        const w = rows.map((r) => r.w);
        expect(Math.abs(rocAuc(y, s) - pairAuc(y, s))).toBeLessThan(1e-12);
        expect(Math.abs(rocAuc(y, s, w) - pairAuc(y, s, w))).toBeLessThan(1e-12);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('AUC(score) = 1 − AUC(−score), and is invariant under strictly increasing transforms', () => {
    fc.assert(
      fc.property(labelled, (rows) => {
        const y = rows.map((r) => r.y);
        const s = rows.map((r) => r.s);
        const a = rocAuc(y, s);
        expect(Math.abs(a + rocAuc(y, s.map((v) => -v)) - 1)).toBeLessThan(1e-12);
        expect(rocAuc(y, s.map((v) => v * v * v))).toBe(a);
        expect(rocAuc(y, s.map((v) => 3 * v + 7))).toBe(a);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('integer weights equal repeating rows', () => {
    fc.assert(
      fc.property(labelled, (rows) => {
        const y: number[] = [];
        const s: number[] = [];
        for (const r of rows) for (let t = 0; t < r.w; t++) (y.push(r.y), s.push(r.s));
        const weighted = rocAuc(
          rows.map((r) => r.y),
          rows.map((r) => r.s),
          rows.map((r) => r.w),
        );
        expect(Math.abs(weighted - rocAuc(y, s))).toBeLessThan(1e-12);
      }),
      { numRuns: 100, seed: 13 },
    );
  });
});

describe('other metric properties', () => {
  it('micro F1 equals accuracy for multiclass predictions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 80 }),
        (pairs) => {
          const y = pairs.map((p) => p[0]);
          const pred = pairs.map((p) => p[1]);
          const m = precisionRecallF1(y, pred, 4, { average: 'micro' });
          expect(Math.abs(m.f1 - accuracy(y, pred))).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 100, seed: 17 },
    );
  });

  it('ECE is zero for perfectly calibrated bins and equals |y − p| for one row', () => {
    expect(expectedCalibrationError([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0);
    expect(expectedCalibrationError([1], [0.3])).toBeCloseTo(0.7, 15);
  });

  it('AUC on 200 000 rows stays fast (one sort)', () => {
    const n = 200_000;
    const y = new Float64Array(n);
    const s = new Float64Array(n);
    let seed = 1;
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      y[i] = seed >>> 31;
      s[i] = ((seed >>> 8) % 1000) / 1000 + y[i] * 0.1;
    }
    const t0 = performance.now();
    const a = rocAuc(y, s);
    const ms = performance.now() - t0;
    expect(a).toBeGreaterThan(0.5);
    expect(ms).toBeLessThan(2000);
  });
});
