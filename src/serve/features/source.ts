/**
 * Feature sources for predict-by-id: one row of features per id, from SQLite (better-sqlite3,
 * read-only), DuckDB (@duckdb/node-api, read-only) or Postgres (a small pg pool), behind a TTL
 * cache. Ids are always bound as parameters, never spliced into SQL.
 */
import { ModelyardError } from '../../errors.js';
import { sourceKind, type FeatureSourceConfig } from './config.js';

export type Row = Record<string, unknown>;

/** Fetches rows by id; rows missing from the result are unknown ids. */
export interface FeatureSource {
  readonly describe: string;
  fetch(ids: string[]): Promise<Map<string, Row>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

function ident(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** JSON-friendly values: Dates → epoch ms, bigints → numbers, Buffers → null. */
function normalise(row: Row): Row {
  for (const k in row) {
    const v = row[k];
    if (v instanceof Date) row[k] = v.getTime();
    else if (typeof v === 'bigint') row[k] = Number(v);
    else if (v !== null && typeof v === 'object') row[k] = String(v);
  }
  return row;
}

function sqlFor(cfg: FeatureSourceConfig, placeholders: string): string {
  if (cfg.query) return cfg.query.replace('{ids}', placeholders);
  return `SELECT * FROM ${cfg.table!.split('.').map(ident).join('.')} WHERE ${ident(cfg.key ?? 'id')} IN (${placeholders})`;
}

function failed(cfg: FeatureSourceConfig, e: unknown): ModelyardError {
  const url = cfg.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  return new ModelyardError('FEATURE_SOURCE', `feature source ${url}: ${(e as Error)?.message ?? String(e)}`);
}

function index(rows: Row[], key: string): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const r of rows) out.set(String(r[key]), normalise(r));
  return out;
}

/**
 * Opens the source `cfg` describes.
 *
 * @example
 * ```ts
 * const src = await openFeatureSource({ url: 'sqlite:crm.db', table: 'leads', key: 'lead_id' });
 * const rows = await src.fetch(['L-1', 'L-2']);
 * ```
 */
export async function openFeatureSource(cfg: FeatureSourceConfig): Promise<FeatureSource> {
  const { kind, path } = sourceKind(cfg.url);
  const key = cfg.key ?? 'id';
  try {
    if (kind === 'sqlite') {
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(path!, { readonly: true, fileMustExist: true });
      const stmts = new Map<number, import('better-sqlite3').Statement>();
      return {
        describe: `sqlite:${path}`,
        async fetch(ids) {
          try {
            let st = stmts.get(ids.length);
            if (!st) {
              st = db.prepare(sqlFor(cfg, ids.map(() => '?').join(', ')));
              if (stmts.size < 64) stmts.set(ids.length, st);
            }
            return index(st.all(...ids) as Row[], key);
          } catch (e) {
            throw failed(cfg, e);
          }
        },
        async ping() {
          db.prepare('SELECT 1').get();
        },
        async close() {
          db.close();
        },
      };
    }
    if (kind === 'duckdb') {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const instance = await DuckDBInstance.create(path!, { access_mode: 'READ_ONLY', threads: '1' });
      const con = await instance.connect();
      // One DuckDB connection runs one statement at a time: queue the lookups.
      let chain: Promise<unknown> = Promise.resolve();
      const run = <T>(fn: () => Promise<T>): Promise<T> => {
        const p = chain.then(fn, fn);
        chain = p.catch(() => undefined);
        return p;
      };
      return {
        describe: `duckdb:${path}`,
        fetch: (ids) =>
          run(async () => {
            try {
              // DuckDB compares ids as text so that integer and text keys both match.
              const sql = cfg.query ? sqlFor(cfg, ids.map((_, i) => `$${i + 1}`).join(', ')) : `SELECT * FROM ${cfg.table!.split('.').map(ident).join('.')} WHERE CAST(${ident(key)} AS VARCHAR) IN (${ids.map((_, i) => `$${i + 1}`).join(', ')})`;
              const reader = await con.runAndReadAll(sql, ids);
              return index(reader.getRowObjectsJS() as Row[], key);
            } catch (e) {
              throw failed(cfg, e);
            }
          }),
        ping: () => run(async () => void (await con.runAndReadAll('SELECT 1'))),
        async close() {
          con.closeSync();
          instance.closeSync();
        },
      };
    }
    const { default: pg } = await import('../../util/pg.js');
    const pool = new pg.Pool({ connectionString: cfg.url, max: 4, connectionTimeoutMillis: 3000 });
    pool.on('error', () => undefined);
    return {
      describe: cfg.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@'),
      async fetch(ids) {
        try {
          // ::text on the key so integer and text ids both match; = ANY keeps one plan for any count.
          const sql = cfg.query ? sqlFor(cfg, ids.map((_, i) => `$${i + 1}`).join(', ')) : `SELECT * FROM ${cfg.table!.split('.').map(ident).join('.')} WHERE ${ident(key)}::text = ANY($1::text[])`;
          const res = await pool.query(sql, (cfg.query ? ids : [ids]) as unknown[]);
          return index(res.rows as unknown as Row[], key);
        } catch (e) {
          throw failed(cfg, e);
        }
      },
      async ping() {
        await pool.query('SELECT 1');
      },
      async close() {
        await pool.end();
      },
    };
  } catch (e) {
    if (e instanceof ModelyardError) throw e;
    throw failed(cfg, e);
  }
}

/** A TTL cache in front of a source; counts hits and misses. */
export class CachedSource {
  private readonly cache = new Map<string, { row: Row; expires: number }>();
  hits = 0;
  misses = 0;

  constructor(
    readonly source: FeatureSource,
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly onLookup?: (hits: number, misses: number) => void,
  ) {}

  /** Rows for `ids` (cache first, then one query for the rest); unknown ids are absent. */
  async get(ids: string[]): Promise<Map<string, Row>> {
    const now = Date.now();
    const out = new Map<string, Row>();
    const wanted = new Set<string>();
    for (const id of ids) {
      const e = this.ttlMs > 0 ? this.cache.get(id) : undefined;
      if (e && e.expires > now) out.set(id, e.row);
      else wanted.add(id);
    }
    const missing = [...wanted];
    const hits = ids.length - missing.length;
    this.hits += hits;
    this.misses += missing.length;
    this.onLookup?.(hits, missing.length);
    if (missing.length > 0) {
      const fetched = await this.source.fetch(missing);
      for (const [id, row] of fetched) {
        out.set(id, row);
        if (this.ttlMs > 0) {
          this.cache.delete(id);
          this.cache.set(id, { row, expires: now + this.ttlMs });
          if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
        }
      }
    }
    return out;
  }

  hitRate(): number {
    const total = this.hits + this.misses;
    return total === 0 ? 0 : this.hits / total;
  }
}
