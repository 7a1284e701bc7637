/**
 * Compare-and-swap of a ref in a repository on disk, the way git does it:
 * lock `<ref>.lock`, read the current value (loose file, else packed-refs)
 * while holding the lock, compare, write, rename. No index, no work tree.
 */
import { promises as fsp, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GitConflictError, GitError } from '../errors.ts';
import { movedRef } from './errors.ts';
import { acquireLock, describeOwner, type LockOptions, LockTimeoutError } from './lock.ts';
import { isSha, shortRef } from './paths.ts';

/**
 * A small file's text, or undefined when there is none. Synchronous and
 * without an exception for a missing file: a tick of 200 services on a local
 * repository reads its three refs for each, and most of those reads find no
 * loose file (git keeps refs packed); an error per miss cost 40 ms.
 */
async function readText(path: string): Promise<string | undefined> {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    if (st === undefined || st.isDirectory()) return undefined;
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR/EISDIR: a ref and a ref directory share a name; neither is a value. ENOENT: gone since.
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw err;
  }
}

/** packed-refs files read, by path: their refs, and the file's identity when read. */
const packedRefs = new Map<string, { stamp: string; refs: Map<string, string> }>();

/**
 * What identifies one version of a file: device, inode, size and change and
 * modification times in nanoseconds (git replaces packed-refs by a rename; a
 * rewrite in place changes its times).
 */
function stampOf(path: string): string | undefined {
  const st = statSync(path, { bigint: true, throwIfNoEntry: false });
  return st && !st.isDirectory() ? `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : undefined;
}

/** The value of `fullRef` in packed-refs, if listed there; the file is parsed again only when it changed. */
async function readPacked(gitdir: string, fullRef: string): Promise<string | undefined> {
  const path = join(gitdir, 'packed-refs');
  let stamp: string | undefined;
  try {
    stamp = stampOf(path);
  } catch {
    stamp = undefined;
  }
  const known = stamp === undefined ? undefined : packedRefs.get(path);
  if (known && known.stamp === stamp) return known.refs.get(fullRef);
  const text = await readText(path);
  if (!text) return undefined;
  const refs = new Map<string, string>();
  for (const line of text.split('\n')) {
    // '#' is the header, '^' the peeled value of the tag above.
    if (line.startsWith('#') || line.startsWith('^')) continue;
    const space = line.indexOf(' ');
    const name = space > 0 ? line.slice(space + 1).trim() : '';
    // The first line naming a ref is its value, as a search from the top finds it.
    if (name && !refs.has(name)) refs.set(name, line.slice(0, space));
  }
  // Kept only when the file is the one stat'ed before it was read (not replaced in between).
  if (stamp !== undefined && stampOf(path) === stamp) {
    if (packedRefs.size >= 64) packedRefs.clear();
    packedRefs.set(path, { stamp, refs });
  }
  return refs.get(fullRef);
}

/**
 * A loose ref's value. An empty file is a ref being rewritten in place by
 * another process (isomorphic-git truncates, then writes): never a value, so
 * read it again for a little while before falling back to packed-refs. Read as
 * "absent", it made a tick sharing a cache report "branch production disappeared".
 */
async function readLoose(path: string): Promise<string | undefined> {
  for (let attempt = 0; ; attempt++) {
    const text = (await readText(path))?.trim();
    if (text !== '' || attempt >= 40) return text || undefined;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The commit id `fullRef` points to, following symbolic refs (HEAD) a few
 * levels, or undefined when the ref does not exist.
 */
export async function readRef(gitdir: string, fullRef: string, depth = 5): Promise<string | undefined> {
  const loose = await readLoose(join(gitdir, fullRef));
  const value = loose || (await readPacked(gitdir, fullRef));
  if (value === undefined) return undefined;
  if (value.startsWith('ref: ')) {
    if (depth <= 0) throw new GitError(`symbolic ref loop at ${fullRef}`, { hint: 'fix the symbolic ref with git symbolic-ref' });
    return readRef(gitdir, value.slice(5).trim(), depth - 1);
  }
  if (!isSha(value)) throw new GitError(`ref ${fullRef} holds ${JSON.stringify(value.slice(0, 50))}, not a commit id`, {
      hint: 'the ref file is damaged; repair it with git update-ref',
    });
  return value;
}

/** The branch a symbolic HEAD file names (`refs/heads/main`), if any. */
export async function readSymbolicHead(headPath: string): Promise<string | undefined> {
  const text = (await readText(headPath))?.trim();
  return text?.startsWith('ref: ') ? text.slice(5).trim() : undefined;
}

export interface CasOptions {
  gitdir: string;
  fullRef: string;
  expected: string | undefined;
  next: string;
  /** For messages. */
  label: string;
  lock?: LockOptions;
}

/**
 * Move `fullRef` from `expected` to `next` atomically. Throws
 * GitConflictError when the ref is not `expected` once the lock is held.
 */
export async function compareAndSwapRef(options: CasOptions): Promise<void> {
  const { gitdir, fullRef, expected, next, label } = options;
  const refPath = join(gitdir, fullRef);
  const where = { branch: shortRef(fullRef), detail: label };
  try {
    await fsp.mkdir(dirname(refPath), { recursive: true });
  } catch (err) {
    throw new GitError(`cannot create ${fullRef}: ${(err as Error).message}`, {
      where,
      hint: 'a ref with a conflicting name may exist, or the repository is not writable',
      cause: err,
    });
  }

  let lock: Awaited<ReturnType<typeof acquireLock>>;
  try {
    lock = await acquireLock(refPath, options.lock);
  } catch (err) {
    if (err instanceof LockTimeoutError) {
      throw new GitError(`cannot lock ${fullRef}: ${err.lockPath} exists${err.owner ? `, held by ${describeOwner(err.owner)}` : ''}`, {
        where,
        hint: err.owner
          ? 'that process is still running and updating the ref; wait for it, or stop it'
          : 'another process is updating the ref; if none is running, delete the .lock file',
      });
    }
    throw new GitError(`cannot lock ${fullRef}: ${(err as Error).message}`, { where, hint: 'the repository must be writable by this user', cause: err });
  }

  try {
    // Read under the lock: only now is the value guaranteed not to change.
    const current = await readRef(gitdir, fullRef, 0).catch((err: unknown) => {
      if (err instanceof GitError && /symbolic/.test(err.message)) {
        throw new GitError(`${fullRef} is a symbolic ref; refusing to update it`, { where, hint: 'point the configuration at the real branch' });
      }
      throw err;
    });
    if (current !== expected) throw movedRef(fullRef, current, expected, label);
    await lock.commit(`${next}\n`);
  } catch (err) {
    await lock.release();
    if (err instanceof LockTimeoutError) {
      throw new GitConflictError(`the lock on ${fullRef} was taken over while updating it`, {
        where,
        hint: 'another process broke our lock as stale: read again and retry',
      });
    }
    throw err;
  }
}
