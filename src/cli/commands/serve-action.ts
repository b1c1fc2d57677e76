/** The work of `modelyard serve`, loaded on use: build the server, listen, print the banner, drain on SIGTERM. */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { intFlag } from '../options.js';
import { parseFeatureSources } from '../../serve/features/config.js';
import { createServer } from '../../serve/server.js';
import { banner } from '../../serve/banner.js';

export interface ServeFlags {
  port?: string;
  host?: string;
  models?: string;
  features?: string[];
  maxBatchRows?: string;
  maxBodyBytes?: string;
  rateLimit?: string;
  allowedOrigins?: string;
  docs?: boolean;
  watch?: boolean;
  registry?: string;
}

export async function runServe(ctx: CliContext, cmd: Command, f: ServeFlags): Promise<void> {
  const env = ctx.env;
  const globals = cmd.optsWithGlobals() as { registry?: string };
  const t0 = performance.now();
  const port = intFlag('--port', f.port ?? env.PORT, 0, 65535) ?? 8080;
  const host = f.host ?? env.HOST ?? '127.0.0.1';
  const rate = intFlag('--rate-limit', f.rateLimit, 0);
  const app = await createServer({
    env,
    registry: globals.registry ?? f.registry,
    models: f.models !== undefined ? f.models.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    featureSources: f.features ? parseFeatureSources(f.features.join(' ')) : undefined,
    maxBatchRows: intFlag('--max-batch-rows', f.maxBatchRows, 1),
    maxBodyBytes: intFlag('--max-body-bytes', f.maxBodyBytes, 1024),
    rateLimit: rate !== undefined ? { max: rate } : undefined,
    allowedOrigins: f.allowedOrigins !== undefined ? f.allowedOrigins.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    docs: f.docs,
    watch: f.watch,
  });
  const address = await app.listen({ port, host });
  ctx.io.err(banner(app, address, performance.now() - t0));
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    const graceMs = Number(env.SHUTDOWN_TIMEOUT_MS ?? 10_000);
    ctx.io.err(`modelyard serve: ${signal}: draining in-flight requests, then exiting (at most ${graceMs} ms)`);
    setTimeout(() => {
      ctx.io.err(`modelyard serve: requests still running after ${graceMs} ms: exiting anyway`);
      process.exit(1);
    }, graceMs).unref();
    // close() stops accepting, answers new requests on open connections with 503 NOT_READY, and
    // resolves once every in-flight request has been answered.
    app.close().then(
      () => process.exit(0),
      (e) => {
        ctx.io.err(`modelyard serve: shutdown failed: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
