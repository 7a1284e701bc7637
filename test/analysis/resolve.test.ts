import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveAnalysis } from '../../src/analysis/resolve.ts';
import { renderRequestCount, renderTemplate } from '../../src/analysis/templates.ts';
import { parseConfig, type ServiceConfig } from '../../src/config/index.ts';
import { ConfigError } from '../../src/errors.ts';
import { CHECKOUT_VS, deployment, PAYMENTS_ROUTE } from '../helpers/scenario.ts';

/** One service parsed from git-canary.yaml text: `route` and `analysis` are YAML flow/block snippets. */
function service(route: string, analysis: string, interval = '2m'): ServiceConfig {
  const text = `version: 1
metrics:
  prom: { type: prometheus, address: http://prometheus:9090 }
services:
  checkout:
    files: [apps/checkout/deployment.yaml]
    canary: { file: apps/checkout/deployment-canary.yaml }
    route: ${route}
    steps: [10, 50]
    interval: ${interval}
    analysis:
${analysis.replace(/^/gm, '      ')}
`;
  const r = parseConfig(text, { file: 'git-canary.yaml', env: {} });
  assert.deepEqual(r.errors, []);
  return r.config!.services['checkout']!;
}

const ISTIO = '{ type: istio, file: apps/checkout/virtualservice.yaml, stable: checkout-stable, canary: checkout-canary }';
const GATEWAY = '{ type: gateway-api, file: apps/checkout/httproute.yaml, stable: { name: auth-proxy, port: 8443 }, canary: { name: canary-gateway, port: 9090 } }';

const production = {
  'apps/checkout/deployment-canary.yaml': deployment('checkout', 'registry.example.com/checkout:1.0.0', 'canary'),
  'apps/checkout/virtualservice.yaml': CHECKOUT_VS,
  'apps/checkout/httproute.yaml': PAYMENTS_ROUTE,
};

function thrown(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  assert.fail('expected a ConfigError');
}

