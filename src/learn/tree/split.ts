/**
 * Split finding on one feature's node histogram (see histogram.ts for the layout).
 *
 * The criterion is CART's impurity decrease (Breiman et al. 1984): Gini for classification and
 * squared error for regression. Both reduce to the same form: with per-side weighted statistics
 * g (class weights, or Σ w·y) and weight W, a side's "score" is Σ_c g_c² / W and the weighted
 * impurity decrease of a split is score(L) + score(R) − score(parent) — exactly
 * W·Gini(parent) − W_L·Gini(L) − W_R·Gini(R), or the drop in the sum of squared errors.
 *
 * Numeric features: every threshold bin, and (as LightGBM and XGBoost learn a default direction,
 * Chen & Guestrin 2016 §3.4) the missing bin tried on both sides. Categorical features: bins are
 * ordered by the node's mean target (Breiman's ordering, optimal for binary and regression; for
 * multiclass the share of the node's majority class) and every prefix is a candidate, as
 * LightGBM's sorted many-vs-many categorical splits (feature_histogram.hpp) do. Extra trees
 * (Geurts et al. 2006) evaluate one random threshold (or prefix) per feature instead of all.
 */
import type { Rng } from '../../util/random.js';

/** The best split found so far at a node (reused across nodes; no allocation per node). */
export class SplitBest {
  gain = 0;
  feature = -1;
  /** 0 numeric, 1 categorical. */
  kind = 0;
  threshold = 0;
  missingLeft = false;
  /** Categorical: bins going left, 256 bits. */
  readonly words = new Uint32Array(8);
  /** Statistics of the left child, stride m + 2. */
  readonly left: Float64Array;

  constructor(stride: number) {
    this.left = new Float64Array(stride);
  }

  reset(): void {
    this.gain = 0;
    this.feature = -1;
  }
}

/** Σ_c g_c² / W of the statistics at `at` (0 when the weight is 0). */
export function sideScore(st: Float64Array, at: number, m: number): number {
  const w = st[at + 1];
  if (!(w > 0)) return 0;
  let s = 0;
  for (let c = 0; c < m; c++) {
    const g = st[at + 2 + c];
    s += g * g;
  }
  return s / w;
}

/** Scratch buffers for split finding, sized once per tree builder. */
export class SplitScratch {
  readonly acc: Float64Array;
  readonly accMissing: Float64Array;
  readonly right: Float64Array;
  readonly order = new Int32Array(256);
  readonly key = new Float64Array(256);

  constructor(readonly stride: number) {
    this.acc = new Float64Array(stride);
    this.accMissing = new Float64Array(stride);
    this.right = new Float64Array(stride);
  }
}

/**
 * The gain of the split whose left side is `acc` against the parent, or −1 when it violates the
 * leaf minimums or does not beat `best`.
 */
function consider(acc: Float64Array, parent: Float64Array, pScore: number, m: number, minLeaf: number, tmp: Float64Array, best: SplitBest): number {
  const stride = m + 2;
  if (acc[0] < minLeaf || parent[0] - acc[0] < minLeaf) return -1;
  if (!(acc[1] > 0) || !(parent[1] - acc[1] > 0)) return -1;
  for (let c = 0; c < stride; c++) tmp[c] = parent[c] - acc[c];
  const gain = sideScore(acc, 0, m) + sideScore(tmp, 0, m) - pScore;
  return gain > best.gain ? gain : -1;
}

/**
 * Best threshold of a numeric feature whose histogram is at bin slot `off` with `nb` bins (the last
 * is the missing bin). `list[0..len)` are the value bins holding rows at this node, ascending; a
 * threshold between two of them is a candidate (empty bins in between give the same partition).
 * With `rng`, one random threshold uniform over the bins in [first, last) is tried (extra trees).
 */
