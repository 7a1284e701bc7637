// Pure pieces of the git layer: error mapping, credentials, names, the lock.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import git from 'isomorphic-git';
import { GitConflictError } from '../../src/errors.ts';
import { authCallbacks, parseRemoteUrl, redactor, stripUserInfo } from '../../src/git/credentials.ts';
import { isLostRace, toCanaryError } from '../../src/git/errors.ts';
import { acquireLock, LockTimeoutError } from '../../src/git/lock.ts';
import { splitRepoPath, toFullRef } from '../../src/git/paths.ts';
import { tempDir } from '../helpers/git-fixtures.ts';

const { PushRejectedError, GitPushError, HttpError, UserCanceledError, NotFoundError } = git.Errors;
const ctx = { op: 'push', label: 'https://example.test/org/repo.git', ref: 'production' };
const pushResult = (error: string) => ({ ok: true, refs: { 'refs/heads/production': { ok: false, error } } });

describe('error mapping', () => {
  test('both isomorphic-git shapes of a lost race become GitConflictError', () => {
    const shapes = [
      new PushRejectedError('not-fast-forward'),
      new GitPushError('\n  - refs/heads/production: failed to update ref', pushResult('failed to update ref') as never),
      new GitPushError('\n  - refs/heads/production: failed to lock', pushResult('failed to lock') as never),
      new GitPushError('\n  - refs/heads/production: non-fast-forward', pushResult('non-fast-forward') as never),
    ];
    for (const err of shapes) {
      assert.equal(isLostRace(err), true, err.message);
      const mapped = toCanaryError(err, ctx);
      assert.ok(mapped instanceof GitConflictError);
      assert.equal(mapped.code, 'GIT_CONFLICT');
      assert.equal(mapped.where?.branch, 'production');
      assert.doesNotMatch(mapped.message, /\n/);
    }
  });

  test('a hook refusal is a GitError on one line', () => {
    const err = new GitPushError('\n  - refs/heads/production: pre-receive hook declined', pushResult('pre-receive hook declined') as never);
    const mapped = toCanaryError(err, ctx);
    assert.equal(mapped.code, 'GIT');
    assert.match(mapped.message, /pre-receive hook declined/);
    assert.doesNotMatch(mapped.message, /\n/);
  });

  test('401/403 and a cancelled retry are AuthErrors; other HTTP statuses GitErrors', () => {
    const auth = { offered: true, refused: true };
    assert.equal(toCanaryError(new HttpError(401, 'Unauthorized', ''), ctx).code, 'AUTH');
    assert.equal(toCanaryError(new HttpError(403, 'Forbidden', ''), ctx).code, 'AUTH');
    const cancelled = toCanaryError(new UserCanceledError(), { ...ctx, auth, hasCredentials: true });
    assert.equal(cancelled.code, 'AUTH');
    assert.equal(cancelled.message, `authentication failed for ${ctx.label}`);
    assert.equal(cancelled.cause, undefined);
    const notFound = toCanaryError(new HttpError(404, 'Not Found', ''), ctx);
    assert.equal(notFound.code, 'GIT');
    assert.match(notFound.hint ?? '', /URL/);
    assert.equal(toCanaryError(new NotFoundError('x'), ctx).code, 'GIT');
  });

  test('network failures say the remote cannot be reached; messages are redacted', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    assert.equal(toCanaryError(refused, ctx).message, `cannot reach ${ctx.label} (ECONNREFUSED)`);
    const redact = redactor(parseRemoteUrl('https://u:hunter22@example.test/r.git', undefined));
    const leaky = toCanaryError(new Error('boom https://u:hunter22@example.test/r.git hunter22'), { ...ctx, redact });
    assert.equal(leaky.message.includes('hunter22'), false);
  });
});

