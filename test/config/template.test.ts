import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { MetricSourceConfig } from '../../src/metrics/types.ts';
import type { RouteConfig as AnyRoute, SplitRoute as RouteConfig } from '../../src/routers/types.ts';
import type { PrometheusConfig } from '../../src/metrics/prometheus.ts';
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
    assert.equal((r.config?.metrics.prom as PrometheusConfig | undefined)?.headers?.Authorization, 'Bearer t');
  });

  it('gives routers and metric sources the shapes they take', () => {
    const config = parseConfig(text, { file: 'git-canary.yaml', env: {} }).config!;
    // Compile-time checks (npx tsc): parsed config shapes are the plug-ins' inputs.
    const route: AnyRoute = config.services.checkout!.route;
    const source: MetricSourceConfig = config.metrics.prom!;
    assert.deepEqual((route as RouteConfig).stable, { name: 'checkout-stable' });
    assert.equal(source.timeoutMs, 10_000);
  });
});

describe('templates/workflow.yaml', () => {
  const workflow = parseYaml(readFileSync(new URL('../../templates/workflow.yaml', import.meta.url), 'utf8')) as {
    on: Record<string, unknown>;
    concurrency: { group: string };
    permissions: Record<string, string>;
    jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
  };
  const action = parseYaml(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as { inputs: Record<string, unknown> };

  it('ticks on push to candidate, on a schedule, on demand and on reviews, one run at a time', () => {
    assert.deepEqual((workflow.on.push as { branches: string[] }).branches, ['candidate', 'production']);
    assert.ok(Array.isArray(workflow.on.schedule));
    assert.ok('workflow_dispatch' in workflow.on);
    assert.deepEqual(workflow.on.pull_request_review, { types: ['submitted'] });
    assert.equal(workflow.concurrency.group, 'git-canary');
  });

  it('asks for exactly the permissions git-canary uses', () => {
    assert.deepEqual(workflow.permissions, { contents: 'write', 'pull-requests': 'write', statuses: 'write', deployments: 'write' });
  });

  it('uses the Action with inputs action.yml declares, and has an app-CI job that proposes', () => {
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps.filter((s) => s.uses?.startsWith('git-canary/git-canary@')));
    assert.equal(steps.length, 2);
    for (const s of steps) for (const key of Object.keys(s.with ?? {})) assert.ok(key in action.inputs, `input ${key} is declared in action.yml`);
    assert.deepEqual(
      steps.map((s) => s.with?.command),
      ['propose', 'tick'],
    );
  });
});