export function numericSplit(
  hist: Float64Array,
  off: number,
  nb: number,
  list: Int32Array,
  len: number,
  parent: Float64Array,
  pScore: number,
  m: number,
  minLeaf: number,
  feature: number,
  rng: Rng | null,
  sc: SplitScratch,
  best: SplitBest,
): void {
  const stride = m + 2;
  const acc = sc.acc;
  const accM = sc.accMissing;
  const tmp = sc.right;
  if (len < 2) return;
  const missAt = (off + nb - 1) * stride;
  const hasMissing = hist[missAt] > 0;
  const cut = rng ? list[0] + rng.int(list[len - 1] - list[0]) : -1;
  acc.fill(0);
  for (let j = 0; j < len - 1; j++) {
    const b = list[j];
    const at = (off + b) * stride;
    for (let c = 0; c < stride; c++) acc[c] += hist[at + c];
    // Extra trees: only the last listed bin at or below the random cut.
    if (rng && !(b <= cut && list[j + 1] > cut)) continue;
    const t = rng ? cut : b;
    // Missing rows to the right.
    let g = consider(acc, parent, pScore, m, minLeaf, tmp, best);
    if (g >= 0) {
      best.gain = g;
      best.feature = feature;
      best.kind = 0;
      best.threshold = t;
      // With no missing rows here, unseen missing values follow the heavier child.
      best.missingLeft = !hasMissing && acc[1] >= parent[1] - acc[1];
      best.left.set(acc);
    }
    if (!hasMissing) continue;
    for (let c = 0; c < stride; c++) accM[c] = acc[c] + hist[missAt + c];
    g = consider(accM, parent, pScore, m, minLeaf, tmp, best);
    if (g >= 0) {
      best.gain = g;
      best.feature = feature;
      best.kind = 0;
      best.threshold = t;
      best.missingLeft = true;
      best.left.set(accM);
    }
  }
}

/**
 * Best many-vs-many split of a categorical feature: the bins `list[0..len)` holding rows here (the
 * missing bin being one more category) are sorted by the node's target statistic `target` (class
 * index, or 0 for regression); prefixes of that order go left. With `rng`, one random prefix.
 */
export function categoricalSplit(
  hist: Float64Array,
  off: number,
  list: Int32Array,
  len: number,
  parent: Float64Array,
  pScore: number,
  m: number,
  target: number,
  minLeaf: number,
  feature: number,
  rng: Rng | null,
  sc: SplitScratch,
  best: SplitBest,
): void {
  const stride = m + 2;
  const { order, key, acc } = sc;
  const k = len;
  for (let j = 0; j < k; j++) {
    const b = list[j];
    const at = (off + b) * stride;
    order[j] = b;
    key[j] = hist[at + 1] > 0 ? hist[at + 2 + target] / hist[at + 1] : 0;
  }
  if (k < 2) return;
  // Insertion sort by key (k ≤ 256), ties by bin for determinism.
  for (let a = 1; a < k; a++) {
    const ob = order[a];
    const kv = key[a];
    let j = a - 1;
    while (j >= 0 && (key[j] > kv || (key[j] === kv && order[j] > ob))) {
      order[j + 1] = order[j];
      key[j + 1] = key[j];
      j--;
    }
    order[j + 1] = ob;
    key[j + 1] = kv;
  }
  acc.fill(0);
  let bestPrefix = -1;
  const only = rng ? rng.int(k - 1) : -1;
  for (let p = 0; p < k - 1; p++) {
    const at = (off + order[p]) * stride;
    for (let c = 0; c < stride; c++) acc[c] += hist[at + c];
    if (rng && p !== only) continue;
    const g = consider(acc, parent, pScore, m, minLeaf, sc.right, best);
    if (g >= 0) {
      best.gain = g;
      best.feature = feature;
      best.kind = 1;
      best.left.set(acc);
      bestPrefix = p;
    }
  }
  if (bestPrefix < 0) return;
  // Bins without rows at this node (and categories unseen in training) follow the heavier child:
  // when left is heavier the left set is "every bin except the right prefix", else the prefix.
  const words = best.words;
  const leftHeavier = best.left[1] >= parent[1] - best.left[1];
  if (leftHeavier) {
    words.fill(0xffffffff);
    for (let p = bestPrefix + 1; p < k; p++) words[order[p] >>> 5] &= ~(1 << (order[p] & 31));
  } else {
    words.fill(0);
    for (let p = 0; p <= bestPrefix; p++) words[order[p] >>> 5] |= 1 << (order[p] & 31);
  }
}
