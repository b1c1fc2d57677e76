/**
 * Row selection by id: the rows of `frame` whose `column` holds one of `ids`, in the order the ids
 * are given — what `modelyard predict <ref> <data> --id …` scores (the command-line counterpart of
 * the server's predict-by-id; seed 002's `prediction_engine.py --match-id`).
 */
import { ModelyardError } from '../errors.js';
import type { Frame } from './frame.js';

/**
 * Keys are compared as text (as the server's feature sources do), so `--id 17` finds an integer
 * key 17 and `--id M00017` a text key. An id present more than once yields all its rows (in file
 * order); an id that is absent is an error naming it and the file.
 *
 * @throws ModelyardError COLUMN_MISSING when `column` is not in the frame; ENTITY_NOT_FOUND (exit 3)
 *   naming the first missing id.
 * @example
 * ```ts
 * selectByIds(frame, 'match_id', ['M02660', 'M02661'], 'live.csv').nRows; // 2
 * ```
 */
export function selectByIds(frame: Frame, column: string, ids: readonly string[], file: string): Frame {
  if (!frame.has(column)) {
    throw new ModelyardError('COLUMN_MISSING', `--id looks ids up in column "${column}", which ${file} does not have (name the key with --id-column)`, { file, column, flag: '--id-column' });
  }
  const byKey = new Map<string, number[]>();
  for (let i = 0; i < frame.nRows; i++) {
    const v = frame.cell(i, column);
    if (v === null) continue;
    const key = String(v);
    const rows = byKey.get(key);
    if (rows) rows.push(i);
    else byKey.set(key, [i]);
  }
  const picked: number[] = [];
  for (const id of ids) {
    const rows = byKey.get(id);
    if (!rows) throw new ModelyardError('ENTITY_NOT_FOUND', `no row of ${file} has ${column} = "${id}"`, { file, column, flag: '--id' });
    picked.push(...rows);
  }
  return frame.take(picked);
}
