import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Frame, encodeStrings, numberColumn } from '../../frame/frame.js';
import type { FeatureSpec, Task } from '../../schema/types.js';
import { Rng } from '../../util/random.js';
import { createLearner, loadFitted } from '../index.js';
import type { TrainSet } from '../types.js';
import { trainTrees } from './train-trees.js';
import { mergeChunks } from './parallel.js';
import type { GrowData } from './grow.js';

function set(frame: Frame, y: number[], task: Task, nClasses: number, weights?: Float64Array): TrainSet {
  const features: FeatureSpec[] = frame.columns.map((c) =>
    c.type === 'number' ? { name: c.name, kind: 'numeric', missingRate: 0 } : { name: c.name, kind: 'categorical', categories: [...c.dictionary], missingRate: 0 },
  );
  return { frame, features, task, nClasses, y: Float64Array.from(y), weights, seed: 7, threads: 1 };
}

describe('tree (CART)', () => {
  it('learns a step function exactly, with a learned direction for missing values', () => {
    const x = Float64Array.from({ length: 200 }, (_, i) => (i % 10 === 9 ? NaN : i));
    // Missing rows are class 1, like the high values: the split must send them right.
    const y = Array.from(x, (v) => (v !== v || v >= 100 ? 1 : 0));
    const fitted = createLearner('tree', {}).fit(set(new Frame([numberColumn('x', x)]), y, 'binary', 2));
    const test = new Frame([numberColumn('x', [0, 99, 100, 150, NaN])]);
    const p = fitted.predict(test);
    expect(Array.from({ length: 5 }, (_, i) => p[i * 2 + 1])).toEqual([0, 0, 1, 1, 1]);
    expect(fitted.featureImportance!()).toEqual({ x: 1 });
  });

  it('splits categories many-vs-many (a, c vs b, d) and sends unseen categories to the heavier side', () => {
    const levels = ['a', 'b', 'c', 'd'];
    const cats = Array.from({ length: 400 }, (_, i) => levels[i % 4]);
    const y = cats.map((c) => (c === 'a' || c === 'c' ? 1 : 0));
    // One extra row of class 0 makes the b/d side heavier.
    cats.push('b');
    y.push(0);
    const frame = new Frame([encodeStrings('c', cats)]);
    const fitted = createLearner('tree', { max_depth: 1 }).fit(set(frame, y, 'binary', 2));
    const test = new Frame([{ ...encodeStrings('c', ['a', 'b', 'c', 'd', 'a']), codes: Int32Array.from([0, 1, 2, 3, 99]) }]);
    const p = fitted.predict(test);
    expect(Array.from({ length: 5 }, (_, i) => p[i * 2 + 1])).toEqual([1, 0, 1, 0, 0]);
  });

  it('sample weight 2 on a row gives the same tree as that row twice (no bootstrap, all features)', () => {
    const rng = new Rng(3);
    const n = 300;
    // One decimal: fewer than 255 distinct values, so both fits get identical bins (cuts are midpoints).
    const a = Float64Array.from({ length: n }, () => Math.round(rng.normal() * 10) / 10);
    const b = Float64Array.from({ length: n }, () => Math.round(rng.normal() * 10) / 10);
    const y = Array.from({ length: n }, (_, i) => a[i] + 0.5 * b[i] + 0.3 * rng.normal());
    const w = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 2 : 1));
    const dupRows: number[] = [];
    for (let i = 0; i < n; i++) for (let k = 0; k < w[i]; k++) dupRows.push(i);
    const frame = new Frame([numberColumn('a', a), numberColumn('b', b)]);
    const params = { min_samples_leaf: 1, max_depth: 6 };
    const weighted = createLearner('tree', params).fit(set(frame, y, 'regression', 1, w));
    const dup = createLearner('tree', params).fit(set(frame.take(dupRows), dupRows.map((i) => y[i]), 'regression', 1));
    const test = new Frame([numberColumn('a', Float64Array.from({ length: 50 }, () => rng.normal())), numberColumn('b', Float64Array.from({ length: 50 }, () => rng.normal()))]);
    const pw = weighted.predict(test);
    const pd = dup.predict(test);
    for (let i = 0; i < 50; i++) expect(pw[i]).toBeCloseTo(pd[i], 9);
  });
});

