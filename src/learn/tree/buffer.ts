/**
 * Flattened trees: every node of every tree in parallel typed arrays (structure of arrays), the way
 * LightGBM's `Tree` keeps `split_feature_`, `threshold_in_bin_`, `left_child_`… (src/io/tree.cpp).
 * Child indices are absolute, so a whole forest is one set of arrays plus the root of each tree.
 *
 * Node i: `feature[i]` is −1 for a leaf. Numeric split: bin ≤ `threshold[i]` goes left, the
 * missing bin goes left when `missingLeft[i]`. Categorical split (`categorical[i]` = 1): bins whose
 * bit is set in `words[threshold[i] .. threshold[i] + 8)` go left. `values[i·m .. i·m + m)` holds
 * the node's prediction (class probabilities, or the mean target).
 */
import type { TypedArray } from '../types.js';

export const WORDS_PER_SET = 8;

/** Growable node arrays for one tree or a whole forest. */
export class TreeBuffer {
  feature: Int32Array;
  threshold: Int32Array;
  missingLeft: Uint8Array;
  categorical: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  values: Float64Array;
  words: Uint32Array;
  nNodes = 0;
  nWords = 0;

  constructor(
    readonly m: number,
    capacity = 64,
  ) {
    this.feature = new Int32Array(capacity);
    this.threshold = new Int32Array(capacity);
    this.missingLeft = new Uint8Array(capacity);
    this.categorical = new Uint8Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.values = new Float64Array(capacity * m);
    this.words = new Uint32Array(WORDS_PER_SET * 4);
  }

  /** Appends a leaf node and returns its index. */
  addNode(): number {
    if (this.nNodes === this.feature.length) this.grow(this.feature.length * 2);
    const i = this.nNodes++;
    this.feature[i] = -1;
    this.threshold[i] = 0;
    this.missingLeft[i] = 0;
    this.categorical[i] = 0;
    this.left[i] = -1;
    this.right[i] = -1;
    return i;
  }

  /** Stores a categorical bin set; returns its word offset. */
  addSet(set: Uint32Array): number {
    if (this.nWords + WORDS_PER_SET > this.words.length) {
      const w = new Uint32Array(this.words.length * 2);
      w.set(this.words);
      this.words = w;
    }
    const at = this.nWords;
    this.words.set(set, at);
    this.nWords += WORDS_PER_SET;
    return at;
  }

  private grow(cap: number): void {
    const ext = <T extends TypedArray>(a: T, size: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a as never);
      return b;
    };
    this.feature = ext(this.feature, cap);
    this.threshold = ext(this.threshold, cap);
    this.missingLeft = ext(this.missingLeft, cap);
    this.categorical = ext(this.categorical, cap);
    this.left = ext(this.left, cap);
    this.right = ext(this.right, cap);
    this.values = ext(this.values, cap * this.m);
  }

  /** Appends `other`'s nodes (a finished tree), shifting its child and set offsets; returns the new root index. */
  append(other: TreeBuffer): number {
    const base = this.nNodes;
    const wordBase = this.nWords;
    if (base + other.nNodes > this.feature.length) this.grow(Math.max(this.feature.length * 2, base + other.nNodes));
    while (wordBase + other.nWords > this.words.length) {
      const w = new Uint32Array(this.words.length * 2);
      w.set(this.words);
      this.words = w;
    }
    const n = other.nNodes;
    for (let i = 0; i < n; i++) {
      const j = base + i;
      const f = other.feature[i];
      this.feature[j] = f;
      this.categorical[j] = other.categorical[i];
      this.threshold[j] = other.categorical[i] ? other.threshold[i] + wordBase : other.threshold[i];
      this.missingLeft[j] = other.missingLeft[i];
      this.left[j] = f >= 0 ? other.left[i] + base : -1;
      this.right[j] = f >= 0 ? other.right[i] + base : -1;
    }
    this.values.set(other.values.subarray(0, n * this.m), base * this.m);
    this.words.set(other.words.subarray(0, other.nWords), wordBase);
    this.nNodes += n;
    this.nWords += other.nWords;
    return base;
  }

  /** Resets to empty (keeps capacity), for reuse across trees. */
  clear(): void {
    this.nNodes = 0;
    this.nWords = 0;
  }

  /** Trimmed copies of the arrays (for storage). */
  arrays(): { feature: Int32Array; threshold: Int32Array; missingLeft: Uint8Array; categorical: Uint8Array; left: Int32Array; right: Int32Array; values: Float64Array; words: Uint32Array } {
    const n = this.nNodes;
    return {
      feature: this.feature.slice(0, n),
      threshold: this.threshold.slice(0, n),
      missingLeft: this.missingLeft.slice(0, n),
      categorical: this.categorical.slice(0, n),
      left: this.left.slice(0, n),
      right: this.right.slice(0, n),
      values: this.values.slice(0, n * this.m),
      words: this.words.slice(0, this.nWords),
    };
  }
}
