/**
 * A repository on this machine, bare or not. Objects go straight into its
 * object database and refs move by compare-and-swap under git's lock files;
 * the work tree and index of a non-bare repository are never touched, and its
 * checked-out branch is never moved (git refuses that push too).
 */
import { promises as fsp } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { fsForReads } from './git-fs.ts';
import git from 'isomorphic-git';
import { GitError } from '../errors.ts';
import { createCommitIn } from './commit.ts';
import { toCanaryError } from './errors.ts';
import type { LockOptions } from './lock.ts';
import { nativeCommitReader } from './native-commits.ts';
import { gitMode } from './native.ts';
import { keepObjectsOf, localKeptObjectsFile } from './kept-objects.ts';
import { isSha, shortRef, toFullRef } from './paths.ts';
import {
  type MissingParents, type ObjectStore, commitResolver, hasCommit, listFilesAt, logFrom, readFileAt, readShallow, walkFrom,
} from './read.ts';
import { compareAndSwapRef, readRef, readSymbolicHead } from './refs.ts';
import type { GitRepo } from './types.ts';

export interface LocalOptions {
  /** Branches that must not be checked out in a non-bare repository (e.g. candidate, production). */
  protectedBranches?: string[];
  lock?: LockOptions;
  /** Where the trees and files read are kept between runs (kept-objects.ts): the cache directory; none when not given. */
  cacheDir?: string;
}

interface Layout {
  gitdir: string;
  bare: boolean;
}

