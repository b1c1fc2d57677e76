/** `modelyard train <data> --target COL …`: the command's flags; the work is in train-action.ts, loaded on use. */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { collect } from '../options.js';
import type { TrainFlags } from './train-action.js';

export function registerTrain(program: Command, ctx: CliContext): void {
  program
    .command('train')
    .description('Train a model on a CSV/Parquet file (or a SQL query against a DuckDB/SQLite file) and register it')
    .argument('<data>', 'training data: .csv, .parquet, .jsonl, or a .duckdb/.sqlite file with --sql')
    .requiredOption('--target <col>', 'the column to predict')
    .option('--name <name>', 'model name in the registry (default: the data file name)')
    .option('--task <task>', 'auto | binary | multiclass | regression', 'auto')
    .option('--learner <learner>', 'auto | linear | gbdt | forest | extra_trees | tree | voting | stacking (default auto)')
    .option('--param <key=value>', 'learner parameter (repeatable), e.g. --param C=0.5', collect)
    .option('--types <col=kind>', 'override a column kind: numeric|integer|boolean|categorical|datetime|text-id (repeatable)', collect)
    .option('--drop <cols>', 'columns to ignore, comma-separated (repeatable)', collect)
    .option('--split <spec>', 'hold out rows for validation: random | stratified | temporal:COL | group:COL [,size]')
    .option('--cv <k>', 'record k-fold cross-validation scores')
    .option('--time-budget <duration>', '--learner auto: time for the model search, e.g. 60s or 5m (default 5m)')
    .option('--auto-folds <k>', '--learner auto: cross-validation folds of the search (default 5; 3 above 20 000 rows)')
    .option('--segment-by <col>', 'train one sub-model per value of this column')
    .option('--min-segment-rows <n>', 'refuse segments with fewer training rows (default 30)')
    .option('--segment-fallback <mode>', 'error | global: serve small/unknown segments with a model on all rows')
    .option('--weight <col>', 'column of per-row sample weights')
    .option('--class-weight <mode>', 'none | balanced')
    .option('--calibrate <method>', 'none | sigmoid | isotonic: calibrate probabilities on out-of-fold predictions')
    .option('--calibration-folds <k>', 'folds for --calibrate (default 5)')
    .option('--seed <n>', 'random seed (default 42)')
    .option('--threads <n>', 'worker threads for learners that use them (0 = all cores)')
    .option('--sql <query>', 'SQL query when <data> is a database file')
    .option('--version <semver>', 'version to register (default: next patch)')
    .option('--changelog <text>', 'what changed in this version')
    .option('--description <text>', 'model description')
    .option('--tag <key=value>', 'registry tag (repeatable)', collect)
    .option('--alias <alias>', 'also point this alias at the new version, e.g. champion (repeatable)', collect)
    .option('--out <file.myd>', 'also write the artifact to a file')
    .option('--no-register', 'do not register (use with --out)')
    .option('--registry <url>', 'registry: a postgres:// URL or a folder (default $MODELYARD_REGISTRY, else $MODELYARD_HOME or ./.modelyard)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (data: string, f: TrainFlags, cmd: Command) => {
      const { runTrain } = await import('./train-action.js');
      await runTrain(ctx, cmd, data, f);
    });
}
