/**
 * A tick over several services publishes once, and a race lost at that
 * publish re-decides only what the winner changed (runner/tick-services.ts).
 * On real bare repositories; the other writer is real git committing to
 * production between the tick's decisions and its push.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/index.ts';
import { openRepo } from '../../src/git/index.ts';
import type { GitRepo } from '../../src/git/types.ts';
import { DEFAULT_AUTHOR } from '../../src/runner/session.ts';
import { tickServices } from '../../src/runner/tick-services.ts';
import { fleetConfig, fleetFiles, fleetNames, fleetRelease } from '../e2e/support-scale.ts';
import { commitFiles, createRepo, type Fixture, git } from '../helpers/git-fixtures.ts';
import { T0 } from '../helpers/scenario.ts';
import { captureLog } from '../notify/support.ts';

const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const names = fleetNames(6);
const [A, B, C, D, E, F] = names as [string, string, string, string, string, string];

let fixtures: Fixture[] = [];
afterEach(async () => {
  for (const f of fixtures) await f.cleanup();
  fixtures = [];
});

/** Six services; `due` changed on candidate. */
async function world(due: string[]) {
  const fixture = await createRepo({ production: fleetFiles(names) });
  fixtures.push(fixture);
  commitFiles(fixture.dir, 'candidate', fleetRelease(due), { from: 'production', message: 'ci: releases\n' });
  const { config } = loadConfig(fleetConfig(names), { file: 'git-canary.yaml', env: {} });
  return { fixture, config, repo: await openRepo(fixture.dir) };
}

/** `repo`, where `race` runs (real git, another writer) just before the first update of production. */
function racing(repo: GitRepo, race: () => void | Promise<void>): GitRepo & { updates: string[] } {
  let raced = false;
  const updates: string[] = [];
  const wrapped: GitRepo & { updates: string[] } = {
    ...repo,
    updates,
    updateRef: (ref, sha, old) => wrapped.updateRefs([{ ref, newSha: sha, expectedOld: old }]),
    updateRefs: async (list) => {
      updates.push(...list.map((u) => u.ref));
      if (!raced && list.some((u) => u.ref === 'refs/heads/production')) {
        raced = true;
        await race();
      }
      return repo.updateRefs(list);
    },
  };
  return wrapped;
}

/** How many times each service was decided, from the tick's log. */
function decisions(lines: { service?: string; decision?: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lines) if (l.service && l.decision) out[l.service] = (out[l.service] ?? 0) + 1;
  return out;
}

const firstParents = (dir: string, from: string) => git(dir, ['rev-list', '--first-parent', '--reverse', `${from}..production`]).split('\n').filter(Boolean);
const serviceOf = (dir: string, sha: string) => /^Canary-Service: (.*)$/m.exec(git(dir, ['log', '-1', '--format=%B', sha]))?.[1];

