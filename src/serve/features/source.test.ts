import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFeatureSources, sourceKind } from './config.js';
import { CachedSource, openFeatureSource, type FeatureSource } from './source.js';
import { PG_URL, REQUIRE_PG, pgProblem } from '../../../test/helpers/registry-dialects.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-features-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ROWS = [
  ['L-1', 1.5, 'beta', '2026-01-02'],
  ['L-2', -2, 'alpha', '2026-03-04'],
  ['L-3', null, null, null],
];

async function sqlite(): Promise<string> {
  const file = path.join(dir, 'f.db');
  const db = new Database(file);
  db.exec('CREATE TABLE leads (lead_id TEXT PRIMARY KEY, score REAL, plan TEXT, since TEXT)');
  const ins = db.prepare('INSERT INTO leads VALUES (?, ?, ?, ?)');
  for (const r of ROWS) ins.run(...r);
  db.close();
  return `sqlite:${file}`;
}

async function duckdb(): Promise<string> {
  const file = path.join(dir, 'f.duckdb');
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(file);
  const con = await inst.connect();
  await con.run('CREATE TABLE leads (lead_id VARCHAR PRIMARY KEY, score DOUBLE, plan VARCHAR, since DATE)');
  for (const r of ROWS) await con.run(`INSERT INTO leads VALUES (${r.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? v : `'${v}'`)).join(', ')})`);
  con.closeSync();
  inst.closeSync();
  return `duckdb:${file}`;
}

const pgSchema = `feat_${process.pid}_${Date.now()}`;
async function postgres(): Promise<string> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`CREATE SCHEMA ${pgSchema}; CREATE TABLE ${pgSchema}.leads (lead_id TEXT PRIMARY KEY, score DOUBLE PRECISION, plan TEXT, since DATE)`);
  for (const r of ROWS) await c.query(`INSERT INTO ${pgSchema}.leads VALUES ($1, $2, $3, $4)`, r as unknown[]);
  await c.end();
  afterAll(async () => {
    const d = new pg.Client({ connectionString: PG_URL });
    await d.connect();
    await d.query(`DROP SCHEMA ${pgSchema} CASCADE`);
    await d.end();
  });
  return PG_URL;
}

const kinds: [string, () => Promise<string>, string][] = [
  ['sqlite', sqlite, 'leads'],
  ['duckdb', duckdb, 'leads'],
];
if (!pgProblem || REQUIRE_PG) kinds.push(['postgres', postgres, `${pgSchema}.leads`]);
else console.warn(`[feature sources] Postgres unreachable at ${PG_URL}: its source test is skipped`);

describe.each(kinds)('feature source: %s', (_kind, make, table) => {
  let src: FeatureSource;
  afterAll(async () => src?.close());

  it('fetches rows by id (bound parameters), JSON-friendly values, unknown ids absent', async () => {
    src = await openFeatureSource({ url: await make(), table, key: 'lead_id' });
    const rows = await src.fetch(['L-1', 'L-3', 'nope', "'; DROP TABLE leads; --"]);
    expect([...rows.keys()].sort()).toEqual(['L-1', 'L-3']);
    expect(rows.get('L-1')).toMatchObject({ lead_id: 'L-1', score: 1.5, plan: 'beta' });
    const since = rows.get('L-1')!.since;
    expect(typeof since === 'string' || typeof since === 'number').toBe(true);
    expect(rows.get('L-3')).toMatchObject({ score: null, plan: null });
    expect((await src.fetch(['L-2'])).get('L-2')!.score).toBe(-2);
    await src.ping();
  });

  it('the TTL cache serves repeats without a query and counts hits and misses', async () => {
    let queries = 0;
    const counting: FeatureSource = { ...src, describe: src.describe, fetch: (ids) => (queries++, src.fetch(ids)), ping: () => src.ping(), close: async () => undefined };
    const seen: [number, number][] = [];
    const c = new CachedSource(counting, 200, 100, (h, m) => seen.push([h, m]));
    await c.get(['L-1', 'L-2']);
    await c.get(['L-1', 'L-2', 'L-1']);
    expect(queries).toBe(1);
    expect(seen).toEqual([[0, 2], [3, 0]]);
    expect(c.hitRate()).toBeCloseTo(3 / 5, 12);
    await new Promise((r) => setTimeout(r, 250));
    await c.get(['L-1']);
    expect(queries).toBe(2); // expired
  });
});

describe('feature source config', () => {
  it('parses the text form and JSON; rejects bad specs', () => {
    expect(parseFeatureSources('credit=sqlite:/d/crm.db;table=customers;key=customer_id;ttl=30 duckdb:/d/f.duckdb;table=f')).toEqual({
      credit: { url: 'sqlite:/d/crm.db', table: 'customers', key: 'customer_id', ttlSeconds: 30 },
      '*': { url: 'duckdb:/d/f.duckdb', table: 'f' },
    });
    expect(parseFeatureSources('postgres://u:p@h/db?x=1;table=t')).toEqual({ '*': { url: 'postgres://u:p@h/db?x=1', table: 't' } });
    expect(parseFeatureSources('{"m": {"url": "x.db", "query": "SELECT * FROM t WHERE id IN ({ids})"}}').m.query).toContain('{ids}');
    expect(() => parseFeatureSources('x.csv;table=t')).toThrow(/postgres/);
    expect(() => parseFeatureSources('x.db')).toThrow(/table=/);
    expect(() => parseFeatureSources('x.db;table=t;colour=red')).toThrow(/unknown setting/);
    expect(sourceKind('a/b.sqlite3')).toEqual({ kind: 'sqlite', path: 'a/b.sqlite3' });
  });
});