async function isDir(path: string): Promise<boolean> {
  return (await fsp.stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** Find the gitdir of `path`: `<path>/.git` (dir or `gitdir:` file) or `path` itself when bare. */
async function detectLayout(path: string): Promise<Layout> {
  if (!(await fsp.stat(path).catch(() => undefined))) {
    throw new GitError('not a git repository: the path does not exist', {
      where: { detail: path },
      hint: 'pass an http(s) URL or the path of a local repository with --repo',
    });
  }
  const dotGit = join(path, '.git');
  const st = await fsp.stat(dotGit).catch(() => undefined);
  let gitdir: string | undefined;
  if (st?.isDirectory()) gitdir = dotGit;
  else if (st?.isFile()) {
    const pointer = /^gitdir: (.+)$/m.exec(await fsp.readFile(dotGit, 'utf8'))?.[1]?.trim();
    if (pointer) gitdir = resolvePath(path, pointer);
  }
  if (gitdir) {
    // A linked worktree keeps refs in a common dir; supporting it means
    // checking every worktree's HEAD, which we do not do yet.
    if (await fsp.stat(join(gitdir, 'commondir')).catch(() => undefined)) {
      throw new GitError('a linked worktree is not supported', {
        where: { detail: path },
        hint: 'pass the main repository path instead',
      });
    }
    return { gitdir, bare: false };
  }
  const bareLayout = (await fsp.stat(join(path, 'HEAD')).catch(() => undefined))?.isFile() &&
    (await isDir(join(path, 'objects'))) && (await isDir(join(path, 'refs')));
  if (bareLayout) return { gitdir: path, bare: true };
  throw new GitError('not a git repository', {
    where: { detail: path },
    hint: 'pass the path of a repository (its top directory, or a bare repository)',
  });
}

/** Branches checked out anywhere: the main work tree (if any) and linked worktrees. */
async function checkedOutRefs(layout: Layout): Promise<Set<string>> {
  const refs = new Set<string>();
  if (!layout.bare) {
    const head = await readSymbolicHead(join(layout.gitdir, 'HEAD'));
    if (head) refs.add(head);
  }
  const worktrees = join(layout.gitdir, 'worktrees');
  for (const name of await fsp.readdir(worktrees).catch(() => [] as string[])) {
    const head = await readSymbolicHead(join(worktrees, name, 'HEAD'));
    if (head) refs.add(head);
  }
  return refs;
}

function refuseCheckedOut(fullRef: string, label: string): GitError {
  return new GitError(`refusing to update checked-out branch ${shortRef(fullRef)}`, {
    where: { branch: shortRef(fullRef), detail: label },
    hint: 'check out another branch in that work tree, or use a bare repository',
  });
}

/** Open a repository at `path` (bare or with a work tree). */
export async function openLocal(path: string, options: LocalOptions = {}): Promise<GitRepo> {
  const root = resolvePath(path);
  const layout = await detectLayout(root);
  const label = root;
  const store: ObjectStore = { gitdir: layout.gitdir, cache: {}, label };
  // Long walks read on through native git when it is there (asked only once a walk is long).
  store.readCommitsInBulk = nativeCommitReader(store, async () => (await gitMode().catch(() => 'embedded')) === 'native');
  // Beside the memos of local repositories, one file per repository (named by a hash of where it is).
  if (options.cacheDir) keepObjectsOf(store, localKeptObjectsFile(options.cacheDir, layout.gitdir));
  const ctx = (op: string, ref?: string) => ({ op, label, ref });

  const checkedOut = await checkedOutRefs(layout);
  for (const branch of options.protectedBranches ?? []) {
    const full = toFullRef(branch);
    if (checkedOut.has(full)) throw refuseCheckedOut(full, label);
  }

  // sha → the branch or ref it was read as, for messages.
  const names = new Map<string, string>();
  const resolve = async (ref: string): Promise<string | undefined> => {
    try {
      const sha = await readRef(layout.gitdir, toFullRef(ref));
      if (sha && !names.has(sha)) names.set(sha, shortRef(toFullRef(ref)));
      return sha;
    } catch (err) {
      throw toCanaryError(err, ctx('resolve', ref));
    }
  };

  const commitOid = commitResolver(resolve, label);

  const wrap = <T>(op: string, ref: string | undefined, run: () => Promise<T>): Promise<T> =>
    run().catch((err: unknown) => {
      throw toCanaryError(err, ctx(op, ref));
    });

  // A local repository has nothing to fetch: a parent it lacks ends the walk with an error, never silently.
  const onMissing: MissingParents = async (child, missing) => {
    const shallow = (await readShallow(layout.gitdir)).has(child.sha);
    throw new GitError(
      shallow
        ? `the history of commit ${child.sha} is cut off: the repository is shallow there (parent ${missing[0]} is not in it)`
        : `parent ${missing[0]} of commit ${child.sha} is not in the repository`,
      {
        where: { detail: label },
        hint: shallow
          ? 'fetch the whole history into it (git fetch --unshallow) or point --repo at a complete repository'
          : 'the repository is incomplete or corrupt; check it with git fsck',
        data: { commit: child.sha, missing },
      },
    );
  };

  async function* walk(commitish: string, opts?: { firstParent?: boolean }) {
    try {
      yield* walkFrom(store, await commitOid(commitish), { firstParent: opts?.firstParent ?? true, onMissing });
    } catch (err) {
      throw toCanaryError(err, ctx('walk', commitish));
    }
  }

  const repo: GitRepo = {
    label,
    resolve,
    walk,
    ensureCommit: (sha, ref) =>
      wrap('read', ref, async () => {
        toFullRef(ref);
        if (!isSha(sha)) throw new GitError(`${JSON.stringify(sha)} is not a commit id`, { where: { detail: label }, hint: 'pass a full 40-hex sha' });
        return hasCommit(store, sha);
      }),
    readFile: (commitish, path) => wrap('read', commitish, async () => readFileAt(store, await commitOid(commitish), path, async () => names.get(commitish) ?? commitish)),
    listFiles: (commitish, dir) => wrap('list', commitish, async () => listFilesAt(store, await commitOid(commitish), dir)),
    log: (commitish, opts) => wrap('log', commitish, async () => logFrom(store, await commitOid(commitish), opts?.depth)),
    createCommit: (opts) => wrap('commit', undefined, () => createCommitIn(store, opts)),
    updateRef: (ref, newSha, expectedOld) =>
      wrap('update', ref, async () => {
        const fullRef = toFullRef(ref);
        // Re-read now: HEAD may have moved since openRepo.
        if ((await checkedOutRefs(layout)).has(fullRef)) throw refuseCheckedOut(fullRef, label);
        await assertFastForward(store, newSha, expectedOld, fullRef);
        await compareAndSwapRef({ gitdir: layout.gitdir, fullRef, expected: expectedOld, next: newSha, label, lock: options.lock });
      }),
    // One after the other, each under its ref lock (git's own ref transactions are not exposed here).
    updateRefs: async (updates) => {
      for (const u of updates) await repo.updateRef(u.ref, u.newSha, u.expectedOld);
    },
    refresh: async () => {},
  };
  return repo;
}

/**
 * Refuse a ref update that is not a fast-forward from `expectedOld`: that is a
 * caller's mistake (a commit built on the wrong parent), not a lost race.
 */
export async function assertFastForward(
  store: ObjectStore,
  newSha: string,
  expectedOld: string | undefined,
  fullRef: string,
): Promise<void> {
  const where = { branch: shortRef(fullRef), detail: store.label };
  if (!isSha(newSha)) throw new GitError(`${JSON.stringify(newSha)} is not a commit id`, { where, hint: 'pass the sha createCommit returned' });
  if (!(await hasCommit(store, newSha).catch(() => false))) {
    throw new GitError(`commit ${newSha} is not in the repository`, { where, hint: 'publish a commit made by createCommit on this repository' });
  }
  if (expectedOld === undefined || expectedOld === newSha) return;
  const descends = await git.isDescendent({ fs: fsForReads, gitdir: store.gitdir, cache: store.cache, oid: newSha, ancestor: expectedOld, depth: -1 });
  if (!descends) {
    throw new GitError(`${newSha.slice(0, 12)} is not a fast-forward of ${shortRef(fullRef)} (${expectedOld.slice(0, 12)})`, {
      where,
      hint: 'build the commit on the current tip; git-canary never force-updates a ref',
    });
  }
}
