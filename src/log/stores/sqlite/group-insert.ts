/**
 * Inserting prediction groups (../../group.ts) into SQLite, and the check that keeps an id stored
 * once across the per-row and the group table. Shared by the in-thread store and its insert thread.
 */
import type Database from 'better-sqlite3';
import { codecText, groupId, groupLastId, type PredictionGroup } from '../../group.js';
import { GROUP_TABLE, TABLE } from '../../store.js';
import { GROUP_COLUMNS, groupRow } from '../rows.js';

export interface GroupInserter {
  /** Inserts groups (call inside a transaction); resolves to the rows inserted. */
  insert(groups: readonly PredictionGroup[]): number;
  /**
   * A filter for per-row ids, valid for one transaction: true when a stored group holds the id
   * (no look-up at all while no group is stored).
   */
  rowFilter(): (id: string) => boolean;
}

/**
 * @example
 * ```ts
 * const groups = groupInserter(db);
 * db.transaction(() => groups.insert(batch.groups))();
 * ```
 */
export function groupInserter(db: Database.Database): GroupInserter {
  const G = GROUP_TABLE;
  // A group goes in only when none of its ids is stored as a row (the slow paths store expanded rows).
  const insG = db.prepare(
    `INSERT INTO ${G.groups} (${GROUP_COLUMNS.join(', ')}) SELECT ${GROUP_COLUMNS.map(() => '?').join(', ')}` +
      ` WHERE NOT EXISTS (SELECT 1 FROM ${TABLE.predictions} WHERE id >= ? AND id <= ?) ON CONFLICT (prefix) DO NOTHING`,
  );
  const insCodec = db.prepare(`INSERT INTO ${G.codecs} (id, codec) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`);
  const insEntity = db.prepare(`INSERT INTO ${G.entities} (id, entity_id, time, model) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`);
  const groupLast = db.prepare(`SELECT last_id FROM ${G.groups} WHERE prefix = ?`).pluck();
  const anyGroup = db.prepare(`SELECT 1 FROM ${G.groups} LIMIT 1`).pluck();
  // Codecs this connection stored or saw stored (their id is their hash: never changes).
  const codecs = new Set<string>();
  const grouped = (id: string): boolean => {
    const last = groupLast.get(id.slice(0, 33)) as string | undefined;
    return last !== undefined && id <= last;
  };
  return {
    insert(groups) {
      let n = 0;
      for (const g of groups) {
        if (g.codec && !codecs.has(g.codec.id)) {
          insCodec.run(g.codec.id, codecText(g.codec));
          codecs.add(g.codec.id);
        }
        if (insG.run(...groupRow(g), groupId(g.prefix, 0), groupLastId(g)).changes === 0) continue;
        n += g.n;
        const ents = g.entity_ids;
        if (ents) for (let i = 0; i < g.n; i++) if (ents[i] !== null && ents[i] !== undefined) insEntity.run(groupId(g.prefix, i), ents[i], g.time, g.model);
      }
      return n;
    },
    rowFilter() {
      return anyGroup.get() === undefined ? () => false : grouped;
    },
  };
}
