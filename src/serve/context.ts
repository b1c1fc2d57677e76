/**
 * What the server's plugins share, decorated on the Fastify instance as `app.yard` (one object per
 * server; nothing lives at module level, so several servers can run in one process).
 */
import type { Registry } from '../registry/index.js';
import type { Auth } from './auth.js';
import type { CachedSource } from './features/source.js';
import type { ModelHub, Served } from './hub.js';
import type { ServerMetrics } from './metrics.js';
import type { ResolvedOptions } from './options.js';

export interface ServeContext {
  opts: ResolvedOptions;
  hub: ModelHub;
  metrics: ServerMetrics;
  auth: Auth;
  /** The registry, opened on first use (null when only model files are served). */
  registry: (() => Promise<Registry>) | null;
  /** predict-by-id sources by model name, opened on first use. */
  featureSource(model: string): Promise<CachedSource>;
  state: { closing: boolean; startedAt: number; readyAt: number | null; loadError: unknown };
}

declare module 'fastify' {
  interface FastifyInstance {
    yard: ServeContext;
  }
  interface FastifyRequest {
    /** The model version that answered (for metrics labels), set by prediction routes. */
    served: Served | null;
    startedAt: number;
  }
}

/** Marks a plugin as not encapsulated (what fastify-plugin does), so its decorations are shared. */
export function shared<T extends (...args: never[]) => unknown>(plugin: T, name: string): T {
  const p = plugin as unknown as Record<symbol, unknown>;
  p[Symbol.for('skip-override')] = true;
  p[Symbol.for('fastify.display-name')] = name;
  return plugin;
}
