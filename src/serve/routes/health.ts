/** Liveness, readiness (native and KServe V2) and Prometheus metrics. */
import type { FastifyInstance } from 'fastify';
import { ModelyardError } from '../../errors.js';

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const y = app.yard;
  let lastPing = { at: 0, ok: true, reason: '' };

  /** Ready: models loaded, not draining, registry reachable (checked at most once a second). */
  const readiness = async (): Promise<{ ready: boolean; reason?: string }> => {
    if (y.state.closing) return { ready: false, reason: 'shutting down' };
    if (y.state.loadError) return { ready: false, reason: `loading models failed: ${(y.state.loadError as Error).message ?? String(y.state.loadError)}` };
    if (!y.hub.ready) return { ready: false, reason: 'models are still loading' };
    if (y.registry && y.hub.loaded().some((s) => s.source === 'registry')) {
      const now = Date.now();
      if (now - lastPing.at > 1000) {
        try {
          const reg = await y.registry();
          await reg.store.read(async (tx) => tx.selectFrom('aliases').select('name').limit(1).execute());
          lastPing = { at: now, ok: true, reason: '' };
        } catch (e) {
          lastPing = { at: now, ok: false, reason: `registry unreachable: ${(e as Error).message}` };
        }
      }
      if (!lastPing.ok) return { ready: false, reason: lastPing.reason };
    }
    return { ready: true };
  };

  app.get('/health', { schema: { tags: ['health'], summary: 'Liveness: the process answers' } }, async () => ({ status: 'ok', uptime_seconds: Math.round((performance.now() - y.state.startedAt) / 10) / 100 }));
  app.get('/v2/health/live', { schema: { tags: ['kserve'], summary: 'V2 liveness' } }, async () => ({ live: true }));

  const ready = async (): Promise<Record<string, unknown>> => {
    const r = await readiness();
    if (!r.ready) throw new ModelyardError('NOT_READY', `not ready: ${r.reason}`, {});
    return { status: 'ready', models: y.hub.loaded().map((s) => ({ name: s.name, version: s.version })) };
  };
  app.get('/ready', { schema: { tags: ['health'], summary: 'Readiness: models loaded and stores reachable, else 503 NOT_READY' } }, ready);
  app.get('/v2/health/ready', { schema: { tags: ['kserve'], summary: 'V2 readiness (503 when not ready)' } }, async () => {
    await ready();
    return { ready: true };
  });

  app.get('/metrics', { schema: { tags: ['health'], summary: 'Prometheus metrics (text exposition format)' } }, async (_req, reply) => {
    reply.type(y.metrics.registry.contentType);
    return y.metrics.registry.metrics();
  });
}
