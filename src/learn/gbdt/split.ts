/**
 * Best split of one leaf from its histogram.
 *
 * Gain (Chen & Guestrin, "XGBoost", KDD 2016, eq. 7; XGBoost src/tree/param.h `CalcGain`/`CalcWeight`
 * with L1 by soft-thresholding): score(G, H) = T(G)² / (H + λ) with T(G) = sign(G)·max(|G| − α, 0);
 * gain = score(L) + score(R) − score(parent). Leaf value = −T(G) / (H + λ).
 *
 * Numeric features: one left-to-right scan over the value bins; at every threshold both directions
 * for the missing-value bin are tried and the better one becomes the node's default direction
 * (XGBoost's sparsity-aware split finding, KDD 2016 Alg. 3). A threshold that puts every value left
 * and only missing rows right is allowed, so "missing or not" can itself be a split.
 *
 * Categorical features follow LightGBM (`FindBestThresholdCategoricalInner`,
 * src/treelearner/feature_histogram.hpp): with at most `max_cat_to_onehot` non-empty bins, one bin
 * against the rest; otherwise bins with ≥ `min_data_per_group` rows are sorted by
 * G / (H + cat_smooth) and prefixes of that order (from both ends, at most `max_cat_threshold`
 * bins) go left, with the extra penalty `cat_l2`. The missing and "other" bins take part as
 * categories, so their direction is learned like any other.
 *
 * Row counts per bin are estimated from hessians (count ≈ h · n_leaf / H_leaf), as LightGBM does,
 * so histograms need not carry a count.
 */
import { HIST_SLOT } from './histogram.js';

/** Split-finding settings (from the learner's parameters). */
export interface SplitConfig {
  l1: number;
  l2: number;
  minChildWeight: number;
  minSamplesLeaf: number;
  minSplitGain: number;
  maxCatThreshold: number;
  maxCatToOnehot: number;
  catSmooth: number;
  catL2: number;
  minDataPerGroup: number;
}

/** Per-feature binning facts the split finder needs. */
export interface FeatureLayout {
  nFeatures: number;
  /** Bins per feature, missing bin included (it is the last one). */
  nBins: Int32Array;
  /** 1 for categorical features. */
  isCat: Uint8Array;
}

/** The best split found for a leaf; reused, never reallocated. */
export class SplitResult {
  gain = 0;
  feature = -1;
  /** Numeric: bins ≤ threshold go left. */
  threshold = 0;
  defaultLeft = false;
  categorical = false;
  /** Categorical: 1 for bins going left. */
  readonly catLeft = new Uint8Array(256);
  leftG = 0;
  leftH = 0;
  leftCount = 0;

  reset(): void {
    this.gain = 0;
    this.feature = -1;
  }

  copyFrom(o: SplitResult): void {
    this.gain = o.gain;
    this.feature = o.feature;
    this.threshold = o.threshold;
    this.defaultLeft = o.defaultLeft;
    this.categorical = o.categorical;
    this.catLeft.set(o.catLeft);
    this.leftG = o.leftG;
    this.leftH = o.leftH;
    this.leftCount = o.leftCount;
  }
}

/** T(G)² / (H + λ). */
export function leafScore(G: number, H: number, l1: number, l2: number): number {
  const t = G > l1 ? G - l1 : G < -l1 ? G + l1 : 0;
  return (t * t) / (H + l2);
}

/** −T(G) / (H + λ). */
export function leafValue(G: number, H: number, l1: number, l2: number): number {
  const t = G > l1 ? G - l1 : G < -l1 ? G + l1 : 0;
  return -t / (H + l2);
}

/** Scratch space for categorical sorting (one per finder). */
export class SplitFinder {
  private readonly order = new Int32Array(256);
  private readonly key = new Float64Array(256);

  constructor(
    private readonly cfg: SplitConfig,
    private readonly layout: FeatureLayout,
  ) {}

  /**
   * Writes the best split of a leaf with sums (G, H) over `count` rows into `out` (gain 0 and
   * feature −1 when nothing beats `min_split_gain`). `featureMask[f]` = 0 skips feature f.
   */
  find(hist: Float64Array, G: number, H: number, count: number, featureMask: Uint8Array, out: SplitResult): void {
    out.reset();
    const c = this.cfg;
    if (count < 2 * c.minSamplesLeaf || H < 2 * c.minChildWeight) return;
    const parent = leafScore(G, H, c.l1, c.l2);
    const cntFactor = count / H;
    let bestGain = c.minSplitGain > 0 ? c.minSplitGain : 1e-12;
    const { nFeatures, nBins, isCat } = this.layout;
    for (let f = 0; f < nFeatures; f++) {
      if (featureMask[f] === 0) continue;
      const nb = nBins[f];
      if (nb <= 2 && isCat[f] === 0) continue; // a single value bin plus missing
      const o = f * HIST_SLOT;
      if (isCat[f] === 1) {
        bestGain = this.findCategorical(hist, o, nb, G, H, cntFactor, parent, bestGain, f, out);
        continue;
      }
      const miss = nb - 1;
      const gm = hist[o + 2 * miss];
      const hm = hist[o + 2 * miss + 1];
      const hasMissing = hm * cntFactor >= 0.5;
      let gl = 0;
      let hl = 0;
      // Threshold t: value bins 0..t left. t = nb − 2 leaves only the missing rows on the right.
      const lastT = hasMissing ? nb - 2 : nb - 3;
      for (let t = 0; t <= lastT; t++) {
        gl += hist[o + 2 * t];
        hl += hist[o + 2 * t + 1];
        // Missing rows right.
        let hL = hl;
        let hR = H - hl;
        if (hL >= c.minChildWeight && hR >= c.minChildWeight && hL * cntFactor >= c.minSamplesLeaf && hR * cntFactor >= c.minSamplesLeaf) {
          const gain = leafScore(gl, hL, c.l1, c.l2) + leafScore(G - gl, hR, c.l1, c.l2) - parent;
          if (gain > bestGain) {
            bestGain = gain;
            setNumeric(out, f, t, gain, false, gl, hL, hL * cntFactor, hasMissing, H);
          }
        }
        if (!hasMissing || t === nb - 2) continue;
        // Missing rows left.
        hL = hl + hm;
        hR = H - hL;
        if (hL >= c.minChildWeight && hR >= c.minChildWeight && hL * cntFactor >= c.minSamplesLeaf && hR * cntFactor >= c.minSamplesLeaf) {
          const gL = gl + gm;
          const gain = leafScore(gL, hL, c.l1, c.l2) + leafScore(G - gL, hR, c.l1, c.l2) - parent;
          if (gain > bestGain) {
            bestGain = gain;
            setNumeric(out, f, t, gain, true, gL, hL, hL * cntFactor, hasMissing, H);
          }
        }
      }
    }
  }

