/**
 * `modelyard logs export|reconcile` and `modelyard feedback <csv>`: flags here, work in
 * logs-action.ts (loaded on use). The log lives at `--log URL`, else MODELYARD_LOG_URL, else with the
 * registry (`--registry`, MODELYARD_REGISTRY), DATABASE_URL (Postgres), MODELYARD_HOME/log.db,
 * ./.modelyard/log.db — see docs/log.md.
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { collect } from '../options.js';
import type { ExportFlags, FeedbackFlags, ReconcileFlags } from './logs-action.js';

const LOG_HELP = 'prediction log: a postgres:// URL or a SQLite file/folder (default $MODELYARD_LOG_URL, else with the registry, else $MODELYARD_HOME/log.db)';
const REGISTRY_HELP = 'registry location (the log lives with it unless --log is given)';

export function registerLogs(program: Command, ctx: CliContext): void {
  const logs = program.command('logs').description('the prediction log: export rows, reconcile spool, exports and store');
  logs
    .command('export')
    .description('write logged predictions (joined to their outcomes) to CSV, JSON lines or Parquet')
    .option('--model <ref>', 'only this model (name or name@version)')
    .option('--since <time>', 'from this time (ISO 8601 or Unix ms), inclusive')
    .option('--until <time>', 'up to this time, exclusive')
    .option('--role <role>', 'primary | shadow')
    .option('--out <file>', 'output file: .csv, .jsonl or .parquet (default: CSV on stdout)')
    .option('--log <url>', LOG_HELP)
    .option('--registry <url>', REGISTRY_HELP)
    .option('--json', 'print a JSON summary on stdout (with --out)')
    .action(async (f: ExportFlags, cmd: Command) => {
      const { runExport } = await import('./logs-action.js');
      await runExport(ctx, cmd, f);
    });
  logs
    .command('reconcile')
    .description('compare the spool, export files and the store; report and repair gaps and duplicates (idempotent by id)')
    .option('--export <file>', 'an export file to compare (repeatable)', collect)
    .option('--spool <dir>', 'spool folder (default: the log\'s)')
    .option('--dry-run', 'report only; insert nothing')
    .option('--prune', 'delete replayed spool segments once all their rows are in the store')
    .option('--log <url>', LOG_HELP)
    .option('--registry <url>', REGISTRY_HELP)
    .option('--json', 'print one JSON document on stdout')
    .action(async (f: ReconcileFlags, cmd: Command) => {
      const { runReconcile } = await import('./logs-action.js');
      await runReconcile(ctx, cmd, f);
    });

  program
    .command('feedback')
    .description('record outcomes from a CSV with columns prediction_id or entity_id[,time], actual; joins them to logged predictions')
    .argument('<csv>', 'outcomes: prediction_id,actual or entity_id,time,actual (time: ISO 8601 or Unix ms; default now)')
    .option('--window <duration>', 'entity rows join the entity\'s latest prediction this far back from their time (default 7d)')
    .option('--model <name>', 'entity rows join only this model\'s predictions')
    .option('--allow-unmatched', 'store rows that match no prediction instead of refusing the file')
    .option('--log <url>', LOG_HELP)
    .option('--registry <url>', REGISTRY_HELP)
    .option('--json', 'print one JSON document on stdout')
    .action(async (csv: string, f: FeedbackFlags, cmd: Command) => {
      const { runFeedback } = await import('./logs-action.js');
      await runFeedback(ctx, cmd, csv, f);
    });
}
