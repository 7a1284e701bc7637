/**
 * The default of --repo: the repository containing the working directory,
 * searched upward as git searches it, on real directories made by real git
 * (`git init`, `--bare`, `--separate-git-dir`). Each test puts its tree under
 * a fresh temporary directory and, unless it is about the root, sets
 * GIT_CEILING_DIRECTORIES to it, so a repository above /tmp cannot answer.
 */
import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, test } from 'node:test';
import { discoverRepository, findRepository } from '../../src/git/discover.ts';
import { CanaryError } from '../../src/errors.ts';
import { git, tempDir } from '../helpers/git-fixtures.ts';

/** A temp dir (real path) and the env that makes it the ceiling; removed after the test. */
function sandbox(t: { after(fn: () => Promise<void>): void }): { root: string; env: Record<string, string> } {
  const dir = tempDir('git-canary-discover-');
  t.after(() => dir.cleanup());
  const root = realpathSync(dir.path);
  return { root, env: { GIT_CEILING_DIRECTORIES: root } };
}

function mkdirs(...parts: string[]): string {
  const p = join(...parts);
  mkdirSync(p, { recursive: true });
  return p;
}

/** What git itself finds from `cwd` with `env` (`--show-toplevel`, or the gitdir when bare). */
function gitFinds(cwd: string, env: Record<string, string>): string | undefined {
  try {
    const bare = git(cwd, ['rev-parse', '--is-bare-repository'], undefined, env).trim() === 'true';
    return realpathSync(git(cwd, ['rev-parse', bare ? '--absolute-git-dir' : '--show-toplevel'], undefined, env).trim());
  } catch {
    return undefined;
  }
}