describe('resolveAnalysis expands templates with defaults from the route and production\'s files', () => {
  it('nginx naming only its canary Service: the canary template resolves; a baseline that needs the stable says the route names none', () => {
    const NGINX = '{ type: nginx, file: apps/checkout/ingress-canary.yaml, canary: checkout-canary }';
    const files = { ...production, 'apps/checkout/ingress-canary.yaml': 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: checkout-canary\n  namespace: shop\n  annotations:\n    nginx.ingress.kubernetes.io/canary: "true"\n' };
    const r = resolveAnalysis(service(NGINX, 'metrics: prom\ntemplates:\n  - { template: request-success-rate, min: 99 }'), files);
    assert.deepEqual(r.checks, [
      { name: 'request-success-rate', query: renderTemplate('request-success-rate', 'nginx', { namespace: 'shop', target: 'checkout-canary', windowMs: 120_000 }), min: 99 },
    ]);
    const e = thrown(() => resolveAnalysis(service(NGINX, 'metrics: prom\ntemplates:\n  - { template: request-success-rate, min: 99, baseline: { maxDecrease: 1 } }'), files));
    assert.match(e.message, /cannot tell the stable's name for the nginx metrics: route type nginx names no stable destination/);
  });

  it('istio: the provider, the names from the route, the namespace from the route document (the canary has none), the window from interval', () => {
    const s = service(ISTIO, 'metrics: prom\ntemplates:\n  - { template: request-success-rate, min: 99, critical: true }\n  - { template: request-duration, name: p95, quantile: 0.95, max: 500, window: 1m }');
    const r = resolveAnalysis(s, production);
    assert.equal(r.metrics, 'prom');
    assert.deepEqual(r.checks, [
      {
        name: 'request-success-rate',
        query: renderTemplate('request-success-rate', 'istio', { namespace: 'shop', target: 'checkout-canary', windowMs: 120_000 }),
        min: 99,
        critical: true,
      },
      { name: 'p95', query: renderTemplate('request-duration', 'istio', { namespace: 'shop', target: 'checkout-canary', windowMs: 60_000, quantile: 0.95 }), max: 500 },
    ]);
  });

  it('the canary workload\'s namespace wins over the route\'s; the template\'s over both', () => {
    const canary = deployment('checkout', 'img:1', 'canary').replace('  name: checkout-canary\n', '  name: checkout-canary\n  namespace: payments-ns\n');
    const files = { ...production, 'apps/checkout/deployment-canary.yaml': canary };
    const s = service(ISTIO, 'metrics: prom\ntemplates:\n  - { template: request-success-rate, min: 99 }\n  - { template: request-success-rate, name: b, namespace: other, min: 99 }');
    const [a, b] = resolveAnalysis(s, files).checks;
    assert.match(a!.query, /destination_service_namespace="payments-ns"/);
    assert.match(b!.query, /destination_service_namespace="other"/);
    // Without any namespace anywhere: "default".
    const bare = resolveAnalysis(s, { 'apps/checkout/virtualservice.yaml': CHECKOUT_VS.replace('  namespace: shop\n', '') }).checks[0]!;
    assert.match(bare.query, /destination_service_namespace="default"/);
  });

  it('an FQDN host gives the name and the namespace', () => {
    const route = '{ type: istio, file: apps/checkout/virtualservice.yaml, stable: checkout.prod.svc.cluster.local, canary: checkout-canary.prod.svc.cluster.local }';
    const [c] = resolveAnalysis(service(route, 'metrics: prom\ntemplates:\n  - { template: request-success-rate, min: 99 }'), production).checks;
    assert.equal(c!.query, renderTemplate('request-success-rate', 'istio', { namespace: 'prod', target: 'checkout-canary', windowMs: 120_000 }));
  });

  it('gateway-api: envoy, the backendRef port names the cluster', () => {
    const [c] = resolveAnalysis(service(GATEWAY, 'metrics: prom\ntemplates:\n  - { template: request-duration, max: 300 }'), production).checks;
    assert.equal(c!.query, renderTemplate('request-duration', 'envoy', { namespace: 'shop', target: 'canary-gateway', port: 9090, windowMs: 120_000 }));
  });

  it('baseline without a query compares with the same template rendered for stable', () => {
    const s = service(ISTIO, 'metrics: prom\ntemplates:\n  - { template: request-duration, baseline: { maxIncrease: 10% } }');
    const [c] = resolveAnalysis(s, production).checks;
    assert.deepEqual(c!.baseline, {
      query: renderTemplate('request-duration', 'istio', { namespace: 'shop', target: 'checkout-stable', windowMs: 120_000 }),
      maxIncrease: { relative: 0.1 },
      method: 'value',
      confidence: 0.98,
      resolutionMs: 30_000,
    });
  });

  it('written names replace the route\'s; a written baseline query is kept', () => {
    const s = service(
      ISTIO,
      'metrics: prom\ntemplates:\n  - { template: request-success-rate, provider: linkerd, canary: web-v2, stable: web-v1, baseline: { maxDecrease: 1 } }\n  - { template: request-success-rate, name: b, min: 1, baseline: { query: "vector(1)", maxDecrease: 1 } }',
    );
    const [a, b] = resolveAnalysis(s, production).checks;
    assert.equal(a!.query, renderTemplate('request-success-rate', 'linkerd', { namespace: 'shop', target: 'web-v2', windowMs: 120_000 }));
    assert.equal(a!.baseline!.query, renderTemplate('request-success-rate', 'linkerd', { namespace: 'shop', target: 'web-v1', windowMs: 120_000 }));
    assert.equal(b!.baseline!.query, 'vector(1)');
  });

  it('minRequests without a query counts the canary\'s requests, with the first template\'s provider and window', () => {
    const s = service(ISTIO, 'metrics: prom\nminRequests: { min: 50 }\ntemplates:\n  - { template: request-success-rate, provider: nginx, window: 5m, min: 99 }');
    assert.deepEqual(resolveAnalysis(s, production).minRequests, {
      query: renderRequestCount('nginx', { namespace: 'shop', target: 'checkout-canary', windowMs: 300_000 }),
      min: 50,
    });
    const written = service(ISTIO, 'metrics: prom\nminRequests: { min: 5, query: "sum(x)" }\nchecks:\n  - { name: a, query: "up", min: 1 }');
    assert.deepEqual(resolveAnalysis(written, production), { metrics: 'prom', checks: [{ name: 'a', query: 'up', min: 1 }], minRequests: { query: 'sum(x)', min: 5 } });
    const noTemplates = service(ISTIO, 'metrics: prom\nminRequests: { min: 5 }\nchecks:\n  - { name: a, query: "up", min: 1 }');
    assert.equal(resolveAnalysis(noTemplates, production).minRequests!.query, renderRequestCount('istio', { namespace: 'shop', target: 'checkout-canary', windowMs: 120_000 }));
  });

  it('checks come first, templates after them, in order', () => {
    const s = service(ISTIO, 'metrics: prom\nchecks:\n  - { name: a, query: "up", min: 1 }\ntemplates:\n  - { template: request-success-rate, min: 99 }');
    assert.deepEqual(resolveAnalysis(s, production).checks.map((c) => c.name), ['a', 'request-success-rate']);
  });
});

describe('resolveAnalysis refuses what it cannot know, naming the key', () => {
  it('an Istio subset route: both subsets share the host', () => {
    const route = '{ type: istio, file: apps/checkout/virtualservice.yaml, stable: { name: reviews, subset: v1 }, canary: { name: reviews, subset: v2 } }';
    const e = thrown(() => resolveAnalysis(service(route, 'metrics: prom\ntemplates:\n  - { template: request-success-rate, min: 99 }'), production, { service: 'checkout' }));
    assert.equal(e.code, 'CONFIG');
    assert.equal(e.message, "cannot tell the canary's name for the istio metrics: route.canary is subset v2 of host reviews: the subsets share the host, and the metrics name the Service");
    assert.equal(e.where?.detail, 'services.checkout.analysis.templates[0].canary');
    assert.equal(e.hint, 'set canary: to the Kubernetes Service name its metrics carry');
    assert.deepEqual(e.data, { path: ['analysis', 'templates', 0, 'canary'] });
  });

  it('a subset route with the names written resolves', () => {
    const route = '{ type: istio, file: apps/checkout/virtualservice.yaml, stable: { name: reviews, subset: v1 }, canary: { name: reviews, subset: v2 } }';
    const s = service(route, 'metrics: prom\ntemplates:\n  - { template: request-success-rate, canary: reviews-v2, min: 99 }');
    assert.match(resolveAnalysis(s, production).checks[0]!.query, /destination_service_name="reviews-v2"/);
  });

  it('stable is needed by a baseline without a query', () => {
    const route = '{ type: istio, file: apps/checkout/virtualservice.yaml, stable: { name: reviews, subset: v1 }, canary: { name: reviews, subset: v2 } }';
    const s = service(route, 'metrics: prom\ntemplates:\n  - { template: request-success-rate, canary: reviews-v2, baseline: { maxDecrease: 1% } }');
    const e = thrown(() => resolveAnalysis(s, production));
    assert.equal(e.where?.detail, 'analysis.templates[0].stable');
    assert.equal(e.hint, 'set stable: to the Kubernetes Service name its metrics carry (stable is needed by baseline without a query)');
  });

  it('knative names revisions, which the route does not', () => {
    const e = thrown(() => resolveAnalysis(service(ISTIO, 'metrics: prom\ntemplates:\n  - { template: request-duration, provider: knative, max: 100 }\n'), production, { service: 'checkout' }));
    assert.equal(e.message, "cannot tell the canary's name for the knative metrics: they name revisions, and the route names none");
    assert.equal(e.where?.detail, 'services.checkout.analysis.templates[0].canary');
    assert.equal(e.hint, 'set canary: to the revision name its metrics carry');
  });

  it('a host that is not a Kubernetes Service', () => {
    const route = '{ type: istio, file: apps/checkout/virtualservice.yaml, stable: checkout-stable, canary: canary.example.com }';
    const e = thrown(() => resolveAnalysis(service(route, 'metrics: prom\ntemplates:\n  - { template: request-success-rate, min: 1 }'), production));
    assert.match(e.message, /host canary\.example\.com is not a Kubernetes Service/);
  });

  it('written checks alone resolve as written, with no files needed', () => {
    const w = service(ISTIO, 'metrics: prom\nchecks:\n  - { name: a, query: "up", min: 1 }');
    assert.deepEqual(resolveAnalysis(w, {}), { metrics: 'prom', checks: [{ name: 'a', query: 'up', min: 1 }] });
  });
});

describe('a name no PromQL string can hold', () => {
  it('is a ConfigError at the template, not a crash', () => {
    const s = service(ISTIO, 'metrics: prom\ntemplates:\n  - { template: request-success-rate, canary: "a\\uD800", min: 1 }');
    const e = thrown(() => resolveAnalysis(s, production, { service: 'checkout' }));
    assert.equal(e.where?.detail, 'services.checkout.analysis.templates[0]');
    assert.match(e.message, /lone UTF-16 surrogate/);
  });
});
