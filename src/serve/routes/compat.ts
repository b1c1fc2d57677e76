/**
 * Protocols other clients already speak:
 * - MLflow scoring server: `POST /invocations` with `dataframe_split`, `dataframe_records`,
 *   `instances` or `inputs` (MLflow 2.x `pyfunc` serving); answers `{"predictions": [...]}`.
 *   Which model: `?model=name[@alias]`, else the only served model.
 * - KServe V2 / Open Inference Protocol (REST): `GET /v2`, `/v2/health/live|ready`,
 *   `/v2/models/{name}[/versions/{v}]`, `/v2/models/{name}/ready`, `POST /v2/models/{name}/infer`.
 *   Inputs are one tensor per feature column (shape [n] or [n, 1]), or a single [n, k] tensor whose
 *   columns are the model's input columns in order (GET /v2/models/{name} lists them).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ModelyardError } from '../../errors.js';
import { PACKAGE_VERSION } from '../../version.js';
import type { Served } from '../hub.js';
import { predictRows, type PredictOutput } from '../predict.js';
import { columnSource, recordSource, splitSource, type RowSource } from '../rows.js';
import { InvocationsBody, ModelParams, V2InferBody } from '../schemas.js';
import { countPredictions, servedFor } from './common.js';

function invocationSource(body: InvocationsBody, served: Served): RowSource {
  const given = (['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const).filter((k) => body[k] !== undefined);
  if (given.length !== 1) {
    throw new ModelyardError('REQUEST_INVALID', `give exactly one of dataframe_split, dataframe_records, instances, inputs (got ${given.length ? given.join(', ') : 'none'})`, { field: given[1] });
  }
  const cols = served.model.inputColumns;
  const rowsOf = (data: unknown[], path: string): RowSource => (data.length > 0 && Array.isArray(data[0]) ? splitSource(cols, data, path) : recordSource(data, path));
  if (body.dataframe_split) {
    const ds = body.dataframe_split;
    return splitSource(ds.columns, ds.data, 'dataframe_split.data');
  }
  if (body.dataframe_records) return recordSource(body.dataframe_records, 'dataframe_records');
  if (body.instances) return rowsOf(body.instances, 'instances');
  const inputs = body.inputs!;
  if (Array.isArray(inputs)) return rowsOf(inputs, 'inputs');
  const lens = Object.values(inputs).map((v) => v.length);
  return columnSource(inputs, lens.length ? lens[0] : 0, 'inputs');
}

/** The rows of a V2 request as a RowSource. */
function v2Source(body: V2InferBody, served: Served): RowSource {
  const cols = served.model.inputColumns;
  const inputs = body.inputs;
  if (inputs.length === 1 && inputs[0].shape.length === 2 && inputs[0].shape[1] !== 1) {
    const t = inputs[0];
    const [n, k] = t.shape;
    if (k !== cols.length) throw new ModelyardError('REQUEST_INVALID', `inputs[0] has ${k} columns; the model reads ${cols.length} (${cols.slice(0, 10).join(', ')}${cols.length > 10 ? ', …' : ''})`, { field: 'inputs[0].shape' });
    // Row-major: either nested rows or a flat array of n*k values.
    if (t.data.length === n && t.data.every((r) => Array.isArray(r))) return splitSource(cols, t.data, 'inputs[0].data');
    if (t.data.length !== n * k) throw new ModelyardError('REQUEST_INVALID', `inputs[0].data has ${t.data.length} values for shape [${n}, ${k}]`, { field: 'inputs[0].data' });
    const rows: unknown[][] = [];
    for (let i = 0; i < n; i++) rows.push(t.data.slice(i * k, (i + 1) * k));
    return splitSource(cols, rows, 'inputs[0].data');
  }
  const n = inputs[0].shape[0] ?? 0;
  const byName: Record<string, unknown[]> = {};
  inputs.forEach((t, j) => {
    if (t.shape[0] !== n || (t.shape.length === 2 && t.shape[1] !== 1)) throw new ModelyardError('REQUEST_INVALID', `inputs[${j}] (${t.name}) has shape [${t.shape.join(', ')}]; every per-column input needs [${n}] or [${n}, 1]`, { field: `inputs[${j}].shape` });
    byName[t.name] = t.data.map((v) => (Array.isArray(v) ? v[0] : v));
  });
  return columnSource(byName, n, 'inputs');
}

function v2Datatype(values: unknown[]): string {
  return values.length > 0 && typeof values[0] === 'string' ? 'BYTES' : 'FP64';
}

/** V2 outputs: predicted label/value, probability, class probabilities, prediction ids. */
function v2Outputs(out: PredictOutput): Record<string, unknown>[] {
  const n = out.rows.length;
  const preds = out.rows.map((r) => r.prediction);
  const outputs: Record<string, unknown>[] = [{ name: 'prediction', shape: [n], datatype: v2Datatype(preds), data: preds }];
  if (out.p.task !== 'regression') {
    outputs.push({ name: 'probability', shape: [n], datatype: 'FP64', data: out.rows.map((r) => r.probability) });
    const k = out.served.model.nClasses;
    outputs.push({ name: 'probabilities', shape: [n, k], datatype: 'FP64', data: Array.from(out.p.proba!), parameters: { classes: out.served.model.target.classes } });
  }
  outputs.push({ name: 'prediction_id', shape: [n], datatype: 'BYTES', data: out.rows.map((r) => r.id) });
  return outputs;
}

