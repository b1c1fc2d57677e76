/**
 * Leaf-wise (best-first) growth of one regression tree on gradient histograms, as LightGBM's
 * `SerialTreeLearner::Train` (src/treelearner/serial_tree_learner.cpp; Shi, "Best-first decision tree
 * learning", 2007): repeatedly split the leaf with the largest gain until `max_leaves` leaves, no
 * positive gain, or `max_depth`. After a split only the smaller child's histogram is built from
 * rows; the larger child's is the parent's minus it (the subtraction trick, LightGBM NIPS 2017 §2 /
 * XGBoost `hist`), computed in place in the parent's buffer.
 *
 * Rows of each leaf are a contiguous range of one shared index array, kept in ascending order by a
 * stable partition (so histogram reads sweep memory forwards). All buffers are allocated once per
 * fit and reused for every tree.
 */
import { HIST_SLOT, subtractHistogram } from './histogram.js';
import type { HistPool } from './hist-pool.js';
import { leafValue, SplitFinder, SplitResult, type FeatureLayout, type SplitConfig } from './split.js';

/** A tree as built in training: nodes in creation order, children allocated in adjacent pairs. */
export interface GrownTree {
  nNodes: number;
  /** −1 for leaves. */
  feature: Int32Array;
  /** Numeric: bins ≤ threshold go left. */
  threshold: Int32Array;
  /** Index of the left child (the right one is next to it). */
  child: Int32Array;
  defaultLeft: Uint8Array;
  categorical: Uint8Array;
  /** Categorical nodes: 256 flags per node (1 = bin goes left) at node * 256. */
  catLeft: Uint8Array;
  /** Leaves: the value (already multiplied by the learning rate). */
  value: Float64Array;
  gain: Float64Array;
  /** Leaves of this tree: node index and row range [start, end) in the row index array. */
  nLeaves: number;
  leafNode: Int32Array;
  leafStart: Int32Array;
  leafEnd: Int32Array;
}

export interface GrowConfig extends SplitConfig {
  maxLeaves: number;
  /** 0 = unlimited. */
  maxDepth: number;
  learningRate: number;
}

export class TreeGrower {
  private readonly finder: SplitFinder;
  private readonly hists: Float64Array[];
  private readonly histLen: number;
  private readonly splits: SplitResult[];
  private readonly leafHist: Int32Array;
  private readonly leafDepth: Int32Array;
  private readonly leafG: Float64Array;
  private readonly leafH: Float64Array;
  private readonly tmpRows: Int32Array;
  /** Per-bin "goes left" flags of the numeric split being applied (the pool's shared ones). */
  private readonly goLeft: Uint8Array;
  /** Gradient and hessian sums of the left part of the last partition. */
  private partG = 0;
  private partH = 0;
  /** This tree's histograms hold quantised gradients (split search then uses their own totals). */
  private quantized = false;
  private histG = 0;
  private histH = 0;
  readonly tree: GrownTree;

  constructor(
    private readonly cfg: GrowConfig,
    private readonly layout: FeatureLayout,
    private readonly pool: HistPool,
    /** Column-major bins (feature f's rows at [f*n, (f+1)*n)). */
    private readonly colBins: Uint8Array,
    private readonly nRows: number,
    /** Shared row index array (the pool reads it too). */
    private readonly rows: Int32Array,
    private readonly gh: Float32Array,
  ) {
    const L = cfg.maxLeaves;
    this.finder = new SplitFinder(cfg, layout);
    this.histLen = Math.ceil(layout.nFeatures / 4) * 4 * HIST_SLOT;
    this.hists = Array.from({ length: L }, () => new Float64Array(this.histLen));
    this.splits = Array.from({ length: L }, () => new SplitResult());
    this.leafHist = new Int32Array(L);
    this.leafDepth = new Int32Array(L);
    this.leafG = new Float64Array(L);
    this.leafH = new Float64Array(L);
    this.tmpRows = pool.tmp;
    this.goLeft = pool.flags;
    const N = 2 * L;
    this.tree = {
      nNodes: 0,
      feature: new Int32Array(N),
      threshold: new Int32Array(N),
      child: new Int32Array(N),
      defaultLeft: new Uint8Array(N),
      categorical: new Uint8Array(N),
      catLeft: new Uint8Array(N * 256),
      value: new Float64Array(N),
      gain: new Float64Array(N),
      nLeaves: 0,
      leafNode: new Int32Array(L),
      leafStart: new Int32Array(L),
      leafEnd: new Int32Array(L),
    };
  }

