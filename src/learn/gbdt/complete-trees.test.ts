import { describe, expect, it } from 'vitest';
import { encodeStrings, Frame, numberColumn } from '../../frame/frame.js';
import { Rng } from '../../util/random.js';
import { completeForest } from './complete-trees.js';
import { scoreColumns, step, type ForestArrays } from './forest.js';
import { GbdtFitted, gbdtKind } from './gbdt.js';

/** Reference scores: walk every tree node by node (the serving path's step), n × K. */
function walk(forest: ForestArrays, base: Float64Array, cols: Float64Array[], n: number): Float64Array {
  const K = base.length;
  const out = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) out[i * K + k] = base[k];
    for (let t = 0; t < forest.roots.length; t++) {
      let node = forest.roots[t];
      while (forest.feat[node] >= 0) node = step(forest, node, cols[forest.feat[node]][i]);
      out[i * K + (t % K)] += forest.thr[node];
    }
  }
  return out;
}

function data(n: number, seed: number, missing: number): { cols: Float64Array[]; y: Float64Array } {
  const rng = new Rng(seed);
  const cols = Array.from({ length: 5 }, () => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const c of cols) c[i] = rng.next() < missing ? NaN : rng.next() * 4 - 2;
    const a = cols[0][i] === cols[0][i] ? cols[0][i] : 1.5;
    const s = a + 0.5 * (cols[1][i] || 0) * (cols[2][i] || 0) + 0.3 * rng.next();
    y[i] = s > 0.6 ? 2 : s > -0.4 ? 1 : 0;
  }
  return { cols, y };
}

