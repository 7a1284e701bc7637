// stageRefs: a tick's commits stay in the process until `publish`, which then
// moves each staged ref once, by compare-and-swap, in the order the refs were
// named. Reads see the staged values; the repository does not move before
// publish, and a lost race never overwrites the other writer.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { NOTES_REF } from '../../src/audit/notes.ts';
import { GitConflictError } from '../../src/errors.ts';
import { type GitRepo, openRepo } from '../../src/git/index.ts';
import { stageRefs } from '../../src/git/staged.ts';
import { commitFiles, createRepo, FIXTURE_DATE, type Fixture } from '../helpers/git-fixtures.ts';

const PRODUCTION = 'refs/heads/production';
const BOT = { name: 'git-canary', email: 'git-canary@users.noreply.github.com' };
const DATE = new Date((FIXTURE_DATE + 3600) * 1000);

interface Sent {
  ref: string;
  newSha: string;
  expectedOld: string | undefined;
}

/** `repo` with every updateRef (and refresh) it is sent written down, in order. */
function recording(repo: GitRepo): { repo: GitRepo; sent: Sent[]; refreshes: () => number } {
  const sent: Sent[] = [];
  let refreshes = 0;
  const proxy: GitRepo = {
    ...repo,
    updateRef: async (ref, newSha, expectedOld) => {
      sent.push({ ref, newSha, expectedOld });
      return repo.updateRef(ref, newSha, expectedOld);
    },
    // As the underlying repository does (a local one: in order), through the recording updateRef.
    updateRefs: async (updates) => {
      for (const u of updates) await proxy.updateRef(u.ref, u.newSha, u.expectedOld);
    },
    refresh: async () => {
      refreshes++;
      return repo.refresh();
    },
  };
  return { repo: proxy, sent, refreshes: () => refreshes };
}

const isConflict = (e: unknown) => e instanceof GitConflictError && e.code === 'GIT_CONFLICT';

