// A record far back, over HTTP with native git: deepens bring commits only
// (`--filter=tree:0`), and the tree of a commit whose files are read arrives
// when it is first read, with everything under it but the large blobs. The
// invariant: whatever the cache holds or lacks, a read at any commit says
// what the server's repository says (the text, absent, or too large), never
// "too large" for a small file that simply was not fetched.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CanaryError } from '../../src/errors.ts';
import { type CommitInfo, type GitRepo, openRepo, remoteCacheDir } from '../../src/git/index.ts';
import { gitMode } from '../../src/git/native.ts';
import { locateObject } from '../../src/git/objects.ts';
import { FILE_MAX_BYTES } from '../../src/git/read.ts';
import { buildHistory, fillerCommits, type HistoryCommit } from '../helpers/fast-import.ts';
import { FIXTURE_DATE, GIT_ENV, git, tempDir } from '../helpers/git-fixtures.ts';
import { type GitHttpServer, start } from '../helpers/git-http-server.ts';

const SERVICES = ['checkout', 'cart', 'search', 'payments', 'ledger'];
const DEEP = 600;
const ON_TOP = 500;
const LARGE = 'x'.repeat(FILE_MAX_BYTES + 100) + '\n';
const record = (service: string, step: number) => `git-canary: ${service} step ${step}/3\n\nCanary-Service: ${service}\nCanary-Phase: progressing\nCanary-Step: ${step}/3\n`;

/** A deep stretch of history as people and git-canary write it: files in several services change, some go, a large one comes. */
function* deepHistory(): Generator<HistoryCommit> {
  for (let i = 0; i < DEEP; i++) {
    const service = SERVICES[i % SERVICES.length]!;
    const date = FIXTURE_DATE + 60 + i * 60;
    if (i === 50) yield { date, message: record('checkout', 1), files: { 'apps/checkout/route.yaml': 'weight: 10\n' } };
    else if (i === 120) yield { date, message: record('cart', 2), files: { 'apps/cart/route.yaml': 'weight: 25\n' } };
    else if (i === 300) yield { date, message: 'add a large fixture\n', files: { 'apps/search/data/large.json': LARGE } };
    else if (i === 301) yield { date, message: 'search: tune\n', files: { 'apps/search/deploy.yaml': `replicas: ${i}\n` } };
    else if (i % 97 === 0) yield { date, message: `drop ${service} extra\n`, files: { [`apps/${service}/extra-${i % 3}.yaml`]: null } };
    else yield { date, message: `${service}: change ${i}\n`, files: { [`apps/${service}/${i % 4 === 0 ? 'deploy' : `extra-${i % 3}`}.yaml`]: `# ${service}\nvalue: ${i}\n` } };
  }
}

/** Deterministic choices for the property test (a fixed seed: a failure replays). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** Fetches the server saw (one ref advertisement each, whatever git asks after it). */
const fetches = (server: GitHttpServer) => server.requests.filter((r) => r.startsWith('GET ') && r.includes('info/refs?service=git-upload-pack')).length;

/** Whether the cache holds object `oid`, read from its packs as git-canary reads them (no git: git would fetch it). */
const holds = async (gitdir: string, oid: string) => (await locateObject(gitdir, {}, oid)) !== undefined;

/** Walk production's first parents until `sha` (inclusive). */
async function walkTo(repo: GitRepo, sha: string): Promise<CommitInfo[]> {
  const out: CommitInfo[] = [];
  for await (const c of repo.walk('production')) {
    out.push(c);
    if (c.sha === sha) return out;
  }
  throw new Error(`${sha} is not on production`);
}

/** What the server's repository says of `path` at `sha`: its text, undefined when absent, or 'too large'. */
function serverFile(dir: string, sha: string, path: string): string | undefined {
  const listed = git(dir, ['ls-tree', sha, '--', path]).trim();
  if (!listed) return undefined;
  const blob = listed.split(/\s+/)[2]!;
  return Number(git(dir, ['cat-file', '-s', blob])) > FILE_MAX_BYTES ? 'too large' : git(dir, ['cat-file', 'blob', blob]);
}

/** `git <args>` in `cwd` without blocking the loop (the test server answers from this process). */
const gitAsync = (cwd: string, args: string[]) => promisify(execFile)('git', args, { cwd, env: GIT_ENV });

