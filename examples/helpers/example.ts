/**
 * Test helpers for the examples: copy an example's sources to a temp folder (so runs never write
 * into the repository), shrink its data for CI unless MODELYARD_EXAMPLES_FULL=1, and run the CLI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.js';

export const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** True when the bigger data sizes of the README should be used (`MODELYARD_EXAMPLES_FULL=1`). */
export const FULL = process.env.MODELYARD_EXAMPLES_FULL === '1';

const GENERATED = new Set(['data', 'models', 'reports', '.modelyard-pipeline', '.modelyard', 'test', 'node_modules']);

/** Copies examples/<name> (sources only) into a fresh temp folder and returns it. */
export function copyExample(name: string): string {
  const dir = tempDir(`modelyard-example-${name}-`);
  const src = path.join(EXAMPLES, name);
  fs.cpSync(src, dir, { recursive: true, filter: (p) => !GENERATED.has(path.basename(p)) || path.dirname(p) !== src });
  return dir;
}

/** Replaces `from` with `to` in a file, failing the test when `from` is absent (the example changed). */
export function patch(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  expect(text, `${file} should contain ${from}`).toContain(from);
  fs.writeFileSync(file, text.replace(from, to));
}
