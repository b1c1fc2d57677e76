/**
 * The checkpoint thread moves WAL pages into the database file without a commit doing it: after
 * ≈ 600 pages (below SQLite's automatic threshold of 1,000, so no commit would checkpoint them) the
 * database file has grown by about their size, and everything reads back after reopening.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { group } from '../../../../test/helpers/log-fixtures.js';
import { checkpointWorkerUrl } from './checkpoint-thread.js';
import { openSqliteLogStore } from './sqlite-log-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function fill(checkpointThread: boolean): Promise<{ dbBytes: number; walBytes: number; file: string; rows: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-ckpt-'));
  dirs.push(dir);
  const file = path.join(dir, 'log.db');
  const s = await openSqliteLogStore({ file, checkpointThread });
  let rows = 0;
  try {
    // 500 groups of 100 rows (2 inputs and 2 probabilities as 8-byte floats, labels as JSON) ≈ 2 MB,
    // ≈ 500–700 WAL pages of 4 KiB with the commits' own pages.
    // In 10 commits, so few pages are rewritten between commits and the WAL stays below 1,000 pages.
    for (let i = 0; i < 10; i++) rows += await s.insert({ groups: Array.from({ length: 50 }, () => group(100)) });
    await new Promise((r) => setTimeout(r, 600));
    return { dbBytes: fs.statSync(file).size, walBytes: fs.statSync(`${file}-wal`).size, file, rows };
  } finally {
    await s.close();
  }
}

it('checkpoints the WAL on its own thread', async () => {
  expect(checkpointWorkerUrl(), 'the worker script is built (npm run build)').not.toBeNull();
  const off = await fill(false);
  const on = await fill(true);
  expect(on.rows).toBe(50_000);
  // Without the thread the pages stay in the WAL (below the automatic threshold); with it they reach the file.
  expect(off.walBytes).toBeGreaterThan(1_500_000);
  expect(off.dbBytes).toBeLessThan(300_000);
  expect(on.dbBytes).toBeGreaterThan(1_500_000);
  const again = await openSqliteLogStore({ file: on.file });
  try {
    expect((await again.counts()).predictions).toBe(50_000);
  } finally {
    await again.close();
  }
});
