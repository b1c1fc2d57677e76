/**
 * The learner conformance suite (DESIGN.md, Contracts), modelled on scikit-learn's
 * `check_estimator`: every registered learner runs the checks that its capabilities call for.
 * A new learner gets all of them by registering itself in src/learn/index.ts.
 */
import { describe, expect, it } from 'vitest';
import { decodeContainer, encodeContainer } from '../../src/artifact/container.js';
import { isModelyardError } from '../../src/errors.js';
import { Frame } from '../../src/frame/frame.js';
import { learnerKinds } from '../../src/learn/index.js';
import type { Fitted, LearnerKind, TrainSet } from '../../src/learn/types.js';
import { inferSchema } from '../../src/schema/infer.js';
import { encodeTarget } from '../../src/schema/target.js';
import type { FeatureSpec, Task } from '../../src/schema/types.js';
import { conform } from '../../src/schema/validate.js';
import { makeSynthetic } from '../helpers/synthetic.js';

/** Small, fast settings so the suite stays quick for slow learners. */
const FAST: Record<string, Record<string, unknown>> = {
  gbdt: { rounds: 30 },
  forest: { trees: 20, min_samples_leaf: 3 },
  extra_trees: { trees: 20, min_samples_leaf: 3 },
  tree: { min_samples_leaf: 5 },
  // Seed 002 (winmix): logistic regression + random forest, soft voting.
  voting: { members: [{ learner: 'linear', params: {} }, { learner: 'forest', params: { trees: 10, min_samples_leaf: 3 } }], voting: 'soft' },
  stacking: { members: [{ learner: 'linear', params: {} }, { learner: 'tree', params: { min_samples_leaf: 5, max_depth: 4 } }], folds: 3 },
};

interface Prepared {
  train: TrainSet;
  test: Frame;
  testY: Float64Array;
  features: FeatureSpec[];
}

function prepare(task: Task, kind: LearnerKind, seed = 3, n = 600): Prepared {
  const { frame, target } = makeSynthetic({ n: n + 200, task, seed, categorical: kind.capabilities.categorical, missing: kind.capabilities.missing ? 0.1 : 0 });
  const { spec, y } = encodeTarget(frame, target, task);
  const { schema } = inferSchema(frame, { exclude: { [target]: 'target' } });
  const X = conform(frame, schema);
  const trainRows = Array.from({ length: n }, (_, i) => i);
  const testRows = Array.from({ length: 200 }, (_, i) => n + i);
  return {
    train: {
      frame: X.take(trainRows),
      features: schema.features,
      task,
      nClasses: spec.task === 'regression' ? 1 : spec.classes!.length,
      y: y.slice(0, n),
      seed: 42,
      threads: 1,
    },
    test: X.take(testRows),
    testY: y.slice(n),
    features: schema.features,
  };
}

function fit(kind: LearnerKind, train: TrainSet): Fitted {
  return kind.create((FAST[kind.name] ?? {}) as never).fit(train);
}

function snapshot(train: TrainSet): string[] {
  const parts = train.frame.columns.map((c) => (c.type === 'number' ? Array.from(c.values).join(',') : Array.from(c.codes).join(',')));
  parts.push(Array.from(train.y).join(','));
  if (train.weights) parts.push(Array.from(train.weights).join(','));
  return parts;
}

function checkOutput(task: Task, k: number, out: Float64Array, n: number): void {
  if (task === 'regression') {
    expect(out.length).toBe(n);
    for (const v of out) expect(Number.isFinite(v)).toBe(true);
    return;
  }
  expect(out.length).toBe(n * k);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) {
      const p = out[i * k + c];
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      s += p;
    }
    expect(s).toBeCloseTo(1, 9);
  }
}

/** Score on held-out rows: accuracy for classification, R² for regression. */
function quality(task: Task, k: number, out: Float64Array, y: Float64Array): number {
  const n = y.length;
  if (task === 'regression') {
    const mean = y.reduce((a, b) => a + b, 0) / n;
    let ssr = 0;
    let sst = 0;
    for (let i = 0; i < n; i++) {
      ssr += (y[i] - out[i]) ** 2;
      sst += (y[i] - mean) ** 2;
    }
    return 1 - ssr / sst;
  }
  let hit = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (out[i * k + c] > out[i * k + best]) best = c;
    if (best === y[i]) hit++;
  }
  return hit / n;
}

const kinds = learnerKinds();

describe('learner registry', () => {
  it('has the built-in learners registered', () => {
    expect(kinds.map((k) => k.name)).toContain('linear');
  });
});

