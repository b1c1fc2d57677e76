/**
 * Every endpoint and every serving error code, run twice: through `fastify.inject` and through a
 * real HTTP server on 127.0.0.1 (same table of requests, same expectations).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictionRecord } from '../../src/log/record.js';
import type { Registry } from '../../src/registry/index.js';
import { createServer } from '../../src/serve/server.js';
import { isUuidv7 } from '../../src/util/uuidv7.js';
import { freshRegistryDir, registerModels, smallModel } from '../helpers/serve.js';

interface Req {
  method: 'GET' | 'POST' | 'OPTIONS';
  url: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}
interface Res {
  status: number;
  headers: Record<string, string>;
  json: any;
  text: string;
}
type Send = (app: FastifyInstance, r: Req) => Promise<Res>;

const injectSend: Send = async (app, r) => {
  const payload = r.raw ?? (r.body === undefined ? undefined : JSON.stringify(r.body));
  const headers: Record<string, string> = { ...(payload !== undefined && !r.headers?.['content-type'] ? { 'content-type': 'application/json' } : {}), ...r.headers };
  const res = await app.inject({ method: r.method, url: r.url, payload, headers });
  let json: unknown = null;
  try {
    json = JSON.parse(res.body);
  } catch {
    json = null;
  }
  return { status: res.statusCode, headers: res.headers as Record<string, string>, json, text: res.body };
};

const addresses = new WeakMap<FastifyInstance, string>();
const httpSend: Send = async (app, r) => {
  let base = addresses.get(app);
  if (!base) {
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    addresses.set(app, base);
  }
  const payload = r.raw ?? (r.body === undefined ? undefined : JSON.stringify(r.body));
  const headers: Record<string, string> = { ...(payload !== undefined && !r.headers?.['content-type'] ? { 'content-type': 'application/json' } : {}), ...r.headers };
  const res = await fetch(base + r.url, { method: r.method, headers, body: payload });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const h: Record<string, string> = {};
  res.headers.forEach((v, k) => (h[k] = v));
  return { status: res.status, headers: h, json, text };
};

const ROW = { x1: 0.5, x2: -1, x3: null, x4: 2, c1: 'beta' };

function expectError(res: Res, status: number, code: string, field?: string | RegExp): void {
  expect(res.status, res.text).toBe(status);
  expect(res.json?.error?.code, res.text).toBe(code);
  expect(typeof res.json.error.message).toBe('string');
  expect(res.json.error.request_id).toBe(res.headers['x-request-id']);
  expect(res.text).not.toMatch(/\bat .*\.(js|ts):\d+/); // never a stack trace
  if (field instanceof RegExp) expect(res.json.error.field).toMatch(field);
  else if (field !== undefined) expect(res.json.error.field).toBe(field);
}

let dir: string;
let reg: Registry;
let featuresDb: string;
const logged: PredictionRecord[][] = [];
const apps: FastifyInstance[] = [];

async function server(opts: Parameters<typeof createServer>[0] = {}): Promise<FastifyInstance> {
  const app = await createServer({ registry: reg, logger: false, warmIterations: 5, watch: false, ...opts });
  apps.push(app);
  return app;
}

beforeAll(async () => {
  dir = freshRegistryDir();
  const binary = await smallModel('binary', 1);
  const binary2 = await smallModel('binary', 2);
  const multi = await smallModel('multiclass', 3);
  const regr = await smallModel('regression', 4);
  const seg = await smallModel('binary', 5, { segmentBy: 'c1' });
  reg = await registerModels(dir, { credit: [binary, binary2], kinds: [multi], price: [regr], seg: [seg] }, { champion: { credit: '1.0.0' } });
  featuresDb = path.join(dir, 'features.db');
  const db = new Database(featuresDb);
  db.exec('CREATE TABLE customers (customer_id TEXT PRIMARY KEY, x1 REAL, x2 REAL, x3 REAL, x4 REAL, c1 TEXT)');
  const ins = db.prepare('INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?)');
  for (let i = 0; i < 50; i++) ins.run(`C${i}`, i / 10, -i / 20, i % 3 === 0 ? null : i / 5, 1, ['alpha', 'beta', 'gamma', 'delta'][i % 4]);
  db.close();
});

afterAll(async () => {
  for (const a of apps) await a.close();
  await reg.close();
});

describe.each([
  ['inject', injectSend],
  ['http', httpSend],
] as const)('endpoints via %s', (_mode, send) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await server({
      featureSources: { credit: { url: `sqlite:${featuresDb}`, table: 'customers', key: 'customer_id', ttlSeconds: 60 } },
      predictionLog: { append: (r) => void logged.push(r) },
      maxBatchRows: 50,
      maxBodyBytes: 64 * 1024,
    });
  });

  it('GET /health, /ready, /v2/health/live|ready, /v2', async () => {
    const h = await send(app, { method: 'GET', url: '/health' });
    expect(h.status).toBe(200);
    expect(h.json.status).toBe('ok');
    const r = await send(app, { method: 'GET', url: '/ready' });
    expect(r.status).toBe(200);
    expect(r.json.models.map((m: { name: string }) => m.name).sort()).toEqual(['credit', 'kinds', 'price', 'seg']);
    expect((await send(app, { method: 'GET', url: '/v2/health/live' })).json).toEqual({ live: true });
    expect((await send(app, { method: 'GET', url: '/v2/health/ready' })).json).toEqual({ ready: true });
    expect((await send(app, { method: 'GET', url: '/v2' })).json.name).toBe('modelyard');
  });

  it('X-Request-Id is echoed when valid, generated (UUIDv7) otherwise', async () => {
    const a = await send(app, { method: 'GET', url: '/health', headers: { 'x-request-id': 'abc-123' } });
    expect(a.headers['x-request-id']).toBe('abc-123');
    const b = await send(app, { method: 'GET', url: '/health', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(isUuidv7(b.headers['x-request-id'])).toBe(true);
    const p = await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [ROW] }, headers: { 'x-request-id': 'req-77' } });
    expect(p.json.request_id).toBe('req-77');
  });

  it('GET /v1/models and /v1/models/{name}: champion served by default, schema, versions, aliases', async () => {
    const l = await send(app, { method: 'GET', url: '/v1/models' });
    const credit = l.json.models.find((m: { name: string }) => m.name === 'credit');
    expect(credit).toMatchObject({ default: 'champion', version: '1.0.0' });
    const d = await send(app, { method: 'GET', url: '/v1/models/credit' });
    expect(d.status).toBe(200);
    expect(d.json.aliases).toEqual({ champion: '1.0.0', latest: '1.0.1' });
    expect(d.json.versions.map((v: { version: string }) => v.version)).toEqual(['1.0.1', '1.0.0']);
    expect(d.json.schema.features.map((f: { name: string }) => f.name)).toEqual(['x1', 'x2', 'x3', 'x4', 'c1']);
    expect(d.json.classes).toEqual(['no', 'yes']);
  });

  it('POST predict: single row, batch, labels, ids, threshold, return_probabilities, name@version and @alias', async () => {
    const one = await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [ROW] } });
    expect(one.status).toBe(200);
    expect(one.json.model).toMatchObject({ name: 'credit', version: '1.0.0' });
    const p0 = one.json.predictions[0];
    expect(isUuidv7(p0.id)).toBe(true);
    expect(['no', 'yes']).toContain(p0.prediction);
    expect(p0.probability).toBeGreaterThan(0);
    expect(p0.probabilities).toBeUndefined();
    const batch = await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [ROW, { ...ROW, x1: 3 }, { ...ROW, x1: -3 }], return_probabilities: true } });
    expect(batch.json.predictions).toHaveLength(3);
    for (const p of batch.json.predictions) expect(p.probabilities.no + p.probabilities.yes).toBeCloseTo(1, 12);
    expect(new Set(batch.json.predictions.map((p: { id: string }) => p.id)).size).toBe(3);
    // threshold 0 makes every row positive, 1 (almost) every row negative
    const t0 = await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [ROW, { ...ROW, x1: -3 }], threshold: 0 } });
    expect(t0.json.predictions.map((p: { prediction: string }) => p.prediction)).toEqual(['yes', 'yes']);
    const v = await send(app, { method: 'POST', url: '/v1/models/credit@1.0.1/predict', body: { instances: [ROW] } });
    expect(v.json.model.version).toBe('1.0.1');
    const a = await send(app, { method: 'POST', url: '/v1/models/credit@latest/predict', body: { instances: [ROW] } });
    expect(a.json.model.version).toBe('1.0.1');
    expect(a.json.predictions[0].probability).not.toBe(one.json.predictions[0].probability);
  });

  it('POST predict: multiclass probabilities, regression values, segment routing', async () => {
    const m = await send(app, { method: 'POST', url: '/v1/models/kinds/predict', body: { instances: [ROW] } });
    expect(Object.keys(m.json.predictions[0].probabilities).sort()).toEqual(['class_0', 'class_1', 'class_2']);
    expect(m.json.predictions[0].prediction).toMatch(/^class_/);
    const r = await send(app, { method: 'POST', url: '/v1/models/price/predict', body: { instances: [ROW, { ...ROW, x1: 2 }] } });
    expect(typeof r.json.predictions[0].prediction).toBe('number');
    expect(r.json.predictions[1].prediction).toBeGreaterThan(r.json.predictions[0].prediction);
    const s = await send(app, { method: 'POST', url: '/v1/models/seg/predict', body: { instances: [ROW, { ...ROW, c1: 'gamma' }] } });
    expect(s.json.predictions.map((p: { segment: string }) => p.segment)).toEqual(['beta', 'gamma']);
  });

  it('the prediction log sink gets one PredictionRecord per row, ids matching the response', async () => {
    logged.length = 0;
    const res = await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [ROW, ROW], entity_ids: ['L1', 'L2'] }, headers: { 'x-request-id': 'log-1' } });
    const recs = logged.flat();
    expect(recs.map((r) => r.id)).toEqual(res.json.predictions.map((p: { id: string }) => p.id));
    expect(recs[0]).toMatchObject({ model: 'credit', version: '1.0.0', request_id: 'log-1', entity_id: 'L1', role: 'primary', segment: null });
    expect(recs[0].inputs).toEqual(ROW);
    expect(recs[0].probabilities!.yes).toBeCloseTo(res.json.predictions[0].probability, 12);
    expect(recs[0].latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('POST predict-by-id: {ids} and a bare array; cache hit rate; ENTITY_NOT_FOUND names the id', async () => {
    const a = await send(app, { method: 'POST', url: '/v1/models/credit/predict-by-id', body: { ids: ['C1', 'C2'] } });
    expect(a.status, a.text).toBe(200);
    expect(a.json.predictions.map((p: { entity_id: string }) => p.entity_id)).toEqual(['C1', 'C2']);
    const direct = await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [{ x1: 0.1, x2: -0.05, x3: 0.2, x4: 1, c1: 'beta' }] } });
    expect(a.json.predictions[0].probability).toBeCloseTo(direct.json.predictions[0].probability, 12);
    const b = await send(app, { method: 'POST', url: '/v1/models/credit/predict-by-id', body: ['C1', 'C3'] });
    expect(b.status).toBe(200);
    const metrics = (await send(app, { method: 'GET', url: '/metrics' })).text;
    expect(metrics).toMatch(/modelyard_feature_cache_lookups_total\{model="credit",result="hit"\} 1/);
    expect(metrics).toMatch(/modelyard_feature_cache_lookups_total\{model="credit",result="miss"\} 3/);
    expect(metrics).toMatch(/modelyard_feature_cache_hit_ratio\{model="credit"\} 0\.25/);
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict-by-id', body: { ids: ['C1', 'nope'] } }), 404, 'ENTITY_NOT_FOUND', 'ids[1]');
    expectError(await send(app, { method: 'POST', url: '/v1/models/price/predict-by-id', body: { ids: ['C1'] } }), 503, 'FEATURE_SOURCE');
  });

  it('POST predict-by-id: a named id list ({"lead_ids": [...]}, seed 004) is the same as ids; the ids come once', async () => {
    const named = await send(app, { method: 'POST', url: '/v1/models/credit/predict-by-id', body: { lead_ids: ['C2', 'C1'], threshold: 0.3 } });
    expect(named.status, named.text).toBe(200);
    const plain = await send(app, { method: 'POST', url: '/v1/models/credit/predict-by-id', body: { ids: ['C2', 'C1'], threshold: 0.3 } });
    expect(named.json.predictions.map((p: { entity_id: string; probability: number }) => [p.entity_id, p.probability])).toEqual(plain.json.predictions.map((p: { entity_id: string; probability: number }) => [p.entity_id, p.probability]));
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict-by-id', body: { lead_ids: ['C1', 'nope'] } }), 404, 'ENTITY_NOT_FOUND', 'lead_ids[1]');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict-by-id', body: { ids: ['C1'], lead_ids: ['C2'] } }), 400, 'REQUEST_INVALID', 'lead_ids');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict-by-id', body: { threshold: 0.3 } }), 400, 'REQUEST_INVALID');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict-by-id', body: { lead_ids: 'C1' } }), 400, 'REQUEST_INVALID');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict-by-id', body: { leads: ['C1'] } }), 400, 'REQUEST_INVALID');
  });

  it('MLflow /invocations: dataframe_split, dataframe_records, instances, inputs', async () => {
    const cols = ['x1', 'x2', 'x3', 'x4', 'c1'];
    const vals = [0.5, -1, null, 2, 'beta'];
    const bodies = [
      { dataframe_split: { columns: cols, data: [vals] } },
      { dataframe_records: [ROW] },
      { instances: [ROW] },
      { instances: [vals] },
      { inputs: { x1: [0.5], x2: [-1], x3: [null], x4: [2], c1: ['beta'] } },
      { inputs: [ROW] },
    ];
    const expected = (await send(app, { method: 'POST', url: '/v1/models/price/predict', body: { instances: [ROW] } })).json.predictions[0].prediction;
    for (const body of bodies) {
      const r = await send(app, { method: 'POST', url: '/invocations?model=price', body });
      expect(r.status, JSON.stringify(body) + r.text).toBe(200);
      expect(r.json.predictions[0]).toBeCloseTo(expected, 12);
    }
    expectError(await send(app, { method: 'POST', url: '/invocations', body: { instances: [ROW] } }), 400, 'REQUEST_INVALID', 'model');
    expectError(await send(app, { method: 'POST', url: '/invocations?model=price', body: { instances: [ROW], inputs: [ROW] } }), 400, 'REQUEST_INVALID');
  });

  it('KServe V2: metadata, ready, infer with per-column tensors and one [n, k] tensor', async () => {
    const meta = await send(app, { method: 'GET', url: '/v2/models/credit' });
    expect(meta.json.inputs.map((i: { name: string }) => i.name)).toEqual(['x1', 'x2', 'x3', 'x4', 'c1']);
    expect((await send(app, { method: 'GET', url: '/v2/models/credit/ready' })).json).toEqual({ name: 'credit', ready: true });
    expect((await send(app, { method: 'GET', url: '/v2/models/credit/versions/1.0.1' })).status).toBe(200);
    const perCol = {
      inputs: [
        { name: 'x1', shape: [2], datatype: 'FP64', data: [0.5, 3] },
        { name: 'x2', shape: [2], datatype: 'FP64', data: [-1, -1] },
        { name: 'x3', shape: [2, 1], datatype: 'FP64', data: [[null], [null]] },
        { name: 'x4', shape: [2], datatype: 'FP64', data: [2, 2] },
        { name: 'c1', shape: [2], datatype: 'BYTES', data: ['beta', 'beta'] },
      ],
    };
    const a = await send(app, { method: 'POST', url: '/v2/models/credit/infer', body: perCol });
    expect(a.status, a.text).toBe(200);
    expect(a.json.model_version).toBe('1.0.0');
    const byName = Object.fromEntries(a.json.outputs.map((o: { name: string }) => [o.name, o]));
    expect(byName.probability.data).toHaveLength(2);
    expect(byName.prediction_id.data.every(isUuidv7)).toBe(true);
    const matrix = { inputs: [{ name: 'input', shape: [2, 5], datatype: 'BYTES', data: [0.5, -1, null, 2, 'beta', 3, -1, null, 2, 'beta'] }] };
    const b = await send(app, { method: 'POST', url: '/v2/models/credit/infer', body: matrix });
    expect(b.status, b.text).toBe(200);
    expect(b.json.outputs.find((o: { name: string }) => o.name === 'probability').data).toEqual(byName.probability.data);
    const v = await send(app, { method: 'POST', url: '/v2/models/credit/versions/1.0.1/infer', body: matrix });
    expect(v.json.model_version).toBe('1.0.1');
    expectError(await send(app, { method: 'POST', url: '/v2/models/credit/infer', body: { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP64', data: [1, 2, 3] }] } }), 400, 'REQUEST_INVALID', 'inputs[0].shape');
  });

  it('GET /metrics: requests and latency by model/version/status, load time', async () => {
    const t = (await send(app, { method: 'GET', url: '/metrics' })).text;
    expect(t).toMatch(/modelyard_http_requests_total\{route="\/v1\/models\/:name\/predict",model="credit",version="1\.0\.0",status="200"\} \d+/);
    expect(t).toMatch(/modelyard_http_request_duration_seconds_bucket\{le="0\.005",route="\/v1\/models\/:name\/predict",model="credit",version="1\.0\.0",status="200"\} \d+/);
    expect(t).toMatch(/modelyard_model_load_seconds\{model="credit",version="1\.0\.0"\} [\d.e-]+/);
    expect(t).toMatch(/modelyard_predictions_total\{model="credit",version="1\.0\.0"\} \d+/);
  });

  it('GET /docs/json: OpenAPI built from the validating schemas; /docs serves the UI', async () => {
    const d = await send(app, { method: 'GET', url: '/docs/json' });
    expect(d.json.openapi).toMatch(/^3\./);
    const predict = d.json.paths['/v1/models/{name}/predict'].post;
    expect(JSON.stringify(predict.requestBody)).toContain('return_probabilities');
    expect(d.json.paths['/v2/models/{name}/infer']).toBeDefined();
    expect(d.json.paths['/invocations']).toBeDefined();
    const ui = await send(app, { method: 'GET', url: '/docs/static/swagger-ui.css' });
    expect(ui.status).toBe(200);
  });

  it('400 REQUEST_INVALID: bad JSON, wrong types, unknown fields (naming the field)', async () => {
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict', raw: '{"instances": [' }), 400, 'REQUEST_INVALID');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: 'x' } }), 400, 'REQUEST_INVALID', 'instances');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [ROW], extra: 1 } }), 400, 'REQUEST_INVALID', 'extra');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [ROW, 7] } }), 400, 'REQUEST_INVALID', 'instances[1]');
    // A cell of the wrong type is the model schema's call: 422 naming row and field.
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [ROW, { ...ROW, x1: { a: 1 } }] } }), 422, 'TYPE_MISMATCH', 'instances[1].x1');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [ROW], threshold: 2 } }), 400, 'REQUEST_INVALID', 'threshold');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict' }), 400, 'REQUEST_INVALID');
  });

  it('422: TYPE_MISMATCH, INVALID_VALUE, UNSEEN_CATEGORY, COLUMN_MISSING, DATA_EMPTY, LENGTH_MISMATCH name row and field', async () => {
    const bad = async (row: Record<string, unknown>) => send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [ROW, ROW, row] } });
    let r = await bad({ ...ROW, x2: 'abc' });
    expectError(r, 422, 'TYPE_MISMATCH', 'instances[2].x2');
    expect(r.json.error.row).toBe(3);
    expect(r.json.error.message).toContain('row 3');
    r = await bad({ ...ROW, x1: 'NaN' });
    expectError(r, 422, 'INVALID_VALUE', 'instances[2].x1');
    // 1e999 parses to Infinity
    r = await send(app, { method: 'POST', url: '/v1/models/credit/predict', raw: '{"instances": [{"x1": 1e999, "x2": 1, "x3": 1, "x4": 1, "c1": "beta"}]}' });
    expectError(r, 422, 'INVALID_VALUE', 'instances[0].x1');
    expect(r.json.error.message).toContain('finite number');
    r = await bad({ ...ROW, c1: 'omega' });
    expectError(r, 422, 'UNSEEN_CATEGORY', 'instances[2].c1');
    const ok = await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [{ ...ROW, c1: 'omega' }], unseen: 'missing' } });
    expect(ok.status).toBe(200);
    expect(ok.json.warnings[0]).toContain('omega');
    const { x4: _x4, ...noX4 } = ROW;
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [noX4] } }), 422, 'COLUMN_MISSING', 'instances[0].x4');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [] } }), 422, 'DATA_EMPTY', 'instances');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [ROW], entity_ids: ['a', 'b'] } }), 422, 'LENGTH_MISMATCH', 'entity_ids');
    expectError(await send(app, { method: 'POST', url: '/v1/models/seg/predict', body: { instances: [{ ...ROW, c1: null }] } }), 422, 'UNSEEN_CATEGORY', 'instances[0].c1');
  });

  it('404: MODEL_NOT_FOUND (unknown model, version, alias), ROUTE_NOT_FOUND', async () => {
    expectError(await send(app, { method: 'POST', url: '/v1/models/nope/predict', body: { instances: [ROW] } }), 404, 'MODEL_NOT_FOUND');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit@9.9.9/predict', body: { instances: [ROW] } }), 404, 'MODEL_NOT_FOUND');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit@staging/predict', body: { instances: [ROW] } }), 404, 'MODEL_NOT_FOUND');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit@$$/predict', body: { instances: [ROW] } }), 404, 'MODEL_NOT_FOUND');
    expectError(await send(app, { method: 'GET', url: '/v1/models/nope' }), 404, 'MODEL_NOT_FOUND');
    expectError(await send(app, { method: 'GET', url: '/v2/models/nope/ready' }), 404, 'MODEL_NOT_FOUND');
    expectError(await send(app, { method: 'GET', url: '/no/such/route' }), 404, 'ROUTE_NOT_FOUND');
    expectError(await send(app, { method: 'GET', url: '/v1/models/credit/predict' }), 404, 'ROUTE_NOT_FOUND');
  });

  it('413: BATCH_TOO_LARGE over MAX_BATCH_ROWS, BODY_TOO_LARGE over the body limit; 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const rows = Array.from({ length: 51 }, () => ROW);
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: rows } }), 413, 'BATCH_TOO_LARGE', 'instances');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict-by-id', body: { ids: Array.from({ length: 51 }, (_, i) => `C${i % 50}`) } }), 413, 'BATCH_TOO_LARGE', 'ids');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict', raw: JSON.stringify({ instances: [{ ...ROW, pad: 'x'.repeat(70_000) }] }) }), 413, 'BODY_TOO_LARGE');
    expectError(await send(app, { method: 'POST', url: '/v1/models/credit/predict', raw: '<xml/>', headers: { 'content-type': 'application/xml' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('auth, CORS, rate limit, readiness, internal errors', () => {
  it('API keys: 401 without/unknown key, 403 without the scope; Bearer and X-API-Key both work', async () => {
    const app = await server({ apiKeys: { 'predict-key-1': ['predict'], 'admin-key-12': ['admin', 'predict'] } });
    for (const send of [injectSend, httpSend]) {
      const url = '/v1/models/credit/predict';
      expectError(await send(app, { method: 'POST', url, body: { instances: [ROW] } }), 401, 'UNAUTHORIZED');
      expectError(await send(app, { method: 'POST', url, body: { instances: [ROW] }, headers: { authorization: 'Bearer wrong-key-123' } }), 401, 'UNAUTHORIZED');
      expect((await send(app, { method: 'POST', url, body: { instances: [ROW] }, headers: { authorization: 'Bearer predict-key-1' } })).status).toBe(200);
      expect((await send(app, { method: 'POST', url, body: { instances: [ROW] }, headers: { 'x-api-key': 'admin-key-12' } })).status).toBe(200);
      expect((await send(app, { method: 'POST', url: '/invocations?model=credit', body: { instances: [ROW] }, headers: { 'x-api-key': 'predict-key-1' } })).status).toBe(200);
      expectError(await send(app, { method: 'POST', url: '/admin/reload', headers: { 'x-api-key': 'predict-key-1' } }), 403, 'FORBIDDEN');
      expectError(await send(app, { method: 'POST', url: '/admin/reload' }), 401, 'UNAUTHORIZED');
      expect((await send(app, { method: 'POST', url: '/admin/reload', headers: { authorization: 'Bearer admin-key-12' } })).status).toBe(200);
      expect((await send(app, { method: 'GET', url: '/health' })).status).toBe(200);
      expectError(await send(app, { method: 'GET', url: '/v1/models/credit' }), 401, 'UNAUTHORIZED');
      expect((await send(app, { method: 'GET', url: '/v2/models/credit', headers: { 'x-api-key': 'predict-key-1' } })).status).toBe(200);
    }
  });

  it('without keys, admin routes refuse non-loopback clients (403) and answer loopback ones', async () => {
    const app = await server();
    const far = await app.inject({ method: 'POST', url: '/admin/reload', remoteAddress: '10.1.2.3' });
    expect(far.statusCode).toBe(403);
    expect(far.json().error.code).toBe('FORBIDDEN');
    expect((await app.inject({ method: 'POST', url: '/admin/reload' })).statusCode).toBe(200);
    expect((await httpSend(app, { method: 'POST', url: '/admin/reload' })).status).toBe(200);
  });

  it('CORS from ALLOWED_ORIGINS', async () => {
    const app = await server({ env: { ALLOWED_ORIGINS: 'https://app.example.com' } });
    const ok = await injectSend(app, { method: 'OPTIONS', url: '/v1/models/credit/predict', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const no = await injectSend(app, { method: 'GET', url: '/health', headers: { origin: 'https://evil.example.com' } });
    expect(no.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('429 RATE_LIMITED with Retry-After', async () => {
    const app = await server({ rateLimit: { max: 3, timeWindow: '1 minute' } });
    for (const send of [injectSend, httpSend]) {
      const codes: number[] = [];
      let last: Res | null = null;
      for (let i = 0; i < 5; i++) {
        last = await send(app, { method: 'GET', url: '/health', headers: { 'x-forwarded-for': `${send === injectSend ? 1 : 2}` } });
        codes.push(last.status);
      }
      expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(2);
      expectError(last!, 429, 'RATE_LIMITED');
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    }
  });

  it('503 NOT_READY while models load and while draining; 500 INTERNAL without a stack', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slowReg = { ...reg, resolve: async (ref: string) => (await gate, reg.resolve(ref)) } as unknown as Registry;
    Object.setPrototypeOf(slowReg, Object.getPrototypeOf(reg));
    const app = await server({ registry: slowReg, models: ['credit'], background: true });
    expectError(await injectSend(app, { method: 'GET', url: '/ready' }), 503, 'NOT_READY');
    expectError(await injectSend(app, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [ROW] } }), 503, 'NOT_READY');
    expectError(await httpSend(app, { method: 'GET', url: '/v2/health/ready' }), 503, 'NOT_READY');
    release();
    for (let i = 0; i < 100 && (await injectSend(app, { method: 'GET', url: '/ready' })).status !== 200; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await injectSend(app, { method: 'GET', url: '/ready' })).status).toBe(200);
    app.yard.state.closing = true;
    expectError(await injectSend(app, { method: 'GET', url: '/health' }), 503, 'NOT_READY');
    app.yard.state.closing = false;

    const broken = await server({ models: ['credit'], predictionLog: { append: () => Promise.reject(new Error('disk on fire at /secret/path.js:12')) } });
    for (const send of [injectSend, httpSend]) {
      const r = await send(broken, { method: 'POST', url: '/v1/models/credit/predict', body: { instances: [ROW] } });
      expectError(r, 500, 'INTERNAL');
      expect(r.text).not.toContain('disk on fire');
    }
  });

  it('seed 000 switch and the admin alias endpoint move the alias and swap at once', async () => {
    const dir2 = freshRegistryDir();
    const reg2 = await registerModels(dir2, { qb: [await smallModel('binary', 1), await smallModel('binary', 2)] }, { champion: { qb: '1.0.0' } });
    const app = await server({ registry: reg2 });
    for (const send of [injectSend, httpSend]) {
      const sw = await send(app, { method: 'POST', url: '/models/qb/switch?version=1.0.1' });
      expect(sw.status, sw.text).toBe(200);
      expect(sw.json).toMatchObject({ alias: 'champion', version: '1.0.1' });
      expect((await send(app, { method: 'POST', url: '/v1/models/qb/predict', body: { instances: [ROW] } })).json.model.version).toBe('1.0.1');
      const back = await send(app, { method: 'POST', url: '/admin/models/qb/aliases/champion', body: { version: '1.0.0', reason: 'test' } });
      expect(back.json).toMatchObject({ version: '1.0.0', previous: '1.0.1', moved: true });
      expect((await send(app, { method: 'POST', url: '/v1/models/qb/predict', body: { instances: [ROW] } })).json.model.version).toBe('1.0.0');
      expectError(await send(app, { method: 'POST', url: '/models/qb/switch?version=7.7.7' }), 404, 'MODEL_NOT_FOUND');
    }
    const audit = await reg2.audit({ name: 'qb' });
    expect(audit.filter((a) => a.action === 'alias.set' && a.actor.startsWith('http:')).length).toBe(4);
    await app.close();
    await reg2.close();
  });

  it('serves .myd files without a registry', async () => {
    const d = freshRegistryDir();
    const { modelToBytes } = await import('../../src/artifact/model-artifact.js');
    const file = path.join(d, 'm.myd');
    fs.writeFileSync(file, modelToBytes(await smallModel('binary', 1)));
    const app = await server({ registry: undefined, models: [file], env: {} });
    const l = await injectSend(app, { method: 'GET', url: '/v1/models' });
    expect(l.json.models).toHaveLength(1);
    const name = l.json.models[0].name;
    expect((await injectSend(app, { method: 'POST', url: `/v1/models/${encodeURIComponent(name)}/predict`, body: { instances: [ROW] } })).status).toBe(200);
  });
});
