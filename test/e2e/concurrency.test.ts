/**
 * Two `git-canary tick` processes at once (PRODUCT.md, Promises: "Nothing is
 * ever force-pushed; a lost race refetches and re-decides").
 *
 * Real CLI processes, real repositories (over HTTP through `git http-backend`,
 * and a local bare path), a real Prometheus. Each race is forced where it can
 * be: over HTTP a proxy holds every push's ref advertisement until both
 * writers wait there, so both have decided from the same production tip and
 * exactly one push can win; on a local path the test holds git's ref lock
 * (`<ref>.lock`) until both processes have built their commit. Unforced pairs
 * (both simply started at once) shake out anything the forced ones miss.
 *
 * After every race: both exit 0, production gained exactly one commit whose
 * only parent is the old tip, history stays linear, the loser says `none` and
 * never repeats the winner's step.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CliResult } from '../helpers/cli.ts';
import { start as startGitServer, type GitHttpServer } from '../helpers/git-http-server.ts';
import type { RunningPrometheus } from '../helpers/prometheus.ts';
import {
  at,
  changedFiles,
  commitFiles,
  commitsSince,
  copyRepo,
  decisionOf,
  fsckReachable,
  git,
  history,
  lostRace,
  noteLines,
  release,
  scenarioRepo,
  sha,
  startBarrierProxy,
  startScenarioPrometheus,
  tempDir,
  tickCli,
  tickInProcess,
  trailersOf,
  type TickService,
} from './support-races.ts';

let prom: RunningPrometheus;
let server: GitHttpServer;
const root = tempDir('git-canary-races-');

before(async () => {
  [prom, server] = await Promise.all([startScenarioPrometheus(), startGitServer({ root: root.path })]);
});
after(async () => {
  await Promise.all([prom?.stop(), server?.close()]);
  root.cleanup();
});

interface PairOutcome {
  winner: TickService;
  loser: TickService;
  winnerRun: CliResult;
  loserRun: CliResult;
  commit: string;
}

/**
 * The invariants of one race for a commit on production: both exit 0, exactly
 * one new commit on top of `oldTip`, linear history, one winner that made it
 * and one loser that says `none`.
 */
function assertOneCommit(dir: string, oldTip: string, runs: CliResult[], service: string, label: string): PairOutcome {
  const decisions = runs.map((r, i) => {
    assert.equal(r.code, 0, `${label}: process ${i} exited ${r.code ?? r.signal}\n${r.stdout}\n${r.stderr}`);
    return decisionOf(r, service);
  });
  const added = commitsSince(dir, 'production', oldTip);
  assert.equal(added.length, 1, `${label}: production gained ${added.length} commits, not exactly one`);
  assert.deepEqual(added[0]!.parents, [oldTip], `${label}: the new commit's only parent is the old tip`);
  const all = history(dir, 'production');
  assert.equal(all[1]?.sha, oldTip, `${label}: the second-newest commit is the old tip`);
  for (const c of all) assert.ok(c.parents.length <= 1, `${label}: ${c.sha.slice(0, 7)} is a merge; history must stay linear`);

  const winners = decisions.filter((d) => d.commit !== null);
  assert.equal(winners.length, 1, `${label}: exactly one process reports a commit: ${JSON.stringify(decisions)}`);
  const wi = decisions.findIndex((d) => d.commit !== null);
  const winner = decisions[wi]!;
  const loser = decisions[1 - wi]!;
  assert.equal(winner.commit, added[0]!.sha, `${label}: the winner's commit is the new tip`);
  assert.equal(loser.decision, 'none', `${label}: the loser re-decided and did nothing: ${JSON.stringify(loser)}`);
  assert.equal(loser.commit, null);
  return { winner, loser, winnerRun: runs[wi]!, loserRun: runs[1 - wi]!, commit: added[0]!.sha };
}

