/**
 * `createServer(options)`: the prediction server as a Fastify app composed of plugins — core
 * (context, request ids, errors, metrics hook), docs, CORS, rate limit, health, v1, compat
 * (MLflow, KServe V2), admin. Models load (and pre-warm) before it resolves, unless
 * `background: true`, in which case `/ready` answers 503 until they are loaded.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { ModelyardError } from '../errors.js';
// registry.js, not registry/index.js: the index re-exports the Postgres store, whose pg import costs start-up time.
import { openRegistry, type Registry } from '../registry/registry.js';
import { uuidv7 } from '../util/uuidv7.js';
import { PACKAGE_VERSION } from '../version.js';
import { Auth } from './auth.js';
import { shared, type ServeContext } from './context.js';
import { CachedSource, openFeatureSource } from './features/source.js';
import { installErrorHandlers, sendError } from './http-errors.js';
import { ModelHub } from './hub.js';
import { ServerMetrics } from './metrics.js';
import { resolveOptions, type ServeOptions } from './options.js';
import { adminRoutes } from './routes/admin.js';
import { compatRoutes } from './routes/compat.js';
import { healthRoutes } from './routes/health.js';
import { monitorRoutes } from './routes/monitor.js';
import { ShadowSink } from '../monitor/shadow-sink.js';
import { v1Routes } from './routes/v1.js';
import { ErrorBody } from './schemas.js';
import type { LogWriter } from '../log/writer.js';
import { typeboxValidator } from './validate.js';

export interface CreateServerOptions extends ServeOptions {
  /** Resolve at once and load models in the background (`/ready` is 503 until done). */
  background?: boolean;
  /**
   * The prediction log writer (src/log/serve-log.ts): predictions go to it (unless `predictionLog`
   * names another sink) and it enables `POST /v1/feedback`. The caller closes it after the server.
   */
  log?: LogWriter;
}

const REQUEST_ID = /^[A-Za-z0-9._:\-]{1,128}$/;

