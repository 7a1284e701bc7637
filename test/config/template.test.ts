import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { MetricSourceConfig } from '../../src/metrics/types.ts';
import type { RouteConfig } from '../../src/routers/types.ts';
import { formatIssue, parseConfig, SCHEMA_URL } from '../../src/config/index.ts';

const text = readFileSync(new URL('../../templates/git-canary.yaml', import.meta.url), 'utf8');

describe('templates/git-canary.yaml', () => {
  it('parses with no errors and no warnings, in an empty environment', () => {
    const r = parseConfig(text, { file: 'templates/git-canary.yaml', env: {} });
    assert.deepEqual([...r.errors, ...r.warnings].map(formatIssue), []);
    assert.ok(r.config?.services.checkout);
  });

  it('points editors at the published schema', () => {
    assert.equal(text.split('\n')[0], `# yaml-language-server: $schema=${SCHEMA_URL}`);
  });

  it('also parses with the commented-out header enabled', () => {
    const enabled = text.replace('# headers:', 'headers:');
    const r = parseConfig(enabled, { file: 'git-canary.yaml', env: { PROMETHEUS_TOKEN: 't' } });
    assert.deepEqual(r.errors, []);
    assert.equal(r.config?.metrics.prom?.headers?.Authorization, 'Bearer t');
  });

  it('gives routers and metric sources the shapes they take', () => {
    const config = parseConfig(text, { file: 'git-canary.yaml', env: {} }).config!;
    // Compile-time checks (npx tsc): parsed config shapes are the plug-ins' inputs.
    const route: RouteConfig = config.services.checkout!.route;
    const source: MetricSourceConfig = config.metrics.prom!;
    assert.deepEqual(route.stable, { name: 'checkout-stable' });
    assert.equal(source.timeoutMs, 10_000);
  });
});