for (const kind of kinds) {
  describe(`conformance: ${kind.name}`, () => {
    for (const task of kind.capabilities.tasks) {
      describe(task, () => {
        const p = prepare(task, kind);
        const k = p.train.nClasses;
        const fitted = fit(kind, p.train);
        const out = fitted.predict(p.test);

        it('predicts well-formed output (probabilities in [0,1] summing to 1, finite values)', () => {
          expect(fitted.task).toBe(task);
          checkOutput(task, k, out, p.test.nRows);
        });

        it('learns the signal (beats a trivial model on held-out rows)', () => {
          const q = quality(task, k, out, p.testY);
          // Majority-class accuracy is ~0.5 (binary) / ~0.4 (3 classes); R² of the mean is 0.
          expect(q).toBeGreaterThan(task === 'regression' ? 0.5 : task === 'binary' ? 0.7 : 0.55);
        });

        it('is deterministic for a fixed seed', () => {
          const again = fit(kind, p.train).predict(p.test);
          expect(Array.from(again)).toEqual(Array.from(out));
        });

        it('does not mutate its inputs', () => {
          const before = snapshot(p.train);
          fit(kind, p.train);
          expect(snapshot(p.train)).toEqual(before);
        });

        it('save → load (through artifact bytes) gives identical predictions', () => {
          const state = fitted.toState();
          const bytes = encodeContainer({ state: state.state, params: state.params }, state.arrays);
          const decoded = decodeContainer(bytes);
          const loaded = kind.load({ ...state, state: decoded.header.state, params: decoded.header.params as never, arrays: decoded.arrays }, p.features);
          expect(Array.from(loaded.predict(p.test))).toEqual(Array.from(out));
        });

        it('one-row predict equals batch predict', () => {
          const w = task === 'regression' ? 1 : k;
          for (const r of [0, 7, 199]) {
            const one = fitted.predict(p.test.take([r]));
            expect(Array.from(one)).toEqual(Array.from(out.subarray(r * w, (r + 1) * w)));
          }
        });

        it('handles missing values and unseen categories (coded -1) at predict time', () => {
          const cols = p.test.columns.map((c) =>
            c.type === 'number' ? { ...c, values: new Float64Array(c.values.length).fill(NaN) } : { ...c, codes: new Int32Array(c.codes.length).fill(-1) },
          );
          const blank = new Frame(cols);
          checkOutput(task, k, fitted.predict(blank), blank.nRows);
        });

        it('rejects a frame without a feature column with a coded error', () => {
          const missing = p.test.drop([p.features[0].name]);
          let err: unknown;
          try {
            fitted.predict(missing);
          } catch (e) {
            err = e;
          }
          expect(isModelyardError(err)).toBe(true);
        });

        it('rejects a target of the wrong length with a coded error', () => {
          let err: unknown;
          try {
            fit(kind, { ...p.train, y: p.train.y.subarray(0, 10) });
          } catch (e) {
            err = e;
          }
          expect(isModelyardError(err)).toBe(true);
        });

        if (kind.capabilities.weights) {
          it('honours sample weights (up-weighting rows moves predictions towards them)', () => {
            const n = p.train.y.length;
            const w = new Float64Array(n).fill(1);
            // Up-weight the rows of class/upper half 1 heavily.
            const pivot = task === 'regression' ? median(p.train.y) : 1;
            for (let i = 0; i < n; i++) if (p.train.y[i] >= pivot) w[i] = 20;
            const heavy = fit(kind, { ...p.train, weights: w }).predict(p.test);
            expect(meanOf(task, k, heavy)).toBeGreaterThan(meanOf(task, k, out));
          });
        }
      });
    }

    it('rejects unknown and out-of-range parameters with PARAM_INVALID', () => {
      expect(() => kind.create({ no_such_param: 1 })).toThrow(/unknown parameter/);
      try {
        kind.create({ no_such_param: 1 });
      } catch (e) {
        expect(isModelyardError(e) && e.code).toBe('PARAM_INVALID');
      }
    });
  });
}

function median(a: Float64Array): number {
  const s = Array.from(a).sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

/** Mean prediction (regression) or mean probability of classes ≥ 1 (classification). */
function meanOf(task: Task, k: number, out: Float64Array): number {
  if (task === 'regression') return out.reduce((a, b) => a + b, 0) / out.length;
  const n = out.length / k;
  let s = 0;
  for (let i = 0; i < n; i++) for (let c = 1; c < k; c++) s += out[i * k + c];
  return s / n;
}