describe('tickServices', () => {
  test('two due services: two commits, one update of production', async () => {
    const w = await world([B, E]);
    const repo = racing(w.repo, () => {});
    const before = git(w.fixture.dir, ['rev-parse', 'production']).trim();
    const { log } = captureLog();
    const results = await tickServices({ repo, config: w.config, names, author: DEFAULT_AUTHOR, now: () => at(2), dryRun: false, log });
    assert.deepEqual(results.map((r) => r.decision), ['none', 'start', 'none', 'none', 'start', 'none']);
    assert.deepEqual(repo.updates, ['refs/heads/production'], 'one push');
    const added = firstParents(w.fixture.dir, before);
    assert.deepEqual(added.map((c) => serviceOf(w.fixture.dir, c)), [B, E]);
    assert.deepEqual([results[1]!.commit, results[4]!.commit], added);
  });

  test("lost to another worker's record: re-decides the lost ones and the winner's service only", async () => {
    const w = await world([B, D, E]);
    const dir = w.fixture.dir;
    const before = git(dir, ['rev-parse', 'production']).trim();
    // Another worker (its own repository object) starts E first.
    const other = await openRepo(dir);
    const repo = racing(w.repo, async () => {
      const [won] = await tickServices({ repo: other, config: w.config, names: [E], author: DEFAULT_AUTHOR, now: () => at(2), dryRun: false, log: captureLog().log });
      assert.equal(won!.decision, 'start');
    });
    const captured = captureLog();
    const results = await tickServices({
      repo, config: w.config, names, author: DEFAULT_AUTHOR, now: () => at(2), dryRun: false, log: captured.log, sleep: async () => {}, random: () => 0.5,
    });
    assert.deepEqual(results.map((r) => r.decision), ['none', 'start', 'none', 'start', 'none', 'none'], 'E is the winner\'s, now waiting');
    assert.deepEqual(decisions(captured.lines() as never), { [A]: 1, [B]: 2, [C]: 1, [D]: 2, [E]: 2, [F]: 1 });
    const added = firstParents(dir, before);
    assert.deepEqual(added.map((c) => serviceOf(dir, c)), [E, B, D], "the winner's commit stays; ours go on top of it");
    assert.deepEqual([results[1]!.commit, results[3]!.commit], added.slice(1));
    assert.ok(captured.text().includes('lost a race to another writer'), captured.text());
  });

  test("lost to a person's commit: it may touch anything, so every service decides again", async () => {
    const w = await world([C]);
    const dir = w.fixture.dir;
    const repo = racing(w.repo, () => {
      commitFiles(dir, 'production', { 'README.md': '# manifests\n' }, { message: 'docs: readme\n' });
    });
    const captured = captureLog();
    const results = await tickServices({
      repo, config: w.config, names, author: DEFAULT_AUTHOR, now: () => at(2), dryRun: false, log: captured.log, sleep: async () => {}, random: () => 0.5,
    });
    assert.equal(results[2]!.decision, 'start');
    assert.deepEqual(decisions(captured.lines() as never), Object.fromEntries(names.map((n) => [n, 2])));
    assert.equal(git(dir, ['log', '-1', '--format=%s', 'production~1']).trim(), 'docs: readme');
  });

  test('a race lost every time: the due services error, nothing of ours is on production, the others stand', async () => {
    const w = await world([A, F]);
    const dir = w.fixture.dir;
    let n = 0;
    const repo: GitRepo = {
      ...w.repo,
      updateRefs: async (list) => {
        if (list.some((u) => u.ref === 'refs/heads/production')) commitFiles(dir, 'production', { 'README.md': `# manifests ${++n}\n` }, { message: `docs ${n}\n` });
        return w.repo.updateRefs(list);
      },
    };
    const { log } = captureLog();
    const results = await tickServices({ repo, config: w.config, names, author: DEFAULT_AUTHOR, now: () => at(2), dryRun: false, log, sleep: async () => {}, random: () => 0.5 });
    assert.deepEqual(results.map((r) => r.decision), ['error', 'none', 'none', 'none', 'none', 'error']);
    for (const r of [results[0]!, results[5]!]) {
      assert.match(r.reason, /^start not published: .*moved/);
      assert.equal(r.commit, null);
    }
    assert.equal(git(dir, ['log', '--format=%B', 'production']).includes('Canary-Service'), false, 'no record of ours landed');
  });

  test('a dry run stages nothing and pushes nothing', async () => {
    const w = await world([A, B]);
    const repo = racing(w.repo, () => {});
    const before = git(w.fixture.dir, ['for-each-ref']);
    const { log } = captureLog();
    const results = await tickServices({ repo, config: w.config, names, author: DEFAULT_AUTHOR, now: () => at(2), dryRun: true, log });
    assert.deepEqual(results.slice(0, 2).map((r) => [r.decision, r.commit]), [['start', null], ['start', null]]);
    assert.deepEqual(repo.updates, []);
    assert.equal(git(w.fixture.dir, ['for-each-ref']), before);
  });
});
