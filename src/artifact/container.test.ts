import { describe, expect, it } from 'vitest';
import { isModelyardError } from '../errors.js';
import { canonicalJson, decodeContainer, encodeContainer } from './container.js';

const arrays = {
  w: new Float64Array([1.5, -2, NaN]),
  idx: new Int32Array([3, 1, 4, 1, 5]),
  bins: new Uint8Array([255, 0, 7]),
};

describe('artifact container', () => {
  const bytes = encodeContainer({ format: 'test', b: 2, a: { z: 1, y: [1, 2] } }, arrays);

  it('round-trips header and typed arrays', () => {
    const d = decodeContainer(bytes);
    expect(d.header).toEqual({ format: 'test', b: 2, a: { z: 1, y: [1, 2] } });
    expect(Array.from(d.arrays.idx as Int32Array)).toEqual([3, 1, 4, 1, 5]);
    expect(Array.from(d.arrays.w as Float64Array)).toEqual([1.5, -2, NaN]);
    expect(d.arrays.bins).toBeInstanceOf(Uint8Array);
    expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is canonical: equal content gives equal bytes regardless of key order', () => {
    const again = encodeContainer({ a: { y: [1, 2], z: 1 }, b: 2, format: 'test' }, { bins: arrays.bins, idx: arrays.idx, w: arrays.w });
    expect(again.equals(bytes)).toBe(true);
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('refuses every single flipped byte', () => {
    // Flip one byte at a spread of positions: header, padding, data and trailer.
    for (let pos = 0; pos < bytes.length; pos += 7) {
      const bad = Buffer.from(bytes);
      bad[pos] ^= 0x01;
      let code = '';
      try {
        decodeContainer(bad);
      } catch (e) {
        code = isModelyardError(e) ? e.code : 'OTHER';
      }
      expect(code, `flip at ${pos}`).toBe('ARTIFACT_CORRUPT');
    }
  });

  it('refuses truncation and foreign files', () => {
    for (const cut of [1, 10, 33, bytes.length - 40]) {
      expect(() => decodeContainer(bytes.subarray(0, bytes.length - cut))).toThrow(/corrupt|truncated|not a modelyard|expected/);
    }
    expect(() => decodeContainer(Buffer.from('hello world, not an artifact at all, sorry'))).toThrow(/not a modelyard artifact/);
  });

  it('checks an expected sha256', () => {
    expect(() => decodeContainer(bytes, 'x', 'f'.repeat(64))).toThrow(/sha256/);
    expect(decodeContainer(bytes, 'x', decodeContainer(bytes).sha256).header.b).toBe(2);
  });

  it('decodes from an unaligned buffer', () => {
    const shifted = Buffer.alloc(bytes.length + 3);
    bytes.copy(shifted, 3);
    const d = decodeContainer(shifted.subarray(3));
    expect(Array.from(d.arrays.w as Float64Array).slice(0, 2)).toEqual([1.5, -2]);
  });
});
