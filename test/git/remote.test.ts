// Remote repositories over HTTP (`git http-backend`): credentials, the cache,
// and how the server reports lost races and refusals.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AuthError, type CanaryError } from '../../src/errors.ts';
import { openRepo, remoteCacheDir } from '../../src/git/index.ts';
import { startAdvertisement, takeAdvertisement } from '../../src/git/early-advertisement.ts';
import { gitMode } from '../../src/git/native.ts';
import { commitFiles, createRepo, FIXTURE_DATE, type Fixture, tempDir } from '../helpers/git-fixtures.ts';
import { withEnv } from '../helpers/env.ts';
import { type GitHttpServer, start } from '../helpers/git-http-server.ts';

const BOT = { name: 'git-canary', email: 'git-canary@users.noreply.github.com' };
const DATE = new Date((FIXTURE_DATE + 3600) * 1000);
const BRANCHES = {
  production: [{ 'a.yaml': 'a: 1\n' }, { 'a.yaml': 'a: 2\n' }, { 'a.yaml': 'a: 3\n' }],
  candidate: { 'a.yaml': 'a: 4\n' },
};
const code = (e: unknown) => (e as { code?: string }).code;

/** Every file under `dir`, recursively. */
function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

interface Served {
  fx: Fixture;
  server: GitHttpServer;
  url: string;
  cache: string;
  cleanup(): Promise<void>;
}

async function serve(auth?: { username: string; password: string }): Promise<Served> {
  const root = tempDir();
  const fx = await createRepo(BRANCHES, { dir: join(root.path, 'repo.git') });
  const server = await start({ root: root.path, auth });
  const caches = tempDir();
  return {
    fx, server, url: `${server.url}/repo.git`, cache: caches.path,
    cleanup: async () => {
      await server.close();
      await caches.cleanup();
      await root.cleanup();
    },
  };
}

const NO_ENV_TOKENS = { GIT_CANARY_TOKEN: undefined, GITHUB_TOKEN: undefined };