/** Core plugin: the shared context, request ids, the closing guard, metrics per response. */
function corePlugin(ctx: ServeContext) {
  return shared(async (app: FastifyInstance) => {
    app.decorate('yard', ctx);
    app.decorateRequest('served', null);
    app.decorateRequest('startedAt', 0);
    installErrorHandlers(app);
    app.addSchema(ErrorBody);
    // Callback-style hooks: async ones cost a promise each on every request.
    app.addHook('onRequest', (req, reply, done) => {
      req.startedAt = performance.now();
      reply.header('x-request-id', req.id);
      if (ctx.state.closing) {
        sendError(req, reply, new ModelyardError('NOT_READY', 'the server is shutting down', {}));
        return;
      }
      done();
    });
    app.addHook('onResponse', (req, reply, done) => {
      const s = req.served;
      ctx.metrics.observe(req.routeOptions.url ?? 'unmatched', s ? s.name : '', s ? s.version : '', reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
    // While draining, answers close their connection so that keep-alive clients let go and
    // close() resolves as soon as the last in-flight request is answered.
    app.addHook('onSend', (_req, reply, payload, done) => {
      if (ctx.state.closing) reply.header('connection', 'close');
      done(null, payload);
    });
    app.addHook('preClose', async () => {
      ctx.state.closing = true;
    });
    app.addHook('onClose', async () => {
      await ctx.hub.close();
    });
  }, 'modelyard-core');
}

/** Response serialisation: V8's JSON.stringify (see the note at setSerializerCompiler below). */
const jsonSerializerCompiler = () => (data: unknown): string => JSON.stringify(data);

/**
 * Builds the server (not listening yet: call `app.listen`).
 *
 * @example
 * ```ts
 * const app = await createServer({ models: ['credit@champion'], registry: 'postgres://ml@db/reg' });
 * await app.listen({ port: 8080, host: '127.0.0.1' });
 * ```
 */
export async function createServer(options: CreateServerOptions = {}): Promise<FastifyInstance> {
  // A writer in `off` mode drops prediction records (and a shadow challenger's with them): then no
  // records are built at all, which saves a record object per row on the request path.
  const logSink = options.log && options.log.mode !== 'off' ? options.log : undefined;
  const opts = resolveOptions(logSink && !options.predictionLog ? { ...options, predictionLog: logSink } : options);
  const env = options.env ?? process.env;
  let ownRegistry = false;
  let registryPromise: Promise<Registry> | null = null;
  const regOpt = opts.registry;
  const hasRegistryRefs = opts.models.length === 0 || opts.models.some((r) => !(r.endsWith('.myd') || r.includes('/') || r.includes('\\')));
  const registry =
    regOpt !== undefined && typeof regOpt !== 'string'
      ? () => Promise.resolve(regOpt)
      : hasRegistryRefs || regOpt
        ? () => {
            if (!registryPromise) {
              ownRegistry = true;
              registryPromise = openRegistry({ url: regOpt, env });
              registryPromise.catch(() => (registryPromise = null));
            }
            return registryPromise;
          }
        : null;
  // Champion/challenger shadow scoring (docs/monitor.md): with a prediction log and a registry, rows
  // logged for a model whose registry has a `challenger` are scored by it after the answer.
  let shadow: ShadowSink | null = null;
  if (opts.predictionLog && registry && (opts.monitor?.shadow ?? env.MODELYARD_SHADOW !== 'off')) {
    const envRefresh = env.MODELYARD_SHADOW_REFRESH_MS === undefined || env.MODELYARD_SHADOW_REFRESH_MS === '' ? undefined : Number(env.MODELYARD_SHADOW_REFRESH_MS);
    if (envRefresh !== undefined && !(Number.isFinite(envRefresh) && envRefresh >= 0)) {
      throw new ModelyardError('USAGE', `MODELYARD_SHADOW_REFRESH_MS must be a number of milliseconds ≥ 0, got "${env.MODELYARD_SHADOW_REFRESH_MS}"`, { flag: 'MODELYARD_SHADOW_REFRESH_MS' });
    }
    const envFraction = env.MODELYARD_SHADOW_FRACTION === undefined || env.MODELYARD_SHADOW_FRACTION === '' ? undefined : Number(env.MODELYARD_SHADOW_FRACTION);
    const fraction = opts.monitor?.shadowFraction ?? envFraction;
    if (fraction !== undefined && !(fraction >= 0 && fraction <= 1)) {
      throw new ModelyardError('USAGE', `the shadow fraction (MODELYARD_SHADOW_FRACTION) must be a number in [0, 1], got "${opts.monitor?.shadowFraction ?? env.MODELYARD_SHADOW_FRACTION}"`, { flag: 'MODELYARD_SHADOW_FRACTION' });
    }
    shadow = new ShadowSink({
      inner: opts.predictionLog,
      fraction,
      refreshMs: opts.monitor?.shadowRefreshMs ?? envRefresh,
      registry: { resolve: async (ref) => (await registry()).resolve(ref), load: async (ref) => (await registry()).load(ref) },
      onError: (e, what) => app.log.error({ err: e }, what),
    });
    opts.predictionLog = shadow;
  }
  const metrics = new ServerMetrics();
  const app = Fastify({
    logger: opts.logger === false ? false : opts.logger === true ? { level: 'info' } : opts.logger,
    bodyLimit: opts.maxBodyBytes,
    // No per-request log lines (they would cost more than a prediction); errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request (pino serialises its bindings each time): with request logging
    // off, the only per-request log lines are errors, and ours carry `request_id` themselves.
    childLoggerFactory: (logger) => logger,
    requestIdHeader: false,
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID.test(h) ? h : uuidv7();
    },
    return503OnClosing: false,
    // The compilers set below, from the start: Fastify's defaults (Ajv, fast-json-stringify) are
    // otherwise loaded and instantiated only to be replaced (~20 ms of cold start). The casts: the
    // factory types describe Ajv's and fast-json-stringify's compilers, Fastify accepts any.
    schemaController: { compilersFactory: { buildValidator: (() => typeboxValidator) as never, buildSerializer: (() => jsonSerializerCompiler) as never } },
    routerOptions: { maxParamLength: 500 },
    // Router-level failures (a malformed %-escape, an over-long path parameter) get coded errors too.
    frameworkErrors: (err, req, reply) => {
      reply.header('x-request-id', req.id);
      return sendError(req, reply, err);
    },
  });
  const sources = new Map<string, Promise<CachedSource>>();
  const ctx: ServeContext = {
    opts,
    hub: new ModelHub(registry, {
      onLoad: (s) => metrics.loaded(s),
      onSwap: (name, selector, from, to) => {
        metrics.swaps.inc({ model: name, selector });
        app.log.info({ model: name, selector, from, to }, `hot swap: ${name}@${selector} ${from} → ${to}`);
      },
      onError: (e, what) => app.log.error({ err: e }, what),
    }, opts.warmIterations),
    metrics,
    auth: new Auth(opts.apiKeys),
    registry,
    featureSource(model: string) {
      const cfg = opts.featureSources[model] ?? opts.featureSources['*'];
      if (!cfg) return Promise.reject(new ModelyardError('FEATURE_SOURCE', `model "${model}" has no feature source for predict-by-id (configure MODELYARD_FEATURES or --features)`, {}));
      const key = opts.featureSources[model] ? model : '*';
      let p = sources.get(key);
      if (!p) {
        p = openFeatureSource(cfg).then(
          (src) =>
            new CachedSource(src, (cfg.ttlSeconds ?? 60) * 1000, cfg.maxEntries ?? 100_000, (hits, misses) => {
              if (hits) metrics.cacheLookups.inc({ model, result: 'hit' }, hits);
              if (misses) metrics.cacheLookups.inc({ model, result: 'miss' }, misses);
              const c = cached;
              if (c) metrics.cacheHitRate.set({ model }, c.hitRate());
            }),
        );
        let cached: CachedSource | null = null;
        p.then((c) => (cached = c)).catch(() => sources.delete(key));
        sources.set(key, p);
      }
      return p;
    },
    state: { closing: false, startedAt: performance.now(), readyAt: null, loadError: null },
  };

  app.setValidatorCompiler(typeboxValidator);
  // Response schemas document the answers (OpenAPI) but are not compiled: fast-json-stringify
  // resolves unions (a label is a string or a number) with Ajv per value, and compiling them cost
  // ~0.3 s of cold start; V8's JSON.stringify on these small objects is as fast.
  app.setSerializerCompiler(jsonSerializerCompiler);
  await app.register(corePlugin(ctx));
  if (opts.docs) {
    const swagger = (await import('@fastify/swagger')).default;
    await app.register(swagger, {
      openapi: {
        info: { title: 'modelyard prediction server', version: PACKAGE_VERSION, description: 'Native v1 API, MLflow /invocations and KServe V2. Errors: {"error": {"code", "message", "field", "request_id"}} (docs/errors.md).' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } } },
      },
    });
    const ui = (await import('@fastify/swagger-ui')).default;
    await app.register(ui, { routePrefix: '/docs' });
  }
  if (opts.allowedOrigins.length > 0) {
    const cors = (await import('@fastify/cors')).default;
    await app.register(cors, { origin: opts.allowedOrigins.includes('*') ? true : opts.allowedOrigins, exposedHeaders: ['x-request-id'] });
  }
  if (opts.rateLimit.max > 0) {
    const rateLimit = (await import('@fastify/rate-limit')).default;
    await app.register(rateLimit, {
      max: opts.rateLimit.max,
      timeWindow: opts.rateLimit.timeWindow,
      errorResponseBuilder: (_req, c) => new ModelyardError('RATE_LIMITED', `rate limit exceeded: ${c.max} requests per ${c.after}; retry later`, {}),
    });
  }
  await app.register(healthRoutes);
  await app.register(v1Routes);
  await app.register(compatRoutes);
  await app.register(adminRoutes);
  await app.register(monitorRoutes, { env });
  if (options.log) {
    const { feedbackRoutes } = await import('./routes/feedback.js');
    await app.register(feedbackRoutes({ writer: options.log, preHandler: ctx.auth.hook('predict') }));
  }
  app.addHook('onClose', async () => {
    await shadow?.close();
    for (const p of sources.values()) await (await p.catch(() => null))?.source.close();
    if (ownRegistry && registryPromise) await (await registryPromise.catch(() => null))?.close();
  });

  const load = async (): Promise<void> => {
    try {
      await ctx.hub.start([...opts.models]);
      if (opts.watch && registry && ctx.hub.loaded().some((s) => s.source === 'registry')) await ctx.hub.watch(opts.watchIntervalMs);
      ctx.state.readyAt = performance.now();
    } catch (e) {
      ctx.state.loadError = e;
      throw e;
    }
  };
  if (options.background) {
    load().catch((e) => app.log.error({ err: e }, 'loading models failed'));
  } else {
    try {
      await load();
    } catch (e) {
      await app.close().catch(() => undefined);
      throw e;
    }
  }
  return app;
}
