/**
 * git's lock-file protocol: create `<file>.lock` exclusively, and while it
 * exists replace `<file>` by one atomic rename. Real git uses the same lock
 * names, so a concurrent `git push` into the same repository and our update
 * exclude each other.
 *
 * Who holds a lock: from its first instant to its last, our lock file holds
 * an owner line (`git-canary lock pid=<pid> host=<host> start=<start time>`,
 * see tryCreate); the new content is renamed onto `<file>` from a private
 * file while the lock is held (see commit). Real git only looks at whether
 * the lock file exists, so it still respects ours. A lock left by a process
 * that is provably dead (same host, no such pid, or the pid now belongs to a process started
 * later) is broken at once, with a warning naming it and its owner; a live
 * owner's lock is waited for; a lock without an owner line (real git's, or one
 * from another host) is broken only once it is older than `staleMs`.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fsp, readFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { gitWarn } from './warn.ts';

export interface LockOptions {
  /** Give up after waiting this long for a held lock (default 5 s). */
  timeoutMs?: number;
  /** A lock file without a live owner on this host, older than this, is assumed abandoned and removed (default 30 s). */
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
  constructor(
    readonly lockPath: string,
    readonly owner?: LockOwner,
  ) {
    super(`${lockPath} is held by ${owner ? describeOwner(owner) : 'another process'}`);
  }
}

// ---------------------------------------------------------------------------
// owners

export interface LockOwner {
  pid: number;
  host: string;
  /** The process's start time (Linux: clock ticks since boot, /proc/<pid>/stat field 22), telling a reused pid apart. */
  start?: string;
}

const OWNER = /^git-canary lock pid=(\d+) host=(\S+)(?: start=(\S+))?\s*$/;

/**
 * The fields of a /proc/<pid>/stat line after the command name (which may
 * hold spaces and parentheses): [0] is field 3 (state), [1] field 4 (the
 * parent's pid), [19] field 22 (start time).
 */
export function procStatFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** The start time of process `pid` as /proc says, if it can be read. */
export function processStart(pid: number): string | undefined {
  try {
    return procStatFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))[19];
  } catch {
    return undefined;
  }
}

let self: string | undefined;
/** The owner line of this process. */
export function ownerLine(): string {
  self ??= `git-canary lock pid=${process.pid} host=${hostname()}${processStart(process.pid) ? ` start=${processStart(process.pid)}` : ''}\n`;
  return self;
}

export function parseOwner(text: string): LockOwner | undefined {
  const m = OWNER.exec(text);
  if (!m) return undefined;
  return { pid: Number(m[1]), host: m[2]!, start: m[3] };
}

export function describeOwner(o: LockOwner): string {
  return `process ${o.pid} on ${o.host}`;
}

/**
 * `dead` only when provable: the owner is on this host and its pid is gone (or
 * belongs to a process started at another time). `other-host` when it cannot be told.
 */
export function ownerState(o: LockOwner): 'alive' | 'dead' | 'other-host' {
  if (o.host !== hostname()) return 'other-host';
  try {
    process.kill(o.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'dead';
    // EPERM: it exists, owned by someone else.
  }
  if (o.start !== undefined) {
    const now = processStart(o.pid);
    if (now !== undefined && now !== o.start) return 'dead';
  }
  return 'alive';
}

// ---------------------------------------------------------------------------
// the lock

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Create `lockPath` holding our owner line, or undefined when it exists. The
 * line is written into a private file first and hard-linked into place, so
 * the lock never exists without its owner (a kill between creating and
 * writing would leave an anonymous lock, broken only by age). The private
 * file's name ends in `.lock`, which git never takes for a ref. Where hard
 * links are not supported: O_EXCL, then the line.
 */
/**
 * Open the lock file just linked. A breaker of a dead owner's lock renames the
 * lock away to inspect it and, finding it is a newer one (ours), links it back
 * (removeIfSame): in that moment the path is missing. So a missing path is
 * looked for again, briefly; undefined when it stays missing (the lock is
 * then gone, and the caller tries again).
 */
async function openLinked(lockPath: string): Promise<FileHandle | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fsp.open(lockPath, constants.O_RDWR);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (attempt >= 50) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

async function tryCreate(lockPath: string): Promise<FileHandle | undefined> {
  const tmp = `${lockPath}.${process.pid}-${randomBytes(4).toString('hex')}.lock`;
  await fsp.writeFile(tmp, ownerLine(), { flag: 'wx', mode: 0o644 });
  let linked = false;
  try {
    const ino = (await fsp.stat(tmp)).ino;
    try {
      await fsp.link(tmp, lockPath);
      linked = true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return undefined;
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(code ?? '')) throw err;
    }
    if (linked) {
      const fd = await openLinked(lockPath);
      if (!fd) return undefined;
      if ((await fd.stat()).ino === ino) return fd;
      await fd.close();
      return undefined;
    }
  } finally {
    await fsp.unlink(tmp).catch(() => {});
  }
  try {
    const fd = await fsp.open(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_RDWR, 0o644);
    await writeAt(fd, ownerLine());
    return fd;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  }
}

/** Write all of `text` at `position` of `fd`. */
export async function writeAt(fd: FileHandle, text: string, position = 0): Promise<void> {
  const buf = Buffer.from(text);
  let done = 0;
  while (done < buf.length) done += (await fd.write(buf, done, buf.length - done, position + done)).bytesWritten;
}

