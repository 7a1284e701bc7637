import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits } from '../../src/manifests/index.ts';
import { backendRefMatches, gatewayApi } from '../../src/routers/gateway-api.ts';
import type { RouteConfig } from '../../src/routers/types.ts';
import { cases } from './cases.ts';
import { fixture, parse, routerError } from './helpers.ts';

const byFixture = (name: string) => cases['gateway-api']!.find((c) => c.fixture === name)!;
const load = (name: string) => parse(name, fixture(name));
const paths = (edits: ReturnType<typeof gatewayApi.plan>) => edits.flatMap((e) => e.ops.map((o) => `${o.path.join('.')}=${String((o as { value: unknown }).value)}`));

const httpRoute = (backendRefs: string, meta = 'name: web') => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  ${meta}
spec:
  parentRefs: [{name: gw}]
  rules:
    - backendRefs:
${backendRefs}`;

const webRoute: RouteConfig = { type: 'gateway-api', file: 'route.yaml', stable: { name: 'web-stable' }, canary: { name: 'web-canary' } };

describe('gateway-api backendRef matching', () => {
  const table: [Record<string, unknown>, Parameters<typeof backendRefMatches>[1], string | undefined, boolean][] = [
    [{ name: 'web' }, { name: 'web' }, undefined, true],
    [{ name: 'web', port: 80 }, { name: 'web' }, undefined, true],
    [{ name: 'web', port: 80 }, { name: 'web', port: 80 }, undefined, true],
    [{ name: 'web', port: 81 }, { name: 'web', port: 80 }, undefined, false],
    [{ name: 'web' }, { name: 'web', port: 80 }, undefined, false],
    [{ name: 'web', kind: 'Service' }, { name: 'web' }, undefined, true],
    [{ name: 'web', kind: 'Service', group: '' }, { name: 'web' }, undefined, true],
    [{ name: 'web', kind: 'ServiceImport', group: 'multicluster.x-k8s.io' }, { name: 'web' }, undefined, false],
    [{ name: 'web', group: 'example.com' }, { name: 'web' }, undefined, false],
    [{ name: 'web' }, { name: 'web', namespace: 'shop' }, 'shop', true],
    [{ name: 'web' }, { name: 'web', namespace: 'shop' }, 'other', false],
    [{ name: 'web' }, { name: 'web', namespace: 'shop' }, undefined, true],
    [{ name: 'web', namespace: 'shop' }, { name: 'web', namespace: 'shop' }, 'other', true],
    [{ name: 'web', namespace: 'other' }, { name: 'web', namespace: 'shop' }, 'shop', false],
    [{ name: 'web', namespace: 'other' }, { name: 'web' }, 'shop', true],
    [{ name: 'web-canary' }, { name: 'web' }, undefined, false],
  ];
  for (const [ref, d, ns, want] of table) {
    test(`${JSON.stringify(ref)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(d)}${ns ? ` in namespace ${ns}` : ''}`, () => {
      assert.equal(backendRefMatches(ref, d, ns), want);
    });
  }
});

describe('gateway-api router', () => {
  test('moves every rule naming both; the beta-tester rule naming only the canary is left alone', () => {
    const c = byFixture('gateway-api/checkout.yaml');
    assert.deepEqual(paths(gatewayApi.plan(load(c.fixture), c.route, { stable: 80, canary: 20 })), [
      'spec.rules.1.backendRefs.0.weight=80',
      'spec.rules.1.backendRefs.1.weight=20',
      'spec.rules.2.backendRefs.0.weight=80',
      'spec.rules.2.backendRefs.1.weight=20',
    ]);
  });

  test('an absent weight is 1 (the Gateway API default): two bare refs are 50/50', () => {
    const c = byFixture('gateway-api/no-weights.yaml');
    const file = load(c.fixture);
    assert.deepEqual(gatewayApi.read(file, c.route), { stable: 50, canary: 50 });
    assert.deepEqual(paths(gatewayApi.plan(file, c.route, { stable: 90, canary: 10 })), ['spec.rules.0.backendRefs.0.weight=90', 'spec.rules.0.backendRefs.1.weight=10']);
    // Even when the target equals the default, the weight is written out.
    assert.deepEqual(paths(gatewayApi.plan(file, c.route, { stable: 99, canary: 1 })), ['spec.rules.0.backendRefs.0.weight=99', 'spec.rules.0.backendRefs.1.weight=1']);
  });

  test('percentages are relative to stable+canary and rounded', () => {
    const read = (s: string, c: string) =>
      gatewayApi.read(parse('route.yaml', httpRoute(`        - name: web-stable\n${s}        - name: web-canary\n${c}`)), webRoute);
    assert.deepEqual(read('', '          weight: 3\n'), { stable: 25, canary: 75 });
    assert.deepEqual(read('', '          weight: 2\n'), { stable: 33, canary: 67 });
    assert.deepEqual(read('          weight: 0\n', ''), { stable: 0, canary: 100 });
    assert.deepEqual(read('          weight: 1000\n', '          weight: 1\n'), { stable: 100, canary: 0 });
  });

  test('rules agree when their ratios are equal, whatever the scale', () => {
    const text = `${httpRoute('        - {name: web-stable, weight: 1}\n        - {name: web-canary, weight: 1}')}
    - matches: [{path: {type: PathPrefix, value: /x}}]
      backendRefs:
        - {name: web-stable, weight: 50}
        - {name: web-canary, weight: 50}
