/** POST /v1/feedback through Fastify (the route plugin the server registers), on SQLite. */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { feedbackRoutes } from '../../src/serve/routes/feedback.js';
import { LogWriter } from '../../src/log/writer.js';
import { ModelyardError } from '../../src/errors.js';
import { openLogStore, resolveLogLocation } from '../../src/log/location.js';
import { pred } from '../helpers/log-fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import type { LogStore } from '../../src/log/store.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function app(opts: { down?: boolean } = {}): Promise<{ app: FastifyInstance; store: LogStore; writer: LogWriter }> {
  const dir = tempDir('modelyard-fbroute-');
  const loc = resolveLogLocation({ url: `${dir}/log.db`, spoolDir: `${dir}/spool` });
  const store = await openLogStore(loc);
  const writer = await LogWriter.open({
    store: opts.down ? () => Promise.reject(new Error('connection refused (test)')) : store,
    spoolDir: loc.spoolDir,
    retryMinMs: 10_000,
  });
  const a = Fastify();
  // The server maps ModelyardError the same way (src/serve/http-errors.ts).
  a.setErrorHandler((err, req, reply) => {
    const e = err instanceof ModelyardError ? err : new ModelyardError('INTERNAL', String((err as Error).message));
    const field = e instanceof ModelyardError ? (e.location?.field ?? null) : null;
    void reply.status((err as { validation?: unknown }).validation ? 400 : e.status).send({ error: { code: (err as { validation?: unknown }).validation ? 'INVALID_VALUE' : e.code, message: e.message, field, request_id: req.id } });
  });
  await a.register(feedbackRoutes({ writer }));
  await a.ready();
  closers.push(async () => {
    await a.close();
    await writer.close();
    await store.close();
  });
  return { app: a, store, writer };
}

it('records outcomes by prediction id and by entity + window, and answers with the joins', async () => {
  const { app: a, store, writer } = await app();
  const t0 = Date.now() - 3_600_000;
  const p1 = pred({ time: t0 });
  const p2 = pred({ time: t0 + 1000, entity_id: 'lead-7' });
  await writer.append([p1, p2]);
  const r = await a.inject({
    method: 'POST',
    url: '/v1/feedback',
    payload: { feedback: [{ prediction_id: p1.id, actual: 'no' }, { entity_id: 'lead-7', time: new Date(t0 + 60_000).toISOString(), actual: 1 }], window: '1d' },
  });
  expect(r.statusCode, r.body).toBe(200);
  expect(r.json()).toMatchObject({ recorded: 2, matched: 2, prediction_ids: [p1.id, p2.id], unmatched: [] });
  expect((await store.predictions({ labelled: true })).map((p) => [p.id, p.actual])).toEqual([
    [p1.id, 'no'],
    [p2.id, 1],
  ]);
});

it('refuses unmatched rows (422 FEEDBACK_UNMATCHED) unless allow_unmatched; bad bodies are 4xx', async () => {
  const { app: a, store } = await app();
  const r = await a.inject({ method: 'POST', url: '/v1/feedback', payload: { feedback: [{ prediction_id: 'nope', actual: 'yes' }] } });
  expect(r.statusCode).toBe(422);
  expect(r.json().error.code).toBe('FEEDBACK_UNMATCHED');
  const ok = await a.inject({ method: 'POST', url: '/v1/feedback', payload: { feedback: [{ prediction_id: 'nope', actual: 'yes' }], allow_unmatched: true } });
  expect(ok.statusCode).toBe(200);
  expect(ok.json()).toMatchObject({ recorded: 1, matched: 0 });
  expect((await store.counts()).feedback).toBe(1);
  expect((await a.inject({ method: 'POST', url: '/v1/feedback', payload: { feedback: [] } })).statusCode).toBe(400);
  expect((await a.inject({ method: 'POST', url: '/v1/feedback', payload: { feedback: [{ entity_id: 'x', time: 'yesterday', actual: 1 }] } })).json().error.code).toBe('INVALID_VALUE');
  expect((await a.inject({ method: 'POST', url: '/v1/feedback', payload: { feedback: [{ entity_id: 'x', actual: 1 }], window: 'soon' } })).json().error.field).toBe('window');
});

it('answers 503 LOG_UNAVAILABLE while the store is unreachable', async () => {
  const { app: a } = await app({ down: true });
  const r = await a.inject({ method: 'POST', url: '/v1/feedback', payload: { feedback: [{ prediction_id: 'x', actual: 1 }] } });
  expect(r.statusCode).toBe(503);
  expect(r.json().error.code).toBe('LOG_UNAVAILABLE');
});
