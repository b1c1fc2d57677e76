import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram, commandOf, type CliContext } from './main.js';
import { COMMAND_NAMES } from './commands/index.js';

const ctx = (): CliContext => ({ io: { out() {}, err() {}, json() {}, warn() {}, progress: () => ({ tick() {}, done() {} }) } as unknown as CliContext['io'], env: {}, jsonMode: false });

/** A command's full tree of subcommand names and options, for comparing programs. */
function shape(c: Command): unknown {
  return { name: c.name(), options: c.options.map((o) => o.flags), commands: c.commands.map(shape) };
}

describe('building only the command being run', () => {
  it('COMMAND_NAMES lists exactly the top-level commands the registrations add', () => {
    const all = buildProgram(ctx()).commands.map((c) => c.name()).sort();
    const listed = [...new Set([...COMMAND_NAMES.values()].flat())].sort();
    expect(listed).toEqual(all);
  });

  it('each command built alone is the same command as in the full program (subcommands, options)', () => {
    const full = buildProgram(ctx());
    for (const name of new Set([...COMMAND_NAMES.values()].flat())) {
      const alone = buildProgram(ctx(), name);
      expect(alone.commands.map((c) => c.name())).toContain(name);
      expect(shape(alone.commands.find((c) => c.name() === name)!)).toEqual(shape(full.commands.find((c) => c.name() === name)!));
    }
  });

  it('commandOf finds the command after the program options; help, version and unknown names build everything', () => {
    const argv = (...a: string[]) => ['node', 'modelyard', ...a];
    expect(commandOf(argv('models', 'list', '--json'))).toBe('models');
    expect(commandOf(argv('--registry', 'postgres://x/db', 'models', 'list'))).toBe('models');
    expect(commandOf(argv('--registry=/tmp/reg', 'train', 'a.csv'))).toBe('train');
    expect(commandOf(argv('evaluate', 'credit', 'a.csv'))).toBe('evaluate');
    expect(commandOf(argv('--registry', 'train'))).toBeUndefined(); // the flag's value, not a command
    expect(commandOf(argv('--help'))).toBeUndefined();
    expect(commandOf(argv('-V'))).toBeUndefined();
    expect(commandOf(argv('help', 'models'))).toBeUndefined();
    expect(commandOf(argv('modles', 'list'))).toBeUndefined();
    expect(commandOf(argv())).toBeUndefined();
  });
});
