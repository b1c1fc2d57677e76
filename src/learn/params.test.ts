import { describe, expect, it } from 'vitest';
import { parseParamPairs, resolveParams } from './params.js';

const specs = {
  C: { type: 'number', min: 0, exclusiveMin: true, doc: 'inverse regularisation' },
  rounds: { type: 'integer', min: 1, doc: 'boosting rounds' },
  mode: { type: 'enum', values: ['a', 'b'], doc: 'mode' },
} as const;

describe('resolveParams', () => {
  it('merges over defaults and freezes', () => {
    const p = resolveParams('t', { C: 1, rounds: 10, mode: 'a' }, specs, { rounds: 5 });
    expect(p).toEqual({ C: 1, rounds: 5, mode: 'a' });
    expect(Object.isFrozen(p)).toBe(true);
  });

  it('names unknown and invalid parameters', () => {
    expect(() => resolveParams('t', { C: 1, rounds: 10, mode: 'a' }, specs, { depth: 3 })).toThrow(/t: unknown parameter "depth"/);
    expect(() => resolveParams('t', { C: 1, rounds: 10, mode: 'a' }, specs, { C: 0 })).toThrow(/"C" must be > 0/);
    expect(() => resolveParams('t', { C: 1, rounds: 10, mode: 'a' }, specs, { rounds: 2.5 })).toThrow(/integer/);
    expect(() => resolveParams('t', { C: 1, rounds: 10, mode: 'a' }, specs, { mode: 'c' })).toThrow(/one of a, b/);
  });
});

describe('parseParamPairs', () => {
  it('parses JSON values and falls back to strings', () => {
    expect(parseParamPairs(['a=1', 'b=true', 'c=balanced', 'd=[1,2]'])).toEqual({ a: 1, b: true, c: 'balanced', d: [1, 2] });
    expect(() => parseParamPairs(['oops'])).toThrow(/key=value/);
  });
});