describe('remote: credentials', () => {
  const TOKEN = `ghp_S3cret${Math.random().toString(36).slice(2)}`;
  const WRONG = `ghp_Wr0ng${Math.random().toString(36).slice(2)}`;
  let s: Served;
  before(async () => {
    s = await serve({ username: 'x-access-token', password: TOKEN });
  });
  after(() => s.cleanup());

  /** The error carries no secret anywhere a person or a log could see it. */
  function assertClean(err: unknown, secrets: string[]): void {
    assert.ok(err instanceof AuthError, `AuthError expected, got ${err}`);
    const e = err as CanaryError;
    assert.equal(e.code, 'AUTH');
    assert.equal(e.message, `authentication failed for ${s.url}`);
    assert.doesNotMatch(e.oneLine(), /\n/);
    assert.equal(e.cause, undefined);
    for (const text of [e.message, e.oneLine(), JSON.stringify(e.toJSON()), String(e), e.stack ?? '']) {
      for (const secret of secrets) assert.equal(text.includes(secret), false, `${secret} leaked into ${text}`);
    }
  }

  test('no credentials: AuthError saying what to set', async () => {
    await withEnv(NO_ENV_TOKENS, async () => {
      const repo = await openRepo(s.url, { cacheDir: s.cache });
      await assert.rejects(repo.resolve('production'), (e) => {
        assert.equal(code(e), 'AUTH');
        assert.equal((e as Error).message, `authentication required for ${s.url}`);
        assert.match((e as CanaryError).hint ?? '', /GIT_CANARY_TOKEN/);
        return true;
      });
    });
  });

  test('a wrong token: one-line AuthError without the token, and no retry loop', async () => {
    await withEnv(NO_ENV_TOKENS, async () => {
      const repo = await openRepo(s.url, { cacheDir: s.cache, token: WRONG });
      assert.equal(repo.label, s.url);
      const before401 = s.server.requests.filter((r) => r.endsWith(' 401')).length;
      const err = await repo.resolve('production').catch((e: unknown) => e);
      assertClean(err, [WRONG]);
      const after401 = s.server.requests.filter((r) => r.endsWith(' 401')).length;
      // The token goes with the first request (the ref advertisement), as native git sends it: no anonymous try.
      assert.equal(after401 - before401, 1, 'one request with the token, then give up');
    });
  });

  test('a wrong token on a warm cache (the server asked while the cache opens): the same AuthError, after one request', async () => {
    await withEnv(NO_ENV_TOKENS, async () => {
      const warm = await openRepo(s.url, { cacheDir: s.cache, token: TOKEN, fetchRefs: ['production', 'candidate'] });
      assert.ok(await warm.resolve('production'));
      const before401 = s.server.requests.filter((r) => r.endsWith(' 401')).length;
      const err = await openRepo(s.url, { cacheDir: s.cache, token: WRONG, fetchRefs: ['production', 'candidate'] }).catch((e: unknown) => e);
      assertClean(err, [WRONG]);
      assert.equal(s.server.requests.filter((r) => r.endsWith(' 401')).length - before401, 1, 'one request with the token, then give up');
    });
  });

  test('wrong credentials in the URL: neither the label nor the error shows them', async () => {
    const repo = await openRepo(s.url.replace('http://', `http://x-access-token:${WRONG}@`), { cacheDir: s.cache, token: TOKEN });
    assert.equal(repo.label, s.url);
    const err = await repo.resolve('production').catch((e: unknown) => e);
    assertClean(err, [WRONG, encodeURIComponent(WRONG)]);
  });

  test('the right token reads and pushes; it is in no label, cache file or object', async () => {
    await withEnv(NO_ENV_TOKENS, async () => {
      const repo = await openRepo(s.url, { cacheDir: s.cache, token: TOKEN });
      const parent = (await repo.resolve('production'))!;
      assert.equal(await repo.readFile(parent, 'a.yaml'), 'a: 3\n');
      const sha = await repo.createCommit({ parent, message: 'authed push\n', author: BOT, date: DATE, changes: [{ path: 'b.yaml', content: 'b\n' }] });
      await repo.updateRef('production', sha, parent);
      assert.equal(s.fx.git('rev-parse', 'production').trim(), sha);
      assert.equal(repo.label.includes(TOKEN), false);
      const b64 = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
      for (const file of allFiles(remoteCacheDir(s.url, s.cache))) {
        const bytes = readFileSync(file);
        assert.equal(bytes.includes(TOKEN) || bytes.includes(b64), false, `token in ${file}`);
      }
      const objects = s.fx.git('cat-file', '--batch-all-objects', '--batch');
      assert.equal(objects.includes(TOKEN), false, 'token in a pushed object');
    });
  });

  test('the right credentials in the URL, or from GIT_CANARY_TOKEN / GITHUB_TOKEN', async () => {
    const withUser = s.url.replace('http://', `http://x-access-token:${TOKEN}@`);
    assert.equal(remoteCacheDir(withUser, s.cache), remoteCacheDir(s.url, s.cache), 'cache named without credentials');
    await withEnv(NO_ENV_TOKENS, async () => {
      const repo = await openRepo(withUser, { cacheDir: s.cache });
      assert.equal(repo.label, s.url);
      assert.ok(await repo.resolve('production'));
      const config = readFileSync(join(remoteCacheDir(s.url, s.cache), 'config'), 'utf8');
      assert.match(config, new RegExp(`url = ${s.url.replace(/[.]/g, '\\.')}$`, 'm'));
      assert.equal(config.includes(TOKEN), false);
    });
    for (const name of ['GIT_CANARY_TOKEN', 'GITHUB_TOKEN']) {
      await withEnv({ ...NO_ENV_TOKENS, [name]: TOKEN }, async () => {
        const repo = await openRepo(s.url, { cacheDir: s.cache });
        assert.ok(await repo.resolve('candidate'), name);
      });
    }
  });
});

