import { describe, expect, it } from 'vitest';
import { packBlock, unpackBlock } from './block.js';
import { Rng } from '../util/random.js';
import { blockBytes, blockFromBytes, codecText, inputCodec, parseCodec } from '../log/group.js';

/** Column-major block from columns. */
const block = (...cols: number[][]): Float64Array => Float64Array.from(cols.flat());
/** Per-column kinds from a packed block's header. */
const kinds = (b: Buffer): number[] => Array.from({ length: b.readUInt32LE(0) }, (_, j) => b[4 + 2 * j]!);

/** Every value back bit for bit (Object.is: NaN equals NaN, −0 differs from +0). */
function expectExact(X: Float64Array, n: number): Buffer {
  const b = packBlock(X, n);
  const back = unpackBlock(b, n);
  expect(back.length).toBe(X.length);
  for (let i = 0; i < X.length; i++) if (!Object.is(back[i], X[i])) throw new Error(`value ${i}: ${X[i]} came back as ${back[i]}`);
  return b;
}

/** The project's seeded generator as a function, so failures reproduce. */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

describe('packBlock / unpackBlock', () => {
  it('stores request-like decimals (make_synthetic.py writes %.5g) as int32 and gives back the same doubles', () => {
    const r = rng(1);
    const n = 500;
    // Roughly normal values of spread 1 … 4 (sum of uniforms), like the synthetic features, written with 5 significant digits.
    const normal = () => r() + r() + r() + r() - 2;
    const cols = Array.from({ length: 6 }, (_, j) => Array.from({ length: n }, () => Number((normal() * (1 + j / 2)).toPrecision(5))));
    const X = block(...cols);
    const b = expectExact(X, n);
    // A column falls back to doubles only when one of its values needs so many decimals that its
    // largest value overflows int32 at that scale (e.g. 1.2345e-05 next to 7.1234): rare, and
    // at most one column of six here.
    expect(kinds(b).filter((k) => k === 3).length).toBeGreaterThanOrEqual(5);
    expect(b.length).toBeLessThan(0.6 * X.byteLength);
  });

  it('picks int8 / int16 for small integers and codes, with NaN (missing) as a sentinel', () => {
    const codes = [0, 1, 2, -1, 5, NaN, 127, -127];
    const medium = [1000, -32767, 32767, NaN, 0, 12, 13, 14];
    const money = [19.99, 5.01, NaN, 100, 0.5, 7.25, 1e-2, 250.75];
    const b = expectExact(block(codes, medium, money), 8);
    expect(kinds(b)).toEqual([1, 2, 2]);
  });

  it('keeps as doubles any column with a value no decimal scale reproduces exactly', () => {
    const n = 4;
    const cases: number[][] = [
      [1, 2, -0, 3], // −0 would come back as +0
      [1, Infinity, 2, 3],
      [0.1 + 0.2, 1, 2, 3], // 0.30000000000000004: 17 significant digits
      [Math.PI, 1, 2, 3],
      [1e-300, 1, 2, 3],
      [2 ** 40, 1, 2, 3], // integer beyond int32
      [1.5e9, 0.5, 0, 1], // 1.5e9 × 10 overflows int32 at the scale 0.5 needs
      [Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 1],
    ];
    for (const c of cases) expect(kinds(expectExact(block(c), n))).toEqual([0]);
  });

  it('handles one row, all-missing columns, no columns and a mix of kinds', () => {
    expectExact(block([3.25]), 1);
    expect(kinds(expectExact(block([NaN, NaN, NaN]), 3))).toEqual([1]);
    expect(unpackBlock(packBlock(new Float64Array(0), 4), 4)).toEqual(new Float64Array(0));
    const b = expectExact(block([1, 2, 3], [0.5, -0, 1], [1e6 + 0.25, 2, 3]), 3);
    expect(kinds(b)).toEqual([1, 0, 3]);
  });

  it('is exact on random decimals of every scale 0 … 9 and random doubles, 4,096 rows', () => {
    const r = rng(7);
    const n = 4096;
    const cols: number[][] = [];
    // `+ 0`: toFixed rounds tiny negatives to "-0.000", and a −0 rightly keeps its column in doubles.
    for (let k = 0; k <= 9; k++) cols.push(Array.from({ length: n }, () => Number(((r() - 0.5) * 2 * 10 ** (9 - k) / 10 ** k).toFixed(k)) + 0));
    cols.push(Array.from({ length: n }, () => (r() - 0.5) * 1e6)); // full-precision doubles
    const b = expectExact(block(...cols), n);
    expect(kinds(b).at(-1)).toBe(0);
    expect(kinds(b).slice(0, 10)).not.toContain(0);
  });

  it('rejects a block whose length does not match its header', () => {
    const b = packBlock(block([1, 2, 3]), 3);
    expect(() => unpackBlock(b.subarray(0, b.length - 1), 3)).toThrow(/header describes/);
  });
});

describe('input codecs and block formats', () => {
  it('a packed codec differs in id from the f64 codec of the same columns, and both stored forms read back', () => {
    const cols = [{ name: 'age' }, { name: 'plan', categories: ['basic', 'pro'] }];
    const packed = inputCodec(cols);
    const raw = inputCodec(cols, 'f64');
    expect(packed.block).toBe('packed');
    expect(packed.id).not.toBe(raw.id);
    // The f64 form is the bare column list, as codecs were stored before packing.
    expect(JSON.parse(codecText(raw))).toEqual(cols);
    expect(parseCodec(raw.id, codecText(raw))).toEqual(raw);
    expect(parseCodec(packed.id, codecText(packed))).toEqual(packed);
  });

  it('blockBytes / blockFromBytes round-trip in both formats', () => {
    const X = block([30, 41.5, NaN], [0, 1, -1]);
    for (const c of [inputCodec([{ name: 'a' }, { name: 'b', categories: ['x', 'y'] }]), inputCodec([{ name: 'a' }, { name: 'b', categories: ['x', 'y'] }], 'f64')]) {
      const bytes = blockBytes(c, X, 3);
      expect(bytes.length).toBe(c.block === 'f64' ? 48 : 4 + 4 + 3 * 2 + 3);
      // A driver may hand back an unaligned Buffer.
      const unaligned = Buffer.concat([Buffer.from([0]), bytes]).subarray(1);
      expect(Array.from(blockFromBytes(c, unaligned, 3))).toEqual(Array.from(X));
    }
  });
});
