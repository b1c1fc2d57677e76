/**
 * Group splits: all rows of a group (a customer, a store, a match) land on the same side, so a
 * model is never tested on a group it trained on.
 */
import { ModelyardError } from '../errors.js';
import { Rng, range } from '../util/random.js';
import { checkFolds, foldsFrom, fromMask, resolveTestCount, type Split } from './types.js';

/**
 * Seeded split by group, like sklearn `GroupShuffleSplit`: `testSize` counts **groups** (a fraction
 * of the distinct groups, rounded up, or a whole number of groups), and no group is in both parts.
 *
 * @example
 * ```ts
 * const { train, test } = groupSplit(customerIds, { testSize: 0.2, seed: 3 });
 * ```
 */
export function groupSplit(groups: ArrayLike<number | string>, opts: { testSize?: number; seed: number }): Split {
  return groupSplitOf(groups, opts, 'group');
}

/** {@link groupSplit} with `what` naming the group source in messages (e.g. `column "store"`). */
export function groupSplitOf(groups: ArrayLike<number | string>, opts: { testSize?: number; seed: number }, what: string): Split {
  const { ids, nGroups } = encodeGroups(groups, what);
  if (nGroups < 2) throw new ModelyardError('PARAM_INVALID', `a group split needs at least 2 distinct groups; the ${what} has ${nGroups}`, { field: 'groups' });
  const nTest = resolveTestCount(nGroups, opts.testSize, 'groups');
  const perm = new Rng(opts.seed).shuffle(range(nGroups));
  const testGroup = new Uint8Array(nGroups);
  for (let i = 0; i < nTest; i++) testGroup[perm[i]] = 1;
  const mask = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) mask[i] = testGroup[ids[i]];
  return fromMask(mask);
}

/**
 * k folds by group, like sklearn `GroupKFold`: groups are taken largest first and each goes to the
 * fold with the fewest rows so far (greedy longest-processing-time balancing), so folds have similar
 * sizes and no group is split. With a `seed`, groups of equal size are taken in a seeded random
 * order; without, in order of first appearance.
 *
 * @example
 * ```ts
 * const folds = groupKFold(storeIds, { k: 5 });
 * ```
 */
export function groupKFold(groups: ArrayLike<number | string>, opts: { k: number; seed?: number }): Split[] {
  return groupKFoldOf(groups, opts, 'group');
}

/** {@link groupKFold} with `what` naming the group source in messages. */
export function groupKFoldOf(groups: ArrayLike<number | string>, opts: { k: number; seed?: number }, what: string): Split[] {
  const { ids, nGroups } = encodeGroups(groups, what);
  checkFolds(opts.k, nGroups, 'groups');
  const size = new Int32Array(nGroups);
  for (let i = 0; i < ids.length; i++) size[ids[i]]++;
  const tie = range(nGroups);
  if (opts.seed !== undefined) new Rng(opts.seed).shuffle(tie);
  const rank = new Int32Array(nGroups);
  for (let i = 0; i < nGroups; i++) rank[tie[i]] = i;
  const order = range(nGroups).sort((a, b) => size[b] - size[a] || rank[a] - rank[b]);
  const load = new Float64Array(opts.k);
  const foldOfGroup = new Int32Array(nGroups);
  for (let i = 0; i < nGroups; i++) {
    const g = order[i];
    let best = 0;
    for (let f = 1; f < opts.k; f++) if (load[f] < load[best]) best = f;
    foldOfGroup[g] = best;
    load[best] += size[g];
  }
  const fold = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) fold[i] = foldOfGroup[ids[i]];
  return foldsFrom(fold, opts.k);
}

/** Dense group ids in order of first appearance; missing values (NaN, null, undefined) are rejected. */
function encodeGroups(groups: ArrayLike<number | string>, what: string): { ids: Int32Array; nGroups: number } {
  const n = groups.length;
  const ids = new Int32Array(n);
  const index = new Map<number | string, number>();
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const g = groups[i] as number | string | null | undefined;
    if (g === null || g === undefined || (typeof g === 'number' && g !== g)) {
      missing++;
      continue;
    }
    let id = index.get(g);
    if (id === undefined) index.set(g, (id = index.size));
    ids[i] = id;
  }
  if (missing > 0) {
    throw new ModelyardError('INVALID_VALUE', `${missing} of ${n} rows have a missing ${what} value; every row needs a group (fill or drop them)`, { field: 'groups' });
  }
  return { ids, nGroups: index.size };
}
