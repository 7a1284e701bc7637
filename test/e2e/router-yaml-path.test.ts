/**
 * End-to-end rollouts of Helm values through the real CLI (issue 10's
 * acceptance): each chart has its release values (`values.yaml`, image.tag),
 * the canary's values (`values-canary.yaml`, documents without kind: they get
 * the candidate's changes) and a traffic values file the chart renders into
 * its route — the yaml-path route. A real Prometheus judges the canaries.
 * Every changed line of every commit is asserted: the weights, the canary's
 * tag, the promotion's tag; nothing else.
 *
 * checkout: `canary.weight` + `stable.weight` (dotted paths), healthy: 10 → 25 → 50 → promoted.
 * payments: `/traffic/1/weight` + `/traffic/0/weight` (JSON pointers into a list), failing: rolled back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningPrometheus, prometheusSkip, startPrometheus } from '../helpers/prometheus.ts';
import { DEMO_TRAFFIC, scenarioMetrics } from '../helpers/scenario.ts';
import { jsonOf } from '../helpers/cli.ts';
import { assertOurCommit, assertUntouched, at, changedFiles, changedLines, decisionOf, expectedTrailers, oneNewCommit, openWorld, productTrailers } from './support.ts';

const TAGS = { checkout: { old: '1.0.0', next: '1.1.0' }, payments: { old: '4.2.0', next: '4.3.0' } };
type App = keyof typeof TAGS;

const paths = (app: App) => ({ release: `charts/${app}/values.yaml`, canary: `charts/${app}/values-canary.yaml`, route: `charts/${app}/values-traffic.yaml` });

/** The release values, as `helm create` lays them out. */
const releaseValues = (app: App, tag: string) => `# Default values for ${app}.
# This is a YAML-formatted file. Declare variables to be passed into your templates.

replicaCount: 3

image:
  repository: registry.example.com/shop/${app}
  pullPolicy: IfNotPresent
  # Overrides the image tag whose default is the chart appVersion.
  tag: "${tag}"

nameOverride: ""
fullnameOverride: ""

podAnnotations: &podAnnotations
  prometheus.io/scrape: "true"
  prometheus.io/port: "9090"
podLabels: {}

service:
  type: ClusterIP
  port: 80

resources:
  limits:
    memory: 256Mi
  requests:
    cpu: 100m
    memory: 128Mi

migrations:
  enabled: true
  # The migration Job's pods are scraped like the app's.
  podAnnotations: *podAnnotations

nodeSelector: {}
tolerations: []
`;

/** The canary's values: the same chart installed as <app>-canary. */
const canaryValues = (app: App, tag: string) => `# Values of the ${app} canary: helm upgrade ${app}-canary ./charts/${app} -f values-canary.yaml
replicaCount: 1

image:
  repository: registry.example.com/shop/${app}
  pullPolicy: IfNotPresent
  tag: "${tag}"

nameOverride: ""
fullnameOverride: ${app}-canary

podAnnotations:
  prometheus.io/scrape: "true"
  prometheus.io/port: "9090"
podLabels:
  track: canary

service:
  type: ClusterIP
  port: 80

resources:
  limits:
    memory: 256Mi
  requests:
    cpu: 100m
    memory: 128Mi

migrations:
  enabled: false   # the stable release runs them

nodeSelector: {}
tolerations: []
`;

const CHECKOUT_CANARY_LINE = '  weight: 0 # git-canary moves this and stable.weight';
/** The traffic values each chart's templates render into its route. */
const routeValues: Record<App, string> = {
  checkout: `# Traffic split of checkout, rendered by templates/virtualservice.yaml:
#   - destination: {host: {{ .Values.stable.host }}}  weight: {{ .Values.stable.weight }}
#   - destination: {host: {{ .Values.canary.host }}}  weight: {{ .Values.canary.weight }}
hosts:
  - checkout.example.com
gateways: [shop/public]
stable:
  host: checkout
  weight: 100
canary:
  host: checkout-canary
${CHECKOUT_CANARY_LINE}
retries:
  attempts: 3
  perTryTimeout: 2s
`,
  payments: `# HTTPRoute backends of payments ({{- range .Values.traffic }} in templates/httproute.yaml).
parentRef: { name: public, namespace: gateway-system }
hostnames: ["pay.example.com"]
traffic:
  - service: payments
    port: 8080
    weight: 100
  - service: payments-canary
    port: 8080
    weight: 0
`,
};
const ROUTES: Record<App, string> = {
  checkout: '      path: canary.weight\n      stablePath: stable.weight',
  payments: '      path: /traffic/1/weight\n      stablePath: /traffic/0/weight',
};

const successRate = (app: App) =>
  `sum(rate(http_requests_total{app="${app}",track="canary",code!~"5.."}[1m])) / sum(rate(http_requests_total{app="${app}",track="canary"}[1m])) * 100`;
