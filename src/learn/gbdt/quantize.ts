/**
 * Row kernels of gradient quantisation (Shi et al., "Quantized Training of Gradient Boosting
 * Decision Trees", NeurIPS 2022, §3.1; LightGBM's `GradientDiscretizer`), split out so that both
 * training threads can run them on halves of the rows. No imports: the histogram worker loads it.
 *
 * The rounding noise is a seeded xorshift32 stream (Marsaglia, "Xorshift RNGs", 2003), two draws per
 * row in row order. A thread starting at row h needs the generator's state after 2h draws; xorshift
 * is linear over GF(2), so that state is M^(2h) · x for the 32 × 32 bit matrix M of one step,
 * computed by repeated squaring in ~log₂(2h) matrix products ({@link xorshiftJump}) — the same
 * noise, row for row, as one thread drawing sequentially.
 */

/** One xorshift32 step (13, 17, 5). */
function step(x: number): number {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x;
}

/** Bit matrix (column j = image of bit j) applied to `x`. */
function apply(m: Int32Array, x: number): number {
  let r = 0;
  for (let j = 0; j < 32; j++) if ((x >>> j) & 1) r ^= m[j];
  return r;
}

/** The product a · b of two bit matrices (apply b, then a). */
function multiply(a: Int32Array, b: Int32Array): Int32Array<ArrayBuffer> {
  const out = new Int32Array(32);
  for (let j = 0; j < 32; j++) out[j] = apply(a, b[j]);
  return out;
}

/**
 * The xorshift32 state `steps` draws after `state` (as calling the generator `steps` times), in
 * O(32² log steps) operations.
 */
export function xorshiftJump(state: number, steps: number): number {
  let m: Int32Array<ArrayBuffer> = new Int32Array(32);
  for (let j = 0; j < 32; j++) m[j] = step(1 << j);
  let x = state | 0;
  // x ← M^steps x, bits of `steps` from the lowest (M^a and M^b commute).
  for (let k = steps; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) x = apply(m, x);
    if (k > 1) m = multiply(m, m);
  }
  return x;
}

/** Largest |g| and h of rows [start, end) into out[0], out[1] (max is order-free: any split agrees). */
export function gradientMax(gh: Float32Array, start: number, end: number, out: Float64Array): void {
  let gMax = 0;
  let hMax = 0;
  for (let i = start; i < end; i++) {
    const g = Math.abs(gh[2 * i]);
    const h = gh[2 * i + 1];
    if (g > gMax) gMax = g;
    if (h > hMax) hMax = h;
  }
  out[0] = gMax;
  out[1] = hMax;
}

/**
 * Packs rows [start, end) as g_q · shift + h_q (histogram.ts), g_q ∈ [−L, L], h_q ∈ [0, L], rounded
 * stochastically (floor(x + u), u uniform: unbiased) with the xorshift32 stream at `state` (the state
 * before this block's first draw); returns the state after the block.
 */
export function quantizeRows(gh: Float32Array, start: number, end: number, L: number, shift: number, gInv: number, hInv: number, pk: Float64Array, state: number): number {
  let x = state | 0;
  const U = 1 / 4294967296;
  for (let i = start; i < end; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const u1 = (x >>> 0) * U;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const u2 = (x >>> 0) * U;
    let gq = Math.floor(gh[2 * i] * gInv + u1);
    if (gq > L) gq = L;
    else if (gq < -L) gq = -L;
    let hq = Math.floor(gh[2 * i + 1] * hInv + u2);
    if (hq > L) hq = L;
    else if (hq < 0) hq = 0;
    pk[i] = gq * shift + hq;
  }
  return x;
}