`;
    assert.deepEqual(gatewayApi.read(parse('route.yaml', text), webRoute), { stable: 50, canary: 50 });
  });

  test('custom backendRefs: stable auth-proxy:8443, canary canary-gateway:9090; the third backend and the mirror are untouched', () => {
    const c = byFixture('gateway-api/custom-backends.yaml');
    const file = load(c.fixture);
    assert.deepEqual(gatewayApi.read(file, c.route), { stable: 95, canary: 5 });
    assert.deepEqual(paths(gatewayApi.plan(file, c.route, { stable: 50, canary: 50 })), ['spec.rules.0.backendRefs.0.weight=50', 'spec.rules.0.backendRefs.1.weight=50']);
  });

  test('golden: custom backends 95/5 → 60/40 changes two values; the third backend keeps weight: 0', () => {
    const c = byFixture('gateway-api/custom-backends.yaml');
    const text = fixture(c.fixture);
    const file = parse(c.fixture, text);
    const want = text.replace('weight: 95', 'weight: 60').replace('weight: 5\n', 'weight: 40\n');
    assert.equal(applyEdits(file, gatewayApi.plan(file, c.route, { stable: 60, canary: 40 })), want);
  });

  test('weights are inserted into flow-style backendRefs and read back', () => {
    const text = httpRoute('        - {name: web-stable, port: 80}\n        - {name: web-canary, port: 80}');
    const file = parse('route.yaml', text);
    const after = applyEdits(file, gatewayApi.plan(file, webRoute, { stable: 80, canary: 20 }));
    assert.deepEqual(gatewayApi.read(parse('route.yaml', after), webRoute), { stable: 80, canary: 20 });
    assert.equal(after.split('\n').slice(0, 8).join('\n'), text.split('\n').slice(0, 8).join('\n'));
  });

  test('custom backendRefs are matched by name and port: auth-proxy:9100 alone in its rule is not the stable', () => {
    const c = byFixture('gateway-api/custom-backends.yaml');
    const route = { ...c.route, stable: { name: 'auth-proxy', port: 9100 } };
    routerError(() => gatewayApi.read(load(c.fixture), route), /no rule of HTTPRoute auth routes to both auth-proxy \(port 9100\) and canary-gateway/, /next to auth-proxy \(port 9100\) in spec\.rules\[1\]/);
  });

  test('the same Service on two ports is told apart by port', () => {
    const c = byFixture('gateway-api/same-name-ports.yaml');
    const file = load(c.fixture);
    assert.deepEqual(gatewayApi.read(file, c.route), { stable: 70, canary: 30 });
    const swapped = { ...c.route, stable: c.route.canary, canary: c.route.stable };
    assert.deepEqual(gatewayApi.read(file, swapped), { stable: 30, canary: 70 });
    assert.deepEqual(paths(gatewayApi.plan(file, c.route, { stable: 0, canary: 100 })), ['spec.rules.0.backendRefs.0.weight=0', 'spec.rules.0.backendRefs.1.weight=100']);
  });

  test('the same Service on two ports without ports in the config is ambiguous', () => {
    const c = byFixture('gateway-api/same-name-ports.yaml');
    routerError(() => gatewayApi.read(load(c.fixture), { ...c.route, stable: { name: 'inventory' } }), /matches both/, /narrow route\.stable or route\.canary/);
  });

  test('two refs matching one destination in a rule is ambiguous', () => {
    const text = httpRoute('        - {name: web-stable, port: 80}\n        - {name: web-stable, port: 81}\n        - {name: web-canary, port: 80}');
    routerError(() => gatewayApi.read(parse('route.yaml', text), webRoute), /2 backendRefs .* match the stable destination web-stable/, /give route\.stable a port or namespace/);
  });

  test('a namespace in the config must match the ref (or the route) namespace', () => {
    const c = byFixture('gateway-api/same-name-ports.yaml');
    const route = { ...c.route, canary: { ...c.route.canary, namespace: 'elsewhere' } };
    routerError(() => gatewayApi.read(load(c.fixture), route), /inventory \(port 8081, namespace elsewhere\) not found/);
  });

  test('refs of another kind never match', () => {
    const text = httpRoute('        - {name: web-stable}\n        - {group: multicluster.x-k8s.io, kind: ServiceImport, name: web-canary}');
    routerError(() => gatewayApi.read(parse('route.yaml', text), webRoute), /web-canary not found/, /add a backendRef to web-canary with weight: 0 next to web-stable/);
  });

  test('GRPCRoute rules are read and written like HTTPRoute rules', () => {
    const c = byFixture('gateway-api/grpc.yaml');
    const file = load(c.fixture);
    assert.deepEqual(gatewayApi.read(file, c.route), { stable: 100, canary: 0 });
    assert.equal(paths(gatewayApi.plan(file, c.route, { stable: 90, canary: 10 })).length, 4);
  });

  test('a destination with a subset is refused', () => {
    routerError(() => gatewayApi.read(parse('route.yaml', httpRoute('        - {name: web-stable}')), { ...webRoute, canary: { name: 'web', subset: 'v2' } }), /subset v2/);
  });

  test('weights outside 0..1000000 are refused', () => {
    const text = httpRoute('        - {name: web-stable, weight: 1000001}\n        - {name: web-canary, weight: 1}');
    routerError(() => gatewayApi.read(parse('route.yaml', text), webRoute), /not an integer from 0 to 1000000/);
  });

  test('an unsupported apiVersion or no route document is an error', () => {
    routerError(() => gatewayApi.read(parse('route.yaml', httpRoute('        - {name: web-stable}').replace('/v1', '/v2')), webRoute), /unsupported apiVersion/);
    routerError(() => gatewayApi.read(parse('route.yaml', 'kind: Gateway\napiVersion: gateway.networking.k8s.io/v1\nmetadata: {name: gw}\n'), webRoute), /no HTTPRoute\/GRPCRoute/);
  });
});
