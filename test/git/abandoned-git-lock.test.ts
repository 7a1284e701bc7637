/**
 * git's lock files a killed git left in a cache: removed when no git can be
 * holding them, kept when one may be (abandoned-git-lock.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { lockGitCouldNotCreate, processWorkingIn, removeAbandonedGitLock } from '../../src/git/abandoned-git-lock.ts';
import { setGitWarningHandler } from '../../src/git/warn.ts';
import { tempDir } from '../helpers/git-fixtures.ts';
import { startOrphan } from '../helpers/orphan.ts';

/** A process table as /proc lays it out: `self`, and one directory per pid with `cwd` and `stat`. */
function fakeProc(root: string, processes: { pid: number; cwd: string; ppid: number }[]): string {
  const proc = join(root, 'proc');
  mkdirSync(join(proc, 'self'), { recursive: true });
  symlinkSync(root, join(proc, 'self', 'cwd'));
  for (const p of processes) {
    mkdirSync(join(proc, String(p.pid)));
    symlinkSync(p.cwd, join(proc, String(p.pid), 'cwd'));
    // The command name may hold spaces and parentheses: the parent is the second field after the last ')'.
    writeFileSync(join(proc, String(p.pid), 'stat'), `${p.pid} (git (x) y) S ${p.ppid} ${p.pid} ${p.pid} 0 -1\n`);
  }
  return proc;
}

/** A bare cache with `shallow.lock` in it, as a git killed while fetching leaves it. */
function cacheWithLock(root: string, lock = 'shallow.lock'): { gitdir: string; lock: string } {
  const gitdir = join(root, 'cache.git');
  spawnSync('git', ['init', '--quiet', '--bare', gitdir]);
  const path = join(gitdir, lock);
  writeFileSync(path, '');
  return { gitdir, lock: path };
}

function warnings(): { seen: string[]; restore: () => void } {
  const seen: string[] = [];
  const previous = setGitWarningHandler((m) => seen.push(m));
  return { seen, restore: () => setGitWarningHandler(previous) };
}