const serviceConfig = (app: App) => `  ${app}:
    files: [${paths(app).release}]
    canary:
      file: ${paths(app).canary}
      keep: [/fullnameOverride, /podLabels]
    route:
      type: yaml-path
      file: ${paths(app).route}
${ROUTES[app]}
    steps: [10, 25, 50]
    interval: 1m
    analysis:
      metrics: prom
      threshold: 2
      checks:
        - name: success-rate
          query: ${successRate(app)}
          min: 99
`;
// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference that git-canary expands
const ADDRESS = '${PROMETHEUS_URL}';
const CONFIG = `# git-canary: Helm charts of the shop, each with a traffic values file.
version: 1
metrics:
  prom:
    type: prometheus
    address: ${ADDRESS}
services:
${serviceConfig('checkout')}${serviceConfig('payments')}`;

const productionFiles = (): Record<string, string> => ({
  'git-canary.yaml': CONFIG,
  ...Object.fromEntries(
    (['checkout', 'payments'] as const).flatMap((app) => [
      [paths(app).release, releaseValues(app, TAGS[app].old)],
      [paths(app).canary, canaryValues(app, TAGS[app].old)],
      [paths(app).route, routeValues[app]],
    ]),
  ),
});

const tagChange = (file: string, from: string, to: string) => [`${file}: -  tag: "${from}"`, `${file}: +  tag: "${to}"`];
/** Changed lines of a weight move in the traffic values (stable's line first, as in the file). */
function weightMove(app: App, from: number, to: number): string[] {
  const file = paths(app).route;
  const stable = (n: number) => (app === 'checkout' ? `  weight: ${n}` : `    weight: ${n}`);
  const canary = (n: number) => (app === 'checkout' ? CHECKOUT_CANARY_LINE.replace('0', String(n)) : `    weight: ${n}`);
  return [`${file}: -${stable(100 - from)}`, `${file}: +${stable(100 - to)}`, `${file}: -${canary(from)}`, `${file}: +${canary(to)}`];
}


let prom: RunningPrometheus | undefined;

