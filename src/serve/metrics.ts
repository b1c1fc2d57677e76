/**
 * Prometheus metrics on a registry owned by one server (never prom-client's global registry, so
 * two servers in one process do not mix their counts): requests and latency by route, model,
 * version and status; model load time; feature-cache hits and hit rate; alias swaps.
 */
import client from 'prom-client';
import type { Served } from './hub.js';

/** Latency buckets in seconds: sub-millisecond resolution where a single-row predict lives. */
const BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class ServerMetrics {
  readonly registry = new client.Registry();
  readonly requests: client.Counter<'route' | 'model' | 'version' | 'status'>;
  readonly latency: client.Histogram<'route' | 'model' | 'version' | 'status'>;
  readonly predictions: client.Counter<'model' | 'version'>;
  readonly loadSeconds: client.Gauge<'model' | 'version'>;
  readonly cacheLookups: client.Counter<'model' | 'result'>;
  readonly cacheHitRate: client.Gauge<'model'>;
  readonly swaps: client.Counter<'model' | 'selector'>;

  constructor(defaults = true) {
    const registers = [this.registry];
    this.requests = new client.Counter({ name: 'modelyard_http_requests_total', help: 'HTTP requests answered, by route, model, version and status code', labelNames: ['route', 'model', 'version', 'status'], registers });
    this.latency = new client.Histogram({ name: 'modelyard_http_request_duration_seconds', help: 'Time from request start to response, by route, model, version and status code', labelNames: ['route', 'model', 'version', 'status'], buckets: BUCKETS, registers });
    this.predictions = new client.Counter({ name: 'modelyard_predictions_total', help: 'Rows scored, by model and version', labelNames: ['model', 'version'], registers });
    this.loadSeconds = new client.Gauge({ name: 'modelyard_model_load_seconds', help: 'Seconds spent loading (read, verify, decode, pre-warm) a model version', labelNames: ['model', 'version'], registers });
    this.cacheLookups = new client.Counter({ name: 'modelyard_feature_cache_lookups_total', help: 'predict-by-id feature cache lookups, by model and result (hit, miss)', labelNames: ['model', 'result'], registers });
    this.cacheHitRate = new client.Gauge({ name: 'modelyard_feature_cache_hit_ratio', help: 'predict-by-id feature cache hits / lookups since start, by model', labelNames: ['model'], registers });
    this.swaps = new client.Counter({ name: 'modelyard_model_swaps_total', help: 'Hot swaps (an alias moved and the server switched versions), by model and selector', labelNames: ['model', 'selector'], registers });
    if (defaults) client.collectDefaultMetrics({ register: this.registry, prefix: 'modelyard_process_' });
  }

  loaded(s: Served): void {
    this.loadSeconds.set({ model: s.name, version: s.version }, s.loadSeconds);
  }

  /** Label children by `route|model|version|status`: prom-client hashes a label object on every call otherwise. */
  private readonly children = new Map<string, { count: client.Counter.Internal; time: client.Histogram.Internal<'route' | 'model' | 'version' | 'status'> }>();

  observe(route: string, model: string, version: string, status: number, seconds: number): void {
    const key = `${route}\u0000${model}\u0000${version}\u0000${status}`;
    let c = this.children.get(key);
    if (!c) {
      const labels = { route, model, version, status: String(status) };
      c = { count: this.requests.labels(labels), time: this.latency.labels(labels) };
      // Routes and statuses are few; model versions grow slowly. Bound it anyway.
      if (this.children.size < 10_000) this.children.set(key, c);
    }
    c.count.inc();
    c.time.observe(seconds);
  }
}
