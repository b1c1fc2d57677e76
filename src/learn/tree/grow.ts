/**
 * Growing one CART tree on binned data, depth first: per node, sample candidate features, build
 * their histograms (histogram.ts), find the best split (split.ts), partition the rows
 * (partition.ts), recurse. Histograms are kept all-zero between uses and only the bin range a node
 * touched is scanned and cleared, so small deep nodes cost O(rows), not O(bins).
 *
 * Bootstrap and sample weights arrive as one per-row weight (`w`); rows with weight 0 are simply
 * not in `rows`, as scikit-learn implements bootstrapping through sample weights.
 */
import type { Rng } from '../../util/random.js';
import { TreeBuffer } from './buffer.js';
import { buildClassHistogram, buildRegHistogram, clearTouched, sortTouched } from './histogram.js';
import { partitionCategorical, partitionNumeric } from './partition.js';
import { SplitBest, SplitScratch, categoricalSplit, numericSplit, sideScore } from './split.js';

/** The binned training data, shared by every tree of a forest. */
export interface GrowData {
  /** Column-major bins: feature f of row i at `f * n + i`. */
  bins: Uint8Array;
  n: number;
  nFeatures: number;
  /** Bins per feature (the last one is the missing bin). */
  nBins: Int32Array;
  /** 1 for categorical features. */
  isCat: Uint8Array;
  /** Statistics per bin: number of classes, or 1 for regression. */
  m: number;
  classification: boolean;
  /** Class index per row (classification). */
  cls: Int32Array;
  /** Target per row (regression; the class index as a number for classification). */
  y: Float64Array;
}

export interface GrowOptions {
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Candidate features per node (sklearn keeps looking past this while no valid split was found). */
  maxFeatures: number;
  /** Extra trees: one random threshold per candidate feature. */
  random: boolean;
}

/** Reusable workspace for growing many trees on the same data. */
export class TreeGrower {
  private readonly stride: number;
  private readonly hist: Float64Array;
  private readonly histOff: Int32Array;
  private readonly scratchRows: Int32Array;
  private readonly wy: Float64Array;
  private readonly feats: Int32Array;
  private readonly best: SplitBest;
  private readonly sc: SplitScratch;
  private readonly tot: Float64Array;
  private readonly touched = new Int32Array(256);
  // Depth-first stack.
  private sStart: Int32Array = new Int32Array(64);
  private sEnd: Int32Array = new Int32Array(64);
  private sDepth: Int32Array = new Int32Array(64);
  private sNode: Int32Array = new Int32Array(64);
  private sTot: Float64Array;

  constructor(private readonly d: GrowData) {
    this.stride = d.m + 2;
    this.histOff = new Int32Array(d.nFeatures);
    let total = 0;
    for (let f = 0; f < d.nFeatures; f++) {
      this.histOff[f] = total;
      total += d.nBins[f];
    }
    this.hist = new Float64Array(total * this.stride);
    this.scratchRows = new Int32Array(d.n);
    this.wy = new Float64Array(d.classification ? 0 : d.n);
    this.feats = Int32Array.from({ length: d.nFeatures }, (_, i) => i);
    this.best = new SplitBest(this.stride);
    this.sc = new SplitScratch(this.stride);
    this.tot = new Float64Array(this.stride);
    this.sTot = new Float64Array(64 * this.stride);
  }

