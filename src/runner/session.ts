/**
 * Opens the manifests repository named by --repo and loads git-canary.yaml from
 * the production branch: the only trusted source of config (a change on
 * candidate is never obeyed).
 */
import { isAbsolute, resolve } from 'node:path';
import type { CommandContext } from '../context.ts';
import { type ConfigIssue, expandString, formatPath, loadConfig, type GitCanaryConfig } from '../config/index.ts';
import { CONFIG_LIMITS, parseSource } from '../config/source.ts';
import { ConfigError } from '../errors.ts';
import { discoverRepository } from '../git/discover.ts';
import { defaultCacheDir, openRepo } from '../git/index.ts';
import { keepMemosIn } from '../memo.ts';
import { setGitWarningHandler } from '../git/warn.ts';
import { isUrl, memoDirOf, sessionRefs, tokenOf } from './early.ts';
import type { GitRepo, Identity } from '../git/types.ts';
import { commitUrl, resolveGitHubRepository } from '../github/repository.ts';
import { inNotify } from '../notify/env.ts';
import { createNotifier, type Notifier, registerNotifySecrets } from '../notify/index.ts';

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
  /** `notify:`, for commands that tell about their decisions (tick, promote, rollback, pause, resume). */
  notifier?: Notifier;
}

/**
 * Where `--repo` points: a URL as given, a path against the working directory,
 * and no --repo (an empty `repo`: neither the option nor $GIT_CANARY_REPO) the
 * repository containing the working directory, searched upward like git does.
 */
function repositoryLocation(ctx: Pick<CommandContext, 'options' | 'cwd' | 'env'>): string {
  const spec = ctx.options.repo;
  if (spec === '') return discoverRepository(ctx.cwd, ctx.env);
  return isUrl(spec) || isAbsolute(spec) ? spec : resolve(ctx.cwd, spec);
}

/**
 * `write: true` for commands that may move refs: like git refusing a push to a
 * checked-out branch, they refuse a work tree with candidate or production
 * checked out. Read-only commands (validate, status, log, --dry-run) work there.
 */
export async function openRepository(ctx: CommandContext, access: { write: boolean }): Promise<GitRepo> {
  const { production } = ctx.options;
  const cacheDir = ctx.options.cacheDir ?? defaultCacheDir(ctx.env);
  const location = repositoryLocation(ctx);
  // A stale lock broken, a broken cache rebuilt: said once, as a warning in the log.
  setGitWarningHandler((message, data) => ctx.log.warn(data, message));
  // What was learnt of files (parse verdicts, route weights, the config's data) and of git is kept between runs.
  keepMemosIn(memoDirOf(location, cacheDir));
  return openRepo(location, {
    cacheDir,
    token: tokenOf(ctx.env),
    // Fetched together with the first read; asked for already when the command started (early.ts).
    fetchRefs: sessionRefs(production),
    protectedBranches: access.write ? [...new Set(['candidate', 'production', production])] : [],
  });
}

/** The production branch's tip; a missing branch is a problem for a person to fix (exit 1). */
export async function productionTip(repo: GitRepo, branch: string): Promise<string> {
  let tip = await repo.resolve(branch);
  // Fetched again before it counts as missing: a read that raced another writer is not a missing branch.
  if (!tip) {
    await repo.refresh();
    tip = await repo.resolve(branch);
  }
  if (!tip) {
    throw new ConfigError(`branch ${branch} does not exist in ${repo.label}`, {
      where: { branch },
      hint: 'create the production branch, or name it with --production <branch>',
    });
  }
  return tip;
}

/** Stands in for a variable no command of this run reads (see loadSessionConfig): an unqueried source's, or notify's in a command that says nothing; never contacted. */
const UNUSED_METRICS_VALUE = 'http://metrics-variable-unset.invalid';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * From the raw file (it did not load): the names of `metrics:` and those some
 * service's `analysis.metrics` queries, after ${ENV} expansion. `all` when an
 * analysis names its source through a variable that is unset: then every
 * source may be the one it means.
 */
function metricsUse(text: string, env: Record<string, string | undefined>): { sources: string[]; queried: Set<string> | 'all' } {
  let data: unknown;
  try {
    data = parseSource(text, CONFIG_FILE).doc?.toJS({ maxAliasCount: CONFIG_LIMITS.maxAliasCount });
  } catch {
    return { sources: [], queried: 'all' };
  }
  const root = isRecord(data) ? data : {};
  const sources = isRecord(root.metrics) ? Object.keys(root.metrics) : [];
  const queried = new Set<string>();
  for (const service of Object.values(isRecord(root.services) ? root.services : {})) {
    const analysis = isRecord(service) ? service.analysis : undefined;
    if (analysis === undefined || analysis === null) continue;
    const name = isRecord(analysis) ? analysis.metrics : undefined;
    if (typeof name !== 'string') continue; // a shape error: the config cannot load anyway
    const expanded = expandString(name, env);
    if (expanded.unset.length > 0 || expanded.malformed) return { sources, queried: 'all' };
    queried.add(expanded.value);
  }
  return { sources, queried };
}

