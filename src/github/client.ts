/**
 * The one GitHub client: the `GitHubApi` port implemented with Octokit, plus
 * plugin-retry (5xx and network errors) and plugin-throttling (rate limits).
 * Retries are few and short on purpose: a down GitHub must fail a tick in
 * seconds (the next tick tries again), never stall it for minutes.
 * Every failure is a CanaryError('GITHUB') naming the call; the token never
 * appears in an error, its cause or a log line.
 */
import { CanaryError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { GitHubOctokit, GitHubOctokitOptions } from './octokit.ts';
import type { Deployment, GitHubApi, IssueComment, PullRequest, RepositoryRef, Review } from './types.ts';

/** Options for {@link createGitHubClient}. */
export interface GitHubClientOptions {
  token: string;
  repository: RepositoryRef;
  /** REST root; callers pass GITHUB_API_URL. Default https://api.github.com. */
  baseUrl?: string;
  log?: Logger;
  userAgent?: string;
  /** Retries for 5xx and network errors (not 4xx). Default 2; tests pass 0. */
  retries?: number;
  /**
   * Space writes 1 s apart (3 s for ones that notify people), as GitHub asks
   * integrators to, to stay clear of secondary rate limits. Default true; tests
   * against the local fake turn it off.
   */
  paceWrites?: boolean;
  /** Give up on one HTTP request after this long. Default 30 s. */
  timeoutMs?: number;
}

type ThrottleOptions = NonNullable<GitHubOctokitOptions['throttle']>;
type Limiter = NonNullable<ThrottleOptions['write']>;

/** Rate-limit retries: at most this many, and only when GitHub asks us to wait no longer than the next constant. */
const RATE_LIMIT_RETRIES = 2;
const RATE_LIMIT_MAX_WAIT_S = 60;
/** plugin-retry waits (n+1)² × this: 250 ms, then 1 s. */
const RETRY_BASE_MS = 250;
/** GitHub rejects longer status descriptions with 422. */
const MAX_DESCRIPTION = 140;

/** A limiter that schedules immediately: writes unpaced (see `paceWrites`). */
const unpaced = {
  key: () => ({ schedule: (_options: unknown, fn: () => unknown) => fn() }),
} as unknown as Limiter;

/** Create the GitHub client for one repository; Octokit loads on its first call (src/github/octokit.ts). */
export function createGitHubClient(o: GitHubClientOptions): GitHubApi {
  const { owner, repo } = o.repository;
  const baseUrl = (o.baseUrl || 'https://api.github.com').replace(/\/+$/, '');
  const log = o.log;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const onLimit = (kind: string) => (retryAfter: number, options: { method: string; url: string }, _k: unknown, retryCount: number) => {
    const again = retryCount < RATE_LIMIT_RETRIES && retryAfter <= RATE_LIMIT_MAX_WAIT_S;
    log?.warn({ method: options.method, url: options.url, retryAfter, retryCount, again }, `GitHub ${kind} rate limit`);
    return again;
  };
  const options: GitHubOctokitOptions = {
    auth: o.token,
    baseUrl,
    userAgent: o.userAgent ?? 'git-canary',
    // Octokit logs every request at info: that is debug detail for us.
    log: {
      debug: (m: string) => log?.debug(m),
      info: (m: string) => log?.debug(m),
      warn: (m: string) => log?.warn(m),
      error: (m: string) => log?.debug(m),
    },
    request: {
      // A hung connection must not hang the tick.
      fetch: (url: string, init: RequestInit) => fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(timeoutMs) }),
    },
    retry: { retries: o.retries ?? 2, retryAfterBaseValue: RETRY_BASE_MS },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      ...(o.paceWrites === false ? { write: unpaced, notifications: unpaced } : {}),
    },
  };
  let loaded: Promise<GitHubOctokit> | undefined;
  const octokit = () =>
    (loaded ??= import('./octokit.ts').then(({ GitHubOctokit }) => {
      const client = new GitHubOctokit(options);
      // plugin-retry counts retries on `options.request`, which Octokit shares between calls: without a copy per
      // call, each call after a retried one starts at a higher count and backs off longer (2.25 s instead of 250 ms).
      // Replaced in place because every hook is bound to this same options object.
      client.hook.before('request', (request) => {
        request.request = { ...request.request };
      });
      return client;
    }));
  const call = async <T>(what: string, fn: (octokit: GitHubOctokit) => Promise<T>): Promise<T> => {
    try {
      return await fn(await octokit());
    } catch (err) {
      throw toGitHubError(err, { what, token: o.token, baseUrl, repository: o.repository });
    }
  };
  const r = { owner, repo };

  return {
    repository: { owner, repo },
    pullRequestsFor: (branch, base) =>
      call(`list pull requests for ${branch}`, async (octokit) => {
        const res = await octokit.rest.pulls.list({ ...r, state: 'all', head: `${owner}:${branch}`, base, sort: 'created', direction: 'desc' });
        return res.data.map(toPullRequest);
      }),
    getPullRequest: (number) => call(`get pull request #${number}`, async (octokit) => toPullRequest((await octokit.rest.pulls.get({ ...r, pull_number: number })).data)),
    createPullRequest: (p) =>
      call(`create pull request ${p.head} → ${p.base}`, async (octokit) => toPullRequest((await octokit.rest.pulls.create({ ...r, ...p })).data)),
    updatePullRequest: (number, p) =>
      call(`update pull request #${number}`, async (octokit) => toPullRequest((await octokit.rest.pulls.update({ ...r, pull_number: number, ...p })).data)),
    listReviews: (number) =>
      call(`list reviews of #${number}`, async (octokit) => {
        const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { ...r, pull_number: number, per_page: 100 });
        return reviews.map(toReview);
      }),
    listComments: (number) =>
      call(`list comments of #${number}`, async (octokit) => {
        const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...r, issue_number: number, per_page: 100 });
        return comments.map(toComment);
      }),
    createComment: (number, body) =>
      call(`comment on #${number}`, async (octokit) => toComment((await octokit.rest.issues.createComment({ ...r, issue_number: number, body })).data)),
    updateComment: (id, body) =>
      call(`update comment ${id}`, async (octokit) => toComment((await octokit.rest.issues.updateComment({ ...r, comment_id: id, body })).data)),
    createCommitStatus: (sha, s) =>
      call(`set status ${s.context} on ${sha}`, async (octokit) => {
        await octokit.rest.repos.createCommitStatus({
          ...r,
          sha,
          context: s.context,
          state: s.state,
          description: clip(s.description),
          ...(s.targetUrl ? { target_url: s.targetUrl } : {}),
        });
      }),
    listDeployments: (q) =>
      call(`list deployments to ${q.environment}`, async (octokit) => {
        const res = await octokit.rest.repos.listDeployments({ ...r, environment: q.environment, ...(q.sha ? { sha: q.sha } : {}), per_page: 100 });
        return res.data.map(toDeployment);
      }),
    createDeployment: (d) =>
      call(`create deployment of ${d.sha} to ${d.environment}`, async (octokit) => {
        const res = await octokit.rest.repos.createDeployment({
          ...r,
          ref: d.sha,
          environment: d.environment,
          description: d.description,
          // No merging into the ref and no status gate: git-canary is the gate.
          auto_merge: false,
          required_contexts: [],
          payload: { rollout: d.rollout },
          transient_environment: false,
          production_environment: true,
        });
        // 202 means GitHub merged the default branch instead of deploying; with auto_merge false it should not happen.
        if (!('id' in res.data)) throw new Error(`GitHub did not create the deployment: ${res.data.message ?? res.status}`);
        return toDeployment(res.data);
      }),
    createDeploymentStatus: (id, s) =>
      call(`set deployment ${id} ${s.state}`, async (octokit) => {
        await octokit.rest.repos.createDeploymentStatus({
          ...r,
          deployment_id: id,
          state: s.state,
          description: clip(s.description),
          ...(s.logUrl ? { log_url: s.logUrl } : {}),
        });
      }),
  };
}

