/**
 * The compact form of a prediction group's input block (group.ts): per column, the narrowest
 * exact representation. Request bodies carry decimals with a few digits (`2.8609`, `-0.90795`), and
 * a decimal with `k` digits after the point is `m / 10^k` for an integer `m`; the double a JSON
 * parser makes of it is the correctly rounded value of that quotient, and so is `m / 10^k` computed
 * in doubles (both operands exact, IEEE 754 division correctly rounded). A column whose every value
 * passes the check `Math.round(x * 10^k) / 10^k === x` is therefore stored as integers m in 1, 2
 * or 4 bytes and decodes to the very same doubles; any other column (−0, ±∞, more than 9
 * decimals, out of int32 range) stays 8-byte doubles. The check is made per value, not assumed.
 *
 * Why: the block is ~90 % of a logged 100-row request; halving it halves the pages the log writes
 * to the WAL and copies again at checkpoints (bench/serve `--log-compare`).
 *
 * Layout (little-endian): u32 column count F; F × (u8 kind, u8 k); then each column's n values,
 * each column starting at an offset that is a multiple of its width (zero padding before it), so
 * that both sides read and write whole typed arrays instead of one Buffer call per value (that
 * was ~50 µs of a 100-row request). Kinds: 0 float64, 1 int8, 2 int16, 3 int32; NaN (a missing
 * value) is the type's minimum. Typed arrays use the platform's byte order, little-endian on every
 * platform Node supports, as the raw-double blocks already assume.
 */

const P10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const MAX_K = P10.length - 1;
const WIDTH = [8, 1, 2, 4] as const;
const LIMIT = [0, 127, 32_767, 2_147_483_647] as const;

/** The decimal scale k (0 … 9) at which every value of the column is exact, or −1 for none. */
function columnScale(X: Float64Array, from: number, n: number): { k: number; max: number } {
  let k = 0;
  let max = 0;
  for (let i = from, end = from + n; i < end; i++) {
    const x = X[i]!;
    if (x !== x) continue; // NaN: stored as the sentinel
    if (x === 0) {
      if (1 / x < 0) return { k: -1, max: 0 }; // −0 would come back as +0
      continue;
    }
    // A value exact at k is exact at every larger k (the same quotient), so k only grows.
    for (;;) {
      const p = P10[k]!;
      const m = Math.round(x * p);
      if (m / p === x && m <= LIMIT[3] && m >= -LIMIT[3]) break;
      if (++k > MAX_K) return { k: -1, max: 0 }; // also ±∞ and NaN-free non-decimals
    }
    const a = x < 0 ? -x : x;
    if (a > max) max = a;
  }
  return { k, max };
}

/**
 * Packs a column-major `n × F` block.
 *
 * @example
 * ```ts
 * const bytes = packBlock(Float64Array.of(2.8609, -0.90795, NaN, 1), 2); // 2 columns of 2 rows
 * unpackBlock(bytes, 2); // Float64Array [2.8609, -0.90795, NaN, 1]
 * ```
 */
export function packBlock(X: Float64Array, n: number): Buffer {
  const F = n === 0 ? 0 : X.length / n;
  const kinds = new Uint8Array(F);
  const scales = new Uint8Array(F);
  let size = 4 + 2 * F;
  for (let j = 0; j < F; j++) {
    const { k, max } = columnScale(X, j * n, n);
    let kind = 0;
    if (k >= 0) {
      const m = Math.round(max * P10[k]!);
      kind = m <= LIMIT[1] ? 1 : m <= LIMIT[2] ? 2 : m <= LIMIT[3] ? 3 : 0;
    }
    kinds[j] = kind;
    scales[j] = kind === 0 ? 0 : k;
    size = align(size, WIDTH[kind]!) + n * WIDTH[kind]!;
  }
  const ab = new ArrayBuffer(size);
  const head = new Uint8Array(ab);
  new DataView(ab).setUint32(0, F, true);
  let o = 4 + 2 * F;
  for (let j = 0; j < F; j++) {
    const kind = kinds[j]!;
    head[4 + 2 * j] = kind;
    head[5 + 2 * j] = scales[j]!;
    o = align(o, WIDTH[kind]!);
    const from = j * n;
    if (kind === 0) {
      new Float64Array(ab, o, n).set(X.subarray(from, from + n));
    } else {
      const out = kind === 1 ? new Int8Array(ab, o, n) : kind === 2 ? new Int16Array(ab, o, n) : new Int32Array(ab, o, n);
      const p = P10[scales[j]!]!;
      const nan = -LIMIT[kind]! - 1;
      for (let i = 0; i < n; i++) {
        const x = X[from + i]!;
        out[i] = x !== x ? nan : Math.round(x * p);
      }
    }
    o += n * WIDTH[kind]!;
  }
  return Buffer.from(ab);
}

const align = (o: number, w: number): number => (o + w - 1) & ~(w - 1);

/** A packed block back to the column-major Float64Array it was made from; `n` rows. */
export function unpackBlock(b: Uint8Array, n: number): Float64Array {
  const F = b.byteLength >= 4 ? b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! * 2 ** 24) : -1;
  let size = 4 + 2 * F;
  for (let j = 0; j < F && size <= b.byteLength; j++) {
    const w = WIDTH[b[4 + 2 * j] as 0 | 1 | 2 | 3] ?? NaN;
    size = align(size, w) + n * w;
  }
  if (F < 0 || size !== b.byteLength) throw new Error(`packed input block: ${b.byteLength} bytes, the header describes ${size}`);
  // One aligned copy (a driver's Buffer may start anywhere), then typed views on it.
  const ab = new ArrayBuffer(b.byteLength);
  new Uint8Array(ab).set(b);
  const X = new Float64Array(n * F);
  let o = 4 + 2 * F;
  for (let j = 0; j < F; j++) {
    const kind = b[4 + 2 * j]! as 0 | 1 | 2 | 3;
    const p = P10[b[5 + 2 * j]!]!;
    o = align(o, WIDTH[kind]);
    const from = j * n;
    if (kind === 0) {
      X.set(new Float64Array(ab, o, n), from);
    } else {
      const src = kind === 1 ? new Int8Array(ab, o, n) : kind === 2 ? new Int16Array(ab, o, n) : new Int32Array(ab, o, n);
      const nan = -LIMIT[kind] - 1;
      for (let i = 0; i < n; i++) {
        const m = src[i]!;
        X[from + i] = m === nan ? NaN : m / p;
      }
    }
    o += n * WIDTH[kind];
  }
  return X;
}