/** Both ticks at once against `repoSpec` (URL or path), each with its own cache. */
function racePair(repoSpec: string, now: string, caches: [string, string] | [undefined, undefined], service?: string): Promise<CliResult[]> {
  return Promise.all(caches.map((cacheDir) => tickCli(repoSpec, { now, prometheus: prom.url, cacheDir, service })));
}

describe('two ticks over HTTP (git http-backend), each with its own cache', () => {
  test('every transition of a rollout, forced races then plain pairs: one commit each time, the loser refetches and says none', async (t) => {
    const repo = await scenarioRepo({ dir: join(root.path, 'rollout.git') });
    const barrier = await startBarrierProxy(server.url, { parties: 2 });
    const caches = [join(root.path, 'cache-a'), join(root.path, 'cache-b')] as [string, string];
    try {
      const viaBarrier = `${barrier.url}/rollout.git`;
      const direct = `${server.url}/rollout.git`;
      const expected: { minute: number; decision: string; weight: number; phase: string; forced: boolean }[] = [
        { minute: 2, decision: 'start', weight: 10, phase: 'progressing', forced: true },
        { minute: 3, decision: 'step', weight: 25, phase: 'progressing', forced: true },
        { minute: 4, decision: 'step', weight: 50, phase: 'progressing', forced: true },
        { minute: 5, decision: 'promote', weight: 0, phase: 'promoted', forced: true },
      ];
      for (const e of expected) {
        const label = `${e.decision} at T0+${e.minute}m (forced)`;
        const oldTip = sha(repo.dir, 'production');
        const rounds = barrier.rounds.length;
        const runs = await racePair(viaBarrier, at(e.minute), caches);
        const o = assertOneCommit(repo.dir, oldTip, runs, 'checkout', label);
        assert.equal(o.winner.decision, e.decision, label);
        assert.equal(o.winner.weight, e.weight, label);
        assert.equal(trailersOf(repo.dir, o.commit).phase, e.phase, label);
        assert.equal(trailersOf(repo.dir, o.commit).weight, String(e.weight), label);
        // The race really happened: both pushes were let through together, the loser lost on the server.
        assert.deepEqual(barrier.rounds.slice(rounds), [{ released: 2, full: true }], `${label}: both writers reached the push`);
        assert.ok(lostRace(o.loserRun), `${label}: the loser logged the lost race:\n${o.loserRun.stderr}`);
        assert.ok(!lostRace(o.winnerRun), `${label}: the winner did not lose a race`);
        // The loser decided again from the new tip: it waits (or sees nothing left to do).
        assert.match(o.loser.reason, e.decision === 'promote' ? /same/ : /waiting/, `${label}: ${o.loser.reason}`);
      }

      // A new release and plain pairs (no barrier): whatever the timing, the same invariants.
      commitFiles(repo.dir, 'candidate', release('checkout', 'registry.example.com/checkout:1.2.0'), { message: 'ci: checkout 1.2.0\n' });
      const plain = [
        { minute: 6, decision: 'start' },
        { minute: 7, decision: 'step' },
      ];
      let lost = 0;
      for (const e of plain) {
        const oldTip = sha(repo.dir, 'production');
        const runs = await racePair(direct, at(e.minute), caches);
        const o = assertOneCommit(repo.dir, oldTip, runs, 'checkout', `${e.decision} at T0+${e.minute}m (plain)`);
        assert.equal(o.winner.decision, e.decision);
        if (lostRace(o.loserRun)) lost++;
      }
      t.diagnostic(`plain pairs over HTTP: the loser lost a push race in ${lost}/${plain.length}, else it saw the winner's commit first`);
      const last = trailersOf(repo.dir, sha(repo.dir, 'production'));
      assert.equal(last.step, '2/3');
      assert.equal(last.weight, '25');
      fsckReachable(repo.dir);
    } finally {
      await barrier.close();
      await repo.cleanup();
    }
  });

  test('a failed judgment raced by two ticks is recorded once on production, with its note, whether the notes ref exists yet or not', async () => {
    // threshold 3: two failed judgments are held. Each is a production record
    // that changes no file (Canary-Judgment: fail), its values in a note on it,
    // published notes first: the first creates refs/notes/git-canary, the second appends.
    const repo = await scenarioRepo({ apps: ['payments'], dir: join(root.path, 'judgment.git'), scenario: { threshold: 3 } });
    // The barrier lines up both workers' first push; a lone push goes on after 1 s.
    const barrier = await startBarrierProxy(server.url, { parties: 2, timeoutMs: 1000 });
    const caches = [join(root.path, 'jcache-a'), join(root.path, 'jcache-b')] as [string, string];
    const url = `${barrier.url}/judgment.git`;
    try {
      await tickInProcess(repo.dir, { now: at(2), prometheus: prom.url });
      let previous = sha(repo.dir, 'production');
      assert.equal(trailersOf(repo.dir, previous).service, 'payments');

      for (const [minute, count] of [
        [3, 1],
        [4, 2],
      ] as const) {
        const label = `failed judgment at T0+${minute}m`;
        const runs = await racePair(url, at(minute), caches);
        const d = runs.map((r) => decisionOf(r, 'payments'));
        assert.deepEqual(d.map((x) => x.decision).sort(), ['hold', 'none'], `${label}: one holds, the other re-decides: ${JSON.stringify(d)}`);
        const added = commitsSince(repo.dir, 'production', previous);
        assert.equal(added.length, 1, `${label}: exactly one judgment record on production`);
        const record = added[0]!.sha;
        assert.deepEqual(changedFiles(repo.dir, record), [], `${label}: the record changes no file`);
        const t = trailersOf(repo.dir, record);
        assert.equal(t.judgment, 'fail');
        assert.match(git(repo.dir, ['log', '-1', '--format=%B', record]), new RegExp(`Canary-Failed-Checks: ${count}\\n`));
        const onRecord = noteLines(repo.dir).filter((l) => l.commit === record);
        assert.equal(onRecord.length, 1, `${label}: its note holds the judgment once`);
        assert.equal(JSON.parse(onRecord[0]!.line).outcome, 'fail');
        // A note on a commit that never reached production can only be the loser's orphan; never more than one per race.
        const published = new Set(history(repo.dir, 'production').map((c) => c.sha));
        assert.ok(noteLines(repo.dir).filter((l) => !published.has(l.commit)).length <= count, `${label}: at most one orphan note per lost race`);
        const loser = runs[d.findIndex((x) => x.decision === 'none')]!;
        assert.ok(lostRace(loser), `${label}: the loser lost the race and decided again:\n${loser.stderr}`);
        assert.match(decisionOf(loser, 'payments').reason, /waiting/);
        previous = record;
      }

      fsckReachable(repo.dir, ['production', 'refs/notes/git-canary']);
    } finally {
      await barrier.close();
      await repo.cleanup();
    }
  });
});

