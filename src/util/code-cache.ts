/**
 * Loads a CommonJS file through V8's code cache. Node 20 compiles every ES module and CommonJS
 * file from source on each start (`module.enableCompileCache` arrives in Node 22); for a short CLI
 * command, compiling the one big vendored package it needs (Kysely, ~270 KB) is ~20 ms of the
 * process, and deserialising its code cache takes about half of that (bench/registry, measured
 * in-process: ESM import 20–25 ms, cached load ~12 ms).
 *
 * The cache file sits next to the source (`<file>.v8cache`) and is written at build time by
 * scripts/bundle-cli.mjs, never at run time (an installed package may be read-only). V8 checks
 * the cache against its own version, flags and the source before using it; a rejected or missing
 * cache means an ordinary compile. V8's own source check compares lengths only, so the cache
 * file holds the source it was made from as well as V8's data, and that copy is what runs: the
 * two cannot disagree, and loading reads one file. (Hashing the source instead cost 3–5 ms in
 * V8's interpreter, a third of the gain; a native hash means loading zlib or crypto, as much.)
 * The file is part of modelyard's own build output (dist/vendor), never stored or user-supplied
 * content. Layout: "MYC1", source byte length (uint32 LE), source (UTF-8), V8 code cache.
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const MAGIC = 0x3143594d; // "MYC1", little-endian

/** The CommonJS wrapper Node itself uses, so the file sees the usual module variables. */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

function compile(file: string, source: string, cachedData?: Buffer): vm.Script {
  return new vm.Script(wrap(source), {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
}

/** The source and V8 data a cache file holds, or undefined when there is none or it is not one. */
function readCache(file: string): { source: string; data: Buffer } | undefined {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(codeCachePath(file));
  } catch {
    return undefined;
  }
  if (raw.length < 8 || raw.readUInt32LE(0) !== MAGIC) return undefined;
  const end = 8 + raw.readUInt32LE(4);
  if (end > raw.length) return undefined;
  return { source: raw.toString('utf8', 8, end), data: raw.subarray(end) };
}

/** The cache file of `file`. */
export function codeCachePath(file: string): string {
  return `${file}.v8cache`;
}

/**
 * Runs a CommonJS file (with its code cache when one is present and V8 accepts it) and returns its
 * `module.exports`; `cacheUsed` says whether V8 took the cache.
 *
 * @example
 * ```ts
 * const { exports } = loadCommonJs(new URL('../vendor/kysely.cjs', import.meta.url));
 * ```
 */
export function loadCommonJs(file: string | URL): { exports: unknown; cacheUsed: boolean } {
  const f = typeof file === 'string' ? file : fileURLToPath(file);
  const cached = readCache(f);
  const script = cached ? compile(f, cached.source, cached.data) : compile(f, fs.readFileSync(f, 'utf8'));
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (e: unknown, r: NodeRequire, m: unknown, fn: string, dn: string) => void;
  run(module.exports, createRequire(f), module, f, path.dirname(f));
  return { exports: module.exports, cacheUsed: cached !== undefined && script.cachedDataRejected === false };
}

/**
 * Writes the code cache of a CommonJS file (build time). The script's top level is run first so
 * that the functions it calls while loading are compiled and cached too.
 */
export function writeCodeCache(file: string): number {
  const source = fs.readFileSync(file, 'utf8');
  const script = compile(file, source);
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (e: unknown, r: NodeRequire, m: unknown, fn: string, dn: string) => void)(module.exports, createRequire(file), module, file, path.dirname(file));
  const data = script.createCachedData();
  const text = Buffer.from(source, 'utf8');
  const header = Buffer.alloc(8);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(text.length, 4);
  fs.writeFileSync(codeCachePath(file), Buffer.concat([header, text, data]));
  return data.length;
}
