/**
 * The command table shared by the CLI and the GitHub Action: name, what it does,
 * its own options, and the function that runs it. Entry points only wire this.
 */
import { CanaryError } from '../errors.ts';
import type { CommandContext, CommandResult } from './context.ts';

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

export const commands: CommandSpec[] = [
  {
    name: 'tick',
    summary: 'make one decision per service; commit and push what is due',
    options: [
      { flags: '--dry-run', description: 'decide and print, push nothing', default: false },
      { flags: '--service <name>', description: 'only this service' },
    ],
    run: notYet('tick'),
  },
  {
    name: 'watch',
    summary: 'run tick in a loop until stopped',
    options: [{ flags: '--every <duration>', description: 'time between ticks, e.g. 30s', default: '30s' }],
    run: notYet('watch'),
  },
  {
    name: 'status',
    summary: "every service's phase, weight, step, time at step and last analysis",
    options: [],
    run: notYet('status'),
  },
  {
    name: 'log',
    summary: 'rollouts reconstructed from commit trailers',
    options: [
      { flags: '--service <name>', description: 'only this service' },
      { flags: '--since <date>', description: 'only rollouts started after this date' },
    ],
    run: notYet('log'),
  },
  {
    name: 'propose',
    summary: 'commit a new image to the candidate branch (for app CI)',
    options: [service, { flags: '--image <ref>', description: 'the new image, e.g. registry/checkout:v2' }],
    run: notYet('propose'),
  },
  { name: 'promote', summary: "promote a service's canary now (a person's decision)", options: [service], run: notYet('promote') },
  { name: 'rollback', summary: "roll a service's canary back now", options: [service], run: notYet('rollback') },
  { name: 'pause', summary: "pause a service's rollout", options: [service], run: notYet('pause') },
  { name: 'resume', summary: 'resume a paused rollout', options: [service], run: notYet('resume') },
  {
    name: 'validate',
    summary: 'check git-canary.yaml on production and every file it names',
    options: [{ flags: '--online', description: 'also run each analysis query once', default: false }],
    run: notYet('validate'),
  },
  {
    name: 'init',
    summary: 'write git-canary.yaml and a workflow from templates/',
    options: [],
    run: notYet('init'),
  },
];
