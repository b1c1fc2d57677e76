/**
 * UUID version 7 (RFC 9562 §5.7): 48-bit Unix milliseconds, then random bits. Ids sort by creation
 * time, which keeps the prediction log's primary-key index append-only (B-tree inserts at the right
 * edge) and lets `logs reconcile` scan by time. Within one millisecond a 12-bit counter in `rand_a`
 * (RFC 9562 §6.2, method 1) keeps ids from one process strictly increasing.
 */
import { randomFillSync } from 'node:crypto';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const POOL = new Uint8Array(16 * 256);
let poolPos = POOL.length;
let lastMs = -1;
let counter = 0;

const buf = new Uint8Array(16);

/**
 * A new UUIDv7 string (lower-case, hyphenated).
 *
 * @example
 * ```ts
 * const id = uuidv7(); // '019a8f6e-3b2c-7d41-8a9e-5f0c2b7d4e11'
 * ```
 */
export function uuidv7(nowMs: number = Date.now()): string {
  // Random bytes come from a pool refilled 256 ids at a time (one getrandom call, not one per id).
  if (poolPos + 16 > POOL.length) {
    randomFillSync(POOL);
    poolPos = 0;
  }
  const r = poolPos;
  poolPos += 16;
  let ms = Math.floor(nowMs);
  if (ms <= lastMs) {
    // Same (or earlier: clock stepped back) millisecond: bump the counter; on overflow borrow the next ms.
    counter++;
    if (counter > 0xfff) {
      lastMs++;
      counter = 0;
    }
    ms = lastMs;
  } else {
    lastMs = ms;
    counter = POOL[r + 6]! & 0x07; // random start, low enough to leave room for increments
  }
  // 48-bit big-endian milliseconds
  const hi = Math.floor(ms / 0x1000000);
  const lo = ms % 0x1000000;
  buf[0] = (hi >>> 16) & 0xff;
  buf[1] = (hi >>> 8) & 0xff;
  buf[2] = hi & 0xff;
  buf[3] = (lo >>> 16) & 0xff;
  buf[4] = (lo >>> 8) & 0xff;
  buf[5] = lo & 0xff;
  buf[6] = 0x70 | ((counter >>> 8) & 0x0f);
  buf[7] = counter & 0xff;
  buf[8] = 0x80 | (POOL[r + 8]! & 0x3f);
  for (let i = 9; i < 16; i++) buf[i] = POOL[r + i]!;
  // One template instead of 20 string appends.
  return `${HEX[buf[0]!]}${HEX[buf[1]!]}${HEX[buf[2]!]}${HEX[buf[3]!]}-${HEX[buf[4]!]}${HEX[buf[5]!]}-${HEX[buf[6]!]}${HEX[buf[7]!]}-${HEX[buf[8]!]}${HEX[buf[9]!]}-${HEX[buf[10]!]}${HEX[buf[11]!]}${HEX[buf[12]!]}${HEX[buf[13]!]}${HEX[buf[14]!]}${HEX[buf[15]!]}`;
}

/** `000` … `fff`: the row part of a grouped id (see {@link uuidv7Group}). */
export const HEX3: readonly string[] = Array.from({ length: 4096 }, (_, i) => i.toString(16).padStart(3, '0'));

/** Rows one id group can number (12 bits). */
export const GROUP_MAX_ROWS = 4096;

/**
 * The 33-character prefix of a block of up to 4,096 UUIDv7 ids, one per row of a batch: row `i` is
 * `prefix + HEX3[i]`. It is an ordinary {@link uuidv7} with the low 12 bits of `rand_b` given to a
 * row counter (RFC 9562 §6.2 allows any monotonic counter in the random bits), so the ids are
 * still valid, time-ordered UUIDv7s (50 random bits per block remain) and a batch's ids are
 * consecutive: the log stores one row per batch and finds a prediction by its id's prefix
 * (src/log/group.ts).
 *
 * @example
 * ```ts
 * const prefix = uuidv7Group();
 * const ids = [0, 1, 2].map((i) => prefix + HEX3[i]); // '…-…000', '…-…001', '…-…002'
 * ```
 */
export function uuidv7Group(nowMs: number = Date.now()): string {
  return uuidv7(nowMs).slice(0, 33);
}

/** The creation time (Unix ms) encoded in a UUIDv7. */
export function uuidv7Time(id: string): number {
  const hex = id.replace(/-/g, '').slice(0, 12);
  return parseInt(hex, 16);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** True when `s` is a well-formed UUIDv7. */
export function isUuidv7(s: string): boolean {
  return UUID_RE.test(s);
}
