/**
 * git's own lock files left in a cache by a git that is gone.
 *
 * A native `git fetch` into the cache takes `shallow.lock` and ref locks
 * (`refs/remotes/origin/<branch>.lock`) and removes them when it ends. Killed
 * (a container's SIGKILL, the OOM killer), it leaves them, and every later
 * fetch fails with "Unable to create '…lock': File exists" until someone
 * removes the file: the stateless worker would be stuck on a cache it cannot
 * repair by itself.
 *
 * Every git-canary runs git in a cache only while it holds the cache lock
 * (cache-lock.ts), so a git lock in the cache that the holder finds is
 * abandoned, unless a git from an earlier holder that died is still running
 * (the OOM killer takes node, not the git it started). Native git runs with
 * the cache as its working directory (native.ts), so on Linux such a git is
 * found in /proc; where /proc cannot tell, only a lock older than `staleMs`
 * is taken for abandoned, as lock.ts does with locks that name no owner.
 */
import { promises as fsp } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { procStatFields } from './lock.ts';
import { gitWarn } from './warn.ts';

/** The lock native git said it could not create (stderr of a failed command), if it said so. */
export function lockGitCouldNotCreate(stderr: string): string | undefined {
  return /Unable to create '([^']+\.lock)': File exists/.exec(stderr)?.[1];
}

/** Whether `path` is `dir` or inside it. */
function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Whether some process on this host has `dir` (a real path) as its working
 * directory, or undefined when this host cannot tell (no /proc). Processes
 * whose directory cannot be read (another user's) are not ours: they cannot
 * have been started in a cache of this user's by git-canary.
 */
export async function processWorkingIn(dir: string, procRoot = '/proc'): Promise<boolean | undefined> {
  let names: string[];
  try {
    names = await fsp.readdir(procRoot);
  } catch {
    return undefined;
  }
  const pids = names.filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid);
  // /proc/self is how to tell a /proc that lists processes from a directory that happens to exist.
  if (!(await fsp.readlink(`${procRoot}/self/cwd`).then(() => true, () => false))) return undefined;
  for (const pid of pids) {
    const cwd = await fsp.readlink(`${procRoot}/${pid}/cwd`).catch(() => undefined);
    if (cwd === undefined || !inside(dir, cwd)) continue;
    // This process's own children (a `cat-file --batch` reading the cache) hold no lock of the git that failed.
    if ((await parentOf(procRoot, pid)) === process.pid) continue;
    return true;
  }
  return false;
}

/** The parent pid of `pid` (/proc/<pid>/stat field 4). */
async function parentOf(procRoot: string, pid: string): Promise<number | undefined> {
  const stat = await fsp.readFile(`${procRoot}/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat === undefined ? undefined : Number(procStatFields(stat)[1]);
}

export interface AbandonedLockOptions {
  /** Where /proc cannot tell, a lock at least this old is abandoned (default 60 s, the cache lock's). */
  staleMs?: number;
  /** For tests: where the process table is. */
  procRoot?: string;
}

/**
 * Remove git's lock file `lockPath` from the cache at `gitdir` when it is
 * abandoned (see above); the caller holds the cache lock. True when it was
 * removed (or was gone already), so the git command may run again. A path
 * outside the cache is never touched.
 */
export async function removeAbandonedGitLock(gitdir: string, lockPath: string, options: AbandonedLockOptions = {}): Promise<boolean> {
  // git names the lock through the --git-dir it was given; compare real paths (symlinks resolved).
  const realGitdir = await fsp.realpath(gitdir).catch(() => undefined);
  const given = resolve(gitdir, lockPath);
  const realDir = await fsp.realpath(dirname(given)).catch(() => undefined);
  if (realGitdir === undefined || realDir === undefined) return true; // the cache or the lock's directory is gone: so is the lock
  const path = join(realDir, basename(given));
  if (!inside(realGitdir, path) || !path.endsWith('.lock')) return false;
  const st = await fsp.lstat(path).catch(() => undefined);
  if (!st) return true;
  if (!st.isFile()) return false;
  const working = await processWorkingIn(realGitdir, options.procRoot);
  if (working === true) return false;
  const ageMs = Date.now() - st.mtimeMs;
  if (working === undefined && ageMs < (options.staleMs ?? 60_000)) return false;
  await fsp.unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  gitWarn(`removed git's lock ${path}: the git that took it is no longer running (killed during an earlier run)`, {
    lock: path, ageMs: Math.round(ageMs),
  });
  return true;
}
