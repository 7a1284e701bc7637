/**
 * Native git's partial clone into a remote's cache (src/git/native.ts): blobs
 * over the limit never arrive, credentials never reach a command line, the
 * user's git config changes nothing. Real git, real `git http-backend`. A
 * `git` wrapper first on PATH records every command line native git is run
 * with, then runs the real git.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openRepo, remoteCacheDir } from '../../src/git/index.ts';
import { isMissingRemoteRef, nativeError, nativePushError } from '../../src/git/errors.ts';
import { redactor } from '../../src/git/credentials.ts';
import { gitMode, nativeEnv, parseGitVersion } from '../../src/git/native.ts';
import { createRepo, type Fixture, GIT_ENV, tempDir } from '../helpers/git-fixtures.ts';
import { type GitHttpServer, start } from '../helpers/git-http-server.ts';

const TOKEN = 'n4tive-s3cret-t0ken';
const LIMIT = 1024 * 1024;

const work = tempDir('git-canary-native-');
const argvLog = join(work.path, 'argv.log');
const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
let server: GitHttpServer;
let fx: Fixture;
let url: string;

before(async () => {
  // The wrapper, and a user's global config that would send fetches elsewhere.
  const bin = join(work.path, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\ntr '\\0' ' ' < /proc/$$/cmdline >> '${argvLog}'\necho >> '${argvLog}'\nexec '${realGit}' "$@"\n`);
  chmodSync(join(bin, 'git'), 0o755);
  process.env.PATH = `${bin}:${process.env.PATH}`;
  // This file is about the native path, whatever the run's default.
  process.env.GIT_CANARY_GIT = 'native';
  const home = join(work.path, 'home');
  mkdirSync(home);
  writeFileSync(join(home, '.gitconfig'), '[url "http://127.0.0.1:9/"]\n\tinsteadOf = http://127.0.0.1\n[http]\n\textraHeader = X-From-User-Config: 1\n');
  process.env.HOME = home;
  process.env.GIT_CONFIG_GLOBAL = join(home, '.gitconfig');

  fx = await createRepo({
    production: {
      'small.yaml': 'kind: Small\n',
      'exact.txt': 'y'.repeat(LIMIT),
      'big.bin': 'z'.repeat(LIMIT + 1),
    },
  }, { dir: join(work.path, 'srv', 'repo.git') });
  server = await start({ root: join(work.path, 'srv'), auth: { username: 'x-access-token', password: TOKEN } });
  url = `${server.url}/repo.git`;
});

after(async () => {
  await server.close();
  await work.cleanup();
});

describe('native git partial clone', () => {
  test('auto picks native git when a usable git is installed; an unknown GIT_CANARY_GIT is an error', async () => {
    assert.deepEqual(parseGitVersion('git version 2.39.5'), [2, 39]);
    assert.equal(await gitMode('auto'), 'native');
    assert.equal(await gitMode('embedded'), 'embedded');
    await assert.rejects(gitMode('libgit2'), (e) => (e as { code?: string }).code === 'GIT' && /GIT_CANARY_GIT/.test(String(e)));
  });

  test('a blob over the limit never arrives in the cache; reading it is a clear error, a file of exactly the limit reads', async () => {
    const caches = tempDir();
    try {
      const repo = await openRepo(url, { cacheDir: caches.path, token: TOKEN });
      assert.equal(await repo.readFile('production', 'small.yaml'), 'kind: Small\n');
      assert.equal((await repo.readFile('production', 'exact.txt'))?.length, LIMIT);
      await assert.rejects(repo.readFile('production', 'big.bin'), (e) => {
        assert.equal((e as { code?: string }).code, 'MANIFEST');
        assert.equal((e as Error).message, `big.bin on production is larger than ${LIMIT} bytes`);
        return true;
      });
      const gitdir = remoteCacheDir(url, caches.path);
      const big = fx.git('rev-parse', 'production:big.bin').trim();
      const present = execFileSync(realGit, ['--git-dir', gitdir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)'], {
        env: GIT_ENV, encoding: 'utf8',
      });
      assert.ok(present.includes(fx.git('rev-parse', 'production:exact.txt').trim()));
      assert.ok(!present.includes(big), 'the large blob is not in the cache');
      // isomorphic-git pushes from the partial cache: a commit on top, through the server's checks.
      const tip = (await repo.resolve('production'))!;
      const next = await repo.createCommit({
        parent: tip, changes: [{ path: 'small.yaml', content: 'kind: Small\nv: 2\n' }], message: 'edit\n',
        author: { name: 'A', email: 'a@example.test' }, date: new Date('2024-01-01T00:00:00Z'),
      });
      await repo.updateRef('production', next, tip);
      assert.equal(fx.git('rev-parse', 'production').trim(), next);
      fx.git('fsck', '--no-progress');
    } finally {
      await caches.cleanup();
    }
  });

  test('the token is never on a command line; the user\'s git config changes nothing', async () => {
    const caches = tempDir();
    try {
      writeFileSync(argvLog, '');
      const repo = await openRepo(url, { cacheDir: caches.path, token: TOKEN });
      assert.ok(await repo.resolve('production'));
      const log = readFileSync(argvLog, 'utf8');
      assert.match(log, /fetch .*--filter=blob:limit=1048577/, 'native git fetched');
      assert.ok(!log.includes(TOKEN), 'no token in any argv');
      assert.ok(!log.includes(Buffer.from(`x-access-token:${TOKEN}`).toString('base64')), 'no Basic value in any argv');
      // The user's insteadOf would have sent the fetch to a closed port: it was not read.
      // Where the header does go: the environment of the git process only.
      const env = nativeEnv({ url, source: 'token', username: 'x-access-token', password: TOKEN });
      assert.equal(env.GIT_CONFIG_GLOBAL, '/dev/null');
      assert.equal(env.GIT_CONFIG_NOSYSTEM, '1');
      assert.equal(env.GIT_TERMINAL_PROMPT, '0');
      const keys = Object.keys(env).filter((k) => /^GIT_CONFIG_KEY_/.test(k));
      const header = keys.find((k) => env[k] === 'http.extraHeader')!;
      assert.equal(env[header.replace('KEY', 'VALUE')], `Authorization: Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`);
    } finally {
      await caches.cleanup();
    }
  });

  test('a wrong token over native git is an AuthError without the token; an absent ref is absent', async () => {
    const caches = tempDir();
    try {
      const wrong = await openRepo(url, { cacheDir: caches.path, token: 'wr0ng-t0ken-value' });
      const err = await wrong.resolve('production').catch((e: unknown) => e);
      assert.equal((err as { code?: string }).code, 'AUTH');
      assert.equal((err as Error).message, `authentication failed for ${url}`);
      assert.ok(!JSON.stringify({ m: (err as Error).message, h: (err as { hint?: string }).hint }).includes('wr0ng'));
      const right = await openRepo(url, { cacheDir: caches.path, token: TOKEN });
      assert.equal(await right.resolve('no-such-branch'), undefined);
      assert.equal(await right.resolve('refs/notes/git-canary'), undefined);
    } finally {
      await caches.cleanup();
    }
  });

  test('native git\'s failures map to the embedded path\'s errors, credentials scrubbed', () => {
    const creds = { url: 'https://git.example.test/r.git', source: 'url' as const, username: 'bob', password: 'hunter2-secret' };
    const ctx = { op: 'fetch', label: creds.url, ref: 'production', redact: redactor(creds), hasCredentials: true };
    const cases: [string, string, RegExp][] = [
      ["fatal: unable to access 'https://git.example.test/r.git/': The requested URL returned error: 401", 'AUTH', /^authentication failed for /],
      ["fatal: Authentication failed for 'https://git.example.test/r.git/'", 'AUTH', /^authentication failed for /],
      ["fatal: unable to access 'https://git.example.test/r.git/': The requested URL returned error: 403", 'AUTH', /^authentication failed/],
      ["fatal: repository 'https://git.example.test/r.git/' not found", 'GIT', /HTTP 404/],
      ["fatal: unable to access 'https://git.example.test/r.git/': The requested URL returned error: 502", 'GIT', /HTTP 502/],
      ["fatal: unable to access 'https://git.example.test/r.git/': Could not resolve host: git.example.test", 'GIT', /^cannot reach .* \(ENOTFOUND\)/],
      ["fatal: unable to access 'https://git.example.test/r.git/': Failed to connect to git.example.test port 443: Connection refused", 'GIT', /\(ECONNREFUSED\)/],
      ["fatal: Unable to create '/c/shallow.lock': File exists.", 'GIT', /locked by another git process \(\/c\/shallow\.lock exists\)/],
      ['error: garbled response from https://bob:hunter2-secret@git.example.test Basic Ym9iOmh1bnRlcjItc2VjcmV0', 'GIT', /^fetch failed: /],
    ];
    for (const [stderr, code, message] of cases) {
      const e = nativeError(stderr, ctx);
      assert.equal(e.code, code, stderr);
      assert.match(e.message, message, stderr);
      const shown = JSON.stringify({ m: e.message, h: e.hint, w: e.where, d: e.data });
      assert.ok(!shown.includes('hunter2') && !shown.includes('Ym9iOmh1bnRlcjItc2VjcmV0'), shown);
    }
    const unanswered = nativeError("fatal: could not read Username for 'https://git.example.test': terminal prompts disabled", { ...ctx, hasCredentials: false });
    assert.equal(unanswered.message, `authentication required for ${creds.url}`);
    assert.match(unanswered.hint ?? '', /GIT_CANARY_TOKEN/);
    assert.ok(isMissingRemoteRef("fatal: couldn't find remote ref refs/heads/candidate"));
    assert.ok(!isMissingRemoteRef('fatal: early EOF'));
  });

  test("a refused native push: which ref's own reason counts, in an atomic push too", () => {
    const ctx = { op: 'push', label: 'https://git.example.test/r.git', ref: 'refs/notes/git-canary, production' };
    const sha = 'a'.repeat(40);
    const out = (...lines: string[]) => `To https://git.example.test/r.git\n${lines.join('\n')}\nDone\n`;
    const notes = (why: string) => `!\t${sha}:refs/notes/git-canary\t[remote rejected] (${why})`;
    const production = (why: string) => `!\t${sha}:refs/heads/production\t[remote rejected] (${why})`;
    const cases: [string, string, RegExp][] = [
      // The ref that lost its race names why; the other only follows it: a lost race, whatever the order.
      [out(notes('atomic transaction failed'), production('failed to update ref')), 'GIT_CONFLICT', /failed to update ref/],
      [out(production('cannot lock ref \'refs/heads/production\': is at b but expected a'), notes('atomic transaction failed')), 'GIT_CONFLICT', /cannot lock ref/],
      [out(`!\t${sha}:refs/heads/production\t[rejected] (stale info)`), 'GIT_CONFLICT', /stale info/],
      // A hook's refusal is not a race, and neither are its followers.
      [out(notes('atomic transaction failed'), production('pre-receive hook declined')), 'GIT', /^push was rejected: .*pre-receive hook declined/],
    ];
    for (const [stdout, code, reason] of cases) {
      const e = nativePushError(stdout, 'error: failed to push some refs', ctx);
      assert.equal(e.code, code, stdout);
      assert.match(String(e.data?.reason ?? e.message), reason, stdout);
    }
    // The transaction lost a ref lock: every ref only "atomic transaction failed", receive-pack's words on stderr.
    const stderr = "remote: error: cannot lock ref 'refs/heads/production': is at b but expected a\nerror: failed to push some refs to 'https://git.example.test/r.git'";
    const raced = nativePushError(out(notes('atomic transaction failed'), production('atomic transaction failed')), stderr, ctx);
    assert.equal(raced.code, 'GIT_CONFLICT');
    assert.match(String(raced.data?.reason), /cannot lock ref/);
  });
});
