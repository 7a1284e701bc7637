/**
 * The command table shared by the CLI and the GitHub Action: name, what it does,
 * its own options, and the function that runs it. Entry points only wire this.
 */
import { CanaryError } from '../errors.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { init } from './init.ts';
import { manualCommand } from './manual.ts';
import { log } from './log.ts';
import { status } from './status.ts';
import { tick } from './tick.ts';
import { validate } from './validate.ts';
import { watch } from './watch.ts';

export interface CommandOption {
  flags: string;
  description: string;
  default?: string | boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  options: CommandOption[];
  run(ctx: CommandContext, opts: Record<string, unknown>): Promise<CommandResult>;
}

/** A command that is part of the contract but not built yet: says so, exit code 2. */
function notYet(name: string): CommandSpec['run'] {
  return async () => {
    throw new CanaryError('NOT_IMPLEMENTED', `'${name}' is not implemented yet`, {
      hint: 'see the open issues; `git-canary --help` lists every command',
    });
  };
}

const service: CommandOption = { flags: '--service <name>', description: 'the service (a key of services:)' };
const reason: CommandOption = { flags: '--reason <text>', description: 'why (recorded as the Canary-Reason trailer; the actor comes from GIT_CANARY_ACTOR, GITHUB_ACTOR or USER)' };

export const commands: CommandSpec[] = [
  {
    name: 'tick',
    summary: 'make one decision per service; commit and push what is due',
    options: [
      { flags: '--dry-run', description: 'decide and print, push nothing' },
      { flags: '--service <name>', description: 'only this service' },
    ],
    run: (ctx, opts) => tick(ctx, opts),
  },
  {
    name: 'watch',
    summary: 'run tick in a loop until stopped',
    options: [
      { flags: '--every <duration>', description: 'time between ticks, e.g. 30s', default: '30s' },
      { flags: '--dry-run', description: 'decide and print, push nothing' },
      { flags: '--service <name>', description: 'only this service' },
      { flags: '--times <n>', description: 'stop after n ticks (default: run until stopped)' },
    ],
    run: (ctx, opts) => watch(ctx, opts),
  },
  {
    name: 'status',
    summary: "every service's phase, weight, step, time at step and last analysis",
    options: [{ flags: '--service <name>', description: 'only this service' }],
    run: (ctx, opts) => status(ctx, opts),
  },
  {
    name: 'log',
    summary: 'rollouts reconstructed from commit trailers',
    options: [
      { flags: '--service <name>', description: 'only this service' },
      { flags: '--since <date>', description: 'only rollouts started after this date' },
    ],
    run: (ctx, opts) => log(ctx, opts),
  },
  {
    name: 'propose',
    summary: 'commit a new image to the candidate branch (for app CI)',
    options: [service, { flags: '--image <ref>', description: 'the new image, e.g. registry/checkout:v2' }],
    run: notYet('propose'),
  },
  {
    name: 'promote',
    summary: "promote a service's canary now: ships the release the canary ran (a person's decision)",
    options: [service, reason],
    run: manualCommand('promote'),
  },
  { name: 'rollback', summary: "roll a service's canary back now", options: [service, reason], run: manualCommand('rollback') },
  { name: 'pause', summary: "pause a service's rollout", options: [service, reason], run: manualCommand('pause') },
  { name: 'resume', summary: 'resume a paused rollout (its step clock starts again)', options: [service, reason], run: manualCommand('resume') },
  {
    name: 'validate',
    summary: 'check git-canary.yaml on production and every file it names',
    options: [{ flags: '--online', description: 'also run each analysis query once', default: false }],
    run: (ctx, opts) => validate(ctx, opts),
  },
  {
    name: 'init',
    summary: 'write git-canary.yaml and a workflow from templates/',
    options: [
      { flags: '--dir <dir>', description: 'where to write the files', default: '.' },
      { flags: '--force', description: 'overwrite existing files' },
    ],
    run: (ctx, opts) => init(ctx, opts),
  },
];
