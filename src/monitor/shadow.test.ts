import { beforeAll, describe, expect, it } from 'vitest';
import { Frame } from '../frame/frame.js';
import type { PredictionRecord } from '../log/record.js';
import type { Model } from '../model/model.js';
import { trainModel } from '../model/train.js';
import { ShadowScorer } from './shadow.js';

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
});
