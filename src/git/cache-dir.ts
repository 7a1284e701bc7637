/**
 * Where remotes are cached: the root (from the environment) and each
 * remote's folder under it. Apart from the rest of the git layer so that a
 * command can find a cache before that layer has loaded (early-advertisement.ts).
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseRemoteUrl } from './credentials.ts';

/** `$GIT_CANARY_CACHE`, else the XDG cache, else `~/.cache`, each with `git-canary`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GIT_CANARY_CACHE) return env.GIT_CANARY_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'git-canary');
}

/** The cache folder for `url` under `cacheRoot`; credentials do not change it. */
export function remoteCacheDir(url: string, cacheRoot: string): string {
  const clean = parseRemoteUrl(url, undefined).url;
  return join(cacheRoot, createHash('sha256').update(clean).digest('hex').slice(0, 24));
}