describe('complete-tree batch predictor', () => {
  it('matches the node walk bit for bit: missing values, leaves above max depth, several classes', () => {
    const n = 3000;
    const { cols, y } = data(n, 7, 0.1);
    const frame = new Frame(cols.map((c, j) => numberColumn(`x${j}`, c)));
    // min_samples_leaf large enough that many leaves stop above max_depth (padding is exercised).
    const fitted = gbdtKind
      .create({ rounds: 15, max_depth: 5, max_leaves: 20, min_samples_leaf: 60, early_stopping_rounds: 0 })
      .fit({ frame, features: [], task: 'multiclass', nClasses: 3, y, seed: 1, threads: 1 }) as GbdtFitted;
    const c = completeForest(fitted.forest);
    expect(c).not.toBeNull();
    expect(c!.depth).toBe(5);
    // A leaf above depth 5 exists, so some pass-through nodes were added.
    expect(c!.thr.some((t) => t === Infinity)).toBe(true);
    const raw = fitted.predictRaw(frame);
    const ref = walk(fitted.forest, (fitted as unknown as { base: Float64Array }).base, cols, n);
    expect(Array.from(raw)).toEqual(Array.from(ref));
    // A frame without NaN takes the other (no missing-term) branch; same answers.
    const clean = data(n, 8, 0);
    const raw2 = fitted.predictRaw(new Frame(clean.cols.map((c2, j) => numberColumn(`x${j}`, c2))));
    expect(Array.from(raw2)).toEqual(Array.from(walk(fitted.forest, (fitted as unknown as { base: Float64Array }).base, clean.cols, n)));
  });

  it('one row, eight trees at a time (scoreRowComplete via predictRow), matches the node walk bit for bit', () => {
    const n = 400;
    const { cols, y } = data(n, 11, 0.15);
    const frame = new Frame(cols.map((c, j) => numberColumn(`x${j}`, c)));
    // 3 classes × 7 rounds = 21 trees: two blocks of eight and a remainder of five.
    const fitted = gbdtKind
      .create({ rounds: 7, max_depth: 4, max_leaves: 12, min_samples_leaf: 20, early_stopping_rounds: 0 })
      .fit({ frame, features: [], task: 'multiclass', nClasses: 3, y, seed: 3, threads: 1 }) as GbdtFitted;
    expect(completeForest(fitted.forest)).not.toBeNull();
    expect(fitted.forest.roots.length).toBe(21);
    const base = (fitted as unknown as { base: Float64Array }).base;
    const ref = walk(fitted.forest, base, cols, n);
    const batch = fitted.predict(frame);
    for (let i = 0; i < n; i++) {
      const row = Float64Array.from(cols, (c) => c[i]);
      const p = fitted.predictRow(row);
      // The array form takes the node walker; both must give the same probabilities.
      expect(Array.from(fitted.predictRow(Array.from(row)))).toEqual(Array.from(p));
      expect(Array.from(p)).toEqual(Array.from(batch.slice(i * 3, i * 3 + 3)));
      // And the raw scores are the node walk's (link applied to identical sums).
      const raw = Float64Array.from(base);
      for (let t = 0; t < fitted.forest.roots.length; t++) {
        let node = fitted.forest.roots[t];
        while (fitted.forest.feat[node] >= 0) node = step(fitted.forest, node, row[fitted.forest.feat[node]]);
        raw[t % 3] += fitted.forest.thr[node];
      }
      expect(Array.from(raw)).toEqual(Array.from(ref.slice(i * 3, i * 3 + 3)));
    }
  });

  it('single-leaf trees (depth 0) and stumps score like the node walk in 8-row blocks', () => {
    // Tree 0 a leaf (value 0.25), tree 1 a stump on feature 1 (≤ 0.5 → −1, else 2), tree 2 a leaf.
    const forest: ForestArrays = {
      feat: Int32Array.from([-1, 1, -1, -1, -1]),
      thr: Float64Array.from([0.25, 0.5, -1, 2, -0.75]),
      child: Int32Array.from([0, 2, 0, 0, 0]),
      flags: Uint8Array.from([0, 0, 0, 0, 0]),
      catStart: new Int32Array(0),
      catBits: new Uint8Array(0),
      roots: Int32Array.from([0, 1, 4]),
    };
    const leavesOnly: ForestArrays = { ...forest, roots: Int32Array.from([0, 4]) };
    const n = 37;
    const cols = [Float64Array.from({ length: n }, (_, i) => i), Float64Array.from({ length: n }, (_, i) => (i % 3) / 2)];
    const base = Float64Array.from([0.1]);
    for (const f of [forest, leavesOnly]) {
      const out = new Float64Array(n);
      scoreColumns(f, base, cols, 0, n, out, 0);
      expect(completeForest(f)!.depth).toBe(f === forest ? 1 : 0);
      expect(Array.from(out)).toEqual(Array.from(walk(f, base, cols, n)));
    }
  });

  it('is not used for trees with categorical splits or deeper than 8 levels', () => {
    const n = 2000;
    const rng = new Rng(3);
    const cats = Array.from({ length: n }, (_, i) => ['a', 'b', 'c', 'd', 'e', 'f'][i % 6]);
    const y = Float64Array.from(cats, (c) => (c === 'b' || c === 'e' ? 1 : 0) + 0.1 * rng.next());
    const frame = new Frame([encodeStrings('c', cats)]);
    const cat = gbdtKind.create({ rounds: 2, early_stopping_rounds: 0 }).fit({ frame, features: [], task: 'regression', nClasses: 1, y, seed: 1, threads: 1 }) as GbdtFitted;
    expect(completeForest(cat.forest)).toBeNull();
    const x = Float64Array.from({ length: n }, () => rng.next());
    const yd = Float64Array.from(x, (v) => Math.sin(40 * v));
    const deep = gbdtKind
      .create({ rounds: 1, max_leaves: 200, max_depth: 0, min_samples_leaf: 1, learning_rate: 1, early_stopping_rounds: 0 })
      .fit({ frame: new Frame([numberColumn('x', x)]), features: [], task: 'regression', nClasses: 1, y: yd, seed: 1, threads: 1 }) as GbdtFitted;
    expect(completeForest(deep.forest)).toBeNull();
    // The node walker still serves them, same as one-row scoring.
    const p = deep.predict(new Frame([numberColumn('x', x)]));
    expect(p[5]).toBe(deep.predictRow([x[5]])[0]);
  });
});
