/**
 * The fitted ensemble as flat typed arrays, and its predictor.
 *
 * Nodes of all trees are concatenated. Per node: `feat` (−1 for a leaf), `thr` (numeric threshold on
 * the raw value — go left when x ≤ thr; for leaves the leaf value; for categorical nodes the number
 * of known categories), `child` (left child; the right child is `child + 1`), `flags` (bit 0:
 * missing goes left; bit 1: categorical) and for categorical nodes `catStart`, the offset of one
 * byte per category code plus one for rare and unseen codes in `catBits` (1 = left). Tree t starts
 * at `roots[t]`; trees are stored round by round, `K` per round (one per class for softmax).
 *
 * Numeric thresholds are the bin cut points themselves (bin b holds (cuts[b−1], cuts[b]]), so the raw
 * comparison takes exactly the branch the binned training rows took. Prediction needs no binning.
 *
 * Batch prediction copies a block of rows into a small row-major buffer (categorical codes as
 * numbers, missing as NaN) and runs every tree over the block before moving on, so a tree's nodes
 * stay in cache while the block's rows are scored (the block-wise scheme of XGBoost's CPU predictor,
 * src/predictor/cpu_predictor.cc, `kBlockOfRowsSize`).
 */
import { ModelyardError } from '../../errors.js';
import type { Column, Frame } from '../../frame/frame.js';
import type { Binner } from '../binning/binner.js';
import { completeForest, scoreBlockComplete } from './complete-trees.js';
import type { GrownTree } from './grow.js';

export interface ForestArrays {
  feat: Int32Array;
  thr: Float64Array;
  child: Int32Array;
  flags: Uint8Array;
  catStart: Int32Array;
  catBits: Uint8Array;
  roots: Int32Array;
}

const BLOCK = 256;

/** Appends grown trees as flat nodes. */
export class ForestBuilder {
  private feat = new Int32Array(1024);
  private thr = new Float64Array(1024);
  private child = new Int32Array(1024);
  private flags = new Uint8Array(1024);
  private catStart = new Int32Array(1024);
  private catBits = new Uint8Array(1024);
  private roots: number[] = [];
  private n = 0;
  private nCat = 0;

  constructor(private readonly binner: Binner) {}

  get nTrees(): number {
    return this.roots.length;
  }

  add(t: GrownTree): void {
    const base = this.n;
    this.reserve(base + t.nNodes);
    this.roots.push(base);
    for (let i = 0; i < t.nNodes; i++) {
      const j = base + i;
      const f = t.feature[i];
      this.feat[j] = f;
      this.catStart[j] = 0;
      if (f < 0) {
        this.thr[j] = t.value[i];
        this.child[j] = -1;
        this.flags[j] = 0;
        continue;
      }
      this.child[j] = base + t.child[i];
      const spec = this.binner.features[f];
      if (t.categorical[i] === 1) {
        const nc = spec.catBins.length;
        this.thr[j] = nc;
        this.flags[j] = 2 | (t.catLeft[i * 256 + spec.missingBin] === 1 ? 1 : 0);
        this.reserveCat(this.nCat + nc + 1);
        this.catStart[j] = this.nCat;
        for (let c = 0; c < nc; c++) this.catBits[this.nCat + c] = t.catLeft[i * 256 + spec.catBins[c]];
        this.catBits[this.nCat + nc] = t.catLeft[i * 256 + spec.otherBin];
        this.nCat += nc + 1;
      } else {
        this.thr[j] = spec.cuts[t.threshold[i]];
        this.flags[j] = t.defaultLeft[i] === 1 ? 1 : 0;
      }
    }
    this.n += t.nNodes;
  }

  /** Drops trees after the first `nTrees` (early stopping keeps the best round). */
  truncate(nTrees: number): void {
    if (nTrees >= this.roots.length) return;
    const end = this.roots[nTrees];
    let catEnd = 0;
    for (let j = 0; j < end; j++) if (this.flags[j] & 2) catEnd = Math.max(catEnd, this.catStart[j] + this.thr[j] + 1);
    this.roots.length = nTrees;
    this.n = end;
    this.nCat = catEnd;
  }

  build(): ForestArrays {
    return {
      feat: this.feat.slice(0, this.n),
      thr: this.thr.slice(0, this.n),
      child: this.child.slice(0, this.n),
      flags: this.flags.slice(0, this.n),
      catStart: this.catStart.slice(0, this.n),
      catBits: this.catBits.slice(0, this.nCat),
      roots: Int32Array.from(this.roots),
    };
  }

