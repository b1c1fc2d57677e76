/**
 * Server options, and reading them from the environment (DESIGN.md, "HTTP API": `PORT`, `HOST`,
 * `MODELYARD_MODELS`, `ALLOWED_ORIGINS`, `MODELYARD_API_KEYS`, `MAX_BATCH_ROWS`, …). Flags given to
 * `modelyard serve` override the environment.
 */
import { ModelyardError } from '../errors.js';
import type { PredictionGroup } from '../log/group.js';
import type { PredictionRecord } from '../log/record.js';
import type { Registry } from '../registry/index.js';
import type { MonitorConfigInput } from '../monitor/config.js';
import type { MonitorSource } from '../monitor/source.js';
import { parseFeatureSources, type FeatureSourceConfig } from './features/config.js';

/** Where predictions go after they are made (the prediction log plugs in here). */
export interface PredictionSink {
  /** Awaited before the response is sent, so a durable sink answers only after its commit. */
  append(records: PredictionRecord[]): Promise<void> | void;
  /**
   * One request's predictions as a group (src/log/group.ts: one stored row, not one per prediction).
   * Optional: sinks without it get {@link append} with the same records.
   */
  appendGroup?(group: PredictionGroup): Promise<void> | void;
}

export type Scope = 'predict' | 'admin';

export interface ServeOptions {
  /** Model refs (`credit`, `credit@champion`, `credit@1.0.2`, `./model.myd`); default every model in the registry. */
  models?: string[];
  /** An open registry, or its URL (default: MODELYARD_REGISTRY / MODELYARD_HOME, as the CLI). */
  registry?: Registry | string;
  /** Rows per request above which the answer is 413 BATCH_TOO_LARGE (default 1000). */
  maxBatchRows?: number;
  /** Body size limit in bytes (default 8 MiB). */
  maxBodyBytes?: number;
  /** API keys → scopes. Empty: no auth, and admin routes answer loopback clients only. */
  apiKeys?: Record<string, Scope[]>;
  /** CORS origins (exact origins, or `*`); empty: no CORS headers. */
  allowedOrigins?: string[];
  /** Requests per window per client (0 = no rate limit) and the window. */
  rateLimit?: { max: number; timeWindow?: string | number };
  /** Feature sources for predict-by-id, by model name (`*` = every model). */
  featureSources?: Record<string, FeatureSourceConfig>;
  /** Where predictions go (default: nowhere). */
  predictionLog?: PredictionSink;
  /** Put the request's input row into each prediction record (default true). */
  logInputs?: boolean;
  /** A pino logger config, `false` for none (default: level from LOG_LEVEL, else `info`). */
  logger?: boolean | { level: string };
  /** Alias-move polling interval for SQLite registries (Postgres is pushed by NOTIFY). Default 250 ms. */
  watchIntervalMs?: number;
  /** Follow alias moves (default true). */
  watch?: boolean;
  /** Pre-warm iterations per loaded model (default 50). */
  warmIterations?: number;
  /** Serve `/docs` (OpenAPI + UI); default true. */
  docs?: boolean;
  /** Environment to read defaults from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /**
   * `GET /v1/models/{name}/monitor` (src/serve/routes/monitor.ts): where it reads the prediction log
   * (default: the log store beside the registry, as `modelyard monitor report`) and its thresholds.
   */
  monitor?: {
    source?: MonitorSource;
    config?: MonitorConfigInput;
    /**
     * Shadow-score logged rows with the model's registry `challenger` (default on when a prediction
     * log and a registry are configured; `MODELYARD_SHADOW=off` turns it off).
     */
    shadow?: boolean;
    /**
     * How often the shadow sink re-resolves each model's `challenger` alias, in ms (default 30 000;
     * env `MODELYARD_SHADOW_REFRESH_MS`): a challenger registered by a retrain starts shadowing
     * within this time, without a restart.
     */
    shadowRefreshMs?: number;
    /**
     * Shadow fraction: the share of logged rows the challenger scores, in [0, 1] (default 1, every
     * row; env `MODELYARD_SHADOW_FRACTION`). Rows are taken evenly, every 1/fraction-th per model.
     */
    shadowFraction?: number;
  };
}