  private findCategorical(hist: Float64Array, o: number, nb: number, G: number, H: number, cntFactor: number, parent: number, bestGain: number, f: number, out: SplitResult): number {
    const c = this.cfg;
    const order = this.order;
    const key = this.key;
    let used = 0;
    for (let b = 0; b < nb; b++) if (hist[o + 2 * b + 1] * cntFactor >= 0.5) order[used++] = b;
    if (used < 2) return bestGain;
    if (used <= c.maxCatToOnehot) {
      // One category against the rest.
      for (let i = 0; i < used; i++) {
        const b = order[i];
        const gL = hist[o + 2 * b];
        const hL = hist[o + 2 * b + 1];
        const hR = H - hL;
        if (hL < c.minChildWeight || hR < c.minChildWeight || hL * cntFactor < c.minSamplesLeaf || hR * cntFactor < c.minSamplesLeaf) continue;
        const gain = leafScore(gL, hL, c.l1, c.l2) + leafScore(G - gL, hR, c.l1, c.l2) - parent;
        if (gain > bestGain) {
          bestGain = gain;
          out.gain = gain;
          out.feature = f;
          out.categorical = true;
          out.catLeft.fill(0);
          out.catLeft[b] = 1;
          out.defaultLeft = b === nb - 1;
          out.leftG = gL;
          out.leftH = hL;
          out.leftCount = hL * cntFactor;
        }
      }
      return bestGain;
    }
    // Many-vs-many: order the well-populated bins by G / (H + cat_smooth).
    let m = 0;
    for (let i = 0; i < used; i++) {
      const b = order[i];
      if (hist[o + 2 * b + 1] * cntFactor >= c.minDataPerGroup) order[m++] = b;
    }
    if (m < 2) return bestGain;
    for (let i = 0; i < m; i++) key[i] = hist[o + 2 * order[i]] / (hist[o + 2 * order[i] + 1] + c.catSmooth);
    // Insertion sort (≤ 256 entries, no allocation); ties keep bin order.
    for (let i = 1; i < m; i++) {
      const b = order[i];
      const k = key[i];
      let j = i - 1;
      while (j >= 0 && key[j] > k) {
        key[j + 1] = key[j];
        order[j + 1] = order[j];
        j--;
      }
      key[j + 1] = k;
      order[j + 1] = b;
    }
    const l2 = c.l2 + c.catL2;
    const maxK = Math.min(c.maxCatThreshold, (m + 1) >> 1);
    let bestDir = 0;
    let bestLen = 0;
    let bestGL = 0;
    let bestHL = 0;
    for (let dir = 0; dir < 2; dir++) {
      let gl = 0;
      let hl = 0;
      for (let i = 0; i < maxK; i++) {
        const b = order[dir === 0 ? i : m - 1 - i];
        gl += hist[o + 2 * b];
        hl += hist[o + 2 * b + 1];
        const hr = H - hl;
        if (hl < c.minChildWeight || hr < c.minChildWeight || hl * cntFactor < c.minSamplesLeaf || hr * cntFactor < c.minSamplesLeaf) continue;
        const gain = leafScore(gl, hl, c.l1, l2) + leafScore(G - gl, hr, c.l1, l2) - parent;
        if (gain > bestGain) {
          bestGain = gain;
          bestDir = dir;
          bestLen = i + 1;
          bestGL = gl;
          bestHL = hl;
        }
      }
    }
    if (bestLen > 0) {
      out.gain = bestGain;
      out.feature = f;
      out.categorical = true;
      out.catLeft.fill(0);
      for (let i = 0; i < bestLen; i++) out.catLeft[order[bestDir === 0 ? i : m - 1 - i]] = 1;
      out.defaultLeft = out.catLeft[nb - 1] === 1;
      out.leftG = bestGL;
      out.leftH = bestHL;
      out.leftCount = bestHL * cntFactor;
    }
    return bestGain;
  }
}

function setNumeric(out: SplitResult, f: number, t: number, gain: number, missingLeft: boolean, gL: number, hL: number, cL: number, hasMissing: boolean, H: number): void {
  out.gain = gain;
  out.feature = f;
  out.threshold = t;
  out.categorical = false;
  out.leftG = gL;
  out.leftH = hL;
  out.leftCount = cL;
  // Without missing training rows the direction is free: send future missing values to the bigger side.
  out.defaultLeft = hasMissing ? missingLeft : hL >= H - hL;
}