  /**
   * Grows a tree on rows[0..m) with the gradients currently in `gh`; `featureMask` from column
   * sampling. `quantized`: the pool builds histograms from quantised gradients; leaf values still
   * use the exact sums (LightGBM's `quant_train_renew_leaf`).
   */
  grow(m: number, featureMask: Uint8Array, quantized = false): GrownTree {
    this.quantized = quantized;
    const c = this.cfg;
    const t = this.tree;
    const rows = this.rows;
    const gh = this.gh;
    // Exact gradient sums of the root. With quantised histograms the split search works on the
    // histograms' own sums, so exact sums are needed only for the final leaves (see leafSums).
    let G = 0;
    let H = 0;
    if (!quantized) {
      for (let i = 0; i < m; i++) {
        const r = rows[i];
        G += gh[2 * r];
        H += gh[2 * r + 1];
      }
    }
    t.nNodes = 1;
    t.feature[0] = -1;
    t.nLeaves = 1;
    t.leafNode[0] = 0;
    t.leafStart[0] = 0;
    t.leafEnd[0] = m;
    this.leafG[0] = G;
    this.leafH[0] = H;
    this.leafDepth[0] = 0;
    for (let l = 0; l < c.maxLeaves; l++) this.leafHist[l] = l;
    const canSplit = (l: number): boolean => (c.maxDepth === 0 || this.leafDepth[l] < c.maxDepth) && t.leafEnd[l] - t.leafStart[l] >= 2 * c.minSamplesLeaf;
    if (canSplit(0) && c.maxLeaves > 1) {
      this.pool.build(0, m, this.hists[0]);
      this.find(this.hists[0], G, H, m, featureMask, this.splits[0]);
    } else this.splits[0].reset();

    while (t.nLeaves < c.maxLeaves) {
      let best = -1;
      let bestGain = 0;
      for (let l = 0; l < t.nLeaves; l++) {
        const s = this.splits[l];
        if (s.feature >= 0 && s.gain > bestGain) {
          bestGain = s.gain;
          best = l;
        }
      }
      if (best < 0) break;
      this.splitLeaf(best, featureMask, canSplit);
    }
    if (quantized) this.leafSums();
    for (let l = 0; l < t.nLeaves; l++) {
      const node = t.leafNode[l];
      t.feature[node] = -1;
      t.value[node] = c.learningRate * leafValue(this.leafG[l], this.leafH[l], c.l1, c.l2);
    }
    return t;
  }

  private splitLeaf(l: number, featureMask: Uint8Array, canSplit: (l: number) => boolean): void {
    const t = this.tree;
    const s = this.splits[l];
    const node = t.leafNode[l];
    const left = t.nNodes;
    t.nNodes += 2;
    t.feature[node] = s.feature;
    t.threshold[node] = s.threshold;
    t.child[node] = left;
    t.defaultLeft[node] = s.defaultLeft ? 1 : 0;
    t.categorical[node] = s.categorical ? 1 : 0;
    t.gain[node] = s.gain;
    if (s.categorical) t.catLeft.set(s.catLeft, node * 256);
    t.feature[left] = -1;
    t.feature[left + 1] = -1;

    const start = t.leafStart[l];
    const end = t.leafEnd[l];
    const mid = this.quantized ? this.partitionRows(start, end, s) : this.partition(start, end, s);
    const r = t.nLeaves++;
    const depth = this.leafDepth[l] + 1;
    const G = this.leafG[l];
    const H = this.leafH[l];
    // Leaf l becomes the left child, leaf r the right one. Sums come from the partition (exact
    // gradients), not from the split's hessian-estimated counts.
    const gl = this.partG;
    const hl = this.partH;
    t.leafNode[l] = left;
    t.leafStart[l] = start;
    t.leafEnd[l] = mid;
    t.leafNode[r] = left + 1;
    t.leafStart[r] = mid;
    t.leafEnd[r] = end;
    this.leafG[l] = gl;
    this.leafH[l] = hl;
    this.leafG[r] = G - gl;
    this.leafH[r] = H - hl;
    this.leafDepth[l] = depth;
    this.leafDepth[r] = depth;

    const splitL = canSplit(l);
    const splitR = canSplit(r);
    if ((!splitL && !splitR) || t.nLeaves >= this.cfg.maxLeaves) {
      this.splits[l].reset();
      this.splits[r].reset();
      return;
    }
    // Subtraction trick: build the smaller child, derive the larger from the parent in place.
    const parentSlot = this.leafHist[l];
    const freeSlot = this.leafHist[r];
    const parent = this.hists[parentSlot];
    const small = this.hists[freeSlot];
    const leftSmaller = mid - start <= end - mid;
    if (leftSmaller) this.pool.build(start, mid, small);
    else this.pool.build(mid, end, small);
    subtractHistogram(parent, small, parent, this.histLen);
    if (leftSmaller) {
      this.leafHist[l] = freeSlot;
      this.leafHist[r] = parentSlot;
    }
    if (splitL) this.find(this.hists[this.leafHist[l]], this.leafG[l], this.leafH[l], mid - start, featureMask, this.splits[l]);
    else this.splits[l].reset();
    if (splitR) this.find(this.hists[this.leafHist[r]], this.leafG[r], this.leafH[r], end - mid, featureMask, this.splits[r]);
    else this.splits[r].reset();
  }

