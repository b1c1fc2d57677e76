/**
 * `POST /v1/feedback`: outcomes for logged predictions, joined by prediction id or by entity id +
 * time window (src/log/feedback.ts). Body:
 * `{"feedback": [{"prediction_id": "…", "actual": "yes"}, {"entity_id": "lead-7", "time": "2026-11-20T10:00:00Z", "actual": 1}],
 *   "window": "7d", "model": "churn", "allow_unmatched": false}`.
 * Written durably through the server's log writer (spooled if the store is down); matching needs the
 * store, so while it is unreachable the answer is 503 LOG_UNAVAILABLE (retry later).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ModelyardError } from '../../errors.js';
import { parseDuration, parseTime } from '../../log/duration.js';
import { recordFeedback, type FeedbackInput } from '../../log/feedback.js';
import type { LogWriter } from '../../log/writer.js';

const Outcome = Type.Object(
  {
    prediction_id: Type.Optional(Type.String({ maxLength: 100 })),
    entity_id: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Number()])),
    time: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Number()], { description: 'When the outcome was observed: ISO 8601 or Unix ms (default now)' })),
    actual: Type.Union([Type.String({ maxLength: 10_000 }), Type.Number()], { description: 'The true label or value' }),
  },
  { additionalProperties: false },
);

export const FeedbackBody = Type.Object(
  {
    feedback: Type.Array(Outcome, { minItems: 1, maxItems: 100_000 }),
    window: Type.Optional(Type.String({ maxLength: 20, description: 'Entity rows join the latest prediction this far back (default 7d)' })),
    model: Type.Optional(Type.String({ maxLength: 200, description: 'Entity rows join only this model\'s predictions' })),
    allow_unmatched: Type.Optional(Type.Boolean({ description: 'Store rows that match no prediction instead of refusing the request' })),
  },
  { additionalProperties: false },
);
export type FeedbackBody = Static<typeof FeedbackBody>;

export interface FeedbackRouteOptions {
  writer: LogWriter;
  /** Auth hook for the `predict` scope (the server's). */
  preHandler?: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

/**
 * @example
 * ```ts
 * await app.register(feedbackRoutes({ writer }));
 * ```
 */
export function feedbackRoutes(o: FeedbackRouteOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post<{ Body: FeedbackBody }>(
      '/v1/feedback',
      {
        ...(o.preHandler ? { preHandler: o.preHandler } : {}),
        schema: { tags: ['feedback'], summary: 'Record outcomes: joined to predictions by id, or by entity id + time window', body: FeedbackBody },
      },
      async (req) => {
        const body = req.body;
        const store = o.writer.currentStore;
        if (!store) throw new ModelyardError('LOG_UNAVAILABLE', `the prediction log store is unreachable (${o.writer.stats().lastError ?? 'starting'}); retry later`, {});
        const items: FeedbackInput[] = body.feedback.map((f, i) => {
          let time: number | undefined;
          if (f.time !== undefined) {
            const t = typeof f.time === 'number' ? f.time : parseTime(f.time);
            if (t === null || !Number.isFinite(t)) throw new ModelyardError('INVALID_VALUE', `feedback[${i}].time "${String(f.time)}" is not ISO 8601 or Unix milliseconds`, { field: `feedback[${i}].time` });
            time = t;
          }
          return { prediction_id: f.prediction_id ?? null, entity_id: f.entity_id === undefined ? null : String(f.entity_id), actual: f.actual, ...(time !== undefined ? { time } : {}) };
        });
        let windowMs: number | undefined;
        if (body.window !== undefined) {
          try {
            windowMs = parseDuration(body.window, 'window');
          } catch {
            throw new ModelyardError('INVALID_VALUE', `window "${body.window}" is not a duration (e.g. 30m, 12h, 7d)`, { field: 'window' });
          }
        }
        const r = await recordFeedback({ store, writer: o.writer }, items, {
          allowUnmatched: body.allow_unmatched,
          ...(windowMs !== undefined ? { windowMs } : {}),
          ...(body.model ? { model: body.model } : {}),
        });
        return { recorded: r.recorded, matched: r.matched, ids: r.ids, prediction_ids: r.prediction_ids, unmatched: r.unmatched.map((u) => ({ index: u.index, reason: u.reason })), request_id: req.id };
      },
    );
  };
}
