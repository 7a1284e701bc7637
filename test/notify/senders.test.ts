/**
 * Each sender against the local receiver (test/helpers/notify-server.ts),
 * which checks every payload against the vendor's published shape: Slack
 * Block Kit, a Teams Workflows message with an Adaptive Card 1.5, and the
 * signed webhook document. What each message must say: service, decision,
 * weight and step, the checks, the reason, the commit (a link on GitHub).
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createNotifier, type NotifyConfig, NotifyConfig as NotifyConfigSchema } from '../../src/notify/index.ts';
import { type NotifyServer, startNotifyServer } from '../helpers/notify-server.ts';
import { AT, captureLog, githubCommit, SHA, stepDecision } from './support.ts';

const SECRET = 'whsec-0123456789abcdef-rollouts';

let server: NotifyServer;
before(async () => {
  server = await startNotifyServer({ webhookSecret: SECRET });
});
after(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  server.mode = 'ok';
});

function targets(raw: unknown[]): NotifyConfig {
  return NotifyConfigSchema.parse(raw);
}

const allEvents = ['start', 'step', 'promote', 'rollback', 'pause', 'resume', 'hold'];

describe('slack', () => {
  test('a step is one valid Block Kit message naming service, decision, weight, checks, reason and the commit link', async () => {
    const { log } = captureLog();
    const n = createNotifier({ targets: targets([{ type: 'slack', url: server.url('slack'), events: allEvents }]), log, commitUrl: githubCommit });
    const [report] = await n.notifyDecision(stepDecision(), { at: AT });
    assert.deepEqual(report, { type: 'slack', to: `${server.origin}/***`, event: 'step', ok: true });
    assert.equal(server.requests.length, 1);
    const r = server.requests[0]!;
    assert.deepEqual(r.problems, []);
    assert.equal(r.path, '/slack/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX');
    const { text, blocks } = r.json as { text: string; blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[] };
    assert.deepEqual(blocks.map((b) => b.type), ['header', 'section', 'section', 'context']);
    assert.equal(blocks[0]!.text!.text, 'checkout: canary 25% (step 2/3)');
    assert.match(blocks[1]!.text!.text, /^\*checkout\* · decision \*step\* · weight \*25% \(step 2\/3\)\*\nstep 1\/3 passed after 5m/);
    assert.equal(blocks[2]!.text!.text, '✅ `success-rate` 99.95 — pass\n✅ `latency-p99` 0.21 — pass');
    assert.equal(blocks[3]!.elements![0]!.text, `commit <https://github.com/acme/manifests/commit/${SHA}|3f2a9c1> · rollout \`checkout-3f2a9c1\``);
    assert.match(text, /^checkout: canary 25% \(step 2\/3\): step 1\/3 passed/);
  });

  test('without a GitHub remote the commit is named, not linked; a promotion says 100% stable', async () => {
    const { log } = captureLog();
    const n = createNotifier({ targets: targets([{ type: 'slack', url: server.url('slack') }]), log });
    await n.notifyDecision(stepDecision({ decision: 'promote', weight: 0, step: null, checks: [], reason: 'promoted after 3 steps' }), { at: AT });
    const { blocks } = server.requests[0]!.json as { blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[] };
    assert.deepEqual(server.requests[0]!.problems, []);
    assert.deepEqual(blocks.map((b) => b.type), ['header', 'section', 'context'], 'no checks section when no judgment was made');
    assert.equal(blocks[0]!.text!.text, 'checkout: promoted — 100% stable');
    assert.equal(blocks.at(-1)!.elements![0]!.text, 'commit `3f2a9c1` · rollout `checkout-3f2a9c1`');
  });

  test('person-written text is mrkdwn-escaped: no mention, no link, no entity can be injected', async () => {
    const { log } = captureLog();
    const n = createNotifier({ targets: targets([{ type: 'slack', url: server.url('slack') }]), log });
    const reason = 'rollback requested by <!channel> & ops: see <https://evil.example|the fix> > now';
    await n.notifyDecision(stepDecision({ decision: 'rollback', weight: 0, step: null, reason }), { at: AT, actor: 'eve <evil@example>' });
    const r = server.requests[0]!;
    assert.deepEqual(r.problems, []);
    assert.ok(r.body.includes('&lt;!channel&gt; &amp; ops: see &lt;https://evil.example|the fix&gt; &gt; now'), r.body);
    assert.ok(r.body.includes('by eve &lt;evil@example&gt;'), r.body);
  });

  test('a reason longer than Block Kit allows is clipped, never refused', async () => {
    const { log } = captureLog();
    const n = createNotifier({ targets: targets([{ type: 'slack', url: server.url('slack') }]), log });
    await n.notifyDecision(stepDecision({ decision: 'pause', reason: `paused: ${'&'.repeat(4000)}` }), { at: AT });
    assert.deepEqual(server.requests[0]!.problems, []);
    const { blocks } = server.requests[0]!.json as { blocks: { text?: { text: string } }[] };
    assert.equal([...blocks[1]!.text!.text].length, 3000);
    assert.match(blocks[1]!.text!.text, /&amp;…$/, 'cut between entities, marked');
  });
});

describe('teams', () => {
  test('a start is a Workflows message whose Adaptive Card validates against the 1.5 schema', async () => {
    const { log } = captureLog();
    const n = createNotifier({ targets: targets([{ type: 'teams', url: server.url('teams', 'workflows/8f1e/triggers/manual/paths/invoke?sig=abc123') }]), log, commitUrl: githubCommit });
    const [report] = await n.notifyDecision(stepDecision({ decision: 'start', weight: 10, step: '1/3', checks: [], reason: 'candidate differs from production' }), { at: AT });
    assert.equal(report!.ok, true);
    const r = server.requests[0]!;
    assert.deepEqual(r.problems, []);
    const card = (r.json as { attachments: { contentType: string; content: Record<string, unknown> }[] }).attachments[0]!;
    assert.equal(card.contentType, 'application/vnd.microsoft.card.adaptive');
    const content = card.content as { version: string; body: { type: string; text?: string; facts?: { title: string; value: string }[] }[]; actions: { url: string; title: string }[] };
    assert.equal(content.version, '1.5');
    assert.equal(content.body[0]!.text, 'checkout: canary started at 10% (step 1/3)');
    assert.deepEqual(content.body[2]!.facts, [
      { title: 'Service', value: 'checkout' },
      { title: 'Decision', value: 'start' },
      { title: 'Weight', value: '10% (step 1/3)' },
      { title: 'Commit', value: '3f2a9c1' },
      { title: 'Rollout', value: 'checkout-3f2a9c1' },
    ]);
    assert.deepEqual(content.actions, [{ type: 'Action.OpenUrl', title: 'View commit 3f2a9c1', url: githubCommit(SHA) }]);
  });

  test('checks are facts, and markdown in person-written text is escaped', async () => {
    const { log } = captureLog();
    const n = createNotifier({ targets: targets([{ type: 'teams', url: server.url('teams'), events: ['hold'] }]), log });
    await n.notifyDecision(
      stepDecision({ decision: 'hold', commit: null, reason: '**urgent** [click](https://evil.example) {{DATE(2024-01-01T00:00:00Z)}}', checks: [{ name: 'error_rate', value: null, outcome: 'no-data' }] }),
      { at: AT },
    );
    const r = server.requests[0]!;
    assert.deepEqual(r.problems, []);
    const content = (r.json as { attachments: { content: { body: { text?: string; facts?: { title: string; value: string }[] }[]; actions?: unknown } }[] }).attachments[0]!.content;
    assert.equal(content.body[1]!.text, '\\*\\*urgent\\*\\* \\[click\\]\\(https://evil.example\\) \\{\\{DATE\\(2024-01-01T00:00:00Z\\)\\}\\}');
    assert.deepEqual(content.body[2]!.facts!.slice(-1), [{ title: 'error\\_rate', value: 'no value — no-data' }]);
    assert.ok(content.body[2]!.facts!.some((f) => f.title === 'Commit' && f.value === 'none (nothing was recorded)'));
    assert.equal(content.actions, undefined, 'no button without a commit link');
  });

  test('a card lists at most 20 checks and says how many more (Teams refuses messages over 28 KB)', async () => {
    const { log } = captureLog();
    const n = createNotifier({ targets: targets([{ type: 'teams', url: server.url('teams'), events: ['step'] }]), log });
    const checks = Array.from({ length: 25 }, (_, i) => ({ name: `check-${i}`, value: i, outcome: 'pass' }));
    await n.notifyDecision(stepDecision({ checks }), { at: AT });
    assert.deepEqual(server.requests[0]!.problems, []);
    const facts = (server.requests[0]!.json as { attachments: { content: { body: { facts?: { title: string; value: string }[] }[] } }[] }).attachments[0]!.content.body[2]!.facts!;
    assert.equal(facts.filter((f) => f.title.startsWith('check-')).length, 20);
    assert.deepEqual(facts.at(-1), { title: 'More checks', value: '5 more (see git-canary status)' });
  });

  test('the receiver refuses a card that breaks the schema (the check can fail)', async () => {
    const res = await fetch(server.url('teams'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', txt: 'x' }] } }] }),
    });
    assert.equal(res.status, 400);
    assert.ok(server.requests[0]!.problems.some((p) => p.includes('/attachments/0/content/body/0')), server.requests[0]!.problems.join('\n'));
  });
});

describe('webhook', () => {
  test('the document names everything, and its signature is the HMAC-SHA256 of the raw body (GitHub scheme)', async () => {
    const { log } = captureLog();
    const n = createNotifier({ targets: targets([{ type: 'webhook', url: server.url('webhook', 'hooks/rollouts'), secret: SECRET, events: ['step'] }]), log, commitUrl: githubCommit });
    await n.notifyDecision(stepDecision(), { at: AT });
    const r = server.requests[0]!;
    assert.deepEqual(r.problems, [], 'the receiver verified the signature');
    const expected = `sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`;
    assert.equal(r.headers['x-git-canary-signature'], expected);
    assert.equal(r.headers['x-git-canary-event'], 'step');
    assert.deepEqual(r.json, {
      version: 1,
      event: 'step',
      service: 'checkout',
      weight: 25,
      step: '2/3',
      checks: [
        { name: 'success-rate', value: 99.95, outcome: 'pass' },
        { name: 'latency-p99', value: 0.21, outcome: 'pass' },
      ],
      reason: stepDecision().reason,
      rollout: 'checkout-3f2a9c1',
      commit: SHA,
      commitUrl: githubCommit(SHA),
      actor: null,
      at: AT.toISOString(),
    });
  });

  test('a signature made with another secret does not verify at the receiver', async () => {
    const { log } = captureLog();
    const n = createNotifier({ targets: targets([{ type: 'webhook', url: server.url('webhook'), secret: 'another-secret-of-16+chars', events: ['step'] }]), log });
    const [report] = await n.notifyDecision(stepDecision(), { at: AT });
    assert.deepEqual(server.requests[0]!.problems, ['x-git-canary-signature: does not verify']);
    assert.equal(report!.ok, false);
    assert.match(report!.reason!, /^answered 400 Bad Request: x-git-canary-signature: does not verify$/);
  });

  test('without a secret there is no signature header', async () => {
    const plain = await startNotifyServer();
    try {
      const { log } = captureLog();
      const n = createNotifier({ targets: targets([{ type: 'webhook', url: plain.url('webhook') }]), log });
      await n.notifyDecision(stepDecision({ decision: 'rollback', weight: 0, step: null }), { at: AT, actor: 'alice' });
      assert.deepEqual(plain.requests[0]!.problems, []);
      assert.equal(plain.requests[0]!.headers['x-git-canary-signature'], undefined);
      assert.equal((plain.requests[0]!.json as { actor: string }).actor, 'alice');
    } finally {
      await plain.close();
    }
  });
});
