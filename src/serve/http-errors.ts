/**
 * Every answer that is not a success is `{"error": {"code", "message", "field", "request_id"}}`
 * with a catalog code (src/errors.ts): validation failures, Fastify's own errors (bad JSON, body
 * too large, unsupported media type), rate limiting, unknown routes, and unexpected errors, which
 * become INTERNAL with no stack trace (the stack goes to the server log).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ModelyardError, isModelyardError } from '../errors.js';

export interface ErrorJson {
  error: { code: string; message: string; field: string | null; row?: number; request_id: string };
}

/** `/instances/3/age` → `instances[3].age`. */
export function jsonPath(pointer: string, prefix = ''): string {
  let out = prefix;
  for (const part of pointer.split('/').slice(1)) {
    const p = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(p) ? `[${p}]` : out === '' ? p : `.${p}`;
  }
  return out;
}

/** Maps anything thrown in a request to a catalog error. */
export function toHttpError(err: unknown): ModelyardError {
  if (isModelyardError(err)) return err;
  const e = err as FastifyError & { validation?: { instancePath: string; message?: string; params?: Record<string, unknown>; keyword?: string }[]; validationContext?: string };
  if (e && Array.isArray(e.validation) && e.validation.length > 0) {
    const v = e.validation[0];
    const extra = v.keyword === 'additionalProperties' ? String(v.params?.additionalProperty ?? '') : '';
    const field = jsonPath(v.instancePath) + (extra ? (v.instancePath ? `.${extra}` : extra) : '');
    const where = field || (e.validationContext ?? 'body');
    const row = /^(instances|dataframe_records|ids)\[(\d+)\]/.exec(field);
    const msg = extra ? `unknown field "${extra.slice(0, 100)}"` : (v.message ?? 'is invalid');
    return new ModelyardError('REQUEST_INVALID', `${where}: ${msg}`, { field: field || undefined, row: row ? Number(row[2]) + 1 : undefined });
  }
  const code = e?.code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ModelyardError('BODY_TOO_LARGE', 'request body too large', {});
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new ModelyardError('UNSUPPORTED_MEDIA_TYPE', 'unsupported content type: send application/json', {});
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return new ModelyardError('REQUEST_INVALID', 'the JSON body is empty', {});
  if (e instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY') return new ModelyardError('REQUEST_INVALID', `the body is not valid JSON: ${String(e.message).slice(0, 200)}`, {});
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status === 429) return new ModelyardError('RATE_LIMITED', String(e.message || 'rate limit exceeded'), {});
  if (status === 413) return new ModelyardError('BODY_TOO_LARGE', String(e.message || 'request body too large'), {});
  if (status === 415) return new ModelyardError('UNSUPPORTED_MEDIA_TYPE', String(e.message), {});
  if (status >= 400 && status < 500) return new ModelyardError('REQUEST_INVALID', String(e.message || 'bad request').slice(0, 300), {});
  const internal = new ModelyardError('INTERNAL', 'internal error (see the server log for this request id)', {});
  (internal as { cause?: unknown }).cause = err;
  return internal;
}

export function errorBody(err: ModelyardError, requestId: string): ErrorJson {
  const body: ErrorJson = { error: { code: err.code, message: err.message, field: err.location.field ?? null, request_id: requestId } };
  if (err.location.row !== undefined) body.error.row = err.location.row;
  return body;
}

/** Sends a coded error (used by the error handler and by hooks that answer early). */
export function sendError(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const e = toHttpError(err);
  if (e.code === 'INTERNAL') req.log.error({ err: (e as { cause?: unknown }).cause ?? e, request_id: req.id }, 'internal error');
  else if (e.code === 'RATE_LIMITED') {
    const after = (err as { headers?: Record<string, string> })?.headers?.['retry-after'];
    if (after) reply.header('retry-after', after);
  }
  reply.code(e.status).type('application/json; charset=utf-8');
  return reply.send(errorBody(e, req.id));
}

/** Installs the error and not-found handlers on `app`. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => sendError(req, reply, err));
  app.setNotFoundHandler((req, reply) => sendError(req, reply, new ModelyardError('ROUTE_NOT_FOUND', `no endpoint ${req.method} ${req.url.split('?')[0].slice(0, 200)}`, {})));
}