  /**
   * Exact gradient sums of every final leaf, one pass over the rows in leaf order (the rows of a
   * leaf are ascending, so `gh` is read forwards). Quantised trees need exact sums only here (leaf
   * values, LightGBM's `quant_train_renew_leaf`), so partitions skip them: summing in the partition
   * read `gh` for every row at every depth, ~6 random reads per row per tree instead of one.
   */
  private leafSums(): void {
    const t = this.tree;
    const ranges = this.pool.leafRanges;
    let total = 0;
    for (let l = 0; l < t.nLeaves; l++) {
      ranges[2 * l] = t.leafStart[l];
      ranges[2 * l + 1] = t.leafEnd[l];
      total += t.leafEnd[l] - t.leafStart[l];
    }
    // Leaves are shared between the threads; each leaf is summed by one thread in row order.
    this.pool.sumLeaves(t.nLeaves, total);
    const sums = this.pool.leafVals;
    for (let l = 0; l < t.nLeaves; l++) {
      this.leafG[l] = sums[2 * l];
      this.leafH[l] = sums[2 * l + 1];
    }
  }

  /**
   * Split search on a leaf's histogram. With quantised gradients the totals come from the histogram
   * itself (any feature's bins sum to the leaf), so left and right sums are on the same quantised
   * scale instead of mixing exact and rounded gradients.
   */
  private find(hist: Float64Array, G: number, H: number, count: number, featureMask: Uint8Array, out: SplitResult): void {
    if (this.quantized) {
      let g = 0;
      let h = 0;
      for (let b = 0, nb = this.layout.nBins[0]; b < nb; b++) {
        g += hist[2 * b];
        h += hist[2 * b + 1];
      }
      this.histG = g;
      this.histH = h;
      this.finder.find(hist, this.histG, this.histH, count, featureMask, out);
    } else this.finder.find(hist, G, H, count, featureMask, out);
  }

  /**
   * Stable partition of rows[start..end) by the split; returns the first index of the right part and
   * leaves the left part's gradient sums in partG / partH (one pass instead of two; exact-gradient
   * trees only).
   *
   * Branch-free: every row is written to both the left cursor (in place) and the right buffer and
   * only the cursors advance by the outcome, and the sums add `g · goesLeft`. Whether a row goes
   * left is as unpredictable as a coin flip near the top of a tree, and the mispredicted branch cost
   * more than the histogram of the smaller child (the predication trick of Ross, "Efficient hash
   * probes on modern processors", ICDE 2007; LightGBM's `DataPartition` splits by thread blocks
   * instead). The sums are bit-identical to the branching loop's: adding g · 1 is adding g, and
   * adding g · 0 (±0) leaves a sum that starts at +0 unchanged.
   */
  private partition(start: number, end: number, s: SplitResult): number {
    const rows = this.rows;
    const tmp = this.tmpRows;
    const gh = this.gh;
    const base = s.feature * this.nRows;
    const bins = this.colBins;
    let w = start;
    let k = 0;
    let g = 0;
    let h = 0;
    const flags = this.leftFlags(s);
    for (let i = start; i < end; i++) {
      const r = rows[i];
      const left = flags[bins[base + r]];
      rows[w] = r;
      tmp[k] = r;
      w += left;
      k += 1 - left;
      g += gh[2 * r] * left;
      h += gh[2 * r + 1] * left;
    }
    rows.set(tmp.subarray(0, k), w);
    this.partG = g;
    this.partH = h;
    return w;
  }

  /**
   * {@link partition} without the gradient sums (quantised trees; see leafSums), on both threads
   * for large leaves (HistPool.partition; same row order either way).
   */
  private partitionRows(start: number, end: number, s: SplitResult): number {
    const flags = this.leftFlags(s);
    if (flags !== this.pool.flags) this.pool.flags.set(flags);
    return this.pool.partition(start, end, s.feature * this.nRows);
  }

  /** 256 flags, 1 = the bin goes left under split `s` (bins are bytes). */
  private leftFlags(s: SplitResult): Uint8Array {
    if (s.categorical) return s.catLeft;
    // Bins ≤ threshold go left; the missing bin goes by defaultLeft.
    const flags = this.goLeft;
    const thr = s.threshold;
    for (let b = 0; b < 256; b++) flags[b] = b <= thr ? 1 : 0;
    flags[this.layout.nBins[s.feature] - 1] = s.defaultLeft ? 1 : 0;
    return flags;
  }
}
