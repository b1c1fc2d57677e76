/**
 * Multi-row `INSERT … VALUES (…), (…) … ON CONFLICT (id) DO NOTHING` statements of fixed row counts
 * (32, 8, 1), prepared once: a batch of rows goes through as few statement executions as possible.
 * Used by the in-thread SQLite store and by its insert thread. Fewer executions save part of the
 * per-row cost (statement step and reset); the B-tree work of the table and its indexes is the rest.
 */
import type Database from 'better-sqlite3';

/** Rows per statement, largest first: 32 rows × 12 columns = 384 parameters, well under SQLite's limit. */
const SIZES = [32, 8, 1];

const sql = (table: string, cols: readonly string[], rows: number): string =>
  `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${Array.from({ length: rows }, () => `(${cols.map(() => '?').join(', ')})`).join(', ')} ON CONFLICT (id) DO NOTHING`;

/**
 * A function that inserts rows (positional column values, fed one at a time through `each`) into
 * `table`; call it inside a transaction. Resolves to the rows inserted.
 *
 * @example
 * ```ts
 * const insert = chunkedInsert(db, 'log_predictions', PREDICTION_COLUMNS);
 * db.transaction(() => insert((push) => records.forEach((r) => push(predictionRow(r)))))();
 * ```
 */
export function chunkedInsert(db: Database.Database, table: string, cols: readonly string[]): (feed: (push: (row: readonly unknown[]) => void) => void) => number {
  const stmts = SIZES.map((n) => db.prepare(sql(table, cols, n)));
  const w = cols.length;
  const flat: unknown[] = new Array(SIZES[0]! * w);
  return (feed) => {
    let changes = 0;
    let filled = 0;
    const flush = (): void => {
      let at = 0;
      for (let s = 0; s < SIZES.length; s++) {
        const size = SIZES[s]!;
        while (filled - at >= size) {
          changes += stmts[s]!.run(at === 0 && size === SIZES[0] ? flat : flat.slice(at * w, (at + size) * w)).changes;
          at += size;
        }
      }
      filled = 0;
    };
    feed((row) => {
      const base = filled * w;
      for (let c = 0; c < w; c++) flat[base + c] = row[c];
      if (++filled === SIZES[0]) flush();
    });
    if (filled) flush();
    return changes;
  };
}
