/** `GET /v1/models/{name}/monitor`: the monitor service behind the server's native API. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelToBytes } from '../../src/artifact/model-artifact.js';
import { openLogStore, resolveLogLocation } from '../../src/log/location.js';
import type { PredictionRecord } from '../../src/log/record.js';
import { MemorySource } from '../../src/monitor/source.js';
import { openRegistry, type Registry } from '../../src/registry/registry.js';
import { createServer } from '../../src/serve/server.js';
import { feedback, generate, score, train } from '../monitor/sim.js';

let dir: string;
let reg: Registry;
let records: PredictionRecord[];
const apps: FastifyInstance[] = [];
const NOW = Date.now();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-monitor-route-'));
  reg = await openRegistry({ url: dir });
  const model = await train(2000, 71);
  await reg.register({ name: 'credit', bytes: modelToBytes(model), aliases: ['champion'] });
  const { rows } = generate(800, 72, { x2: 1.5 });
  records = score(model, 'credit', '1.0.0', rows, NOW - 10 * 3_600_000, NOW - 1000);
}, 60_000);
afterAll(async () => {
  for (const a of apps) await a.close();
  await reg.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const server = async (opts: Parameters<typeof createServer>[0] = {}): Promise<FastifyInstance> => {
  const app = await createServer({ registry: reg, models: ['credit@champion'], logger: false, warmIterations: 2, watch: false, docs: false, ...opts });
  apps.push(app);
  return app;
};

describe('GET /v1/models/{name}/monitor', () => {
  it('returns the monitor state (drift on x2), honours since, codes its errors', async () => {
    const app = await server({ monitor: { source: new MemorySource(records), config: { drift: { minRows: 200 } } } });
    const res = await app.inject({ method: 'GET', url: '/v1/models/credit/monitor' });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({ ref: 'credit@1.0.0', model: 'credit', version: '1.0.0', status: 'alert', challenger: null });
    expect(s.alerts.filter((a: { kind: string }) => a.kind === 'feature_drift').map((a: { subject: string }) => a.subject)).toEqual(['x2']);
    expect(s.config.drift.minRows).toBe(200);
    // Only the last 2 hours: 160 rows, below the minimum for a drift verdict.
    const recent = (await app.inject({ method: 'GET', url: '/v1/models/credit/monitor?since=2h' })).json();
    expect(recent.drift.rows).toBeLessThan(200);
    expect(recent.alerts.filter((a: { kind: string }) => a.kind === 'feature_drift')).toEqual([]);
    const missing = await app.inject({ method: 'GET', url: '/v1/models/nope/monitor' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('MODEL_NOT_FOUND');
    const bad = await app.inject({ method: 'GET', url: '/v1/models/credit/monitor?since=soon' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'USAGE', field: 'since' });
  });

  it('reads the log store beside the registry by default', async () => {
    const store = await openLogStore(resolveLogLocation({ registry: dir, env: {} }));
    await store.insert({ predictions: records, feedback: feedback(records.slice(0, 10), records.slice(0, 10).map((r) => String(r.prediction))) });
    await store.close();
    const app = await server({ registry: dir, env: { MODELYARD_REGISTRY: '' } });
    const res = await app.inject({ method: 'GET', url: '/v1/models/credit@champion/monitor' });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s.drift.rows).toBe(800);
    expect(s.performance.labelled).toBe(10);
  }, 30_000);
});

describe('shadow scoring in the server', () => {
  it('the registry challenger scores every logged champion row after the answer; off by option', async () => {
    const challenger = await train(2000, 73, { exclude: ['x1'] });
    await reg.register({ name: 'credit', bytes: modelToBytes(challenger), aliases: ['challenger'], version: '2.0.0' });
    const logged: PredictionRecord[] = [];
    const app = await createServer({ registry: reg, models: ['credit@champion'], logger: false, warmIterations: 2, watch: false, docs: false, predictionLog: { append: (r) => void logged.push(...r) } });
    const { rows } = generate(30, 74);
    const post = (i: number) => app.inject({ method: 'POST', url: '/v1/models/credit/predict', payload: { instances: rows.slice(i, i + 3) } });
    expect((await post(0)).statusCode).toBe(200); // first sight of the model: the challenger is looked up
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 3; i < 30; i += 3) expect((await post(i)).statusCode).toBe(200);
    await app.close(); // drains the shadow queue
    const primary = logged.filter((r) => r.role === 'primary');
    const shadow = logged.filter((r) => r.role === 'shadow');
    expect(primary).toHaveLength(30);
    expect(shadow.length).toBeGreaterThanOrEqual(27);
    expect(new Set(shadow.map((r) => r.version))).toEqual(new Set(['2.0.0']));
    const byId = new Map(primary.map((r) => [r.id, r]));
    for (const s of shadow) expect(byId.get(s.shadow_of!)!.request_id).toBe(s.request_id);

    const off: PredictionRecord[] = [];
    const app2 = await createServer({ registry: reg, models: ['credit@champion'], logger: false, warmIterations: 2, watch: false, docs: false, predictionLog: { append: (r) => void off.push(...r) }, monitor: { shadow: false } });
    expect((await app2.inject({ method: 'POST', url: '/v1/models/credit/predict', payload: { instances: rows.slice(0, 3) } })).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect((await app2.inject({ method: 'POST', url: '/v1/models/credit/predict', payload: { instances: rows.slice(3, 6) } })).statusCode).toBe(200);
    await app2.close();
    expect(off.every((r) => r.role === 'primary')).toBe(true);
    await reg.removeAlias('credit', 'challenger');
  }, 60_000);
});
