/**
 * How the fake GitHub sees branches and commits: from a bare repository on
 * disk (the one tests push to, so pull request heads follow real pushes), or
 * from an in-memory branch table when a test needs no git. Plus a tiny bare
 * repository builder for the fake's own tests.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { GIT_ENV, tempDir } from './git-fixtures.ts';

/** Branch and commit lookups the fake needs. */
export interface FakeRefs {
  /** The commit `refs/heads/<branch>` points at, or undefined. */
  tip(branch: string): string | undefined;
  /** A full commit sha for a sha, branch, `heads/<branch>` or `refs/heads/<branch>`, or undefined. */
  resolve(ref: string): string | undefined;
  /** Whether `a` is `b` or an ancestor of it. */
  isAncestor(a: string, b: string): boolean;
  /** Move `branch` from `from` to `to` (compare-and-swap); false if it had moved. */
  update(branch: string, to: string, from: string): boolean;
  /** In-memory only: set a branch tip (a sha). */
  set?(branch: string, sha: string): void;
}

const SAFE = /^[^-\s][^\s]*$/;

/** Refs read from a bare repository with the git CLI, on every call (so pushes show at once). */
export function gitRefs(gitDir: string): FakeRefs {
  const run = (args: string[]) => spawnSync('git', ['--git-dir', gitDir, ...args], { env: GIT_ENV, encoding: 'utf8' });
  const commit = (spec: string): string | undefined => {
    const r = run(['rev-parse', '--verify', '--quiet', `${spec}^{commit}`]);
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  return {
    tip: (branch) => (SAFE.test(branch) ? commit(`refs/heads/${branch}`) : undefined),
    resolve(ref) {
      if (!SAFE.test(ref)) return undefined;
      if (/^[0-9a-f]{4,40}$/i.test(ref)) return commit(ref);
      return commit(`refs/${ref.replace(/^refs\//, '').replace(/^(?!heads\/|tags\/)/, 'heads/')}`);
    },
    isAncestor: (a, b) => run(['merge-base', '--is-ancestor', a, b]).status === 0,
    update: (branch, to, from) => run(['update-ref', `refs/heads/${branch}`, to, from]).status === 0,
  };
}

/** Refs held in memory: any 40-hex sha is a commit, a branch is what `set` made it, ancestry is equality. */
export function memoryRefs(): FakeRefs {
  const branches = new Map<string, string>();
  const tip = (b: string) => branches.get(b.replace(/^(refs\/)?heads\//, ''));
  return {
    tip,
    resolve: (ref) => (/^[0-9a-f]{40}$/.test(ref) ? ref : tip(ref)),
    isAncestor: (a, b) => a === b,
    update(branch, to, from) {
      if (branches.get(branch) !== from) return false;
      branches.set(branch, to);
      return true;
    },
    set: (branch, sha) => void branches.set(branch, sha),
  };
}

/** A made-up but stable sha for an in-memory branch. */
export function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

/** A temporary bare repository with commits made by plumbing (empty trees, fixed identity and dates). */
export interface BareRepo {
  gitDir: string;
  /** Commit on top of `branch` (or of `parent`, or a root commit) and move the branch there; returns the sha. */
  commit(branch: string, message: string, parent?: string): string;
  /** Point `branch` at `sha` (like a push). */
  setBranch(branch: string, sha: string): void;
  deleteBranch(branch: string): void;
  tip(branch: string): string | undefined;
  cleanup(): Promise<void>;
}

/** Create a {@link BareRepo}. */
export function createBareRepo(): BareRepo {
  const dir = tempDir('git-canary-github-fake-');
  const gitDir = dir.path;
  let clock = 1_700_000_000;
  const git = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    execFileSync('git', ['--git-dir', gitDir, ...args], { env: { ...GIT_ENV, ...env }, encoding: 'utf8' }).trim();
  execFileSync('git', ['init', '--bare', '--quiet', '--initial-branch', 'main', gitDir], { env: GIT_ENV });
  const emptyTree = git(['hash-object', '-t', 'tree', '-w', '/dev/null']);
  const tip = (branch: string) => gitRefs(gitDir).tip(branch);
  return {
    gitDir,
    commit(branch, message, parent) {
      const from = parent ?? tip(branch);
      clock += 60;
      const date = `${clock} +0000`;
      const sha = git(['commit-tree', emptyTree, '-m', message, ...(from ? ['-p', from] : [])], {
        GIT_AUTHOR_NAME: 'Fixture',
        GIT_AUTHOR_EMAIL: 'fixture@example.test',
        GIT_COMMITTER_NAME: 'Fixture',
        GIT_COMMITTER_EMAIL: 'fixture@example.test',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      });
      git(['update-ref', `refs/heads/${branch}`, sha]);
      return sha;
    },
    setBranch: (branch, sha) => void git(['update-ref', `refs/heads/${branch}`, sha]),
    deleteBranch: (branch) => void git(['update-ref', '-d', `refs/heads/${branch}`]),
    tip,
    cleanup: dir.cleanup,
  };
}
