/**
 * GitHub for one command run, when a repository and a token are known: the
 * repository from `github.repository`, GITHUB_REPOSITORY or a github.com
 * `--repo` URL; the API from GITHUB_API_URL; the token GIT_CANARY_TOKEN (the Action's `token`) or
 * GITHUB_TOKEN. Undefined otherwise: signals are then off, and a service
 * with `gate: pull-request` errors saying what to set.
 */
import type { CommandContext } from '../context.ts';
import { createGitHubClient } from '../github/client.ts';
import { commitUrl, gitHubApiUrl, resolveGitHubRepository } from '../github/repository.ts';
import type { GitHubSession } from './tick-service.ts';
import type { Session } from './session.ts';

export function gitHubSession(ctx: CommandContext, session: Pick<Session, 'config'>): GitHubSession | undefined {
  const { env } = ctx;
  const repository = resolveGitHubRepository({ configured: session.config.github?.repository, env, repoSpec: ctx.options.repo });
  // The same order as for git (session.ts): the Action's `token` input arrives as GIT_CANARY_TOKEN.
  const token = env.GIT_CANARY_TOKEN || env.GITHUB_TOKEN;
  if (!repository || !token) {
    ctx.log.debug({ repository, token: Boolean(token) }, 'GitHub is off: no repository or no token');
    return undefined;
  }
  const api = createGitHubClient({
    token,
    repository,
    baseUrl: gitHubApiUrl(env),
    log: ctx.log,
    // GitHub asks integrators to space writes; a test against a local server turns it off.
    paceWrites: env.GIT_CANARY_GITHUB_PACING !== 'off',
  });
  return { api, commitUrl: (sha) => commitUrl(env, repository, sha) };
}
