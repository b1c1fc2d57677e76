/**
 * Writing result tables (predictions, log exports) to CSV, JSON lines or Parquet. CSV quoting follows
 * RFC 4180; Parquet goes through DuckDB's appender and COPY, so types are exact (no re-sniffing).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ModelyardError } from '../errors.js';
import { ident, lit } from './read.js';

export interface OutColumn {
  name: string;
  type: 'number' | 'string';
  values: ArrayLike<number | string | null>;
}

export type OutFormat = 'csv' | 'jsonl' | 'parquet';

/** The format implied by a file name (`--out preds.parquet`), or a USAGE error naming the flag. */
export function formatOf(file: string, flag = '--out'): OutFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.parquet') return 'parquet';
  throw new ModelyardError('USAGE', `${flag} ${file}: unknown format "${ext}" (use .csv, .jsonl or .parquet)`, { flag });
}

/**
 * Writes columns to `file` in the format its extension names. The write is atomic: a temp file is
 * renamed into place, so a crash never leaves a half-written output under the final name.
 */
export async function writeTable(file: string, cols: readonly OutColumn[]): Promise<void> {
  const fmt = formatOf(file);
  const n = cols.length ? cols[0].values.length : 0;
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    if (fmt === 'parquet') await writeParquet(tmp, cols, n);
    else {
      const fd = fs.openSync(tmp, 'w');
      try {
        const write = (s: string): void => {
          fs.writeSync(fd, s);
        };
        if (fmt === 'csv') writeCsv(write, cols, n);
        else writeJsonl(write, cols, n);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    if (e instanceof ModelyardError) throw e;
    throw new ModelyardError('USAGE', `cannot write ${file}: ${(e as Error).message}`, { file, flag: '--out' });
  }
}

/** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(v: number | string | null): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function writeCsv(write: (s: string) => void, cols: readonly OutColumn[], n: number): void {
  write(`${cols.map((c) => csvField(c.name)).join(',')}\n`);
  const CHUNK = 4096;
  for (let start = 0; start < n; start += CHUNK) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(n, start + CHUNK); i++) lines.push(cols.map((c) => csvField(c.values[i])).join(','));
    write(`${lines.join('\n')}\n`);
  }
}

function writeJsonl(write: (s: string) => void, cols: readonly OutColumn[], n: number): void {
  const CHUNK = 4096;
  for (let start = 0; start < n; start += CHUNK) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(n, start + CHUNK); i++) {
      const o: Record<string, number | string | null> = {};
      for (const c of cols) {
        const v = c.values[i];
        o[c.name] = typeof v === 'number' && !Number.isFinite(v) ? null : v;
      }
      lines.push(JSON.stringify(o));
    }
    write(`${lines.join('\n')}\n`);
  }
}

async function writeParquet(file: string, cols: readonly OutColumn[], n: number): Promise<void> {
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  try {
    await con.run(`CREATE TABLE t (${cols.map((c) => `${ident(c.name)} ${c.type === 'number' ? 'DOUBLE' : 'VARCHAR'}`).join(', ')})`);
    const app = await con.createAppender('t');
    for (let i = 0; i < n; i++) {
      for (const c of cols) {
        const v = c.values[i];
        if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) app.appendNull();
        else if (c.type === 'number') app.appendDouble(Number(v));
        else app.appendVarchar(String(v));
      }
      app.endRow();
    }
    app.closeSync();
    await con.run(`COPY t TO ${lit(file)} (FORMAT parquet)`);
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}
