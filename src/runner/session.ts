/**
 * Opens the manifests repository named by --repo and loads git-canary.yaml from
 * the production branch: the only trusted source of config (a change on
 * candidate is never obeyed).
 */
import { isAbsolute, resolve } from 'node:path';
import type { CommandContext } from '../context.ts';
import { type ConfigIssue, loadConfig, type GitCanaryConfig } from '../config/index.ts';
import { ConfigError } from '../errors.ts';
import { openRepo } from '../git/index.ts';
import type { GitRepo, Identity } from '../git/types.ts';

export const CONFIG_FILE = 'git-canary.yaml';
export const DEFAULT_AUTHOR: Identity = { name: 'git-canary', email: 'git-canary@users.noreply.github.com' };

export interface Session {
  repo: GitRepo;
  config: GitCanaryConfig;
  production: string;
  candidate: string;
  author: Identity;
  /** Values expanded from ${ENV} and credentials: never to be printed. */
  secrets: string[];
}

const isUrl = (spec: string) => /^https?:\/\//i.test(spec);

/**
 * `write: true` for commands that may move refs: like git refusing a push to a
 * checked-out branch, they refuse a work tree with candidate or production
 * checked out. Read-only commands (validate, status, log, --dry-run) work there.
 */
export async function openRepository(ctx: CommandContext, access: { write: boolean }): Promise<GitRepo> {
  const { repo: spec, cacheDir, production } = ctx.options;
  const location = isUrl(spec) || isAbsolute(spec) ? spec : resolve(ctx.cwd, spec);
  return openRepo(location, {
    cacheDir,
    token: ctx.env.GIT_CANARY_TOKEN || ctx.env.GITHUB_TOKEN || undefined,
    protectedBranches: access.write ? [...new Set(['candidate', 'production', production])] : [],
  });
}

/** The production branch's tip; a missing branch is a problem for a person to fix (exit 1). */
export async function productionTip(repo: GitRepo, branch: string): Promise<string> {
  const tip = await repo.resolve(branch);
  if (!tip) {
    throw new ConfigError(`branch ${branch} does not exist in ${repo.label}`, {
      where: { branch },
      hint: 'create the production branch, or name it with --production <branch>',
    });
  }
  return tip;
}

/** Stands in for a variable no command of this run reads (see loadSessionConfig); never contacted. */
const UNUSED_METRICS_VALUE = 'http://metrics-variable-unset.invalid';

/**
 * Loads the config. A command that queries no metrics (status, pause, resume,
 * promote, rollback) should not need the metrics server's address or token in
 * its environment: a person resuming from a laptop has neither. So when the only
 * problems are unset variables inside `metrics:`, those get an inert stand-in.
 */
function loadSessionConfig(text: string, env: Record<string, string | undefined>, needsMetrics: boolean) {
  try {
    return loadConfig(text, { file: CONFIG_FILE, env });
  } catch (e) {
    if (needsMetrics || !(e instanceof ConfigError)) throw e;
    const issues = (e.data?.issues ?? []) as ConfigIssue[];
    const names = issues.map((i) => (i.path.startsWith('metrics.') ? /^environment variable (\w+) is not set$/.exec(i.message)?.[1] : undefined));
    if (names.length === 0 || names.some((n) => n === undefined)) throw e;
    const standIns = Object.fromEntries(names.map((n) => [n!, UNUSED_METRICS_VALUE]));
    return loadConfig(text, { file: CONFIG_FILE, env: { ...env, ...standIns } });
  }
}

/** `metrics: false` for commands that never query the metrics server. */
export async function openSession(ctx: CommandContext, access: { write: boolean; metrics?: boolean }): Promise<Session> {
  const repo = await openRepository(ctx, access);
  const branch = ctx.options.production;
  const tip = await productionTip(repo, branch);
  const text = await repo.readFile(tip, CONFIG_FILE);
  if (text === undefined) {
    throw new ConfigError(`${CONFIG_FILE} not found on ${branch}`, {
      where: { file: CONFIG_FILE, branch },
      hint: 'run `git-canary init` and commit the file to the production branch',
    });
  }
  const { config, secrets } = loadSessionConfig(text, ctx.env, access.metrics ?? true);
  ctx.onSession?.({ config, secrets });
  if (config.branches.production !== branch) {
    // The config is trusted only on the branch it governs; reading it from one branch
    // and committing to another would obey a file that branch never reviewed.
    throw new ConfigError(`${CONFIG_FILE} on ${branch} says branches.production is ${config.branches.production}`, {
      where: { file: CONFIG_FILE, branch },
      hint: `run with --production ${config.branches.production}, or fix branches.production`,
    });
  }
  const author = config.commit?.author ?? DEFAULT_AUTHOR;
  return {
    repo,
    config,
    production: config.branches.production,
    candidate: config.branches.candidate,
    author,
    secrets,
  };
}
