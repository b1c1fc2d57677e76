import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workerScriptUrl } from './worker-url.js';

describe('workerScriptUrl', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-src-worker-url-'));
  const file = (rel: string): string => {
    const f = path.join(root, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, '');
    return f;
  };

  it('takes the script beside the calling module when it is there (dist/, bundle)', () => {
    const mod = file('dist/learn/gbdt/hist-pool.js');
    const w = file('dist/learn/gbdt/hist-worker.js');
    expect(workerScriptUrl(pathToFileURL(mod).href, 'hist-worker.js')?.href).toBe(pathToFileURL(w).href);
  });

  it("from src/, takes dist/'s copy at the same relative path (the last src/ of the path)", () => {
    const mod = file('src/log/stores/sqlite/insert-thread.ts');
    const w = file('dist/log/stores/sqlite/insert-worker.js');
    expect(workerScriptUrl(pathToFileURL(mod).href, 'insert-worker.js')?.href).toBe(pathToFileURL(w).href);
    // The project's root itself under a folder called src: still the project's dist/.
    const nested = file('src/proj/src/monitor/shadow-thread.ts');
    const nw = file('src/proj/dist/monitor/shadow-worker.js');
    expect(workerScriptUrl(pathToFileURL(nested).href, 'shadow-worker.js')?.href).toBe(pathToFileURL(nw).href);
  });

  it('null when no script exists (training and scoring then stay on the calling thread)', () => {
    const mod = file('src/learn/tree/parallel.ts');
    expect(workerScriptUrl(pathToFileURL(mod).href, 'tree-worker.js')).toBeNull();
    expect(workerScriptUrl(pathToFileURL(file('elsewhere/x.js')).href, 'x-worker.js')).toBeNull();
  });
});
