// Local repositories: the work tree and index stay untouched, checked-out
// branches are refused, and ref updates use git's lock files.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { openRepo } from '../../src/git/index.ts';
import { createRepo, FIXTURE_DATE, tempDir } from '../helpers/git-fixtures.ts';

const BOT = { name: 'git-canary', email: 'git-canary@users.noreply.github.com' };
const DATE = new Date((FIXTURE_DATE + 3600) * 1000);
const BRANCHES = {
  main: { 'README.md': 'work tree file\r\n', 'apps/a.yaml': 'a: 1\n' },
  production: { 'apps/a.yaml': 'a: 1\n' },
  candidate: { 'apps/a.yaml': 'a: 2\n' },
};
const code = (e: unknown) => (e as { code?: string }).code;
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('local repository', () => {
  test('a commit and ref update leave the work tree, index and HEAD of a non-bare repo untouched', async () => {
    const fx = await createRepo(BRANCHES, { bare: false, checkout: 'main' });
    try {
      writeFileSync(join(fx.dir, 'untracked.txt'), 'mine\n');
      const before = {
        status: fx.git('status', '--porcelain'),
        readme: readFileSync(join(fx.dir, 'README.md')),
        index: sha256(join(fx.dir, '.git/index')),
        head: readFileSync(join(fx.dir, '.git/HEAD'), 'utf8'),
      };
      assert.equal(before.status, '?? untracked.txt\n');
      const repo = await openRepo(fx.dir, { protectedBranches: ['candidate', 'production'] });
      const parent = (await repo.resolve('production'))!;
      const sha = await repo.createCommit({
        parent, message: 'edit\n', author: BOT, date: DATE,
        changes: [{ path: 'apps/a.yaml', content: 'a: 3\n' }, { path: 'README.md', content: 'changed on production\n' }],
      });
      await repo.updateRef('production', sha, parent);
      assert.equal(fx.git('rev-parse', 'production').trim(), sha);
      assert.equal(fx.git('status', '--porcelain'), before.status);
      assert.deepEqual(readFileSync(join(fx.dir, 'README.md')), before.readme);
      assert.equal(sha256(join(fx.dir, '.git/index')), before.index);
      assert.equal(readFileSync(join(fx.dir, '.git/HEAD'), 'utf8'), before.head);
      assert.equal(readFileSync(join(fx.dir, 'apps/a.yaml'), 'utf8'), 'a: 1\n');
    } finally {
      await fx.cleanup();
    }
  });

  test('a non-bare repo whose checked-out branch is protected is refused, like git refuses the push', async () => {
    const fx = await createRepo(BRANCHES, { bare: false, checkout: 'production' });
    try {
      await assert.rejects(openRepo(fx.dir, { protectedBranches: ['candidate', 'production'] }), (e) =>
        code(e) === 'GIT' && /refusing to update checked-out branch production/.test((e as Error).message));
      // Without the option it opens, but the checked-out branch still cannot move.
      const repo = await openRepo(fx.dir);
      const parent = (await repo.resolve('production'))!;
      const sha = await repo.createCommit({ parent, message: 'x\n', author: BOT, date: DATE, changes: [] });
      await assert.rejects(repo.updateRef('production', sha, parent), /refusing to update checked-out branch/);
      assert.equal(fx.git('rev-parse', 'production').trim(), parent);
    } finally {
      await fx.cleanup();
    }
  });

  test('a bare repo whose HEAD names production is fine', async () => {
    const fx = await createRepo(BRANCHES, { checkout: 'production' });
    try {
      const repo = await openRepo(fx.dir, { protectedBranches: ['candidate', 'production'] });
      const parent = (await repo.resolve('production'))!;
      const sha = await repo.createCommit({ parent, message: 'x\n', author: BOT, date: DATE, changes: [] });
      await repo.updateRef('production', sha, parent);
      assert.equal(fx.git('rev-parse', 'production').trim(), sha);
    } finally {
      await fx.cleanup();
    }
  });

  test('a branch checked out in a linked worktree is refused; the worktree path itself is refused', async () => {
    const fx = await createRepo(BRANCHES, { bare: false, checkout: 'main' });
    const wt = tempDir();
    try {
      fx.git('worktree', 'add', '--quiet', join(wt.path, 'cand'), 'candidate');
      await assert.rejects(openRepo(fx.dir, { protectedBranches: ['candidate'] }), /checked-out branch candidate/);
      await assert.rejects(openRepo(join(wt.path, 'cand')), (e) => code(e) === 'GIT' && /linked worktree/.test(String(e)));
    } finally {
      await wt.cleanup();
      await fx.cleanup();
    }
  });

  test('packed refs: the current value is read from packed-refs, the update is a loose ref git reads', async () => {
    const fx = await createRepo(BRANCHES);
    try {
      fx.git('pack-refs', '--all');
      assert.equal(existsSync(join(fx.dir, 'refs/heads/production')), false);
      const repo = await openRepo(fx.dir);
      const parent = (await repo.resolve('production'))!;
      const sha = await repo.createCommit({ parent, message: 'x\n', author: BOT, date: DATE, changes: [{ path: 'b', content: 'b\n' }] });
      await assert.rejects(repo.updateRef('production', sha, undefined), (e) => code(e) === 'GIT_CONFLICT');
      await repo.updateRef('production', sha, parent);
      assert.equal(fx.git('rev-parse', 'production').trim(), sha);
      assert.equal(fx.git('fsck', '--strict', '--no-dangling').trim(), '');
      assert.equal(existsSync(join(fx.dir, 'refs/heads/production.lock')), false);
    } finally {
      await fx.cleanup();
    }
  });

  test('packed refs read again whenever packed-refs changed: rewritten by git, or in place to the same size', async () => {
    const fx = await createRepo(BRANCHES);
    try {
      fx.git('pack-refs', '--all');
      const repo = await openRepo(fx.dir);
      const first = (await repo.resolve('production'))!;
      assert.equal(await repo.resolve('production'), first, 'read twice, the same');
      // git moves production and packs it again (a new packed-refs by rename).
      const moved = fx.git('-c', 'user.name=Ada', '-c', 'user.email=ada@example.com', 'commit-tree', `${first}^{tree}`, '-p', first, '-m', 'by hand').trim();
      fx.git('update-ref', 'refs/heads/production', moved);
      fx.git('pack-refs', '--all');
      assert.equal(existsSync(join(fx.dir, 'refs/heads/production')), false);
      assert.equal(await repo.resolve('production'), moved);
      // Rewritten in place, same size, its times set back: still the new value.
      const path = join(fx.dir, 'packed-refs');
      const text = readFileSync(path, 'utf8');
      const st = statSync(path);
      writeFileSync(path, text.replace(moved, first));
      utimesSync(path, st.atime, st.mtime);
      assert.equal(await repo.resolve('production'), first);
    } finally {
      await fx.cleanup();
    }
  });

  test('a held lock is waited for; a lock held too long is an error and is left in place', async () => {
    const fx = await createRepo(BRANCHES);
    try {
      const lock = join(fx.dir, 'refs/heads/production.lock');
      const repo = await openRepo(fx.dir, { lock: { timeoutMs: 200 } });
      const parent = (await repo.resolve('production'))!;
      const sha = await repo.createCommit({ parent, message: 'x\n', author: BOT, date: DATE, changes: [] });

      writeFileSync(lock, '');
      await assert.rejects(repo.updateRef('production', sha, parent), (e) => code(e) === 'GIT' && /cannot lock/.test(String(e)));
      assert.equal(existsSync(lock), true, 'someone else’s lock is not removed');

      const waiting = (await openRepo(fx.dir, { lock: { timeoutMs: 5000 } })).updateRef('production', sha, parent);
      setTimeout(() => unlinkSync(lock), 150);
      await waiting;
      assert.equal(fx.git('rev-parse', 'production').trim(), sha);
    } finally {
      await fx.cleanup();
    }
  });

  test('a stale lock left by a crashed process is broken', async () => {
    const fx = await createRepo(BRANCHES);
    try {
      const lock = join(fx.dir, 'refs/heads/production.lock');
      writeFileSync(lock, '');
      const old = new Date(Date.now() - 60_000);
      utimesSync(lock, old, old);
      const repo = await openRepo(fx.dir);
      const parent = (await repo.resolve('production'))!;
      const sha = await repo.createCommit({ parent, message: 'x\n', author: BOT, date: DATE, changes: [] });
      await repo.updateRef('production', sha, parent);
      assert.equal(fx.git('rev-parse', 'production').trim(), sha);
      assert.equal(existsSync(lock), false);
    } finally {
      await fx.cleanup();
    }
  });

  test('racing processes: exactly one of several workers moves the ref', async () => {
    const fx = await createRepo(BRANCHES);
    const scratch = tempDir();
    try {
      const base = fx.git('rev-parse', 'production').trim();
      const script = join(scratch.path, 'racer.mts');
      const index = pathToFileURL(join(import.meta.dirname, '../../src/git/index.ts')).href;
      writeFileSync(script, `
        import { openRepo } from ${JSON.stringify(index)};
        const [dir, base, id, startAt] = process.argv.slice(2);
        const repo = await openRepo(dir);
        const sha = await repo.createCommit({ parent: base, message: 'racer ' + id + '\\n',
          author: { name: 'r', email: 'r@x' }, date: new Date(0), changes: [{ path: 'r.txt', content: id }] });
        while (Date.now() < Number(startAt)) {}
        try { await repo.updateRef('production', sha, base); console.log('won ' + sha); }
        catch (e) { console.log(e.code); }
      `);
      const startAt = Date.now() + 1500;
      const outputs = await Promise.all([0, 1, 2, 3].map((i) => new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, fx.dir, base, String(i), String(startAt)], { cwd: join(import.meta.dirname, '../..') });
        let out = '';
        child.stdout.on('data', (d: Buffer) => { out += d; });
        child.stderr.on('data', (d: Buffer) => { out += d; });
        child.on('error', reject);
        child.on('close', () => resolve(out.trim()));
      })));
      const winners = outputs.filter((o) => o.startsWith('won '));
      assert.equal(winners.length, 1, outputs.join('\n'));
      assert.deepEqual(outputs.filter((o) => !o.startsWith('won ')), ['GIT_CONFLICT', 'GIT_CONFLICT', 'GIT_CONFLICT']);
      assert.equal(fx.git('rev-parse', 'production').trim(), winners[0]!.slice(4));
    } finally {
      await scratch.cleanup();
      await fx.cleanup();
    }
  });

  test('openRepo: not a repository, file:// URLs, unsupported addresses', async () => {
    const empty = tempDir();
    const fx = await createRepo(BRANCHES);
    try {
      await assert.rejects(openRepo(empty.path), (e) => code(e) === 'GIT' && /not a git repository/.test(String(e)));
      await assert.rejects(openRepo(join(empty.path, 'missing')), (e) => code(e) === 'GIT');
      const viaUrl = await openRepo(pathToFileURL(fx.dir).href);
      assert.equal(await viaUrl.resolve('production'), fx.git('rev-parse', 'production').trim());
      assert.equal(viaUrl.label, fx.dir);
      await assert.rejects(openRepo('git@github.com:org/repo.git'), (e) => code(e) === 'GIT' && /unsupported/.test(String(e)));
      await assert.rejects(openRepo('ssh://git@host/repo.git'), (e) => code(e) === 'GIT');
    } finally {
      await empty.cleanup();
      await fx.cleanup();
    }
  });
});