describe('remote: cache and fetching', () => {
  test('the cache is reused: a second open fetches into it, refresh() sees new server commits', async () => {
    const s = await serve();
    try {
      const r1 = await openRepo(s.url, { cacheDir: s.cache });
      const tip1 = await r1.resolve('production');
      const gitdir = remoteCacheDir(s.url, s.cache);
      assert.ok(existsSync(join(gitdir, 'objects')), 'bare cache created');
      writeFileSync(join(gitdir, 'marker'), 'kept between runs');

      const tip2 = commitFiles(s.fx.dir, 'production', { 'a.yaml': 'a: 9\n' });
      assert.equal(await r1.resolve('production'), tip1, 'no refetch without refresh');
      await r1.refresh();
      assert.equal(await r1.resolve('production'), tip2);
      assert.equal(await r1.readFile('production', 'a.yaml'), 'a: 9\n');

      const tip3 = commitFiles(s.fx.dir, 'production', { 'a.yaml': 'a: 10\n' });
      const r2 = await openRepo(s.url, { cacheDir: s.cache });
      assert.equal(await r2.resolve('production'), tip3);
      assert.equal(readFileSync(join(gitdir, 'marker'), 'utf8'), 'kept between runs', 'not re-cloned');
      // Real git can read the cache too.
      const { git } = await import('../helpers/git-fixtures.ts');
      assert.equal(git(gitdir, ['rev-parse', 'refs/remotes/origin/production']).trim(), tip3);
    } finally {
      await s.cleanup();
    }
  });

  test('one snapshot per sync: a tracking ref rewritten behind the session does not move what it resolves; refresh and its own push do', async () => {
    const s = await serve();
    try {
      const repo = await openRepo(s.url, { cacheDir: s.cache, fetchRefs: ['production', 'candidate'] });
      const tip = await repo.resolve('production');
      const gitdir = remoteCacheDir(s.url, s.cache);
      const { git } = await import('../helpers/git-fixtures.ts');
      // Another process sharing the cache (or a person) points the tracking ref elsewhere.
      const elsewhere = git(gitdir, ['rev-parse', 'refs/remotes/origin/candidate']).trim();
      assert.notEqual(elsewhere, tip);
      git(gitdir, ['update-ref', 'refs/remotes/origin/production', elsewhere]);
      assert.equal(await repo.resolve('production'), tip, 'the session keeps deciding from its snapshot');
      // A sync takes a new snapshot: the server's value again (the cache is repaired from the advertisement).
      await repo.refresh();
      assert.equal(await repo.resolve('production'), tip);
      assert.equal(git(gitdir, ['rev-parse', 'refs/remotes/origin/production']).trim(), tip);
      // Its own push moves the snapshot to what it pushed.
      const next = await repo.createCommit({ parent: tip!, message: 'next\n', author: BOT, date: DATE, changes: [{ path: 'a.yaml', content: 'a: 11\n' }] });
      await repo.updateRef('production', next, tip);
      assert.equal(await repo.resolve('production'), next);
      assert.equal(s.fx.git('rev-parse', 'production').trim(), next);
    } finally {
      await s.cleanup();
    }
  });

  test('fetchRefs fetch at open; a ref created later on the server appears after refresh', async () => {
    const s = await serve();
    try {
      const repo = await openRepo(s.url, { cacheDir: s.cache, fetchRefs: ['production', 'refs/notes/git-canary'] });
      assert.ok(s.server.requests.some((r) => r.startsWith('POST /repo.git/git-upload-pack')));
      assert.equal(await repo.resolve('refs/notes/git-canary'), undefined);
      assert.equal(await repo.resolve('feature'), undefined);
      const feature = commitFiles(s.fx.dir, 'feature', { 'f.yaml': 'f\n' }, { from: 'production' });
      await repo.refresh();
      assert.equal(await repo.resolve('feature'), feature);
    } finally {
      await s.cleanup();
    }
  });

  test('fetch once: the refs of a tick in one advertisement and one fetch; nothing new costs the advertisement alone', async () => {
    const s = await serve();
    try {
      const since = (n: number) => s.server.requests.slice(n);
      const uploads = (lines: string[]) => lines.filter((l) => l.startsWith('POST /repo.git/git-upload-pack'));
      const refs = ['production', 'candidate', 'refs/notes/git-canary'];
      const repo = await openRepo(s.url, { cacheDir: s.cache, fetchRefs: refs });
      const cold = since(0);
      assert.deepEqual(cold.filter((l) => l.includes('info/refs')).slice(0, 1), ['GET /repo.git/info/refs?service=git-upload-pack 200'], cold.join('\n'));
      assert.equal(await repo.resolve('candidate'), s.fx.git('rev-parse', 'candidate').trim(), 'candidate came with production');
      assert.equal(await repo.resolve('refs/notes/git-canary'), undefined, 'a ref the server lacks is absent, and not asked for again');
      assert.deepEqual(since(0), cold, 'reading the other refs asked nothing more');
      // Both branches in one negotiation: native git's fetch of several refspecs is one
      // upload-pack exchange (protocol v2: ls-refs, then fetch); the embedded path one fetch per ref.
      assert.ok(uploads(cold).length <= 2, cold.join('\n'));

      // Nothing changed on the server: refresh asks once and fetches nothing.
      let n = s.server.requests.length;
      await repo.refresh();
      assert.deepEqual(since(n), ['GET /repo.git/info/refs?service=git-upload-pack 200']);
      // A new process on the warm cache: the same single request.
      n = s.server.requests.length;
      const again = await openRepo(s.url, { cacheDir: s.cache, fetchRefs: refs });
      assert.equal(await again.resolve('production'), s.fx.git('rev-parse', 'production').trim());
      await again.resolve('candidate');
      assert.deepEqual(since(n), ['GET /repo.git/info/refs?service=git-upload-pack 200']);

      // One branch moved: only it is fetched.
      const moved = commitFiles(s.fx.dir, 'candidate', { 'a.yaml': 'a: 5\n' });
      n = s.server.requests.length;
      await again.refresh();
      assert.equal(await again.resolve('candidate'), moved);
      assert.ok(uploads(since(n)).length >= 1 && uploads(since(n)).length <= 2, since(n).join('\n'));
    } finally {
      await s.cleanup();
    }
  });

  test('the advertisement asked while a warm cache opens failed for another reason than credentials (another process was creating the cache): asked again, and the open succeeds', async (t) => {
    if ((await gitMode()) !== 'native') return t.skip('native git is not installed');
    const s = await serve();
    const bin = tempDir();
    try {
      const refs = ['production', 'candidate'];
      await (await openRepo(s.url, { cacheDir: s.cache, fetchRefs: refs })).resolve('production');
      // A git on PATH whose first ls-remote says what git says in a half-made repository; the rest is git.
      const calls = join(bin.path, 'calls');
      const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
      writeFileSync(join(bin.path, 'git'), [
        '#!/bin/sh',
        'case " $* " in *" ls-remote "*)',
        `  echo ls-remote >> '${calls}'`,
        `  if [ "$(wc -l < '${calls}')" -eq 1 ]; then echo "fatal: not a git repository: '.'" >&2; exit 128; fi;;`,
        'esac',
        `exec '${real}' "$@"`,
        '',
      ].join('\n'));
      chmodSync(join(bin.path, 'git'), 0o755);
      await withEnv({ PATH: `${bin.path}:${process.env.PATH}` }, async () => {
        const repo = await openRepo(s.url, { cacheDir: s.cache, fetchRefs: refs });
        assert.equal(await repo.resolve('production'), s.fx.git('rev-parse', 'production').trim());
      });
      assert.equal(readFileSync(calls, 'utf8'), 'ls-remote\nls-remote\n', 'the early one, then the sync\'s own');
    } finally {
      await bin.cleanup();
      await s.cleanup();
    }
  });

  test('the advertisement a command asked before its code loaded (early-advertisement.ts) is the one the open uses: one request in all, taken once, only for its cache and refs', async (t) => {
    if ((await gitMode()) !== 'native') return t.skip('native git is not installed');
    const s = await serve();
    try {
      const refs = ['production', 'candidate'];
      const full = refs.map((r) => `refs/heads/${r}`);
      const gitdir = remoteCacheDir(s.url, s.cache);
      // A cold cache: nothing is asked early (its open fetches anyway).
      startAdvertisement({ url: s.url, cacheDir: s.cache, token: undefined, refs: full });
      assert.equal(takeAdvertisement(gitdir, full), undefined);
      await (await openRepo(s.url, { cacheDir: s.cache, fetchRefs: refs })).resolve('production');

      const asks = () => s.server.requests.filter((l) => l.startsWith('GET ') && l.includes('/info/refs')).length;
      const before = asks();
      startAdvertisement({ url: s.url, cacheDir: s.cache, token: undefined, refs: full });
      const repo = await openRepo(s.url, { cacheDir: s.cache, fetchRefs: refs });
      assert.equal(await repo.resolve('production'), s.fx.git('rev-parse', 'production').trim());
      assert.equal(await repo.resolve('candidate'), s.fx.git('rev-parse', 'candidate').trim());
      assert.equal(asks() - before, 1, s.server.requests.slice(-4).join('\n'));
      assert.equal(takeAdvertisement(gitdir, full), undefined, 'taken by the open');

      // Asked for other refs or another cache: not taken (and the open asks itself).
      startAdvertisement({ url: s.url, cacheDir: s.cache, token: undefined, refs: full });
      assert.equal(takeAdvertisement(gitdir, [full[0]!]), undefined);
      assert.equal(takeAdvertisement(remoteCacheDir(s.url, join(s.cache, 'other')), full), undefined);
      assert.ok(takeAdvertisement(gitdir, full), 'still there for its own cache and refs');
      // A URL that is no URL: nothing asked, nothing thrown (the open says what is wrong).
      assert.doesNotThrow(() => startAdvertisement({ url: 'http://[bad', cacheDir: s.cache, token: undefined, refs: full }));
    } finally {
      await s.cleanup();
    }
  });

  test('a shallow fetch (depth 1): log stops at the boundary, commits still push', async () => {
    const s = await serve();
    try {
      const repo = await openRepo(s.url, { cacheDir: s.cache, depth: 1 });
      const tip = (await repo.resolve('production'))!;
      const log = await repo.log('production');
      assert.deepEqual(log.map((c) => c.sha), [tip]);
      await assert.rejects(repo.readFile(s.fx.git('rev-parse', 'production~2').trim(), 'a.yaml'), (e) => code(e) === 'GIT');
      const sha = await repo.createCommit({ parent: tip, message: 'shallow\n', author: BOT, date: DATE, changes: [{ path: 'a.yaml', content: 'a: 5\n' }] });
      await repo.updateRef('production', sha, tip);
      assert.equal(s.fx.git('rev-parse', 'production').trim(), sha);
      assert.equal(s.fx.git('fsck', '--strict', '--no-dangling').trim(), '');
    } finally {
      await s.cleanup();
    }
  });
});

