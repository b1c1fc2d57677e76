/**
 * `logs reconcile`: compares the spool (pending and replayed segments), export files and the store;
 * reports gaps (ids present in the spool or an export but not in the store) and duplicates (an id
 * appearing more than once within one source), and repairs gaps by inserting the missing rows
 * (idempotent by id, so running it twice, or while a writer replays, stores nothing twice).
 * Seed 002 reconciled its CSV log against Postgres the same way, for 1,000 rows in < 5 s; this does
 * 1,000,000 (bench/log).
 *
 * Speed: ids are read without parsing rows — a spool line and a JSON-lines export start with
 * `{"id":"<id>"`, a CSV export with `<id>,` — and compared through one hash set of the store's ids.
 * Only the rows of a gap are parsed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { lit } from '../frame/read.js';
import { formatOf } from '../frame/write.js';
import { ModelyardError } from '../errors.js';
import type { EventRecord, FeedbackRecord, PredictionRecord } from './record.js';
import { EXPORT_COLUMNS, recordFromExport } from './export.js';
import { listSegments } from './spool.js';
import { IdSet } from './idset.js';
import type { LogStore } from './store.js';

export interface ReconcileOptions {
  store: LogStore;
  /** The spool folder (pending and `replayed/` segments are both compared). */
  spoolDir?: string;
  /** Export files (`logs export` output: .csv, .jsonl, .parquet). */
  exports?: readonly string[];
  /** Insert the missing rows (default true). */
  repair?: boolean;
  /** Delete replayed spool segments once every row in them is in the store. */
  prune?: boolean;
}

export interface SourceReport {
  source: string;
  files: number;
  rows: number;
  /** Ids seen more than once in this source (beyond the first). */
  duplicates: number;
  /** Distinct ids not in the store. */
  gaps: number;
  /** Unreadable lines (a torn last spool write). */
  torn: number;
}

export interface ReconcileReport {
  store: { predictions: number; feedback: number; events: number };
  sources: SourceReport[];
  /** Distinct ids found in any source but not in the store. */
  gaps: number;
  duplicates: number;
  /** Rows inserted by the repair. */
  repaired: number;
  /** Gaps left after the repair (0 unless `repair: false`). */
  remaining_gaps: number;
  /** Replayed segments deleted (`prune`). */
  pruned: number;
  seconds: number;
}

let chunkBuf = Buffer.allocUnsafe(4 << 20);

/**
 * Calls `fn(buf, start, end)` for each line of a file (without its newline; a last line without one
 * included), reading through one reused 4 MB buffer: reconcile reads hundreds of megabytes, and a
 * whole-file read would allocate (and page-fault in) that much memory each time. `buf` is only valid
 * during the call.
 */
