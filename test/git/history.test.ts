// History far back: `walk` follows production's first-parent chain to its
// root, deepening a shallow HTTP cache as it goes, reading only what the
// caller pulls; `ensureCommit` deepens until a commit is there or provably
// not. Nothing is ever "the end of history" unless it is a root commit.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CanaryError } from '../../src/errors.ts';
import { type CommitInfo, DEEPEN_GROWTH, DEFAULT_DEPTH, type GitRepo, openRepo, remoteCacheDir } from '../../src/git/index.ts';
import { buildHistory, fillerCommits, type HistoryCommit } from '../helpers/fast-import.ts';
import { commitFiles, FIXTURE_DATE, git, tempDir } from '../helpers/git-fixtures.ts';
import { type GitHttpServer, start } from '../helpers/git-http-server.ts';

const FILLER = 5000;
const RECORD = 'git-canary: checkout step 2 (25%)\n\nGit-Canary-Service: checkout\nGit-Canary-Step: 2\n';
const code = (e: unknown) => (e as { code?: string }).code;

const commitAt = (date: number, message: string, files: Record<string, string> = {}): HistoryCommit => ({ date, message, files });

/** Pull commits from `walk` until `stop` says so (inclusive) or the history ends. */
async function take(walk: AsyncIterable<CommitInfo>, stop: (c: CommitInfo, i: number) => boolean = () => false): Promise<CommitInfo[]> {
  const out: CommitInfo[] = [];
  for await (const c of walk) {
    out.push(c);
    if (stop(c, out.length - 1)) break;
  }
  return out;
}

/** Each commit is the first parent of the one before it; the last is a root. */
function assertFirstParentChain(commits: CommitInfo[], complete = true): void {
  for (let i = 1; i < commits.length; i++) assert.equal(commits[i]!.sha, commits[i - 1]!.parents[0], `commit ${i}`);
  if (complete) assert.deepEqual(commits.at(-1)?.parents, [], 'ends at a root commit');
}

/** Commit objects in a repository (a cache), by git itself. */
function commitCount(gitdir: string): number {
  return git(gitdir, ['cat-file', '--batch-all-objects', '--batch-check=%(objecttype)']).split('\n').filter((t) => t === 'commit').length;
}

