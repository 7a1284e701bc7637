import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commitUrlFor, limitsOf, renderSummary, rolloutsToShow, servicesCommitted } from '../../src/action/summary.ts';
import type { RolloutLogEntry } from '../../src/audit/log.ts';
import { loadConfig } from '../../src/config/index.ts';
import { gitCanaryYaml } from '../helpers/scenario.ts';

const SHA = 'a'.repeat(40);

describe('commitUrlFor', () => {
  it('links commits of a repository on the workflow GitHub server, nothing else', () => {
    const env = { GITHUB_SERVER_URL: 'https://github.com' };
    assert.equal(commitUrlFor('https://github.com/acme/manifests.git', env)?.(SHA), `https://github.com/acme/manifests/commit/${SHA}`);
    assert.equal(commitUrlFor('https://x-access-token:t@github.com/acme/manifests/', env)?.(SHA), `https://github.com/acme/manifests/commit/${SHA}`);
    assert.equal(commitUrlFor('https://ghe.example.com/acme/m.git', { GITHUB_SERVER_URL: 'https://ghe.example.com/' })?.(SHA), `https://ghe.example.com/acme/m/commit/${SHA}`);
    assert.equal(commitUrlFor('https://github.com/acme/manifests.git', {})?.(SHA), `https://github.com/acme/manifests/commit/${SHA}`);
    assert.equal(commitUrlFor('https://gitlab.com/acme/manifests.git', env), undefined);
    assert.equal(commitUrlFor('https://github.com/acme/group/manifests.git', env), undefined);
    assert.equal(commitUrlFor('.', env), undefined, 'a local repository: its commits are not on GitHub');
    assert.equal(commitUrlFor('/work/manifests', env), undefined);
  });
});

describe('rolloutsToShow', () => {
  const entry = (service: string, rollout: string, outcome: RolloutLogEntry['outcome']): RolloutLogEntry => ({
    service,
    rollout,
    candidate: SHA,
    outcome,
    startedAt: '2024-01-01T00:00:00.000Z',
    endedAt: outcome === 'promoted' || outcome === 'rolled-back' ? '2024-01-01T00:05:00.000Z' : null,
    steps: [],
    events: [],
  });
  it("each service's newest rollout when in progress, paused, or committed for by this run", () => {
    const log = [
      entry('checkout', 'checkout-new', 'progressing'),
      entry('payments', 'payments-new', 'promoted'),
      entry('cart', 'cart-new', 'paused'),
      entry('search', 'search-new', 'rolled-back'),
      entry('checkout', 'checkout-old', 'promoted'),
      entry('payments', 'payments-old', 'progressing'),
    ];
    assert.deepEqual(
      rolloutsToShow(log, new Set(['payments'])).map((r) => r.rollout),
      ['checkout-new', 'payments-new', 'cart-new'],
    );
  });
  it('services committed for: tick entries with a commit, or a manual decision', () => {
    assert.deepEqual(servicesCommitted({ services: [{ service: 'a', commit: SHA }, { service: 'b', commit: null }] }), new Set(['a']));
    assert.deepEqual(servicesCommitted({ service: 'c', action: 'promote', commit: SHA }), new Set(['c']));
    assert.deepEqual(servicesCommitted(undefined), new Set());
  });
});

describe('limitsOf', () => {
  it("reads each service's check bounds from the config", () => {
    const { config } = loadConfig(gitCanaryYaml({ prometheus: 'http://prom:9090' }), { file: 'git-canary.yaml', env: {} });
    assert.deepEqual(limitsOf(config), {
      checkout: { 'success-rate': { min: 99 } },
      payments: { 'success-rate': { min: 99 } },
    });
  });
});

describe('renderSummary', () => {
  it('other commands: their text in a fence no line can close, failures escaped', () => {
    assert.equal(
      renderSummary({ command: 'validate', json: {}, text: 'error: x ```y``` <b>\n', errors: ['git-canary.yaml:3: <bad> & worse'], rollouts: [], dryRun: false }),
      '## git-canary validate\n\n**Failed:**\n\n- git-canary.yaml:3: &lt;bad> &amp; worse\n\n````text\nerror: x ```y``` <b>\n````\n',
    );
    assert.equal(renderSummary({ command: 'propose', json: {}, text: '', errors: [], rollouts: [], dryRun: true }), '## git-canary propose\n\nDry run: nothing was committed or pushed.\n');
  });
});
