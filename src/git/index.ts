/**
 * The git layer: `openRepo` turns `--repo <url|path>` into a GitRepo. This is
 * an I/O edge, so it is also where the environment is read (token, cache dir).
 */
import { fileURLToPath } from 'node:url';
import { GitError } from '../errors.ts';
import { stripUserInfo } from './credentials.ts';
import type { LockOptions } from './lock.ts';
import { openLocal } from './local.ts';
import { openRemote } from './remote.ts';
import type { GitRepo } from './types.ts';

export type { CommitInfo, CreateCommitOptions, FileChange, GitRepo, Identity } from './types.ts';
export { DEEPEN_GROWTH, DEFAULT_DEPTH } from './remote.ts';
export { defaultCacheDir, remoteCacheDir } from './cache-dir.ts';
import { defaultCacheDir } from './cache-dir.ts';
export { stripUserInfo } from './credentials.ts';

export interface OpenRepoOptions {
  /** Remote only: root of the caches (default `$GIT_CANARY_CACHE`, else `$XDG_CACHE_HOME/git-canary` or `~/.cache/git-canary`). */
  cacheDir?: string;
  /** Remote only: token for HTTP Basic auth as `x-access-token` (default `$GIT_CANARY_TOKEN`, else `$GITHUB_TOKEN`). URL user-info wins. */
  token?: string;
  /** Remote only: commits fetched per ref (default 200; 0 = full history). */
  depth?: number;
  /** Remote only: branches or refs to fetch during open. */
  fetchRefs?: string[];
  /** Local only: refuse a non-bare repository whose checked-out branch is one of these. */
  protectedBranches?: string[];
  /** Local only: lock-file timing (tests shorten it). */
  lock?: LockOptions;
}


/**
 * Open `spec`: an http(s) URL (cached, fetched and pushed to) or a local
 * repository path, bare or not. `file://` URLs are treated as paths.
 */
export async function openRepo(spec: string, options: OpenRepoOptions = {}): Promise<GitRepo> {
  if (/^https?:\/\//i.test(spec)) {
    const env = process.env;
    return openRemote(spec, {
      cacheDir: options.cacheDir ?? defaultCacheDir(env),
      token: options.token ?? (env.GIT_CANARY_TOKEN || env.GITHUB_TOKEN || undefined),
      depth: options.depth,
      fetchRefs: options.fetchRefs,
    });
  }
  if (/^file:\/\//i.test(spec)) return openLocal(fileURLToPath(spec), options);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec) || /^[^/]+@[^/:]+:/.test(spec)) {
    throw new GitError('unsupported repository address', {
      where: { detail: stripUserInfo(spec) },
      hint: 'use an https:// URL or a local path (ssh is not supported)',
    });
  }
  return openLocal(spec, options);
}