/** What is known of a held lock file: its inode, age and owner (if it has an owner line). */
async function inspect(lockPath: string): Promise<{ ino: number; ageMs: number; owner?: LockOwner } | undefined> {
  let fd: FileHandle;
  try {
    fd = await fsp.open(lockPath, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const st = await fd.stat();
    const buf = Buffer.alloc(256);
    const { bytesRead } = await fd.read(buf, 0, buf.length, 0);
    return { ino: st.ino, ageMs: Date.now() - st.mtimeMs, owner: parseOwner(buf.subarray(0, bytesRead).toString('utf8')) };
  } finally {
    await fd.close();
  }
}

/**
 * Remove the lock file if it is still the one inspected (inode `ino`):
 * `removed` by us, `gone` already, or `kept` (another's). It is renamed away first, which only one of several
 * processes breaking the same lock can do, and the renamed file's inode
 * checked: if it is a lock taken meanwhile (the one inspected was already
 * broken by another), it is put back.
 */
async function removeIfSame(lockPath: string, ino: number): Promise<'removed' | 'gone' | 'kept'> {
  // Another breaker may have removed it and a contender taken the lock since it was inspected: then
  // it is not ours to move. Looked at first, so that the rename below, and the moment without a lock
  // file while a live lock is put back, happen only in the rare race between this look and it.
  const now = await fsp.stat(lockPath).catch(() => undefined);
  if (!now) return 'gone';
  if (now.ino !== ino) return 'kept';
  const grabbed = `${lockPath}.${process.pid}-${randomBytes(4).toString('hex')}.lock`;
  try {
    await fsp.rename(lockPath, grabbed);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  const st = await fsp.stat(grabbed).catch(() => undefined);
  if (st && st.ino !== ino) {
    await fsp.link(grabbed, lockPath).catch(() => {});
    await fsp.unlink(grabbed).catch(() => {});
    return 'kept';
  }
  await fsp.unlink(grabbed).catch(() => {});
  return 'removed';
}

/** The private files (see tryCreate, commit) a dead process `pid` left next to `lockPath`. */
async function removePrivateFiles(lockPath: string, pid: number): Promise<void> {
  const name = basename(lockPath);
  for (const n of await fsp.readdir(dirname(lockPath)).catch(() => [] as string[])) {
    if (n.startsWith(`${name}.${pid}-`) && n.endsWith('.lock')) await fsp.unlink(join(dirname(lockPath), n)).catch(() => {});
  }
}

/**
 * Break `lockPath` if its owner is provably dead, or (no owner line, or another
 * host's) it is older than `staleMs`. True when it is gone now; the owner when
 * it is held by a live process.
 */
export async function breakIfAbandoned(lockPath: string, staleMs: number): Promise<{ gone: boolean; owner?: LockOwner }> {
  const found = await inspect(lockPath);
  if (!found) return { gone: true };
  const { owner } = found;
  const state = owner ? ownerState(owner) : undefined;
  if (state === 'alive') return { gone: false, owner };
  if (state === 'dead') {
    const outcome = await removeIfSame(lockPath, found.ino);
    if (outcome === 'removed') {
      await removePrivateFiles(lockPath, owner!.pid);
      gitWarn(`broke the lock ${lockPath}: its owner, ${describeOwner(owner!)}, is no longer running`, {
        lock: lockPath, ownerPid: owner!.pid, ownerHost: owner!.host,
      });
    }
    return { gone: outcome !== 'kept' };
  }
  if (found.ageMs < staleMs) return { gone: false, owner };
  const outcome = await removeIfSame(lockPath, found.ino);
  if (outcome === 'removed') {
    gitWarn(`broke the lock ${lockPath}: ${owner ? `its owner, ${describeOwner(owner)}, cannot be checked from here and ` : 'it names no owner and '}it is ${Math.round(found.ageMs / 1000)} s old`, {
      lock: lockPath, ownerPid: owner?.pid, ownerHost: owner?.host,
    });
  }
  return { gone: outcome !== 'kept' };
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
    const { gone, owner } = await breakIfAbandoned(lockPath, staleMs);
    if (gone) continue;
    if (Date.now() >= deadline) throw new LockTimeoutError(lockPath, owner);
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
    // The new content goes into a private file renamed onto `target` while
    // the lock (still naming its owner) is held, then the lock is dropped. For
    // git this is its protocol: the target changes by one atomic rename, only
    // by the lock's holder. And a kill at any instant leaves a lock that names
    // its (dead) owner, never an anonymous one only age can break.
    const tmp = `${lockPath}.${process.pid}-${randomBytes(4).toString('hex')}.lock`;
    try {
      await fsp.writeFile(tmp, content, { flag: 'wx', mode: 0o644, flush: true });
      // A stale-lock breaker elsewhere may have removed our lock and made its
      // own; publishing now would race its holder, so check first.
      const now = await fsp.stat(lockPath).catch(() => undefined);
      if (now?.ino !== ino) throw new LockTimeoutError(lockPath);
      await fsp.rename(tmp, target);
      await release();
    } catch (err) {
      await fsp.unlink(tmp).catch(() => {});
      await release();
      throw err;
    }
  };

  return { path: lockPath, commit, release };
}
