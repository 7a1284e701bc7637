/**
 * The lock a cache directory is rewritten under, across processes: fetches,
 * pushes, deepening, writing its config and rebuilding it all rewrite
 * `shallow`, refs, packs or config, which every process sharing `--cache-dir`
 * reads. It is `<gitdir>.lock`, next to the cache rather than inside it, so it
 * stays put while a broken cache is moved aside.
 *
 * The lock file holds its owner (pid, host, start time; see lock.ts). A waiter
 * breaks it at once when the owner is provably dead (same host, pid gone), and
 * by age otherwise: the holder touches the file every few seconds, so only a
 * lock nobody has touched for `staleMs` (default 60 s) is old. Waiting is
 * jittered and bounded (default 10 minutes: a fetch of a big history can take
 * that long under a live owner).
 */
import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { GitError } from '../errors.ts';
import { acquireLock, describeOwner, LockTimeoutError } from './lock.ts';

export interface CacheLockOptions {
  timeoutMs?: number;
  staleMs?: number;
}

const HEARTBEAT_MS = 5000;

/** The lock file of the cache at `gitdir`. */
export function cacheLockPath(gitdir: string): string {
  return `${gitdir}.lock`;
}

function envNumber(name: string): number | undefined {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/** Run `run` holding the cache lock of `gitdir` (taken and released around it). */
export async function withCacheLock<T>(gitdir: string, run: () => Promise<T>, options: CacheLockOptions = {}): Promise<T> {
  await fsp.mkdir(dirname(gitdir), { recursive: true });
  const timeoutMs = options.timeoutMs ?? envNumber('GIT_CANARY_CACHE_LOCK_TIMEOUT_MS') ?? 600_000;
  const staleMs = options.staleMs ?? 60_000;
  let lock: Awaited<ReturnType<typeof acquireLock>>;
  try {
    lock = await acquireLock(gitdir, { timeoutMs, staleMs, retryMs: 100 });
  } catch (err) {
    if (err instanceof LockTimeoutError) {
      throw new GitError(`the cache ${gitdir} stayed locked for ${Math.round(timeoutMs / 1000)} s${err.owner ? ` by ${describeOwner(err.owner)}` : ''}`, {
        where: { detail: cacheLockPath(gitdir) },
        hint: err.owner
          ? 'another git-canary is fetching into the same cache; wait for it, or give this run its own --cache-dir'
          : 'if no git-canary is running, delete the .lock file',
      });
    }
    throw new GitError(`cannot lock the cache ${gitdir}: ${(err as Error).message}`, {
      where: { detail: cacheLockPath(gitdir) },
      hint: 'set GIT_CANARY_CACHE (or --cache-dir) to a writable directory',
      cause: err,
    });
  }
  const path = lock.path;
  const heartbeat = setInterval(() => {
    const now = new Date();
    fsp.utimes(path, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await run();
  } finally {
    clearInterval(heartbeat);
    await lock.release();
  }
}
