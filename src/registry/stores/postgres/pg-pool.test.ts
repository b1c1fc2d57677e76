import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, REQUIRE_PG, pgProblem } from '../../../../test/helpers/registry-dialects.js';
import { openRegistry } from '../../registry.js';
import { startPostgresPool } from './pg-pool.js';

const app = `modelyard_pool_test_${process.pid}`;
const schema = `t_${randomBytes(6).toString('hex')}`;
const admin = () => new pg.Client({ connectionString: PG_URL });

/** Backends the server still holds for our application name. */
async function backends(): Promise<number> {
  const c = admin();
  await c.connect();
  try {
    return Number((await c.query('select count(*) as n from pg_stat_activity where application_name = $1', [app])).rows[0].n);
  } finally {
    await c.end();
  }
}

const urlWith = (params: Record<string, string>) => {
  const u = new URL(PG_URL);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
};

afterAll(async () => {
  if (pgProblem) return;
  const c = admin();
  await c.connect();
  await c.query(`drop schema if exists "${schema}" cascade`);
  await c.end();
});

describe.skipIf(pgProblem && !REQUIRE_PG)('startPostgresPool', () => {
  it('reports a missing migrations table, then the schema and applied version once the registry exists', async () => {
    const url = urlWith({ application_name: app });
    const fresh = startPostgresPool({ url, schema });
    const before = await fresh.first;
    expect(before).toMatchObject({ ok: false, missingTable: true });
    await fresh.end();
    const reg = await openRegistry({ url: urlWith({ application_name: app, schema }) });
    await reg.close();
    const again = startPostgresPool({ url, schema });
    expect(await again.first).toEqual({ ok: true, schema, applied: expect.any(Number) });
    const applied = (await again.first) as { applied: number };
    expect(applied.applied).toBeGreaterThan(0);
    await again.end();
  });

  it('end() closes every connection it opened: the server keeps no backend for them', async () => {
    const started = startPostgresPool({ url: urlWith({ application_name: app }), schema });
    await started.first;
    // Two connections at once (a held client and a query on another).
    const held = await started.pool.connect();
    await started.pool.query('select 1');
    held.release();
    expect(await backends()).toBeGreaterThanOrEqual(2);
    await started.end();
    // The backends exit after reading Terminate; poll briefly for their exit.
    let left = await backends();
    for (let i = 0; i < 50 && left > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      left = await backends();
    }
    expect(left).toBe(0);
  });

  it('rejects a schema that is not a plain identifier before connecting', () => {
    expect(() => startPostgresPool({ url: PG_URL, schema: 'Bad-Name' })).toThrow(/plain lower-case SQL identifier/);
  });
});
