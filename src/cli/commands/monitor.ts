/**
 * `modelyard monitor report|check|worker`: flags here, work in monitor-action.ts (loaded on use).
 * The monitor reads the prediction log (`--log`, as `logs`) and the registry; thresholds come from
 * `--config monitor.json` over the documented defaults (docs/monitor.md).
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import type { MonitorFlags } from './monitor-action.js';

const LOG_HELP = 'prediction log: a postgres:// URL or a SQLite file/folder (default $MODELYARD_LOG_URL, else with the registry, else $MODELYARD_HOME/log.db)';

export function registerMonitor(program: Command, ctx: CliContext): void {
  const monitor = program.command('monitor').description('drift, decay, calibration, errors and latency of a served model; champion/challenger; retraining');
  const common = (c: Command): Command =>
    c
      .option('--config <file>', 'monitor thresholds as JSON (see docs/monitor.md); defaults from DESIGN.md and the seeds')
      .option('--log <url>', LOG_HELP)
      .option('--registry <url>', 'registry location (default $MODELYARD_REGISTRY, else $MODELYARD_HOME or ./.modelyard)')
      .option('--json', 'print one JSON document on stdout');
  common(
    monitor
      .command('report <ref>')
      .description('the monitor state of a model (name = its champion, else latest; or name@version / name@alias): drift, metrics from feedback, operations, alerts, challenger')
      .option('--since <time>', 'start of the windows: a time (ISO 8601 or Unix ms) or a look-back (24h, 7d); default: 24 h for drift, 7 d for metrics'),
  ).action(async (ref: string, f: MonitorFlags, cmd: Command) => {
    const { runReport } = await import('./monitor-action.js');
    await runReport(ctx, cmd, ref, f);
  });
  common(
    monitor
      .command('check <ref>')
      .description('one monitoring pass: send new alerts (log, --webhook), record the champion/challenger decision, schedule a retrain when triggered (--data)')
      .option('--webhook <url>', 'also POST new alerts here (retried with backoff)')
      .option('--data <file>', 'training data for a triggered retrain (the artifact\'s recipe is replayed on it + feedback rows)')
      .option('--queue <url>', 'job queue: memory (default: run the retrain now, in this process), a SQLite file, or a postgres:// URL (enqueue for `monitor worker`)'),
  ).action(async (ref: string, f: MonitorFlags, cmd: Command) => {
    const { runCheck } = await import('./monitor-action.js');
    await runCheck(ctx, cmd, ref, f);
  });
  monitor
    .command('worker')
    .description('run queued jobs (retrains) from a SQLite or Postgres queue until interrupted')
    .requiredOption('--queue <url>', 'a SQLite file or a postgres:// URL')
    .option('--log <url>', LOG_HELP)
    .option('--registry <url>', 'registry location')
    .action(async (f: MonitorFlags, cmd: Command) => {
      const { runWorker } = await import('./monitor-action.js');
      await runWorker(ctx, cmd, f);
    });
}