  private reserve(size: number): void {
    if (size <= this.feat.length) return;
    const cap = Math.max(size, this.feat.length * 2);
    this.feat = grow(this.feat, new Int32Array(cap));
    this.thr = grow(this.thr, new Float64Array(cap));
    this.child = grow(this.child, new Int32Array(cap));
    this.flags = grow(this.flags, new Uint8Array(cap));
    this.catStart = grow(this.catStart, new Int32Array(cap));
  }

  private reserveCat(size: number): void {
    if (size > this.catBits.length) this.catBits = grow(this.catBits, new Uint8Array(Math.max(size, this.catBits.length * 2)));
  }
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

/** The frame's columns for the model's features, in model order (coded error when one is absent). */
export function modelColumns(frame: Frame, featureNames: readonly string[]): Column[] {
  return featureNames.map((name) => {
    const c = frame.get(name);
    if (!c) throw new ModelyardError('COLUMN_MISSING', `missing feature column "${name}" (the model needs ${featureNames.length})`, { column: name });
    return c;
  });
}

/**
 * Raw scores (n × K, row-major, starting from `base`) of the forest on `frame`, whose columns are
 * looked up by the feature names. Large batches are shared with a worker thread (predict-pool.ts).
 */
export function predictRaw(forest: ForestArrays, featureNames: readonly string[], base: Float64Array, frame: Frame): Float64Array {
  const cols = modelColumns(frame, featureNames);
  const n = frame.nRows;
  const out = new Float64Array(n * base.length);
  if (parallelPredict && parallelPredict(forest, cols, base, n, out)) return out;
  scoreColumns(forest, base, cols, 0, n, out, 0);
  return out;
}

/** Set by predict-pool.ts (kept out of this module so the worker can import it without a cycle). */
let parallelPredict: ((forest: ForestArrays, cols: Column[], base: Float64Array, n: number, out: Float64Array) => boolean) | null = null;
export function setParallelPredict(fn: typeof parallelPredict): void {
  parallelPredict = fn;
}

/** Scores rows [from, to) of `cols` into `out` (row r at `(r − from + outRow) · K`). */
export function scoreColumns(forest: ForestArrays, base: Float64Array, cols: readonly (Column | Float64Array)[], from: number, to: number, out: Float64Array, outRow: number): void {
  const F = cols.length;
  const K = base.length;
  const X = new Float64Array(BLOCK * F);
  // Shallow, all-numeric models (the usual case) use the padded complete-tree layout.
  const complete = completeForest(forest);
  for (let s = from; s < to; s += BLOCK) {
    const m = Math.min(BLOCK, to - s);
    // Row-major copy of the block, noting whether it holds a missing value.
    let nan = 0;
    for (let f = 0; f < F; f++) {
      const c = cols[f];
      if (c instanceof Float64Array || c.type === 'number') {
        const v = c instanceof Float64Array ? c : c.values;
        for (let i = 0; i < m; i++) {
          const x = v[s + i];
          X[i * F + f] = x;
          nan |= bit(x !== x);
        }
      } else {
        const codes = c.codes;
        for (let i = 0; i < m; i++) {
          const code = codes[s + i];
          X[i * F + f] = code < 0 ? NaN : code;
          nan |= bit(code < 0);
        }
      }
    }
    const o = (s - from + outRow) * K;
    if (complete) {
      for (let i = 0; i < m; i++) for (let k = 0; k < K; k++) out[o + i * K + k] = base[k];
      scoreBlockComplete(complete, F, K, X, m, out, o, nan !== 0);
    } else scoreBlock(forest, F, K, base, X, m, out, o);
  }
}

/**
 * Scores `m` rows of the row-major block `X` into `out` from `outOffset`. Four rows walk each tree
 * in lockstep with branch-free numeric steps (`child + (x > thr | NaN & missing-goes-right)`): the
 * CPU overlaps four independent walks instead of stalling on one unpredictable branch per node
 * (2.7× the rows/s of a one-row, branching walk on 100 depth-6 trees in V8; the same idea as
 * XGBoost's block predictor and QuickScorer's interleaving, Lucchese et al., SIGIR 2015).
 */
function scoreBlock(forest: ForestArrays, F: number, K: number, base: Float64Array, X: Float64Array, m: number, out: Float64Array, outOffset: number): void {
  const { feat, thr, child, flags, roots } = forest;
  for (let i = 0; i < m; i++) for (let k = 0; k < K; k++) out[outOffset + i * K + k] = base[k];
  const T = roots.length;
  for (let t = 0; t < T; t++) {
    const root = roots[t];
    const k = t % K;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const b0 = i * F;
      const b1 = b0 + F;
      const b2 = b1 + F;
      const b3 = b2 + F;
      let n0 = root;
      let n1 = root;
      let n2 = root;
      let n3 = root;
      let f0 = feat[root];
      let f1 = f0;
      let f2 = f0;
      let f3 = f0;
      // Until all four walks reach a leaf (feature −1).
      while ((f0 & f1 & f2 & f3) >= 0) {
        if (f0 >= 0) {
          const x = X[b0 + f0];
          const fl = flags[n0];
          n0 = fl < 2 ? child[n0] + (bit(x > thr[n0]) | (bit(x !== x) & (fl ^ 1))) : catStep(forest, n0, x);
          f0 = feat[n0];
        }
        if (f1 >= 0) {
          const x = X[b1 + f1];
          const fl = flags[n1];
          n1 = fl < 2 ? child[n1] + (bit(x > thr[n1]) | (bit(x !== x) & (fl ^ 1))) : catStep(forest, n1, x);
          f1 = feat[n1];
        }
        if (f2 >= 0) {
          const x = X[b2 + f2];
          const fl = flags[n2];
          n2 = fl < 2 ? child[n2] + (bit(x > thr[n2]) | (bit(x !== x) & (fl ^ 1))) : catStep(forest, n2, x);
          f2 = feat[n2];
        }
        if (f3 >= 0) {
          const x = X[b3 + f3];
          const fl = flags[n3];
          n3 = fl < 2 ? child[n3] + (bit(x > thr[n3]) | (bit(x !== x) & (fl ^ 1))) : catStep(forest, n3, x);
          f3 = feat[n3];
        }
      }
      const o = outOffset + i * K + k;
      out[o] += thr[n0];
      out[o + K] += thr[n1];
      out[o + 2 * K] += thr[n2];
      out[o + 3 * K] += thr[n3];
    }
    for (; i < m; i++) {
      let node = root;
      let f = feat[node];
      const xo = i * F;
      while (f >= 0) {
        node = step(forest, node, X[xo + f]);
        f = feat[node];
      }
      out[outOffset + i * K + k] += thr[node];
    }
  }
}