/** Options with defaults filled in. */
export interface ResolvedOptions extends Required<Omit<ServeOptions, 'registry' | 'predictionLog' | 'env' | 'rateLimit' | 'logger' | 'monitor'>> {
  registry?: Registry | string;
  monitor?: ServeOptions['monitor'];
  predictionLog?: PredictionSink;
  rateLimit: { max: number; timeWindow: string | number };
  logger: boolean | { level: string };
}

function intEnv(env: NodeJS.ProcessEnv, name: string, def: number): number {
  const v = env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ModelyardError('USAGE', `${name}=${v} is not a non-negative integer`, { flag: name });
  return n;
}

/**
 * Parses `MODELYARD_API_KEYS`: comma-separated `KEY:scope[+scope]` entries (scope `predict` or
 * `admin`; admin implies predict; no scope means predict).
 *
 * @example
 * ```ts
 * parseApiKeys('k1:predict,k2:admin'); // { k1: ['predict'], k2: ['admin', 'predict'] }
 * ```
 */
export function parseApiKeys(text: string | undefined): Record<string, Scope[]> {
  const out: Record<string, Scope[]> = {};
  for (const entry of (text ?? '').split(',')) {
    const t = entry.trim();
    if (!t) continue;
    const at = t.lastIndexOf(':');
    const key = at < 0 ? t : t.slice(0, at);
    const scopes = (at < 0 ? 'predict' : t.slice(at + 1)).split('+').map((s) => s.trim());
    const set = new Set<Scope>();
    for (const s of scopes) {
      if (s !== 'predict' && s !== 'admin') throw new ModelyardError('USAGE', `MODELYARD_API_KEYS: unknown scope "${s}" (use predict or admin)`, { flag: 'MODELYARD_API_KEYS' });
      set.add(s);
      if (s === 'admin') set.add('predict');
    }
    if (key.length < 8) throw new ModelyardError('USAGE', 'MODELYARD_API_KEYS: keys must be at least 8 characters long', { flag: 'MODELYARD_API_KEYS' });
    out[key] = [...set].sort();
  }
  return out;
}

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Fills defaults from `opts.env` (default `process.env`). Explicit options win. */
export function resolveOptions(opts: ServeOptions = {}): ResolvedOptions {
  const env = opts.env ?? process.env;
  return {
    models: opts.models ?? list(env.MODELYARD_MODELS),
    registry: opts.registry ?? env.MODELYARD_REGISTRY,
    maxBatchRows: opts.maxBatchRows ?? (intEnv(env, 'MAX_BATCH_ROWS', 1000) || 1000),
    maxBodyBytes: opts.maxBodyBytes ?? (intEnv(env, 'MAX_BODY_BYTES', 8 * 1024 * 1024) || 8 * 1024 * 1024),
    apiKeys: opts.apiKeys ?? parseApiKeys(env.MODELYARD_API_KEYS),
    allowedOrigins: opts.allowedOrigins ?? list(env.ALLOWED_ORIGINS),
    rateLimit: { max: opts.rateLimit?.max ?? intEnv(env, 'RATE_LIMIT_MAX', 0), timeWindow: opts.rateLimit?.timeWindow ?? env.RATE_LIMIT_WINDOW ?? '1 minute' },
    featureSources: opts.featureSources ?? parseFeatureSources(env.MODELYARD_FEATURES),
    predictionLog: opts.predictionLog,
    logInputs: opts.logInputs ?? env.MODELYARD_LOG_INPUTS !== '0',
    logger: opts.logger ?? { level: env.LOG_LEVEL ?? 'info' },
    watchIntervalMs: opts.watchIntervalMs ?? 250,
    watch: opts.watch ?? true,
    warmIterations: opts.warmIterations ?? 50,
    docs: opts.docs ?? true,
    monitor: opts.monitor,
  };
}
