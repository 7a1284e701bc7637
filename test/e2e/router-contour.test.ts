/**
 * End-to-end rollout on Contour through the real CLI: a manifests repository
 * with the web app's stable Deployment (the release), its canary Deployment,
 * and the HTTPProxy (the route) whose catch-all route sends everything to the
 * stable Service at rest. Judged by the built-in `request-success-rate`
 * template, whose provider comes from the route type (contour → Envoy's
 * `envoy_cluster_upstream_rq` by `envoy_cluster_name="shop_web-canary_80"`),
 * from a real Prometheus. Every changed line of every commit is asserted.
 *
 * web: no canary at rest, healthy (99.9 %): the start adds web-canary beside
 * web in the `prefix: /` route (the /admin route is left alone), 10 → 50 →
 * promoted, the canary kept at weight 0.
 * api: its HTTPProxy lists both Services without weights (Contour splits that
 * evenly): tick refuses it with file:line, and nothing is committed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jsonOf } from '../helpers/cli.ts';
import { gaugeSeries, openMetrics, prometheusSkip, type RunningPrometheus, startPrometheus } from '../helpers/prometheus.ts';
import { T0, WINDOW_SECONDS } from '../helpers/scenario.ts';
import { assertUntouched, at, changedFiles, changedLines, decisionOf, oneNewCommit, openWorld } from './support.ts';

const IMG = { old: 'registry.example.com/shop/web:3.1.0', next: 'registry.example.com/shop/web:3.2.0' };
const P = { release: 'apps/web/web.yaml', canary: 'apps/web/web-canary.yaml', route: 'apps/web/httpproxy.yaml' };
const API = { release: 'apps/api/api.yaml', canary: 'apps/api/api-canary.yaml', route: 'apps/api/httpproxy.yaml' };

const deployment = (name: string, track: 'stable' | 'canary', image: string, app = 'web') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  replicas: ${track === 'canary' ? 1 : 3}
  selector:
    matchLabels: { app: ${app}, track: ${track} }
  template:
    metadata:
      labels: { app: ${app}, track: ${track} }
    spec:
      containers:
        - name: ${app}
          image: ${image}
          ports:
            - containerPort: 8080
`;

const routeFile = `# Contour HTTPProxy of web.example.com; git-canary adds and moves web-canary.
apiVersion: projectcontour.io/v1
kind: HTTPProxy
metadata:
  name: web
  namespace: shop
spec:
  virtualhost:
    fqdn: web.example.com
    tls:
      secretName: web-example-com
  routes:
    - conditions:
        - prefix: /admin
      services:
        - name: web
          port: 80
    - conditions:
        - prefix: /
      timeoutPolicy:
        response: 10s
      services:
        - name: web
          port: 80
`;

const apiRoute = `apiVersion: projectcontour.io/v1
kind: HTTPProxy
metadata:
  name: api
  namespace: shop
spec:
  virtualhost:
    fqdn: api.example.com
  routes:
    - services:
        - name: api
          port: 80
        - name: api-canary
          port: 80
`;

const service = (name: string, paths: typeof P) => `  ${name}:
    files: [${paths.release}]
    canary:
      file: ${paths.canary}
    route:
      type: contour
      file: ${paths.route}
      stable: { name: ${name}, port: 80 }
      canary: { name: ${name}-canary, port: 80 }
    steps: [10, 50]
    interval: 1m
    analysis:
      metrics: prom
      threshold: 2
      templates:
        # No provider: contour's is Envoy's.
        - template: request-success-rate
          min: 99
`;

// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference that git-canary expands
const ADDRESS = '${PROMETHEUS_URL}';
const CONFIG = `version: 1
metrics:
  prom:
    type: prometheus
    address: ${ADDRESS}
services:
${service('web', P)}${service('api', API)}`;

const productionFiles = (): Record<string, string> => ({
  'git-canary.yaml': CONFIG,
  [P.release]: deployment('web', 'stable', IMG.old),
  [P.canary]: deployment('web-canary', 'canary', IMG.old),
  [P.route]: routeFile,
  [API.release]: deployment('api', 'stable', IMG.old, 'api'),
  [API.canary]: deployment('api-canary', 'canary', IMG.old, 'api'),
  [API.route]: apiRoute,
});

/** Envoy's per-cluster request counter as Contour's Envoy exports it (a monotonic gauge: no `_total`). */
function envoyMetrics(cluster: string, rps: number, errorRatio: number): string {
  const n = WINDOW_SECONDS / 15 + 1;
  const rising = (perSecond: number) => Array.from({ length: n }, (_, i) => perSecond * 15 * i);
  return openMetrics(
    ...(['200', '503'] as const).map((code) =>
      gaugeSeries(
        'envoy_cluster_upstream_rq',
        { envoy_cluster_name: cluster, envoy_response_code: code, namespace: 'projectcontour' },
        { start: T0, stepSeconds: 15, values: rising(rps * (code === '200' ? 1 - errorRatio : errorRatio)) },
      ),
    ),
  );
}

