// Behaviour of GitRepo, run identically against a bare repository, a non-bare
// repository and the same repository served over HTTP by `git http-backend`.
import assert from 'node:assert/strict';
import { basename, dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type GitRepo, openRepo, type OpenRepoOptions } from '../../src/git/index.ts';
import { createRepo, FIXTURE_DATE, type Fixture, type FixtureFiles, git, tempDir } from '../helpers/git-fixtures.ts';
import { start } from '../helpers/git-http-server.ts';

const PRODUCTION: FixtureFiles[] = [
  {
    'git-canary.yaml': 'version: 1\n',
    'apps/checkout/deployment.yaml': 'kind: Deployment\r\nmetadata:\r\n  name: checkout\r\n',
    'apps/checkout/virtualservice.yaml': 'kind: VirtualService\n',
    'apps/web/deployment.yaml': 'kind: Deployment # web\n',
    'link.yaml': { symlink: 'apps/checkout/deployment.yaml' },
    'apps/evil': { symlink: '../..' },
  },
  { 'apps/checkout/virtualservice.yaml': 'kind: VirtualService\nweight: 10\n' },
  { 'notes/unicode.txt': 'héllo ✓ — ünïcode\n' },
];
const BRANCHES = {
  main: { 'README.md': 'work tree file\n' },
  production: PRODUCTION,
  candidate: { 'apps/checkout/deployment.yaml': 'kind: Deployment\nimage: v2\n' },
};
const BOT = { name: 'git-canary', email: 'git-canary@users.noreply.github.com' };
const DATE = new Date((FIXTURE_DATE + 3600) * 1000);

type Kind = 'local-bare' | 'local-worktree' | 'http';

interface Target {
  kind: Kind;
  fixture: Fixture;
  /** A new client, like a new worker process (HTTP: its own cache). */
  open(options?: OpenRepoOptions): Promise<GitRepo>;
  cleanup(): Promise<void>;
}

async function createTarget(kind: Kind): Promise<Target> {
  const fixture = await createRepo(BRANCHES, { bare: kind !== 'local-worktree', checkout: 'main' });
  if (kind !== 'http') {
    return { kind, fixture, open: (o) => openRepo(fixture.dir, o), cleanup: fixture.cleanup };
  }
  const server = await start({ root: dirname(fixture.dir) });
  const caches = tempDir();
  let n = 0;
  return {
    kind,
    fixture,
    open: (o) => openRepo(`${server.url}/${basename(fixture.dir)}`, { cacheDir: `${caches.path}/${n++}`, ...o }),
    cleanup: async () => {
      await server.close();
      await caches.cleanup();
      await fixture.cleanup();
    },
  };
}

async function withTarget(kind: Kind, run: (t: Target) => Promise<void>): Promise<void> {
  const target = await createTarget(kind);
  try {
    await run(target);
  } finally {
    await target.cleanup();
  }
}

function code(err: unknown): string | undefined {
  return (err as { code?: string }).code;
}

