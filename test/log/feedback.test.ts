/** Feedback joins outcomes to predictions by id or by entity + window (both dialects). */
import { afterEach, expect, it } from 'vitest';
import { describeDialects, tmpDir } from '../helpers/registry-dialects.js';
import { freshStore, pred } from '../helpers/log-fixtures.js';
import { recordFeedback } from '../../src/log/feedback.js';
import { LogWriter } from '../../src/log/writer.js';
import { ModelyardError } from '../../src/errors.js';

describeDialects('feedback', (ctx) => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });
  const setup = async () => {
    const { store } = await freshStore(ctx, tmpDir('spool'));
    closers.push(() => store.close());
    return store;
  };
  const t0 = 1_700_000_000_000;

  it('joins by prediction id and by entity id + time window; the monitor reads the outcomes', async () => {
    const store = await setup();
    const a = pred({ time: t0, entity_id: 'lead-1' });
    const b = pred({ time: t0 + 1000, entity_id: 'lead-2' });
    await store.insert({ predictions: [a, b] });
    const r = await recordFeedback({ store }, [
      { prediction_id: a.id, actual: 'no', time: t0 + 5000 },
      { entity_id: 'lead-2', time: t0 + 60_000, actual: 1 },
    ]);
    expect(r).toMatchObject({ recorded: 2, matched: 2, unmatched: [], prediction_ids: [a.id, b.id] });
    const got = await store.predictions({ labelled: true });
    expect(got.map((p) => [p.id, p.actual])).toEqual([
      [a.id, 'no'],
      [b.id, 1],
    ]);
  });

  it('refuses the whole call when a row matches nothing, naming the row; --allow-unmatched stores it unjoined', async () => {
    const store = await setup();
    const a = pred({ time: t0, entity_id: 'lead-1' });
    await store.insert({ predictions: [a] });
    const items = [
      { prediction_id: a.id, actual: 'yes' },
      { entity_id: 'lead-1', time: t0 + 8 * 86_400_000, actual: 'no' }, // outside the 7-day window
    ];
    const err = await recordFeedback({ store }, items, { firstRow: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelyardError);
    expect((err as ModelyardError).code).toBe('FEEDBACK_UNMATCHED');
    expect((err as ModelyardError).message).toMatch(/row 2: no prediction for entity lead-1/);
    expect((await store.counts()).feedback).toBe(0);
    const ok = await recordFeedback({ store }, items, { allowUnmatched: true, windowMs: 86_400_000 });
    expect(ok).toMatchObject({ recorded: 2, matched: 1, prediction_ids: [a.id, null] });
    expect((await store.counts()).feedback).toBe(2);
    // A wider window joins it.
    const wide = await recordFeedback({ store }, [items[1]!], { windowMs: 9 * 86_400_000 });
    expect(wide.prediction_ids).toEqual([a.id]);
  });

  it('rejects rows without a key or an outcome', async () => {
    const store = await setup();
    await expect(recordFeedback({ store }, [{ actual: 1 }])).rejects.toMatchObject({ code: 'INVALID_VALUE' });
    await expect(recordFeedback({ store }, [{ prediction_id: 'x', actual: '' }])).rejects.toMatchObject({ code: 'INVALID_VALUE' });
    await expect(recordFeedback({ store }, [{ prediction_id: 'x', actual: Number.NaN }])).rejects.toMatchObject({ code: 'INVALID_VALUE' });
  });

  it('through an async writer: a prediction served a moment ago (not yet committed) still joins', async () => {
    const store = await setup();
    const w = await LogWriter.open({ store, spoolDir: tmpDir('spool'), mode: 'async', asyncDelayMs: 1000 });
    closers.unshift(() => w.close());
    const p = pred();
    await w.append([p]);
    const r = await recordFeedback({ store, writer: w }, [{ prediction_id: p.id, actual: 'yes' }]);
    expect(r.matched).toBe(1);
    expect((await store.predictions({ labelled: true })).map((x) => x.id)).toEqual([p.id]);
  });
});
