/**
 * The work of `modelyard smoke <url>`: checks a running server end to end — health, readiness,
 * the model list, each model's info and one prediction per model built from its schema — and
 * exits 1 when any check fails (seeds 000/001 ship such a script).
 */
import type { CliContext } from '../main.js';
import { intFlag } from '../options.js';

interface Check {
  name: string;
  ok: boolean;
  status?: number;
  ms: number;
  detail?: string;
}

interface Feature {
  name: string;
  kind: string;
  categories?: string[];
}

/** A row that the model accepts, from the schema `GET /v1/models/{name}` returns. */
export function exampleFromSchema(schema: { features: Feature[]; segment_by?: string | null; segments?: string[] | null }): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const f of schema.features) row[f.name] = f.kind === 'categorical' ? (f.categories?.[0] ?? null) : 0;
  if (schema.segment_by) row[schema.segment_by] = schema.segments?.[0] ?? null;
  return row;
}

export async function runSmoke(ctx: CliContext, url: string, f: { apiKey?: string; timeout?: string; json?: boolean }): Promise<void> {
  const base = url.replace(/\/+$/, '');
  const timeout = intFlag('--timeout', f.timeout, 1) ?? 5000;
  const key = f.apiKey ?? ctx.env.MODELYARD_API_KEY;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': `smoke-${Date.now()}` };
  if (key) headers.authorization = `Bearer ${key}`;
  const { 'content-type': _ct, ...getHeaders } = headers;
  const checks: Check[] = [];

  const call = async (name: string, method: string, path: string, body?: unknown, want?: (json: unknown) => string | null): Promise<unknown> => {
    const t0 = performance.now();
    try {
      const res = await fetch(base + path, { method, headers: body === undefined ? getHeaders : headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeout) });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
      const problem = !res.ok ? `HTTP ${res.status}: ${text.slice(0, 200)}` : want ? want(json) : null;
      checks.push({ name, ok: problem === null, status: res.status, ms: Math.round(performance.now() - t0), detail: problem ?? undefined });
      return problem === null ? json : null;
    } catch (e) {
      checks.push({ name, ok: false, ms: Math.round(performance.now() - t0), detail: (e as Error).message });
      return null;
    }
  };

  await call('health', 'GET', '/health');
  await call('ready', 'GET', '/ready');
  const list = (await call('models', 'GET', '/v1/models', undefined, (j) => (Array.isArray((j as { models?: unknown })?.models) && (j as { models: unknown[] }).models.length > 0 ? null : 'no models served'))) as { models: { name: string }[] } | null;
  for (const m of list?.models ?? []) {
    const enc = encodeURIComponent(m.name);
    const info = (await call(`model ${m.name}`, 'GET', `/v1/models/${enc}`)) as { schema?: Parameters<typeof exampleFromSchema>[0] } | null;
    if (!info?.schema) continue;
    await call(`predict ${m.name}`, 'POST', `/v1/models/${enc}/predict`, { instances: [exampleFromSchema(info.schema)] }, (j) => {
      const p = (j as { predictions?: { id?: string; prediction?: unknown }[] })?.predictions;
      return Array.isArray(p) && p.length === 1 && typeof p[0].id === 'string' && p[0].prediction !== undefined ? null : 'answer has no prediction with an id';
    });
  }
  await call('metrics', 'GET', '/metrics');
  const failed = checks.filter((c) => !c.ok);
  if (f.json) ctx.io.json({ url: base, ok: failed.length === 0, checks });
  else {
    for (const c of checks) ctx.io.out(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(28)} ${String(c.status ?? '-').padStart(3)} ${String(c.ms).padStart(5)} ms${c.detail ? `  ${c.detail}` : ''}`);
    ctx.io.out(failed.length === 0 ? `smoke: all ${checks.length} checks passed` : `smoke: ${failed.length} of ${checks.length} checks FAILED`);
  }
  if (failed.length > 0) process.exitCode = 1;
}
