/**
 * git's lock-file protocol: create `<file>.lock` with O_EXCL, write the new
 * content into it, then rename it over `<file>`. Real git uses the same lock
 * names, so a concurrent `git push` into the same repository and our update
 * exclude each other. A lock left by a crashed process is broken once it is
 * older than `staleMs`.
 */
import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

export interface LockOptions {
  /** Give up after waiting this long for a held lock (default 5 s). */
  timeoutMs?: number;
  /** A lock file older than this is assumed abandoned and removed (default 30 s). */
  staleMs?: number;
  /** Upper bound of the randomised pause between attempts (default 50 ms). */
  retryMs?: number;
}

/** A held lock. Exactly one of `commit` or `release` must be called. */
export interface HeldLock {
  readonly path: string;
  /** Write `content` into the lock file, then atomically rename it onto `target`. */
  commit(content: string): Promise<void>;
  /** Drop the lock without changing `target`. Safe to call after commit. */
  release(): Promise<void>;
}

/** Thrown by acquireLock when the lock stays held for `timeoutMs`. */
export class LockTimeoutError extends Error {
  constructor(readonly lockPath: string) {
    super(`${lockPath} is held by another process`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function tryCreate(lockPath: string): Promise<FileHandle | undefined> {
  try {
    return await fsp.open(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  }
}

/** Remove `lockPath` when it is older than `staleMs`; true when it is gone now. */
async function breakIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const st = await fsp.stat(lockPath);
    if (Date.now() - st.mtimeMs < staleMs) return false;
    await fsp.unlink(lockPath);
    return true;
  } catch (err) {
    // Released between our open and stat: simply try again.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/**
 * Take the lock for `target` (`<target>.lock`), waiting with jitter while
 * another process holds it.
 */
export async function acquireLock(target: string, options: LockOptions = {}): Promise<HeldLock> {
  const { timeoutMs = 5000, staleMs = 30_000, retryMs = 50 } = options;
  const lockPath = `${target}.lock`;
  const deadline = Date.now() + timeoutMs;
  let handle: FileHandle | undefined;
  for (;;) {
    handle = await tryCreate(lockPath);
    if (handle) break;
    if (await breakIfStale(lockPath, staleMs)) continue;
    if (Date.now() >= deadline) throw new LockTimeoutError(lockPath);
    await sleep(1 + Math.random() * retryMs);
  }
  const fd = handle;
  const ino = (await fd.stat()).ino;
  let done = false;

  const release = async (): Promise<void> => {
    if (done) return;
    done = true;
    await fd.close().catch(() => {});
    const now = await fsp.stat(lockPath).catch(() => undefined);
    if (now?.ino === ino) await fsp.unlink(lockPath).catch(() => {});
  };

  const commit = async (content: string): Promise<void> => {
    if (done) throw new Error(`lock ${lockPath} already released`);
    try {
      await fd.writeFile(content);
      await fd.datasync();
      // A stale-lock breaker elsewhere may have removed our file and made its
      // own; renaming that one would publish its content, so check first.
      const now = await fsp.stat(lockPath).catch(() => undefined);
      if (now?.ino !== ino) throw new LockTimeoutError(lockPath);
      await fd.close();
      await fsp.rename(lockPath, target);
      done = true;
    } catch (err) {
      await release();
      throw err;
    }
  };

  return { path: lockPath, commit, release };
}
