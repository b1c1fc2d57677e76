/** The monitor over the real prediction-log store, on SQLite and Postgres: report, alert events, challenger pairing. */
import { afterEach, beforeAll, expect, it } from 'vitest';
import type { LogStore } from '../../src/log/store.js';
import { LogStoreSource } from '../../src/monitor/log-source.js';
import { monitorReport, monitoredModel, runMonitorCheck } from '../../src/monitor/report.js';
import { compareChallenger } from '../../src/monitor/challenger.js';
import { resolveMonitorConfig } from '../../src/monitor/config.js';
import { ShadowScorer } from '../../src/monitor/shadow.js';
import type { Model } from '../../src/model/model.js';
import type { PredictionRecord } from '../../src/log/record.js';
import { describeDialects, tmpDir } from '../helpers/registry-dialects.js';
import { freshStore } from '../helpers/log-fixtures.js';
import { DAY, feedback, generate, score, train } from './sim.js';

const NOW = Date.UTC(2026, 10, 23, 12);
let champion: Model;
let weak: Model;
beforeAll(async () => {
  champion = await train(3000, 31);
  weak = await train(3000, 32, { exclude: ['x1'] });
}, 60_000);

describeDialects('monitor over the log store', (ctx) => {
  let store: LogStore | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
  });

  it('drift and decay from stored rows; alerts land in the log once', async () => {
    store = (await freshStore(ctx, tmpDir('spool'))).store;
    const { rows, y } = generate(1200, 41, { x1: 1.2 });
    const records = score(champion, 'credit', '1.0.0', rows, NOW - 20 * 3_600_000, NOW);
    const flipped = y.map((v, i) => (i % 4 === 0 ? (v === 'yes' ? 'no' : 'yes') : v)); // 25 % wrong labels
    await store.insert({ predictions: records, feedback: feedback(records, flipped) });
    const source = new LogStoreSource(store);
    const target = monitoredModel('credit', '1.0.0', champion);
    const { report, sent } = await runMonitorCheck(source, target, {}, { now: NOW });
    expect(report.performance.labelled).toBe(1200);
    expect(report.alerts.filter((a) => a.kind === 'feature_drift').map((a) => a.subject)).toEqual(['x1']);
    expect(report.alerts.some((a) => a.kind === 'decay')).toBe(true);
    expect(sent.length).toBe(report.alerts.length);
    expect((await store.events({ kind: 'monitor.alert' })).length).toBe(sent.length);
    const again = await runMonitorCheck(source, target, {}, { now: NOW + 60_000 });
    expect(again.sent).toEqual([]);
    expect((await monitorReport(source, target, { now: NOW })).alerts.length).toBe(report.alerts.length);
  }, 60_000);

  it('shadow rows written to the store pair with the champion rows by request and position', async () => {
    store = (await freshStore(ctx, tmpDir('spool'))).store;
    const { rows, y } = generate(400, 42);
    // Requests of 4 rows each.
    const records = score(weak, 'credit', '1.0.0', rows, NOW - 8 * DAY, NOW).map((r, i) => ({ ...r, request_id: `req-${Math.floor(i / 4)}` }));
    const shadowRows: PredictionRecord[] = [];
    const shadow = new ShadowScorer({ model: champion, name: 'credit', version: '2.0.0', write: (r) => shadowRows.push(...r) });
    for (let i = 0; i < rows.length; i += 4) shadow.submit(rows.slice(i, i + 4), records.slice(i, i + 4));
    await shadow.drain();
    await store.insert({ predictions: [...records, ...shadowRows], feedback: feedback(records, y) });
    const source = new LogStoreSource(store);
    const primary = await source.predictions({ model: 'credit', version: '1.0.0', since: 0, until: NOW + 1, labelledOnly: true });
    const sh = await source.predictions({ model: 'credit', version: '2.0.0', since: 0, until: NOW + 1, role: 'shadow' });
    expect(sh.every((s) => s.prediction.shadow_of === undefined)).toBe(true); // not stored
    const c = compareChallenger(primary, sh, champion.target, { model: 'credit', champion: '1.0.0', challenger: '2.0.0' }, resolveMonitorConfig(), NOW);
    expect(c.paired).toBe(400);
    expect(c.decision).toBe('promote');
  }, 60_000);
});
