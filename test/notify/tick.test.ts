/**
 * Notifications from a real tick and a person's decisions (in process, on a
 * real git repository and a pinned clock; the CLI end to end is
 * test/e2e/notify.test.ts). Invariants: a notification is sent only once its
 * commit is on production; never in a dry run; and a receiver that is down,
 * slow or broken changes nothing of the tick's result.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/index.ts';
import { openRepo } from '../../src/git/index.ts';
import type { Logger } from '../../src/log.ts';
import { createNotifier, NotifyConfig, type Notifier } from '../../src/notify/index.ts';
import { runManual } from '../../src/runner/manual.ts';
import { DEFAULT_AUTHOR, type Session } from '../../src/runner/session.ts';
import type { ServiceTickResult } from '../../src/runner/tick-service.ts';
import { tickService } from '../../src/runner/tick-services.ts';
import { commitFiles, createRepo, type Fixture, git } from '../helpers/git-fixtures.ts';
import { type NotifyServer, startNotifyServer } from '../helpers/notify-server.ts';
import { gitCanaryYaml, productionFiles, release, T0 } from '../helpers/scenario.ts';
import { captureLog, closedPort, WARN } from './support.ts';

const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const NEXT = 'registry.example.com/checkout:1.1.0';

let server: NotifyServer;
before(async () => {
  server = await startNotifyServer();
});
after(async () => {
  await server.close();
});
let fixtures: Fixture[] = [];
beforeEach(() => {
  server.requests.length = 0;
  server.mode = 'ok';
  server.onRequest = undefined;
});
afterEach(async () => {
  for (const f of fixtures) await f.cleanup();
  fixtures = [];
});

/** The scenario repository (no analysis: steps advance on the 1m interval) with checkout 1.1.0 on candidate. */
async function world() {
  const fixture = await createRepo({ production: productionFiles({ analysis: false }) });
  fixtures.push(fixture);
  commitFiles(fixture.dir, 'candidate', release('checkout', NEXT), { from: 'production', message: 'ci: checkout 1.1.0\n' });
  const repo = await openRepo(fixture.dir);
  const { config } = loadConfig(gitCanaryYaml({ analysis: false }), { file: 'git-canary.yaml', env: {} });
  return { fixture, repo, config };
}

type World = Awaited<ReturnType<typeof world>>;

function tick(w: World, minute: number, o: { notifier?: Notifier; log: Logger; dryRun?: boolean }): Promise<ServiceTickResult> {
  return tickService({
    repo: w.repo,
    config: w.config,
    name: 'checkout',
    author: DEFAULT_AUTHOR,
    now: () => at(minute),
    dryRun: o.dryRun ?? false,
    log: o.log,
    ...(o.notifier ? { notifier: o.notifier } : {}),
  });
}

const notifier = (raw: unknown[], log: Logger) => createNotifier({ targets: NotifyConfig.parse(raw), log, commitUrl: (sha) => `https://github.com/acme/manifests/commit/${sha}` });

describe('a tick notifies', () => {
  test('each published decision, after its commit is on production', async () => {
    const w = await world();
    const { log } = captureLog();
    const n = notifier([{ type: 'webhook', url: server.url('webhook'), events: ['start', 'step', 'promote', 'hold'] }], log);
    const productionWhenReceived: string[] = [];
    server.onRequest = () => productionWhenReceived.push(git(w.fixture.dir, ['rev-parse', 'refs/heads/production']).trim());
    const results = [];
    for (const minute of [2, 2.5, 3, 4, 5, 6]) results.push(await tick(w, minute, { notifier: n, log }));
    assert.deepEqual(results.map((r) => r.decision), ['start', 'none', 'step', 'step', 'promote', 'none']);
    const docs = server.requests.map((r) => r.json as { event: string; weight: number; step: string | null; commit: string; commitUrl: string; service: string });
    assert.deepEqual(server.requests.flatMap((r) => r.problems), []);
    assert.deepEqual(docs.map((d) => [d.event, d.weight, d.step]), [['start', 10, '1/3'], ['step', 25, '2/3'], ['step', 50, '3/3'], ['promote', 0, null]]);
    const published = results.filter((r) => r.commit).map((r) => r.commit);
    assert.deepEqual(docs.map((d) => d.commit), published, 'each message names the commit its tick published');
    assert.deepEqual(productionWhenReceived, published, 'and that commit was production\'s tip when the message arrived');
    assert.ok(docs.every((d) => d.service === 'checkout' && d.commitUrl === `https://github.com/acme/manifests/commit/${d.commit}`));
  });

  test('nothing in a dry run', async () => {
    const w = await world();
    const { log } = captureLog();
    const r = await tick(w, 2, { notifier: notifier([{ type: 'slack', url: server.url('slack'), events: ['start'] }], log), log, dryRun: true });
    assert.equal(r.decision, 'start');
    assert.equal(server.requests.length, 0);
  });

  for (const mode of ['slow', 'fail', 'down'] as const) {
    test(`a receiver that is ${mode} leaves the tick's result exactly as without notifications, and is logged`, async () => {
      const [a, b] = [await world(), await world()];
      const quiet = captureLog();
      const loud = captureLog();
      server.mode = mode === 'down' ? 'ok' : mode;
      const url = mode === 'down' ? `http://127.0.0.1:${await closedPort()}/slack/T0000/B0000/XXXX` : server.url('slack');
      const n = notifier([{ type: 'slack', url, events: ['start', 'step'], timeout: '200ms' }], loud.log);
      for (const minute of [2, 3]) {
        const without = await tick(a, minute, { log: quiet.log });
        const withFailing = await tick(b, minute, { notifier: n, log: loud.log });
        assert.deepEqual(withFailing, without);
      }
      assert.equal(git(b.fixture.dir, ['rev-parse', 'production']), git(a.fixture.dir, ['rev-parse', 'production']));
      const warnings = loud.lines().filter((l) => l.level === WARN);
      assert.equal(warnings.length, 2, loud.text());
      assert.ok(warnings.every((l) => /^notification to slack \(http:\/\/127\.0\.0\.1:\d+\/\*\*\*\) failed: /.test(l.msg)), loud.text());
    });
  }
});

describe('a person\'s decision notifies', () => {
  test('pause and resume are said with who decided', async () => {
    const w = await world();
    const { log } = captureLog();
    await tick(w, 2, { log });
    const session: Session = {
      repo: w.repo,
      config: w.config,
      production: 'production',
      candidate: 'candidate',
      author: DEFAULT_AUTHOR,
      secrets: [],
      notifier: notifier([{ type: 'webhook', url: server.url('webhook') }], log),
    };
    const paused = await runManual(session, 'checkout', 'pause', { now: () => at(3), actor: 'alice', reason: 'checking a dashboard' });
    const resumed = await runManual(session, 'checkout', 'resume', { now: () => at(4), actor: 'alice' });
    const docs = server.requests.map((r) => r.json as { event: string; actor: string; commit: string; reason: string; weight: number });
    assert.deepEqual(server.requests.flatMap((r) => r.problems), []);
    assert.deepEqual(docs.map((d) => [d.event, d.actor, d.commit, d.weight]), [['pause', 'alice', paused.commit, 10], ['resume', 'alice', resumed.commit, 10]]);
    assert.equal(docs[0]!.reason, 'pause requested by alice: checking a dashboard');
  });
});
