#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli/main.js and everything it imports, statically or on use)
// into dist/bundle/ with esbuild, so that a `modelyard` process reads a few files instead of
// ~50 modules plus Kysely's and pg's packages: module resolution and loading, not our code, is
// most of a short command's time (bench/registry). Run by `npm run build` after tsc.
//
// - Code splitting keeps each command's work in its own chunk, loaded on use as before.
// - `import.meta.url` in a bundled module is rewritten to the URL of the module's original file
//   in dist/, so worker scripts (learn/gbdt, learn/tree), package.json and other files found
//   next to a module still resolve to the compiled files.
// - Packages are bundled too (their many small files are what is slow to load: Kysely ~400,
//   Fastify and its plugins ~300), except those listed in EXTERNAL_PACKAGES. `__dirname` and
//   `__filename` in a bundled CommonJS file likewise become its original folder and file, so
//   packages that read their own files (swagger-ui's static assets) still find them.
// - bin/modelyard.js falls back to dist/cli/main.js when that is newer than the bundle (a plain
//   `tsc` rebuild after this script ran); dist/bundle/inputs.json lists the bundled dist/ files.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const OUT = path.join(DIST, 'bundle');
// Packages loaded from node_modules rather than bundled: native addons (found next to their own
// files) and optional drivers. pino's and thread-stream's transport workers are started from their
// original files (the __dirname rewrite). pg is bundled (its ~40 files took ~20 ms more to resolve
// and load than the one bundled copy, on every Postgres command): every module of ours takes it
// from src/util/pg.ts, so the bundle holds one instance.
const EXTERNAL_PACKAGES = /^(better-sqlite3|bindings|@duckdb\/[^/]+|pg-native|pg-cloudflare|tsx|esbuild|fsevents|typescript|vitest)(\/|$)/;
// src/util/pg.ts loads pg with a run-time require (so that its evaluation runs inside the
// navigator shim); in the bundle that becomes a bundled require, evaluated at the same point.
const PG_RUNTIME_REQUIRE = "createRequire(import.meta.url)('pg')";
const DIRNAME = /(?<![.\w$])__(dirname|filename)\b/g;

