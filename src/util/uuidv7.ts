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

function randomBytes16(out: Uint8Array): void {
  if (poolPos + 16 > POOL.length) {
    randomFillSync(POOL);
    poolPos = 0;
  }
  out.set(POOL.subarray(poolPos, poolPos + 16));
  poolPos += 16;
}

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
  randomBytes16(buf);
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
    counter = buf[6]! & 0x07; // random start, low enough to leave room for increments
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
  buf[8] = 0x80 | (buf[8]! & 0x3f);
  let s = '';
  for (let i = 0; i < 16; i++) {
    s += HEX[buf[i]!]!;
    if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
  }
  return s;
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