/**
 * Hold git's lock on `ref` of the local repository `dir` (as a concurrent
 * `git push` would) until the object `until` exists there, then `extraMs`
 * more, so that both racing processes have read production and built their
 * commit before either can publish it.
 */
async function holdRefLock(dir: string, ref: string, until: string, extraMs: number, timeoutMs = 15_000): Promise<void> {
  const lock = join(dir, `${ref}.lock`);
  const object = join(dir, 'objects', until.slice(0, 2), until.slice(2));
  const deadline = Date.now() + timeoutMs;
  try {
    while (!existsSync(object)) {
      if (Date.now() > deadline) throw new Error(`object ${until} never appeared`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, extraMs));
  } finally {
    unlinkSync(lock);
  }
}

/** The tip `ref` would have after an uninterrupted tick at `now`: the same tick on a copy (the result is deterministic). */
async function expectedAfterTick(dir: string, now: string, ref: string): Promise<string> {
  const t = tempDir('git-canary-copy-');
  try {
    const copy = join(t.path, 'copy.git');
    copyRepo(dir, copy);
    await tickInProcess(copy, { now, prometheus: prom.url });
    return sha(copy, ref);
  } finally {
    t.cleanup();
  }
}

describe('two ticks on a local bare repository', () => {
  test('forced races (ref lock held until both built the commit) on start and step, then plain pairs', async (t) => {
    const repo = await scenarioRepo();
    try {
      for (const [minute, decision, weight] of [
        [2, 'start', 10],
        [3, 'step', 25],
      ] as const) {
        const label = `${decision} at T0+${minute}m (forced, local)`;
        const oldTip = sha(repo.dir, 'production');
        const next = await expectedAfterTick(repo.dir, at(minute), 'production');
        assert.notEqual(next, oldTip);
        writeFileSync(join(repo.dir, 'refs/heads/production.lock'), `${oldTip}\n`);
        const held = holdRefLock(repo.dir, 'refs/heads/production', next, 1500);
        const runs = await racePair(repo.dir, at(minute), [undefined, undefined]);
        await held;
        const o = assertOneCommit(repo.dir, oldTip, runs, 'checkout', label);
        assert.equal(o.winner.decision, decision);
        assert.equal(o.winner.weight, weight);
        assert.equal(o.commit, next, `${label}: the commit is the one an uninterrupted tick makes`);
        assert.ok(lostRace(o.loserRun), `${label}: the loser lost the compare-and-swap:\n${o.loserRun.stderr}`);
        assert.ok(!existsSync(join(repo.dir, 'refs/heads/production.lock')), 'no lock file is left behind');
      }

      let lost = 0;
      for (const [minute, decision] of [
        [4, 'step'],
        [5, 'promote'],
      ] as const) {
        const oldTip = sha(repo.dir, 'production');
        const runs = await racePair(repo.dir, at(minute), [undefined, undefined]);
        const o = assertOneCommit(repo.dir, oldTip, runs, 'checkout', `${decision} at T0+${minute}m (plain, local)`);
        assert.equal(o.winner.decision, decision);
        if (lostRace(o.loserRun)) lost++;
      }
      t.diagnostic(`plain local pairs: the loser lost a compare-and-swap in ${lost}/2, else it saw the winner's commit first`);
      assert.equal(trailersOf(repo.dir, sha(repo.dir, 'production')).phase, 'promoted');
      fsckReachable(repo.dir);
    } finally {
      await repo.cleanup();
    }
  });

  test('a failed judgment raced on the local notes ref is recorded once', async () => {
    const repo = await scenarioRepo({ apps: ['payments'] });
    try {
      await tickInProcess(repo.dir, { now: at(2), prometheus: prom.url });
      const started = sha(repo.dir, 'production');
      const nextNotes = await expectedAfterTick(repo.dir, at(3), 'refs/notes/git-canary');
      // The notes ref does not exist yet: its lock still excludes a second creator.
      mkdirSync(join(repo.dir, 'refs/notes'), { recursive: true });
      writeFileSync(join(repo.dir, 'refs/notes/git-canary.lock'), '');
      const held = holdRefLock(repo.dir, 'refs/notes/git-canary', nextNotes, 1500);
      const runs = await racePair(repo.dir, at(3), [undefined, undefined]);
      await held;
      const d = runs.map((r) => decisionOf(r, 'payments'));
      assert.deepEqual(d.map((x) => x.decision).sort(), ['hold', 'none'], JSON.stringify(d));
      const added = commitsSince(repo.dir, 'production', started);
      assert.equal(added.length, 1, 'one judgment record on production');
      assert.equal(trailersOf(repo.dir, added[0]!.sha).judgment, 'fail');
      const lines = noteLines(repo.dir);
      assert.equal(lines.length, 1, `judgment lines:\n${lines.map((l) => l.line).join('\n')}`);
      assert.equal(lines[0]!.commit, added[0]!.sha, 'the note is on the published record');
      assert.equal(sha(repo.dir, 'refs/notes/git-canary'), nextNotes);
      assert.ok(runs.some(lostRace), 'one process lost the race on the notes ref');
      fsckReachable(repo.dir, ['production', 'refs/notes/git-canary']);
    } finally {
      await repo.cleanup();
    }
  });
});
