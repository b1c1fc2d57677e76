import fs from 'node:fs';
import os from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { Frame, type Cell } from '../frame/frame.js';
import type { PredictionRecord } from '../log/record.js';
import type { Model } from '../model/model.js';
import { trainModel } from '../model/train.js';
import { modelToBytes } from '../artifact/model-artifact.js';
import { ShadowScorer } from './shadow.js';
import { ShadowThread, shadowWorkerUrl } from './shadow-thread.js';

let model: Model;
beforeAll(async () => {
  const rows = Array.from({ length: 200 }, (_, i) => ({ a: i % 17, b: i % 2 ? 'u' : 'v', y: i % 17 > 8 ? 'yes' : 'no' }));
  model = (await trainModel(Frame.fromRecords(rows), { target: 'y', learner: 'linear' })).model;
});

const primary = (n: number, req = 'r'): PredictionRecord[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${req}-${i}`, time: 1000 + i, model: 'm', version: '1.0.0', segment: null, request_id: req, entity_id: `e${i}`, inputs: null, prediction: 'no', probabilities: null, latency_ms: 1, role: 'primary' }));

describe('ShadowScorer', () => {
  it('scores later, in batches, with role shadow and shadow_of the champion row', async () => {
    const out: PredictionRecord[][] = [];
    const s = new ShadowScorer({ model, name: 'm', version: '2.0.0', write: (r) => out.push(r) });
    expect(s.submit([{ a: 3, b: 'u' }, { a: 15, b: 'v' }], primary(2, 'r1'))).toBe(true);
    expect(s.submit([{ a: 16, b: 'w' }], primary(1, 'r2'))).toBe(true); // unseen category: scored as missing
    expect(out).toEqual([]);
    await s.drain();
    expect(out).toHaveLength(1); // one predict call for both requests
    const rows = out[0];
    expect(rows.map((r) => [r.role, r.version, r.shadow_of, r.request_id, r.entity_id])).toEqual([
      ['shadow', '2.0.0', 'r1-0', 'r1', 'e0'],
      ['shadow', '2.0.0', 'r1-1', 'r1', 'e1'],
      ['shadow', '2.0.0', 'r2-0', 'r2', 'e0'],
    ]);
    expect(rows[0].prediction).toBe('no');
    expect(rows[1].prediction).toBe('yes');
    expect(rows[1].probabilities!.yes).toBeGreaterThan(0.5);
    expect(s.stats).toMatchObject({ submitted: 3, scored: 3, dropped: 0, failed: 0 });
  });

  it('drops work beyond the queue limit and never throws into the caller', async () => {
    const s = new ShadowScorer({ model, name: 'm', version: '2.0.0', maxPendingRows: 2, write: () => { throw new Error('log down'); } });
    expect(s.submit([{ a: 1, b: 'u' }, { a: 2, b: 'u' }], primary(2))).toBe(true);
    expect(s.submit([{ a: 1, b: 'u' }], primary(1))).toBe(false);
    expect(s.submit([{ a: 1, b: 'u' }], primary(2))).toBe(false); // rows and records must line up
    await s.drain();
    expect(s.stats).toMatchObject({ submitted: 2, dropped: 2, failed: 2, lastError: 'log down' });
  });

  it('with flushMs, rows submitted on separate turns gather into one batch', async () => {
    const calls: number[] = [];
    const predict = async (rows: readonly Record<string, Cell>[]) => {
      calls.push(rows.length);
      return { p: model.predict(Frame.fromRecords(rows, model.inputColumns), { unseen: 'missing' }), ms: 0 };
    };
    const out: PredictionRecord[] = [];
    const gathered = new ShadowScorer({ model, name: 'm', version: '2.0.0', flushMs: 50, predict, write: (r) => out.push(...r) });
    for (let i = 0; i < 5; i++) {
      expect(gathered.submit([{ a: i, b: 'u' }], primary(1, `r${i}`))).toBe(true);
      await new Promise((r) => setImmediate(r)); // a later event-loop turn
    }
    await gathered.drain();
    expect(calls).toEqual([5]);
    expect(out.map((r) => r.request_id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    // Without it, each turn's rows are posted on their own (the first alone, the rest while it was in flight).
    calls.length = 0;
    const eager = new ShadowScorer({ model, name: 'm', version: '2.0.0', predict, write: () => undefined });
    for (let i = 0; i < 5; i++) {
      eager.submit([{ a: i, b: 'u' }], primary(1));
      await new Promise((r) => setImmediate(r));
    }
    await eager.drain();
    expect(calls.length).toBeGreaterThan(1);
  });

  it.runIf(process.platform === 'linux')('the scoring thread runs at the nice value asked, the rest of the process at its own', async () => {
    const niceOfThreads = (): number[] =>
      fs.readdirSync('/proc/self/task').map((t) => Number(fs.readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1].split(' ')[16]));
    const own = os.getPriority();
    expect(niceOfThreads().filter((n) => n === 13)).toEqual([]);
    const thread = new ShadowThread(shadowWorkerUrl()!, modelToBytes(model), 'm@challenger', model.inputColumns, 13);
    try {
      await thread.predict([{ a: 1, b: 'u' }]); // the thread has started and set its priority
      expect(niceOfThreads().filter((n) => n === 13)).toHaveLength(1);
      expect(os.getPriority()).toBe(own);
    } finally {
      await thread.close();
    }
  });

  it('on a worker thread (shadow-thread.ts): the same shadow rows as scoring here', async () => {
    // From TypeScript sources the worker comes from dist/ (npm test builds it first).
    const url = shadowWorkerUrl();
    expect(url).not.toBeNull();
    const thread = new ShadowThread(url!, modelToBytes(model), 'm@challenger', model.inputColumns);
    try {
      const here: PredictionRecord[][] = [];
      const there: PredictionRecord[][] = [];
      const a = new ShadowScorer({ model, name: 'm', version: '2.0.0', write: (r) => here.push(r) });
      const b = new ShadowScorer({ model, name: 'm', version: '2.0.0', write: (r) => there.push(r), predict: (rows, t) => thread.predict(rows, t) });
      const rows = Array.from({ length: 50 }, (_, i) => ({ a: i % 17, b: i % 3 ? 'u' : 'w' }));
      for (const s of [a, b]) {
        expect(s.submit(rows.slice(0, 20), primary(20, 'r1'))).toBe(true);
        expect(s.submit(rows.slice(20), primary(30, 'r2'))).toBe(true);
      }
      // Submitting never scores synchronously, on either path.
      expect(here).toEqual([]);
      expect(there).toEqual([]);
      await a.drain();
      await b.drain();
      const strip = (r: PredictionRecord) => ({ ...r, id: '', latency_ms: 0 });
      expect(there.flat().map(strip)).toEqual(here.flat().map(strip));
      expect(b.stats).toMatchObject({ submitted: 50, scored: 50, dropped: 0, failed: 0 });
      // A full queue counts in-flight rows too: nothing more is accepted until the answer is back.
      const c = new ShadowScorer({ model, name: 'm', version: '2.0.0', maxPendingRows: 20, write: () => undefined, predict: (r, t) => thread.predict(r, t) });
      expect(c.submit(rows.slice(0, 20), primary(20))).toBe(true);
      await new Promise((r) => setImmediate(r)); // the batch is now on the thread
      expect(c.submit(rows.slice(0, 1), primary(1))).toBe(false);
      await c.drain();
      expect(c.stats).toMatchObject({ scored: 20, dropped: 1 });
    } finally {
      await thread.close();
    }
  });
});
