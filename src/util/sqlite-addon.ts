/**
 * better-sqlite3's native addon, located once. Without `nativeBinding`, better-sqlite3 finds its
 * addon through the `bindings` package, which loads two more modules and probes about a dozen
 * build folders (`build/Debug`, `out/Release`, …) with stat calls: ~3 ms of every short CLI
 * command that opens a registry (bench/registry). An npm install builds or downloads the addon to
 * `build/Release`; where it is not there (a custom build), better-sqlite3's own search is used.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

let found: { nativeBinding?: string } | undefined;

/**
 * Options to spread into `new Database(file, { ...sqliteAddon(), … })`.
 *
 * @example
 * ```ts
 * const db = new Database('registry.db', { ...sqliteAddon(), timeout: 5000 });
 * ```
 */
export function sqliteAddon(): { nativeBinding?: string } {
  if (found) return found;
  try {
    const pkg = createRequire(import.meta.url).resolve('better-sqlite3/package.json');
    const addon = path.join(path.dirname(pkg), 'build', 'Release', 'better_sqlite3.node');
    found = fs.statSync(addon, { throwIfNoEntry: false })?.isFile() ? { nativeBinding: addon } : {};
  } catch {
    found = {};
  }
  return found;
}
