/**
 * The repository containing a directory, found the way git finds it: from the
 * directory upward, the first that has a `.git` (a directory, or a `gitdir:`
 * file as in linked worktrees and submodules) or is itself a bare repository
 * (HEAD, objects/ and refs/). The search stops at the filesystem root and never
 * goes up into a directory of GIT_CEILING_DIRECTORIES. Reads the file system
 * only; the directory and the environment come in as arguments.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { GitError } from '../errors.ts';

type Env = Record<string, string | undefined>;

const kind = (path: string): 'file' | 'dir' | undefined => {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
};

/** HEAD, objects/ and refs/: what git checks before it calls a directory a repository. */
function isGitDir(dir: string): boolean {
  return kind(join(dir, 'HEAD')) === 'file' && kind(join(dir, 'objects')) === 'dir' && kind(join(dir, 'refs')) === 'dir';
}

/** A `.git` file that points to the real git directory (`gitdir: <path>`). */
function isGitFile(path: string): boolean {
  try {
    return /^gitdir: \S/.test(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * GIT_CEILING_DIRECTORIES as git reads it: absolute paths separated by `:`
 * (`;` on Windows); empty and relative entries are ignored. Symlinks are
 * resolved, since the search walks real paths.
 */
export function ceilingDirectories(env: Env): string[] {
  return (env.GIT_CEILING_DIRECTORIES ?? '')
    .split(delimiter)
    .filter((p) => p !== '' && isAbsolute(p))
    .map((p) => real(p));
}

/** Where the search found a repository: its top directory (work tree) or the bare repository. */
export interface Discovered {
  path: string;
  bare: boolean;
}

/** The repository containing `cwd`, or undefined when there is none below the root or a ceiling. */
export function findRepository(cwd: string, env: Env): Discovered | undefined {
  const ceilings = new Set(ceilingDirectories(env));
  let dir = real(cwd);
  for (;;) {
    const dotGit = join(dir, '.git');
    const found = kind(dotGit);
    if ((found === 'dir' && isGitDir(dotGit)) || (found === 'file' && isGitFile(dotGit))) return { path: dir, bare: false };
    if (isGitDir(dir)) {
      // Inside a work tree's .git directory: that work tree is the repository, so its
      // checked-out branch stays protected (opening .git itself would look bare).
      const parent = dirname(dir);
      if (basename(dir) === '.git' && parent !== dir && real(join(parent, '.git')) === dir) return { path: parent, bare: false };
      return { path: dir, bare: true };
    }
    const parent = dirname(dir);
    // Like git, the directory we started in is always searched; a ceiling is never entered.
    if (parent === dir || ceilings.has(parent)) return undefined;
    dir = parent;
  }
}

/**
 * The repository containing `cwd` (the default of `--repo`), or a GitError
 * (exit 1) saying where the search ran and how to name a repository instead.
 */
export function discoverRepository(cwd: string, env: Env): string {
  const found = findRepository(cwd, env);
  if (found) return found.path;
  const start = real(cwd);
  // The ceiling that stopped the search: the nearest one above where it started.
  const ceiling = ceilingDirectories(env)
    .filter((c) => start.startsWith(`${c === '/' ? '' : c}/`))
    .sort((a, b) => b.length - a.length)[0];
  throw new GitError('not in a git repository', {
    where: { detail: `searched from ${cwd} up${ceiling ? `, stopping below GIT_CEILING_DIRECTORIES ${ceiling}` : ''}` },
    hint: 'run it inside a manifests repository, or pass --repo <url|path> (or set GIT_CANARY_REPO)',
  });
}
