/** `modelyard pipeline run <file>`: flags here, work in pipeline-action.ts (loaded on use). */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { collect } from '../options.js';
import type { PipelineRunFlags } from './pipeline-action.js';

export function registerPipeline(program: Command, ctx: CliContext): void {
  const pipeline = program.command('pipeline').description('staged pipelines (YAML) with content-hash caching; see docs/pipeline.md');
  pipeline
    .command('run')
    .description('Run a pipeline file: stages whose code, params and inputs are unchanged are skipped')
    .argument('<file>', 'the pipeline file (YAML)')
    .option('--only <stage>', 'run only this stage (repeatable, or comma-separated); its inputs must exist', collect)
    .option('--from <stage>', 'run this stage and every stage downstream of it')
    .option('--force', 'ignore the cache for the selected stages')
    .option('--registry <url>', 'registry for train/evaluate stages: a postgres:// URL or a folder (default $MODELYARD_REGISTRY, else $MODELYARD_HOME or ./.modelyard)')
    .option('--json', 'print one JSON document (the run summary) on stdout')
    .action(async (file: string, f: PipelineRunFlags, cmd: Command) => {
      const { runPipelineCommand } = await import('./pipeline-action.js');
      await runPipelineCommand(ctx, cmd, file, f);
    });
}
