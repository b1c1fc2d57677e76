/**
 * Blobs in the registry database (`blobs` table): every host that reaches the database reaches
 * the artifacts, with no shared file system. A put is its own short transaction, committed before
 * the version row that references it, so a crash in between leaves at most an unreferenced row.
 */
import type { Kysely } from 'kysely';
import { faultPoint } from '../fault.js';
import type { RegistryStore } from '../store.js';
import type { RegistryDb } from '../stores/tables.js';
import type { BlobEntry, BlobStore, TempEntry } from './blob-store.js';

/**
 * @example
 * ```ts
 * const blobs = new DbBlobStore(store);
 * await blobs.put(sha, bytes);
 * ```
 */
export class DbBlobStore implements BlobStore {
  readonly kind = 'db' as const;
  readonly location: string;

  private readonly db: Kysely<RegistryDb>;

  constructor(private readonly store: RegistryStore) {
    this.db = store.db;
    this.location = `the blobs table of ${store.location}`;
  }

  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const existing = await this.get(sha256);
    if (existing && existing.equals(data)) return;
    // Its own short transaction (locked per blob, so it waits for a running garbage collection).
    await this.store.write({ model: `blob:${sha256}` }, async (tx) => {
      const now = await tx.selectFrom('blobs').select('sha256').where('sha256', '=', sha256).executeTakeFirst();
      if (now) {
        // A damaged copy (someone edited the row), or a racing writer's intact one: same bytes either way.
        await tx.updateTable('blobs').set({ data, size: data.length }).where('sha256', '=', sha256).execute();
      } else {
        await tx.insertInto('blobs').values({ sha256, size: data.length, data, created_at: new Date().toISOString() }).execute();
      }
      await faultPoint('blob:temp-written');
    });
  }

  async get(sha256: string, tx?: Kysely<RegistryDb>): Promise<Buffer | null> {
    const r = await (tx ?? this.db).selectFrom('blobs').select('data').where('sha256', '=', sha256).executeTakeFirst();
    if (!r) return null;
    const d = r.data;
    return Buffer.isBuffer(d) ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  }

  async has(sha256: string, tx?: Kysely<RegistryDb>): Promise<boolean> {
    const r = await (tx ?? this.db).selectFrom('blobs').select('sha256').where('sha256', '=', sha256).executeTakeFirst();
    return r !== undefined;
  }

  async delete(sha256: string, tx?: Kysely<RegistryDb>): Promise<void> {
    await (tx ?? this.db).deleteFrom('blobs').where('sha256', '=', sha256).execute();
  }

  async list(tx?: Kysely<RegistryDb>): Promise<BlobEntry[]> {
    const rows = await (tx ?? this.db).selectFrom('blobs').select(['sha256', 'size', 'created_at']).orderBy('sha256').execute();
    return rows.map((r) => ({ sha256: r.sha256, size: Number(r.size), modified_at: r.created_at, where: this.describe(r.sha256) }));
  }

  describe(sha256: string): string {
    return `row ${sha256.slice(0, 12)}… of ${this.location}`;
  }

  async temps(): Promise<TempEntry[]> {
    return [];
  }

  async removeTemp(): Promise<void> {
    // The database store has no temporary files: a failed put is a rolled-back statement.
  }
}
