/**
 * The command table shared by the CLI and the GitHub Action: name, what it does,
 * its own options, and the function that runs it. Entry points only wire this.
 * Each command's module is imported when it runs, so `--help` (and the bundle's
 * start) loads no git, HTTP or YAML code.
 */
import type { CommandContext, CommandResult } from '../context.ts';
import type { ManualAction } from '../runner/manual.ts';

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

/**
 * A command that opens the repository: a remote is asked where its branches
 * are first (runner/early.ts), and the command's module loads while the
 * answer travels.
 */
function opening(load: () => Promise<CommandSpec['run']>): CommandSpec['run'] {
  return async (ctx, opts) => {
    (await import('../runner/early.ts')).askRefsEarly(ctx);
    return (await load())(ctx, opts);
  };
}

/** A person's decision; its module (and git, config, routers) loads only when the command runs. */
function manual(action: ManualAction): CommandSpec['run'] {
  return opening(async () => (await import('./manual.ts')).manualCommand(action));
}

const service: CommandOption = { flags: '--service <name>', description: 'the service (a key of services:)' };
const deadline: CommandOption = {
  flags: '--deadline <duration>',
  description:
    "the tick's time budget, e.g. 2m: when it passes, metric queries in flight are abandoned and services not decided yet hold (exit 0; the next tick decides them); a commit being pushed finishes, nothing half-done is committed (default: no deadline, each metrics source's timeout bounds its queries)",
};
const shard: CommandOption = {
  flags: '--shard <i/n>',
  description:
    'tick only shard i of n (1-based, e.g. 2/3): each service belongs to one shard by a hash of its name, so n workers (a CI matrix, CronJobs) share one repository with git\'s compare-and-swap as their only coordination; not with --service',
};
const reason: CommandOption = { flags: '--reason <text>', description: 'why (recorded as the Canary-Reason trailer; the actor comes from GIT_CANARY_ACTOR, GITHUB_ACTOR or USER)' };

export const commands: CommandSpec[] = [
  {
    name: 'tick',
    summary: 'make one decision per service; commit and push what is due',
    options: [
      { flags: '--dry-run', description: 'decide and print, push nothing' },
      { flags: '--service <name>', description: 'only this service' },
      shard,
      deadline,
    ],
    run: opening(async () => (await import('./tick.ts')).tick),
  },
  {
    name: 'watch',
    summary: 'run tick in a loop until stopped',
    options: [
      { flags: '--every <duration>', description: 'time between ticks, e.g. 30s', default: '30s' },
      { flags: '--dry-run', description: 'decide and print, push nothing' },
      { flags: '--service <name>', description: 'only this service' },
      { flags: '--times <n>', description: 'stop after n ticks (default: run until stopped)' },
      { ...shard, description: shard.description.replace('tick only', 'each tick ticks only') },
      { ...deadline, description: deadline.description.replace("the tick's time budget", "each tick's time budget") },
    ],
    run: opening(async () => (await import('./watch.ts')).watch),
  },
  {
    name: 'status',
    summary: "every service's phase, weight, step, time at step and last analysis",
    options: [{ flags: '--service <name>', description: 'only this service' }],
    run: opening(async () => (await import('./status.ts')).status),
  },
  {
    name: 'log',
    summary: 'every rollout from trailers and notes: each judgment, pause, resume, manual decision and the end',
    options: [
      { flags: '--service <name>', description: 'only this service (unknown: exit 1)' },
      { flags: '--since <date|duration>', description: 'only rollouts started since: a duration before now (1h, 30m, 2d, 1h30m) or an ISO date' },
      { flags: '--outcome <outcome...>', description: 'only these outcomes: promoted, rolled-back, paused, progressing (repeat or comma-separate)' },
      { flags: '--format <format>', description: 'text or markdown (for incidents, pull requests, job summaries); --json wins', default: 'text' },
    ],
    run: opening(async () => (await import('./log.ts')).log),
  },
  {
    name: 'report',
    summary: 'write one rollout as a self-contained HTML page: weight over time, checks against limits, commits, outcome',
    options: [
      { flags: '--service <name>', description: 'the service (required)' },
      { flags: '--rollout <id>', description: 'the rollout, e.g. checkout-3f2a9c1 (default: the service\'s newest)' },
      { flags: '--out <file>', description: 'the HTML file to write (required; its directory must exist)' },
    ],
    run: opening(async () => (await import('./report.ts')).report),
  },
  {
    name: 'propose',
    summary: 'commit a new image to the candidate branch (for app CI)',
    options: [
      service,
      { flags: '--image <ref>', description: 'the new image, e.g. registry/checkout:v2' },
      { flags: '--source <ref>', description: 'where the image comes from, e.g. acme/checkout@<sha> (recorded as Canary-Proposed-By)' },
      { flags: '--path <path>', description: 'Helm values: the key holding the tag (dotted or JSON pointer)' },
      { flags: '--dry-run', description: 'print the diff, commit nothing' },
    ],
    run: opening(async () => (await import('./propose.ts')).propose),
  },
  {
    name: 'promote',
    summary: "promote a service's canary now: ships the release the canary ran (a person's decision)",
    options: [service, reason],
    run: manual('promote'),
  },
  { name: 'rollback', summary: "roll a service's canary back now", options: [service, reason], run: manual('rollback') },
  { name: 'pause', summary: "pause a service's rollout", options: [service, reason], run: manual('pause') },
  { name: 'resume', summary: 'resume a paused rollout (its step clock starts again)', options: [service, reason], run: manual('resume') },
  {
    name: 'validate',
    summary: 'check git-canary.yaml on production and every file it names',
    options: [
      { flags: '--online', description: 'also run each analysis query once', default: false },
      { flags: '--config <file>', description: "check this git-canary.yaml from disk (before it is committed) against production's and candidate's files" },
    ],
    run: opening(async () => (await import('./validate.ts')).validate),
  },
  {
    name: 'init',
    summary: 'write git-canary.yaml and a workflow from templates/',
    options: [
      { flags: '--dir <dir>', description: 'where to write the files', default: '.' },
      { flags: '--force', description: 'overwrite existing files' },
    ],
    run: async (ctx, opts) => (await import('./init.ts')).init(ctx, opts),
  },
];
