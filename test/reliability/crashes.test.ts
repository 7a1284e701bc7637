/**
 * Crashes (PRODUCT.md, Promises: "A crash at any point leaves production
 * either before or after one whole commit"), over HTTP with a cache kept
 * between runs, and the locks and caches a crash leaves behind.
 *
 * The real CLI is SIGKILLed at points chosen by what it is doing: when its
 * fetch reaches the server, when it takes the cache lock (an exact hook), when
 * its push's advertisement or pack arrives, during the notes push, holding a
 * ref lock, and at seeded times from the spawn. After every kill: production
 * is the old tip or exactly the commit an uninterrupted tick makes, the next
 * tick (same cache) continues without waiting on any lock, and production
 * ends where an uninterrupted tick leaves it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { remoteCacheDir } from '../../src/git/index.ts';
import { start as startGitServer, type GitHttpServer } from '../helpers/git-http-server.ts';
import type { RunningPrometheus } from '../helpers/prometheus.ts';
import {
  at,
  cli,
  commitsSince,
  copyRepo,
  decisionOf,
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
  startScenarioPrometheus,
  tempDir,
  tickCli,
  tickInProcess,
  type SpawnedTick,
} from '../e2e/support-races.ts';
import { recordFigures, scale } from './figures.ts';

let prom: RunningPrometheus;
let server: GitHttpServer;
const root = tempDir('git-canary-crashes-');

interface Transition {
  name: string;
  service: string;
  now: string;
  /** The decision a tick makes from the old tip. */
  decision: string;
  template: string;
  base: string;
  expected: string;
  /** Refs an uninterrupted tick publishes. */
  refs: string[];
}
const tr: Record<'start' | 'judgment', Transition> = {} as never;

async function prepare(name: 'start' | 'judgment'): Promise<Transition> {
  const service = name === 'start' ? 'checkout' : 'payments';
  const template = await scenarioRepo({
    apps: [service as 'checkout' | 'payments'],
    dir: join(root.path, `${name}-template.git`),
    scenario: name === 'judgment' ? { threshold: 3 } : undefined,
  });
  if (name === 'judgment') await tickInProcess(template.dir, { now: at(2), prometheus: prom.url });
  const now = at(name === 'start' ? 2 : 3);
  const base = sha(template.dir, 'production');
  const ref = join(root.path, `${name}-reference.git`);
  copyRepo(template.dir, ref);
  const r = await tickCli(ref, { now, prometheus: prom.url });
  const d = decisionOf(r, service);
  const expected = sha(ref, 'production');
  assert.deepEqual(commitsSince(ref, 'production', base).map((c) => c.sha), [expected]);
  return {
    name, service, now, decision: d.decision, template: template.dir, base, expected,
    refs: name === 'judgment' ? ['production', 'refs/notes/git-canary'] : ['production'],
  };
}

before(async () => {
  [prom, server] = await Promise.all([startScenarioPrometheus(), startGitServer({ root: root.path })]);
  tr.start = await prepare('start');
  tr.judgment = await prepare('judgment');
});
after(async () => {
  await Promise.all([prom?.stop(), server?.close()]);
  root.cleanup();
});

type Anchor = 'spawn' | 'fetch' | 'advertisement' | 'receive-pack' | 'lock-taken' | 'warm-fetch';
interface KillPoint {
  transition: 'start' | 'judgment';
  anchor: Anchor;
  /** Which request (or lock) of that kind: 1 = the first. */
  nth: number;
  ms: number;
}

const isFetch = (req: { url?: string; method?: string }) => req.method === 'POST' && /git-upload-pack$/.test(req.url ?? '');

