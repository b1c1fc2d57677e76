/**
 * The artifact container: one file holding a JSON header and raw typed arrays, data only, never code.
 * The layout follows the idea of safetensors (a JSON header describing dtype/offset/length of raw
 * little-endian buffers, loaded as zero-copy views) with a sha256 trailer so that a single file
 * checks itself:
 *
 * ```
 * [0,8)        magic "MODELYRD"
 * [8,12)       container version (u32 LE)
 * [12,16)      header length H (u32 LE)
 * [16,16+H)    header: canonical JSON (sorted keys), UTF-8
 * pad to 8     zero bytes
 * data         arrays, each starting at an 8-byte-aligned offset (relative to data start)
 * last 32      sha256 of every byte before it
 * ```
 *
 * The sha256 of the whole file is the artifact's content address in the registry.
 */
import { createHash } from 'node:crypto';
import { ModelyardError } from '../errors.js';
import type { Json, TypedArray } from '../learn/types.js';

const MAGIC = Buffer.from('MODELYRD', 'latin1');
export const CONTAINER_VERSION = 1;
const TRAILER = 32;

const DTYPES = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array,
} as const;
type DType = keyof typeof DTYPES;

interface ArrayEntry {
  dtype: DType;
  offset: number;
  length: number;
}

export interface Decoded {
  header: Record<string, Json>;
  arrays: Record<string, TypedArray>;
  /** sha256 (hex) of the whole container. */
  sha256: string;
}

/** Serialises JSON with sorted object keys, so equal content gives equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) {
    // JSON has no NaN/Infinity: store them as strings the loader does not turn back (callers avoid them).
    return String(v);
  }
  return v;
}

function dtypeOf(a: TypedArray): DType {
  for (const [k, C] of Object.entries(DTYPES)) if (a instanceof C) return k as DType;
  throw new Error('unsupported typed array');
}

const align8 = (n: number): number => (n + 7) & ~7;

/**
 * Encodes a header and named arrays into container bytes.
 *
 * @example
 * ```ts
 * const bytes = encodeContainer({ format: 'modelyard.model' }, { 'tree/threshold': new Float64Array([0.5]) });
 * const { header, arrays, sha256 } = decodeContainer(bytes);
 * ```
 */
export function encodeContainer(header: Record<string, Json>, arrays: Record<string, TypedArray>): Buffer {
  const names = Object.keys(arrays).sort();
  const entries: Record<string, ArrayEntry> = {};
  let offset = 0;
  for (const name of names) {
    const a = arrays[name];
    entries[name] = { dtype: dtypeOf(a), offset, length: a.length };
    offset = align8(offset + a.byteLength);
  }
  const dataBytes = offset;
  const headerBytes = Buffer.from(canonicalJson({ ...header, __arrays: entries, __dataBytes: dataBytes }), 'utf8');
  const dataStart = align8(16 + headerBytes.length);
  const total = dataStart + dataBytes + TRAILER;
  const out = Buffer.alloc(total);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(CONTAINER_VERSION, 8);
  out.writeUInt32LE(headerBytes.length, 12);
  headerBytes.copy(out, 16);
  for (const name of names) {
    const a = arrays[name];
    const src = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    src.copy(out, dataStart + entries[name].offset);
  }
  const digest = createHash('sha256').update(out.subarray(0, total - TRAILER)).digest();
  digest.copy(out, total - TRAILER);
  return out;
}

/**
 * Decodes and verifies container bytes. Any flipped byte, truncation or foreign file raises
 * ARTIFACT_CORRUPT; a newer container version raises ARTIFACT_VERSION.
 */
export function decodeContainer(bytes: Uint8Array, label = 'artifact', expectedSha256?: string): Decoded {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 16 + TRAILER || !buf.subarray(0, 8).equals(MAGIC)) {
    throw new ModelyardError('ARTIFACT_CORRUPT', `${label} is not a modelyard artifact (bad magic or too short: ${buf.length} bytes)`, { file: label });
  }
  const sha256 = createHash('sha256').update(buf).digest('hex');
  if (expectedSha256 && sha256 !== expectedSha256) {
    throw new ModelyardError('ARTIFACT_CORRUPT', `${label} fails its sha256 check: expected ${expectedSha256}, got ${sha256}`, { file: label });
  }
  const body = buf.subarray(0, buf.length - TRAILER);
  const digest = createHash('sha256').update(body).digest();
  if (!digest.equals(buf.subarray(buf.length - TRAILER))) {
    throw new ModelyardError('ARTIFACT_CORRUPT', `${label} is corrupt or truncated (its sha256 trailer does not match its content)`, { file: label });
  }
  const version = buf.readUInt32LE(8);
  if (version > CONTAINER_VERSION) {
    throw new ModelyardError('ARTIFACT_VERSION', `${label} uses container version ${version}; this modelyard reads up to ${CONTAINER_VERSION}: upgrade modelyard`, { file: label });
  }
  const hlen = buf.readUInt32LE(12);
  if (16 + hlen > body.length) throw new ModelyardError('ARTIFACT_CORRUPT', `${label}: header length ${hlen} exceeds the file`, { file: label });
  let header: Record<string, Json>;
  try {
    header = JSON.parse(buf.subarray(16, 16 + hlen).toString('utf8')) as Record<string, Json>;
  } catch {
    throw new ModelyardError('ARTIFACT_CORRUPT', `${label}: header is not valid JSON`, { file: label });
  }
  const entries = header.__arrays as unknown as Record<string, ArrayEntry>;
  const dataBytes = header.__dataBytes as number;
  const dataStart = align8(16 + hlen);
  if (dataStart + dataBytes !== body.length) {
    throw new ModelyardError('ARTIFACT_CORRUPT', `${label}: expected ${dataStart + dataBytes + TRAILER} bytes, found ${buf.length}`, { file: label });
  }
  // Typed-array views need 8-byte alignment; copy once if the buffer is not aligned.
  let base = buf;
  if (buf.byteOffset % 8 !== 0) {
    const copy = new Uint8Array(new ArrayBuffer(buf.length));
    copy.set(buf);
    base = Buffer.from(copy.buffer, 0, copy.length);
  }
  const arrays: Record<string, TypedArray> = {};
  for (const [name, e] of Object.entries(entries)) {
    const C = DTYPES[e.dtype];
    if (!C) throw new ModelyardError('ARTIFACT_CORRUPT', `${label}: array "${name}" has unknown dtype ${e.dtype}`, { file: label });
    arrays[name] = new C(base.buffer as ArrayBuffer, base.byteOffset + dataStart + e.offset, e.length);
  }
  delete header.__arrays;
  delete header.__dataBytes;
  return { header, arrays, sha256 };
}

/** sha256 (hex) of bytes. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
