/**
 * Runs a registry suite on both dialects. SQLite: a fresh temporary folder per registry.
 * Postgres: `MODELYARD_TEST_PG_URL` (default postgres://postgres@127.0.0.1:5432/test), a fresh
 * schema per registry (so parallel test files never collide), dropped after the file.
 *
 * When Postgres is unreachable its tests are skipped with a message — unless
 * `MODELYARD_REQUIRE_PG=1` (CI), which makes them fail instead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';

export const PG_URL = process.env.MODELYARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REQUIRE_PG = process.env.MODELYARD_REQUIRE_PG === '1';

export type DialectName = 'sqlite' | 'postgres';

export interface DialectCtx {
  dialect: DialectName;
  /** A fresh, empty registry location (a folder, or a Postgres URL with its own schema). */
  freshUrl(opts?: { blobs?: 'fs' | 'db' }): string;
}

async function probePg(): Promise<string | null> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return null;
  } catch (e) {
    return (e as Error).message || String(e);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** null when Postgres answers, else why not (probed once per test file). */
export const pgProblem: string | null = await probePg();

if (pgProblem && !REQUIRE_PG) {
  process.stderr.write(
    `\n[registry tests] Postgres unreachable at ${PG_URL} (${pgProblem}): Postgres registry tests are SKIPPED. ` +
      'Start Postgres or set MODELYARD_TEST_PG_URL; set MODELYARD_REQUIRE_PG=1 to make this a failure.\n',
  );
}

/** Drops schemas after the file; removes temporary folders. */
const pgSchemas: string[] = [];
const tmpDirs: string[] = [];
afterAll(async () => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  if (pgSchemas.length === 0 || pgProblem) return;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    for (const s of pgSchemas) await c.query(`drop schema if exists "${s}" cascade`);
  } finally {
    await c.end();
  }
});

function pgUrlWith(params: Record<string, string>): string {
  const u = new URL(PG_URL);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** A temporary folder removed after the file. */
export function tmpDir(label = 'reg'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `modelyard-${label}-`));
  tmpDirs.push(d);
  return d;
}

export function makeCtx(dialect: DialectName): DialectCtx {
  return {
    dialect,
    freshUrl(opts = {}) {
      if (dialect === 'sqlite') {
        const d = tmpDir('sqlite');
        return opts.blobs === 'db' ? `${d}?blobs=db` : d;
      }
      const schema = `t_${randomBytes(6).toString('hex')}`;
      pgSchemas.push(schema);
      const params: Record<string, string> = { schema };
      if (opts.blobs === 'fs') {
        params.blobs = 'fs';
        params.blobs_dir = path.join(tmpDir('pgblobs'), 'blobs');
      }
      return pgUrlWith(params);
    },
  };
}

/**
 * `describe` once per dialect. Postgres is skipped (with the message above) when unreachable,
 * or fails with the reason when MODELYARD_REQUIRE_PG=1.
 */
export function describeDialects(title: string, body: (ctx: DialectCtx) => void): void {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    if (dialect === 'postgres' && pgProblem) {
      if (REQUIRE_PG) {
        describe(`${title} [postgres]`, () => {
          it('needs a reachable Postgres (MODELYARD_REQUIRE_PG=1)', () => {
            throw new Error(`Postgres unreachable at ${PG_URL}: ${pgProblem}`);
          });
        });
      } else {
        describe.skip(`${title} [postgres] (skipped: Postgres unreachable at ${PG_URL})`, () => body(makeCtx(dialect)));
      }
      continue;
    }
    describe(`${title} [${dialect}]`, () => body(makeCtx(dialect)));
  }
}