/** A comparison result used as 0/1 in integer arithmetic (JS coerces; V8 emits setcc, no branch). */
function bit(b: boolean): number {
  return b as unknown as number;
}

function catStep(forest: ForestArrays, node: number, x: number): number {
  const fl = forest.flags[node];
  if (x !== x || x < 0) return forest.child[node] + ((fl & 1) ^ 1);
  const nc = forest.thr[node];
  return forest.child[node] + (forest.catBits[forest.catStart[node] + (x < nc ? x : nc)] ^ 1);
}

/** The child of inner node `node` for value `x` (NaN = missing; categorical nodes take a code). */
export function step(forest: ForestArrays, node: number, x: number): number {
  const fl = forest.flags[node];
  if (fl < 2) return forest.child[node] + (bit(x > forest.thr[node]) | (bit(x !== x) & (fl ^ 1)));
  return catStep(forest, node, x);
}

/**
 * Adds one grown tree's values to `scores[r * K + k]` for the binned rows `rows[from..to)`
 * (column-major bins of `nRows` rows): used for rows outside a round's subsample and for the
 * validation rows during training.
 */
export function addTreeBinned(t: GrownTree, bins: Uint8Array, nRows: number, missBins: Int32Array, rows: Int32Array | null, from: number, to: number, scores: Float64Array, K: number, k: number): void {
  for (let i = from; i < to; i++) {
    const r = rows ? rows[i] : i;
    let node = 0;
    let f = t.feature[0];
    while (f >= 0) {
      const b = bins[f * nRows + r];
      let left: boolean;
      if (t.categorical[node] === 1) left = t.catLeft[node * 256 + b] === 1;
      else if (b === missBins[f]) left = t.defaultLeft[node] === 1;
      else left = b <= t.threshold[node];
      node = t.child[node] + (left ? 0 : 1);
      f = t.feature[node];
    }
    scores[r * K + k] += t.value[node];
  }
}