describe('yaml-path (Helm values) rollouts through the CLI', { skip: prometheusSkip(), concurrency: 2 }, () => {
  before(async () => {
    prom = await startPrometheus({ openmetrics: scenarioMetrics(DEMO_TRAFFIC) });
  });
  after(async () => {
    await prom?.stop();
  });

  test('[bare] checkout: canary.weight/stable.weight walk 10 → 25 → 50 and back at promotion; numbers stay numbers, comments stay', async () => {
    const w = await openWorld('bare', { production: productionFiles() }, { env: () => ({ PROMETHEUS_URL: prom?.url }) });
    try {
      const { release, canary, route } = paths('checkout');
      const base = w.sha('production');
      const candidateValues = releaseValues('checkout', TAGS.checkout.next);
      const candidate = w.commit('candidate', { [release]: candidateValues }, { from: 'production', message: 'ci: checkout 1.1.0\n' });
      const tick = (minute: number) => w.tick({ at: at(minute), args: ['--service', 'checkout'] });
      const v = await w.cli(['validate', '--json'], { at: at(1) });
      assert.equal(v.code, 0, v.stdout + v.stderr);
      const report = JSON.parse(v.stdout) as { errors: unknown[]; warnings: unknown[] };
      assert.deepEqual([report.errors, report.warnings], [[], []], 'validate reads both traffic values files, dotted and pointer paths');

      const t1 = await tick(2);
      assert.deepEqual(decisionOf(t1, 'checkout'), { decision: 'start', weight: 10, step: '1/3' });
      const start = oneNewCommit(w, base);
      assert.deepEqual(changedFiles(w, start), [canary, route]);
      assert.deepEqual(changedLines(w, start), [...tagChange(canary, TAGS.checkout.old, TAGS.checkout.next), ...weightMove('checkout', 0, 10)]);
      assert.deepEqual(productTrailers(w, start), expectedTrailers('checkout', candidate, 'progressing', 10, '1/3'));
      assertOurCommit(w, start, at(2));
      assertUntouched(w, base, start, [canary, route]);

      let tip = start;
      for (const [minute, weight, stepLabel, from] of [
        [3, 25, '2/3', 10],
        [4, 50, '3/3', 25],
      ] as const) {
        const t = await tick(minute);
        assert.deepEqual(decisionOf(t, 'checkout'), { decision: 'step', weight, step: stepLabel });
        assert.deepEqual(t.of('checkout').checks.map((c) => [c.name, c.outcome]), [['success-rate', 'pass']]);
        const c = oneNewCommit(w, tip);
        assert.deepEqual(changedLines(w, c), weightMove('checkout', from, weight), 'a step changes the two weight lines only');
        assert.deepEqual(productTrailers(w, c), expectedTrailers('checkout', candidate, 'progressing', weight, stepLabel));
        assertOurCommit(w, c, at(minute));
        assertUntouched(w, tip, c, [route]);
        tip = c;
      }

      const t5 = await tick(5);
      assert.deepEqual(decisionOf(t5, 'checkout'), { decision: 'promote', weight: 0, step: null });
      const promoted = oneNewCommit(w, tip);
      // git orders the paths: values-traffic.yaml before values.yaml.
      assert.deepEqual(changedLines(w, promoted), [...weightMove('checkout', 50, 0), ...tagChange(release, TAGS.checkout.old, TAGS.checkout.next)]);
      assert.deepEqual(productTrailers(w, promoted), expectedTrailers('checkout', candidate, 'promoted', 0));
      assertOurCommit(w, promoted, at(5));
      assert.equal(w.show('production', release), candidateValues, 'release values are candidate\'s, anchors and all');
      assert.equal(w.show('production', route), routeValues.checkout, 'traffic values back to 100/0, byte for byte');
      assert.equal(w.show('production', canary), canaryValues('checkout', TAGS.checkout.next), 'the canary keeps its own replicaCount, name and labels');
      assertUntouched(w, base, promoted, [release, canary, route]);

      assert.equal((await tick(6)).of('checkout').decision, 'none');
      assert.equal(w.sha('production'), promoted);
      assert.equal(w.sha('candidate'), candidate, 'candidate is never written');
    } finally {
      await w.close();
    }
  });

  test('[bare] payments: list weights by JSON pointer; a failing canary holds once, rolls back at threshold, is not retried', async () => {
    const w = await openWorld('bare', { production: productionFiles() }, { env: () => ({ PROMETHEUS_URL: prom?.url }) });
    try {
      const { release, canary, route } = paths('payments');
      const base = w.sha('production');
      const candidate = w.commit('candidate', { [release]: releaseValues('payments', TAGS.payments.next) }, { from: 'production', message: 'ci: payments 4.3.0\n' });
      const tick = (minute: number) => w.tick({ at: at(minute), args: ['--service', 'payments'] });

      const t1 = await tick(2);
      assert.deepEqual(decisionOf(t1, 'payments'), { decision: 'start', weight: 10, step: '1/3' });
      const start = oneNewCommit(w, base);
      assert.deepEqual(changedLines(w, start), [...tagChange(canary, TAGS.payments.old, TAGS.payments.next), ...weightMove('payments', 0, 10)]);
      assert.deepEqual(productTrailers(w, start), expectedTrailers('payments', candidate, 'progressing', 10, '1/3'));
      assertUntouched(w, base, start, [canary, route]);

      const t2 = await tick(3);
      assert.equal(t2.of('payments').decision, 'hold');
      assert.match(t2.of('payments').reason, /1\/2 failed checks/);
      assert.deepEqual(t2.of('payments').checks.map((c) => [c.name, c.outcome]), [['success-rate', 'fail']]);
      const judged = oneNewCommit(w, start);
      assertUntouched(w, start, judged, []);

      const t3 = await tick(4);
      assert.deepEqual(decisionOf(t3, 'payments'), { decision: 'rollback', weight: 0, step: null });
      const rolledBack = oneNewCommit(w, judged);
      assert.deepEqual(changedLines(w, rolledBack), [...tagChange(canary, TAGS.payments.next, TAGS.payments.old), ...weightMove('payments', 10, 0)]);
      assert.deepEqual(productTrailers(w, rolledBack), expectedTrailers('payments', candidate, 'rolled-back', 0));
      assertOurCommit(w, rolledBack, at(4));
      assert.equal(w.show('production', canary), w.show(base, canary), 'canary values restored byte for byte');
      assert.equal(w.show('production', route), routeValues.payments, 'traffic values back to 100/0 byte for byte');
      assertUntouched(w, base, rolledBack, []);

      const t4 = await tick(5);
      assert.equal(t4.of('payments').decision, 'none');
      assert.match(t4.of('payments').reason, /rolled back/);
      assert.equal(w.sha('production'), rolledBack);
    } finally {
      await w.close();
    }
  });

  test('[bare] a route.path the traffic values lack: tick errors for that service, naming file:line and the path; nothing is committed', async () => {
    const files = productionFiles();
    files['git-canary.yaml'] = CONFIG.replace('path: canary.weight', 'path: canary.wieght');
    const w = await openWorld('bare', { production: files }, { env: () => ({ PROMETHEUS_URL: prom?.url }) });
    try {
      w.commit('candidate', { [paths('checkout').release]: releaseValues('checkout', TAGS.checkout.next) }, { from: 'production' });
      const refs = w.refs();
      const r = await w.cli(['tick', '--json'], { at: at(2) });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const s = jsonOf<{ services: { service: string; decision: string; reason: string; commit: string | null }[] }>(r).services;
      const checkout = s.find((x) => x.service === 'checkout')!;
      assert.equal(checkout.decision, 'error');
      assert.ok(checkout.reason.includes(`${paths('checkout').route}:10`), checkout.reason);
      assert.match(checkout.reason, /route\.path canary\.wieght not found: canary has no "wieght"/);
      assert.equal(s.find((x) => x.service === 'payments')!.decision, 'none', 'the other service still ticks');
      assert.equal(w.refs(), refs, 'nothing committed');
    } finally {
      await w.close();
    }
  });
});