const STATIC_IMPORT = /^import (?:([\w$]+)|\{([^}]*)\}) from '([^'.][^']*)';$/gm;

/**
 * Our modules' static imports of Node built-ins and of external (CommonJS) packages, as `require`
 * (the chunk's createRequire, named `__myRequire` as a module may declare its own `require`).
 * An ES-module import of a built-in makes Node build a facade that reads every export, running
 * lazy getters such as fs.ReadStream (loads the streams modules) and crypto.webcrypto; one of a
 * CommonJS package first scans its source for export names (better-sqlite3: ~8 ms of a
 * `models list`). For both, `import x from` is `module.exports`, as `require` returns. tsc emits
 * only the two forms matched here.
 */
function requireExternals(src) {
  return src.replace(STATIC_IMPORT, (m, def, named, spec) => {
    if (!spec.startsWith('node:') && !EXTERNAL_PACKAGES.test(spec)) return m;
    if (spec === 'node:crypto' && named) return lazyCrypto(named);
    return def ? `const ${def} = __myRequire('${spec}');` : `const {${named.replace(/\b([\w$]+) as ([\w$]+)/g, '$1: $2')}} = __myRequire('${spec}');`;
  });
}

/**
 * `import { createHash, randomBytes as rb } from 'node:crypto'` as functions that load node:crypto
 * on first call (memoised): loading it costs ~7 ms, and `models list`, like most commands, hashes
 * nothing. Our modules import only functions from node:crypto, and call them.
 */
function lazyCrypto(named) {
  const load = "(__myCrypto ??= __myRequire('node:crypto'))";
  const fns = named.split(',').map((x) => x.trim()).filter(Boolean).map((x) => {
    const [name, local = name] = x.split(/\s+as\s+/);
    return `const ${local} = (...args) => ${load}.${name}(...args);`;
  });
  return `let __myCrypto; ${fns.join(' ')}`;
}

/** An expression for the original location of `file` (a folder when `dir`), relative to the chunk. */
function originalPath(file, dir) {
  const rel = path.relative(OUT, dir ? path.dirname(file) : file).split(path.sep).join('/');
  // Not `import.meta.url` here: that would make esbuild take the CommonJS file for an ES module.
  return `__myFileURLToPath(new URL(${JSON.stringify(rel || '.')}, __myChunkUrl))`;
}

const plugin = {
  name: 'modelyard-cli',
  setup(b) {
    // commander requires child_process at load for executable subcommands, which modelyard has
    // none of; loading it (and net) on first use instead keeps it out of every start-up.
    b.onResolve({ filter: /^node:child_process$/ }, (a) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(a.importer) ? { path: 'lazy-child-process', namespace: 'modelyard-lazy' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'modelyard-lazy' }, () => ({
      contents: "let m; const load = () => (m ??= require('node:child_process')); module.exports = { spawn: (...a) => load().spawn(...a) };",
      loader: 'js',
    }));
    // Bare specifiers: external unless listed above (relative requires inside bundled packages resolve normally).
    b.onResolve({ filter: /^[^./]/ }, (a) => {
      if (a.path.startsWith('node:')) return { external: true };
      return EXTERNAL_PACKAGES.test(a.path) ? { external: true } : undefined;
    });
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, async (a) => {
      const src = await fs.promises.readFile(a.path, 'utf8');
      if (!src.includes('__dirname') && !src.includes('__filename')) return undefined;
      return { contents: src.replace(DIRNAME, (_m, what) => originalPath(a.path, what === 'dirname')), loader: 'js', resolveDir: path.dirname(a.path) };
    });
    b.onLoad({ filter: /\.js$/ }, async (a) => {
      if (!a.path.startsWith(DIST + path.sep)) return undefined;
      // The stores' Kysely shim picks dist/vendor or the package at run time; here, Kysely is the
      // CommonJS build written below (KYSELY_CJS), loaded through its V8 code cache
      // (src/util/code-cache.ts): compiling Kysely is the largest single cost of a short registry
      // command. Chunks live in dist/bundle/, so the vendor folder is ../vendor from any of them.
      if (a.path === path.join(DIST, 'registry/stores/kysely.js')) {
        return {
          contents: [
            "import { loadCommonJs } from '../../util/code-cache.js';",
            "const mod = loadCommonJs(new URL('../vendor/kysely.cjs', import.meta.url)).exports;",
            'export const { Kysely, PostgresDialect, SqliteDialect, sql } = mod;',
          ].join('\n'),
          loader: 'js',
          resolveDir: path.dirname(a.path),
        };
      }
      let src = requireExternals(await fs.promises.readFile(a.path, 'utf8'));
      if (a.path === path.join(DIST, 'util/pg.js')) {
        if (!src.includes(PG_RUNTIME_REQUIRE)) throw new Error(`bundle-cli: ${a.path} no longer contains ${PG_RUNTIME_REQUIRE}`);
        src = src.replace(PG_RUNTIME_REQUIRE, 'require("pg")');
      }
      if (src.includes('import.meta.url')) {
        const rel = path.relative(OUT, a.path).split(path.sep).join('/');
        src = src.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`);
      }
      return { contents: src, loader: 'js', resolveDir: path.dirname(a.path) };
    });
  },
};

fs.rmSync(OUT, { recursive: true, force: true });
// Kysely as one CommonJS file for the bundle's code-cached load (see the plugin above).
const KYSELY_CJS = path.join(DIST, 'vendor/kysely.cjs');
await esbuild.build({
  entryPoints: ['kysely'],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outfile: KYSELY_CJS,
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
const result = await esbuild.build({
  entryPoints: [path.join(DIST, 'cli/main.js')],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: OUT,
  metafile: true,
  // Less to scan at load; identifiers are kept, so stack traces and function names stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  plugins: [plugin],
  // pg's optional native and Cloudflare drivers are required inside try/catch or on demand only.
  // CommonJS packages inside an ESM bundle: give them a real `require` for Node built-ins.
  banner: { js: "import { createRequire as __myCreateRequire } from 'node:module'; import { fileURLToPath as __myFileURLToPath } from 'node:url'; const require = __myCreateRequire(import.meta.url); const __myRequire = require; const __myChunkUrl = import.meta.url;" },
});
const inputs = Object.keys(result.metafile.inputs)
  .map((p) => path.resolve(ROOT, p))
  .filter((p) => p.startsWith(DIST + path.sep))
  .map((p) => path.relative(OUT, p).split(path.sep).join('/'));
fs.writeFileSync(path.join(OUT, 'inputs.json'), `${JSON.stringify(inputs)}\n`);
// The code cache of the Kysely build, written by a fresh node process with default flags: V8
// accepts a cache only under the flags (and V8 version) it was made with, i.e. a plain
// `modelyard …` process.
const made = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(path.join(DIST, 'util/code-cache.js')).href)}); m.writeCodeCache(${JSON.stringify(KYSELY_CJS)});`], { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '' } });
if (made.status !== 0) throw new Error(`bundle-cli: writing the code cache of ${KYSELY_CJS} failed`);
