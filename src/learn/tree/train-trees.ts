/**
 * Trains a range of the trees of a forest: per tree, a seeded bootstrap (drawn as per-row counts
 * that multiply the sample weights, scikit-learn's approach), then one {@link TreeGrower.grow}.
 * Runs the same on the main thread and inside a worker (worker.ts), so the result does not depend
 * on how trees are spread over threads: tree t always uses `seeds[t]`.
 */
import { Rng } from '../../util/random.js';
import { TreeBuffer } from './buffer.js';
import { TreeGrower, type GrowData, type GrowOptions } from './grow.js';

export interface TrainTreesConfig extends GrowOptions {
  bootstrap: boolean;
}

/** The trees of one chunk, flattened; `importance` is the sum over trees of per-tree normalised MDI. */
export interface TreesChunk {
  nodes: ReturnType<TreeBuffer['arrays']>;
  roots: Int32Array;
  importance: Float64Array;
}

/**
 * Grows trees `from..to-1` on `data` with base row weights `baseW` (sample × class weights).
 *
 * @example
 * ```ts
 * const chunk = trainTrees(data, w, { bootstrap: true, maxDepth: 1e9, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: 3, random: false }, seeds, 0, seeds.length);
 * ```
 */
export function trainTrees(data: GrowData, baseW: Float64Array, cfg: TrainTreesConfig, seeds: ArrayLike<number>, from: number, to: number, onTree?: () => void): TreesChunk {
  const n = data.n;
  const grower = new TreeGrower(data);
  const forest = new TreeBuffer(data.m, 1024);
  const tree = new TreeBuffer(data.m, 1024);
  const roots = new Int32Array(to - from);
  const importance = new Float64Array(data.nFeatures);
  const treeImp = new Float64Array(data.nFeatures);
  const counts = new Int32Array(n);
  const w = new Float64Array(n);
  const all = new Int32Array(n);
  for (let t = from; t < to; t++) {
    const rng = new Rng(seeds[t]);
    let rows: Int32Array;
    if (cfg.bootstrap) {
      counts.fill(0);
      for (let j = 0; j < n; j++) counts[rng.int(n)]++;
      let k = 0;
      for (let i = 0; i < n; i++) {
        if (counts[i] > 0 && baseW[i] > 0) {
          all[k++] = i;
          w[i] = baseW[i] * counts[i];
        }
      }
      rows = all.subarray(0, k);
    } else {
      let k = 0;
      for (let i = 0; i < n; i++) {
        if (baseW[i] > 0) {
          all[k++] = i;
          w[i] = baseW[i];
        }
      }
      rows = all.subarray(0, k);
    }
    treeImp.fill(0);
    grower.grow(rows, w, rng, cfg, tree, treeImp);
    let s = 0;
    for (let f = 0; f < treeImp.length; f++) s += treeImp[f];
    if (s > 0) for (let f = 0; f < treeImp.length; f++) importance[f] += treeImp[f] / s;
    roots[t - from] = forest.append(tree);
    onTree?.();
  }
  return { nodes: forest.arrays(), roots, importance };
}
