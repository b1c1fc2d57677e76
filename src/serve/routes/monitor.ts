/**
 * `GET /v1/models/{name}/monitor[?since=…]`: the monitor state of a model — what `modelyard monitor
 * report --json` prints (docs/monitor.md): drift against the training profile, metrics from
 * feedback and decay, calibration, error rate and latency, alerts, retrain triggers, and the
 * champion/challenger comparison when the model has a challenger. `name` is a registry name (its
 * champion, else latest), `name@version` or `name@alias`. `since` is a time (ISO 8601 or Unix ms) or
 * a look-back (`24h`, `7d`). Read-only: alerts are sent by `modelyard monitor check`.
 *
 * The log is `opts.monitor.source`, else the log store beside the registry (MODELYARD_LOG_URL,
 * the registry's database or folder — as the CLI resolves it), opened on first use.
 */
import type { FastifyInstance } from 'fastify';
import { ModelyardError } from '../../errors.js';
import { parseDuration, parseTime } from '../../log/duration.js';
import type { LogStore } from '../../log/store.js';
import type { MonitorService } from '../../monitor/service.js';
import { ModelParams } from '../schemas.js';
import { Type } from '@sinclair/typebox';

const MonitorQuery = Type.Object({ since: Type.Optional(Type.String({ maxLength: 64, description: 'ISO 8601 time, Unix ms, or a look-back such as 24h or 7d' })) });

function since(v: string | undefined, now: number): number | undefined {
  if (v === undefined) return undefined;
  const t = parseTime(v);
  if (t !== null) return t;
  if (/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d|w)\s*$/.test(v)) return now - parseDuration(v, 'since');
  throw new ModelyardError('USAGE', `since=${v.slice(0, 64)}: give a time (ISO 8601 or Unix ms) or a look-back such as 24h or 7d`, { field: 'since' });
}

export async function monitorRoutes(app: FastifyInstance, pluginOpts: { env?: NodeJS.ProcessEnv }): Promise<void> {
  const y = app.yard;
  const env = pluginOpts.env ?? process.env;
  let service: Promise<MonitorService> | null = null;
  let store: LogStore | null = null;
  const open = async (): Promise<MonitorService> => {
    if (!y.registry) throw new ModelyardError('MODEL_NOT_FOUND', 'no registry is configured: the monitor needs registered models', {});
    const registry = await y.registry();
    const { MonitorService } = await import('../../monitor/service.js');
    let source = y.opts.monitor?.source;
    if (!source) {
      const { openLogStore, resolveLogLocation } = await import('../../log/location.js');
      const { LogStoreSource } = await import('../../monitor/log-source.js');
      const reg = typeof y.opts.registry === 'string' ? y.opts.registry : undefined;
      store = await openLogStore(resolveLogLocation({ registry: reg, env }));
      source = new LogStoreSource(store);
    }
    return new MonitorService({ registry, source, config: y.opts.monitor?.config });
  };
  app.addHook('onClose', async () => {
    await store?.close();
  });

  app.get<{ Params: { name: string }; Querystring: { since?: string } }>(
    '/v1/models/:name/monitor',
    {
      ...(y.auth.enabled ? { preHandler: y.auth.hook('predict') } : {}),
      schema: { tags: ['monitor'], summary: 'Monitor state: drift, metrics from feedback, calibration, errors, latency, alerts, challenger', params: ModelParams, querystring: MonitorQuery },
    },
    async (req) => {
      if (!service) {
        service = open();
        service.catch(() => (service = null));
      }
      const now = Date.now();
      return (await service).state(req.params.name, { since: since(req.query.since, now), now });
    },
  );
}
