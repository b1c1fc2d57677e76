import Database from 'better-sqlite3';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isModelyardError } from '../errors.js';
import { tempDir, writeFile } from '../../test/helpers/tmp.js';
import { DataReader } from './read.js';

const dir = tempDir();
let reader: DataReader;
beforeAll(async () => {
  reader = await DataReader.open();
});
afterAll(() => reader.close());

async function readErr(file: string, opts = {}): Promise<{ code: string; message: string; row?: number }> {
  try {
    await reader.read(file, opts);
  } catch (e) {
    if (isModelyardError(e)) return { code: e.code, message: e.message, row: e.location.row };
    throw e;
  }
  throw new Error('expected an error');
}

describe('DataReader CSV', () => {
  it('reads quoted fields, empty/NA/NaN as missing, and a UTF-8 BOM', async () => {
    const f = writeFile(dir, 'q.csv', '\ufeffid,name,score\n1,"Smith, J",2.5\n2,"say ""hi""",NA\n3,,NaN\n4,N/A,\n');
    const fr = await reader.read(f);
    expect(fr.names).toEqual(['id', 'name', 'score']);
    expect(fr.nRows).toBe(4);
    expect(fr.cell(0, 'name')).toBe('Smith, J');
    expect(fr.cell(1, 'name')).toBe('say "hi"');
    expect(fr.cell(2, 'name')).toBeNull();
    expect(fr.cell(3, 'name')).toBeNull(); // N/A is a null spelling
    expect(fr.column('score').type).toBe('number');
    expect([1, 2, 3].map((r) => fr.cell(r, 'score'))).toEqual([null, null, null]);
    expect(fr.cell(0, 'score')).toBe(2.5);
  });

  it('keeps a column with mixed numbers and text as text', async () => {
    const f = writeFile(dir, 'mixed.csv', 'a,b\n1,x\n2,y\nthree,z\n');
    const fr = await reader.read(f);
    expect(fr.column('a').type).toBe('string');
    expect(fr.cell(2, 'a')).toBe('three');
  });

  it('re-sniffs when a late row disagrees with the sampled type', async () => {
    const rows = Array.from({ length: 30000 }, (_, i) => `${i},1`).join('\n');
    const f = writeFile(dir, 'late.csv', `a,b\n${rows}\nhello,2\n`);
    const fr = await reader.read(f);
    expect(fr.nRows).toBe(30001);
    expect(fr.column('a').type).toBe('string');
    expect(fr.cell(30000, 'a')).toBe('hello');
  });

  it('reads dates as epoch milliseconds with date storage', async () => {
    const f = writeFile(dir, 'dates.csv', 'd,v\n2024-01-02,1\n2024-03-04,2\n');
    const fr = await reader.read(f);
    const c = fr.column('d');
    expect(c.type === 'number' && c.storage).toBe('date');
    expect(fr.cell(0, 'd')).toBe(Date.UTC(2024, 0, 2));
  });

  it('names the file and line of a ragged row', async () => {
    const body = Array.from({ length: 50 }, (_, i) => `${i},2,3`).join('\n');
    const f = writeFile(dir, 'ragged.csv', `a,b,c\n${body}\n4,5\n6,7,8\n`);
    const e = await readErr(f);
    expect(e.code).toBe('DATA_PARSE');
    expect(e.message).toContain('ragged.csv');
    expect(e.message).toContain('line 52');
    expect(e.row).toBe(51);
  });

  it('names a ragged row far beyond the sniffer sample', async () => {
    const body = Array.from({ length: 30000 }, (_, i) => `${i},2,3`).join('\n');
    const f = writeFile(dir, 'ragged-late.csv', `a,b,c\n${body}\n4,5,6,7\n`);
    const e = await readErr(f);
    expect(e.code).toBe('DATA_PARSE');
    expect(e.message).toContain('line 30002');
  });

  it('refuses a missing file, a directory and an empty file with coded errors', async () => {
    expect((await readErr(`${dir}/nope.csv`)).code).toBe('FILE_NOT_FOUND');
    expect((await readErr(dir)).code).toBe('FILE_NOT_FOUND');
    expect((await readErr(writeFile(dir, 'empty.csv', ''))).code).toBe('DATA_EMPTY');
  });

  it('reads a header-only file as zero rows', async () => {
    const fr = await reader.read(writeFile(dir, 'h.csv', 'a,b\n'));
    expect(fr.nRows).toBe(0);
    expect(fr.names).toEqual(['a', 'b']);
  });

  it('dictionary-encodes text columns (one code array, one dictionary)', async () => {
    const f = writeFile(dir, 'cat.csv', 'c\nx\ny\nx\nx\n');
    const c = (await reader.read(f)).column('c');
    expect(c.type).toBe('string');
    if (c.type === 'string') {
      expect(c.dictionary).toEqual(['x', 'y']);
      expect(Array.from(c.codes)).toEqual([0, 1, 0, 0]);
    }
  });
});

describe('DataReader Parquet and SQL sources', () => {
  it('reads Parquet and queries a DuckDB file', async () => {
    const db = `${dir}/src.duckdb`;
    const pq = `${dir}/t.parquet`;
    const inst = await DuckDBInstance.create(db);
    const con = await inst.connect();
    await con.run("CREATE TABLE leads AS SELECT i AS id, 'c' || (i % 3) AS plan, i * 0.5 AS score FROM range(10) t(i)");
    await con.run(`COPY leads TO '${pq}' (FORMAT parquet)`);
    con.closeSync();
    inst.closeSync();
    const fromPq = await reader.read(pq);
    expect(fromPq.nRows).toBe(10);
    expect(fromPq.cell(3, 'plan')).toBe('c0');
    const q = await reader.read(db, { sql: 'SELECT * FROM leads WHERE id >= 5 ORDER BY id' });
    expect(q.nRows).toBe(5);
    expect(q.cell(0, 'score')).toBe(2.5);
  });

  it('queries a SQLite file through better-sqlite3', async () => {
    const file = `${dir}/crm.sqlite`;
    const db = new Database(file);
    db.exec("CREATE TABLE leads (id TEXT, visits INTEGER, src TEXT); INSERT INTO leads VALUES ('a', 3, 'web'), ('b', NULL, 'ads')");
    db.close();
    const fr = await reader.read(file, { sql: 'SELECT * FROM leads ORDER BY id' });
    expect(fr.nRows).toBe(2);
    expect(fr.cell(1, 'visits')).toBeNull();
    expect(fr.cell(0, 'src')).toBe('web');
    const bad = await readErr(file, { sql: 'SELECT * FROM nope' });
    expect(bad.code).toBe('DATA_SOURCE');
    expect(bad.message).toContain('crm.sqlite');
  });

  it('asks for --sql when given a database file without a query', async () => {
    const file = writeFile(dir, 'x.sqlite', Buffer.from('SQLite format 3\u0000'));
    expect((await readErr(file)).code).toBe('USAGE');
  });
});