describe('credentials', () => {
  test('URL user-info wins over the token; the URL is cleaned', () => {
    assert.deepEqual(parseRemoteUrl('https://bob:p%40ss@example.test/r.git/', 'tok'), {
      url: 'https://example.test/r.git', source: 'url', username: 'bob', password: 'p@ss',
    });
    assert.deepEqual(parseRemoteUrl('https://example.test/r.git', 'tok'), {
      url: 'https://example.test/r.git', source: 'token', username: 'x-access-token', password: 'tok',
    });
    assert.deepEqual(parseRemoteUrl('https://example.test/r.git', undefined), { url: 'https://example.test/r.git', source: 'none' });
    assert.throws(() => parseRemoteUrl('https://a:b@', undefined), (e) => !String(e).includes(':b@'));
  });

  test('redactor removes raw, URL-encoded and Basic-encoded secrets', () => {
    const creds = parseRemoteUrl('https://example.test/r.git', 'ghp_t/k+n');
    const redact = redactor(creds);
    const basic = Buffer.from('x-access-token:ghp_t/k+n').toString('base64');
    const out = redact(`a ghp_t/k+n b ${encodeURIComponent('ghp_t/k+n')} c ${basic} d https://u:p@h/x`);
    assert.equal(out, 'a *** b *** c *** d https://h/x');
    assert.equal(stripUserInfo('see https://tok@github.com/o/r and http://a:b@c'), 'see https://github.com/o/r and http://c');
  });

  test('onAuth offers credentials once; onAuthFailure cancels', async () => {
    const { onAuth, onAuthFailure, state } = authCallbacks(parseRemoteUrl('https://h/r', 'tok'));
    assert.deepEqual(await onAuth('https://h/r', {}), { username: 'x-access-token', password: 'tok' });
    assert.deepEqual(await onAuthFailure('https://h/r', {}), { cancel: true });
    assert.deepEqual(state, { offered: true, refused: true });
    const none = authCallbacks(parseRemoteUrl('https://h/r', undefined));
    assert.equal(await none.onAuth('https://h/r', {}), undefined);
    assert.equal(none.state.offered, false);
  });
});

describe('names', () => {
  test('paths: relative, inside the repository, no .git', () => {
    assert.deepEqual(splitRepoPath('apps/a/b.yaml'), ['apps', 'a', 'b.yaml']);
    assert.deepEqual(splitRepoPath('apps/'), ['apps']);
    assert.deepEqual(splitRepoPath('', { allowRoot: true }), []);
    for (const bad of ['', '/abs', 'C:/x', 'a/../b', '..', 'a//b', './a', 'a\\b', '.git/config', 'a/.GIT/x', 'a\0b']) {
      assert.throws(() => splitRepoPath(bad), (e) => (e as { code?: string }).code === 'PATH', bad);
    }
  });

  test('refs: short names become branches; unsafe names are refused', () => {
    assert.equal(toFullRef('production'), 'refs/heads/production');
    assert.equal(toFullRef('team/prod'), 'refs/heads/team/prod');
    assert.equal(toFullRef('refs/notes/git-canary'), 'refs/notes/git-canary');
    assert.equal(toFullRef('HEAD'), 'HEAD');
    for (const bad of ['../x', 'a..b', 'a b', 'x.lock', 'refs/heads/', '.hidden', 'a~1', 'a:b', 'refs//x']) {
      assert.throws(() => toFullRef(bad), (e) => (e as { code?: string }).code === 'GIT', bad);
    }
  });
});

describe('lock file', () => {
  test('exclusive: a second taker waits, times out, and leaves the lock alone', async () => {
    const dir = tempDir();
    try {
      const target = join(dir.path, 'ref');
      const held = await acquireLock(target);
      await assert.rejects(acquireLock(target, { timeoutMs: 100 }), LockTimeoutError);
      assert.equal(existsSync(`${target}.lock`), true);
      await held.release();
      assert.equal(existsSync(`${target}.lock`), false);
    } finally {
      await dir.cleanup();
    }
  });

  test('commit renames the lock onto the target; a waiter gets it afterwards', async () => {
    const dir = tempDir();
    try {
      const target = join(dir.path, 'ref');
      const first = await acquireLock(target);
      const second = acquireLock(target, { timeoutMs: 2000 });
      setTimeout(() => void first.commit('one\n'), 50);
      const held = await second;
      assert.equal(readFileSync(target, 'utf8'), 'one\n');
      await held.commit('two\n');
      assert.equal(readFileSync(target, 'utf8'), 'two\n');
      assert.equal(existsSync(`${target}.lock`), false);
    } finally {
      await dir.cleanup();
    }
  });

  test('a stale lock is broken; a fresh one is not', async () => {
    const dir = tempDir();
    try {
      const target = join(dir.path, 'ref');
      writeFileSync(`${target}.lock`, '');
      const old = new Date(Date.now() - 10_000);
      utimesSync(`${target}.lock`, old, old);
      await assert.rejects(acquireLock(target, { timeoutMs: 50, staleMs: 60_000 }), LockTimeoutError);
      const held = await acquireLock(target, { timeoutMs: 50, staleMs: 5_000 });
      await held.commit('x\n');
      assert.equal(readFileSync(target, 'utf8'), 'x\n');
    } finally {
      await dir.cleanup();
    }
  });
});
