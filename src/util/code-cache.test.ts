import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../../test/helpers/build.js';
import { codeCachePath, loadCommonJs, writeCodeCache } from './code-cache.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-code-cache-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeAll(() => ensureBuilt(), 300_000);

function cjsFile(name: string, body: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, body);
  return f;
}

const SOURCE = `
const path = require('node:path');
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
module.exports = { fib, base: path.basename(__filename), dir: __dirname, later: () => import('node:os').then((m) => typeof m.cpus) };
`;

/**
 * Loads `file` in a fresh node process (the compiled module), as a CLI process does: V8 keeps the
 * scripts it compiled in a per-process cache keyed by their text, so a load in this process after
 * writeCodeCache would hit that cache and never consult the file's code cache.
 */
function loadInChild(file: string): { cacheUsed: boolean; fib10: number } {
  const mod = pathToFileURL(path.join(ROOT, 'dist/util/code-cache.js')).href;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(mod)}); const r = m.loadCommonJs(${JSON.stringify(file)}); console.log(JSON.stringify({ cacheUsed: r.cacheUsed, fib10: r.exports.fib(10) }));`], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(out);
}

describe('loadCommonJs', () => {
  it('runs a CommonJS file with its module variables', async () => {
    const f = cjsFile('a.cjs', SOURCE);
    const plain = loadCommonJs(f);
    expect(plain.cacheUsed).toBe(false);
    const a = plain.exports as { fib: (n: number) => number; base: string; dir: string; later: () => Promise<string> };
    expect([a.fib(20), a.base, a.dir]).toEqual([6765, 'a.cjs', dir]);
    // Dynamic import inside the script works (the main context's loader).
    expect(await a.later()).toBe('function');
  });

  it('a fresh process uses the code cache written at build time', () => {
    const f = cjsFile('b.cjs', SOURCE);
    expect(loadInChild(f)).toEqual({ cacheUsed: false, fib10: 55 });
    expect(writeCodeCache(f)).toBeGreaterThan(0);
    expect(loadInChild(f)).toEqual({ cacheUsed: true, fib10: 55 });
  });

  it('runs the source the cache was made from: a cache and its source cannot disagree', () => {
    const f = cjsFile('c.cjs', SOURCE);
    writeCodeCache(f);
    // The file changes after its cache was written, keeping its length (V8's own check compares
    // lengths only). The cache holds its own copy of the source, so what runs is consistent.
    const changed = SOURCE.replace('n - 1) + fib(n - 2)', 'n - 1) * fib(n - 2)');
    expect(changed.length).toBe(SOURCE.length);
    fs.writeFileSync(f, changed);
    expect(loadInChild(f)).toEqual({ cacheUsed: true, fib10: 55 });
    // Without the cache: the file as it is now.
    fs.rmSync(codeCachePath(f));
    expect(loadInChild(f)).toEqual({ cacheUsed: false, fib10: 0 });
  });

  it('compiles from source when V8 rejects the data, and ignores a file that is not a cache', () => {
    const f = cjsFile('d.cjs', SOURCE);
    writeCodeCache(f);
    const raw = fs.readFileSync(codeCachePath(f));
    const srcEnd = 8 + raw.readUInt32LE(4);
    // Header and source kept, V8's data replaced by bytes V8 must refuse.
    fs.writeFileSync(codeCachePath(f), Buffer.concat([raw.subarray(0, srcEnd), Buffer.alloc(raw.length - srcEnd, 7)]));
    expect(loadInChild(f)).toEqual({ cacheUsed: false, fib10: 55 });
    fs.writeFileSync(codeCachePath(f), Buffer.from('not a V8 code cache at all'));
    expect(loadInChild(f)).toEqual({ cacheUsed: false, fib10: 55 });
  });
});
