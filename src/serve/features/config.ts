/**
 * Configuration of predict-by-id feature sources. One source per model name (or `*` for every
 * model without its own): a SQL database and how to find a row by id.
 *
 * Text form (`MODELYARD_FEATURES`, `modelyard serve --features`), entries separated by whitespace:
 * `[model=]URL;table=T;key=K[;ttl=SECONDS][;max=ENTRIES]`, where URL is `postgres://…`,
 * `duckdb:PATH` (or a path ending in `.duckdb`) or `sqlite:PATH` (or `.db`, `.sqlite`, `.sqlite3`).
 * A JSON object `{"model": {"url", "table", "key", "ttlSeconds", "maxEntries", "query"}}` is accepted too.
 */
import { ModelyardError } from '../../errors.js';

export interface FeatureSourceConfig {
  /** `postgres://…`, `duckdb:/path/f.duckdb`, `sqlite:/path/f.db` (or a bare path with that extension). */
  url: string;
  /** Table (or view) holding one row per id. */
  table?: string;
  /** The id column (default `id`). */
  key?: string;
  /**
   * Instead of table/key: a query with the placeholder `{ids}` where the list of bound ids goes,
   * e.g. `SELECT * FROM leads l JOIN usage u USING (lead_id) WHERE lead_id IN ({ids})`. Its
   * result must include the `key` column.
   */
  query?: string;
  /** How long a fetched row is reused (default 60 s; 0 = no cache). */
  ttlSeconds?: number;
  /** Cache size bound (default 100,000 rows). */
  maxEntries?: number;
}

export type SourceKind = 'postgres' | 'duckdb' | 'sqlite';

/** Which driver a URL names, and the file path for file databases. */
export function sourceKind(url: string): { kind: SourceKind; path?: string } {
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres' };
  if (url.startsWith('duckdb:')) return { kind: 'duckdb', path: url.slice(7) };
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', path: url.slice(7) };
  if (/\.duckdb$/i.test(url)) return { kind: 'duckdb', path: url };
  if (/\.(db|sqlite3?)$/i.test(url)) return { kind: 'sqlite', path: url };
  throw new ModelyardError('USAGE', `feature source "${url}": use postgres://…, duckdb:PATH or sqlite:PATH`, { flag: '--features' });
}

/**
 * @example
 * ```ts
 * parseFeatureSources('credit=sqlite:/data/crm.db;table=customers;key=customer_id;ttl=30');
 * // { credit: { url: 'sqlite:/data/crm.db', table: 'customers', key: 'customer_id', ttlSeconds: 30 } }
 * ```
 */
export function parseFeatureSources(text: string | undefined): Record<string, FeatureSourceConfig> {
  const out: Record<string, FeatureSourceConfig> = {};
  const t = (text ?? '').trim();
  if (!t) return out;
  if (t.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch (e) {
      throw new ModelyardError('USAGE', `MODELYARD_FEATURES is not valid JSON: ${(e as Error).message}`, { flag: 'MODELYARD_FEATURES' });
    }
    for (const [model, cfg] of Object.entries(parsed as Record<string, FeatureSourceConfig>)) out[model] = checkConfig(cfg, model);
    return out;
  }
  for (const entry of t.split(/\s+/)) {
    const m = /^([A-Za-z0-9_.-]+|\*)=(.*)$/.exec(entry);
    const model = m && !entry.startsWith('postgres') ? m[1] : '*';
    const rest = m && !entry.startsWith('postgres') ? m[2] : entry;
    const [url, ...params] = rest.split(';');
    const cfg: FeatureSourceConfig = { url };
    for (const p of params) {
      const eq = p.indexOf('=');
      const k = p.slice(0, eq);
      const v = p.slice(eq + 1);
      if (k === 'table') cfg.table = v;
      else if (k === 'key') cfg.key = v;
      else if (k === 'ttl') cfg.ttlSeconds = Number(v);
      else if (k === 'max') cfg.maxEntries = Number(v);
      else throw new ModelyardError('USAGE', `feature source "${entry}": unknown setting "${k}" (table, key, ttl, max)`, { flag: '--features' });
    }
    out[model] = checkConfig(cfg, model);
  }
  return out;
}

function checkConfig(cfg: FeatureSourceConfig, model: string): FeatureSourceConfig {
  if (!cfg || typeof cfg.url !== 'string') throw new ModelyardError('USAGE', `feature source for ${model}: "url" is required`, { flag: '--features' });
  sourceKind(cfg.url);
  if (!cfg.table && !cfg.query) throw new ModelyardError('USAGE', `feature source for ${model}: give table=… (and key=…) or a query`, { flag: '--features' });
  if (cfg.query && !cfg.query.includes('{ids}')) throw new ModelyardError('USAGE', `feature source for ${model}: the query needs the {ids} placeholder`, { flag: '--features' });
  for (const [k, v] of [['ttl', cfg.ttlSeconds], ['max', cfg.maxEntries]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new ModelyardError('USAGE', `feature source for ${model}: ${k} must be a non-negative number`, { flag: '--features' });
  }
  return cfg;
}
