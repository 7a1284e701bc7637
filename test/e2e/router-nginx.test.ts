/**
 * End-to-end rollouts on ingress-nginx through the real CLI (issue 10's
 * acceptance): a manifests repository with each app's stable Deployment,
 * Service and Ingress (the release), its canary Deployment and Service, and
 * the canary Ingress in its own file (the route), judged by the built-in
 * `request-success-rate` template on ingress-nginx's metrics from a real
 * Prometheus. Every changed line of every commit is asserted: the canary's
 * image, the canary-weight annotation, the promotion's image; nothing else.
 *
 * checkout: canary-weight "0" written at rest, healthy (99.95 %): 10 → 25 → 50 → promoted.
 * cart: no canary-weight at rest (ingress-nginx counts it 0), failing (90 %):
 * the start adds the annotation, two failed judgments roll it back to "0".
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jsonOf } from '../helpers/cli.ts';
import { gaugeSeries, openMetrics, type RunningPrometheus, prometheusSkip, startPrometheus } from '../helpers/prometheus.ts';
import { T0, WINDOW_SECONDS } from '../helpers/scenario.ts';
import { assertOurCommit, assertUntouched, at, changedFiles, changedLines, decisionOf, expectedTrailers, oneNewCommit, openWorld, productTrailers } from './support.ts';

const REGISTRY = 'registry.example.com/shop';
const IMG = {
  checkout: { old: `${REGISTRY}/checkout:2.3.0`, next: `${REGISTRY}/checkout:2.4.0` },
  cart: { old: `${REGISTRY}/cart:0.9.1`, next: `${REGISTRY}/cart:0.10.0` },
};
type App = keyof typeof IMG;
const WEIGHT = 'nginx.ingress.kubernetes.io/canary-weight';

const paths = (app: App) => ({ release: `apps/${app}/${app}.yaml`, canary: `apps/${app}/${app}-canary.yaml`, route: `apps/${app}/ingress-canary.yaml` });

const deployment = (name: string, app: App, track: 'stable' | 'canary', image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
  labels: { app.kubernetes.io/name: ${app}, track: ${track} }
spec:
  replicas: ${track === 'canary' ? 1 : 3}
  selector:
    matchLabels: { app.kubernetes.io/name: ${app}, track: ${track} }
  template:
    metadata:
      labels: { app.kubernetes.io/name: ${app}, track: ${track} }
    spec:
      containers:
        - name: ${app}
          image: ${image}
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet: { path: /healthz, port: http }
`;

const service = (name: string, app: App, track: 'stable' | 'canary') => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: shop
spec:
  selector: { app.kubernetes.io/name: ${app}, track: ${track} }
  ports:
    - name: http
      port: 80
      targetPort: http
`;

const backend = (name: string) => `          - path: /${name.split('-')[0]}
            pathType: Prefix
            backend:
              service:
                name: ${name}
                port: { name: http }
`;

/** The release: stable Deployment, Service and Ingress of the app, one file. */
const releaseFile = (app: App, image: string) => `# ${app}: what production runs. git-canary copies this file from candidate on promotion.
${deployment(app, app, 'stable', image)}---
${service(app, app, 'stable')}---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${app}
  namespace: shop
  annotations:
    nginx.ingress.kubernetes.io/proxy-body-size: "4m"
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
${backend(app)}`;

const canaryFile = (app: App, image: string) => `# Canary workload and its Service: git-canary gives it the candidate's pod template.
${deployment(`${app}-canary`, app, 'canary', image)}---
${service(`${app}-canary`, app, 'canary')}`;

/** The canary Ingress; checkout writes its weight at rest, cart leaves it to ingress-nginx's default (0). */
const routeFile = (app: App) => `# Canary Ingress of ${app}: ingress-nginx sends canary-weight % of
# shop.example.com/${app} to ${app}-canary. git-canary moves the weight.
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${app}-canary
  namespace: shop
  annotations:
    nginx.ingress.kubernetes.io/canary: "true"
${app === 'checkout' ? `    ${WEIGHT}: "0"\n` : ''}    nginx.ingress.kubernetes.io/proxy-body-size: "4m"
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
${backend(`${app}-canary`)}`;

const serviceConfig = (app: App) => `  ${app}:
    files: [${paths(app).release}]
    canary:
      file: ${paths(app).canary}
    route:
      type: nginx
      file: ${paths(app).route}
      stable: ${app}
      canary: ${app}-canary
    steps: [10, 25, 50]
    interval: 1m
    analysis:
      metrics: prom
      threshold: 2
      templates:
        # ingress-nginx's own metrics, by backend Service: the route's canary.
        - template: request-success-rate
          min: 99
`;

// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference that git-canary expands
const ADDRESS = '${PROMETHEUS_URL}';
const CONFIG = `# git-canary: ingress-nginx canaries of the shop.
version: 1
metrics:
  prom:
    type: prometheus
    address: ${ADDRESS}
services:
${serviceConfig('checkout')}${serviceConfig('cart')}`;

