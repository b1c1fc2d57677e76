/** Plain-text tables for human CLI output (the `--json` output is the contract; this is for eyes). */

/**
 * Left-aligned columns separated by two spaces; cells are cut at `maxWidth` characters.
 *
 * @example
 * ```ts
 * formatTable(['NAME', 'LATEST'], [['credit', '1.0.2']]);
 * // NAME    LATEST
 * // credit  1.0.2
 * ```
 */
export function formatTable(headers: string[], rows: (string | number | null | undefined)[][], maxWidth = 60): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => cut(c === null || c === undefined ? '-' : String(c), maxWidth)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

function cut(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