/** The source of `metrics:` an issue's path lies in, if any. */
function sourceAt(path: string, sources: readonly string[]): string | undefined {
  return sources.find((s) => {
    const at = formatPath(['metrics', s]);
    return path === at || path.startsWith(`${at}.`) || path.startsWith(`${at}[`);
  });
}

/**
 * Loads the config. Only the metrics sources this run may query need their
 * ${ENV} variables: none for a command that queries no metrics (status, pause,
 * resume, promote, rollback: a person resuming from a laptop has neither the
 * metrics server's address nor its token), and for tick only those some
 * service's `analysis.metrics` names. Likewise `notify:`'s variables (a Slack
 * URL) only for the commands that notify. A variable unset only inside sources no
 * one queries, or only in `notify:` of a command that says nothing, gets an inert
 * stand-in; one a queried source or a notifying command uses (even if an
 * unqueried source uses it too) stays an error naming the variable.
 */
function loadSessionConfig(text: string, env: Record<string, string | undefined>, needsMetrics: boolean, needsNotify: boolean) {
  try {
    return loadConfig(text, { file: CONFIG_FILE, env });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const issues = (e.data?.issues ?? []) as ConfigIssue[];
    const use = metricsUse(text, env);
    const queried = needsMetrics ? use.queried : new Set<string>();
    if (queried === 'all') throw e;
    // Per unset variable: may it stand in, i.e. is every place that needs it in a source no one queries?
    const inert = new Map<string, boolean>();
    const standingIn = new Set<string>();
    let standingInNotify = false;
    for (const issue of issues) {
      const name = /^environment variable (\w+) is not set$/.exec(issue.message)?.[1];
      if (name === undefined) continue;
      const source = sourceAt(issue.path, use.sources);
      const unqueried = source !== undefined && !queried.has(source);
      const unsaid = !needsNotify && inNotify(issue.path);
      inert.set(name, (inert.get(name) ?? true) && (unqueried || unsaid));
      if (unqueried) standingIn.add(source);
      if (unsaid) standingInNotify = true;
    }
    const standIns = Object.fromEntries([...inert].filter(([, ok]) => ok).map(([name]) => [name, UNUSED_METRICS_VALUE]));
    if (Object.keys(standIns).length === 0) throw e;
    try {
      return loadConfig(text, { file: CONFIG_FILE, env: { ...env, ...standIns } });
    } catch (again) {
      // A stand-in that does not fit where it stands (a timeout, say) would be a confusing
      // message about a value nobody wrote: the unset variable is the honest one.
      const noise = ((again instanceof ConfigError ? again.data?.issues : undefined) ?? []) as ConfigIssue[];
      if (noise.some((i) => standingIn.has(sourceAt(i.path, use.sources) ?? '') || (standingInNotify && inNotify(i.path)))) throw e;
      throw again;
    }
  }
}

/**
 * The commit links of notifications: the GitHub repository from the config,
 * GITHUB_REPOSITORY or a github.com `--repo` URL (no token needed for a link).
 * A malformed repository only means no links; the GitHub features report it.
 */
function commitLinks(ctx: CommandContext, config: GitCanaryConfig): ((sha: string) => string) | undefined {
  try {
    const repository = resolveGitHubRepository({ configured: config.github?.repository, env: ctx.env, repoSpec: ctx.options.repo });
    return repository ? (sha) => commitUrl(ctx.env, repository, sha) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `metrics: false` for commands that never query the metrics server;
 * `notify: true` for those that tell about their decisions (their `notify:`
 * variables must then be set).
 */
export async function openSession(ctx: CommandContext, access: { write: boolean; metrics?: boolean; notify?: boolean }): Promise<Session> {
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
  const notifies = access.notify ?? false;
  const { config, secrets } = loadSessionConfig(text, ctx.env, access.metrics ?? true, notifies);
  // Webhook URLs and secrets are credentials: registered before anything can print them.
  const targets = config.notify ?? [];
  registerNotifySecrets(targets);
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
    ...(notifies && targets.length > 0 ? { notifier: createNotifier({ targets, log: ctx.log, commitUrl: commitLinks(ctx, config) }) } : {}),
  };
}