describe('stageRefs', () => {
  let fx: Fixture;
  let repo: GitRepo;
  let tip: string;
  const rev = (ref: string) => fx.git('rev-parse', '--verify', '--quiet', ref).trim();
  const hasRef = (ref: string) => fx.git('for-each-ref', '--format=%(refname)', ref).trim() !== '';
  /** A commit on `parent` changing `path` (only written: no ref moves). */
  const commit = (parent: string | undefined, path: string, content: string) =>
    repo.createCommit({ parent, message: `set ${path}\n`, author: BOT, date: DATE, changes: [{ path, content }] });

  beforeEach(async () => {
    fx = await createRepo({ production: [{ 'apps/a.yaml': 'a: 1\n' }, { 'apps/b.yaml': 'b: 1\n' }], other: { 'x.txt': 'x\n' } });
    repo = await openRepo(fx.dir);
    tip = rev('production');
  });
  afterEach(() => fx.cleanup());

  test('reads of a staged branch see the staged commit; the repository does not move until publish', async () => {
    const staged = stageRefs(repo, [NOTES_REF, 'production']);
    const one = await commit(tip, 'apps/c.yaml', 'c: 1\n');
    await staged.updateRef('production', one, tip);
    const two = await commit(one, 'apps/a.yaml', 'a: 2\n');
    await staged.updateRef(PRODUCTION, two, one);

    assert.equal(await staged.resolve('production'), two);
    assert.equal(await staged.resolve(PRODUCTION), two);
    assert.equal(await staged.readFile('production', 'apps/a.yaml'), 'a: 2\n');
    assert.equal(await staged.readFile(PRODUCTION, 'apps/c.yaml'), 'c: 1\n');
    assert.deepEqual((await staged.listFiles('production')).sort(), ['apps/a.yaml', 'apps/b.yaml', 'apps/c.yaml']);
    assert.deepEqual((await staged.listFiles('production', 'apps')).sort(), ['apps/a.yaml', 'apps/b.yaml', 'apps/c.yaml']);
    const walked: string[] = [];
    for await (const c of staged.walk('production', { firstParent: true })) walked.push(c.sha);
    assert.deepEqual(walked.slice(0, 3), [two, one, tip]);
    assert.deepEqual((await staged.log('production', { depth: 2 })).map((c) => c.sha), [two, one]);
    // Other refs and shas read through.
    assert.equal(await staged.readFile('other', 'x.txt'), 'x\n');
    assert.equal(await staged.readFile(tip, 'apps/c.yaml'), undefined);
    assert.equal(await staged.resolve(NOTES_REF), undefined, 'a staged ref with nothing staged reads as the repository');

    // The repository has not moved: neither for git nor for the repo underneath.
    assert.equal(rev('production'), tip);
    assert.equal(await repo.resolve('production'), tip);
    assert.equal(await repo.readFile('production', 'apps/a.yaml'), 'a: 1\n');
  });

  test('staged() lists the staged refs in the order they were named, with their first and last values', async () => {
    const staged = stageRefs(repo, [NOTES_REF, 'production']);
    assert.deepEqual([...staged.staged()], []);
    const one = await commit(tip, 'apps/c.yaml', 'c: 1\n');
    await staged.updateRef('production', one, tip);
    const two = await commit(one, 'apps/c.yaml', 'c: 2\n');
    await staged.updateRef('production', two, one);
    const note = await commit(undefined, tip, 'a note\n');
    await staged.updateRef(NOTES_REF, note, undefined);

    const listed = staged.staged();
    assert.deepEqual([...listed.keys()], [NOTES_REF, PRODUCTION], 'the order given, not the order staged');
    assert.deepEqual(listed.get(PRODUCTION), { from: tip, to: two });
    assert.deepEqual(listed.get(NOTES_REF), { from: undefined, to: note });
    // A copy: changing it changes nothing staged.
    (listed as Map<string, unknown>).clear();
    assert.equal(staged.staged().size, 2);
  });

  test('updateRef of a staged ref is compare-and-swap against the staged value: a wrong expected value changes nothing', async () => {
    const staged = stageRefs(repo, ['production']);
    const one = await commit(tip, 'apps/c.yaml', 'c: 1\n');
    const two = await commit(one, 'apps/c.yaml', 'c: 2\n');
    // First update: against the repository's value.
    await assert.rejects(staged.updateRef('production', one, one), isConflict);
    await assert.rejects(staged.updateRef('production', one, undefined), isConflict);
    assert.equal(staged.staged().size, 0);
    await staged.updateRef('production', one, tip);
    // Later updates: against the staged value, not the repository's.
    await assert.rejects(staged.updateRef('production', two, tip), (e: unknown) => {
      assert.ok(isConflict(e));
      assert.match((e as Error).message, /production/);
      assert.equal((e as GitConflictError).where?.branch, 'production');
      return true;
    });
    await assert.rejects(staged.updateRef('production', two, undefined), isConflict);
    assert.deepEqual(staged.staged().get(PRODUCTION), { from: tip, to: one });
    assert.equal(await staged.resolve('production'), one);
    assert.equal(rev('production'), tip);
    await staged.updateRef('production', two, one);
    assert.deepEqual(staged.staged().get(PRODUCTION), { from: tip, to: two });
  });

  test('publish moves each ref once, from its first value to its last, notes before production', async () => {
    const rec = recording(repo);
    const staged = stageRefs(rec.repo, [NOTES_REF, 'production']);
    // Staged production first, notes last: publishing follows the order named.
    const one = await commit(tip, 'apps/c.yaml', 'c: 1\n');
    await staged.updateRef('production', one, tip);
    const note1 = await commit(undefined, one, 'note 1\n');
    await staged.updateRef(NOTES_REF, note1, undefined);
    const two = await commit(one, 'apps/c.yaml', 'c: 2\n');
    await staged.updateRef('production', two, one);
    const note2 = await commit(note1, two, 'note 2\n');
    await staged.updateRef(NOTES_REF, note2, note1);
    assert.deepEqual(rec.sent, [], 'nothing sent while staging');

    await staged.publish();
    assert.deepEqual(rec.sent, [
      { ref: NOTES_REF, newSha: note2, expectedOld: undefined },
      { ref: PRODUCTION, newSha: two, expectedOld: tip },
    ]);
    assert.equal(rev('production'), two);
    assert.equal(rev(NOTES_REF), note2);
    assert.equal(staged.staged().size, 0, 'published: nothing staged any more');
    assert.equal(await staged.resolve('production'), two);

    await staged.publish();
    assert.equal(rec.sent.length, 2, 'publishing again sends nothing');
  });

  test('publish with nothing staged sends nothing; a ref staged back to its first value sends nothing', async () => {
    const rec = recording(repo);
    const staged = stageRefs(rec.repo, [NOTES_REF, 'production']);
    await staged.publish();
    assert.deepEqual(rec.sent, []);

    const one = await commit(tip, 'apps/c.yaml', 'c: 1\n');
    await staged.updateRef('production', one, tip);
    await staged.updateRef('production', tip, one);
    await staged.publish();
    assert.deepEqual(rec.sent, []);
    assert.equal(rev('production'), tip);
    assert.equal(staged.staged().size, 0);
  });

  test('a lost race at publish is a GitConflictError, and the other writer keeps its value', async () => {
    const rec = recording(repo);
    const staged = stageRefs(rec.repo, [NOTES_REF, 'production']);
    const one = await commit(tip, 'apps/c.yaml', 'c: 1\n');
    await staged.updateRef('production', one, tip);
    // A person (or another worker) pushes in between, with real git.
    const theirs = commitFiles(fx.dir, 'production', { 'apps/d.yaml': 'd: 1\n' });

    await assert.rejects(staged.publish(), isConflict);
    assert.equal(rev('production'), theirs, 'never overwritten');
    assert.equal(staged.staged().size, 0, 'what was staged is dropped: it was built on what the winner replaced');
    assert.equal(await staged.resolve('production'), theirs, 'reads see the winner');
    assert.equal(await staged.readFile('production', 'apps/d.yaml'), 'd: 1\n');
    await staged.publish();
    assert.equal(rec.sent.length, 1, 'nothing more to send');
  });

  test('a lost race on production after notes were published leaves the notes moved (published in order, one by one)', async () => {
    // Documents the order's consequence: notes first, so a note may land for a record that loses its race.
    const staged = stageRefs(repo, [NOTES_REF, 'production']);
    const one = await commit(tip, 'apps/c.yaml', 'c: 1\n');
    await staged.updateRef('production', one, tip);
    const note = await commit(undefined, one, 'note\n');
    await staged.updateRef(NOTES_REF, note, undefined);
    const theirs = commitFiles(fx.dir, 'production', { 'apps/d.yaml': 'd: 1\n' });
    await assert.rejects(staged.publish(), isConflict);
    assert.equal(rev('production'), theirs);
    assert.equal(rev(NOTES_REF), note);
  });

  test('a lost race on notes sends nothing of production', async () => {
    const rec = recording(repo);
    const staged = stageRefs(rec.repo, [NOTES_REF, 'production']);
    const one = await commit(tip, 'apps/c.yaml', 'c: 1\n');
    await staged.updateRef('production', one, tip);
    const note = await commit(undefined, one, 'note\n');
    await staged.updateRef(NOTES_REF, note, undefined);
    const theirNote = await commit(undefined, tip, 'their note\n');
    await repo.updateRef(NOTES_REF, theirNote, undefined);
    await assert.rejects(staged.publish(), isConflict);
    assert.deepEqual(rec.sent.map((s) => s.ref), [NOTES_REF]);
    assert.equal(rev(NOTES_REF), theirNote);
    assert.equal(rev('production'), tip);
  });

  test('discard forgets what is staged and sends nothing', async () => {
    const rec = recording(repo);
    const staged = stageRefs(rec.repo, ['production']);
    const one = await commit(tip, 'apps/c.yaml', 'c: 1\n');
    await staged.updateRef('production', one, tip);
    staged.discard();
    assert.equal(staged.staged().size, 0);
    assert.equal(await staged.resolve('production'), tip);
    assert.equal(await staged.readFile('production', 'apps/c.yaml'), undefined);
    await staged.publish();
    assert.deepEqual(rec.sent, []);
    assert.equal(rev('production'), tip);
    // Staging again starts from the repository's value.
    await assert.rejects(staged.updateRef('production', one, one), isConflict);
    await staged.updateRef('production', one, tip);
    assert.deepEqual(staged.staged().get(PRODUCTION), { from: tip, to: one });
  });

  test('updateRef of a ref that is not staged publishes the staged ones first, then updates it', async () => {
    const rec = recording(repo);
    const staged = stageRefs(rec.repo, [NOTES_REF, 'production']);
    const one = await commit(tip, 'apps/c.yaml', 'c: 1\n');
    await staged.updateRef('production', one, tip);
    const otherTip = rev('other');
    const next = await commit(otherTip, 'y.txt', 'y\n');
    await staged.updateRef('other', next, otherTip);
    assert.deepEqual(rec.sent, [
      { ref: PRODUCTION, newSha: one, expectedOld: tip },
      { ref: 'other', newSha: next, expectedOld: otherTip },
    ]);
    assert.equal(rev('production'), one);
    assert.equal(rev('other'), next);
    assert.equal(staged.staged().size, 0);
  });

  test('a new ref (absent before) is staged from "absent" and published as a creation', async () => {
    const rec = recording(repo);
    const staged = stageRefs(rec.repo, [NOTES_REF]);
    const note = await commit(undefined, tip, 'note\n');
    await staged.updateRef(NOTES_REF, note, undefined);
    assert.equal(await staged.resolve(NOTES_REF), note);
    assert.equal(await staged.readFile(NOTES_REF, tip), 'note\n');
    assert.equal(hasRef(NOTES_REF), false);
    await staged.publish();
    assert.equal(rev(NOTES_REF), note);
  });

  test('refresh keeps what is staged', async () => {
    const rec = recording(repo);
    const staged = stageRefs(rec.repo, ['production']);
    const one = await commit(tip, 'apps/c.yaml', 'c: 1\n');
    await staged.updateRef('production', one, tip);
    await staged.refresh();
    assert.equal(rec.refreshes(), 1, 'the repository underneath is refreshed');
    assert.deepEqual(staged.staged().get(PRODUCTION), { from: tip, to: one });
    assert.equal(await staged.resolve('production'), one);
    await staged.publish();
    assert.equal(rev('production'), one);
  });

  test(
    'two concurrent first updates of a staged ref from the same value: one of them loses (compare-and-swap)',
    async () => {
      const staged = stageRefs(repo, ['production']);
      const one = await commit(tip, 'apps/c.yaml', 'c: 1\n');
      const other = await commit(tip, 'apps/d.yaml', 'd: 1\n');
      const results = await Promise.allSettled([staged.updateRef('production', one, tip), staged.updateRef('production', other, tip)]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.ok(isConflict(lost.reason));
    },
  );
});
