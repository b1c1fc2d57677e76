/**
 * SQL queries against a SQLite file go through better-sqlite3 (DuckDB's sqlite extension would have
 * to be downloaded at run time). Rows arrive as arrays and are written straight into columns.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { ModelyardError } from '../errors.js';
import { Frame, encodeStrings, numberColumn, type Column } from './frame.js';

const MAGIC = 'SQLite format 3\u0000';

/** True when `file` starts with the SQLite header. */
export function isSqliteFile(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = fs.readSync(fd, buf, 0, 16, 0);
    return n === 16 && buf.toString('latin1') === MAGIC;
  } finally {
    fs.closeSync(fd);
  }
}

/** Runs `sql` read-only against the SQLite file and returns the result as a frame. */
export function readSqlite(file: string, sql: string): Frame {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new ModelyardError('DATA_SOURCE', `cannot open SQLite file ${file}: ${(e as Error).message}`, { file });
  }
  try {
    let stmt: Database.Statement;
    try {
      stmt = db.prepare(sql);
    } catch (e) {
      throw new ModelyardError('DATA_SOURCE', `${file}: bad query: ${(e as Error).message}`, { file });
    }
    if (!stmt.reader) throw new ModelyardError('DATA_SOURCE', `${file}: the query returns no rows (not a SELECT)`, { file });
    const names = stmt.columns().map((c) => c.name);
    const cols: unknown[][] = names.map(() => []);
    for (const row of stmt.raw().iterate() as Iterable<unknown[]>) {
      for (let j = 0; j < names.length; j++) cols[j].push(row[j]);
    }
    return new Frame(names.map((name, j) => toColumn(name, cols[j])));
  } finally {
    db.close();
  }
}

/** SQLite is dynamically typed: a column is numeric when every present value is a number. */
export function toColumn(name: string, values: unknown[]): Column {
  let numeric = true;
  let integer = true;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'number' || typeof v === 'bigint') {
      if (typeof v === 'number' && !Number.isInteger(v)) integer = false;
    } else {
      numeric = false;
      break;
    }
  }
  if (numeric) {
    return numberColumn(name, Float64Array.from(values, (v) => (v === null || v === undefined ? NaN : Number(v))), integer ? 'integer' : 'float');
  }
  return encodeStrings(name, values.map((v) => (v === null || v === undefined ? null : String(v))));
}
