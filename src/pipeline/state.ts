/**
 * A pipeline's run state: per stage the cache key and the hashes it was built from, and a file hash
 * cache keyed by (size, mtime) so that large unchanged inputs are not re-read on every run.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Json } from '../learn/types.js';

export interface StageState {
  key: string;
  /** The parts of the key, kept to explain why a stage reruns. */
  code: string;
  params: string;
  inputs: Record<string, string>;
  /** Output path (relative to the pipeline folder) → sha256 when the stage finished. */
  outputs: Record<string, string>;
  finishedAt: string;
  seconds: number;
  result?: Json;
  registered?: { name: string; version: string; sha256: string };
}

export interface RunState {
  version: 1;
  stages: Record<string, StageState>;
  files: Record<string, { size: number; mtimeMs: number; sha256: string }>;
}

export function readState(file: string): RunState {
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8')) as RunState;
    if (s.version === 1 && s.stages && s.files) return s;
  } catch {
    // Missing or unreadable state means nothing is cached: every stage runs.
  }
  return { version: 1, stages: {}, files: {} };
}

/** Written atomically (temp + rename) after every stage, so a crash keeps finished stages cached. */
export function writeState(file: string, state: RunState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 1)}\n`);
  fs.renameSync(tmp, file);
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * sha256 of a file's bytes, reusing the cached hash when size and mtime are unchanged (as make and
 * DVC do; a same-size rewrite within the mtime resolution is the accepted blind spot).
 * Returns null when the file does not exist.
 */
export function hashFile(state: RunState, file: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return null;
  }
  if (!st.isFile()) return null;
  const cached = state.files[file];
  if (cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs) return cached.sha256;
  const h = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  const sha = h.digest('hex');
  state.files[file] = { size: st.size, mtimeMs: st.mtimeMs, sha256: sha };
  return sha;
}

/** JSON with sorted object keys, so that the same params always hash the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