describe('remote: how the server says no', () => {
  /** Install a pre-receive hook running `body` in the server repository. */
  function hook(fx: Fixture, body: string): void {
    const path = join(fx.dir, 'hooks/pre-receive');
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
  }

  test('a push that loses the race inside receive-pack ("failed to update ref") is a GitConflictError', async () => {
    const s = await serve();
    try {
      const repo = await openRepo(s.url, { cacheDir: s.cache });
      const tip = (await repo.resolve('production'))!;
      // Another writer lands between the ref advertisement and the update: the
      // hook moves production after our client checked it.
      const theirs = commitFiles(s.fx.dir, 'theirs', { 'a.yaml': 'theirs\n' }, { from: 'production' });
      hook(s.fx, `printf '%s\\n' ${theirs} > refs/heads/production\nrm -f "$0"`);
      const ours = await repo.createCommit({ parent: tip, message: 'ours\n', author: BOT, date: DATE, changes: [{ path: 'a.yaml', content: 'ours\n' }] });
      await assert.rejects(repo.updateRef('production', ours, tip), (e) => {
        assert.equal(code(e), 'GIT_CONFLICT');
        assert.doesNotMatch((e as Error).message, /\n/);
        // The server's own words, not our pre-push check: receive-pack's `ng`.
        assert.match(String((e as CanaryError).data?.reason), /failed to update ref|cannot lock ref/);
        return true;
      });
      assert.equal(s.fx.git('rev-parse', 'production').trim(), theirs, 'their commit is kept');
      await repo.refresh();
      assert.equal(await repo.resolve('production'), theirs);
    } finally {
      await s.cleanup();
    }
  });

  test('updateRefs: both refs land together, or (one lease stale) neither does', async () => {
    const s = await serve();
    try {
      const repo = await openRepo(s.url, { cacheDir: s.cache, fetchRefs: ['production', 'candidate'] });
      const prod = (await repo.resolve('production'))!;
      const cand = (await repo.resolve('candidate'))!;
      const p1 = await repo.createCommit({ parent: prod, message: 'p1\n', author: BOT, date: DATE, changes: [{ path: 'a.yaml', content: 'p1\n' }] });
      const c1 = await repo.createCommit({ parent: cand, message: 'c1\n', author: BOT, date: DATE, changes: [{ path: 'a.yaml', content: 'c1\n' }] });
      // Someone moves candidate first: our update of it is stale, so production must not move either
      // (with native git: one atomic push; embedded: in order, so production, named first, lands).
      const theirs = commitFiles(s.fx.dir, 'candidate', { 'a.yaml': 'theirs\n' });
      const native = (await gitMode()) === 'native';
      await assert.rejects(
        repo.updateRefs([{ ref: 'production', newSha: p1, expectedOld: prod }, { ref: 'candidate', newSha: c1, expectedOld: cand }]),
        (e) => code(e) === 'GIT_CONFLICT',
      );
      assert.equal(s.fx.git('rev-parse', 'candidate').trim(), theirs, 'their commit is kept');
      assert.equal(s.fx.git('rev-parse', 'production').trim(), native ? prod : p1);
      if (native) {
        await repo.refresh();
        const c2 = await repo.createCommit({ parent: theirs, message: 'c2\n', author: BOT, date: DATE, changes: [{ path: 'a.yaml', content: 'c2\n' }] });
        await repo.updateRefs([{ ref: 'production', newSha: p1, expectedOld: prod }, { ref: 'candidate', newSha: c2, expectedOld: theirs }]);
        assert.deepEqual([s.fx.git('rev-parse', 'production').trim(), s.fx.git('rev-parse', 'candidate').trim()], [p1, c2]);
        // The stale lease was refused before anything was sent; the second is one push of both refs.
        assert.equal(s.server.requests.filter((l) => l.startsWith('POST') && l.includes('git-receive-pack')).length, 1);
      }
    } finally {
      await s.cleanup();
    }
  });

  test('a hook that declines is a GitError, not a conflict', async () => {
    const s = await serve();
    try {
      hook(s.fx, 'echo "production is frozen" >&2\nexit 1');
      const repo = await openRepo(s.url, { cacheDir: s.cache });
      const tip = (await repo.resolve('production'))!;
      const sha = await repo.createCommit({ parent: tip, message: 'x\n', author: BOT, date: DATE, changes: [] });
      await assert.rejects(repo.updateRef('production', sha, tip), (e) => code(e) === 'GIT' && !/\n/.test((e as Error).message));
      assert.equal(s.fx.git('rev-parse', 'production').trim(), tip);
    } finally {
      await s.cleanup();
    }
  });

  test('an unknown repository and an unreachable server are GitErrors naming the URL', async () => {
    const s = await serve();
    const cache = s.cache;
    try {
      const missing = await openRepo(`${s.server.url}/nope.git`, { cacheDir: cache });
      await assert.rejects(missing.resolve('production'), (e) => code(e) === 'GIT' && /HTTP 404/.test(String(e)));
    } finally {
      await s.cleanup();
    }
    const cache2 = tempDir();
    try {
      const gone = await openRepo(s.url, { cacheDir: cache2.path });
      await assert.rejects(gone.resolve('production'), (e) => code(e) === 'GIT' && (e as Error).message.startsWith(`cannot reach ${s.url} (`));
    } finally {
      await cache2.cleanup();
    }
  });
});