/** The fields of `pull-request` and `pull-request-simple` the port needs. */
interface PullLike {
  number: number;
  state: string;
  merged?: boolean;
  merged_at: string | null;
  head: { sha: string; ref: string };
  base: { ref: string };
  title: string;
  body: string | null;
  html_url: string;
  merged_by?: { login: string } | null;
  /** Not in GitHub's pull request JSON (issues have it); read when present. */
  closed_by?: { login: string } | null;
}

/** Map GitHub's pull request JSON (full or list form) to the port's PullRequest. */
export function toPullRequest(p: PullLike): PullRequest {
  const closedBy = p.merged_by?.login ?? p.closed_by?.login;
  return {
    number: p.number,
    state: p.state === 'open' ? 'open' : 'closed',
    // The list endpoint has no `merged`; merged_at says the same.
    merged: p.merged ?? Boolean(p.merged_at),
    headSha: p.head.sha,
    headRef: p.head.ref,
    base: p.base.ref,
    title: p.title,
    body: p.body ?? '',
    htmlUrl: p.html_url,
    ...(closedBy ? { closedBy } : {}),
  };
}

const REVIEW_STATES: readonly string[] = ['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED', 'PENDING'] satisfies Review['state'][];
const isReviewState = (s: string): s is Review['state'] => REVIEW_STATES.includes(s);

/** Map GitHub's review JSON to the port's Review. */
export function toReview(v: { id: number; user: { login: string } | null; state: string; commit_id: string | null; submitted_at?: string }): Review {
  return {
    id: v.id,
    user: v.user?.login ?? '',
    // An unknown future state neither approves nor blocks.
    state: isReviewState(v.state) ? v.state : 'COMMENTED',
    commitId: v.commit_id,
    ...(v.submitted_at ? { submittedAt: v.submitted_at } : {}),
  };
}

