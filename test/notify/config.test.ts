/**
 * `notify:` as a person writes it: defaults, and every mistake refused with a
 * clear message at its key path (through the same issue formatting
 * git-canary.yaml's errors use). The root config composes it as
 * `notify: NotifyConfig.optional()`; `Root` below mirrors that line.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { defaultMessage, formatPath, fromZodIssues } from '../../src/config/issues.ts';
import { allowedKeysAt } from '../../src/config/shape.ts';
import { NotifyConfig, notifyTypes } from '../../src/notify/index.ts';

const Root = z.strictObject({ notify: NotifyConfig.optional() });

/** `path: message` of every problem in `yaml` (a git-canary.yaml fragment). */
function problems(yaml: string): string[] {
  const data = parseDocument(yaml).toJS() as unknown;
  const r = Root.safeParse(data, { error: defaultMessage });
  if (r.success) return [];
  return fromZodIssues(r.error.issues, (path) => allowedKeysAt(Root, path, data)).map((i) => `${formatPath(i.path)}: ${i.message}`);
}

function parse(yaml: string) {
  return Root.parse(parseDocument(yaml).toJS());
}

describe('notify: defaults', () => {
  test('events default to all but step and hold; timeout to 5s', () => {
    const { notify } = parse(`
# the team's channel; the URL comes from the environment
notify:
  - type: slack
    url: https://hooks.slack.com/services/T0000/B0000/XXXXXXXX
`);
    assert.deepEqual(notify, [
      { type: 'slack', url: 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXX', events: ['start', 'promote', 'rollback', 'pause', 'resume'], timeout: 5000 },
    ]);
  });

  test('every type, with its own keys', () => {
    const { notify } = parse(`
notify:
  - { type: slack, url: "https://hooks.slack.com/services/T/B/x", events: [start, step, promote, rollback, pause, resume, hold] }
  - type: teams
    url: https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=xyz
    timeout: 2s
  - type: webhook
    url: http://rollouts.internal:8080/hooks/git-canary   # in-cluster receiver
    secret: a-long-shared-secret-value
    events: [rollback]
`);
    assert.deepEqual(notify?.map((t) => [t.type, t.events.length, t.timeout]), [['slack', 7, 5000], ['teams', 5, 2000], ['webhook', 1, 5000]]);
    assert.equal(notify?.[2]?.type === 'webhook' ? notify[2].secret : undefined, 'a-long-shared-secret-value');
    assert.deepEqual(notifyTypes, ['slack', 'teams', 'webhook']);
  });
});

describe('notify: mistakes, at their key path', () => {
  const cases: [string, string, string[]][] = [
    ['an unknown type', 'notify:\n  - { type: discord, url: "https://discord.com/api/webhooks/1/x" }\n', ['notify[0].type: unknown type "discord"; allowed: slack, teams, webhook']],
    ['no type', 'notify:\n  - { url: "https://x.example" }\n', ['notify[0].type: required key is missing; allowed: slack, teams, webhook']],
    ['a URL that is not http(s)', 'notify:\n  - { type: slack, url: "hooks.slack.com/services/T/B/x" }\n', ['notify[0].url: must be an http(s) URL, e.g. https://hooks.slack.com/services/…']],
    ['an ftp URL', 'notify:\n  - { type: webhook, url: "ftp://x.example/h" }\n', ['notify[0].url: must be an http(s) URL, e.g. https://hooks.slack.com/services/…']],
    ['no URL', 'notify:\n  - { type: teams }\n', ['notify[0].url: required key is missing']],
    [
      'an unknown event',
      'notify:\n  - { type: slack, url: "https://x.example", events: [start, merged] }\n',
      ['notify[0].events[1]: unknown event "merged"; allowed: start, step, promote, rollback, pause, resume, hold'],
    ],
    ['no events at all', 'notify:\n  - { type: slack, url: "https://x.example", events: [] }\n', ['notify[0].events: must list at least one event (remove the notifier to say nothing)']],
    [
      'secret on slack',
      'notify:\n  - { type: slack, url: "https://x.example", secret: abcdefghijklmnopqrstu }\n',
      ['notify[0].secret: slack cannot sign its requests: only type: webhook takes a secret (the slack URL itself is the credential)'],
    ],
    [
      'secret on teams',
      'notify:\n  - { type: teams, url: "https://x.example", secret: abcdefghijklmnopqrstu }\n',
      ['notify[0].secret: teams cannot sign its requests: only type: webhook takes a secret (the teams URL itself is the credential)'],
    ],
    ['a short secret', 'notify:\n  - { type: webhook, url: "https://x.example", secret: hunter2 }\n', ['notify[0].secret: must be at least 16 characters: a short secret is guessed']],
    ['a timeout too long', 'notify:\n  - { type: webhook, url: "https://x.example", timeout: 2m }\n', ['notify[0].timeout: must be at most 30s: a notification never holds a rollout up longer']],
    ['a timeout of 0', 'notify:\n  - { type: webhook, url: "https://x.example", timeout: 0s }\n', ['notify[0].timeout: must be longer than 0s']],
    ['a misspelt key', 'notify:\n  - { type: slack, url: "https://x.example", evnets: [start] }\n', ['notify[0].evnets: unknown key "evnets" — did you mean "events"?']],
    ['a key no sender has', 'notify:\n  - { type: webhook, url: "https://x.example", channel: "#ops" }\n', ['notify[0].channel: unknown key "channel"; allowed keys: type, url, events, timeout, secret']],
    ['not a list', 'notify:\n  type: slack\n  url: https://x.example\n', ['notify: expected a list, got a mapping']],
  ];
  for (const [name, yaml, expected] of cases) {
    test(name, () => assert.deepEqual(problems(yaml), expected));
  }
});
