/**
 * Cut points for one numeric feature: at most `maxBins` value bins holding roughly equal numbers of
 * (sampled) rows.
 *
 * Follows LightGBM's `GreedyFindBin` (src/io/bin.cpp): when a feature has no more distinct values
 * than bins, every distinct value gets its own bin with the cut half-way between neighbours; else
 * distinct values are walked in order, a bin is closed once it holds ≥ total / maxBins rows, and
 * values that alone hold more than that mean get a bin of their own (so a heavy point mass, e.g. a
 * column that is mostly 0, does not swallow its neighbours). Cuts are midpoints between distinct
 * values, so a value seen in training always lands in the bin it was counted in.
 */

/**
 * Bin `v` falls in: the number of cuts strictly below it (bin i holds values in (cuts[i-1], cuts[i]]).
 * NaN must be handled by the caller.
 *
 * Branch-free lower bound (Khuong & Morin, "Array layouts for comparison-based searching", JEA 2017,
 * §2.1): the loop runs ⌈log₂ m⌉ times whatever `v` is and each step moves `base` by arithmetic on
 * the comparison, so there is no unpredictable branch to mispredict (a branching binary search over
 * 255 cuts cost ~3× as much per value when binning 800k × 28 values).
 */
export function binOf(cuts: Float64Array, v: number): number {
  let n = cuts.length;
  if (n === 0) return 0;
  let base = 0;
  while (n > 1) {
    const half = n >>> 1;
    base += half & -((cuts[base + half] < v) as unknown as number);
    n -= half;
  }
  return base + ((cuts[base] < v) as unknown as number);
}

/**
 * Cut points (ascending, length ≤ maxBins − 1) from sorted, NaN-free values.
 *
 * @example
 * ```ts
 * findCuts(Float64Array.from([1, 1, 2, 3]), 255); // Float64Array [1.5, 2.5]
 * ```
 */
export function findCuts(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  if (n === 0) return new Float64Array(0);
  // Distinct values and their counts (typed arrays: this runs on up to 200k values per feature).
  const distinct = new Float64Array(n);
  const counts = new Int32Array(n);
  let nd = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted[i];
    if (nd > 0 && distinct[nd - 1] === v) counts[nd - 1]++;
    else {
      distinct[nd] = v;
      counts[nd++] = 1;
    }
  }
  const d = nd;
  const cuts: number[] = [];
  if (d <= maxBins) {
    for (let i = 0; i + 1 < d; i++) cuts.push(midpoint(distinct[i], distinct[i + 1]));
    return Float64Array.from(cuts);
  }
  // Values heavier than the mean bin size get their own bin; the rest are shared out evenly.
  const mean = n / maxBins;
  let restCount = 0;
  let heavyBins = 0;
  for (let i = 0; i < d; i++) {
    if (counts[i] >= mean) heavyBins++;
    else restCount += counts[i];
  }
  const restBins = Math.max(1, maxBins - heavyBins);
  const target = restCount / restBins;
  let acc = 0;
  for (let i = 0; i + 1 < d && cuts.length < maxBins - 1; i++) {
    acc += counts[i];
    const heavyHere = counts[i] >= mean;
    const heavyNext = counts[i + 1] >= mean;
    if (heavyHere || heavyNext || acc >= target) {
      cuts.push(midpoint(distinct[i], distinct[i + 1]));
      acc = 0;
    }
  }
  return Float64Array.from(cuts);
}

/** Half-way between two adjacent distinct values, never equal to the upper one. */
function midpoint(a: number, b: number): number {
  if (b === Infinity) return a;
  if (a === -Infinity) return -Number.MAX_VALUE;
  const m = a + (b - a) / 2;
  return m >= b ? a : m;
}
