/**
 * The first line of a text file, used only to cross-check DuckDB's sniffed column count (a ragged
 * file makes the sniffer fall back to a single column). Data rows are never parsed here.
 */
import fs from 'node:fs';

/** The first line of `file` without BOM or line ending, or null for an empty file. */
export function readFirstLine(file: string, maxBytes = 1 << 20): string | null {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(maxBytes, fs.fstatSync(fd).size));
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    let text = buf.subarray(0, n).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.length === 0) return null;
    const end = text.search(/\r?\n/);
    return end < 0 ? text : text.slice(0, end);
  } finally {
    fs.closeSync(fd);
  }
}

/** Splits one header line on `delim`, honouring double quotes (RFC 4180: "" is an escaped quote). */
export function splitHeaderLine(line: string, delim: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delim) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
