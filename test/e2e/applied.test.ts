/**
 * End-to-end: judge only what is applied (issue 11, "Judge only what is
 * applied"). The real CLI ticks a service with `applied: { argocd }` against a
 * fake Kubernetes API serving an Argo CD Application shaped by its CRD schema
 * (test/helpers/fake-kube.ts), and a real Prometheus:
 * not yet synced → hold, nothing judged, nothing recorded; synced but degraded
 * → hold naming the health; synced and healthy → the step's clock starts at
 * the sync (+ initialDelay), and the step is judged a full interval later.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { application, deployed, kustomization, readyCondition, startKube, TOKEN } from '../applied/support.ts';
import type { FakeKube } from '../helpers/fake-kube.ts';
import { prometheusSkip, type RunningPrometheus, startPrometheus } from '../helpers/prometheus.ts';
import { gitCanaryYaml, productionFiles, release, scenarioMetrics } from '../helpers/scenario.ts';
import { at, openWorld } from './support.ts';

const ONLY = ['--service', 'checkout'];

function config(applied = 'argocd: { application: shop }'): string {
  const yaml = gitCanaryYaml()
    .replace('    interval: 1m\n', `    interval: 1m\n    applied:\n      ${applied}\n      initialDelay: 30s\n`)
    // biome-ignore lint/suspicious/noTemplateCurlyInString: literal ${ENV} references that git-canary expands
    .replace(/^services:$/m, 'kubernetes:\n  address: ${KUBE_URL}\n  token: ${KUBE_TOKEN}\nservices:');
  assert.ok(yaml.includes(`applied:\n      ${applied}\n`), 'the applied block is in the config');
  return yaml;
}

describe('applied: Argo CD', { skip: prometheusSkip() }, () => {
  let prom: RunningPrometheus | undefined;
  let kube: FakeKube | undefined;
  before(async () => {
    prom = await startPrometheus({ openmetrics: scenarioMetrics({ checkout: { rps: 20, errorRatio: 0.0005 } }) });
    kube = await startKube();
  });
  after(async () => {
    await prom?.stop();
    await kube?.stop();
  });

  test('not synced: hold; synced but degraded: hold; synced and healthy: the clock starts at the sync plus initialDelay', async () => {
    const env = () => ({ PROMETHEUS_URL: prom?.url, KUBE_URL: kube?.url, KUBE_TOKEN: TOKEN });
    const w = await openWorld('bare', { production: { ...productionFiles(), 'git-canary.yaml': config() } }, { env });
    try {
      const before = w.sha('production');
      w.commit('candidate', release('checkout', 'registry.example.com/checkout:1.1.0'), { from: 'production' });
      // The start is not judged, so it does not wait for Argo CD.
      assert.equal((await w.tick({ at: at(2), args: ONLY })).of('checkout').decision, 'start');
      const started = w.sha('production');

      // Argo CD still runs the commit before the start.
      kube!.put(application({ sync: { status: 'OutOfSync', revision: before }, health: { status: 'Healthy' }, history: [deployed(1, before, at(0).toISOString())] }));
      const pending = (await w.tick({ at: at(4), args: ONLY })).of('checkout');
      assert.equal(pending.decision, 'hold', pending.reason);
      assert.match(pending.reason, /^step 1\/3 \(10%\) is not applied yet: Argo CD Application argocd\/shop is OutOfSync/);
      assert.deepEqual(pending.checks, [], 'nothing is judged');
      assert.equal(w.sha('production'), started, 'waiting for Argo CD records nothing');

      kube!.put(application({ sync: { status: 'Synced', revision: started }, health: { status: 'Degraded', message: 'Deployment checkout-canary exceeded its progress deadline' } }));
      const degraded = (await w.tick({ at: at(4.5), args: ONLY })).of('checkout');
      assert.equal(degraded.decision, 'hold', degraded.reason);
      assert.match(degraded.reason, /^step 1\/3 \(10%\) is applied but not healthy: .*its health is Degraded/);
      assert.equal(w.sha('production'), started);
      const status = await w.cli(['status', '--json', '--service', 'checkout'], { at: at(4.5) });
      const s = (JSON.parse(status.stdout) as { services: { applied: { state: string } | null; nextJudgment: unknown }[] }).services[0]!;
      assert.equal(s.applied?.state, 'degraded');
      assert.equal(s.nextJudgment, null, 'nothing is due while the step is not healthy');

      // Synced and healthy since 00:05: the clock starts at 00:05:30 (initialDelay 30s), due at 00:06:30.
      kube!.put(
        application({
          sync: { status: 'Synced', revision: started },
          health: { status: 'Healthy' },
          history: [deployed(1, before, at(0).toISOString()), deployed(2, started, at(5).toISOString())],
        }),
      );
      const waiting = (await w.tick({ at: at(6), args: ONLY })).of('checkout');
      assert.equal(waiting.decision, 'none', waiting.reason);
      assert.match(waiting.reason, /^waiting 30s more at step 1\/3 \(10%\) \(the step's clock started when it was applied, 2024-01-01T00:05:30\.000Z\)$/);
      const judged = (await w.tick({ at: at(6.5), args: ONLY })).of('checkout');
      assert.deepEqual([judged.decision, judged.weight, judged.step], ['step', 25, '2/3'], judged.reason);
      assert.deepEqual(judged.checks.map((c) => c.outcome), ['pass']);
      assert.ok(kube!.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`), 'every request carried the token');
    } finally {
      await w.close();
    }
  });
});

describe('applied: Flux', { skip: prometheusSkip() }, () => {
  let prom: RunningPrometheus | undefined;
  let kube: FakeKube | undefined;
  before(async () => {
    prom = await startPrometheus({ openmetrics: scenarioMetrics({ checkout: { rps: 20, errorRatio: 0.0005 } }) });
    kube = await startKube();
  });
  after(async () => {
    await prom?.stop();
    await kube?.stop();
  });

  test('an older applied revision: hold; applied but not Ready: hold; Ready: the clock starts at Ready plus initialDelay', async () => {
    const env = () => ({ PROMETHEUS_URL: prom?.url, KUBE_URL: kube?.url, KUBE_TOKEN: TOKEN });
    const flux = 'flux: { kustomization: shop, namespace: flux-system }';
    const w = await openWorld('bare', { production: { ...productionFiles(), 'git-canary.yaml': config(flux) } }, { env });
    try {
      const before = w.sha('production');
      w.commit('candidate', release('checkout', 'registry.example.com/checkout:1.1.0'), { from: 'production' });
      assert.equal((await w.tick({ at: at(2), args: ONLY })).of('checkout').decision, 'start');
      const started = w.sha('production');

      // Flux still has the commit before the start applied.
      kube!.put(kustomization({ lastAppliedRevision: `production@sha1:${before}`, conditions: [readyCondition('True', 'ReconciliationSucceeded', 'Applied revision', at(0).toISOString())] }));
      const pending = (await w.tick({ at: at(4), args: ONLY })).of('checkout');
      assert.equal(pending.decision, 'hold', pending.reason);
      assert.match(pending.reason, /^step 1\/3 \(10%\) is not applied yet: /);
      assert.deepEqual(pending.checks, [], 'nothing is judged');
      assert.equal(w.sha('production'), started, 'waiting for Flux records nothing');

      kube!.put(kustomization({ lastAppliedRevision: `production@sha1:${started}`, conditions: [readyCondition('False', 'HealthCheckFailed', 'Deployment/checkout-canary not ready', at(4).toISOString())] }));
      const degraded = (await w.tick({ at: at(4.5), args: ONLY })).of('checkout');
      assert.equal(degraded.decision, 'hold', degraded.reason);
      assert.match(degraded.reason, /^step 1\/3 \(10%\) is applied but not healthy: .*HealthCheckFailed/);
      assert.equal(w.sha('production'), started);

      // Ready since 00:05: the clock starts at 00:05:30 (initialDelay 30s), due at 00:06:30.
      kube!.put(kustomization({ lastAppliedRevision: `production@sha1:${started}`, conditions: [readyCondition('True', 'ReconciliationSucceeded', 'Applied revision', at(5).toISOString())] }));
      const waiting = (await w.tick({ at: at(6), args: ONLY })).of('checkout');
      assert.equal(waiting.decision, 'none', waiting.reason);
      assert.match(waiting.reason, /^waiting 30s more at step 1\/3 \(10%\) \(the step's clock started when it was applied, 2024-01-01T00:05:30\.000Z\)$/);
      const judged = (await w.tick({ at: at(6.5), args: ONLY })).of('checkout');
      assert.deepEqual([judged.decision, judged.weight, judged.step], ['step', 25, '2/3'], judged.reason);
      assert.ok(kube!.requests.some((r) => r.url.includes('/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/shop')), 'Flux was asked');
    } finally {
      await w.close();
    }
  });
});
