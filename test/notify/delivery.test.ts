/**
 * Which decisions are said to whom, and what happens when a receiver is
 * down, slow, broken or redirects: the invariant is that notifyDecision
 * always resolves (within the target's timeout), never throws, and leaves a
 * warning naming the target without its URL's path (the credential).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { createNotifier, type NotifyConfig, NotifyConfig as NotifyConfigSchema } from '../../src/notify/index.ts';
import { clearSecrets, registerSecret } from '../../src/secrets.ts';
import { type NotifyServer, startNotifyServer } from '../helpers/notify-server.ts';
import { AT, captureLog, closedPort, stepDecision, WARN } from './support.ts';

let server: NotifyServer;
before(async () => {
  server = await startNotifyServer();
});
after(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  server.mode = 'ok';
});
afterEach(() => clearSecrets());

const targets = (raw: unknown[]): NotifyConfig => NotifyConfigSchema.parse(raw);

/** Every decision a tick or a person can make, once each, in lifecycle order. */
async function everyDecision(n: ReturnType<typeof createNotifier>): Promise<void> {
  for (const decision of ['start', 'hold', 'step', 'pause', 'none', 'error', 'promote', 'rollback']) {
    await n.notifyDecision(stepDecision({ decision }), { at: AT });
  }
  await n.notifyDecision(stepDecision({ decision: 'none' }), { at: AT, event: 'resume', actor: 'alice' });
}

const eventsReceived = (s: NotifyServer, kind: string) =>
  s.requests.filter((r) => r.kind === kind).map((r) => (r.json as { event?: string; attachments?: unknown }).event ?? 'card');

describe('events', () => {
  test('by default every decision but step and hold is said; none and error never are', async () => {
    const { log } = captureLog();
    await everyDecision(createNotifier({ targets: targets([{ type: 'webhook', url: server.url('webhook') }]), log }));
    assert.deepEqual(eventsReceived(server, 'webhook'), ['start', 'pause', 'promote', 'rollback', 'resume']);
    assert.deepEqual(server.requests.flatMap((r) => r.problems), []);
  });

  test('custom events: each target gets exactly the ones it lists', async () => {
    const { log } = captureLog();
    const n = createNotifier({
      targets: targets([
        { type: 'webhook', url: server.url('webhook', 'a'), events: ['step', 'hold'] },
        { type: 'slack', url: server.url('slack'), events: ['rollback'] },
        { type: 'teams', url: server.url('teams'), events: ['start', 'promote'] },
      ]),
      log,
    });
    await everyDecision(n);
    assert.deepEqual(eventsReceived(server, 'webhook'), ['hold', 'step']);
    assert.equal(eventsReceived(server, 'slack').length, 1);
    assert.match(server.requests.find((r) => r.kind === 'slack')!.body, /rolled back/);
    assert.equal(eventsReceived(server, 'teams').length, 2);
    assert.deepEqual(server.requests.flatMap((r) => r.problems), []);
  });
});

describe('a receiver that fails never fails the caller', () => {
  const SECRET_PATH = 'T0000/B0000/not-for-logs-1234567890';

  function assertWarned(text: string, lines: { level: number; msg: string }[], reason: RegExp): void {
    const warnings = lines.filter((l) => l.level === WARN);
    assert.equal(warnings.length, 1, text);
    assert.match(warnings[0]!.msg, reason);
    assert.match(warnings[0]!.msg, /the rollout is not affected/);
    assert.ok(!text.includes(SECRET_PATH), `the URL's path is never logged:\n${text}`);
  }

  test('down (connection refused)', async () => {
    const cap = captureLog();
    const url = `http://127.0.0.1:${await closedPort()}/slack/${SECRET_PATH}`;
    const n = createNotifier({ targets: targets([{ type: 'slack', url }]), log: cap.log });
    const [report] = await n.notifyDecision(stepDecision({ decision: 'start' }), { at: AT });
    assert.deepEqual({ ok: report!.ok, reason: report!.reason }, { ok: false, reason: 'connection refused' });
    assertWarned(cap.text(), cap.lines(), /^notification to slack \(http:\/\/127\.0\.0\.1:\d+\/\*\*\*\) failed: connection refused/);
  });

  test('slow (holds the answer beyond the timeout): given up at the timeout', async () => {
    server.mode = 'slow';
    const cap = captureLog();
    const n = createNotifier({ targets: targets([{ type: 'webhook', url: server.url('webhook', SECRET_PATH), timeout: '200ms' }]), log: cap.log });
    const [report] = await n.notifyDecision(stepDecision({ decision: 'promote' }), { at: AT });
    assert.equal(server.requests.length, 1, 'the request arrived; its answer never did');
    assert.deepEqual({ ok: report!.ok, reason: report!.reason }, { ok: false, reason: "no answer within 200ms (the notifier's timeout)" });
    assertWarned(cap.text(), cap.lines(), /failed: no answer within 200ms/);
  });

  test('500', async () => {
    server.mode = 'fail';
    const cap = captureLog();
    const n = createNotifier({ targets: targets([{ type: 'teams', url: server.url('teams', SECRET_PATH) }]), log: cap.log });
    const [report] = await n.notifyDecision(stepDecision({ decision: 'rollback' }), { at: AT });
    assert.equal(report!.reason, 'answered 500 Internal Server Error: internal error');
    assertWarned(cap.text(), cap.lines(), /failed: answered 500/);
  });

  test('a redirect is not followed (a signed body goes only where it was configured)', async () => {
    server.mode = 'redirect';
    const cap = captureLog();
    const n = createNotifier({ targets: targets([{ type: 'webhook', url: server.url('webhook', SECRET_PATH), secret: 'a-secret-of-sixteen+' }]), log: cap.log });
    const [report] = await n.notifyDecision(stepDecision({ decision: 'start' }), { at: AT });
    assert.equal(server.requests.length, 1, 'no second request to the redirect target');
    assert.match(report!.reason!, /^answered 307 Temporary Redirect \(a redirect, not followed/);
    assertWarned(cap.text(), cap.lines(), /not followed/);
  });

  test('one broken target does not keep the others from hearing', async () => {
    const cap = captureLog();
    const down = `http://127.0.0.1:${await closedPort()}/slack/${SECRET_PATH}`;
    const n = createNotifier({ targets: targets([{ type: 'slack', url: down }, { type: 'webhook', url: server.url('webhook') }]), log: cap.log });
    const reports = await n.notifyDecision(stepDecision({ decision: 'pause' }), { at: AT });
    assert.deepEqual(reports.map((r) => [r.type, r.ok]), [['slack', false], ['webhook', true]]);
    assert.equal(server.requests.length, 1);
  });
});

describe('no secret in a message', () => {
  test('a secret of the run that reached a reason is scrubbed before anything is sent', async () => {
    const token = 'glpat-Zq8xT3stT0ken9981';
    registerSecret(token);
    const { log } = captureLog();
    const n = createNotifier({ targets: targets([{ type: 'slack', url: server.url('slack') }, { type: 'webhook', url: server.url('webhook') }]), log });
    await n.notifyDecision(stepDecision({ decision: 'rollback', reason: `prometheus answered 401 for token ${token}` }), { at: AT });
    assert.equal(server.requests.length, 2);
    for (const r of server.requests) {
      assert.ok(!r.body.includes(token), r.body);
      assert.ok(r.body.includes('prometheus answered 401 for token ***'), r.body);
    }
  });
});
