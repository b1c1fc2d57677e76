/**
 * Where a worker thread's script is. Compiled code (dist/, or the CLI bundle, which rewrites each
 * module's `import.meta.url` to its file in dist/) finds the script next to the calling module. Tests
 * run the TypeScript sources (vitest), where a worker cannot start from `.ts`: there the script is
 * dist/'s compiled copy at the same relative path, when built. One resolver for every worker pool
 * (GBDT histograms and predict, tree growing, log inserts, shadow scoring).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The URL of worker script `script` (a `.js` file name) beside the module at `moduleUrl`, or of
 * dist/'s copy when that module is under src/; null when neither exists.
 *
 * @example
 * ```ts
 * const url = workerScriptUrl(import.meta.url, 'hist-worker.js'); // …/dist/learn/gbdt/hist-worker.js
 * if (url) new Worker(url);
 * ```
 */
export function workerScriptUrl(moduleUrl: string, script: string): URL | null {
  const here = new URL(`./${script}`, moduleUrl);
  if (here.protocol !== 'file:') return null;
  if (existsSync(fileURLToPath(here))) return here;
  const self = fileURLToPath(moduleUrl);
  // The last src/ of the path: the project's, not a parent folder that happens to be called src.
  const at = self.lastIndexOf(`${path.sep}src${path.sep}`);
  if (at < 0) return null;
  const rel = path.dirname(self.slice(at + 5));
  const built = path.join(self.slice(0, at), 'dist', rel, script);
  return existsSync(built) ? pathToFileURL(built) : null;
}
