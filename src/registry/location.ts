/**
 * Where the registry lives. Precedence, first match wins:
 *
 * 1. `url` option (the CLI's `--registry`);
 * 2. `home` option;
 * 3. `MODELYARD_REGISTRY`;
 * 4. `DATABASE_URL`, only when it is a `postgres://` / `postgresql://` URL (the usual variable on
 *    PaaS hosts; any other kind of database URL is ignored);
 * 5. `MODELYARD_HOME`;
 * 6. `./.modelyard`.
 *
 * A location is a Postgres URL, or a folder (`<folder>/registry.db` + `<folder>/blobs/`), or a
 * SQLite file ending in `.db`, `.sqlite` or `.sqlite3` (blobs beside it), optionally written
 * `sqlite:<path>`. Query parameters the registry reads (and removes before connecting):
 * `blobs=fs|db` (where artifact bytes go; default `fs` for SQLite, `db` for Postgres),
 * `schema=<name>` (Postgres schema, created when missing) and `blobs_dir=<folder>` (file blobs
 * for a Postgres registry; default `$MODELYARD_HOME/blobs`).
 */
import path from 'node:path';
import { ModelyardError } from '../errors.js';

export interface RegistryLocation {
  dialect: 'sqlite' | 'postgres';
  /** SQLite: the database file. */
  file?: string;
  /** Postgres: the connection URL without registry parameters. */
  url?: string;
  schema?: string;
  blobs: 'fs' | 'db';
  /** File blobs: their root folder. */
  blobDir?: string;
  /** Which setting chose the location (for messages). */
  source: 'url option' | 'home option' | 'MODELYARD_REGISTRY' | 'DATABASE_URL' | 'MODELYARD_HOME' | 'default ./.modelyard';
}

export interface LocationOptions {
  url?: string;
  home?: string;
  env?: NodeJS.ProcessEnv;
  /** Folder relative paths resolve against (default: the working directory). */
  cwd?: string;
}

const isPostgres = (s: string): boolean => /^postgres(ql)?:\/\//i.test(s);

/**
 * @example
 * ```ts
 * resolveLocation({ env: { MODELYARD_REGISTRY: 'postgres://db/ml?schema=reg' } });
 * // { dialect: 'postgres', url: 'postgres://db/ml', schema: 'reg', blobs: 'db', source: 'MODELYARD_REGISTRY' }
 * ```
 */
export function resolveLocation(opts: LocationOptions = {}): RegistryLocation {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const home = path.resolve(cwd, env.MODELYARD_HOME || '.modelyard');
  if (opts.url) return parseLocation(opts.url, 'url option', cwd, home);
  if (opts.home) return parseLocation(opts.home, 'home option', cwd, home);
  if (env.MODELYARD_REGISTRY) return parseLocation(env.MODELYARD_REGISTRY, 'MODELYARD_REGISTRY', cwd, home);
  if (env.DATABASE_URL && isPostgres(env.DATABASE_URL)) return parseLocation(env.DATABASE_URL, 'DATABASE_URL', cwd, home);
  return parseLocation(home, env.MODELYARD_HOME ? 'MODELYARD_HOME' : 'default ./.modelyard', cwd, home);
}

function parseLocation(spec: string, source: RegistryLocation['source'], cwd: string, home: string): RegistryLocation {
  const where = source === 'url option' ? '--registry' : source;
  if (isPostgres(spec)) {
    let u: URL;
    try {
      u = new URL(spec);
    } catch {
      throw new ModelyardError('USAGE', `${where}: "${spec.replace(/:[^:@/]*@/, ':***@')}" is not a valid postgres:// URL`, { flag: '--registry' });
    }
    const blobs = blobsParam(u.searchParams.get('blobs'), 'db', where);
    const schema = u.searchParams.get('schema') ?? undefined;
    const blobDirParam = u.searchParams.get('blobs_dir');
    for (const p of ['blobs', 'schema', 'blobs_dir']) u.searchParams.delete(p);
    const loc: RegistryLocation = { dialect: 'postgres', url: u.toString(), blobs, source };
    if (schema) loc.schema = schema;
    if (blobs === 'fs') loc.blobDir = path.resolve(cwd, blobDirParam ?? path.join(home, 'blobs'));
    return loc;
  }
  let p = spec.replace(/^sqlite:(\/\/)?/i, '').replace(/^file:(\/\/)?/i, '');
  let query = '';
  const q = p.indexOf('?');
  if (q >= 0) {
    query = p.slice(q + 1);
    p = p.slice(0, q);
  }
  const params = new URLSearchParams(query);
  const blobs = blobsParam(params.get('blobs'), 'fs', where);
  const abs = path.resolve(cwd, p || '.');
  const isFile = /\.(db|sqlite3?)$/i.test(abs);
  const dir = isFile ? path.dirname(abs) : abs;
  const loc: RegistryLocation = { dialect: 'sqlite', file: isFile ? abs : path.join(abs, 'registry.db'), blobs, source };
  if (blobs === 'fs') loc.blobDir = path.resolve(cwd, params.get('blobs_dir') ?? path.join(dir, 'blobs'));
  return loc;
}

function blobsParam(v: string | null, dflt: 'fs' | 'db', where: string): 'fs' | 'db' {
  if (v === null || v === '') return dflt;
  if (v === 'fs' || v === 'db') return v;
  throw new ModelyardError('USAGE', `${where}: blobs=${v} is not one of fs, db`, { flag: '--registry' });
}
