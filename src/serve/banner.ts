/** The start-up banner: address, registry, models and versions, auth and limits. */
import type { FastifyInstance } from 'fastify';

export function banner(app: FastifyInstance, address: string, startMs: number): string {
  const y = app.yard;
  const lines = [`modelyard serve: listening on ${address} (ready in ${Math.round(startMs)} ms)`];
  const reg = y.hub.loaded().some((s) => s.source === 'registry') && y.registry ? y.opts.registry : undefined;
  const where = typeof reg === 'string' ? reg.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : reg ? reg.describe().location : y.registry ? '(default: $MODELYARD_HOME or ./.modelyard)' : 'none (model files)';
  lines.push(`  registry: ${where}`);
  for (const name of y.hub.names()) {
    const s = y.hub.peek(name)!;
    const sel = Object.entries(y.hub.selectors(name)).map(([k, v]) => `${k}=${v}`).join(', ');
    lines.push(`  model ${name}: ${s.version} (${s.model.target.task}, ${s.model.metadata.learner}; ${sel}; loaded in ${(s.loadSeconds * 1000).toFixed(0)} ms)`);
  }
  lines.push(`  auth: ${y.auth.enabled ? 'API keys (predict/admin scopes)' : 'none — admin routes answer loopback clients only'}; max batch ${y.opts.maxBatchRows} rows; body ≤ ${y.opts.maxBodyBytes} bytes${y.opts.rateLimit.max > 0 ? `; rate limit ${y.opts.rateLimit.max}/${y.opts.rateLimit.timeWindow}` : ''}`);
  lines.push(`  endpoints: /health /ready /v1/models /v1/models/{name}/predict /invocations /v2/models/{name}/infer /metrics${y.opts.docs ? ' /docs' : ''}`);
  return lines.join('\n');
}
