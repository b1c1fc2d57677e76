/** `modelyard serve` and `modelyard smoke <url>`: flags here, work in serve-action.ts / smoke-action.ts. */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { collect } from '../options.js';
import type { ServeFlags } from './serve-action.js';

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('Serve models over HTTP: v1 API, MLflow /invocations, KServe V2, /metrics, /docs (see docs/http.md)')
    .option('--port <n>', 'port (default $PORT, else 8080)')
    .option('--host <addr>', 'address to bind (default $HOST, else 127.0.0.1)')
    .option('--models <refs>', 'comma-separated refs: name, name@alias, name@1.2.0, file.myd (default $MODELYARD_MODELS, else every model at champion, else latest)')
    .option('--features <spec>', 'predict-by-id source: [model=]URL;table=T;key=K[;ttl=S] (repeatable; default $MODELYARD_FEATURES)', collect)
    .option('--max-batch-rows <n>', 'rows per request (default $MAX_BATCH_ROWS, else 1000)')
    .option('--max-body-bytes <n>', 'request body limit (default $MAX_BODY_BYTES, else 8 MiB)')
    .option('--rate-limit <n>', 'requests per client per minute, 0 = off (default $RATE_LIMIT_MAX, else off)')
    .option('--allowed-origins <list>', 'CORS origins, comma-separated (default $ALLOWED_ORIGINS, else none)')
    .option('--no-docs', 'do not serve /docs')
    .option('--no-watch', 'do not follow alias moves made elsewhere')
    .option('--registry <url>', 'registry: a postgres:// URL or a folder (default $MODELYARD_REGISTRY, else $MODELYARD_HOME or ./.modelyard)')
    .action(async (f: ServeFlags, cmd: Command) => {
      const { runServe } = await import('./serve-action.js');
      await runServe(ctx, cmd, f);
    });

  program
    .command('smoke')
    .description('Check a running server: health, readiness, model info and one prediction per model; exit 1 on any failure')
    .argument('<url>', 'base URL, e.g. http://127.0.0.1:8080')
    .option('--api-key <key>', 'API key to send (default $MODELYARD_API_KEY)')
    .option('--timeout <ms>', 'per-request timeout (default 5000)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (url: string, f: { apiKey?: string; timeout?: string; json?: boolean }) => {
      const { runSmoke } = await import('./smoke-action.js');
      await runSmoke(ctx, url, f);
    });
}
