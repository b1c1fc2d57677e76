/**
 * The `modelyard` command line: commander commands that are thin adapters over the services.
 * Exit codes (DESIGN.md): 0 ok, 1 internal error, 2 bad input or usage, 3 not found.
 */
import { Command, CommanderError } from 'commander';
import { ModelyardError } from '../errors.js';
import { processIo, reportError, type Io } from './io.js';
import { COMMAND_NAMES, COMMANDS } from './commands/index.js';
import { PACKAGE_VERSION } from '../version.js';

/** What every command receives. */
export interface CliContext {
  io: Io;
  env: NodeJS.ProcessEnv;
  /** Set by a command when it has printed its own error in JSON. */
  jsonMode: boolean;
}

/**
 * The top-level command `argv` runs (the first argument after the program's own options), when it
 * is one of ours; undefined for help, version, unknown commands or none.
 */
export function commandOf(argv: readonly string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--registry') {
      i++;
      continue;
    }
    if (a.startsWith('--registry=')) continue;
    if (a.startsWith('-')) return undefined;
    for (const names of COMMAND_NAMES.values()) if (names.includes(a)) return a;
    return undefined;
  }
  return undefined;
}

/**
 * Builds the commander program (exported for tests and docs generation); with `only`, just the
 * registrations that add or extend that command.
 */
export function buildProgram(ctx: CliContext, only?: string): Command {
  const program = new Command('modelyard')
    .description('Tabular ML from CSV to a monitored endpoint: train, register, serve, log, monitor, retrain.')
    .version(PACKAGE_VERSION, '-V, --version')
    .option('--registry <url>', 'registry: a postgres:// URL or a folder (default $MODELYARD_REGISTRY, else $MODELYARD_HOME or ./.modelyard)')
    // Program options only before the subcommand, so that a subcommand's own `--version 1.2.0`
    // (train, models import) is not taken for the program's `--version`. Commands that use the
    // registry repeat `--registry` so it also works after them.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.out(s.replace(/\n$/, '')),
      writeErr: (s) => ctx.io.err(s.replace(/\n$/, '')),
    });
  for (const register of COMMANDS) if (only === undefined || COMMAND_NAMES.get(register)?.includes(only)) register(program, ctx);
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io = processIo(), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const ctx: CliContext = { io, env, jsonMode: argv.includes('--json') };
  const program = buildProgram(ctx, commandOf(argv));
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      // commander already printed its message; name the flag and exit 2 as every usage error does.
      return ERROR_EXIT_USAGE;
    }
    return reportError(io, e, ctx.jsonMode);
  }
}

const ERROR_EXIT_USAGE = new ModelyardError('USAGE', '').exitCode;
