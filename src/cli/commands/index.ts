/** Every CLI command module; each exports a function that adds its command to the program. */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { registerModels } from './models.js';
import { registerPredict } from './predict.js';
import { registerTrain } from './train.js';
import { registerLogs } from './logs.js';
import { registerPipeline } from './pipeline.js';
import { registerServe } from './serve.js';
import { registerMonitor } from './monitor.js';
import { registerCompose } from './compose.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: RegisterCommand[] = [registerTrain, registerPredict, registerModels, registerServe];
COMMANDS.push(registerLogs);
COMMANDS.push(registerPipeline);
COMMANDS.push(registerMonitor);
COMMANDS.push(registerCompose);

/**
 * The top-level command names each registration adds (or extends: compose adds `models compose`).
 * main() builds only the registrations of the command being run — building all of them is a few
 * ms of every short command (bench/registry) — and all of them for help and unknown commands.
 * A test checks this table against the built program.
 */
export const COMMAND_NAMES = new Map<RegisterCommand, readonly string[]>([
  [registerTrain, ['train']],
  [registerPredict, ['predict', 'evaluate']],
  [registerModels, ['models']],
  [registerServe, ['serve', 'smoke']],
  [registerLogs, ['logs', 'feedback']],
  [registerPipeline, ['pipeline']],
  [registerMonitor, ['monitor']],
  [registerCompose, ['models']],
]);