  /**
   * Grows one tree over `rows` (in-bag row indices, reordered in place) with per-row weights `w`,
   * into `out` (cleared first); adds each split's impurity decrease to `importance[feature]`.
   */
  grow(rows: Int32Array, w: Float64Array, rng: Rng, o: GrowOptions, out: TreeBuffer, importance: Float64Array): void {
    const d = this.d;
    const { stride, hist, histOff, best, sc, tot, feats, touched } = this;
    const m = d.m;
    const F = d.nFeatures;
    out.clear();
    // Each tree starts from the same feature order, so tree t depends only on its own seed.
    for (let f = 0; f < F; f++) feats[f] = f;
    if (!d.classification) for (let p = 0; p < rows.length; p++) this.wy[rows[p]] = w[rows[p]] * d.y[rows[p]];
    // Root totals.
    tot.fill(0);
    for (let p = 0; p < rows.length; p++) {
      const i = rows[p];
      tot[0] += 1;
      tot[1] += w[i];
      if (d.classification) tot[2 + d.cls[i]] += w[i];
      else tot[2] += this.wy[i];
    }
    let sp = 0;
    this.push(sp++, 0, rows.length, 0, out.addNode(), tot);
    while (sp > 0) {
      sp--;
      const s = this.sStart[sp];
      const e = this.sEnd[sp];
      const depth = this.sDepth[sp];
      const node = this.sNode[sp];
      for (let c = 0; c < stride; c++) tot[c] = this.sTot[sp * stride + c];
      // Node prediction.
      const W = tot[1];
      for (let c = 0; c < m; c++) out.values[node * m + c] = W > 0 ? tot[2 + c] / W : 0;
      const cnt = e - s;
      if (depth >= o.maxDepth || cnt < o.minSamplesSplit || cnt < 2 * o.minSamplesLeaf || !(W > 0)) continue;
      const impurity = this.impurity(rows, s, e, w, tot);
      if (impurity <= 0) continue;
      const pScore = sideScore(tot, 0, m);
      // Majority class orders categories for multiclass (binary: class 1; regression: the mean).
      let target = 0;
      if (d.classification) {
        if (m === 2) target = 1;
        else for (let c = 1; c < m; c++) if (tot[2 + c] > tot[2 + target]) target = c;
      }
      best.reset();
      for (let j = 0; j < F; j++) {
        if (j >= o.maxFeatures && best.feature >= 0) break;
        const r = j + rng.int(F - j);
        const f = feats[r];
        feats[r] = feats[j];
        feats[j] = f;
        const nb = d.nBins[f];
        const off = histOff[f];
        const col = f * d.n;
        const nt = d.classification
          ? buildClassHistogram(d.bins, col, rows, s, e, w, d.cls, hist, off, stride, touched)
          : buildRegHistogram(d.bins, col, rows, s, e, w, this.wy, hist, off, stride, touched);
        if (d.isCat[f]) {
          categoricalSplit(hist, off, touched, nt, tot, pScore, m, target, o.minSamplesLeaf, f, o.random ? rng : null, sc, best);
          clearTouched(touched, nt, hist, off, stride);
        } else {
          // The missing bin is not a threshold candidate: clear it and drop it from the list.
          const mb = nb - 1;
          const missAt = (off + mb) * stride;
          let len = 0;
          for (let a = 0; a < nt; a++) if (touched[a] !== mb) touched[len++] = touched[a];
          sortTouched(touched, len, hist, off, stride);
          numericSplit(hist, off, nb, touched, len, tot, pScore, m, o.minSamplesLeaf, f, o.random ? rng : null, sc, best);
          clearTouched(touched, len, hist, off, stride);
          for (let c = 0; c < stride; c++) hist[missAt + c] = 0;
        }
      }
      if (best.feature < 0 || !(best.gain > 1e-10 * impurity)) continue;
      const f = best.feature;
      let mid: number;
      out.feature[node] = f;
      if (best.kind === 1) {
        const at = out.addSet(best.words);
        out.categorical[node] = 1;
        out.threshold[node] = at;
        mid = partitionCategorical(d.bins, f * d.n, rows, s, e, out.words, at, this.scratchRows);
      } else {
        out.threshold[node] = best.threshold;
        out.missingLeft[node] = best.missingLeft ? 1 : 0;
        mid = partitionNumeric(d.bins, f * d.n, rows, s, e, best.threshold, d.nBins[f] - 1, best.missingLeft, this.scratchRows);
      }
      importance[f] += best.gain;
      const l = out.addNode();
      const r = out.addNode();
      out.left[node] = l;
      out.right[node] = r;
      // Right child first on the stack so the left subtree is grown (and numbered) first.
      for (let c = 0; c < stride; c++) sc.right[c] = tot[c] - best.left[c];
      this.push(sp++, mid, e, depth + 1, r, sc.right);
      this.push(sp++, s, mid, depth + 1, l, best.left);
    }
  }

  /**
   * Weighted impurity of a node: W·Gini, or the sum of squared errors around the mean; 0 when the
   * node is pure up to rounding (relative 1e-12), which makes it a leaf.
   */
  private impurity(rows: Int32Array, s: number, e: number, w: Float64Array, tot: Float64Array): number {
    if (this.d.classification) {
      const g = tot[1] - sideScore(tot, 0, this.d.m);
      return g > 1e-12 * tot[1] ? g : 0;
    }
    const mean = tot[2] / tot[1];
    const y = this.d.y;
    let sse = 0;
    let ss = 0;
    for (let p = s; p < e; p++) {
      const i = rows[p];
      const r = y[i] - mean;
      sse += w[i] * r * r;
      ss += w[i] * y[i] * y[i];
    }
    return sse > 1e-12 * ss ? sse : 0;
  }

  private push(at: number, s: number, e: number, depth: number, node: number, tot: Float64Array): void {
    if (at === this.sStart.length) {
      const cap = at * 2;
      const g = (a: Int32Array): Int32Array => {
        const b = new Int32Array(cap);
        b.set(a);
        return b;
      };
      this.sStart = g(this.sStart);
      this.sEnd = g(this.sEnd);
      this.sDepth = g(this.sDepth);
      this.sNode = g(this.sNode);
      const t = new Float64Array(cap * this.stride);
      t.set(this.sTot);
      this.sTot = t;
    }
    this.sStart[at] = s;
    this.sEnd[at] = e;
    this.sDepth[at] = depth;
    this.sNode[at] = node;
    this.sTot.set(tot, at * this.stride);
  }
}
