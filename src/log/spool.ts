/**
 * The spool: an append-only local file the writer falls back to while the log store is unreachable.
 * Each batch is appended as JSON lines and `fdatasync`ed before the append returns, so a durable
 * append that resolved is on disk even when the store was down. Files are segments
 * (`seg-<owner>-<uuidv7>.jsonl`, `owner` = pid + a random tag of the writer); the writer rotates to a new
 * segment before replaying, replays closed segments in order, and moves each replayed segment to
 * `replayed/` — kept so `logs reconcile` can prove every spooled row reached the store, and removed by
 * `logs reconcile --prune` once it has.
 *
 * A line is `{"id":"<id>","k":"p|f|e","r":<record>}`: the id comes first so reconcile can read ids
 * without parsing records. A process killed mid-write leaves at most a torn last line, which was never
 * acknowledged (the fsync had not returned) and is skipped on reading.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { uuidv7 } from '../util/uuidv7.js';
import type { EventRecord, FeedbackRecord, PredictionRecord } from './record.js';
import type { LogBatch } from './store.js';

export type SpoolKind = 'p' | 'f' | 'e';
export const REPLAYED_DIR = 'replayed';
const SEGMENT_RE = /^seg-(\d+)-([0-9a-f]+)-[0-9a-f-]{36}\.jsonl$/;

/** One batch as spool lines. */
export function spoolLines(b: LogBatch): string {
  let s = '';
  for (const r of b.predictions ?? []) s += `{"id":${JSON.stringify(r.id)},"k":"p","r":${JSON.stringify(r)}}\n`;
  for (const r of b.feedback ?? []) s += `{"id":${JSON.stringify(r.id)},"k":"f","r":${JSON.stringify(r)}}\n`;
  for (const r of b.events ?? []) s += `{"id":${JSON.stringify(r.id)},"k":"e","r":${JSON.stringify(r)}}\n`;
  return s;
}

/** Records read back from a segment. */
export interface SegmentContents {
  batch: { predictions: PredictionRecord[]; feedback: FeedbackRecord[]; events: EventRecord[] };
  /** Lines that did not parse (a torn last write). */
  torn: number;
}

/** Reads a segment's records. */
export function readSegment(file: string): SegmentContents {
  const text = fs.readFileSync(file, 'utf8');
  const out: SegmentContents = { batch: { predictions: [], feedback: [], events: [] }, torn: 0 };
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      out.torn++; // no newline: the write was cut short
      break;
    }
    const line = text.slice(start, nl);
    start = nl + 1;
    if (!line) continue;
    let row: { k: SpoolKind; r: unknown };
    try {
      row = JSON.parse(line) as { k: SpoolKind; r: unknown };
    } catch {
      out.torn++;
      continue;
    }
    if (row.k === 'p') out.batch.predictions.push(row.r as PredictionRecord);
    else if (row.k === 'f') out.batch.feedback.push(row.r as FeedbackRecord);
    else if (row.k === 'e') out.batch.events.push(row.r as EventRecord);
  }
  return out;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every segment file in a spool folder (pending first, then replayed), oldest first within each. */
export function listSegments(dir: string): { pending: string[]; replayed: string[] } {
  const list = (d: string): string[] => {
    try {
      return fs.readdirSync(d).filter((f) => SEGMENT_RE.test(f)).sort(bySegmentTime).map((f) => path.join(d, f));
    } catch {
      return [];
    }
  };
  return { pending: list(dir), replayed: list(path.join(dir, REPLAYED_DIR)) };
}

/** Segment names end in a UUIDv7, which sorts by creation time. */
function bySegmentTime(a: string, b: string): number {
  const ka = a.slice(-42);
  const kb = b.slice(-42);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * An open spool folder owned by one writer.
 *
 * @example
 * ```ts
 * const spool = new Spool('.modelyard/log-spool');
 * spool.append({ predictions: [record] }); // on disk when this returns
 * ```
 */
export class Spool {
  readonly dir: string;
  private readonly owner: string;
  private fd: number | null = null;
  private file: string | null = null;
  private rows = 0;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
    this.owner = `${process.pid}-${randomBytes(3).toString('hex')}`;
  }

  /** Appends a batch and fsyncs it; returns the rows written. Throws when the disk refuses. */
  append(b: LogBatch): number {
    const text = spoolLines(b);
    if (!text) return 0;
    if (this.fd === null) this.open();
    fs.writeSync(this.fd!, text);
    fs.fdatasyncSync(this.fd!);
    const n = (b.predictions?.length ?? 0) + (b.feedback?.length ?? 0) + (b.events?.length ?? 0);
    this.rows += n;
    return n;
  }

  /** Rows in the active segment (0 after {@link rotate}). */
  get activeRows(): number {
    return this.rows;
  }

  /** Closes the active segment; the next append starts a new one. */
  rotate(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    this.file = null;
    this.rows = 0;
  }

  /**
   * Segments to replay, oldest first: this writer's closed segments, and segments left by processes
   * that are no longer running (a crash). Segments of other live writers are theirs to replay.
   */
  pending(): string[] {
    return listSegments(this.dir).pending.filter((f) => {
      if (f === this.file) return false;
      const m = SEGMENT_RE.exec(path.basename(f))!;
      const owner = `${m[1]}-${m[2]}`;
      if (owner === this.owner) return true;
      return Number(m[1]) === process.pid ? false : !pidAlive(Number(m[1]));
    });
  }

  /**
   * Moves a replayed segment to `replayed/` (another process may have moved it first). With `ids`
   * (the segment's ids, as read for the replay) it first writes `<segment>.ids` beside it: one id per
   * line and a `#count <n>` trailer, so `logs reconcile` can check a replayed segment by reading
   * ≈ 37 bytes per row instead of the whole records (it falls back to the segment when the index is
   * missing or its count does not match).
   */
  markReplayed(file: string, ids?: readonly string[]): void {
    const dest = path.join(this.dir, REPLAYED_DIR);
    fs.mkdirSync(dest, { recursive: true });
    if (ids) fs.writeFileSync(path.join(dest, `${path.basename(file)}.ids`), `${ids.join('\n')}${ids.length ? '\n' : ''}#count ${ids.length}\n`);
    try {
      fs.renameSync(file, path.join(dest, path.basename(file)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }

  close(): void {
    this.rotate();
  }

  private open(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    this.file = path.join(this.dir, `seg-${this.owner}-${uuidv7()}.jsonl`);
    this.fd = fs.openSync(this.file, 'a');
    // Make the new file's directory entry durable too (a fsync of the file alone does not).
    const dfd = fs.openSync(this.dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  }
}