const native = (await gitMode()) === 'native';

describe('deepening without trees (native git)', { skip: native ? false : 'native git (2.31+) is not on PATH: the embedded path deepens whole' }, () => {
  const root = tempDir();
  const dir = join(root.path, 'deep.git');
  let server: GitHttpServer;
  let url: string;
  let shas: string[];
  let checkoutRecord: string;
  let cartRecord: string;
  let largeAt: string;

  before(async () => {
    const built = await buildHistory({
      dir, branch: 'production',
      commits: [
        { date: FIXTURE_DATE, message: 'init\n', files: { 'git-canary.yaml': 'version: 1\n', ...Object.fromEntries(SERVICES.map((s) => [`apps/${s}/route.yaml`, 'weight: 0\n'])) } },
        ...deepHistory(),
        ...fillerCommits(ON_TOP, { start: FIXTURE_DATE + 60 * (DEEP + 10), path: 'apps/ledger/notes.txt' }),
      ],
    });
    shas = built.shas;
    checkoutRecord = shas[1 + 50]!;
    cartRecord = shas[1 + 120]!;
    largeAt = shas[1 + 301]!;
    server = await start({ root: root.path });
    url = `${server.url}/deep.git`;
  });
  after(async () => {
    await server.close();
    await root.cleanup();
  });

  test("a deep record's file reads as on the server; its tree, and the other records' read so far, arrive in one fetch", async () => {
    const caches = tempDir();
    try {
      const repo = await openRepo(url, { cacheDir: caches.path });
      await walkTo(repo, checkoutRecord);
      const gitdir = remoteCacheDir(url, caches.path);
      const tree = (sha: string) => git(dir, ['rev-parse', `${sha}^{tree}`]).trim();
      assert.equal(await holds(gitdir, tree(checkoutRecord)), false, 'the deepen brought the commit without its tree');
      assert.equal(await holds(gitdir, tree(cartRecord)), false);
      const before = fetches(server);
      assert.equal(await repo.readFile(checkoutRecord, 'apps/checkout/route.yaml'), 'weight: 10\n');
      assert.equal(fetches(server) - before, 1, 'one fetch for the tree');
      assert.equal(await holds(gitdir, tree(cartRecord)), true, "the cart record's tree came along");
      assert.equal(await repo.readFile(cartRecord, 'apps/cart/route.yaml'), 'weight: 25\n');
      assert.equal(await repo.readFile(cartRecord, 'apps/checkout/route.yaml'), 'weight: 10\n');
      assert.equal(fetches(server) - before, 1, 'nothing more fetched');
      // The next run on this cache reads it without asking.
      const again = await openRepo(url, { cacheDir: caches.path });
      await walkTo(again, checkoutRecord);
      const next = fetches(server);
      assert.equal(await again.readFile(checkoutRecord, 'apps/checkout/route.yaml'), 'weight: 10\n');
      assert.equal(fetches(server), next);
      git(gitdir, ['fsck', '--connectivity-only', '--no-dangling', '--no-progress']);
    } finally {
      await caches.cleanup();
    }
  });

  test('property: any file at any commit reads as the server has it (text, absent, or too large), and every listing matches', async () => {
    const caches = tempDir();
    try {
      const repo = await openRepo(url, { cacheDir: caches.path });
      await walkTo(repo, shas[0]!);
      const next = lcg(13);
      const paths = ['git-canary.yaml', 'apps/search/data/large.json', 'apps/nope.yaml', ...SERVICES.flatMap((s) => ['route.yaml', 'deploy.yaml', 'extra-0.yaml', 'extra-1.yaml', 'extra-2.yaml'].map((f) => `apps/${s}/${f}`))];
      const picks = [largeAt, ...Array.from({ length: 60 }, () => shas[Math.floor(next() * shas.length)]!)];
      for (const sha of picks) {
        for (const path of [paths[Math.floor(next() * paths.length)]!, 'apps/search/data/large.json', `apps/${SERVICES[Math.floor(next() * SERVICES.length)]}/deploy.yaml`]) {
          const expected = serverFile(dir, sha, path);
          const at = `${path} at ${sha.slice(0, 7)}`;
          if (expected === 'too large') {
            await assert.rejects(repo.readFile(sha, path), (e: CanaryError) => e.code === 'MANIFEST' && /larger than/.test(e.message), at);
          } else {
            assert.equal(await repo.readFile(sha, path), expected, at);
          }
        }
        const listed = git(dir, ['ls-tree', '-r', '--name-only', sha, '--', 'apps/search']).trim().split('\n').filter(Boolean).sort();
        assert.deepEqual(await repo.listFiles(sha, 'apps/search'), listed, `apps/search at ${sha.slice(0, 7)}`);
      }
    } finally {
      await caches.cleanup();
    }
  });

  test('a tree that came without its files (as git\'s own lazy fetch brings it): a small file is fetched, a large one is still too large', async () => {
    const caches = tempDir();
    try {
      const repo = await openRepo(url, { cacheDir: caches.path });
      await walkTo(repo, largeAt);
      const gitdir = remoteCacheDir(url, caches.path);
      // What git's lazy fetch of a missing tree does: the trees, no blobs. Asynchronous: the server answers from this process.
      await gitAsync(gitdir, ['-c', 'fetch.negotiationAlgorithm=noop', 'fetch', '--no-tags', '--no-write-fetch-head', '--filter=blob:none', 'origin', git(dir, ['rev-parse', `${largeAt}^{tree}`]).trim()]);
      const small = git(dir, ['rev-parse', `${largeAt}:apps/search/deploy.yaml`]).trim();
      assert.equal(await holds(gitdir, small), false, 'the blob is not in the cache');
      const packs = () => readdirSync(join(gitdir, 'objects', 'pack')).filter((n) => n.endsWith('.pack'));
      const packsBefore = packs();
      assert.equal(await repo.readFile(largeAt, 'apps/search/deploy.yaml'), serverFile(dir, largeAt, 'apps/search/deploy.yaml'));
      // `--refetch` would repack the cache under other readers if maintenance ran: it must not.
      assert.deepEqual(packsBefore.filter((p) => !packs().includes(p)), [], 'no pack removed');
      assert.ok(packs().length > packsBefore.length, 'the refetch added a pack');
      await assert.rejects(repo.readFile(largeAt, 'apps/search/data/large.json'), (e: CanaryError) => e.code === 'MANIFEST' && /larger than/.test(e.message));
      assert.equal(await holds(gitdir, git(dir, ['rev-parse', `${largeAt}:apps/search/data/large.json`]).trim()), false, 'the large blob never arrives');
    } finally {
      await caches.cleanup();
    }
  });

  test('a server that ignores filters: the deepen brings the trees, and reads need no further fetch', async () => {
    const plain = await start({ root: root.path, filters: false });
    const caches = tempDir();
    try {
      const plainUrl = `${plain.url}/deep.git`;
      const repo = await openRepo(plainUrl, { cacheDir: caches.path });
      await walkTo(repo, checkoutRecord);
      const before = fetches(plain);
      assert.equal(await repo.readFile(checkoutRecord, 'apps/checkout/route.yaml'), 'weight: 10\n');
      assert.equal(fetches(plain), before);
    } finally {
      await plain.close();
      await caches.cleanup();
    }
  });

  test('a tree fetch that fails is a GitError naming the repository; the cache is kept, and the read works once the server answers', async () => {
    const flaky = await start({ root: root.path });
    const caches = tempDir();
    try {
      const flakyUrl = `${flaky.url}/deep.git`;
      const repo = await openRepo(flakyUrl, { cacheDir: caches.path });
      await walkTo(repo, checkoutRecord);
      await flaky.close();
      await assert.rejects(repo.readFile(checkoutRecord, 'apps/checkout/route.yaml'), (e: CanaryError) => {
        assert.ok(e instanceof CanaryError, String(e));
        assert.equal(e.code, 'GIT');
        assert.match(e.message, /127\.0\.0\.1|deep\.git/);
        return true;
      });
      const gitdir = remoteCacheDir(flakyUrl, caches.path);
      assert.ok(existsSync(join(gitdir, 'objects')), 'the cache is still there');
      assert.deepEqual(readdirSync(dirname(gitdir)).filter((n) => n.includes('.broken-')), [], 'not moved aside as broken');
    } finally {
      await caches.cleanup();
    }
  });
});
