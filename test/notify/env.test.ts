/** Which unset variables a command that never notifies may stand in for. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inNotify, unsetOnlyInNotify } from '../../src/notify/env.ts';

const unset = (path: string, name: string) => ({ file: 'git-canary.yaml', line: 3, path, message: `environment variable ${name} is not set` });

test('a variable unset only inside notify: may stand in; one used elsewhere too may not', () => {
  assert.deepEqual(
    unsetOnlyInNotify([
      unset('notify[0].url', 'SLACK_WEBHOOK_URL'),
      unset('notify[1].secret', 'HOOK_SECRET'),
      unset('notify[1].url', 'SHARED'),
      unset('metrics.prom.headers.Authorization', 'SHARED'),
      unset('metrics.prom.address', 'PROMETHEUS_URL'),
      { file: 'git-canary.yaml', line: 9, path: 'notify[2].type', message: 'unknown type "discord"; allowed: slack, teams, webhook' },
    ]),
    ['SLACK_WEBHOOK_URL', 'HOOK_SECRET'],
  );
});

test('notify paths, and only those', () => {
  assert.deepEqual(['notify', 'notify[0].url', 'notifyx', 'services.notify', 'metrics.notify'].map(inNotify), [true, true, false, false, false]);
});
