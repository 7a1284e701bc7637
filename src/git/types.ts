/** Who made a commit. */
export interface Identity {
  name: string;
  email: string;
}

export interface CommitInfo {
  sha: string;
  parents: string[];
  message: string;
  author: Identity & { timestamp: number; timezoneOffset: number };
  /** `timestamp` is seconds since the epoch (git's committer date). */
  committer: Identity & { timestamp: number; timezoneOffset: number };
}

/** A file to write (`content` as UTF-8 text, byte-exact) or delete (`content: null`). */
export interface FileChange {
  path: string;
  content: string | null;
}

export interface CreateCommitOptions {
  /** Parent commit; undefined for a root commit (e.g. the first note). */
  parent: string | undefined;
  /** More parents after `parent` (a merge); the tree is still `parent`'s plus `changes`. */
  extraParents?: string[];
  changes: FileChange[];
  message: string;
  author: Identity;
  committer?: Identity;
  /** Author and committer date; tests fix it so commit shas are exact. */
  date: Date;
}

/** One compare-and-swap ref update: `ref` from `expectedOld` (undefined: must not exist) to `newSha`. */
export interface RefUpdate {
  ref: string;
  newSha: string;
  expectedOld: string | undefined;
}

/**
 * A manifests repository, local or remote. Reads never touch a work tree or
 * index. `createCommit` only writes objects; nothing is visible to others until
 * `updateRef` publishes it with compare-and-swap.
 */
export interface GitRepo {
  /** The path, or the URL with credentials removed: safe to print. */
  readonly label: string;
  /** The commit a branch (short name) or full ref points to, or undefined when absent. */
  resolve(ref: string): Promise<string | undefined>;
  /** A file's text at a commit (sha, branch or ref), or undefined when absent. Symlinks and paths outside the repo are refused. */
  readFile(commitish: string, path: string): Promise<string | undefined>;
  /** Every file path (recursively) under `dir` ('' for the root) at a commit. */
  listFiles(commitish: string, dir?: string): Promise<string[]>;
  /**
   * Commits reachable from `commitish` (at most `depth`), newest committer date first over all
   * parents. A remote's shallow boundary silently ends it: use `walk` to find state.
   */
  log(commitish: string, options?: { depth?: number }): Promise<CommitInfo[]>;
  /**
   * The history of `commitish`, newest first, read lazily: a caller that stops after 3 commits
   * reads 3. `firstParent` (default true): the first-parent chain only, i.e. the branch's own
   * commits, not those of merged branches; false: every parent, newest committer date first.
   * Ends only at a root commit. A remote deepens its shallow cache when the walk reaches its
   * boundary (the ref named, or for a sha the refs read so far); a parent that cannot be had
   * (shallow local repository, server error, object gone) is a GitError naming the commit.
   */
  walk(commitish: string, options?: { firstParent?: boolean }): AsyncIterable<CommitInfo>;
  /**
   * Whether commit `sha` is available. Local: whether the repository has it. Remote: deepens
   * `ref` (branch or full ref) until the cache has the sha (true) or the ref's whole history is
   * fetched without it (false); reading a ref the server lacks is false.
   */
  ensureCommit(sha: string, ref: string): Promise<boolean>;
  createCommit(options: CreateCommitOptions): Promise<string>;
  /**
   * Move `ref` (branch name or full ref) from `expectedOld` (undefined: must not exist) to `newSha`,
   * fast-forward only. Remote: pushes. Throws GitConflictError when the ref is no longer `expectedOld`.
   */
  updateRef(ref: string, newSha: string, expectedOld: string | undefined): Promise<void>;
  /**
   * Several `updateRef`s, each compare-and-swap. Remote with native git: one
   * atomic push (all land or none; a lost race on any is a GitConflictError).
   * Otherwise one after the other, in order (a later one may then lose its race
   * after an earlier one landed).
   */
  updateRefs(updates: readonly RefUpdate[]): Promise<void>;
  /** Remote: fetch again so reads see the server's current refs. Local: no-op. */
  refresh(): Promise<void>;
}
