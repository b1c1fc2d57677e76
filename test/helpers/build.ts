/**
 * Subprocess tests run the compiled CLI (`bin/modelyard.js` → `dist/`). `ensureBuilt()` compiles
 * with `tsconfig.build.json` when any non-test source file is newer than its compiled output, then
 * bundles it as `npm run build` does (scripts/bundle-cli.mjs; the launcher uses the bundle only
 * while it is newer than dist/cli/main.js), under a lock folder so that test files running in
 * parallel build once.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'modelyard.js');

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function stale(): boolean {
  for (const src of sources(path.join(ROOT, 'src'))) {
    const out = path.join(ROOT, 'dist', path.relative(path.join(ROOT, 'src'), src)).replace(/\.ts$/, '.js');
    try {
      if (fs.statSync(out).mtimeMs < fs.statSync(src).mtimeMs) return true;
    } catch {
      return true;
    }
  }
  return false;
}

function bundleStale(): boolean {
  const bundle = fs.statSync(path.join(ROOT, 'dist', 'bundle', 'main.js'), { throwIfNoEntry: false });
  const compiled = fs.statSync(path.join(ROOT, 'dist', 'cli', 'main.js'), { throwIfNoEntry: false });
  return !bundle || !compiled || bundle.mtimeMs < compiled.mtimeMs;
}

/** Builds dist/ (and its CLI bundle) if it is missing or older than src/. */
export function ensureBuilt(): void {
  if (!stale() && !bundleStale()) return;
  const lock = path.join(ROOT, '.build-lock');
  const t0 = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock older than 5 minutes is left over from a crash.
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 300_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      if (Date.now() - t0 > 300_000) throw new Error('timed out waiting for another build (.build-lock)');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (stale()) {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
    }
    if (bundleStale()) execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
