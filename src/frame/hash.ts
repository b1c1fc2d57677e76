/** A content hash of a frame (column names, types and values), recorded as the training data's sha256. */
import { createHash } from 'node:crypto';
import type { Frame } from './frame.js';

/**
 * sha256 over every column's name, type and values (strings through their dictionary), so the same
 * data gives the same hash whether it came from CSV, Parquet or SQL.
 */
export function frameSha256(frame: Frame): string {
  const h = createHash('sha256');
  h.update(`rows:${frame.nRows}\n`);
  for (const c of frame.columns) {
    h.update(`col:${c.name}:${c.type}\n`);
    if (c.type === 'number') {
      h.update(Buffer.from(c.values.buffer, c.values.byteOffset, c.values.byteLength));
    } else {
      h.update(JSON.stringify(c.dictionary));
      h.update(Buffer.from(c.codes.buffer, c.codes.byteOffset, c.codes.byteLength));
    }
  }
  return h.digest('hex');
}
