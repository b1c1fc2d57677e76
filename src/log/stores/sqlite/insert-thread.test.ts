import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { PredictionRecord } from '../../record.js';
import type { LogStore } from '../../store.js';
import { isDataError } from '../../writer.js';
import { insertWorkerUrl } from './insert-thread.js';
import { openSqliteLogStore } from './sqlite-log-store.js';
import { expandGroup, groupId } from '../../group.js';
import { group } from '../../../../test/helpers/log-fixtures.js';

const dirs: string[] = [];
const stores: LogStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const open = async (thread: boolean): Promise<LogStore> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-insthread-'));
  dirs.push(dir);
  const s = await openSqliteLogStore({ file: path.join(dir, 'log.db'), thread });
  stores.push(s);
  return s;
};

const rec = (i: number, over: Partial<PredictionRecord> = {}): PredictionRecord => ({
  id: `0190000${String(i).padStart(5, '0')}`,
  time: 1_700_000_000_000 + i,
  model: 'credit',
  version: '1.0.0',
  segment: i % 3 ? null : 'QB',
  request_id: `req-${Math.floor(i / 10)}`,
  entity_id: i % 4 ? null : `lead-${i}`,
  inputs: i % 7 === 0 ? 'sha256:ab' : { age: i, plan: i % 2 ? 'pro' : null, ok: i % 5 === 0, score: i / 3 },
  prediction: i % 2 ? 'yes' : 'no',
  probabilities: { no: 0.5 - i / 1000, yes: 0.5 + i / 1000 },
  latency_ms: 1.25,
  role: 'primary',
  ...over,
});

it('the worker script is built (npm test builds first)', () => {
  expect(insertWorkerUrl()).not.toBeNull();
});

it('stores exactly what the in-thread store stores, in multi-row chunks (77 rows: 32 + 32 + 8 + 5 × 1)', async () => {
  const a = await open(true);
  const b = await open(false);
  const rows = Array.from({ length: 77 }, (_, i) => rec(i));
  const events = [{ id: 'e1', time: 5, kind: 'train', model: 'credit', version: '1.0.0', payload: { auc: 0.9 } }];
  const feedback = [{ id: 'f1', time: 6, prediction_id: rows[3]!.id, entity_id: null, actual: 'yes' }];
  expect(await a.insert({ predictions: rows, events, feedback })).toBe(79);
  expect(await b.insert({ predictions: rows, events, feedback })).toBe(79);
  expect(await a.predictions({})).toEqual(await b.predictions({}));
  expect(await a.events({})).toEqual(await b.events({}));
  // Idempotent by id, duplicates inside one batch included.
  expect(await a.insert({ predictions: [...rows.slice(0, 40), rec(100), rec(100)] })).toBe(1);
  expect((await a.counts()).predictions).toBe(78);
});

it('a refused row fails the whole batch with SQLite\'s code, so the writer sees a data error', async () => {
  const a = await open(true);
  const bad = rec(1, { model: null as unknown as string }); // NOT NULL
  const err = await a.insert({ predictions: [rec(0), bad] }).catch((e: unknown) => e);
  expect(isDataError(err)).toBe(true);
  expect((await a.counts()).predictions).toBe(0); // one transaction
  expect(await a.insert({ predictions: [rec(0)] })).toBe(1); // the thread is still usable
});

it('stores groups as the in-thread store does, and keeps ids unique across groups and rows', async () => {
  const a = await open(true);
  const b = await open(false);
  const gs = [group(5, { entity_ids: ['e0', null, null, 'e3', null] }), group(1), group(40)];
  expect(await a.insert({ groups: gs, predictions: [rec(1)] })).toBe(47);
  expect(await b.insert({ groups: gs, predictions: [rec(1)] })).toBe(47);
  expect(await a.predictions({})).toEqual(await b.predictions({}));
  expect(await a.matchEntities([{ entity_id: 'e3', time: Date.now() + 1 }], 60_000)).toEqual([groupId(gs[0]!.prefix, 3)]);
  expect(await a.insert({ predictions: expandGroup(gs[2]!) })).toBe(0);
  expect(await a.insert({ groups: gs })).toBe(0);
  expect((await a.counts()).predictions).toBe(47);
});