describe('forest and extra trees', () => {
  const rng = new Rng(11);
  const n = 1500;
  const cols = [0, 1, 2, 3, 4].map(() => Float64Array.from({ length: n }, () => rng.normal()));
  const y = Array.from({ length: n }, (_, i) => (cols[0][i] * cols[1][i] + 0.5 * cols[2][i] > 0 ? 1 : 0));
  const frame = new Frame(cols.map((c, j) => numberColumn(`x${j}`, c)));
  const train = set(frame.take(Array.from({ length: 1000 }, (_, i) => i)), y.slice(0, 1000), 'binary', 2);
  const test = frame.take(Array.from({ length: 500 }, (_, i) => 1000 + i));
  const acc = (p: Float64Array): number => {
    let hit = 0;
    for (let i = 0; i < 500; i++) if ((p[i * 2 + 1] > 0.5 ? 1 : 0) === y[1000 + i]) hit++;
    return hit / 500;
  };

  it('a forest beats a single tree on an interaction, and importance finds the signal features', () => {
    const one = acc(createLearner('tree', {}).fit(train).predict(test));
    const forest = createLearner('forest', { trees: 60 }).fit(train);
    const many = acc(forest.predict(test));
    expect(many).toBeGreaterThan(one);
    expect(many).toBeGreaterThan(0.85);
    const imp = forest.featureImportance!();
    expect(imp.x0 + imp.x1 + imp.x2).toBeGreaterThan(0.75);
    expect(Object.values(imp).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('extra trees learn too, and differ from the forest', () => {
    const et = createLearner('extra_trees', { trees: 60 }).fit(train).predict(test);
    expect(acc(et)).toBeGreaterThan(0.8);
    const rf = createLearner('forest', { trees: 60 }).fit(train).predict(test);
    expect(Array.from(et)).not.toEqual(Array.from(rf));
  });

  it('max_depth bounds the trees; state round-trips', () => {
    const f = createLearner('forest', { trees: 5, max_depth: 2 }).fit(train);
    expect((f as unknown as { size: { nodes: number } }).size.nodes).toBeLessThanOrEqual(5 * 7);
    const back = loadFitted(f.toState(), train.features);
    expect(Array.from(back.predict(test))).toEqual(Array.from(f.predict(test)));
  });

  it('chunks of trees grown separately merge into the same forest (thread count never changes results)', () => {
    const data: GrowData = {
      bins: Uint8Array.from({ length: 200 * 2 }, (_, i) => (i * 7919) % 13),
      n: 200,
      nFeatures: 2,
      nBins: Int32Array.from([14, 14]),
      isCat: Uint8Array.from([0, 1]),
      m: 2,
      classification: true,
      cls: Int32Array.from({ length: 200 }, (_, i) => (i * 31) % 2),
      y: new Float64Array(200),
    };
    const w = new Float64Array(200).fill(1);
    const cfg = { bootstrap: true, maxDepth: 8, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 1, random: false };
    const seeds = Uint32Array.from([1, 2, 3, 4, 5, 6]);
    const whole = trainTrees(data, w, cfg, seeds, 0, 6);
    const merged = mergeChunks([trainTrees(data, w, cfg, seeds, 0, 2), trainTrees(data, w, cfg, seeds, 2, 6)], 2, 2);
    expect(Array.from(merged.roots)).toEqual(Array.from(whole.roots));
    for (const k of Object.keys(whole.nodes) as (keyof typeof whole.nodes)[]) expect(Array.from(merged.nodes[k])).toEqual(Array.from(whole.nodes[k]));
  });

  // Worker threads run the built script (dist/learn/tree/tree-worker.js); `npm test` builds first.
  const built = existsSync(new URL('../../../dist/learn/tree/tree-worker.js', import.meta.url));
  it.runIf(built)('two worker threads give the same forest as one thread', () => {
    const big = set(frame, y, 'binary', 2);
    const one = createLearner('forest', { trees: 400 }).fit({ ...big, threads: 1 }).predict(test);
    const two = createLearner('forest', { trees: 400 }).fit({ ...big, threads: 2 }).predict(test);
    expect(Array.from(two)).toEqual(Array.from(one));
  });
});
