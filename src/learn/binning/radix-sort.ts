/**
 * Ascending sort of NaN-free doubles by LSD radix sort on their bit patterns, for the quantile
 * sample of every numeric feature (200k values: the engine's comparison sort of a Float64Array
 * took ~25 ms per feature, 12 % of a 400k-row, 30-round GBDT fit).
 *
 * Keys: the IEEE-754 pattern with the sign bit flipped for non-negative values and every bit
 * flipped for negative ones orders as unsigned 64-bit integers exactly as the numbers do, with
 * −0 before +0 and −∞ / +∞ at the ends — the same order as `Float64Array.prototype.sort`, so the
 * result is identical element for element (Knuth, TAOCP vol. 3, §5.2.5; the float key trick is
 * Herf's "Radix tricks", 2001). Six passes of 11-bit digits over the (hi, lo) 32-bit halves; a pass
 * whose digit is the same for every key is skipped (values parsed from float32 text have 29 zero
 * low mantissa bits, so two passes drop out). Each loop is its own small function so V8 optimises
 * each with its own type feedback instead of deoptimising one large function loop by loop.
 */

const BITS = 11;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;
/** Digits of 11 bits over the 64-bit key: bits 0–10, 11–21, 22–32, 33–43, 44–54, 55–63. */
const PASSES = 6;

/**
 * Sorts `values` ascending in place (NaN must not occur) and returns it. `scratch` (from
 * {@link radixScratch}, at least `values.length` long) lets a caller sorting many arrays allocate the
 * key buffers once; fresh large typed arrays cost a page fault per 4 KiB page.
 *
 * @example
 * ```ts
 * radixSortFloat64(Float64Array.from([3, -1, 0.5])); // Float64Array [-1, 0.5, 3]
 * ```
 */
export function radixSortFloat64(values: Float64Array, scratch: RadixScratch = radixScratch(values.length)): Float64Array {
  const n = values.length;
  if (n < 256) return values.sort();
  if (scratch.keys.length < 4 * n) throw new RangeError(`radixSortFloat64: scratch for ${scratch.keys.length / 4} values, ${n} given`);
  // Little-endian doubles: the low word first (every platform Node runs on).
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  let hi = scratch.keys.subarray(0, n);
  let lo = scratch.keys.subarray(n, 2 * n);
  let hi2 = scratch.keys.subarray(2 * n, 3 * n);
  let lo2 = scratch.keys.subarray(3 * n, 4 * n);
  const counts = scratch.counts;
  counts.fill(0);
  toKeys(words, n, hi, lo, counts);
  for (let p = 0; p < PASSES; p++) {
    const c = p * RADIX;
    if (!prefixSums(counts, c, n)) continue;
    if (p < 2) scatterLow(hi, lo, hi2, lo2, n, counts, c, 11 * p);
    else if (p === 2) scatterMid(hi, lo, hi2, lo2, n, counts, c);
    else scatterHigh(hi, lo, hi2, lo2, n, counts, c, 11 * p - 32);
    let t = hi;
    hi = hi2;
    hi2 = t;
    t = lo;
    lo = lo2;
    lo2 = t;
  }
  fromKeys(words, n, hi, lo);
  return values;
}

/** Reusable buffers of {@link radixSortFloat64}. */
export interface RadixScratch {
  keys: Uint32Array;
  counts: Int32Array;
}

/** Buffers for sorting up to `n` values. */
export function radixScratch(n: number): RadixScratch {
  return { keys: new Uint32Array(4 * n), counts: new Int32Array(PASSES * RADIX) };
}

/** Order-preserving keys of every value plus the digit counts of all passes. */
function toKeys(words: Uint32Array, n: number, hi: Uint32Array, lo: Uint32Array, counts: Int32Array): void {
  for (let i = 0; i < n; i++) {
    let l = words[2 * i];
    let h = words[2 * i + 1];
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    hi[i] = h;
    lo[i] = l;
    counts[l & MASK]++;
    counts[RADIX + ((l >>> 11) & MASK)]++;
    counts[2 * RADIX + (((l >>> 22) | (h << 10)) & MASK)]++;
    counts[3 * RADIX + ((h >>> 1) & MASK)]++;
    counts[4 * RADIX + ((h >>> 12) & MASK)]++;
    counts[5 * RADIX + (h >>> 23)]++;
  }
}

/** Turns the pass's counts into first output slots; false when one digit holds every key (skip the pass). */
function prefixSums(counts: Int32Array, c: number, n: number): boolean {
  let sum = 0;
  for (let d = 0; d < RADIX; d++) {
    const k = counts[c + d];
    if (k === n) return false;
    counts[c + d] = sum;
    sum += k;
  }
  return true;
}

function scatterLow(hi: Uint32Array, lo: Uint32Array, hi2: Uint32Array, lo2: Uint32Array, n: number, counts: Int32Array, c: number, sh: number): void {
  for (let i = 0; i < n; i++) {
    const l = lo[i];
    const o = counts[c + ((l >>> sh) & MASK)]++;
    hi2[o] = hi[i];
    lo2[o] = l;
  }
}

/** Bits 22–32: the top ten of the low word and the lowest of the high word. */
function scatterMid(hi: Uint32Array, lo: Uint32Array, hi2: Uint32Array, lo2: Uint32Array, n: number, counts: Int32Array, c: number): void {
  for (let i = 0; i < n; i++) {
    const h = hi[i];
    const l = lo[i];
    const o = counts[c + (((l >>> 22) | (h << 10)) & MASK)]++;
    hi2[o] = h;
    lo2[o] = l;
  }
}

function scatterHigh(hi: Uint32Array, lo: Uint32Array, hi2: Uint32Array, lo2: Uint32Array, n: number, counts: Int32Array, c: number, sh: number): void {
  for (let i = 0; i < n; i++) {
    const h = hi[i];
    const o = counts[c + ((h >>> sh) & MASK)]++;
    hi2[o] = h;
    lo2[o] = lo[i];
  }
}

/** Back from keys to the doubles' bit patterns. */
function fromKeys(words: Uint32Array, n: number, hi: Uint32Array, lo: Uint32Array): void {
  for (let i = 0; i < n; i++) {
    let h = hi[i];
    let l = lo[i];
    if (h & 0x80000000) h = (h & 0x7fffffff) >>> 0;
    else {
      h = ~h >>> 0;
      l = ~l >>> 0;
    }
    words[2 * i] = l;
    words[2 * i + 1] = h;
  }
}
