/**
 * Which GitHub repository and API git-canary talks to: `github.repository` in
 * the config, else GITHUB_REPOSITORY (set in every Actions job), else the
 * `--repo` URL when it is an https URL on github.com or on GITHUB_SERVER_URL's
 * host (GitHub Enterprise Server). Plus the web links put in comments/statuses.
 */
import { CanaryError } from '../errors.ts';
import type { RepositoryRef } from './types.ts';

type Env = Record<string, string | undefined>;

/** GitHub logins: letters, digits, single hyphens (underscores for managed users), at most 39 characters. */
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,37}[A-Za-z0-9_])?$/;
/** Repository names: letters, digits, `.`, `-`, `_`, at most 100 characters. */
const NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** Resolve the repository, or undefined when nothing names one on GitHub. Throws CONFIG for a malformed `owner/name`. */
export function resolveGitHubRepository(o: { configured?: string; env: Env; repoSpec: string }): RepositoryRef | undefined {
  if (o.configured !== undefined && o.configured.trim() !== '') return parseRepository(o.configured, 'github.repository');
  const fromEnv = o.env.GITHUB_REPOSITORY;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseRepository(fromEnv, 'GITHUB_REPOSITORY');
  return fromUrl(o.repoSpec, o.env);
}

/** Parse `owner/name`; `source` names where it came from for the error. */
export function parseRepository(value: string, source: string): RepositoryRef {
  const text = value.trim();
  const [owner, repo, ...rest] = text.split('/');
  if (owner !== undefined && repo !== undefined && rest.length === 0 && OWNER.test(owner) && validName(repo)) return { owner, repo };
  const hint = /\.git$/.test(text)
    ? 'write the repository without .git, e.g. acme/manifests'
    : 'write it as owner/name, e.g. acme/manifests (letters, digits, -, _ and . only)';
  throw new CanaryError('CONFIG', `${source} is not a GitHub repository: ${JSON.stringify(value)}`, { where: { detail: source }, hint });
}

function validName(name: string): boolean {
  return NAME.test(name) && name !== '.' && name !== '..' && !name.endsWith('.git');
}

/** `https://github.com/acme/manifests(.git)(/)` → acme/manifests; credentials in the URL are ignored. */
function fromUrl(spec: string, env: Env): RepositoryRef | undefined {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    return undefined;
  }
  if (!gitHubHosts(env).some((h) => h.protocol === url.protocol && h.host === url.host.toLowerCase())) return undefined;
  const parts = url.pathname.replace(/\/+$/, '').replace(/\.git$/, '').split('/').filter(Boolean);
  if (parts.length !== 2) return undefined;
  const [owner, repo] = parts.map((p) => decodeURIComponent(p));
  if (owner === undefined || repo === undefined || !OWNER.test(owner) || !validName(repo)) return undefined;
  return { owner, repo };
}

/** github.com over https, and the GITHUB_SERVER_URL host with its own scheme. */
function gitHubHosts(env: Env): { protocol: string; host: string }[] {
  const hosts = [{ protocol: 'https:', host: 'github.com' }];
  const server = env.GITHUB_SERVER_URL;
  if (server) {
    try {
      const u = new URL(server);
      hosts.push({ protocol: u.protocol, host: u.host.toLowerCase() });
    } catch {
      // An unusable GITHUB_SERVER_URL only means its host is not recognised.
    }
  }
  return hosts;
}

/** The REST API root: GITHUB_API_URL (set in Actions, differs on GHES), else https://api.github.com. No trailing slash. */
export function gitHubApiUrl(env: Env): string {
  return (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
}

/** The web root: GITHUB_SERVER_URL, else https://github.com. No trailing slash. */
export function gitHubServerUrl(env: Env): string {
  return (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
}

/** The web page of a commit. */
export function commitUrl(env: Env, repo: RepositoryRef, sha: string): string {
  return `${gitHubServerUrl(env)}/${repo.owner}/${repo.repo}/commit/${sha}`;
}

/** The web page of a pull request. */
export function pullRequestUrl(env: Env, repo: RepositoryRef, number: number): string {
  return `${gitHubServerUrl(env)}/${repo.owner}/${repo.repo}/pull/${number}`;
}
