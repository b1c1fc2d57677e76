/**
 * Where alerts go (DESIGN.md: "alerts go to the log, /metrics and an optional webhook"):
 * `monitor.alert` events in the prediction log through the {@link MonitorSource}, prom-client
 * gauges and counters on the server's metric registry, and a webhook that retries with exponential
 * backoff on its own queue so that neither serving nor the monitor ever waits for it.
 */
import client from 'prom-client';
import { uuidv7 } from '../util/uuidv7.js';
import { alertKey, type Alert } from './alert.js';
import { ALERT_EVENT, type MonitorSource } from './source.js';

/** Writes each alert as a `monitor.alert` event. */
export async function writeAlertEvents(source: MonitorSource, alerts: readonly Alert[]): Promise<void> {
  for (const a of alerts) {
    await source.writeEvent({ id: uuidv7(a.time), time: a.time, kind: ALERT_EVENT, model: a.model, version: a.version, payload: { ...a } });
  }
}

/**
 * The alerts not already sent within `repeatAfterMs` (judged from the `monitor.alert` events in
 * the log), so a monitor that runs every minute does not page every minute.
 */
export async function newAlerts(source: MonitorSource, alerts: readonly Alert[], repeatAfterMs: number, now: number): Promise<Alert[]> {
  if (alerts.length === 0) return [];
  const recent = await source.events({ model: alerts[0].model, since: now - repeatAfterMs, until: now + 1, kinds: [ALERT_EVENT] });
  const sent = new Set(recent.map((e) => alertKey(e.payload as unknown as Alert)));
  return alerts.filter((a) => !sent.has(alertKey(a)));
}

/** Values the prom hook exports besides alerts (see {@link PromMonitorHook.observe}). */
export interface ObservedState {
  model: string;
  version: string;
  psi: Record<string, number | null>;
  metrics: Record<string, number>;
  alerts: readonly Alert[];
}

/**
 * prom-client metrics for the monitor, registered on the given registry (the server's, so they
 * appear on its `/metrics`):
 * - `modelyard_monitor_alerts_total{model,kind,severity}` — alerts raised (counter);
 * - `modelyard_monitor_alert_active{model,version,kind,subject,severity}` — 1 while an alert holds;
 * - `modelyard_monitor_psi{model,version,feature}` — latest PSI per feature (and `prediction`);
 * - `modelyard_monitor_metric{model,version,metric}` — latest rolling metric from feedback.
 *
 * @example
 * ```ts
 * const hook = new PromMonitorHook(serverRegistry);
 * hook.observe({ model, version, psi, metrics, alerts });
 * ```
 */
export class PromMonitorHook {
  private readonly total: client.Counter<'model' | 'kind' | 'severity'>;
  private readonly active: client.Gauge<'model' | 'version' | 'kind' | 'subject' | 'severity'>;
  private readonly psi: client.Gauge<'model' | 'version' | 'feature'>;
  private readonly metric: client.Gauge<'model' | 'version' | 'metric'>;

  constructor(readonly registry: client.Registry = new client.Registry()) {
    const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
    this.total = get('modelyard_monitor_alerts_total', () => new client.Counter({ name: 'modelyard_monitor_alerts_total', help: 'Monitor alerts raised', labelNames: ['model', 'kind', 'severity'] as const, registers: [registry] }));
    this.active = get('modelyard_monitor_alert_active', () => new client.Gauge({ name: 'modelyard_monitor_alert_active', help: '1 while a monitor alert holds', labelNames: ['model', 'version', 'kind', 'subject', 'severity'] as const, registers: [registry] }));
    this.psi = get('modelyard_monitor_psi', () => new client.Gauge({ name: 'modelyard_monitor_psi', help: 'Latest PSI of a feature (or the prediction) against the training profile', labelNames: ['model', 'version', 'feature'] as const, registers: [registry] }));
    this.metric = get('modelyard_monitor_metric', () => new client.Gauge({ name: 'modelyard_monitor_metric', help: 'Latest rolling metric from feedback', labelNames: ['model', 'version', 'metric'] as const, registers: [registry] }));
  }

  /** Counts newly raised alerts. */
  raised(alerts: readonly Alert[]): void {
    for (const a of alerts) this.total.inc({ model: a.model, kind: a.kind, severity: a.severity });
  }