function shallowFile(gitdir: string): string | undefined {
  const path = join(gitdir, 'shallow');
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** git agrees the cache is consistent: every commit whose parents are missing is listed in `shallow`. */
function assertCacheConsistent(gitdir: string): void {
  git(gitdir, ['fsck', '--connectivity-only', '--no-dangling', '--no-progress']);
}

/**
 * Fetches and deepens the server saw: one upload-pack advertisement each,
 * whichever git fetched (native git's protocol v2 then makes two upload-pack
 * requests, ls-refs and fetch; isomorphic-git one).
 */
/** Ref advertisements asked for: one says what is new before the first fetch, then one per fetch and deepen. */
const fetches = (server: GitHttpServer) => server.requests.filter((r) => r.startsWith('GET ') && r.includes('info/refs?service=git-upload-pack')).length;
/** The advertisement a remote asks for before its first fetch (fetch once: it says which refs are new). */
const ADVERTISEMENT = 1;

/** Upload-pack requests a walk `n` first-parent commits long needs: one fetch of DEFAULT_DEPTH, then deepens that grow DEEPEN_GROWTH times each. */
function fetchesFor(n: number): number {
  let have = DEFAULT_DEPTH;
  let step = DEFAULT_DEPTH;
  let count = 1;
  for (; have < n; count++, step *= DEEPEN_GROWTH) have += step;
  return count;
}

type ProxyMode = 'pass' | 'fail' | 'truncate';

/** An HTTP proxy in front of the git server that can break upload-pack: a 500, or a response cut short inside the pack. */
async function brokenProxy(target: string): Promise<{ url: string; mode: ProxyMode; close(): Promise<void> }> {
  const state = { mode: 'pass' as ProxyMode };
  const server = createServer((req, res) => {
    const pack = req.method === 'POST' && (req.url ?? '').includes('git-upload-pack');
    if (pack && state.mode === 'fail') {
      req.resume();
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('the disk is on fire\n');
      return;
    }
    const upstream = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
      if (!(pack && state.mode === 'truncate')) {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const body = Buffer.concat(chunks);
        const { 'content-length': _, ...headers } = up.headers;
        res.writeHead(up.statusCode ?? 502, headers);
        // Past the shallow/unshallow lines, into the pack, and a pause: the client has acted on them by now.
        const pack = body.indexOf('PACK');
        res.write(body.subarray(0, pack === -1 ? Math.floor(body.length / 2) : pack + 16));
        setTimeout(() => res.destroy(), 100);
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  });
}

describe('history: a record 5,000 commits back', () => {
  const root = tempDir();
  const dir = join(root.path, 'big.git');
  let server: GitHttpServer;
  let url: string;
  let record: string;
  let busyRecord: string;

  before(async () => {
    // production: a root, the record, then 5,000 commits by people.
    const prod = await buildHistory({
      dir, branch: 'production',
      commits: [
        commitAt(FIXTURE_DATE, 'init\n', { 'git-canary.yaml': 'version: 1\n' }),
        commitAt(FIXTURE_DATE + 60, RECORD, { 'apps/checkout/vs.yaml': 'weight: 25\n' }),
        ...fillerCommits(FILLER, { start: FIXTURE_DATE + 120 }),
      ],
    });
    record = prod.shas[1]!;
    // busy: production plus a record 10 commits back from its tip.
    const busy = await buildHistory({
      dir, branch: 'busy', from: prod.tip,
      commits: [commitAt(FIXTURE_DATE + 400_000, RECORD), ...fillerCommits(10, { start: FIXTURE_DATE + 400_060 })],
    });
    busyRecord = busy.shas[0]!;
    server = await start({ root: root.path });
    url = `${server.url}/big.git`;
  });
  after(async () => {
    await server.close();
    await root.cleanup();
  });

  test('local bare repository: walk finds the record and ends at the root', async () => {
    const repo = await openRepo(dir);
    const commits = await take(repo.walk('production'));
    assert.equal(commits.length, FILLER + 2);
    assert.equal(commits[FILLER]?.sha, record);
    assert.equal(commits[FILLER]?.message, RECORD);
    assert.equal(commits[FILLER + 1]?.message, 'init\n');
    assertFirstParentChain(commits);
  });

  test('HTTP with a fresh cache: walk deepens the shallow cache (doubling) until the root', async () => {
    const caches = tempDir();
    try {
      const before = fetches(server);
      const repo = await openRepo(url, { cacheDir: caches.path });
      const commits = await take(repo.walk('production'));
      assert.equal(commits.length, FILLER + 2);
      assert.equal(commits[FILLER]?.sha, record);
      assertFirstParentChain(commits);
      assert.equal(fetches(server) - before, ADVERTISEMENT + fetchesFor(FILLER + 2), 'the advertisement, one fetch, then deepens of 200, 800, 3,200…');
      const gitdir = remoteCacheDir(url, caches.path);
      assert.equal(shallowFile(gitdir), undefined, 'the whole history is in the cache now');
      assertCacheConsistent(gitdir);
    } finally {
      await caches.cleanup();
    }
  });

  test('stopping early over HTTP reads only what it needs: a record 10 commits back costs one shallow fetch', async () => {
    const caches = tempDir();
    try {
      const before = fetches(server);
      const repo = await openRepo(url, { cacheDir: caches.path });
      const commits = await take(repo.walk('busy'), (c) => c.message === RECORD);
      assert.equal(commits.length, 11);
      assert.equal(commits[10]?.sha, busyRecord);
      assert.equal(fetches(server) - before, ADVERTISEMENT + 1, 'no deepen');
      const gitdir = remoteCacheDir(url, caches.path);
      assert.ok(shallowFile(gitdir), 'the cache is still shallow');
      assert.equal(commitCount(gitdir), DEFAULT_DEPTH, 'not the 5,000-commit history');
    } finally {
      await caches.cleanup();
    }
  });
});

describe('history: merges', () => {
  const root = tempDir();
  const dir = join(root.path, 'merges.git');
  let server: GitHttpServer;
  const sha: Record<string, string> = {};

  before(async () => {
    // c1 ─ c2 ─ c3 ─ M ─ c4 on production; f1 (a contributor's commit carrying
    // a record-looking message) on feature, merged by M as its second parent.
    const a = await buildHistory({ dir, branch: 'production', commits: [commitAt(FIXTURE_DATE, 'c1\n', { a: '1\n' }), commitAt(FIXTURE_DATE + 60, 'c2\n', { a: '2\n' })] });
    [sha.c1, sha.c2] = a.shas as [string, string];
    sha.f1 = (await buildHistory({ dir, branch: 'feature', from: sha.c2, commits: [commitAt(FIXTURE_DATE + 120, RECORD, { f: 'f\n' })] })).tip;
    const b = await buildHistory({
      dir, branch: 'production',
      commits: [
        commitAt(FIXTURE_DATE + 180, 'c3\n', { a: '3\n' }),
        { ...commitAt(FIXTURE_DATE + 240, 'Merge pull request #7 from feature\n'), merge: ['feature'] },
        commitAt(FIXTURE_DATE + 300, 'c4\n', { a: '4\n' }),
      ],
    });
    [sha.c3, sha.M, sha.c4] = b.shas as [string, string, string];
    server = await start({ root: root.path });
  });
  after(async () => {
    await server.close();
    await root.cleanup();
  });

  const firstParent = () => [sha.c4, sha.M, sha.c3, sha.c2, sha.c1];
  const allParents = () => [sha.c4, sha.M, sha.c3, sha.f1, sha.c2, sha.c1];

  for (const kind of ['local', 'http (depth 1: deepens at every step)'] as const) {
    test(`${kind}: the merged branch's commit is not yielded first-parent, and is with firstParent false`, async () => {
      const caches = tempDir();
      try {
        const open = (): Promise<GitRepo> =>
          kind === 'local' ? openRepo(dir) : openRepo(`${server.url}/merges.git`, { cacheDir: caches.path, depth: 1 });
        const fp = await take((await open()).walk('production'));
        assert.deepEqual(fp.map((c) => c.sha), firstParent());
        assert.deepEqual(fp[1]?.parents, [sha.c3, sha.f1]);
        assert.equal(fp.some((c) => c.message === RECORD), false);
        const explicit = await take((await open()).walk('production', { firstParent: true }));
        assert.deepEqual(explicit.map((c) => c.sha), firstParent());
        const all = await take((await open()).walk('production', { firstParent: false }));
        assert.deepEqual(all.map((c) => c.sha), allParents());
        assert.deepEqual(all.map((c) => c.sha), git(dir, ['log', '--format=%H', 'production']).trim().split('\n'), 'same order as git log');
      } finally {
        await caches.cleanup();
      }
    });
  }

  test('http: a fresh cache walking all parents from depth 1 deepens through the merge', async () => {
    const caches = tempDir();
    try {
      const repo = await openRepo(`${server.url}/merges.git`, { cacheDir: caches.path, depth: 1 });
      assert.deepEqual((await take(repo.walk('production', { firstParent: false }))).map((c) => c.sha), allParents());
      assertCacheConsistent(remoteCacheDir(`${server.url}/merges.git`, caches.path));
    } finally {
      await caches.cleanup();
    }
  });
});

describe('history: shallow caches, failures and concurrency', () => {
  const root = tempDir();
  const dir = join(root.path, 'chain.git');
  let server: GitHttpServer;
  let url: string;
  let chain: string[]; // oldest first
  let candidate: string[];

  before(async () => {
    chain = (await buildHistory({ dir, branch: 'production', commits: fillerCommits(40, { start: FIXTURE_DATE }) })).shas;
    // An unrelated history: its shallow boundary must survive production's deepens.
    candidate = (await buildHistory({ dir, branch: 'candidate', commits: fillerCommits(40, { start: FIXTURE_DATE + 10_000, path: 'c.txt' }) })).shas;
    server = await start({ root: root.path });
    url = `${server.url}/chain.git`;
  });
  after(async () => {
    await server.close();
    await root.cleanup();
  });

  const newestFirst = (shas: string[]) => [...shas].reverse();

  test('lazy: taking 3 commits of a depth-3 cache fetches once; the 4th deepens', async () => {
    const caches = tempDir();
    try {
      const before = fetches(server);
      const repo = await openRepo(url, { cacheDir: caches.path, depth: 3 });
      const walk = repo.walk('production')[Symbol.asyncIterator]();
      for (let i = 0; i < 3; i++) assert.equal((await walk.next()).value?.sha, chain.at(-1 - i));
      assert.equal(fetches(server) - before, ADVERTISEMENT + 1);
      assert.equal(commitCount(remoteCacheDir(url, caches.path)), 3);
      assert.equal((await walk.next()).value?.sha, chain.at(-4));
      assert.equal(fetches(server) - before, ADVERTISEMENT + 2);
      await walk.return?.();
    } finally {
      await caches.cleanup();
    }
  });

  test('ensureCommit over HTTP: an old commit arrives after deepening; a sha not in the branch is false', async () => {
    const caches = tempDir();
    try {
      const repo = await openRepo(url, { cacheDir: caches.path, depth: 3 });
      const before = fetches(server);
      assert.equal(await repo.ensureCommit(chain[0]!, 'production'), true);
      assert.ok(fetches(server) - before > 2, `deepened (${fetches(server) - before} fetches)`);
      assert.equal(await repo.readFile(chain[0]!, 'filler.txt'), 'filler 0\n');
      const afterTrue = fetches(server);
      assert.equal(await repo.ensureCommit(chain[0]!, 'production'), true);
      assert.equal(fetches(server), afterTrue, 'already there: no network');
      // candidate's commits are on the server, but not in production's history.
      assert.equal(await repo.ensureCommit(candidate.at(-1)!, 'production'), false);
      assert.equal(await repo.ensureCommit(candidate.at(-1)!, 'no-such-branch'), false);
      assert.equal(await repo.ensureCommit(candidate[0]!, 'candidate'), true);
      await assert.rejects(repo.ensureCommit('1234abc', 'production'), (e) => code(e) === 'GIT');
      assertCacheConsistent(remoteCacheDir(url, caches.path));
    } finally {
      await caches.cleanup();
    }
  });

  test('ensureCommit on a local repository: whether it has the commit', async () => {
    const repo = await openRepo(dir);
    assert.equal(await repo.ensureCommit(chain[0]!, 'production'), true);
    assert.equal(await repo.ensureCommit('1234567890123456789012345678901234567890', 'production'), false);
    await assert.rejects(repo.ensureCommit('1234abc', 'production'), (e) => code(e) === 'GIT');
  });

  test('a shallow local repository: the walk yields what it has, then a GitError naming the boundary', async () => {
    const clone = tempDir();
    try {
      const path = join(clone.path, 'shallow.git');
      git(clone.path, ['clone', '--quiet', '--bare', '--depth', '3', '--branch', 'production', `file://${dir}`, path]);
      const repo = await openRepo(path);
      const seen: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const c of repo.walk('production')) seen.push(c.sha);
        })(),
        (e) => {
          assert.equal(code(e), 'GIT');
          assert.match((e as Error).message, new RegExp(`commit ${chain.at(-3)}.*shallow`));
          assert.equal((e as CanaryError).where?.detail, path);
          return true;
        },
      );
      assert.deepEqual(seen, newestFirst(chain).slice(0, 3));
      assert.equal(await repo.ensureCommit(chain.at(-3)!, 'production'), true);
      assert.equal(await repo.ensureCommit(chain.at(-4)!, 'production'), false);
    } finally {
      await clone.cleanup();
    }
  });

  for (const mode of ['fail', 'truncate'] as const) {
    test(`a server that breaks mid-deepen (${mode === 'fail' ? 'HTTP 500' : 'response cut short'}) is a GitError naming the repo and commit; shallow is kept`, async () => {
      const proxy = await brokenProxy(server.url);
      const caches = tempDir();
      try {
        const proxied = `${proxy.url}/chain.git`;
        const repo = await openRepo(proxied, { cacheDir: caches.path, depth: 5 });
        const gitdir = remoteCacheDir(proxied, caches.path);
        const walk = repo.walk('production')[Symbol.asyncIterator]();
        for (let i = 0; i < 5; i++) assert.equal((await walk.next()).value?.sha, chain.at(-1 - i));
        const shallowBefore = shallowFile(gitdir);
        assert.equal(shallowBefore, `${chain.at(-5)}\n`);
        proxy.mode = mode;
        await assert.rejects(walk.next(), (e) => {
          assert.equal(code(e), 'GIT', String(e));
          assert.ok((e as Error).message.includes(chain.at(-5)!), (e as Error).message);
          assert.ok((e as CanaryError).oneLine().includes(proxied), 'names the repository');
          assert.equal((e as CanaryError).where?.branch, 'production');
          return true;
        });
        assert.equal(shallowFile(gitdir), shallowBefore, 'shallow as before the failed fetch');
        assertCacheConsistent(gitdir);
        // Once the server is back, the same cache reads the whole history.
        proxy.mode = 'pass';
        assert.deepEqual((await take(repo.walk('production'))).map((c) => c.sha), newestFirst(chain));
      } finally {
        await proxy.close();
        await caches.cleanup();
      }
    });
  }

  test('history the server no longer has (branch rewritten) is a GitError naming the commit, not the end', async () => {
    const server2root = tempDir();
    const caches = tempDir();
    const s2 = await start({ root: server2root.path });
    try {
      const d2 = join(server2root.path, 'r.git');
      const shas = (await buildHistory({ dir: d2, branch: 'production', commits: fillerCommits(10) })).shas;
      const repo = await openRepo(`${s2.url}/r.git`, { cacheDir: caches.path, depth: 3 });
      const walk = repo.walk('production')[Symbol.asyncIterator]();
      for (let i = 0; i < 3; i++) await walk.next();
      // Force-push an unrelated history: the commits below our boundary are reachable from no ref.
      const rewritten = (await buildHistory({ dir: d2, branch: 'rewritten', commits: fillerCommits(2, { path: 'y.txt' }) })).tip;
      git(d2, ['update-ref', 'refs/heads/production', rewritten]);
      git(d2, ['update-ref', '-d', 'refs/heads/rewritten']);
      await assert.rejects(walk.next(), (e) => {
        assert.equal(code(e), 'GIT', String(e));
        assert.match((e as Error).message, new RegExp(`commit ${shas.at(-3)}.*parent ${shas.at(-4)}`));
        assert.equal((e as CanaryError).where?.detail, `${s2.url}/r.git`);
        return true;
      });
      assert.equal(await repo.resolve('production'), shas.at(-1), 'resolve still answers the tip the walk started from');
    } finally {
      await s2.close();
      await caches.cleanup();
      await server2root.cleanup();
    }
  });

  test('deepening keeps resolve() where it was; refresh() moves it', async () => {
    const server2root = tempDir();
    const caches = tempDir();
    const s2 = await start({ root: server2root.path });
    try {
      const d2 = join(server2root.path, 'r.git');
      const shas = (await buildHistory({ dir: d2, branch: 'production', commits: fillerCommits(12) })).shas;
      const repo = await openRepo(`${s2.url}/r.git`, { cacheDir: caches.path, depth: 2 });
      assert.equal(await repo.resolve('production'), shas.at(-1));
      const newer = commitFiles(d2, 'production', { 'z.txt': 'new\n' });
      assert.deepEqual((await take(repo.walk('production'))).map((c) => c.sha), newestFirst(shas));
      assert.equal(await repo.resolve('production'), shas.at(-1));
      await repo.refresh();
      assert.equal(await repo.resolve('production'), newer);
      assert.equal((await take(repo.walk('production'))).length, 13);
    } finally {
      await s2.close();
      await caches.cleanup();
      await server2root.cleanup();
    }
  });

  test('walk from a sha deepens the branch at that sha; a sha no read branch explains is an error, not an end', async () => {
    const caches = tempDir();
    try {
      const repo = await openRepo(url, { cacheDir: caches.path, depth: 3 });
      const tip = (await repo.resolve('production'))!;
      assert.deepEqual((await take(repo.walk(tip))).map((c) => c.sha), newestFirst(chain));
      // A new process on another shallow cache that has read no branch yet.
      const caches2 = tempDir();
      try {
        await (await openRepo(url, { cacheDir: caches2.path, depth: 3 })).resolve('candidate');
        const fresh = await openRepo(url, { cacheDir: caches2.path, depth: 3 });
        const seen: string[] = [];
        await assert.rejects(
          (async () => {
            for await (const c of fresh.walk(candidate.at(-1)!)) seen.push(c.sha);
          })(),
          (e) => code(e) === 'GIT' && (e as Error).message.includes(candidate.at(-3)!),
        );
        assert.equal(seen.length, 3);
      } finally {
        await caches2.cleanup();
      }
    } finally {
      await caches.cleanup();
    }
  });

  test('a shallow file lost or torn: the walk lists the boundary again and deepens', async () => {
    const caches = tempDir();
    try {
      const repo = await openRepo(url, { cacheDir: caches.path, depth: 4 });
      await repo.resolve('production');
      rmSync(join(remoteCacheDir(url, caches.path), 'shallow'));
      assert.deepEqual((await take(repo.walk('production'))).map((c) => c.sha), newestFirst(chain));
    } finally {
      await caches.cleanup();
    }
  });

  test('two walks reaching the same boundary at once deepen it once', async () => {
    const caches = tempDir();
    try {
      const a = await openRepo(url, { cacheDir: caches.path, depth: 4 });
      const b = await openRepo(url, { cacheDir: caches.path, depth: 4 });
      const w1 = a.walk('production')[Symbol.asyncIterator]();
      const w2 = b.walk('production')[Symbol.asyncIterator]();
      for (let i = 0; i < 4; i++) await Promise.all([w1.next(), w2.next()]);
      const before = fetches(server);
      const [n1, n2] = await Promise.all([w1.next(), w2.next()]);
      assert.equal(n1.value?.sha, chain.at(-5));
      assert.equal(n2.value?.sha, chain.at(-5));
      assert.equal(fetches(server) - before, 1);
      await Promise.all([w1.return?.(), w2.return?.()]);
    } finally {
      await caches.cleanup();
    }
  });

  test("deepening one ref keeps the others' boundaries; concurrent walks over one cache are serialised", async () => {
    const caches = tempDir();
    try {
      const a = await openRepo(url, { cacheDir: caches.path, depth: 4 });
      const b = await openRepo(url, { cacheDir: caches.path, depth: 4 });
      await a.resolve('production');
      await b.resolve('candidate');
      const gitdir = remoteCacheDir(url, caches.path);
      assert.deepEqual(new Set(shallowFile(gitdir)?.trim().split('\n')), new Set([chain.at(-4), candidate.at(-4)]));
      // Deepen production a little (4 more). The server deepens every listed
      // boundary its refs reach, so candidate's moves down too (git 2.39
      // does): either way it is listed, never dropped, and git agrees.
      await take(a.walk('production'), (_, i) => i === 5);
      const listed = new Set(shallowFile(gitdir)?.trim().split('\n'));
      assert.ok(listed.has(chain.at(-8)!), 'production deepened by 4');
      const candidateBoundary = candidate.findIndex((sha) => listed.has(sha));
      assert.ok(candidateBoundary >= 0 && candidateBoundary <= candidate.length - 4, `candidate boundary listed (${candidateBoundary})`);
      assert.equal(listed.size, 2);
      assertCacheConsistent(gitdir);
      assert.deepEqual((await take(b.walk('candidate'), (_, i) => i === 3)).map((c) => c.sha), newestFirst(candidate).slice(0, 4));
      // Three walks at once, two of them over the same ref, through two repo objects.
      const [p1, c1, p2] = await Promise.all([
        take(a.walk('production')),
        take(b.walk('candidate', { firstParent: false })),
        take(b.walk('production')),
      ]);
      assert.deepEqual(p1.map((c) => c.sha), newestFirst(chain));
      assert.deepEqual(p2.map((c) => c.sha), newestFirst(chain));
      assert.deepEqual(c1.map((c) => c.sha), newestFirst(candidate));
      assert.equal(shallowFile(gitdir), undefined);
      assertCacheConsistent(gitdir);
      assert.equal(commitCount(gitdir), chain.length + candidate.length);
    } finally {
      await caches.cleanup();
    }
  });
});
