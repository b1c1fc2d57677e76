/**
 * The native API: `GET /v1/models`, `GET /v1/models/{name}`, `POST /v1/models/{name}/predict`,
 * `POST /v1/models/{name}/predict-by-id`.
 */
import type { FastifyInstance } from 'fastify';
import { ModelyardError } from '../../errors.js';
import type { Served } from '../hub.js';
import { checkBatch, predictRows, type PredictOutput } from '../predict.js';
import { recordSource } from '../rows.js';
import { v1Json } from '../answer-json.js';
import { ByIdBody, ModelParams, NAMED_IDS, PredictBody, PredictResponse } from '../schemas.js';
import { countPredictions, servedFor, servedNow, v1Body } from './common.js';

/** The fields of a predict-by-id body besides its one id list. */
const BY_ID_OPTIONS = new Set(['ids', 'threshold', 'return_probabilities', 'unseen']);

/** Public description of one loaded version (schema, task, classes). */
export function describeServed(s: Served): Record<string, unknown> {
  const m = s.model;
  return {
    name: s.name,
    version: s.version,
    sha256: s.sha256,
    source: s.source,
    task: m.target.task,
    target: m.target.name,
    classes: m.target.classes ?? null,
    learner: m.metadata.learner,
    trained_at: m.metadata.createdAt,
    metrics: m.metadata.metrics,
    // Calibration method and cross-fitted Brier/ECE before and after, per part (null: uncalibrated).
    calibration: m.metadata.calibration ?? null,
    schema: { features: m.schema.features, segment_by: m.segments?.by ?? null, segments: m.segments ? Object.keys(m.segments.parts) : null },
    load_seconds: s.loadSeconds,
    loaded_at: s.loadedAt,
  };
}

