/** `modelyard predict <ref> <data>` and `modelyard evaluate <ref> <data>`: flags here, work in predict-action.ts. */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { collect } from '../options.js';
import type { CommonFlags, PredictFlags } from './predict-action.js';

export function registerPredict(program: Command, ctx: CliContext): void {
  program
    .command('predict')
    .description('Score rows with a model: a registry reference (name, name@1.0.2, name@champion) or a .myd file')
    .argument('<ref>', 'model reference or artifact file')
    .argument('<data>', 'rows to score: .csv, .parquet, .jsonl, or a database file with --sql')
    .option('--out <file>', 'write predictions to .csv, .jsonl or .parquet (default: CSV on stdout)')
    .option('--threshold <p>', 'binary: positive label when P(positive) ≥ p (default 0.5)')
    .option('--probabilities', 'include every class probability')
    .option('--keep <cols>', 'input columns to copy into the output (default: ID-like columns)', collect)
    .option('--id <ids>', 'score only the rows with these ids (comma-separated or repeated), in that order', collect)
    .option('--id-column <col>', 'the key column --id looks in (default: the ID-like column the model dropped)')
    .option('--unseen <policy>', 'unseen categories: error (default) | missing')
    .option('--sql <query>', 'SQL query when <data> is a database file')
    .option('--registry <url>', 'registry: a postgres:// URL or a folder (default $MODELYARD_REGISTRY, else $MODELYARD_HOME or ./.modelyard)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (ref: string, data: string, f: PredictFlags, cmd: Command) => {
      const { runPredict } = await import('./predict-action.js');
      await runPredict(ctx, cmd, ref, data, f);
    });

  program
    .command('evaluate')
    .description('Score labelled rows and report the metrics of the task')
    .argument('<ref>', 'model reference or artifact file')
    .argument('<data>', 'labelled rows: .csv, .parquet, .jsonl, or a database file with --sql')
    .option('--threshold <p>', 'binary: threshold for label metrics (default 0.5)')
    .option('--unseen <policy>', 'unseen categories: missing (default: scored as missing, with a warning) | error')
    .option('--sql <query>', 'SQL query when <data> is a database file')
    .option('--registry <url>', 'registry: a postgres:// URL or a folder (default $MODELYARD_REGISTRY, else $MODELYARD_HOME or ./.modelyard)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (ref: string, data: string, f: CommonFlags, cmd: Command) => {
      const { runEvaluate } = await import('./predict-action.js');
      await runEvaluate(ctx, cmd, ref, data, f);
    });
}
