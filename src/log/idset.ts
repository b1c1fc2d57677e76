/**
 * A set of log ids without a JavaScript string per id: canonical UUIDs (every id the log creates)
 * are parsed straight from text or bytes into four 32-bit words and kept in an open-addressing hash
 * table of typed arrays (linear probing, load ≤ 1/2; Knuth, TAOCP vol. 3, §6.4, algorithm L). Reconcile
 * holds a million store ids and scans millions of spool and export lines; with `Set<string>` the
 * garbage collector took most of that time. Ids that are not UUIDs fall back to a `Set<string>`.
 */
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[97 + i] = 10 + i;
  HEX[65 + i] = 10 + i;
}
const DASH = 45;

/**
 * @example
 * ```ts
 * const s = new IdSet(1000);
 * s.addString('0193a6f2-7c1e-7d41-8a9e-5f0c2b7d4e11'); // true
 * s.hasString('0193a6f2-7c1e-7d41-8a9e-5f0c2b7d4e11'); // true
 * ```
 */
export class IdSet {
  private keys: Uint32Array;
  private used: Uint8Array;
  private mask: number;
  private n = 0;
  private readonly other = new Set<string>();
  private readonly w = new Uint32Array(4);

  constructor(expected = 1024) {
    let cap = 1024;
    while (cap < expected * 2) cap *= 2;
    this.keys = new Uint32Array(cap * 4);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.n + this.other.size;
  }

  /** Adds the id `s.slice(start, end)`; true when it was not there. */
  addString(s: string, start = 0, end = s.length): boolean {
    return this.parseChars(s, start, end) ? this.insert() : addOther(this.other, s.slice(start, end));
  }

  hasString(s: string, start = 0, end = s.length): boolean {
    return this.parseChars(s, start, end) ? this.find() >= 0 : this.other.has(s.slice(start, end));
  }

  /** Adds the id in `buf[start, end)` (UTF-8 / Latin-1 bytes). */
  addBytes(buf: Uint8Array, start: number, end: number): boolean {
    return this.parseBytes(buf, start, end) ? this.insert() : addOther(this.other, Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8'));
  }

  hasBytes(buf: Uint8Array, start: number, end: number): boolean {
    return this.parseBytes(buf, start, end) ? this.find() >= 0 : this.other.has(Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8'));
  }

  private parseChars(s: string, start: number, end: number): boolean {
    if (end - start !== 36) return false;
    const w = this.w;
    let word = 0;
    let acc = 0;
    let digits = 0;
    for (let i = 0; i < 36; i++) {
      const c = s.charCodeAt(start + i);
      if (i === 8 || i === 13 || i === 18 || i === 23) {
        if (c !== DASH) return false;
        continue;
      }
      const v = c < 256 ? HEX[c]! : -1;
      if (v < 0) return false;
      acc = acc * 16 + v;
      if (++digits === 8) {
        w[word++] = acc;
        acc = 0;
        digits = 0;
      }
    }
    return true;
  }

  private parseBytes(b: Uint8Array, start: number, end: number): boolean {
    if (end - start !== 36) return false;
    const w = this.w;
    let word = 0;
    let acc = 0;
    let digits = 0;
    for (let i = 0; i < 36; i++) {
      const c = b[start + i]!;
      if (i === 8 || i === 13 || i === 18 || i === 23) {
        if (c !== DASH) return false;
        continue;
      }
      const v = HEX[c]!;
      if (v < 0) return false;
      acc = acc * 16 + v;
      if (++digits === 8) {
        w[word++] = acc;
        acc = 0;
        digits = 0;
      }
    }
    return true;
  }

  /** Slot of the parsed id, or -1. UUIDv7's last 62 bits are random, so the last word hashes well. */
  private find(): number {
    const w = this.w;
    const k = this.keys;
    let i = (Math.imul(w[3]! ^ w[1]!, 0x9e3779b1) >>> 0) & this.mask;
    while (this.used[i]) {
      const o = i * 4;
      if (k[o] === w[0] && k[o + 1] === w[1] && k[o + 2] === w[2] && k[o + 3] === w[3]) return i;
      i = (i + 1) & this.mask;
    }
    return -1 - i; // the free slot where it would go
  }

  private insert(): boolean {
    const f = this.find();
    if (f >= 0) return false;
    const i = -1 - f;
    const o = i * 4;
    this.keys[o] = this.w[0]!;
    this.keys[o + 1] = this.w[1]!;
    this.keys[o + 2] = this.w[2]!;
    this.keys[o + 3] = this.w[3]!;
    this.used[i] = 1;
    if (++this.n * 2 > this.used.length) this.grow();
    return true;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldUsed = this.used;
    const cap = oldUsed.length * 2;
    this.keys = new Uint32Array(cap * 4);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
    this.n = 0;
    const w = this.w;
    for (let i = 0; i < oldUsed.length; i++) {
      if (!oldUsed[i]) continue;
      w[0] = oldKeys[i * 4]!;
      w[1] = oldKeys[i * 4 + 1]!;
      w[2] = oldKeys[i * 4 + 2]!;
      w[3] = oldKeys[i * 4 + 3]!;
      this.insert();
    }
  }
}

function addOther(set: Set<string>, s: string): boolean {
  if (set.has(s)) return false;
  set.add(s);
  return true;
}