describe('discoverRepository', { concurrency: 4 }, () => {
  test('a work tree: found from its top directory and from a directory deep inside it', (t) => {
    const { root, env } = sandbox(t);
    const work = mkdirs(root, 'manifests');
    git(work, ['init', '--quiet']);
    const deep = mkdirs(work, 'apps', 'checkout', 'overlays');
    assert.equal(discoverRepository(work, env), work);
    assert.equal(discoverRepository(deep, env), work);
    assert.deepEqual(findRepository(deep, env), { path: work, bare: false });
    assert.equal(gitFinds(deep, env), work, 'git agrees');
  });

  test('a bare repository: found from itself and from inside it (refs/heads)', (t) => {
    const { root, env } = sandbox(t);
    const bare = join(root, 'manifests.git');
    git(root, ['init', '--quiet', '--bare', bare]);
    assert.deepEqual(findRepository(bare, env), { path: bare, bare: true });
    assert.equal(discoverRepository(join(bare, 'refs', 'heads'), env), bare);
    assert.equal(gitFinds(join(bare, 'refs', 'heads'), env), bare, 'git agrees');
  });

  test('a `.git` file (gitdir: …, as submodules and --separate-git-dir have it) marks the work tree', (t) => {
    const { root, env } = sandbox(t);
    const work = mkdirs(root, 'work');
    git(root, ['init', '--quiet', '--separate-git-dir', join(root, 'elsewhere.git'), work]);
    const sub = mkdirs(work, 'sub');
    assert.equal(discoverRepository(sub, env), work);
    assert.equal(gitFinds(sub, env), work, 'git agrees');
  });

  test('inside a work tree’s .git directory the work tree is the answer, so its checked-out branch stays protected', (t) => {
    const { root, env } = sandbox(t);
    const work = mkdirs(root, 'work');
    git(work, ['init', '--quiet']);
    assert.deepEqual(findRepository(join(work, '.git', 'refs'), env), { path: work, bare: false });
    assert.deepEqual(findRepository(join(work, '.git'), env), { path: work, bare: false });
  });

  test('a `.git` directory that is not a repository, or a `.git` file without gitdir:, is passed over', (t) => {
    const { root, env } = sandbox(t);
    const outer = mkdirs(root, 'outer');
    git(outer, ['init', '--quiet']);
    const fakeDir = mkdirs(outer, 'a');
    mkdirs(fakeDir, '.git');
    const fakeFile = mkdirs(outer, 'b');
    writeFileSync(join(fakeFile, '.git'), 'not a pointer\n');
    assert.equal(discoverRepository(fakeDir, env), outer);
    assert.equal(discoverRepository(fakeFile, env), outer);
  });

  test('the nearest repository wins: a repository nested in another', (t) => {
    const { root, env } = sandbox(t);
    const outer = mkdirs(root, 'outer');
    git(outer, ['init', '--quiet']);
    const inner = mkdirs(outer, 'vendor', 'inner');
    git(inner, ['init', '--quiet']);
    assert.equal(discoverRepository(mkdirs(inner, 'x'), env), inner);
    assert.equal(discoverRepository(mkdirs(outer, 'vendor', 'y'), env), outer);
  });

  test('GIT_CEILING_DIRECTORIES: the search never goes up into a ceiling; the starting directory is always searched', (t) => {
    const { root } = sandbox(t);
    git(root, ['init', '--quiet']); // a repository AT the ceiling
    const inside = mkdirs(root, 'a', 'b');
    const env = { GIT_CEILING_DIRECTORIES: root };
    assert.equal(findRepository(inside, env), undefined, 'stops below the ceiling');
    assert.equal(gitFinds(inside, env), undefined, 'so does git');
    // Several entries, relative and empty ones ignored, the nearest ancestor counts.
    const several = { GIT_CEILING_DIRECTORIES: ['', 'relative/dir', '/nonexistent', join(root, 'a')].join(delimiter) };
    assert.equal(findRepository(inside, several), undefined);
    assert.equal(discoverRepository(join(root, 'a'), several), root, 'a ceiling equal to the start is not a ceiling (git ignores it too)');
    assert.equal(discoverRepository(root, env), root, 'starting at the ceiling itself: searched');
    assert.equal(discoverRepository(inside, {}), root, 'without a ceiling it is found');
  });

  test('a ceiling named through a symlink is resolved, like git does', (t) => {
    const { root } = sandbox(t);
    git(root, ['init', '--quiet']);
    const real = mkdirs(root, 'real');
    const inside = mkdirs(real, 'deep');
    symlinkSync(real, join(root, 'link'));
    assert.equal(findRepository(inside, { GIT_CEILING_DIRECTORIES: join(root, 'link') }), undefined);
  });

  test('nothing found: a GIT error (exit 1) naming where the search started and the ceiling, with a hint to pass --repo', (t) => {
    const { root, env } = sandbox(t);
    const dir = mkdirs(root, 'plain', 'dir');
    assert.throws(
      () => discoverRepository(dir, env),
      (e: unknown) => {
        assert.ok(e instanceof CanaryError);
        assert.equal(e.code, 'GIT');
        assert.equal(
          e.oneLine(),
          `not in a git repository (searched from ${dir} up, stopping below GIT_CEILING_DIRECTORIES ${root}) — run it inside a manifests repository, or pass --repo <url|path> (or set GIT_CANARY_REPO)`,
        );
        return true;
      },
    );
  });

  test('up to the filesystem root when no ceiling applies', (t) => {
    const { root } = sandbox(t);
    const dir = mkdirs(root, 'x');
    // Only meaningful when nothing above the temp directory is a repository: ask git first.
    const above = gitFinds(dir, {});
    if (above !== undefined) {
      t.skip(`${above} above the temp directory is a repository`);
      return;
    }
    assert.equal(findRepository(dir, {}), undefined);
    assert.throws(
      () => discoverRepository(dir, {}),
      (e: unknown) => e instanceof CanaryError && e.oneLine().split(' — ')[0] === `not in a git repository (searched from ${dir} up)`,
    );
    // And a repository in a parent is found: the walk really goes up.
    git(root, ['init', '--quiet']);
    assert.deepEqual(findRepository(dir, {}), { path: root, bare: false });
  });
});