function toComment(c: { id: number; body?: string; user: { login: string } | null }): IssueComment {
  return { id: c.id, body: c.body ?? '', user: c.user?.login ?? '' };
}

function toDeployment(d: { id: number; sha: string; environment: string; payload: unknown }): Deployment {
  const rollout = rolloutOf(d.payload);
  return { id: d.id, sha: d.sha, environment: d.environment, ...(rollout ? { rollout } : {}) };
}

/** `payload.rollout`; GitHub returns the payload as an object, or as a string when it was sent as one. */
function rolloutOf(payload: unknown): string | undefined {
  let p = payload;
  if (typeof p === 'string') {
    try {
      p = JSON.parse(p);
    } catch {
      return undefined;
    }
  }
  if (p && typeof p === 'object' && 'rollout' in p && typeof p.rollout === 'string') return p.rollout;
  return undefined;
}

function clip(s: string): string {
  return s.length <= MAX_DESCRIPTION ? s : `${s.slice(0, MAX_DESCRIPTION - 1)}…`;
}

/** What {@link toGitHubError} needs to name the call and scrub the token. */
export interface ErrorContext {
  what: string;
  token: string;
  baseUrl: string;
  repository: RepositoryRef;
}

interface HttpErrorLike {
  status: number;
  message: string;
  request?: { method?: string; url?: string };
  response?: { data?: unknown; headers?: Record<string, string | undefined> };
}

function isHttpError(e: unknown): e is HttpErrorLike {
  return e instanceof Error && typeof (e as { status?: unknown }).status === 'number';
}

/** Turn whatever Octokit threw into a CanaryError naming the call, with every trace of the token removed. */
export function toGitHubError(err: unknown, ctx: ErrorContext): CanaryError {
  const scrub = (s: string) => scrubToken(s, ctx.token);
  const where = { detail: `GitHub ${ctx.repository.owner}/${ctx.repository.repo} at ${withoutCredentials(ctx.baseUrl)}` };
  const name = err instanceof Error ? err.name : 'Error';
  const cause = Object.assign(new Error(scrub(err instanceof Error ? err.message : String(err))), { name });
  if (!isHttpError(err) || !err.request?.url) {
    return new CanaryError('GITHUB', scrub(`GitHub: ${ctx.what} failed: ${cause.message}`), { where, cause, hint: 'the next tick tries again' });
  }
  const method = err.request.method ?? 'GET';
  const path = new URL(err.request.url).pathname;
  const data = err.response?.data;
  const body = data && typeof data === 'object' ? (data as { message?: unknown; errors?: unknown; documentation_url?: unknown }) : {};
  const ghMessage = typeof body.message === 'string' ? body.message : err.response ? '' : cause.message;
  const details = Array.isArray(body.errors) ? body.errors.map(describeValidationError).filter(Boolean) : [];
  const status = err.response ? err.status : 0;
  const message = `GitHub ${method} ${path} failed: ${status || 'no response'}${ghMessage ? ` ${ghMessage}` : ''}${details.length ? ` (${details.join('; ')})` : ''}`;
  return new CanaryError('GITHUB', scrub(message), {
    where,
    cause,
    hint: hintFor(status, ghMessage, ctx),
    data: {
      status,
      method,
      path,
      githubMessage: scrub(ghMessage),
      ...(typeof body.documentation_url === 'string' ? { documentationUrl: body.documentation_url } : {}),
      ...(err.response?.headers?.['x-github-request-id'] ? { requestId: err.response.headers['x-github-request-id'] } : {}),
    },
  });
}

function describeValidationError(e: unknown): string {
  if (!e || typeof e !== 'object') return typeof e === 'string' ? e : '';
  const v = e as { message?: unknown; resource?: unknown; field?: unknown; code?: unknown };
  if (typeof v.message === 'string') return v.message;
  return [v.resource, v.field, v.code].filter((x) => typeof x === 'string').join(' ');
}

function hintFor(status: number, message: string, ctx: ErrorContext): string {
  const full = `${ctx.repository.owner}/${ctx.repository.repo}`;
  if (status === 0) return `could not reach ${withoutCredentials(ctx.baseUrl)}: check GITHUB_API_URL and the network; the next tick tries again`;
  if (status === 401) return 'GitHub refused the token: check GITHUB_TOKEN / GIT_CANARY_TOKEN';
  if ((status === 403 || status === 429) && /rate limit/i.test(message)) return 'GitHub rate limit: the next tick tries again';
  if (status === 403) return 'the token lacks permission: the workflow needs `permissions: pull-requests: write, statuses: write, deployments: write`';
  if (status === 404) return `check github.repository (${full}) and that the token can see that repository`;
  if (status === 422) return 'GitHub refused the request as invalid';
  if (status >= 500) return 'GitHub is having trouble; the next tick tries again';
  return `GitHub answered ${status}`;
}

function scrubToken(s: string, token: string): string {
  return token.length > 0 ? s.split(token).join('[REDACTED]') : s;
}

function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}
