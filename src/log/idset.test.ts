import { expect, it } from 'vitest';
import { IdSet } from './idset.js';
import { uuidv7 } from '../util/uuidv7.js';

it('agrees with Set<string> on UUIDs (from strings and bytes) and other ids, across growth', () => {
  const s = new IdSet(4);
  const ref = new Set<string>();
  const ids = Array.from({ length: 5000 }, (_, i) => (i % 97 === 0 ? `custom-${i}` : uuidv7()));
  for (const id of ids) {
    expect(s.addString(id)).toBe(!ref.has(id));
    ref.add(id);
  }
  expect(s.addString(ids[10]!)).toBe(false);
  expect(s.size).toBe(ref.size);
  for (const id of ids) {
    const buf = Buffer.from(`xx${id}yy`);
    expect(s.hasBytes(buf, 2, 2 + Buffer.byteLength(id))).toBe(true);
    expect(s.hasString(`,${id},`, 1, 1 + id.length)).toBe(true);
  }
  const other = uuidv7();
  expect(s.hasString(other)).toBe(false);
  expect(s.hasBytes(Buffer.from(other), 0, 36)).toBe(false);
  expect(s.addBytes(Buffer.from(other), 0, 36)).toBe(true);
  expect(s.hasString(other)).toBe(true);
  // Upper-case hex is the same UUID; a malformed one is just another id.
  expect(s.hasString(other.toUpperCase())).toBe(true);
  expect(s.hasString(`${other.slice(0, 35)}g`)).toBe(false);
});
