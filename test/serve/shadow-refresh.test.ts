/**
 * A challenger registered while the server runs (what a retrain does) starts shadowing without a
 * restart, within `monitor.shadowRefreshMs` / `MODELYARD_SHADOW_REFRESH_MS`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelToBytes } from '../../src/artifact/model-artifact.js';
import type { PredictionRecord } from '../../src/log/record.js';
import { openRegistry, type Registry } from '../../src/registry/registry.js';
import { createServer } from '../../src/serve/server.js';
import { generate, train } from '../monitor/sim.js';

let dir: string;
let reg: Registry;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelyard-shadow-refresh-'));
  reg = await openRegistry({ url: dir });
  await reg.register({ name: 'credit', bytes: modelToBytes(await train(1500, 81)), aliases: ['champion'] });
}, 60_000);
afterAll(async () => {
  await reg.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('shadow challenger refresh', () => {
  it('picks up a challenger registered after the first request (env knob), not before', async () => {
    const logged: PredictionRecord[] = [];
    const app = await createServer({ registry: reg, models: ['credit@champion'], logger: false, warmIterations: 2, watch: false, docs: false, env: { MODELYARD_SHADOW_REFRESH_MS: '50' }, predictionLog: { append: (r) => void logged.push(...r) } });
    try {
      const { rows } = generate(12, 82);
      const post = (i: number) => app.inject({ method: 'POST', url: '/v1/models/credit/predict', payload: { instances: rows.slice(i, i + 3) } });
      expect((await post(0)).statusCode).toBe(200); // looked up: no challenger yet
      await sleep(100);
      expect((await post(3)).statusCode).toBe(200);
      await reg.register({ name: 'credit', bytes: modelToBytes(await train(1500, 83, { exclude: ['x1'] })), aliases: ['challenger'], version: '2.0.0' });
      await sleep(100);
      expect((await post(6)).statusCode).toBe(200); // triggers the re-resolution
      await sleep(200);
      expect((await post(9)).statusCode).toBe(200); // shadowed by 2.0.0
    } finally {
      await app.close();
    }
    const shadow = logged.filter((r) => r.role === 'shadow');
    expect(shadow.length).toBeGreaterThanOrEqual(3);
    expect(new Set(shadow.map((r) => r.version))).toEqual(new Set(['2.0.0']));
    const primaryIds = new Set(logged.filter((r) => r.role === 'primary').slice(0, 6).map((r) => r.request_id));
    expect(shadow.some((s) => primaryIds.has(s.request_id))).toBe(false); // nothing before the challenger existed
    await reg.removeAlias('credit', 'challenger');
  }, 60_000);

  it('a bad MODELYARD_SHADOW_REFRESH_MS is a USAGE error naming it', async () => {
    await expect(createServer({ registry: reg, models: ['credit@champion'], logger: false, warmIterations: 2, watch: false, docs: false, env: { MODELYARD_SHADOW_REFRESH_MS: 'soon' }, predictionLog: { append: () => undefined } })).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('MODELYARD_SHADOW_REFRESH_MS') });
  });

  it('MODELYARD_SHADOW_FRACTION: a share of rows is shadowed; a bad value is a USAGE error naming it', async () => {
    await expect(createServer({ registry: reg, models: ['credit@champion'], logger: false, warmIterations: 2, watch: false, docs: false, env: { MODELYARD_SHADOW_FRACTION: '2' }, predictionLog: { append: () => undefined } })).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('MODELYARD_SHADOW_FRACTION') });
    await reg.register({ name: 'credit', bytes: modelToBytes(await train(1500, 84)), aliases: ['challenger'], version: '3.0.0' });
    const logged: PredictionRecord[] = [];
    const app = await createServer({ registry: reg, models: ['credit@champion'], logger: false, warmIterations: 2, watch: false, docs: false, env: { MODELYARD_SHADOW_FRACTION: '0.5' }, predictionLog: { append: (r) => void logged.push(...r) } });
    try {
      const { rows } = generate(41, 85);
      const post = (i: number, n: number) => app.inject({ method: 'POST', url: '/v1/models/credit/predict', payload: { instances: rows.slice(i, i + n) } });
      expect((await post(0, 1)).statusCode).toBe(200); // the challenger look-up
      await sleep(200);
      logged.length = 0;
      for (let i = 1; i < 41; i += 10) expect((await post(i, 10)).statusCode).toBe(200);
    } finally {
      await app.close();
    }
    expect(logged.filter((r) => r.role === 'primary')).toHaveLength(40);
    expect(logged.filter((r) => r.role === 'shadow')).toHaveLength(20);
    await reg.removeAlias('credit', 'challenger');
  }, 60_000);
});