let seq = 0;
/** One kill point: a fresh copy of the transition's repository, a tick over HTTP killed there, then the next tick with the same cache. */
async function crashAt(point: KillPoint): Promise<{ state: 'before' | 'after'; killed: boolean; lockLeft: boolean; brokeLock: boolean }> {
  const t = tr[point.transition];
  const id = seq++;
  const label = `${point.transition}: kill #${id} at ${point.anchor} ${point.nth} +${point.ms} ms`;
  const name = `kill-${id}.git`;
  const dir = join(root.path, name);
  copyRepo(t.template, dir);
  const cacheDir = join(root.path, `kill-cache-${id}`);
  mkdirSync(cacheDir, { recursive: true });
  let spawned: SpawnedTick | undefined;
  const kill = () => killTick(spawned);
  const seen: Record<string, number> = {};
  const proxy = await startProxy(server.url, (req) => {
    const kind = isPushAdvertisement(req) ? 'advertisement' : isPush(req) ? 'receive-pack' : isFetch(req) ? 'fetch' : undefined;
    if (!kind) return;
    seen[kind] = (seen[kind] ?? 0) + 1;
    const anchor = point.anchor === 'warm-fetch' ? 'fetch' : point.anchor;
    if (anchor !== kind || seen[kind] !== point.nth) return;
    if (point.ms === 0) kill();
    else setTimeout(kill, point.ms);
  });
  const url = `${proxy.url}/${name}`;
  const gitdir = remoteCacheDir(url, cacheDir);
  try {
    if (point.anchor === 'warm-fetch') {
      // A cache that already holds the branches: the kill lands in a refetch into it.
      const warm = await tickCli(url, { now: t.now, prometheus: prom.url, cacheDir, service: t.service });
      assert.equal(warm.code, 0, warm.stderr);
      for (const k of Object.keys(seen)) delete seen[k];
      // The warming tick published the transition; start over from the old tip, keeping the cache.
      rmSync(dir, { recursive: true, force: true });
      copyRepo(t.template, dir);
    }
    spawned = spawnTick(url, {
      now: t.now, prometheus: prom.url, cacheDir, service: t.service,
      env: point.anchor === 'lock-taken' ? killHookEnv(`lock-taken:${point.nth}`) : {},
    });
    if (point.anchor === 'spawn') setTimeout(kill, point.ms);
    const run = await spawned.done;
    if (run.signal !== 'SIGKILL') assert.equal(run.code, 0, `${label}: ended on its own successfully: ${run.stderr}`);
    await proxy.idle();
    const tip = sha(dir, 'production');
    assert.ok(tip === t.base || tip === t.expected, `${label}: production is ${tip}, neither the old tip nor the one whole commit`);
    const state = tip === t.base ? 'before' : 'after';
    fsckReachable(dir);
    const lockLeft = existsSync(`${gitdir}.lock`);
    if (lockLeft) {
      // What a kill leaves: a lock naming the dead process.
      assert.match(readFileSync(`${gitdir}.lock`, 'utf8'), new RegExp(`^git-canary lock pid=${spawned.child.pid} host=${hostname()}`), label);
    }

    const next = await tickCli(url, { now: t.now, prometheus: prom.url, cacheDir, service: t.service });
    const d = decisionOf(next, t.service);
    assert.doesNotMatch(next.stderr, /stayed locked|cannot lock|is held by/, `${label}: the next tick never waits out a lock`);
    const brokeLock = /broke the lock [^"]*\.lock: its owner, process \d+ on [^,]+, is no longer running/.test(next.stderr);
    if (lockLeft) assert.ok(brokeLock, `${label}: the left-over cache lock is broken at once, its owner being dead:\n${next.stderr}`);
    assert.equal(d.decision, state === 'before' ? t.decision : 'none', `${label}: next tick: ${JSON.stringify(d)}`);
    assert.equal(sha(dir, 'production'), t.expected, `${label}: after the next tick production is the one whole commit`);
    assert.ok(!existsSync(`${gitdir}.lock`), `${label}: no lock is left`);
    fsckReachable(dir, t.refs.filter((r) => r === 'production' || tryRev(dir, r)));
    return { state, killed: run.signal === 'SIGKILL', lockLeft, brokeLock };
  } finally {
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

function tryRev(dir: string, ref: string): boolean {
  try {
    git(dir, ['rev-parse', '--verify', '--quiet', ref]);
    return true;
  } catch {
    return false;
  }
}

function killPoints(): KillPoint[] {
  const rnd = seeded(0x5eed_c0de);
  const points: KillPoint[] = [
    // during fetch into a (new) cache, and into a warm one
    { transition: 'start', anchor: 'fetch', nth: 1, ms: 0 },
    { transition: 'start', anchor: 'fetch', nth: 1, ms: 3 },
    { transition: 'start', anchor: 'fetch', nth: 2, ms: 0 },
    { transition: 'start', anchor: 'warm-fetch', nth: 1, ms: 0 },
    // holding the cache lock: the first, second and a later one taken
    { transition: 'start', anchor: 'lock-taken', nth: 1, ms: 0 },
    { transition: 'start', anchor: 'lock-taken', nth: 2, ms: 0 },
    { transition: 'start', anchor: 'lock-taken', nth: 4, ms: 0 },
    { transition: 'judgment', anchor: 'lock-taken', nth: 5, ms: 0 },
    // after the commit, before the push; during the push
    { transition: 'start', anchor: 'advertisement', nth: 1, ms: 0 },
    { transition: 'start', anchor: 'receive-pack', nth: 1, ms: 0 },
    { transition: 'start', anchor: 'receive-pack', nth: 1, ms: 5 },
    // the notes are pushed first, production second
    { transition: 'judgment', anchor: 'advertisement', nth: 1, ms: 0 },
    { transition: 'judgment', anchor: 'receive-pack', nth: 1, ms: 0 },
    { transition: 'judgment', anchor: 'receive-pack', nth: 1, ms: 4 },
    { transition: 'judgment', anchor: 'advertisement', nth: 2, ms: 0 },
    { transition: 'judgment', anchor: 'receive-pack', nth: 2, ms: 0 },
  ];
  // seeded times from the spawn: start-up, reading, analysis, writing
  const timed = scale(2, 30);
  for (let i = 0; i < timed; i++) points.push({ transition: i % 2 ? 'judgment' : 'start', anchor: 'spawn', nth: 1, ms: Math.round(600 + rnd() * 2400) });
  return points;
}

describe('SIGKILL over HTTP, cache kept between runs', () => {
  test('a tick killed at any point leaves production before or after one whole transition, and the next tick continues without waiting on a left-over lock', async (t) => {
    const points = killPoints();
    const results: Awaited<ReturnType<typeof crashAt>>[] = [];
    // Three at a time: each is its own repository, cache and proxy.
    for (let i = 0; i < points.length; i += 3) results.push(...(await Promise.all(points.slice(i, i + 3).map(crashAt))));
    const before = results.filter((r) => r.state === 'before').length;
    const locks = results.filter((r) => r.lockLeft).length;
    t.diagnostic(`${points.length} kill points: production before in ${before}, after in ${results.length - before}; ${locks} left a cache lock, each broken at once`);
    assert.ok(before > 0 && before < results.length, 'kills landed both before and after the publication');
    assert.ok(locks >= 3, 'kills while holding the cache lock left it behind');
    recordFigures('crashes', {
      'kill points over HTTP': points.length,
      'kill points in all (with the two ref-lock kills)': points.length + 2,
      'kills that left a cache lock': locks,
      'kills after which production was the old tip': before,
      'kills after which production was one whole transition on': results.length - before,
    });
  });
});

describe('ref locks left by a crash', () => {
  test('a ref lock left by a SIGKILLed tick is broken at once (its owner is dead) and the next tick completes', async () => {
    const t = tr.start;
    const dir = join(root.path, 'ref-lock-kill.git');
    copyRepo(t.template, dir);
    const lock = join(dir, 'refs/heads/production.lock');
    const killed = await tickCli(dir, { now: t.now, prometheus: prom.url, env: killHookEnv('ref-rename:1') });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    assert.match(readFileSync(lock, 'utf8'), /^git-canary lock pid=\d+ host=\S+/, 'the lock names its owner up to the last instant');
    assert.equal(sha(dir, 'production'), t.base);
    const next = await tickCli(dir, { now: t.now, prometheus: prom.url });
    assert.equal(decisionOf(next).decision, 'start', next.stderr);
    assert.match(next.stderr, /broke the lock [^"]*production\.lock: its owner, process \d+ on [^,]+, is no longer running/);
    assert.doesNotMatch(next.stderr, /cannot lock/);
    assert.equal(sha(dir, 'production'), t.expected);
    assert.ok(!existsSync(lock));
    assert.deepEqual(readdirSync(join(dir, 'refs/heads')).filter((n) => n.includes('.lock')), [], 'the dead process\'s private files are gone too');
    fsckReachable(dir);
  });

  test('a ref lock killed right after it was taken names its owner, and is broken at once too', async () => {
    const t = tr.start;
    const dir = join(root.path, 'ref-lock-taken.git');
    copyRepo(t.template, dir);
    const killed = await tickCli(dir, { now: t.now, prometheus: prom.url, env: killHookEnv('lock-taken:1') });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    assert.match(readFileSync(join(dir, 'refs/heads/production.lock'), 'utf8'), /^git-canary lock pid=\d+ host=/);
    const next = await tickCli(dir, { now: t.now, prometheus: prom.url });
    assert.equal(decisionOf(next).decision, 'start', next.stderr);
    assert.match(next.stderr, /no longer running/);
    assert.equal(sha(dir, 'production'), t.expected);
  });

  test('a hand-made ref lock with no owner (as real git leaves it) is respected until it is 30 s old', async () => {
    const t = tr.start;
    const dir = join(root.path, 'ref-lock-hand.git');
    copyRepo(t.template, dir);
    const lock = join(dir, 'refs/heads/production.lock');
    writeFileSync(lock, `${t.base}\n`);
    const blocked = await tickCli(dir, { now: t.now, prometheus: prom.url });
    assert.equal(blocked.code, 1, blocked.stderr);
    const errors = blocked.stderr.split('\n').filter((l) => l.startsWith('error:'));
    assert.equal(errors.length, 1, blocked.stderr);
    assert.match(errors[0]!, /cannot lock refs\/heads\/production.*production\.lock/);
    assert.equal(sha(dir, 'production'), t.base);
    const old = new Date(Date.now() - 31_000);
    utimesSync(lock, old, old);
    const next = await tickCli(dir, { now: t.now, prometheus: prom.url });
    assert.equal(decisionOf(next).decision, 'start', next.stderr);
    assert.match(next.stderr, /names no owner/);
    assert.equal(sha(dir, 'production'), t.expected);
  });

  test('a ref lock of a live process on this host is waited for and never broken, however old', async () => {
    const t = tr.start;
    const dir = join(root.path, 'ref-lock-live.git');
    copyRepo(t.template, dir);
    const lock = join(dir, 'refs/heads/production.lock');
    writeFileSync(lock, `git-canary lock pid=${process.pid} host=${hostname()}\n`);
    const old = new Date(Date.now() - 3600_000);
    utimesSync(lock, old, old);
    const blocked = await tickCli(dir, { now: t.now, prometheus: prom.url });
    assert.equal(blocked.code, 1, blocked.stderr);
    assert.match(blocked.stderr, new RegExp(`error:.*held by process ${process.pid} on`));
    assert.ok(existsSync(lock));
    assert.equal(sha(dir, 'production'), t.base);
    unlinkSync(lock);
    recordFigures('crashes', { 'ref-lock cases': 4 });
  });
});

describe('a broken cache is rebuilt', () => {
  const corruptions: Record<string, (gitdir: string) => void> = {
    'garbage config': (g) => writeFileSync(join(g, 'config'), '[core]\n\tbare = true\n[remote "origin"]\n\tfetch = +refs/heads/*:refs/remot\n\x00\x01garbage'),
    'truncated pack': (g) => {
      const pack = readdirSync(join(g, 'objects/pack')).find((n) => n.endsWith('.pack'))!;
      truncateSync(join(g, 'objects/pack', pack), 40);
    },
    'deleted pack index': (g) => {
      for (const n of readdirSync(join(g, 'objects/pack')).filter((x) => x.endsWith('.idx'))) unlinkSync(join(g, 'objects/pack', n));
    },
    'ref to a missing object': (g) => writeFileSync(join(g, 'refs/remotes/origin/production'), `${'1'.repeat(40)}\n`),
    'garbage shallow': (g) => writeFileSync(join(g, 'shallow'), 'not a commit id\n\x00\n'),
  };
  // With GIT_CANARY_RELIABILITY=full, each also on the embedded isomorphic-git path.
  const cases = [
    ...Object.keys(corruptions).map((kind) => ({ kind, embedded: false })),
    ...(scale(0, 1) ? Object.keys(corruptions).map((kind) => ({ kind, embedded: true })) : []),
  ];
  for (const { kind, embedded } of cases) {
    const corrupt = corruptions[kind]!;
    test(`a cache with a ${kind} is moved aside and rebuilt, and the tick succeeds${embedded ? ' (embedded git)' : ''}`, async () => {
      const t = tr.start;
      const slug = `${kind.replace(/\W+/g, '-')}${embedded ? '-embedded' : ''}`;
      const name = `broken-${slug}.git`;
      const dir = join(root.path, name);
      copyRepo(t.template, dir);
      const cacheDir = join(root.path, `broken-cache-${slug}`);
      const url = `${server.url}/${name}`;
      const env: Record<string, string> = embedded ? { GIT_CANARY_GIT: 'embedded' } : {};
      // A status run fills the cache (packs, refs, shallow), then the damage.
      const warm = await cli(url, ['status', '--cache-dir', cacheDir], at(1), env);
      assert.equal(warm.code, 0, warm.stderr);
      const gitdir = remoteCacheDir(url, cacheDir);
      assert.ok(readdirSync(join(gitdir, 'objects/pack')).some((n) => n.endsWith('.pack')), 'the cache holds a pack');
      corrupt(gitdir);
      const next = await tickCli(url, { now: t.now, prometheus: prom.url, cacheDir, env });
      assert.equal(decisionOf(next).decision, 'start', `${kind}: ${next.stdout}${next.stderr}`);
      assert.equal(sha(dir, 'production'), t.expected);
      const warnings = next.stderr.split('\n').filter((l) => /was broken/.test(l));
      assert.equal(warnings.length, 1, `${kind}: one warning:\n${next.stderr}`);
      assert.ok(readdirSync(cacheDir).some((n) => n.includes('.broken-')), 'the broken cache was moved aside, not deleted');
      // The rebuilt cache is healthy: git fsck, and another tick on it says none.
      git(gitdir, ['fsck', '--no-dangling', '--connectivity-only']);
      const again = await tickCli(url, { now: t.now, prometheus: prom.url, cacheDir, env });
      assert.equal(decisionOf(again).decision, 'none', again.stderr);
      assert.doesNotMatch(again.stderr, /was broken/);
    });
  }
  after(() => recordFigures('crashes', { 'cache corruptions': Object.keys(corruptions).length, 'broken-cache cases': cases.length }));
});