for (const kind of ['local-bare', 'local-worktree', 'http'] as const) {
  describe(`GitRepo (${kind})`, () => {
    let shared: Target;
    let repo: GitRepo;
    let tip: string;
    before(async () => {
      shared = await createTarget(kind);
      repo = await shared.open();
      tip = shared.fixture.git('rev-parse', 'production').trim();
    });
    after(() => shared.cleanup());

    test('resolve: branch, full ref, absent branch and absent notes ref', async () => {
      assert.equal(await repo.resolve('production'), tip);
      assert.equal(await repo.resolve('refs/heads/production'), tip);
      assert.equal(await repo.resolve('candidate'), shared.fixture.git('rev-parse', 'candidate').trim());
      assert.equal(await repo.resolve('no-such-branch'), undefined);
      assert.equal(await repo.resolve('refs/notes/git-canary'), undefined);
    });

    test('readFile returns text byte-exact (CRLF, UTF-8) at a branch, full ref or sha', async () => {
      const crlf = 'kind: Deployment\r\nmetadata:\r\n  name: checkout\r\n';
      assert.equal(await repo.readFile('production', 'apps/checkout/deployment.yaml'), crlf);
      assert.equal(await repo.readFile('refs/heads/production', 'apps/checkout/deployment.yaml'), crlf);
      assert.equal(await repo.readFile(tip, 'notes/unicode.txt'), 'héllo ✓ — ünïcode\n');
      assert.equal(await repo.readFile('candidate', 'apps/checkout/deployment.yaml'), 'kind: Deployment\nimage: v2\n');
      const first = shared.fixture.git('rev-parse', 'production~2').trim();
      assert.equal(await repo.readFile(first, 'apps/checkout/virtualservice.yaml'), 'kind: VirtualService\n');
    });

    test('readFile: absent is undefined, a directory is a GitError, a missing branch is a GitError', async () => {
      assert.equal(await repo.readFile('production', 'apps/nope.yaml'), undefined);
      assert.equal(await repo.readFile('production', 'nope/deeper/file.yaml'), undefined);
      assert.equal(await repo.readFile('production', 'git-canary.yaml/below-a-file'), undefined);
      await assert.rejects(repo.readFile('production', 'apps/checkout'), (e) => code(e) === 'GIT' && /directory/.test(String(e)));
      await assert.rejects(repo.readFile('no-such-branch', 'git-canary.yaml'), (e) => code(e) === 'GIT');
    });

    test('readFile refuses symlinks and paths that leave the repository', async () => {
      for (const path of ['link.yaml', 'apps/evil/etc/passwd']) {
        await assert.rejects(repo.readFile('production', path), (e) => code(e) === 'PATH', path);
      }
      for (const path of ['../outside', 'apps/../../x', '/etc/passwd', '', 'apps//x', './git-canary.yaml', '.git/config']) {
        await assert.rejects(repo.readFile('production', path), (e) => code(e) === 'PATH', path);
      }
    });

    test('listFiles lists regular files recursively, sorted, without symlinks', async () => {
      assert.deepEqual(await repo.listFiles('production'), [
        'apps/checkout/deployment.yaml',
        'apps/checkout/virtualservice.yaml',
        'apps/web/deployment.yaml',
        'git-canary.yaml',
        'notes/unicode.txt',
      ]);
      assert.deepEqual(await repo.listFiles('production', 'apps/checkout'), [
        'apps/checkout/deployment.yaml',
        'apps/checkout/virtualservice.yaml',
      ]);
      assert.deepEqual(await repo.listFiles('production', 'apps/none'), []);
      await assert.rejects(repo.listFiles('production', '../x'), (e) => code(e) === 'PATH');
    });

    test('log: newest first, exact messages and dates, depth', async () => {
      const log = await repo.log('production');
      assert.deepEqual(
        log.map((c) => c.message),
        ['fixture: production 3\n', 'fixture: production 2\n', 'fixture: production 1\n'],
      );
      assert.equal(log[0]?.sha, tip);
      assert.deepEqual(log[0]?.parents, [log[1]?.sha]);
      assert.deepEqual(log[2]?.parents, []);
      // main got commit 0, production 1..3: 60 s apart.
      assert.equal(log[0]?.committer.timestamp, FIXTURE_DATE + 180);
      assert.deepEqual(log[0]?.author, { name: 'Fixture', email: 'fixture@example.test', timestamp: FIXTURE_DATE + 180, timezoneOffset: 0 });
      assert.equal((await repo.log('production', { depth: 2 })).length, 2);
    });

    test('createCommit + updateRef: exact message with trailers, nested writes and deletes', async () => {
      await withTarget(kind, async (t) => {
        const r = await t.open();
        const parent = (await r.resolve('production'))!;
        const message =
          'checkout: canary 25% (step 2/3)\n\nsuccess-rate 99.7 (min 99) pass\n\n' +
          'Canary-Service: checkout\nCanary-Phase: progressing\nCanary-Step: 2/3\nCanary-Weight: 25\n';
        const sha = await r.createCommit({
          parent,
          message,
          author: BOT,
          date: DATE,
          changes: [
            { path: 'apps/checkout/virtualservice.yaml', content: 'kind: VirtualService\r\nweight: 25\r\n' },
            { path: 'apps/new/deep/canary.yaml', content: 'kind: Deployment\n' },
            { path: 'apps/web/deployment.yaml', content: null },
            { path: 'not/there.yaml', content: null },
          ],
        });
        // Nothing is published before updateRef.
        assert.equal(t.fixture.git('rev-parse', 'production').trim(), parent);
        await r.updateRef('production', sha, parent);
        // The client's own view moves too (HTTP: the remote-tracking ref, no refetch).
        assert.equal(await r.resolve('production'), sha);

        const g = t.fixture.git;
        assert.equal(g('rev-parse', 'production').trim(), sha);
        assert.equal(g('log', '-1', '--format=%(trailers)', 'production'),
          'Canary-Service: checkout\nCanary-Phase: progressing\nCanary-Step: 2/3\nCanary-Weight: 25\n\n');
        assert.equal(g('log', '-1', '--format=%(trailers:key=Canary-Weight,valueonly)', 'production').trim(), '25');
        const raw = g('cat-file', 'commit', sha);
        assert.equal(raw.slice(raw.indexOf('\n\n') + 2), message);
        assert.match(raw, /^author git-canary <git-canary@users\.noreply\.github\.com> \d+ \+0000$/m);
        assert.equal(g('show', `${sha}:apps/checkout/virtualservice.yaml`), 'kind: VirtualService\r\nweight: 25\r\n');
        assert.equal(g('ls-tree', '-r', '--name-only', sha).split('\n').filter(Boolean).includes('apps/web/deployment.yaml'), false);
        assert.equal(g('ls-tree', '-d', '--name-only', sha, 'apps/').includes('apps/web'), false, 'empty dir dropped');
        assert.equal(g('fsck', '--strict', '--no-dangling').trim(), '');

        const [head] = await r.log('production', { depth: 1 });
        assert.equal(head?.message, message);
        assert.equal(head?.committer.timestamp, DATE.getTime() / 1000);
        assert.equal(await r.readFile('production', 'apps/new/deep/canary.yaml'), 'kind: Deployment\n');
      });
    });

    test('createCommit is deterministic and matches git commit-tree byte for byte', async () => {
      await withTarget(kind, async (t) => {
        const parent = t.fixture.git('rev-parse', 'production').trim();
        const opts = {
          parent,
          message: 'deterministic\n\nCanary-Phase: progressing\n',
          author: BOT,
          date: DATE,
          changes: [{ path: 'git-canary.yaml', content: 'version: 2\n' }],
        };
        // A client reads the branch before building on it (HTTP: that fetches it).
        const [c1, c2] = [await t.open({ fetchRefs: ['production'] }), await t.open({ fetchRefs: ['production'] })];
        const a = await c1.createCommit(opts);
        const b = await c2.createCommit(opts);
        assert.equal(a, b);

        const g = t.fixture.git;
        const blob = git(t.fixture.dir, ['hash-object', '-w', '--stdin'], 'version: 2\n').trim();
        const tree = git(t.fixture.dir, ['mktree'],
          g('ls-tree', parent).replace(/^(100644 blob )[0-9a-f]{40}(\tgit-canary\.yaml)$/m, `$1${blob}$2`)).trim();
        const when = `${DATE.getTime() / 1000} +0000`;
        const expected = git(t.fixture.dir, ['commit-tree', tree, '-p', parent, '-F', '-'], opts.message, {
          GIT_AUTHOR_NAME: BOT.name, GIT_AUTHOR_EMAIL: BOT.email, GIT_AUTHOR_DATE: when,
          GIT_COMMITTER_NAME: BOT.name, GIT_COMMITTER_EMAIL: BOT.email, GIT_COMMITTER_DATE: when,
        }).trim();
        assert.equal(a, expected);
      });
    });

    test('a root commit on refs/notes/git-canary is a real git note; creating it twice conflicts', async () => {
      await withTarget(kind, async (t) => {
        const r = await t.open();
        const target = (await r.resolve('production'))!;
        const note = await r.createCommit({
          parent: undefined,
          message: 'Notes added by git-canary\n',
          author: BOT,
          date: DATE,
          changes: [{ path: target, content: '{"check":"success-rate","outcome":"fail"}\n' }],
        });
        await r.updateRef('refs/notes/git-canary', note, undefined);
        assert.equal(t.fixture.git('notes', '--ref=git-canary', 'show', target), '{"check":"success-rate","outcome":"fail"}\n');
        const other = await t.open();
        assert.equal(await other.resolve('refs/notes/git-canary'), note);
        await assert.rejects(other.updateRef('refs/notes/git-canary', note, undefined), (e) => code(e) === 'GIT_CONFLICT');
      });
    });

    test('updateRef is compare-and-swap: a stale expectedOld conflicts and changes nothing', async () => {
      await withTarget(kind, async (t) => {
        const r = await t.open();
        const tip0 = (await r.resolve('production'))!;
        const c1 = await r.createCommit({ parent: tip0, message: 'one\n', author: BOT, date: DATE, changes: [{ path: 'a', content: '1\n' }] });
        await r.updateRef('production', c1, tip0);
        const c2 = await r.createCommit({ parent: c1, message: 'two\n', author: BOT, date: DATE, changes: [{ path: 'a', content: '2\n' }] });
        // c2 is a fast-forward of tip0 too, so only the CAS check stops it.
        await assert.rejects(r.updateRef('production', c2, tip0), (e) => code(e) === 'GIT_CONFLICT');
        await assert.rejects(r.updateRef('production', c2, undefined), (e) => code(e) === 'GIT_CONFLICT');
        assert.equal(t.fixture.git('rev-parse', 'production').trim(), c1);
      });
    });

    test('updateRef never force-updates: a non-fast-forward is a GitError', async () => {
      await withTarget(kind, async (t) => {
        const r = await t.open();
        const tip0 = (await r.resolve('production'))!;
        const candidate = (await r.resolve('candidate'))!;
        const unrelated = await r.createCommit({ parent: candidate, message: 'x\n', author: BOT, date: DATE, changes: [] });
        await assert.rejects(r.updateRef('production', unrelated, tip0), (e) => code(e) === 'GIT' && /fast-forward/.test(String(e)));
        assert.equal(t.fixture.git('rev-parse', 'production').trim(), tip0);
      });
    });

    test('two workers race from the same tip: exactly one wins, the other conflicts, nothing is lost', async () => {
      await withTarget(kind, async (t) => {
        const [w1, w2] = [await t.open(), await t.open()];
        const base = (await w1.resolve('production'))!;
        assert.equal(await w2.resolve('production'), base);
        const commits = await Promise.all([w1, w2].map((w, i) =>
          w.createCommit({ parent: base, message: `worker ${i}\n`, author: BOT, date: DATE, changes: [{ path: `w${i}.txt`, content: `${i}\n` }] })));
        const results = await Promise.allSettled([w1, w2].map((w, i) => w.updateRef('production', commits[i]!, base)));
        const won = results.findIndex((r) => r.status === 'fulfilled');
        const lost = results.findIndex((r) => r.status === 'rejected');
        assert.ok(won >= 0 && lost >= 0, `one winner, one loser: ${JSON.stringify(results.map((r) => r.status))}`);
        assert.equal(code((results[lost] as PromiseRejectedResult).reason), 'GIT_CONFLICT');
        assert.equal(t.fixture.git('rev-parse', 'production').trim(), commits[won]);

        // The loser refetches, decides again on the new tip, and wins.
        const loser = [w1, w2][lost]!;
        await loser.refresh();
        const now = (await loser.resolve('production'))!;
        assert.equal(now, commits[won]);
        const retry = await loser.createCommit({ parent: now, message: 'retry\n', author: BOT, date: DATE, changes: [{ path: `w${lost}.txt`, content: `${lost}\n` }] });
        await loser.updateRef('production', retry, now);
        const history = t.fixture.git('rev-list', '--parents', `${base}..production`).trim().split('\n');
        assert.deepEqual(history, [`${retry} ${commits[won]}`, `${commits[won]} ${base}`], 'linear, winner kept');
      });
    });

    test('many racers through one client: exactly one update per tip gets through', async () => {
      await withTarget(kind, async (t) => {
        const r = await t.open();
        const base = (await r.resolve('production'))!;
        const commits = await Promise.all([0, 1, 2, 3].map((i) =>
          r.createCommit({ parent: base, message: `racer ${i}\n`, author: BOT, date: DATE, changes: [{ path: 'r.txt', content: `${i}\n` }] })));
        const results = await Promise.allSettled(commits.map((c) => r.updateRef('production', c, base)));
        assert.equal(results.filter((x) => x.status === 'fulfilled').length, 1);
        for (const x of results) if (x.status === 'rejected') assert.equal(code(x.reason), 'GIT_CONFLICT');
        const winner = commits[results.findIndex((x) => x.status === 'fulfilled')];
        assert.equal(t.fixture.git('rev-parse', 'production').trim(), winner);
      });
    });
  });
}
