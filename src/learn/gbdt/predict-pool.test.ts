import { describe, expect, it } from 'vitest';
import { Frame, numberColumn } from '../../frame/frame.js';
import { Rng } from '../../util/random.js';
import { scoreColumns, type ForestArrays } from './forest.js';
import { GbdtFitted, gbdtKind } from './gbdt.js';
import { parallelPredictCalls } from './predict-pool.js';
import { workersAvailable } from './hist-pool.js';

function frameOf(n: number, seed: number): { frame: Frame; cols: Float64Array[]; y: Float64Array } {
  const rng = new Rng(seed);
  const cols = Array.from({ length: 6 }, () => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const c of cols) c[i] = rng.next() * 4 - 2;
    y[i] = cols[0][i] + cols[1][i] * cols[2][i] + 0.5 * rng.next() > 0 ? 1 : 0;
  }
  return { frame: new Frame(cols.map((c, j) => numberColumn(`x${j}`, c))), cols, y };
}

function oneThread(f: GbdtFitted, cols: Float64Array[], n: number): Float64Array {
  const base = (f as unknown as { base: Float64Array }).base;
  const out = new Float64Array(n * base.length);
  scoreColumns(f.forest as ForestArrays, base, cols, 0, n, out, 0);
  return out;
}

describe('two-thread batch predict', () => {
  it('gives the one-thread scores bit for bit, across calls, models and batch sizes (shared buffers reused)', async () => {
    const tr = frameOf(4000, 1);
    const fit = (rounds: number, depth: number): GbdtFitted =>
      gbdtKind.create({ rounds, max_depth: depth, max_leaves: 31, early_stopping_rounds: 0 }).fit({ frame: tr.frame, features: [], task: 'binary', nClasses: 2, y: tr.y, seed: 1, threads: 1 }) as GbdtFitted;
    const a = fit(20, 5);
    const b = fit(7, 3);
    const big = frameOf(70_001, 2);
    // The first large batch starts the worker; it is used once it has booted.
    a.predictRaw(big.frame);
    await new Promise((r) => setTimeout(r, 500));
    const before = parallelPredictCalls();
    for (const [model, n] of [[a, 70_001], [b, 70_001], [a, 30_003], [b, 50_000]] as const) {
      const frame = n === 70_001 ? big.frame : big.frame.slice(0, n);
      const raw = model.predictRaw(frame);
      const ref = oneThread(model, big.cols.map((c) => c.subarray(0, n)), n);
      expect(raw.length).toBe(ref.length);
      expect(Array.from(raw)).toEqual(Array.from(ref));
    }
    // From TypeScript sources the worker comes from dist/ when built; then every batch was shared.
    if (workersAvailable() && process.env.MODELYARD_PREDICT_THREADS !== '1') expect(parallelPredictCalls() - before).toBe(4);
    // More rows than one round of shared buffers (262,144): two rounds, each split between the
    // worker's copied share and this thread's rows read from the frame.
    const huge = frameOf(300_001, 3);
    const before2 = parallelPredictCalls();
    expect(Array.from(b.predictRaw(huge.frame))).toEqual(Array.from(oneThread(b, huge.cols, 300_001)));
    if (workersAvailable() && process.env.MODELYARD_PREDICT_THREADS !== '1') expect(parallelPredictCalls() - before2).toBe(1);
  });
});