export async function v1Routes(app: FastifyInstance): Promise<void> {
  const { hub, opts, auth } = app.yard;
  const predictAuth = auth.enabled ? { preHandler: auth.hook('predict') } : {};

  app.get('/v1/models', { ...predictAuth, schema: { tags: ['models'], summary: 'Served models with the versions loaded for each alias' } }, async () => {
    const models = hub.names().map((name) => {
      const s = hub.peek(name);
      return { name, default: hub.defaultSelector(name), version: s?.version ?? null, sha256: s?.sha256 ?? null, task: s?.model.target.task ?? null, loaded: hub.selectors(name) };
    });
    return { models };
  });

  app.get<{ Params: { name: string } }>(
    '/v1/models/:name',
    { ...predictAuth, schema: { tags: ['models'], summary: 'One model: loaded version, schema, metrics; registry versions and aliases', params: ModelParams } },
    async (req) => {
      const s = await servedFor(app, req, req.params.name);
      const out: Record<string, unknown> = { ...describeServed(s), default: hub.defaultSelector(s.name), loaded: hub.selectors(s.name) };
      if (s.source === 'registry' && app.yard.registry) {
        const details = await (await app.yard.registry()).show(s.name);
        out.aliases = details.aliases;
        out.versions = details.versions.map((v) => ({ version: v.version, sha256: v.sha256, created_at: v.created_at, aliases: v.aliases, metrics: v.metrics, changelog: v.changelog }));
        out.description = details.description;
      }
      return out;
    },
  );

  app.post<{ Params: { name: string }; Body: PredictBody }>(
    '/v1/models/:name/predict',
    {
      ...predictAuth,
      schema: {
        tags: ['predict'],
        summary: 'Score rows: {"instances": [{col: value}, …]}',
        params: ModelParams,
        body: PredictBody,
        response: { 200: PredictResponse },
      },
      serializerCompiler: () => v1Json,
    },
    // Not async: with the model loaded and no prediction sink the answer is built synchronously
    // (no promise per step); otherwise the same steps run once the model / the sink are done.
    (req) => {
      const body = req.body;
      checkBatch(body.instances.length, opts.maxBatchRows);
      const answer = (served: Served): Record<string, unknown> | Promise<Record<string, unknown>> => {
        if (body.entity_ids && body.entity_ids.length !== body.instances.length) {
          throw new ModelyardError('LENGTH_MISMATCH', `entity_ids has ${body.entity_ids.length} values for ${body.instances.length} instances`, { field: 'entity_ids' });
        }
        const out = predictRows({
          served,
          src: recordSource(body.instances),
          threshold: body.threshold,
          returnProbabilities: body.return_probabilities,
          unseen: body.unseen,
          entityIds: body.entity_ids,
          requestId: req.id,
          maxBatchRows: opts.maxBatchRows,
          startedAt: req.startedAt,
          sink: opts.predictionLog,
          logInputs: opts.logInputs,
        });
        const finish = (o: PredictOutput): Record<string, unknown> => {
          countPredictions(app, o);
          return v1Body(o, req.id);
        };
        return out instanceof Promise ? out.then(finish) : finish(out);
      };
      const served = servedNow(app, req, req.params.name);
      return served ? answer(served) : servedFor(app, req, req.params.name).then(answer);
    },
  );

  app.post<{ Params: { name: string }; Body: ByIdBody }>(
    '/v1/models/:name/predict-by-id',
    {
      ...predictAuth,
      schema: {
        tags: ['predict'],
        summary: 'Score rows whose features are fetched by id from the model\'s SQL feature source: {"ids": [...]}, a bare array, or a named list such as {"lead_ids": [...]}',
        params: ModelParams,
        body: ByIdBody,
        response: { 200: PredictResponse },
      },
      serializerCompiler: () => v1Json,
    },
    async (req) => {
      const body = Array.isArray(req.body) ? { ids: req.body } : req.body;
      // The ids come once: `ids`, a bare array, or one named list such as `lead_ids` (NAMED_IDS).
      for (const k of Object.keys(body)) {
        if (!BY_ID_OPTIONS.has(k) && !NAMED_IDS.test(k)) throw new ModelyardError('REQUEST_INVALID', `unknown field "${k}" (ids go in "ids" or one "<name>_ids" list)`, { field: k });
      }
      const lists = Object.keys(body).filter((k) => k === 'ids' || NAMED_IDS.test(k));
      if (lists.length !== 1) {
        throw new ModelyardError('REQUEST_INVALID', lists.length === 0 ? 'give the ids as "ids": [...], a bare array, or one "<name>_ids": [...] list' : `give the ids once, not as ${lists.map((k) => `"${k}"`).join(' and ')}`, { field: lists[1] ?? 'ids' });
      }
      const field = lists[0];
      const given = (body as Record<string, unknown>)[field] as (string | number)[];
      const ids = given.map(String);
      checkBatch(ids.length, opts.maxBatchRows, field);
      const served = await servedFor(app, req, req.params.name);
      const source = await app.yard.featureSource(served.name);
      const rows = await source.get(ids);
      const missing: number[] = [];
      for (let i = 0; i < ids.length && missing.length < 10; i++) if (!rows.has(ids[i])) missing.push(i);
      if (missing.length > 0) {
        const shown = missing.map((i) => `"${ids[i].slice(0, 60)}"`).join(', ');
        throw new ModelyardError('ENTITY_NOT_FOUND', `no features for id${missing.length > 1 ? 's' : ''} ${shown} in ${source.source.describe}`, { field: `${field}[${missing[0]}]`, row: missing[0] + 1 });
      }
      const out = await predictRows({
        served,
        src: recordSource(ids.map((id) => rows.get(id)!), 'ids'),
        threshold: body.threshold,
        returnProbabilities: body.return_probabilities,
        unseen: body.unseen,
        entityIds: given,
        requestId: req.id,
        maxBatchRows: opts.maxBatchRows,
        startedAt: req.startedAt,
        sink: opts.predictionLog,
        logInputs: opts.logInputs,
      });
      countPredictions(app, out);
      return v1Body(out, req.id);
    },
  );
}

