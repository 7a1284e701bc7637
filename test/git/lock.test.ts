/**
 * git's lock-file protocol with owners (src/git/lock.ts): the lock names its
 * owner without changing what git sees, a dead owner's lock is broken at once,
 * a live owner's is waited for, an anonymous one (real git's) only by age.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { acquireLock, LockTimeoutError, ownerLine, parseOwner } from '../../src/git/lock.ts';
import { setGitWarningHandler } from '../../src/git/warn.ts';

const dir = mkdtempSync(join(tmpdir(), 'git-canary-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that was just in use and is no more. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

test('a held lock names its owner (pid and host); commit publishes exactly the new content', async () => {
  const target = join(dir, 'a');
  const lock = await acquireLock(target);
  const owner = parseOwner(readFileSync(`${target}.lock`, 'utf8'));
  assert.deepEqual([owner?.pid, owner?.host], [process.pid, hostname()]);
  await lock.commit('abc\n');
  assert.equal(readFileSync(target, 'utf8'), 'abc\n');
  assert.ok(!existsSync(`${target}.lock`));
});

test('real git respects our lock: git update-ref fails while we hold it', async () => {
  const repo = join(dir, 'repo.git');
  execFileSync('git', ['init', '--quiet', '--bare', repo]);
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
  const tree = execFileSync('git', ['-C', repo, 'hash-object', '-t', 'tree', '-w', '--stdin'], { input: '', encoding: 'utf8' }).trim();
  const commit = execFileSync('git', ['-C', repo, 'commit-tree', tree, '-m', 'x'], { env, encoding: 'utf8' }).trim();
  const update = () => execFileSync('git', ['-C', repo, 'update-ref', 'refs/heads/main', commit], { stdio: 'pipe' });
  const lock = await acquireLock(join(repo, 'refs/heads/main'));
  assert.throws(update, /main\.lock/);
  await lock.release();
  update();
});

test('a lock whose owner is a dead process on this host is broken at once, with a warning naming it', async () => {
  const target = join(dir, 'b');
  const pid = await deadPid();
  writeFileSync(`${target}.lock`, `git-canary lock pid=${pid} host=${hostname()}\n`);
  const warnings: string[] = [];
  const previous = setGitWarningHandler((m) => warnings.push(m));
  try {
    const lock = await acquireLock(target, { timeoutMs: 200, staleMs: 60_000 });
    await lock.commit('x\n');
  } finally {
    setGitWarningHandler(previous);
  }
  assert.equal(readFileSync(target, 'utf8'), 'x\n');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, new RegExp(`b\\.lock.*process ${pid} on ${hostname()}.*no longer running`));
});

test('a lock held by a live process on this host is waited for and never broken, even when old', async () => {
  const target = join(dir, 'c');
  writeFileSync(`${target}.lock`, ownerLine());
  const old = new Date(Date.now() - 3600_000);
  utimesSync(`${target}.lock`, old, old);
  await assert.rejects(acquireLock(target, { timeoutMs: 300, staleMs: 1000 }), (e: unknown) => e instanceof LockTimeoutError && e.owner?.pid === process.pid);
  assert.ok(existsSync(`${target}.lock`));
});

test('a lock without an owner (as real git leaves it) is respected until it is older than staleMs', async () => {
  const target = join(dir, 'd');
  writeFileSync(`${target}.lock`, `${'a'.repeat(40)}\n`);
  await assert.rejects(acquireLock(target, { timeoutMs: 300, staleMs: 30_000 }), LockTimeoutError);
  const old = new Date(Date.now() - 31_000);
  utimesSync(`${target}.lock`, old, old);
  const lock = await acquireLock(target, { timeoutMs: 300, staleMs: 30_000 });
  await lock.release();
});

test('a lock of another host is broken only by age', async () => {
  const target = join(dir, 'e');
  writeFileSync(`${target}.lock`, `git-canary lock pid=1 host=elsewhere.invalid\n`);
  await assert.rejects(acquireLock(target, { timeoutMs: 200, staleMs: 30_000 }), LockTimeoutError);
  const old = new Date(Date.now() - 31_000);
  utimesSync(`${target}.lock`, old, old);
  await (await acquireLock(target, { timeoutMs: 200, staleMs: 30_000 })).release();
});

test('many contenders in one process: each gets the lock in turn, no update lost', async () => {
  const target = join(dir, 'f');
  writeFileSync(target, '0\n');
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      const lock = await acquireLock(target, { timeoutMs: 10_000 });
      const n = Number(readFileSync(target, 'utf8'));
      await lock.commit(`${n + 1}\n`);
    }),
  );
  assert.equal(readFileSync(target, 'utf8'), '20\n');
});

test('many contenders find a dead owner\'s lock: it is broken once, and no update is lost', async () => {
  const target = join(dir, 'g');
  writeFileSync(target, '0\n');
  const pid = await deadPid();
  writeFileSync(`${target}.lock`, `git-canary lock pid=${pid} host=${hostname()}\n`);
  const warnings: string[] = [];
  const previous = setGitWarningHandler((m) => warnings.push(m));
  try {
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const lock = await acquireLock(target, { timeoutMs: 10_000, retryMs: 5 });
        const n = Number(readFileSync(target, 'utf8'));
        await lock.commit(`${n + 1}\n`);
      }),
    );
  } finally {
    setGitWarningHandler(previous);
  }
  assert.equal(readFileSync(target, 'utf8'), '20\n');
  assert.equal(warnings.length, 1, warnings.join('\n'));
});
