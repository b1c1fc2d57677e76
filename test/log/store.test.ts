/** The log store contract, on SQLite and Postgres. */
import { afterEach, expect, it } from 'vitest';
import { describeDialects, tmpDir } from '../helpers/registry-dialects.js';
import { event, feedback, freshStore, pred } from '../helpers/log-fixtures.js';
import type { LogStore } from '../../src/log/store.js';

describeDialects('log store', (ctx) => {
  let store: LogStore | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
  });
  const open = async (): Promise<LogStore> => {
    store = (await freshStore(ctx, tmpDir('spool'))).store;
    return store;
  };

  it('round-trips every field of every record kind', async () => {
    const s = await open();
    const p = pred({ segment: 'QB', entity_id: 'lead-1', prediction: 0.25, probabilities: null, inputs: { a: 1.5, b: null, c: 'x' }, role: 'shadow' });
    const p2 = pred({ inputs: 'sha256:abc', prediction: 'no' });
    const f = feedback({ prediction_id: p.id, actual: 1 });
    const e = event({ payload: { metrics: { auc: 0.91 }, nested: [1, 2] } });
    expect(await s.insert({ predictions: [p, p2], feedback: [f], events: [e] })).toBe(4);
    const got = await s.predictions({});
    expect(got).toHaveLength(2);
    const g = got.find((r) => r.id === p.id)!;
    expect(g).toEqual({ ...p, actual: 1, feedback_time: f.time });
    expect(got.find((r) => r.id === p2.id)).toEqual({ ...p2, actual: null, feedback_time: null });
    expect(await s.events({})).toEqual([e]);
    expect(await s.feedback({})).toEqual([f]);
    expect(await s.counts()).toEqual({ predictions: 2, feedback: 1, events: 1 });
  });

  it('is idempotent by id: a replayed batch and duplicates inside one batch insert nothing twice', async () => {
    const s = await open();
    const ps = Array.from({ length: 50 }, () => pred());
    const e = event();
    expect(await s.insert({ predictions: ps, events: [e] })).toBe(51);
    expect(await s.insert({ predictions: ps, events: [e] })).toBe(0);
    const extra = pred();
    expect(await s.insert({ predictions: [extra, extra, ps[0]!] })).toBe(1);
    expect((await s.counts()).predictions).toBe(51);
    expect(new Set(await s.ids('predictions')).size).toBe(51);
  });

  it('filters predictions by model, version, time window and role, and joins the latest outcome', async () => {
    const s = await open();
    const t0 = 1_700_000_000_000;
    const rows = [
      pred({ time: t0, model: 'a', version: '1.0.0' }),
      pred({ time: t0 + 1000, model: 'a', version: '1.0.0' }),
      pred({ time: t0 + 2000, model: 'a', version: '1.1.0' }),
      pred({ time: t0 + 3000, model: 'a', version: '1.1.0', role: 'shadow' }),
      pred({ time: t0 + 4000, model: 'b', version: '1.0.0' }),
    ];
    await s.insert({ predictions: rows });
    await s.insert({
      feedback: [
        feedback({ time: t0 + 10_000, prediction_id: rows[1]!.id, actual: 'no' }),
        feedback({ time: t0 + 20_000, prediction_id: rows[1]!.id, actual: 'yes' }), // the later one wins
        feedback({ time: t0 + 10_000, prediction_id: rows[2]!.id, actual: 'no' }),
      ],
    });
    const ids = (xs: { id: string }[]): string[] => xs.map((x) => x.id);
    expect(ids(await s.predictions({ model: 'a' }))).toEqual(ids(rows.slice(0, 4)));
    expect(ids(await s.predictions({ model: 'a', version: '1.1.0', role: 'primary' }))).toEqual([rows[2]!.id]);
    expect(ids(await s.predictions({ since: t0 + 1000, until: t0 + 3000 }))).toEqual([rows[1]!.id, rows[2]!.id]);
    const labelled = await s.predictions({ model: 'a', labelled: true });
    expect(labelled.map((r) => [r.id, r.actual, r.feedback_time])).toEqual([
      [rows[1]!.id, 'yes', t0 + 20_000],
      [rows[2]!.id, 'no', t0 + 10_000],
    ]);
    expect(ids(await s.predictions({ model: 'a', limit: 2, newest: true }))).toEqual([rows[2]!.id, rows[3]!.id]);
    expect(ids(await s.predictions({ limit: 1 }))).toEqual([rows[0]!.id]);
    expect((await s.feedback({ predictionIds: [rows[1]!.id] })).map((f) => f.actual)).toEqual(['no', 'yes']);
  });

  it('reads events by kind, model and time', async () => {
    const s = await open();
    const t0 = 1_700_000_000_000;
    const es = [
      event({ time: t0, kind: 'train' }),
      event({ time: t0 + 1, kind: 'evaluate', model: 'x' }),
      event({ time: t0 + 2, kind: 'alert', payload: { metric: 'psi', feature: 'age' } }),
    ];
    await s.insert({ events: es });
    expect((await s.events({ kind: 'alert' })).map((e) => e.payload)).toEqual([{ metric: 'psi', feature: 'age' }]);
    expect((await s.events({ kind: ['train', 'evaluate'] })).length).toBe(2);
    expect((await s.events({ model: 'x' })).map((e) => e.kind)).toEqual(['evaluate']);
    expect((await s.events({ since: t0 + 1 })).length).toBe(2);
    expect(await s.events({ kind: [] })).toEqual([]);
  });

  it('matches feedback by entity to the latest primary prediction inside the window', async () => {
    const s = await open();
    const t0 = 1_700_000_000_000;
    const a1 = pred({ time: t0, entity_id: 'lead-1' });
    const a2 = pred({ time: t0 + 5000, entity_id: 'lead-1' });
    const shadow = pred({ time: t0 + 6000, entity_id: 'lead-1', role: 'shadow' });
    const b = pred({ time: t0, entity_id: 'lead-2', model: 'other' });
    await s.insert({ predictions: [a1, a2, shadow, b] });
    const got = await s.matchEntities(
      [
        { entity_id: 'lead-1', time: t0 + 7000 }, // latest primary: a2
        { entity_id: 'lead-1', time: t0 + 4000 }, // before a2: a1
        { entity_id: 'lead-1', time: t0 + 100_000 }, // outside a 60 s window
        { entity_id: 'lead-2', time: t0 + 1 },
        { entity_id: 'nobody', time: t0 },
      ],
      60_000,
    );
    expect(got).toEqual([a2.id, a1.id, null, b.id, null]);
    expect(await s.matchEntities([{ entity_id: 'lead-2', time: t0 + 1 }], 60_000, 'churn')).toEqual([null]);
    expect(await s.matchEntities([], 1000)).toEqual([]);
  });

  it('takes a batch of 20,000 rows in one insert', async () => {
    const s = await open();
    const ps = Array.from({ length: 20_000 }, () => pred());
    expect(await s.insert({ predictions: ps })).toBe(20_000);
    expect((await s.ids('predictions')).length).toBe(20_000);
  });
});