export function forEachLine(file: string, skipFirst: boolean, fn: (buf: Buffer, s: number, e: number) => void, chunkBytes?: number): void {
  if (chunkBytes) chunkBuf = Buffer.allocUnsafe(chunkBytes); // tests: exercise lines across chunk boundaries
  const fd = fs.openSync(file, 'r');
  try {
    let filled = 0; // bytes in chunkBuf, starting at 0
    let first = skipFirst;
    for (;;) {
      if (filled === chunkBuf.length) {
        // One line longer than the buffer: grow it.
        const bigger = Buffer.allocUnsafe(chunkBuf.length * 2);
        chunkBuf.copy(bigger, 0, 0, filled);
        chunkBuf = bigger;
      }
      const got = fs.readSync(fd, chunkBuf, filled, chunkBuf.length - filled, null);
      const end = filled + got;
      let pos = 0;
      for (;;) {
        const nl = chunkBuf.indexOf(10, pos);
        if (nl < 0 || nl >= end) break;
        if (first) first = false;
        else if (nl > pos) fn(chunkBuf, pos, nl);
        pos = nl + 1;
      }
      if (got === 0) {
        if (end > pos && !first) fn(chunkBuf, pos, end);
        return;
      }
      chunkBuf.copy(chunkBuf, 0, pos, end);
      filled = end - pos;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Where the id ends in a line whose id starts at `s + prefixLen` and ends at `terminator`, or -1. */
function idEnd(buf: Buffer, s: number, e: number, prefixLen: number, terminator: number): number {
  const at = buf.indexOf(terminator, s + prefixLen);
  return at > s + prefixLen && at < e ? at : -1;
}

interface Gap {
  kind: 'p' | 'f' | 'e';
  record: unknown;
}

/** Adds newline-separated ids (text, or bytes from SQLite) to `set`. */
function addIdText(set: IdSet, text: string | Uint8Array): number {
  let n = 0;
  if (typeof text !== 'string') {
    const b = Buffer.from(text.buffer, text.byteOffset, text.byteLength);
    let s = 0;
    while (s < b.length) {
      let e = b.indexOf(10, s);
      if (e < 0) e = b.length;
      if (e > s) {
        set.addBytes(b, s, e);
        n++;
      }
      s = e + 1;
    }
    return n;
  }
  let s = 0;
  while (s < text.length) {
    let e = text.indexOf('\n', s);
    if (e < 0) e = text.length;
    if (e > s) {
      set.addString(text, s, e);
      n++;
    }
    s = e + 1;
  }
  return n;
}

/** Calls `fn` for each newline-separated id in `b`. */
function addIdTextVisit(b: Buffer, fn: (b: Buffer, s: number, e: number) => void): void {
  let s = 0;
  while (s < b.length) {
    let e = b.indexOf(10, s);
    if (e < 0) e = b.length;
    if (e > s) fn(b, s, e);
    s = e + 1;
  }
}

/** The ids of a replayed segment from its `.ids` index, or null when the index is missing or incomplete. */
function readIdIndex(segment: string): Buffer | null {
  let b: Buffer;
  try {
    b = fs.readFileSync(`${segment}.ids`);
  } catch {
    return null;
  }
  const tail = b.lastIndexOf('#count ');
  if (tail < 0 || (tail > 0 && b[tail - 1] !== 10)) return null;
  const count = Number(b.toString('latin1', tail + 7).trim());
  const body = b.subarray(0, tail);
  let lines = 0;
  for (let p = body.indexOf(10); p >= 0; p = body.indexOf(10, p + 1)) lines++;
  return Number.isInteger(count) && count === lines ? body : null;
}

/**
 * @example
 * ```ts
 * const report = await reconcile({ store, spoolDir: '.modelyard/log-spool', exports: ['log.csv'] });
 * report.gaps; // 0 when every spooled and exported row is in the store
 * ```
 */
export async function reconcile(opts: ReconcileOptions): Promise<ReconcileReport> {
  const t0 = performance.now();
  const repair = opts.repair ?? true;
  const texts = await Promise.all([opts.store.idText('predictions'), opts.store.idText('feedback'), opts.store.idText('events')]);
  // Sized up front (a UUID line is 37 characters) so the table never rehashes while filling.
  const inStore = new IdSet(Math.ceil(texts.reduce((a, t) => a + t.length, 0) / 37) + 1024);
  const counts = { predictions: addIdText(inStore, texts[0]), feedback: addIdText(inStore, texts[1]), events: addIdText(inStore, texts[2]) };
  const gaps = new Map<string, Gap>();
  const sources: SourceReport[] = [];

  // ---- the spool ----------------------------------------------------------------------------
  const segs = opts.spoolDir ? listSegments(opts.spoolDir) : { pending: [], replayed: [] };
  const segFiles = [...segs.pending, ...segs.replayed];
  if (opts.spoolDir) {
    const rep: SourceReport = { source: `spool ${opts.spoolDir}`, files: segFiles.length, rows: 0, duplicates: 0, gaps: 0, torn: 0 };
    const seen = new IdSet(1 << 16);
    const replayed = new Set(segs.replayed);
    for (const f of segFiles) {
      // A replayed segment with an intact id index: check ids only, and read the records only
      // when some are missing from the store.
      const index = replayed.has(f) ? readIdIndex(f) : null;
      if (index) {
        let missing = 0;
        addIdTextVisit(index, (b, s, e) => {
          rep.rows++;
          if (!seen.addBytes(b, s, e)) rep.duplicates++;
          if (!inStore.hasBytes(b, s, e)) missing++;
        });
        if (missing === 0) continue;
      }
      forEachLine(f, false, (buf, s, e) => {
        const ie = idEnd(buf, s, e, 7, 34);
        if (ie < 0) {
          rep.torn++;
          return;
        }
        if (!index) {
          rep.rows++;
          if (!seen.addBytes(buf, s + 7, ie)) rep.duplicates++;
        }
        if (inStore.hasBytes(buf, s + 7, ie)) return;
        const id = buf.toString('utf8', s + 7, ie);
        if (gaps.has(id)) return;
        try {
          const line = JSON.parse(buf.toString('utf8', s, e)) as { k: Gap['kind']; r: unknown };
          gaps.set(id, { kind: line.k, record: line.r });
          rep.gaps++;
        } catch {
          rep.torn++; // the id survived but the rest of the line was cut short
        }
      });
    }
    sources.push(rep);
  }

  // ---- exports ------------------------------------------------------------------------------
  for (const file of opts.exports ?? []) {
    if (!fs.existsSync(file)) throw new ModelyardError('FILE_NOT_FOUND', `export file ${file} does not exist`, { file, flag: '--export' });
    const fmt = formatOf(file, '--export');
    const rep: SourceReport = { source: `export ${file}`, files: 1, rows: 0, duplicates: 0, gaps: 0, torn: 0 };
    const seen = new IdSet(1 << 16);
    if (fmt === 'parquet') {
      const missing: string[] = [];
      for (const id of await parquetIds(file)) {
        rep.rows++;
        if (!seen.addString(id)) rep.duplicates++;
        if (inStore.hasString(id) || gaps.has(id)) continue;
        rep.gaps++;
        gaps.set(id, { kind: 'p', record: null });
        missing.push(id);
      }
      for (const r of await parquetRows(file, missing)) gaps.set(r.id, { kind: 'p', record: r });
    } else {
      const csv = fmt === 'csv';
      let cols: string[] = [];
      if (csv) {
        const fd = fs.openSync(file, 'r');
        const head = Buffer.alloc(4096);
        const n = fs.readSync(fd, head, 0, head.length, 0);
        fs.closeSync(fd);
        const nl = head.subarray(0, n).indexOf(10);
        cols = parseCsvLine(head.toString('utf8', 0, nl < 0 ? n : nl));
        if (cols[0] !== 'id') throw new ModelyardError('DATA_PARSE', `${file}: not a log export (first column is "${cols[0]}", expected "id")`, { file });
      }
      const prefix = csv ? 0 : 7;
      const term = csv ? 44 : 34;
      forEachLine(file, csv, (buf, s, e) => {
        const ie = idEnd(buf, s, e, prefix, term);
        if (ie < 0) {
          rep.torn++;
          return;
        }
        rep.rows++;
        if (!seen.addBytes(buf, s + prefix, ie)) rep.duplicates++;
        if (inStore.hasBytes(buf, s + prefix, ie)) return;
        const id = buf.toString('utf8', s + prefix, ie);
        if (gaps.has(id)) return;
        rep.gaps++;
        let o: Record<string, unknown>;
        if (csv) {
          const vals = parseCsvLine(buf.toString('utf8', s, e));
          o = {};
          cols.forEach((c, i) => (o[c] = vals[i] ?? ''));
        } else o = JSON.parse(buf.toString('utf8', s, e)) as Record<string, unknown>;
        gaps.set(id, { kind: 'p', record: recordFromExport(o) });
      });
    }
    sources.push(rep);
  }

  // ---- repair -------------------------------------------------------------------------------
  let repaired = 0;
  const missingRows = [...gaps.values()].filter((g) => g.record !== null);
  if (repair && missingRows.length > 0) {
    const CHUNK = 5000;
    for (let i = 0; i < missingRows.length; i += CHUNK) {
      const part = missingRows.slice(i, i + CHUNK);
      repaired += await opts.store.insert({
        predictions: part.filter((g) => g.kind === 'p').map((g) => g.record as PredictionRecord),
        feedback: part.filter((g) => g.kind === 'f').map((g) => g.record as FeedbackRecord),
        events: part.filter((g) => g.kind === 'e').map((g) => g.record as EventRecord),
      });
    }
  }
  const remaining = repair ? gaps.size - repaired : gaps.size;

  let pruned = 0;
  if (opts.prune && remaining <= 0) {
    for (const f of segs.replayed) {
      fs.rmSync(f, { force: true });
      fs.rmSync(`${f}.ids`, { force: true });
      pruned++;
    }
  }
  return {
    store: counts,
    sources,
    gaps: gaps.size,
    duplicates: sources.reduce((a, s) => a + s.duplicates, 0),
    repaired,
    remaining_gaps: Math.max(0, remaining),
    pruned,
    seconds: Number(((performance.now() - t0) / 1000).toFixed(3)),
  };
}

/** Splits one CSV line (RFC 4180 quoting; a log export has no line breaks inside fields). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          s += line.slice(i);
          i = n;
          break;
        }
        s += line.slice(i, q);
        if (line[q + 1] === '"') {
          s += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(s);
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? n : c;
      out.push(line.slice(i, end).replace(/\r$/, ''));
      i = end;
    }
    if (i >= n || line[i] !== ',') break;
    i++;
    if (i === n) {
      out.push('');
      break;
    }
  }
  return out;
}

async function withDuck<T>(fn: (run: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  try {
    return await fn(async (q) => (await con.runAndReadAll(q)).getRowObjectsJS() as Record<string, unknown>[]);
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}

async function parquetIds(file: string): Promise<string[]> {
  return withDuck(async (run) => (await run(`SELECT id FROM read_parquet(${lit(path.resolve(file))})`)).map((r) => String(r.id)));
}

async function parquetRows(file: string, ids: readonly string[]): Promise<PredictionRecord[]> {
  if (ids.length === 0) return [];
  return withDuck(async (run) => {
    const rows = await run(
      `SELECT ${EXPORT_COLUMNS.map((c) => `"${c}"`).join(', ')} FROM read_parquet(${lit(path.resolve(file))}) WHERE id IN (${ids.map(lit).join(', ')})`,
    );
    return rows.map(recordFromExport);
  });
}