const productionFiles = (): Record<string, string> => ({
  'git-canary.yaml': CONFIG,
  ...Object.fromEntries(
    (['checkout', 'cart'] as const).flatMap((app) => [
      [paths(app).release, releaseFile(app, IMG[app].old)],
      [paths(app).canary, canaryFile(app, IMG[app].old)],
      [paths(app).route, routeFile(app)],
    ]),
  ),
});

/**
 * ingress-nginx's request counter as its controller exports it: `nginx_ingress_controller_requests`
 * (no `_total`, so it is backfilled as a monotonic gauge: OpenMetrics would name a counter's samples `…_total`).
 */
function nginxMetrics(profiles: Record<string, { rps: number; errorRatio: number }>): string {
  const timeline = { start: T0, stepSeconds: 15 };
  const n = WINDOW_SECONDS / 15 + 1;
  const rising = (perSecond: number) => Array.from({ length: n }, (_, i) => perSecond * 15 * i);
  return openMetrics(
    ...Object.entries(profiles).flatMap(([svc, p]) =>
      (['200', '503'] as const).map((status) =>
        gaugeSeries(
          'nginx_ingress_controller_requests',
          { namespace: 'shop', service: svc, ingress: svc, status, method: 'GET', controller_class: 'k8s.io/ingress-nginx' },
          { ...timeline, values: rising(p.rps * (status === '200' ? 1 - p.errorRatio : p.errorRatio)) },
        ),
      ),
    ),
  );
}

const lineOf = (text: string, needle: string) => {
  const found = text.split('\n').filter((l) => l.includes(needle));
  assert.equal(found.length, 1, `one line with ${needle}`);
  return found[0]!;
};
const imageChange = (file: string, from: string, to: string) => [`${file}: -          image: ${from}`, `${file}: +          image: ${to}`];
const weightLine = (w: number) => `    ${WEIGHT}: "${w}"`;
const weightMove = (file: string, from: number, to: number) => [`${file}: -${weightLine(from)}`, `${file}: +${weightLine(to)}`];


let prom: RunningPrometheus | undefined;

