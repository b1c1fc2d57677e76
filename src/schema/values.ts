/** Parsing of single text values into numbers, booleans and dates (used by validation and inference). */

/** Words accepted as booleans (lower case). */
export const BOOLEAN_WORDS = new Set(['yes', 'no', 'true', 'false', 'y', 'n', 't', 'f', '0', '1']);

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a decimal number written as text; NaN when it is not one. Accepts surrounding blanks,
 * a leading sign and exponents; rejects hex, '', 'Infinity' and thousands separators.
 */
export function parseNumber(s: string): number {
  const t = s.trim();
  if (!NUMBER_RE.test(t)) return NaN;
  return Number(t);
}

/** Parses an ISO-8601-like date or timestamp into epoch milliseconds (UTC when no zone); NaN if invalid. */
export function parseDate(s: string): number {
  const t = s.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return NaN;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(t) ? t.replace(' ', 'T') : `${t.replace(' ', 'T')}Z`;
  return Date.parse(iso);
}
