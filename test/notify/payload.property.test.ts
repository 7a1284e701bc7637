/**
 * The invariant of the builders: whatever people write (service names,
 * reasons, check names, actors: any Unicode, markup, entities, any length),
 * the Slack payload passes Block Kit's rules and the Teams card validates
 * against the Adaptive Card schema, and Slack's mrkdwn escaping is exact
 * (un-escaping gives back the text). Pure: the builders are called directly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildMessage, type NotifyMessage } from '../../src/notify/message.ts';
import { NOTIFY_EVENTS } from '../../src/notify/schema.ts';
import { slack } from '../../src/notify/slack.ts';
import { teams } from '../../src/notify/teams.ts';
import { clip, escapeMrkdwn } from '../../src/notify/text.ts';
import { webhook } from '../../src/notify/webhook.ts';
import { slackProblems, teamsProblems, webhookProblems } from '../helpers/notify-server.ts';
import { githubCommit } from './support.ts';

const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 5000 }), fc.constantFrom('<!here>', '&lt;', '*x*', '[a](b)', '{{DATE(2024-01-01T00:00:00Z)}}', '\\', '- item'));

const message = fc
  .record({
    event: fc.constantFrom(...NOTIFY_EVENTS),
    service: fc.string({ minLength: 1, maxLength: 200 }),
    reason: text,
    weight: fc.option(fc.integer({ min: 0, max: 100 })),
    step: fc.option(fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 })).map(([i, n]) => `${i}/${n}`)),
    commit: fc.option(fc.stringMatching(/^[0-9a-f]{40}$/)),
    checks: fc.array(fc.record({ name: text, value: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })), outcome: fc.constantFrom('pass', 'fail', 'inconclusive', 'no-data', 'error') }), { maxLength: 12 }),
    rollout: fc.option(fc.string({ maxLength: 80 })),
    actor: fc.option(text),
    linked: fc.boolean(),
  })
  .map((r): NotifyMessage => {
    const base = buildMessage(
      { service: r.service, decision: r.event, weight: r.weight, step: r.step, commit: r.commit, reason: r.reason, checks: r.checks, rollout: r.rollout },
      { event: r.event, at: new Date('2024-01-01T00:00:00Z'), ...(r.linked ? { commitUrl: githubCommit } : {}), ...(r.actor ? { actor: r.actor } : {}) },
    );
    return base;
  });

const target = { url: 'https://example.invalid/hook', events: [...NOTIFY_EVENTS], timeout: 5000 };

test('every Slack payload is valid Block Kit with escaped mrkdwn', () => {
  fc.assert(
    fc.property(message, (m) => {
      const json = JSON.parse(slack.build(m).body);
      assert.deepEqual(slackProblems(json), []);
    }),
    { numRuns: 300 },
  );
});

test('every Teams card validates against the Adaptive Card 1.5 schema', () => {
  fc.assert(
    fc.property(message, (m) => {
      assert.deepEqual(teamsProblems(JSON.parse(teams.build(m).body)), []);
    }),
    { numRuns: 300 },
  );
});

test('every webhook document has its fields and a signature that verifies', () => {
  const secret = 'property-secret-0123456789';
  fc.assert(
    fc.property(message, (m) => {
      const { body, headers } = webhook.build(m, { type: 'webhook', ...target, secret });
      const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
      const problems = webhookProblems(JSON.parse(body), lower, body, secret).filter((p) => !(m.reason === '' && p.startsWith('reason:')));
      assert.deepEqual(problems, []);
    }),
    { numRuns: 200 },
  );
});

test('mrkdwn escaping is exact: un-escaping gives the text back', () => {
  const unescaped = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => assert.equal(unescaped(escapeMrkdwn(s)), s)));
});

test('clip keeps at most max characters and never ends inside an entity or an escape', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.integer({ min: 2, max: 300 }), (s, max) => {
      const out = clip(escapeMrkdwn(s), max);
      assert.ok([...out].length <= max);
      assert.ok(!/&(a|am|amp|l|lt|g|gt)?…$/.test(out), out);
    }),
  );
});