const imageChange = (from: string, to: string) => [`${P.canary}: -          image: ${from}`, `${P.canary}: +          image: ${to}`];

let prom: RunningPrometheus | undefined;

describe('Contour HTTPProxy rollouts through the CLI', { skip: prometheusSkip() }, () => {
  before(async () => {
    prom = await startPrometheus({ openmetrics: envoyMetrics('shop_web-canary_80', 20, 0.001) });
  });
  after(async () => {
    await prom?.stop();
  });

  test('[bare] web: the start adds web-canary to the prefix: / route, 10 → 50 %, then promoted with the canary kept at 0', async () => {
    const w = await openWorld('bare', { production: productionFiles() }, { env: () => ({ PROMETHEUS_URL: prom?.url }) });
    try {
      const base = w.sha('production');
      const candidateRelease = deployment('web', 'stable', IMG.next);
      w.commit('candidate', { [P.release]: candidateRelease }, { from: 'production', message: 'ci: web 3.2.0\n' });
      const tick = (minute: number) => w.tick({ at: at(minute), args: ['--service', 'web'] });

      const t1 = await tick(2);
      assert.deepEqual(decisionOf(t1, 'web'), { decision: 'start', weight: 10, step: '1/2' });
      const start = oneNewCommit(w, base);
      // git lists files by path: the route (httpproxy.yaml) before the canary.
      assert.deepEqual(changedFiles(w, start), [P.route, P.canary]);
      assert.deepEqual(changedLines(w, start), [
        `${P.route}: +          weight: 90`,
        `${P.route}: +        - name: web-canary`,
        `${P.route}: +          port: 80`,
        `${P.route}: +          weight: 10`,
        ...imageChange(IMG.old, IMG.next),
      ]);
      assertUntouched(w, base, start, [P.canary, P.route]);

      const t2 = await tick(3);
      assert.deepEqual(decisionOf(t2, 'web'), { decision: 'step', weight: 50, step: '2/2' });
      const check = t2.of('web').checks;
      assert.deepEqual(check.map((c) => [c.name, c.outcome]), [['request-success-rate', 'pass']]);
      assert.ok(Math.abs(check[0]!.value! - 99.9) < 1e-9, `Envoy success rate of shop_web-canary_80: ${check[0]!.value}`);
      const stepped = oneNewCommit(w, start);
      assert.deepEqual(changedLines(w, stepped), [
        `${P.route}: -          weight: 90`,
        `${P.route}: +          weight: 50`,
        `${P.route}: -          weight: 10`,
        `${P.route}: +          weight: 50`,
      ]);
      assertUntouched(w, start, stepped, [P.route]);

      const t3 = await tick(4);
      assert.deepEqual(decisionOf(t3, 'web'), { decision: 'promote', weight: 0, step: null });
      const promoted = oneNewCommit(w, stepped);
      assert.deepEqual(changedLines(w, promoted), [
        `${P.route}: -          weight: 50`,
        `${P.route}: +          weight: 100`,
        `${P.route}: -          weight: 50`,
        `${P.route}: +          weight: 0`,
        `${P.release}: -          image: ${IMG.old}`,
        `${P.release}: +          image: ${IMG.next}`,
      ]);
      assert.equal(w.show('production', P.release), candidateRelease);
      assert.equal(
        w.show('production', P.route),
        routeFile.replace(/ {10}port: 80\n$/, '          port: 80\n          weight: 100\n        - name: web-canary\n          port: 80\n          weight: 0\n'),
        'the /admin route and everything else byte for byte; the canary stays at weight 0',
      );
      assertUntouched(w, base, promoted, [P.release, P.canary, P.route]);
      assert.equal((await tick(5)).of('web').decision, 'none');
    } finally {
      await w.close();
    }
  });

  test('[bare] api: a route of unweighted services (an even split in Contour) is refused at file:line; nothing is committed', async () => {
    const w = await openWorld('bare', { production: productionFiles() }, { env: () => ({ PROMETHEUS_URL: prom?.url }) });
    try {
      w.commit('candidate', { [API.release]: deployment('api', 'stable', IMG.next, 'api') }, { from: 'production' });
      const refs = w.refs();
      const r = await w.cli(['tick', '--json', '--service', 'api'], { at: at(2) });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const api = jsonOf<{ services: { service: string; decision: string; reason: string }[] }>(r).services[0]!;
      assert.equal(api.decision, 'error');
      assert.ok(api.reason.includes(`${API.route}:10`), api.reason);
      assert.match(api.reason, /Contour splits its traffic evenly among its 2 services: the canary api-canary:80 gets 50% at rest/);
      assert.equal(w.refs(), refs, 'nothing committed');
    } finally {
      await w.close();
    }
  });
});
