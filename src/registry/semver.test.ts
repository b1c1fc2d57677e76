import { describe, expect, it } from 'vitest';
import { compareSemver, nextPatch, parseSemver } from './semver.js';

describe('semver', () => {
  it('orders by precedence (semver.org §11 example chain)', () => {
    const chain = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.2.0', '1.10.0', '2.0.0'];
    const shuffled = [...chain].reverse();
    expect(shuffled.sort(compareSemver)).toEqual(chain);
    expect(compareSemver('1.0.0+build.1', '1.0.0+build.2')).toBe(0);
  });

  it('next patch follows the highest version', () => {
    expect(nextPatch([])).toBe('1.0.0');
    expect(nextPatch(['1.0.0', '1.0.9', '1.0.10'])).toBe('1.0.11');
    expect(nextPatch(['1.9.0', '1.10.0'])).toBe('1.10.1');
    expect(nextPatch(['1.0.0', '2.0.0-rc.1'])).toBe('2.0.0');
  });

  it('rejects what is not a version, naming the flag', () => {
    expect(() => parseSemver('1.0')).toThrow(/--version "1.0" is not a semantic version/);
    expect(() => parseSemver('v1.0.0')).toThrow(/not a semantic version/);
    expect(parseSemver('3.2.1-rc.1+sha.5')).toEqual({ major: 3, minor: 2, patch: 1, prerelease: 'rc.1' });
  });
});
