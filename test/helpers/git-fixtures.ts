/**
 * Real git repositories for tests, built with the git CLI (`git fast-import`)
 * from inline objects, with fixed dates so every commit sha is the same on
 * every run. Independent of src/git/, so it can check that code.
 *
 *   const repo = await createRepo({
 *     production: { 'apps/a.yaml': 'x: 1\n' },            // one commit
 *     candidate: [{ 'apps/a.yaml': 'x: 1\n' }, { 'apps/a.yaml': 'x: 2\n' }], // two commits
 *   });
 *   repo.git('log', '--format=%H', 'production');
 *   await repo.cleanup();
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** File content (UTF-8 text), `null` to delete, or a symlink. */
export type FixtureFile = string | null | { symlink: string };
/** Paths (with `/`) to files: the changes of one commit. */
export type FixtureFiles = Record<string, FixtureFile>;

/** Committer and author date of the first fixture commit (2023-11-14T22:13:20Z); each next commit is 60 s later. */
export const FIXTURE_DATE = 1_700_000_000;
export const FIXTURE_IDENTITY = { name: 'Fixture', email: 'fixture@example.test' };

/**
 * Environment for git child processes: no system or global config, so the
 * machine's settings (autocrlf, hooks, default branch) cannot change results.
 */
export const GIT_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LANG: 'C',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
};

/** Run git in `cwd` (extra `env` on top of GIT_ENV), return stdout. Throws with git's stderr on failure. */
export function git(cwd: string, args: string[], input?: string | Buffer, env?: NodeJS.ProcessEnv): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...GIT_ENV, ...env },
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix = 'git-canary-test-'): { path: string; cleanup: () => Promise<void> } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: async () => rmSync(path, { recursive: true, force: true }) };
}

export interface Fixture {
  /** The repository: the gitdir when bare, the work tree otherwise. */
  dir: string;
  /** `git <args>` in `dir`, stdout. */
  git(...args: string[]): string;
  /** Removes `dir` (or the temp dir created for it). */
  cleanup(): Promise<void>;
}

export interface CreateRepoOptions {
  /** Default true. A non-bare repository gets `checkout` checked out (index and work tree written). */
  bare?: boolean;
  /** Branch HEAD points to (default: the first branch given). */
  checkout?: string;
  /** Where to create the repository (must not exist); default a new temp dir. */
  dir?: string;
}

/** Render one fast-import `data` block; lengths are in bytes. */
function data(text: string): string {
  return `data ${Buffer.byteLength(text, 'utf8')}\n${text}\n`;
}

/** fast-import commands for one commit on `branch`. */
function commitCommands(branch: string, files: FixtureFiles, date: number, message: string, from?: string): string {
  const who = `${FIXTURE_IDENTITY.name} <${FIXTURE_IDENTITY.email}> ${date} +0000`;
  let out = `commit refs/heads/${branch}\nauthor ${who}\ncommitter ${who}\n${data(message)}`;
  if (from) out += `from ${from}\n`;
  for (const [path, file] of Object.entries(files)) {
    if (file === null) out += `D ${path}\n`;
    else if (typeof file === 'string') out += `M 100644 inline ${path}\n${data(file)}`;
    else out += `M 120000 inline ${path}\n${data(file.symlink)}`;
  }
  return out;
}

/**
 * Create a repository with `branches`: each value is one commit's files, or a
 * list of commits applied in order (later ones change earlier ones; `null`
 * deletes). Branches are independent root histories; use `commitFiles` with
 * `from` to branch off another. Receive-pack over HTTP is enabled.
 */
export async function createRepo(
  branches: Record<string, FixtureFiles | FixtureFiles[]>,
  options: CreateRepoOptions = {},
): Promise<Fixture> {
  const bare = options.bare ?? true;
  const temp = options.dir ? undefined : tempDir();
  const dir = options.dir ?? join(temp!.path, bare ? 'repo.git' : 'repo');
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '--quiet', ...(bare ? ['--bare'] : []), '--initial-branch', 'main']);
  git(dir, ['config', 'http.receivepack', 'true']);
  git(dir, ['config', 'core.autocrlf', 'false']);

  let stream = '';
  let n = 0;
  for (const [branch, spec] of Object.entries(branches)) {
    const commits = Array.isArray(spec) ? spec : [spec];
    commits.forEach((files, i) => {
      stream += commitCommands(branch, files, FIXTURE_DATE + 60 * n++, `fixture: ${branch} ${i + 1}\n`);
    });
  }
  if (stream) git(dir, ['fast-import', '--quiet', '--done'], `${stream}done\n`);

  const head = options.checkout ?? Object.keys(branches)[0] ?? 'main';
  git(dir, ['symbolic-ref', 'HEAD', `refs/heads/${head}`]);
  if (!bare && Object.keys(branches).length > 0) git(dir, ['reset', '--quiet', '--hard']);
  return {
    dir,
    git: (...args) => git(dir, args),
    cleanup: async () => rmSync(temp?.path ?? dir, { recursive: true, force: true }),
  };
}

export interface CommitFilesOptions {
  /** Branch or sha to start from when `branch` does not exist yet (or to rebase it onto). */
  from?: string;
  message?: string;
  /** Seconds since the epoch; default 60 s after the parent's committer date. */
  date?: number;
}

/**
 * Add one commit with `files` on `branch` of the repository at `dir` (without
 * touching any work tree), like a person pushing to the server. Returns its sha.
 */
export function commitFiles(dir: string, branch: string, files: FixtureFiles, options: CommitFilesOptions = {}): string {
  const base = options.from ?? branch;
  let parent: string | undefined;
  try {
    parent = git(dir, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]).trim();
  } catch {
    parent = undefined;
  }
  const parentDate = parent ? Number(git(dir, ['log', '-1', '--format=%ct', parent]).trim()) : FIXTURE_DATE;
  const date = options.date ?? parentDate + 60;
  const message = options.message ?? `fixture: ${branch} update\n`;
  git(dir, ['fast-import', '--quiet', '--done', '--force'], `${commitCommands(branch, files, date, message, parent)}done\n`);
  return git(dir, ['rev-parse', `refs/heads/${branch}`]).trim();
}
