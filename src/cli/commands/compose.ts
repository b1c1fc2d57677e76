/**
 * `modelyard models compose <name> --base REF --segment VALUE=REF …`: registers a new version of a
 * segmented model whose named segments come from other versions (switch one position's model).
 * Added to the `models` command from its own module; the work is in compose-action.ts.
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { collect } from '../options.js';
import type { ComposeFlags } from './compose-action.js';

export function registerCompose(program: Command, ctx: CliContext): void {
  const models = program.commands.find((c) => c.name() === 'models') ?? program.command('models');
  models
    .command('compose <name>')
    .description('register a new version of a segmented model taking some segments from other versions (e.g. --segment QB=recruit@1.1.0)')
    .requiredOption('--base <ref>', 'the version the other segments come from, e.g. recruit@champion')
    .requiredOption('--segment <value=ref>', 'take this segment\'s sub-model from that model (repeatable)', collect)
    .option('--version <semver>', 'version to register (default: next patch)')
    .option('--changelog <text>', 'what changed (default: which segment came from where)')
    .option('--alias <alias>', 'also point this alias at the new version, e.g. champion (repeatable)', collect)
    .option('--registry <url>', 'registry: a postgres:// URL or a folder (default $MODELYARD_REGISTRY, DATABASE_URL, $MODELYARD_HOME, ./.modelyard)')
    .option('--json', 'print JSON')
    .action(async (name: string, f: ComposeFlags, cmd: Command) => {
      const { runCompose } = await import('./compose-action.js');
      await runCompose(ctx, cmd, name, f);
    });
}
