/**
 * A tick killed at any point (PRODUCT.md, Promises: "A crash at any point
 * leaves production either before or after one whole commit").
 *
 * The real CLI is started on a real repository and SIGKILLed at deterministic
 * points: a seeded list of kill points, some timed from the spawn (start-up,
 * reading, analysis) and most timed from the moment the process begins writing
 * objects (the write, the ref lock, the rename, and after), so the few tens of
 * milliseconds in which a tick actually changes the repository are covered
 * densely. After each kill:
 * - production is the old tip or exactly the commit an uninterrupted tick makes
 *   (ticks on a pinned clock are deterministic), one commit on top of the old tip;
 * - everything reachable from production passes `git fsck --strict`, the tip
 *   and its tree print with `git cat-file -p`, the files are all-before or all-after;
 * - a normal tick then ends in exactly the state an uninterrupted tick reaches.
 *
 * Exact points complete the random ones: a preloaded hook (support-races.ts,
 * KILL_HOOK) kills the process at each object write, between creating the
 * file and filling it, and while it holds git's ref lock. Over HTTP, kills fire
 * when the push's requests reach a proxy, and the next tick reuses the cache.
 */
import assert from 'node:assert/strict';
import { existsSync, type FSWatcher, readdirSync, readFileSync, utimesSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { start as startGitServer, type GitHttpServer } from '../helpers/git-http-server.ts';
import { startOrphan } from '../helpers/orphan.ts';
import type { RunningPrometheus } from '../helpers/prometheus.ts';
import {
  at,
  commitsSince,
  copyRepo,
  decisionOf,
  filesAt,
  fsckAll,
  fsckReachable,
  git,
  isPush,
  isPushAdvertisement,
  killHookEnv,
  scenarioRepo,
  seeded,
  sha,
  spawnTick,
  killTick,
  startProxy,
  startStallingProxy,
  startScenarioPrometheus,
  tempDir,
  tickCli,
  tickInProcess,
  trailersOf,
  type ScenarioRepo,
  type SpawnedTick,
} from './support-races.ts';

let prom: RunningPrometheus;
let server: GitHttpServer;
const root = tempDir('git-canary-crash-');

interface Transition {
  name: string;
  /** The pinned time of the tick under test. */
  now: string;
  decision: string;
  phase: string;
  template: ScenarioRepo;
  /** Production's tip before the tick. */
  base: string;
  /** Production's tip after an uninterrupted tick (the same on every run). */
  expected: string;
  beforeFiles: Record<string, string>;
  afterFiles: Record<string, string>;
  /** Calibration, from one uninterrupted CLI run: ms from spawn to the first object written, and to exit. */
  firstWriteMs: number;
  exitMs: number;
}

const transitions: Record<'start' | 'promote', Transition> = {} as never;

/** A kill point: `ms` after the spawn, or after the process starts writing objects into the repository. */
interface KillPoint {
  anchor: 'spawn' | 'first-write';
  ms: number;
}

/** Spawn a tick on `dir` and SIGKILL it at `point`; resolves once it is gone. */
async function killAt(dir: string, now: string, point: KillPoint | undefined): Promise<{ killed: boolean; code: number | null; ms: number; firstWriteMs?: number }> {
  let firstWriteMs: number | undefined;
  let spawned: SpawnedTick | undefined;
  const kill = () => killTick(spawned);
  // Anything appearing under objects/ is the process writing: the first blob of its commit.
  const watcher: FSWatcher = watch(join(dir, 'objects'), { recursive: true }, () => {
    if (firstWriteMs !== undefined || !spawned) return;
    firstWriteMs = performance.now() - spawned.startedAt;
    if (point?.anchor === 'first-write') {
      if (point.ms === 0) kill();
      else setTimeout(kill, point.ms);
    }
  });
  spawned = spawnTick(dir, { now, prometheus: prom.url });
  if (point?.anchor === 'spawn') setTimeout(kill, point.ms);
  const r = await spawned.done;
  watcher.close();
  return { killed: r.signal === 'SIGKILL', code: r.code, ms: r.ms, firstWriteMs };
}

/** Build a transition: its template repository, and what an uninterrupted CLI tick does to a copy of it. */
async function prepare(name: 'start' | 'promote'): Promise<Transition> {
  const template = await scenarioRepo({ dir: join(root.path, `${name}-template.git`) });
  if (name === 'promote') {
    for (const m of [2, 3, 4]) await tickInProcess(template.dir, { now: at(m), prometheus: prom.url });
    assert.equal(trailersOf(template.dir, sha(template.dir, 'production')).step, '3/3');
  }
  const now = at(name === 'start' ? 2 : 5);
  const base = sha(template.dir, 'production');
  const ref = join(root.path, `${name}-reference.git`);
  copyRepo(template.dir, ref);
  const run = await killAt(ref, now, undefined);
  assert.equal(run.code, 0, `the uninterrupted ${name} tick succeeds`);
  const expected = sha(ref, 'production');
  assert.deepEqual(commitsSince(ref, 'production', base).map((c) => c.sha), [expected]);
  return {
    name,
    now,
    decision: name,
    phase: name === 'start' ? 'progressing' : 'promoted',
    template,
    base,
    expected,
    beforeFiles: filesAt(template.dir, base),
    afterFiles: filesAt(ref, expected),
    firstWriteMs: run.firstWriteMs ?? run.ms * 0.9,
    exitMs: run.ms,
  };
}

before(async () => {
  [prom, server] = await Promise.all([startScenarioPrometheus(), startGitServer({ root: root.path })]);
  transitions.start = await prepare('start');
  transitions.promote = await prepare('promote');
});
after(async () => {
  await Promise.all([prom?.stop(), server?.close()]);
  root.cleanup();
});

/**
 * Production of `dir` is before or after one whole commit; returns which.
 * Checked with git itself: fsck of everything reachable, cat-file of the tip
 * and its tree, and every file compared with the before and after states.
 */
function assertWhole(dir: string, tr: Transition, label: string): 'before' | 'after' {
  const tip = sha(dir, 'production');
  assert.ok(tip === tr.base || tip === tr.expected, `${label}: production is ${tip}, neither the old tip nor the one whole commit`);
  if (tip === tr.expected) {
    assert.deepEqual(commitsSince(dir, 'production', tr.base).map((c) => [c.sha, c.parents]), [[tr.expected, [tr.base]]], label);
  }
  fsckReachable(dir);
  assert.match(git(dir, ['cat-file', '-p', tip]), /^tree [0-9a-f]{40}\n/, `${label}: the tip commit parses`);
  assert.ok(git(dir, ['cat-file', '-p', `${tip}^{tree}`]).length > 0, `${label}: its tree parses`);
  const files = filesAt(dir, tip);
  assert.deepEqual(files, tip === tr.base ? tr.beforeFiles : tr.afterFiles, `${label}: files are all-before or all-after`);
  return tip === tr.base ? 'before' : 'after';
}

/** The seeded kill points for a transition: 3 during start-up and reading, 12 from the first object write on. */
function killPoints(tr: Transition, seed: number): KillPoint[] {
  const rnd = seeded(seed);
  const writing = Math.max(tr.exitMs - tr.firstWriteMs, 20);
  const early = Array.from({ length: 3 }, () => ({ anchor: 'spawn' as const, ms: Math.round(rnd() * tr.firstWriteMs * 0.9) }));
  // Offsets up to 1.2× the writing time: the object writes, the ref lock, the rename, and a little after.
  const late = Array.from({ length: 12 }, (_, i) => ({ anchor: 'first-write' as const, ms: i === 0 ? 0 : Math.round(rnd() * writing * 1.2 * 10) / 10 }));
  return [...early.sort((a, b) => a.ms - b.ms), ...late.sort((a, b) => a.ms - b.ms)];
}

// One at a time: a kill is a timer of this process, and the other test's synchronous git
// (copies, fsck) held the event loop long enough that every kill came after its tick had
// finished (a CI run saw none land before the commit was published).
describe('SIGKILL at seeded points of a tick, local bare repository', { concurrency: 1 }, () => {
  for (const [name, seed] of [
    ['start', 0x5eed_0001],
    ['promote', 0x5eed_0002],
  ] as const) {
    test(`${name}: production is before or after one whole commit, and the next tick ends where an uninterrupted one does`, async (t) => {
      const tr = transitions[name];
      const points = killPoints(tr, seed);
      const seen = { before: 0, after: 0, exitedFirst: 0 };
      const garbage: string[] = [];
      const lockLeft: string[] = [];
      for (const [i, point] of points.entries()) {
        const label = `${name} kill #${i + 1} (${point.ms} ms after ${point.anchor})`;
        const dir = join(root.path, `${name}-kill-${i}.git`);
        copyRepo(tr.template.dir, dir);
        const run = await killAt(dir, tr.now, point);
        if (!run.killed) {
          assert.equal(run.code, 0, `${label}: the tick ended on its own, successfully`);
          seen.exitedFirst++;
        }
        const state = assertWhole(dir, tr, label);
        seen[state]++;
        try {
          fsckAll(dir);
        } catch (e) {
          garbage.push(`${label}: ${String((e as { stderr?: string }).stderr ?? e).trim()}`);
        }
        const lockFile = join(dir, 'refs/heads/production.lock');
        if (existsSync(lockFile)) {
          // Killed holding git's ref lock: it names the dead process, so the next
          // tick breaks it at once (the exact test below), with no ageing.
          lockLeft.push(label);
          assert.match(readFileSync(lockFile, 'utf8'), /^git-canary lock pid=\d+ host=/, `${label}: the left lock names its owner`);
        }

        // The next tick, on the same pinned clock, continues from whatever the kill left.
        const next = await tickInProcess(dir, { now: tr.now, prometheus: prom.url });
        const d = next.services.find((s) => s.service === 'checkout')!;
        assert.equal(d.decision, state === 'before' ? tr.decision : 'none', `${label}: next tick: ${JSON.stringify(d)}`);
        assert.equal(sha(dir, 'production'), tr.expected, `${label}: after the next tick production is the one whole commit`);
        assert.equal(trailersOf(dir, tr.expected).phase, tr.phase);
        fsckReachable(dir);
      }
      t.diagnostic(
        `${name}: calibrated first write at ${Math.round(tr.firstWriteMs)} ms, exit at ${Math.round(tr.exitMs)} ms; ` +
          `after the kills production was before in ${seen.before}, after in ${seen.after}; ${seen.exitedFirst} ticks finished before their kill`,
      );
      for (const g of garbage) t.diagnostic(`unreachable damage left by a kill (not on production): ${g}`);
      assert.ok(seen.before > 0, 'some kills landed before the commit was published');
      if (lockLeft.length > 0) t.diagnostic(`kills inside the ref lock (broken at once, its owner dead): ${lockLeft.join(', ')}`);
    });
  }
});

describe('SIGKILL at exact points: every object write, and inside the ref lock', () => {
  test('killed between creating each object file and writing it: the next tick never reuses the empty file', async () => {
    // A kill between open(O_CREAT|O_TRUNC) and write() of a loose object. Objects
    // are content-addressed and a tick on the same clock builds the same ones, so
    // the next tick writes the very same object names: it must not find (and
    // trust) an empty file there.
    // The start writes six objects (two blobs, three trees, the commit), the promotion
    // four (it already has the blobs); one more n than writes checks the count.
    const writes = { start: 6, promote: 4 };
    const cases = (['start', 'promote'] as const).flatMap((name) => Array.from({ length: writes[name] + 1 }, (_, i) => ({ name, n: i + 1 })));
    const results = await Promise.all(
      cases.map(async ({ name, n }) => {
        const tr = transitions[name];
        const dir = join(root.path, `object-write-${name}-${n}.git`);
        copyRepo(tr.template.dir, dir);
        const r = await tickCli(dir, { now: tr.now, prometheus: prom.url, env: killHookEnv(`object-write:${n}`) });
        return { tr, dir, n, r };
      }),
    );
    const killed: Record<string, number> = { start: 0, promote: 0 };
    for (const { tr, dir, n, r } of results) {
      const label = `${tr.name}: killed at object write #${n}`;
      if (r.signal !== 'SIGKILL') {
        // Fewer writes than n: the tick ran to its end.
        assert.equal(r.code, 0, `${label}: ${r.stderr}`);
        assert.equal(sha(dir, 'production'), tr.expected);
        continue;
      }
      killed[tr.name]!++;
      assert.equal(assertWhole(dir, tr, label), 'before', `${label}: objects are written before the ref moves`);
      const next = await tickInProcess(dir, { now: tr.now, prometheus: prom.url });
      assert.equal(next.services.find((x) => x.service === 'checkout')?.decision, tr.decision, label);
      assert.equal(sha(dir, 'production'), tr.expected, label);
      assert.doesNotThrow(() => fsckReachable(dir), `${label}: production must not reference an empty object`);
      assert.doesNotThrow(() => git(dir, ['cat-file', '-p', `${tr.expected}^{tree}`]));
    }
    assert.deepEqual(killed, writes, 'the process was killed once at every object write');
  });

  test('killed holding the ref lock: production is untouched, the lock names the dead process and the next tick breaks it at once', async () => {
    const tr = transitions.start;
    const dir = join(root.path, 'ref-lock-kill.git');
    copyRepo(tr.template.dir, dir);
    const lock = join(dir, 'refs/heads/production.lock');
    const killed = await tickCli(dir, { now: tr.now, prometheus: prom.url, env: killHookEnv('ref-rename:1') });
    assert.equal(killed.signal, 'SIGKILL', `the hook fired: ${killed.stderr}`);
    assert.ok(existsSync(lock), 'the kill left git\'s lock file');
    assert.match(readFileSync(lock, 'utf8'), /^git-canary lock pid=\d+ host=/, 'it names its owner');
    assert.equal(assertWhole(dir, tr, 'killed holding the lock'), 'before');

    // Its owner is provably dead (this host, no such pid): broken at once, with a warning, no 30 s wait.
    const next = await tickCli(dir, { now: tr.now, prometheus: prom.url });
    assert.equal(decisionOf(next).decision, 'start', next.stderr);
    assert.match(next.stderr, /broke the lock .*production\.lock: its owner, process \d+ on .*, is no longer running/);
    assert.equal(sha(dir, 'production'), tr.expected);
    assert.ok(!existsSync(lock));
    fsckReachable(dir);
  });

  test('a lock that names no owner (as real git leaves it): the next tick fails with one clear line, and it is broken once older than 30 s', async () => {
    const tr = transitions.start;
    const dir = join(root.path, 'ref-lock-anonymous.git');
    copyRepo(tr.template.dir, dir);
    const lock = join(dir, 'refs/heads/production.lock');
    writeFileSync(lock, `${tr.expected}\n`);

    // A fresh lock is respected: the next tick waits for it, then gives up with one line.
    const t0 = performance.now();
    const blocked = await tickCli(dir, { now: tr.now, prometheus: prom.url });
    assert.equal(blocked.code, 1, `${blocked.stdout}${blocked.stderr}`);
    assert.ok(performance.now() - t0 >= 4500, 'the tick waited for the lock before giving up');
    const errors = blocked.stderr.split('\n').filter((l) => l.startsWith('error:'));
    assert.equal(errors.length, 1, blocked.stderr);
    assert.match(errors[0]!, /cannot lock refs\/heads\/production.*production\.lock/);
    assert.doesNotMatch(blocked.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(sha(dir, 'production'), tr.base, 'production is still before the commit');

    // Once the lock is older than 30 s it is taken for abandoned and broken.
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const next = await tickCli(dir, { now: tr.now, prometheus: prom.url });
    assert.equal(decisionOf(next).decision, 'start', next.stderr);
    assert.equal(sha(dir, 'production'), tr.expected);
    assert.ok(!existsSync(lock));
    fsckReachable(dir);
  });
});

describe('SIGKILL during a tick over HTTP (git http-backend), cache kept between runs', () => {
  test('production is before or after one whole commit, and the next tick with the same cache completes it', async (t) => {
    const tr = transitions.start;
    const rnd = seeded(0x5eed_0003);
    // Kill points over the network: when the push's ref advertisement is requested,
    // when the pack is being sent, and timed from the spawn.
    const points: { anchor: 'advertisement' | 'receive-pack' | 'spawn'; ms: number }[] = [
      { anchor: 'advertisement', ms: 0 },
      { anchor: 'receive-pack', ms: 0 },
      { anchor: 'receive-pack', ms: Math.round(rnd() * 20) },
      { anchor: 'spawn', ms: Math.round(tr.exitMs * (0.6 + rnd() * 0.4)) },
    ];
    const seen = { before: 0, after: 0 };
    for (const [i, point] of points.entries()) {
      const label = `HTTP kill #${i + 1} (${point.ms} ms after ${point.anchor})`;
      const name = `http-kill-${i}.git`;
      const dir = join(root.path, name);
      copyRepo(tr.template.dir, dir);
      const cacheDir = join(root.path, `http-cache-${i}`);
      let spawned: SpawnedTick | undefined;
      const kill = () => killTick(spawned);
      // A proxy in front of the server fires the kill when the push's request arrives.
      let fired = false;
      const proxy = await startProxy(server.url, (req) => {
        const hit = (point.anchor === 'advertisement' && isPushAdvertisement(req)) || (point.anchor === 'receive-pack' && isPush(req));
        if (!hit || fired) return;
        fired = true;
        if (point.ms === 0) kill();
        else setTimeout(kill, point.ms);
      });
      const url = `${proxy.url}/${name}`;
      spawned = spawnTick(url, { now: tr.now, prometheus: prom.url, cacheDir });
      if (point.anchor === 'spawn') setTimeout(kill, point.ms);
      const run = await spawned.done;
      if (run.signal !== 'SIGKILL') assert.equal(run.code, 0, `${label}: ended on its own successfully: ${run.stderr}`);
      // What the killed client had sent may still be landing on the server.
      await proxy.idle();
      const state = assertWhole(dir, tr, label);
      seen[state]++;

      // The next tick, a real process with the same (possibly half-updated) cache.
      const next = await tickCli(url, { now: tr.now, prometheus: prom.url, cacheDir });
      await proxy.close();
      assert.equal(decisionOf(next).decision, state === 'before' ? 'start' : 'none', `${label}: ${next.stdout}`);
      assert.equal(sha(dir, 'production'), tr.expected, `${label}: after the next tick production is the one whole commit`);
      fsckReachable(dir);
    }
    t.diagnostic(`HTTP kills: production before in ${seen.before}, after in ${seen.after}`);
  });
});

describe('SIGKILL while native git fetches into the cache (it holds shallow.lock)', () => {
  test('the lock it leaves is kept while a git it started may still run, then removed, and the next tick completes', async () => {
    const tr = transitions.start;
    const name = 'fetch-kill.git';
    const dir = join(root.path, name);
    copyRepo(tr.template.dir, dir);
    const cacheDir = join(root.path, 'fetch-kill-cache');
    const proxy = await startStallingProxy(server.url);
    let orphan: number | undefined;
    try {
      const url = `${proxy.url}/${name}`;
      const spawned = spawnTick(url, { now: tr.now, prometheus: prom.url, cacheDir });
      await Promise.race([proxy.stalled, spawned.done]);
      // The cache whose fetch is held: git has taken its shallow.lock by the time it waits for the pack.
      const locked = async (): Promise<string | undefined> => {
        for (let i = 0; i < 1000; i++) {
          const found = readdirSync(cacheDir).map((d) => join(cacheDir, d, 'shallow.lock')).find((p) => existsSync(p));
          if (found) return found;
          await new Promise((r) => setTimeout(r, 10));
        }
        return undefined;
      };
      const lock = await locked();
      assert.ok(lock, 'native git took shallow.lock in the cache while fetching');
      killTick(spawned);
      const run = await spawned.done;
      assert.equal(run.signal, 'SIGKILL', run.stderr);
      assert.ok(existsSync(lock), 'the killed git left its lock');
      assert.equal(sha(dir, 'production'), tr.base);
      proxy.stalling = false;

      // A git that an earlier run started may still be working in the cache (node killed alone):
      // its lock is kept, and the tick fails saying so, changing nothing.
      const cache = join(lock, '..');
      orphan = await startOrphan(cache);
      const held = await tickCli(url, { now: tr.now, prometheus: prom.url, cacheDir });
      assert.equal(held.code, 1, `${held.stdout}${held.stderr}`);
      const errors = held.stderr.split('\n').filter((l) => l.startsWith('error:'));
      assert.equal(errors.length, 1, held.stderr);
      assert.match(errors[0]!, /fetch failed: the cache is locked by another git process \(.*shallow\.lock exists\)/);
      assert.doesNotMatch(held.stderr, /\n\s+at /, 'no stack trace');
      assert.ok(existsSync(lock));
      assert.equal(sha(dir, 'production'), tr.base);

      // Once nothing works in the cache, the next tick removes the lock, says so, and completes.
      process.kill(orphan, 'SIGKILL');
      orphan = undefined;
      const next = await tickCli(url, { now: tr.now, prometheus: prom.url, cacheDir });
      assert.equal(decisionOf(next).decision, 'start', `${next.stdout}${next.stderr}`);
      assert.match(next.stderr, /removed git's lock .*shallow\.lock: the git that took it is no longer running/);
      assert.ok(!existsSync(lock));
      assert.equal(sha(dir, 'production'), tr.expected);
      fsckReachable(dir);
      assert.equal(git(cache, ['fsck', '--connectivity-only', '--no-dangling']).trim(), '', 'the cache is whole');
    } finally {
      if (orphan) process.kill(orphan, 'SIGKILL');
      await proxy.close();
    }
  });
});
