/**
 * Retrain policy end to end: confident mistakes (seed 002: ≥ 10 at ≥ 70 % in 7 days) trigger a
 * retrain job on the queue; the job replays the artifact's recipe on the data file plus the
 * labelled log rows and registers the result as challenger; the cooldown and the dedupe key stop
 * a second one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelToBytes } from '../../src/artifact/model-artifact.js';
import { Frame } from '../../src/frame/frame.js';
import { openRegistry, type Registry } from '../../src/registry/registry.js';
import { InProcessQueue } from '../../src/monitor/queue.js';
import { monitorReport, monitoredModel } from '../../src/monitor/report.js';
import { appendRecords, runRetrain, type RetrainJob } from '../../src/monitor/retrain-job.js';
import { scheduleRetrain } from '../../src/monitor/retrain-policy.js';
import { MemorySource } from '../../src/monitor/source.js';
import type { Model } from '../../src/model/model.js';
import { DAY, feedback, generate, score, train } from './sim.js';

const NOW = Date.UTC(2026, 10, 23, 12);
let dir: string;
let registry: Registry;
let model: Model;
let csv: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-retrain-'));
  registry = await openRegistry({ url: path.join(dir, 'reg') });
  model = await train(2000, 21);
  await registry.register({ name: 'credit', bytes: modelToBytes(model), aliases: ['champion'] });
  const { rows, y } = generate(2000, 21);
  csv = path.join(dir, 'train.csv');
  fs.writeFileSync(csv, ['x1,x2,x3,x4,c1,y', ...rows.map((r, i) => [r.x1, r.x2, r.x3 ?? '', r.x4, r.c1, y[i]].join(','))].join('\n'));
}, 60_000);
afterAll(async () => {
  await registry.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('retrain', () => {
  it('appendRecords keeps column types and marks absent keys missing', () => {
    const f = Frame.fromRecords([{ a: 1, b: 'x' }]);
    const g = appendRecords(f, [{ a: '2.5', b: 'y' }, { b: null }]);
    expect(g.nRows).toBe(3);
    expect(Array.from((g.column('a') as { values: Float64Array }).values)).toEqual([1, 2.5, NaN]);
    expect(g.toRecords().map((r) => r.b)).toEqual(['x', 'y', null]);
  });

  it('confident mistakes trigger a retrain job that registers a challenger on data + feedback', async () => {
    const { rows, y } = generate(300, 22);
    const records = score(model, 'credit', '1.0.0', rows, NOW - 5 * DAY, NOW);
    // Labels that contradict 12 confident predictions (and are right elsewhere).
    let flips = 12;
    const labels = records.map((r, i) => {
      const conf = Math.max(...Object.values(r.probabilities!));
      if (conf >= 0.7 && flips > 0) {
        flips--;
        return r.prediction === 'yes' ? 'no' : 'yes';
      }
      return y[i];
    });
    const source = new MemorySource(records, feedback(records, labels, 60)); // 60 labelled: below the 100 for metrics
    const report = await monitorReport(source, monitoredModel('credit', '1.0.0', model), { now: NOW });
    expect(report.performance.status).toBe('insufficient');
    expect(report.performance.confidentMistakes).toBeGreaterThanOrEqual(12);
    expect(report.retrain.map((t) => t.reason)).toEqual(['confident_mistakes']);

    const queue = new InProcessQueue();
    const results: unknown[] = [];
    queue.start({ retrain: async (job) => void results.push(await runRetrain(job.payload as unknown as RetrainJob, { registry, source, now: NOW })) });
    const id = await scheduleRetrain(report, queue, { data: csv, registry, now: NOW });
    expect(id).not.toBeNull();
    expect(await scheduleRetrain(report, queue, { data: csv, registry, now: NOW })).toBeNull(); // one at a time
    await queue.idle();
    expect(await queue.get(id!)).toMatchObject({ status: 'done' });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ from: 'credit@1.0.0', version: '1.0.1', rows: 2060, feedbackRows: 60 });
    expect((await registry.resolve('credit@challenger')).version).toBe('1.0.1');
    expect((await registry.resolve('credit@champion')).version).toBe('1.0.0');
    const audit = await registry.audit({ name: 'credit', action: 'retrain' });
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ from: 'credit@1.0.0', feedback_rows: 60 });
    // Cooldown (24 h): no second retrain right after.
    expect(await scheduleRetrain(report, queue, { data: csv, registry, now: Date.now() })).toBeNull();
    await queue.close();
  }, 60_000);

  it('RETRAIN_UNAVAILABLE without a data source', async () => {
    await expect(runRetrain({ model: 'credit', data: '' }, { registry })).rejects.toMatchObject({ code: 'RETRAIN_UNAVAILABLE' });
  });
});
