import { describe, expect, it } from 'vitest';
import { isUuidv7, uuidv7, uuidv7Time } from './uuidv7.js';

describe('uuidv7', () => {
  it('is well formed, carries its time and sorts by creation', () => {
    const t = Date.UTC(2026, 10, 23, 12, 0, 0);
    const ids = Array.from({ length: 5000 }, () => uuidv7(t));
    for (const id of ids) expect(isUuidv7(id)).toBe(true);
    expect(uuidv7Time(ids[0]!)).toBe(t);
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const later = uuidv7(t + 10_000);
    expect(later > ids[ids.length - 1]!).toBe(true);
    expect(uuidv7Time(later)).toBe(t + 10_000);
  });
  it('rejects other strings', () => {
    expect(isUuidv7('not-a-uuid')).toBe(false);
    expect(isUuidv7('123e4567-e89b-42d3-a456-426614174000')).toBe(false);
  });
});
