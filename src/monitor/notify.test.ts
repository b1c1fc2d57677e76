import http from 'node:http';
import type { AddressInfo } from 'node:net';
import client from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from './alert.js';
import { newAlerts, PromMonitorHook, WebhookNotifier, writeAlertEvents } from './notify.js';
import { MemorySource } from './source.js';

const alert = (over: Partial<Alert> = {}): Alert => ({
  kind: 'feature_drift',
  severity: 'alert',
  model: 'credit',
  version: '1.0.0',
  subject: 'age',
  value: 0.4,
  threshold: 0.25,
  message: 'feature "age" drifted',
  time: 1_700_000_000_000,
  ...over,
});

/** A local webhook receiver that answers 503 to the first `failFirst` posts. */
async function receiver(failFirst: number): Promise<{ url: string; bodies: unknown[]; hits: () => number; close: () => Promise<void> }> {
  const bodies: unknown[] = [];
  let hits = 0;
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      hits++;
      if (hits <= failFirst) {
        res.writeHead(503).end('down');
        return;
      }
      bodies.push(JSON.parse(data));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, bodies, hits: () => hits, close: () => new Promise((r) => server.close(() => r())) };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('webhook', () => {
  it('retries with exponential backoff until the receiver recovers, without blocking the caller', async () => {
    const rx = await receiver(2);
    closers.push(rx.close);
    const hook = new WebhookNotifier({ url: rx.url, attempts: 5, baseDelayMs: 40 });
    const t0 = performance.now();
    hook.notify([alert()]);
    expect(hook.stats.attempts).toBe(0); // notify only queues: no attempt runs on the caller's time
    expect(rx.hits()).toBe(0);
    await hook.flush();
    const total = performance.now() - t0;
    expect(rx.hits()).toBe(3);
    expect(rx.bodies).toEqual([{ alerts: [alert()] }]);
    expect(hook.stats).toMatchObject({ sent: 1, attempts: 3, failures: 2, dropped: 0 });
    // Two waits: ≈ 40 ms and ≈ 80 ms (±20 % jitter) → at least 0.8·120 ms.
    expect(total).toBeGreaterThanOrEqual(96);
  });

  it('gives up after the configured attempts and reports it', async () => {
    const rx = await receiver(100);
    closers.push(rx.close);
    const given: string[] = [];
    const hook = new WebhookNotifier({ url: rx.url, attempts: 3, baseDelayMs: 5, onGiveUp: (_a, why) => given.push(why) });
    hook.notify([alert()]);
    await hook.flush();
    expect(rx.hits()).toBe(3);
    expect(given).toEqual(['HTTP 503']);
    expect(hook.stats.sent).toBe(0);
  });

  it('a full queue drops the oldest waiting batch; the rest go out in order', async () => {
    const rx = await receiver(0);
    closers.push(rx.close);
    const hook = new WebhookNotifier({ url: rx.url, maxQueue: 2, onGiveUp: () => undefined });
    hook.notify([alert({ subject: 'a' })]);
    hook.notify([alert({ subject: 'b' })]);
    hook.notify([alert({ subject: 'c' })]);
    hook.notify([alert({ subject: 'd' })]); // nothing is in flight yet and 2 may wait: 'a' and 'b' go
    await hook.flush();
    expect(hook.stats.dropped).toBe(2);
    expect((rx.bodies as { alerts: Alert[] }[]).map((b) => b.alerts[0].subject)).toEqual(['c', 'd']);
  });
});

describe('alert events and prom hook', () => {
  it('writes monitor.alert events and does not resend within the repeat interval', async () => {
    const source = new MemorySource();
    const a = alert();
    expect(await newAlerts(source, [a], 3_600_000, a.time)).toEqual([a]);
    await writeAlertEvents(source, [a]);
    expect(source.written).toHaveLength(1);
    expect(source.written[0]).toMatchObject({ kind: 'monitor.alert', model: 'credit', version: '1.0.0', payload: { kind: 'feature_drift', subject: 'age' } });
    expect(await newAlerts(source, [a], 3_600_000, a.time + 60_000)).toEqual([]);
    const other = alert({ subject: 'income' });
    expect(await newAlerts(source, [a, other], 3_600_000, a.time + 60_000)).toEqual([other]);
    expect(await newAlerts(source, [a], 3_600_000, a.time + 3_600_001)).toEqual([a]);
  });

  it('exports alert counters, active alerts, PSI and metrics on the given registry', async () => {
    const reg = new client.Registry();
    const hook = new PromMonitorHook(reg);
    hook.raised([alert()]);
    hook.observe({ model: 'credit', version: '1.0.0', psi: { age: 0.4, income: null }, metrics: { accuracy: 0.81 }, alerts: [alert()] });
    let text = await reg.metrics();
    expect(text).toContain('modelyard_monitor_alerts_total{model="credit",kind="feature_drift",severity="alert"} 1');
    expect(text).toContain('modelyard_monitor_alert_active{model="credit",version="1.0.0",kind="feature_drift",subject="age",severity="alert"} 1');
    expect(text).toContain('modelyard_monitor_psi{model="credit",version="1.0.0",feature="age"} 0.4');
    expect(text).toContain('modelyard_monitor_metric{model="credit",version="1.0.0",metric="accuracy"} 0.81');
    // The alert stops holding: its active series goes away.
    hook.observe({ model: 'credit', version: '1.0.0', psi: { age: 0.02 }, metrics: {}, alerts: [] });
    text = await reg.metrics();
    expect(text).not.toContain('subject="age",severity="alert"} 1');
    // A second hook on the same registry reuses the metrics instead of failing on duplicates.
    expect(() => new PromMonitorHook(reg)).not.toThrow();
  });
});