  /** Replaces the model version's gauges with the latest state. */
  observe(s: ObservedState): void {
    for (const [feature, v] of Object.entries(s.psi)) if (v !== null) this.psi.set({ model: s.model, version: s.version, feature }, v);
    for (const [metric, v] of Object.entries(s.metrics)) this.metric.set({ model: s.model, version: s.version, metric }, v);
    // Alerts that stopped holding drop out: remove this version's previous series first.
    const key = `${s.model}\u0000${s.version}`;
    for (const labels of this.activeSeries.get(key) ?? []) this.active.remove(labels);
    const now = s.alerts.map((a) => ({ model: a.model, version: a.version, kind: a.kind, subject: a.subject ?? '', severity: a.severity }));
    for (const labels of now) this.active.set(labels, 1);
    this.activeSeries.set(key, now);
  }

  private readonly activeSeries = new Map<string, { model: string; version: string; kind: string; subject: string; severity: string }[]>();
}

export interface WebhookOptions {
  url: string;
  /** Attempts per alert batch (default 5). */
  attempts?: number;
  /** First retry delay, doubled each retry up to `maxDelayMs` (default 200 ms, max 30 s), with ±20 % jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per-attempt timeout (default 5 s). */
  timeoutMs?: number;
  /** Batches waiting (besides the one being sent) beyond this are dropped, oldest first (default 1000). */
  maxQueue?: number;
  headers?: Record<string, string>;
  /** Called when a batch is given up on (after all attempts) or dropped. */
  onGiveUp?: (alerts: readonly Alert[], reason: string) => void;
}

/**
 * Posts alert batches as JSON (`{"alerts": [...]}`) to a webhook. `notify` returns at once; a
 * single background loop sends batches in order, retrying failures (network errors and non-2xx
 * answers) with exponential backoff (delay = base·2^(attempt−1), capped, ±20 % jitter). `flush()`
 * waits until the queue is empty (tests, shutdown).
 *
 * @example
 * ```ts
 * const hook = new WebhookNotifier({ url: 'https://hooks.example/ml', attempts: 6 });
 * hook.notify(alerts); // never blocks
 * await hook.flush();
 * ```
 */
export class WebhookNotifier {
  private readonly queue: Alert[][] = [];
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Counters for tests and the status page. */
  readonly stats = { sent: 0, attempts: 0, failures: 0, dropped: 0 };

  constructor(readonly opts: WebhookOptions) {}

  notify(alerts: readonly Alert[]): void {
    if (alerts.length === 0 || this.stopped) return;
    this.queue.push([...alerts]);
    const max = this.opts.maxQueue ?? 1000;
    while (this.queue.length > max) {
      const dropped = this.queue.shift()!;
      this.stats.dropped++;
      this.opts.onGiveUp?.(dropped, 'queue full');
    }
    // Start on a later turn: even the first fetch's set-up must not run on the caller's time.
    if (!this.running) this.running = new Promise<void>((r) => setImmediate(r)).then(() => this.loop()).finally(() => (this.running = null));
  }

  /** Resolves when every queued batch was sent or given up on. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops accepting alerts; pending batches are abandoned after the current attempt. */
  async close(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    await this.flush();
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0) await this.deliver(this.queue.shift()!);
  }

  private async deliver(batch: Alert[]): Promise<void> {
    const attempts = this.opts.attempts ?? 5;
    const base = this.opts.baseDelayMs ?? 200;
    const max = this.opts.maxDelayMs ?? 30_000;
    let last = '';
    for (let attempt = 1; attempt <= attempts && !this.stopped; attempt++) {
      this.stats.attempts++;
      try {
        const res = await fetch(this.opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.opts.headers },
          body: JSON.stringify({ alerts: batch }),
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.stats.sent++;
          return;
        }
        last = `HTTP ${res.status}`;
      } catch (e) {
        last = (e as Error).message;
      }
      this.stats.failures++;
      if (attempt < attempts && !this.stopped) {
        const delay = Math.min(max, base * 2 ** (attempt - 1)) * (0.8 + 0.4 * Math.random());
        await new Promise((r) => setTimeout(r, delay).unref?.());
      }
    }
    this.opts.onGiveUp?.(batch, last || 'stopped');
  }
}