function v2Metadata(s: Served, versions: string[]): Record<string, unknown> {
  const m = s.model;
  const inputs = m.schema.features.map((f) => ({ name: f.name, datatype: f.kind === 'categorical' ? 'BYTES' : 'FP64', shape: [-1], parameters: f.kind === 'categorical' ? { categories: f.categories } : { kind: f.kind } }));
  if (m.segments) inputs.push({ name: m.segments.by, datatype: 'BYTES', shape: [-1], parameters: { categories: Object.keys(m.segments.parts) } });
  const outputs = [{ name: 'prediction', datatype: m.target.task === 'regression' ? 'FP64' : 'BYTES', shape: [-1] }];
  if (m.target.task !== 'regression') outputs.push({ name: 'probability', datatype: 'FP64', shape: [-1] }, { name: 'probabilities', datatype: 'FP64', shape: [-1, m.nClasses] });
  outputs.push({ name: 'prediction_id', datatype: 'BYTES', shape: [-1] });
  return { name: s.name, versions, platform: 'modelyard', inputs, outputs };
}

const V2Params = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), version: Type.Optional(Type.String({ maxLength: 100 })) });
const InvocationsQuery = Type.Object({ model: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) });

export async function compatRoutes(app: FastifyInstance): Promise<void> {
  const { hub, opts, auth } = app.yard;
  const predictAuth = auth.enabled ? { preHandler: auth.hook('predict') } : {};
  const refOf = (p: { name: string; version?: string }): string => (p.version ? `${p.name}@${p.version}` : p.name);

  app.post<{ Body: InvocationsBody; Querystring: { model?: string } }>(
    '/invocations',
    { ...predictAuth, schema: { tags: ['mlflow'], summary: 'MLflow scoring protocol', body: InvocationsBody, querystring: InvocationsQuery } },
    async (req) => {
      let ref = req.query.model;
      if (!ref) {
        const names = hub.names();
        if (names.length !== 1) throw new ModelyardError('REQUEST_INVALID', `${names.length} models are served: name one with /invocations?model=NAME (${names.join(', ')})`, { field: 'model' });
        ref = names[0];
      }
      const served = await servedFor(app, req, ref);
      const p = req.body.params ?? {};
      const out = await predictRows({ served, src: invocationSource(req.body, served), threshold: p.threshold, returnProbabilities: p.return_probabilities, unseen: p.unseen, requestId: req.id, maxBatchRows: opts.maxBatchRows, startedAt: req.startedAt, sink: opts.predictionLog, logInputs: opts.logInputs });
      countPredictions(app, out);
      const body: Record<string, unknown> = { predictions: out.rows.map((r) => r.prediction), prediction_ids: out.rows.map((r) => r.id), model: { name: served.name, version: served.version } };
      if (out.p.task !== 'regression') body.probabilities = out.rows.map((r) => r.probabilities ?? r.probability);
      return body;
    },
  );

  app.get('/v2', { schema: { tags: ['kserve'], summary: 'V2 server metadata' } }, async () => ({ name: 'modelyard', version: PACKAGE_VERSION, extensions: [] }));

  const readyAnswer = async (req: FastifyRequest, params: { name: string; version?: string }): Promise<{ name: string; ready: boolean }> => {
    const s = await servedFor(app, req, refOf(params));
    return { name: s.name, ready: true };
  };
  app.get<{ Params: { name: string } }>('/v2/models/:name/ready', { ...predictAuth, schema: { tags: ['kserve'], summary: 'V2 model readiness', params: ModelParams } }, async (req) => readyAnswer(req, req.params));
  app.get<{ Params: { name: string; version: string } }>('/v2/models/:name/versions/:version/ready', { ...predictAuth, schema: { tags: ['kserve'], params: V2Params } }, async (req) => readyAnswer(req, req.params));

  const metadata = async (req: FastifyRequest, params: { name: string; version?: string }): Promise<Record<string, unknown>> => {
    const s = await servedFor(app, req, refOf(params));
    return v2Metadata(s, [...new Set(Object.values(hub.selectors(s.name)))]);
  };
  app.get<{ Params: { name: string } }>('/v2/models/:name', { ...predictAuth, schema: { tags: ['kserve'], summary: 'V2 model metadata (inputs in column order)', params: ModelParams } }, async (req) => metadata(req, req.params));
  app.get<{ Params: { name: string; version: string } }>('/v2/models/:name/versions/:version', { ...predictAuth, schema: { tags: ['kserve'], params: V2Params } }, async (req) => metadata(req, req.params));

  const infer = async (req: FastifyRequest<{ Body: V2InferBody }>, params: { name: string; version?: string }): Promise<Record<string, unknown>> => {
    const served = await servedFor(app, req, refOf(params));
    const p = (req.body.parameters ?? {}) as { threshold?: unknown; return_probabilities?: unknown; unseen?: unknown };
    const threshold = typeof p.threshold === 'number' && p.threshold >= 0 && p.threshold <= 1 ? p.threshold : undefined;
    const out = await predictRows({ served, src: v2Source(req.body, served), threshold, returnProbabilities: p.return_probabilities === true, unseen: p.unseen === 'missing' ? 'missing' : 'error', requestId: req.id, maxBatchRows: opts.maxBatchRows, startedAt: req.startedAt, sink: opts.predictionLog, logInputs: opts.logInputs });
    countPredictions(app, out);
    return { model_name: served.name, model_version: served.version, id: req.body.id ?? req.id, outputs: v2Outputs(out) };
  };
  app.post<{ Params: { name: string }; Body: V2InferBody }>('/v2/models/:name/infer', { ...predictAuth, schema: { tags: ['kserve'], summary: 'V2 inference', params: ModelParams, body: V2InferBody } }, async (req) => infer(req, req.params));
  app.post<{ Params: { name: string; version: string }; Body: V2InferBody }>('/v2/models/:name/versions/:version/infer', { ...predictAuth, schema: { tags: ['kserve'], params: V2Params, body: V2InferBody } }, async (req) => infer(req, req.params));
}
