/** Helpers shared by the route plugins. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ModelyardError } from '../../errors.js';
import type { Served } from '../hub.js';
import type { PredictOutput } from '../predict.js';

/** The served version for a `name`, `name@version` or `name@alias` path parameter. */
export async function servedFor(app: FastifyInstance, req: FastifyRequest, ref: string): Promise<Served> {
  const now = servedNow(app, req, ref);
  if (now) return now;
  const s = await app.yard.hub.get(ref);
  req.served = s;
  return s;
}

/**
 * The served version for `ref` when it is already loaded (the usual case), without a promise; null
 * when it has to be loaded first (then use {@link servedFor}).
 */
export function servedNow(app: FastifyInstance, req: FastifyRequest, ref: string): Served | null {
  const hub = app.yard.hub;
  if (!hub.ready) throw new ModelyardError('NOT_READY', 'models are still loading', {});
  const s = hub.peek(ref);
  if (s) req.served = s;
  return s ?? null;
}

/** The v1 answer body. */
export function v1Body(out: PredictOutput, requestId: string): Record<string, unknown> {
  const s = out.served;
  const body: Record<string, unknown> = { model: { name: s.name, version: s.version, sha256: s.sha256 }, request_id: requestId, predictions: out.rows };
  if (out.warnings.length > 0) body.warnings = out.warnings.slice(0, 20);
  return body;
}

/** Counts rows scored. */
export function countPredictions(app: FastifyInstance, out: PredictOutput): void {
  app.yard.metrics.predictions.inc({ model: out.served.name, version: out.served.version }, out.rows.length);
}


export type Reply = FastifyReply;