describe('ingress-nginx canary rollouts through the CLI', { skip: prometheusSkip(), concurrency: 2 }, () => {
  before(async () => {
    prom = await startPrometheus({
      openmetrics: nginxMetrics({ 'checkout-canary': { rps: 20, errorRatio: 0.0005 }, 'cart-canary': { rps: 20, errorRatio: 0.1 } }),
    });
  });
  after(async () => {
    await prom?.stop();
  });

  test('[bare] checkout: 10 → 25 → 50 % on canary-weight, then promoted; only the weight, canary image and release image lines change', async () => {
    const w = await openWorld('bare', { production: productionFiles() }, { env: () => ({ PROMETHEUS_URL: prom?.url }) });
    try {
      const { release, canary, route } = paths('checkout');
      const base = w.sha('production');
      const candidateRelease = releaseFile('checkout', IMG.checkout.next);
      const candidate = w.commit('candidate', { [release]: candidateRelease }, { from: 'production', message: 'ci: checkout 2.4.0\n' });
      const tick = (minute: number) => w.tick({ at: at(minute), args: ['--service', 'checkout'] });

      const t1 = await tick(2);
      assert.deepEqual(decisionOf(t1, 'checkout'), { decision: 'start', weight: 10, step: '1/3' });
      const start = oneNewCommit(w, base);
      assert.deepEqual(changedFiles(w, start), [canary, route]);
      assert.deepEqual(changedLines(w, start), [...imageChange(canary, IMG.checkout.old, IMG.checkout.next), ...weightMove(route, 0, 10)]);
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
        const check = t.of('checkout').checks;
        assert.deepEqual(check.map((c) => [c.name, c.outcome]), [['request-success-rate', 'pass']]);
        assert.ok(Math.abs(check[0]!.value! - 99.95) < 1e-9, `ingress-nginx success rate of checkout-canary: ${check[0]!.value}`);
        const c = oneNewCommit(w, tip);
        assert.deepEqual(changedLines(w, c), weightMove(route, from, weight), 'a step changes the canary-weight line only');
        assert.deepEqual(productTrailers(w, c), expectedTrailers('checkout', candidate, 'progressing', weight, stepLabel));
        assertOurCommit(w, c, at(minute));
        assertUntouched(w, tip, c, [route]);
        tip = c;
      }

      const t5 = await tick(5);
      assert.deepEqual(decisionOf(t5, 'checkout'), { decision: 'promote', weight: 0, step: null });
      const promoted = oneNewCommit(w, tip);
      assert.deepEqual(changedLines(w, promoted), [...imageChange(release, IMG.checkout.old, IMG.checkout.next), ...weightMove(route, 50, 0)]);
      assert.deepEqual(productTrailers(w, promoted), expectedTrailers('checkout', candidate, 'promoted', 0));
      assertOurCommit(w, promoted, at(5));
      assert.equal(w.show('production', release), candidateRelease, 'the release (with the stable Ingress) is candidate\'s, byte for byte');
      assert.equal(w.show('production', route), routeFile('checkout'), 'the canary Ingress is back to "0", byte for byte');
      assert.equal(w.show('production', canary), canaryFile('checkout', IMG.checkout.next));
      assertUntouched(w, base, promoted, [release, canary, route]);
      assert.ok(lineOf(w.show('production', release)!, 'proxy-body-size'), 'the stable Ingress kept its annotations');

      assert.equal((await tick(6)).of('checkout').decision, 'none');
      assert.equal(w.sha('production'), promoted);
      assert.doesNotThrow(() => w.git('fsck', '--strict', '--no-dangling'));
    } finally {
      await w.close();
    }
  });

  test('[bare] cart: the start adds canary-weight "10", two failed judgments roll it back to "0"; the canary is restored byte for byte', async () => {
    const w = await openWorld('bare', { production: productionFiles() }, { env: () => ({ PROMETHEUS_URL: prom?.url }) });
    try {
      const { release, canary, route } = paths('cart');
      const base = w.sha('production');
      const candidate = w.commit('candidate', { [release]: releaseFile('cart', IMG.cart.next) }, { from: 'production', message: 'ci: cart 0.10.0\n' });
      const tick = (minute: number) => w.tick({ at: at(minute), args: ['--service', 'cart'] });
      const v = await w.cli(['validate', '--json'], { at: at(1) });
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.deepEqual((JSON.parse(v.stdout) as { errors: unknown[] }).errors, [], 'validate reads both canary Ingresses, with and without canary-weight');

      const t1 = await tick(2);
      assert.deepEqual(decisionOf(t1, 'cart'), { decision: 'start', weight: 10, step: '1/3' });
      const start = oneNewCommit(w, base);
      // ingress-nginx's default weight is 0, so the annotation is added, quoted, after the last annotation.
      assert.deepEqual(changedLines(w, start), [...imageChange(canary, IMG.cart.old, IMG.cart.next), `${route}: +${weightLine(10)}`]);
      assert.equal(w.show('production', route), routeFile('cart').replace('proxy-body-size: "4m"\n', `proxy-body-size: "4m"\n${weightLine(10)}\n`));
      assert.deepEqual(productTrailers(w, start), expectedTrailers('cart', candidate, 'progressing', 10, '1/3'));
      assertUntouched(w, base, start, [canary, route]);

      const t2 = await tick(3);
      assert.equal(t2.of('cart').decision, 'hold');
      assert.match(t2.of('cart').reason, /1\/2 failed checks/);
      assert.deepEqual(t2.of('cart').checks.map((c) => [c.name, c.outcome]), [['request-success-rate', 'fail']]);
      assert.ok(Math.abs(t2.of('cart').checks[0]!.value! - 90) < 1e-9);
      const judged = oneNewCommit(w, start);
      assertUntouched(w, start, judged, []);

      const t3 = await tick(4);
      assert.deepEqual(decisionOf(t3, 'cart'), { decision: 'rollback', weight: 0, step: null });
      const rolledBack = oneNewCommit(w, judged);
      assert.deepEqual(changedLines(w, rolledBack), [...imageChange(canary, IMG.cart.next, IMG.cart.old), ...weightMove(route, 10, 0)]);
      assert.deepEqual(productTrailers(w, rolledBack), expectedTrailers('cart', candidate, 'rolled-back', 0));
      assertOurCommit(w, rolledBack, at(4));
      assert.equal(w.show('production', canary), w.show(base, canary), 'canary restored byte for byte');
      assert.equal(w.show('production', release), w.show(base, release), 'release not promoted');
      assertUntouched(w, base, rolledBack, [route]);

      const t4 = await tick(5);
      assert.equal(t4.of('cart').decision, 'none');
      assert.match(t4.of('cart').reason, /rolled back/);
      assert.equal(w.sha('production'), rolledBack, 'the failed release is never retried');
    } finally {
      await w.close();
    }
  });

  test('[bare] a canary Ingress with canary-by-header: tick refuses to start it (those requests bypass the weight), naming file:line; nothing is committed', async () => {
    const files = productionFiles();
    const { release, route } = paths('cart');
    files[route] = routeFile('cart').replace('canary: "true"\n', 'canary: "true"\n    nginx.ingress.kubernetes.io/canary-by-header: x-cart-canary\n');
    const w = await openWorld('bare', { production: files }, { env: () => ({ PROMETHEUS_URL: prom?.url }) });
    try {
      w.commit('candidate', { [release]: releaseFile('cart', IMG.cart.next) }, { from: 'production' });
      const refs = w.refs();
      const r = await w.cli(['tick', '--json', '--service', 'cart'], { at: at(2) });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const cart = jsonOf<{ services: { service: string; decision: string; reason: string }[] }>(r).services[0]!;
      assert.equal(cart.decision, 'error');
      assert.ok(cart.reason.includes(`${route}:10`), cart.reason);
      assert.match(cart.reason, /canary-by-header: ingress-nginx gives it precedence over canary-weight/);
      assert.equal(w.refs(), refs, 'nothing committed');
    } finally {
      await w.close();
    }
  });
});
