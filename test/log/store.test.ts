/** The log store contract, on SQLite and Postgres. */
import { afterEach, expect, it } from 'vitest';
import { describeDialects, tmpDir } from '../helpers/registry-dialects.js';
import { event, feedback, freshStore, group, pred } from '../helpers/log-fixtures.js';
import { expandGroup, groupId, inputCodec } from '../../src/log/group.js';
import type { LogStore } from '../../src/log/store.js';
import { openLogStore, type LogLocation } from '../../src/log/location.js';

describeDialects('log store', (ctx) => {
  let store: LogStore | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
  });
  let loc: LogLocation | null = null;
  const open = async (): Promise<LogStore> => {
    const f = await freshStore(ctx, tmpDir('spool'));
    store = f.store;
    loc = f.loc;
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

  it('stores a request as one group and reads it back as ordinary rows (ids, inputs kept as sent, outcomes, counts)', async () => {
    const s = await open();
    const t0 = 1_700_000_000_000;
    const g = group(5, { time: t0 + 1000, entity_ids: ['e0', null, 'e2', null, null] });
    const before = pred({ time: t0 });
    const after = pred({ time: t0 + 2000 });
    expect(await s.insert({ groups: [g], predictions: [before, after] })).toBe(7);
    const rows = expandGroup(g);
    expect(rows[0]!.inputs).toEqual({ age: '30', plan: 'free' }); // the exception, as sent
    expect(rows[1]!.inputs).toEqual({ age: null, plan: 'pro' });
    expect(rows[2]!.inputs).toEqual({ age: 32, plan: null });
    const fb = feedback({ time: t0 + 5000, prediction_id: rows[3]!.id, actual: 'no' });
    await s.insert({ feedback: [fb] });
    const got = await s.predictions({});
    expect(got.map((r) => r.id)).toEqual([before.id, ...rows.map((r) => r.id), after.id]);
    expect(got[4]).toEqual({ ...rows[3], actual: 'no', feedback_time: fb.time });
    expect(got[1]).toEqual({ ...rows[0], actual: null, feedback_time: null });
    expect((await s.predictions({ labelled: true })).map((r) => r.id)).toEqual([rows[3]!.id]);
    expect((await s.predictions({ limit: 3, newest: true })).map((r) => r.id)).toEqual([rows[3]!.id, rows[4]!.id, after.id]);
    expect((await s.predictions({ limit: 2 })).map((r) => r.id)).toEqual([before.id, rows[0]!.id]);
    expect((await s.predictions({ since: t0 + 500, until: t0 + 1500 })).length).toBe(5);
    expect((await s.predictions({ role: 'shadow' })).length).toBe(0);
    expect((await s.predictions({ model: 'other' })).length).toBe(0);
    expect(await s.counts()).toEqual({ predictions: 7, feedback: 1, events: 0 });
    const ids = new Set(await s.ids('predictions'));
    expect(ids.size).toBe(7);
    for (const r of rows) expect(ids.has(r.id)).toBe(true);
    const text = await s.idText('predictions');
    const fromText = new Set((typeof text === 'string' ? text : Buffer.from(text).toString('latin1')).split('\n').filter(Boolean));
    expect(fromText).toEqual(ids);
    const beyond = groupId(g.prefix, 5); // same prefix, past the group's last row
    expect(await s.existing('predictions', [rows[0]!.id, rows[4]!.id, beyond, before.id])).toEqual(new Set([rows[0]!.id, rows[4]!.id, before.id]));
    // Entity ids of grouped rows are matched like a row's, the latest across both tables.
    const late = pred({ time: t0 + 1500, entity_id: 'e2' });
    await s.insert({ predictions: [late] });
    expect(await s.matchEntities([{ entity_id: 'e0', time: t0 + 3000 }, { entity_id: 'e2', time: t0 + 3000 }, { entity_id: 'e2', time: t0 + 1200 }], 60_000)).toEqual([
      rows[0]!.id, late.id, rows[2]!.id,
    ]);
    expect(await s.matchEntities([{ entity_id: 'e0', time: t0 + 3000 }], 60_000, 'other')).toEqual([null]);
  });

  it('keeps every grouped id unique across both tables (replays of a group as rows, and of rows as a group)', async () => {
    const s = await open();
    const g = group(4);
    expect(await s.insert({ groups: [g] })).toBe(4);
    expect(await s.insert({ groups: [g] })).toBe(0);
    expect(await s.insert({ predictions: expandGroup(g) })).toBe(0); // the spool's expanded copy
    const h = group(3);
    expect(await s.insert({ predictions: expandGroup(h).slice(0, 1) })).toBe(1);
    expect(await s.insert({ groups: [h] })).toBe(0); // one of its ids is already a row
    expect(await s.insert({ predictions: expandGroup(h) })).toBe(2);
    expect((await s.counts()).predictions).toBe(7);
    expect((await s.predictions({})).length).toBe(7);
    expect(new Set(await s.ids('predictions')).size).toBe(7);
  });

  it('reads packed blocks and raw-double blocks (the format before packing) side by side, value for value', async () => {
    const s = await open();
    const cols = [{ name: 'x' }, { name: 'y' }, { name: 'plan', categories: ['free', 'pro'] }];
    const X = Float64Array.from([2.8609, -0.90795, NaN, /* y: a −0 keeps this column in doubles */ 1.5, -0, Math.PI, /* codes */ 0, 1, -1]);
    const make = (block: 'packed' | 'f64') => group(3, { codec: inputCodec(cols, block), X: X.slice(), exceptions: null });
    const packed = make('packed');
    const raw = make('f64');
    expect(packed.codec!.id).not.toBe(raw.codec!.id);
    expect(await s.insert({ groups: [packed, raw] })).toBe(6);
    const again = await openLogStore(loc!); // codecs of both forms read back from the store
    try {
      for (const g of [packed, raw]) {
        const want = expandGroup(g).map((r) => r.inputs);
        const got = (await again.predictions({})).filter((r) => r.id.startsWith(g.prefix)).map((r) => r.inputs);
        expect(got).toEqual(want);
        expect(Object.is((got[1] as Record<string, unknown>).y, -0)).toBe(true);
        expect(got[0]).toEqual({ x: 2.8609, y: 1.5, plan: 'free' });
      }
    } finally {
      await again.close();
    }
  });

  it('reopens with groups (codecs are read from the store) and takes 500 groups in one insert', async () => {
    const s = await open();
    const gs = Array.from({ length: 500 }, (_, i) => group(1 + (i % 7)));
    const total = gs.reduce((a, g) => a + g.n, 0);
    expect(await s.insert({ groups: gs })).toBe(total);
    const again = await openLogStore(loc!);
    try {
      const rows = await again.predictions({});
      expect(rows.length).toBe(total);
      expect(rows.find((r) => r.id === groupId(gs[10]!.prefix, 0))!.inputs).toEqual({ age: '30', plan: 'free' });
    } finally {
      await again.close();
    }
  });
});