describe('a git lock left in the cache', () => {
  test('the lock native git names in its error is read from its words, and nothing else is', () => {
    assert.equal(
      lockGitCouldNotCreate("fatal: Unable to create '/c/cache.git/./shallow.lock': File exists.\n\nAnother git process seems to be running"),
      '/c/cache.git/./shallow.lock',
    );
    assert.equal(lockGitCouldNotCreate("error: cannot lock ref 'refs/remotes/origin/x': Unable to create '/c/refs/remotes/origin/x.lock': File exists."), '/c/refs/remotes/origin/x.lock');
    assert.equal(lockGitCouldNotCreate('fatal: unable to access: Could not resolve host'), undefined);
    assert.equal(lockGitCouldNotCreate("Unable to create '/c/shallow': File exists"), undefined, 'only a .lock');
  });

  test('is removed, with a warning, when no process works in the cache; the path git gives (./ and all) is the one removed', async () => {
    const temp = tempDir();
    const w = warnings();
    try {
      const { gitdir, lock } = cacheWithLock(temp.path);
      const proc = fakeProc(temp.path, [{ pid: 4242, cwd: temp.path, ppid: 1 }]);
      assert.equal(await removeAbandonedGitLock(gitdir, `${gitdir}/./shallow.lock`, { procRoot: proc }), true);
      assert.ok(!existsSync(lock));
      assert.equal(w.seen.length, 1);
      assert.match(w.seen[0]!, /removed git's lock .*cache\.git\/shallow\.lock: the git that took it is no longer running/);
    } finally {
      w.restore();
      await temp.cleanup();
    }
  });

  test('is kept while another process works in the cache (a git an earlier, killed run started), and this process\'s own children do not count', async () => {
    const temp = tempDir();
    const w = warnings();
    try {
      const { gitdir, lock } = cacheWithLock(temp.path, 'refs/heads/main.lock');
      const orphan = fakeProc(join(temp.path, 'a'), [{ pid: 4242, cwd: join(gitdir, 'objects'), ppid: 1 }]);
      assert.equal(await removeAbandonedGitLock(gitdir, lock, { procRoot: orphan }), false);
      assert.ok(existsSync(lock));
      const ours = fakeProc(join(temp.path, 'b'), [{ pid: 4243, cwd: gitdir, ppid: process.pid }]);
      assert.equal(await removeAbandonedGitLock(gitdir, lock, { procRoot: ours }), true);
      assert.ok(!existsSync(lock));
      assert.equal(w.seen.length, 1, 'one warning: for the removal');
    } finally {
      w.restore();
      await temp.cleanup();
    }
  });

  test('where there is no process table, only a lock older than the stale age is removed', async () => {
    const temp = tempDir();
    try {
      const { gitdir, lock } = cacheWithLock(temp.path);
      const none = join(temp.path, 'no-proc');
      assert.equal(await processWorkingIn(gitdir, none), undefined);
      // A directory without `self` is not a process table either.
      mkdirSync(join(temp.path, 'not-proc', '1'), { recursive: true });
      assert.equal(await processWorkingIn(gitdir, join(temp.path, 'not-proc')), undefined);
      assert.equal(await removeAbandonedGitLock(gitdir, lock, { procRoot: none, staleMs: 60_000 }), false);
      assert.ok(existsSync(lock));
      const old = new Date(Date.now() - 61_000);
      utimesSync(lock, old, old);
      assert.equal(await removeAbandonedGitLock(gitdir, lock, { procRoot: none, staleMs: 60_000 }), true);
      assert.ok(!existsSync(lock));
    } finally {
      await temp.cleanup();
    }
  });

  test('nothing outside the cache is touched, nor anything that is not a .lock file', async () => {
    const temp = tempDir();
    try {
      const { gitdir } = cacheWithLock(temp.path);
      const proc = fakeProc(temp.path, []);
      const outside = join(temp.path, 'other.lock');
      writeFileSync(outside, '');
      assert.equal(await removeAbandonedGitLock(gitdir, outside, { procRoot: proc }), false);
      assert.equal(await removeAbandonedGitLock(gitdir, `${gitdir}/../other.lock`, { procRoot: proc }), false);
      assert.ok(existsSync(outside));
      assert.equal(await removeAbandonedGitLock(gitdir, join(gitdir, 'HEAD'), { procRoot: proc }), false);
      assert.ok(existsSync(join(gitdir, 'HEAD')));
      mkdirSync(join(gitdir, 'dir.lock'));
      assert.equal(await removeAbandonedGitLock(gitdir, join(gitdir, 'dir.lock'), { procRoot: proc }), false, 'a directory is not a lock file');
      assert.ok(existsSync(join(gitdir, 'dir.lock')));
      // A lock already gone: the command may simply run again.
      assert.equal(await removeAbandonedGitLock(gitdir, join(gitdir, 'packed-refs.lock'), { procRoot: proc }), true);
    } finally {
      await temp.cleanup();
    }
  });

  test('a cache reached through a symlink: the lock named through the link is the cache\'s', async () => {
    const temp = tempDir();
    try {
      const { gitdir, lock } = cacheWithLock(temp.path);
      const link = join(temp.path, 'link.git');
      symlinkSync(gitdir, link);
      const proc = fakeProc(temp.path, []);
      assert.equal(await removeAbandonedGitLock(link, join(link, 'shallow.lock'), { procRoot: proc }), true);
      assert.ok(!existsSync(lock));
    } finally {
      await temp.cleanup();
    }
  });

  test('on this host\'s real /proc: an orphaned process working in the cache keeps the lock; once it is gone the lock goes', { skip: !existsSync('/proc/self/cwd') && 'no /proc on this system' }, async () => {
    const temp = tempDir();
    let orphan: number | undefined;
    try {
      const { gitdir, lock } = cacheWithLock(temp.path);
      orphan = await startOrphan(gitdir);
      assert.equal(await processWorkingIn(gitdir), true);
      assert.equal(await removeAbandonedGitLock(gitdir, lock), false);
      assert.ok(existsSync(lock));
      process.kill(orphan, 'SIGKILL');
      for (let i = 0; i < 200 && existsSync(`/proc/${orphan}`) && (await processWorkingIn(gitdir)); i++) await new Promise((r) => setTimeout(r, 10));
      orphan = undefined;
      assert.equal(await removeAbandonedGitLock(gitdir, lock), true);
      assert.ok(!existsSync(lock));
    } finally {
      if (orphan) process.kill(orphan, 'SIGKILL');
      await temp.cleanup();
    }
  });
});
