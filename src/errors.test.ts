import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, ModelyardError, toModelyardError } from './errors.js';

const doc = fs.readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');

describe('error catalog', () => {
  it('docs/errors.md lists every code with its HTTP status and exit code', () => {
    for (const [code, e] of Object.entries(ERROR_CATALOG)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`));
      expect(row, `docs/errors.md has no row for ${code}`).toBeDefined();
      const cells = row!.split('|').map((c) => c.trim());
      expect(Number(cells[2]), `${code} HTTP status`).toBe(e.status);
      expect(Number(cells[3]), `${code} exit code`).toBe(e.exit);
    }
  });

  it('docs/errors.md lists no code that the catalog lacks', () => {
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.filter((c) => !(c in ERROR_CATALOG))).toEqual([]);
  });

  it('uses the documented exit codes: 1 internal, 2 bad input, 3 not found', () => {
    for (const e of Object.values(ERROR_CATALOG)) expect([1, 2, 3]).toContain(e.exit);
    expect(new ModelyardError('MODEL_NOT_FOUND', 'x').exitCode).toBe(3);
    expect(toModelyardError(new Error('boom')).code).toBe('INTERNAL');
  });
});
