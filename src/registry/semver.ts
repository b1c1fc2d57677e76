/**
 * The few semantic-version operations the registry needs: parse, compare by precedence and
 * "next patch". Precedence follows semver.org 2.0.0 §11 (build metadata is ignored; a pre-release
 * sorts before its release; pre-release identifiers compare numerically when both are numeric,
 * else as ASCII, and numeric ones sort first).
 */
import { ModelyardError } from '../errors.js';
import { isSemver } from './ref.js';

export interface Semver {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release part without the leading '-', '' when none. */
  prerelease: string;
}

/**
 * Parses `MAJOR.MINOR.PATCH[-pre][+build]`.
 *
 * @example
 * ```ts
 * parseSemver('1.2.3-rc.1'); // { major: 1, minor: 2, patch: 3, prerelease: 'rc.1' }
 * ```
 */
export function parseSemver(v: string, flag = '--version'): Semver {
  if (!isSemver(v)) throw new ModelyardError('USAGE', `${flag} "${v}" is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0)`, { flag });
  const core = v.split('+')[0];
  const dash = core.indexOf('-');
  const [major, minor, patch] = (dash < 0 ? core : core.slice(0, dash)).split('.').map(Number);
  if (![major, minor, patch].every(Number.isSafeInteger)) {
    throw new ModelyardError('USAGE', `${flag} "${v}": version numbers are too large`, { flag });
  }
  return { major, minor, patch, prerelease: dash < 0 ? '' : core.slice(dash + 1) };
}

/** Compares two versions by semver precedence: negative when a < b. */
export function compareSemver(a: string | Semver, b: string | Semver): number {
  const x = typeof a === 'string' ? parseSemver(a) : a;
  const y = typeof b === 'string' ? parseSemver(b) : b;
  if (x.major !== y.major) return x.major - y.major;
  if (x.minor !== y.minor) return x.minor - y.minor;
  if (x.patch !== y.patch) return x.patch - y.patch;
  return comparePrerelease(x.prerelease, y.prerelease);
}

function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1; // a release outranks its pre-releases
  if (b === '') return -1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const na = /^\d+$/.test(pa[i]);
    const nb = /^\d+$/.test(pb[i]);
    if (na && nb) {
      const d = Number(pa[i]) - Number(pb[i]);
      if (d !== 0) return d;
    } else if (na !== nb) {
      return na ? -1 : 1;
    } else if (pa[i] !== pb[i]) {
      return pa[i] < pb[i] ? -1 : 1;
    }
  }
  return pa.length - pb.length;
}

/**
 * The version a register without `--version` gets: the patch after the highest existing version
 * (the release itself when the highest is a pre-release), or 1.0.0 for a new model.
 *
 * @example
 * ```ts
 * nextPatch(['1.0.0', '1.0.1']); // '1.0.2'
 * nextPatch(['2.0.0-rc.1']);     // '2.0.0'
 * ```
 */
export function nextPatch(existing: Iterable<string>): string {
  let max: Semver | null = null;
  for (const v of existing) {
    const s = parseSemver(v);
    if (!max || compareSemver(s, max) > 0) max = s;
  }
  if (!max) return '1.0.0';
  if (max.prerelease) return `${max.major}.${max.minor}.${max.patch}`;
  return `${max.major}.${max.minor}.${max.patch + 1}`;
}
