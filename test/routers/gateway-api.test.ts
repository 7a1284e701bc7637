import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits } from '../../src/manifests/index.ts';
import { backendRefMatches, gatewayApi } from '../../src/routers/gateway-api.ts';
import type { SplitRoute as RouteConfig } from '../../src/routers/types.ts';
import { named } from './case-types.ts';
import { cases } from './cases/gateway-api.ts';
import { fixture, parse, routerError } from './helpers.ts';

const byFixture = (name: string, stable?: string) => cases.find((c) => c.fixture === name && (!stable || named(c.route)?.stable.name === stable))!;
const load = (name: string) => parse(name, fixture(name));
const paths = (edits: ReturnType<typeof gatewayApi.plan>) => edits.flatMap((e) => e.ops.map((o) => `${o.path.join('.')}=${JSON.stringify((o as { value: unknown }).value)}`));
const step = (text: string, route: RouteConfig, p: number, path = 'route.yaml') => {
  const file = parse(path, text);
  return applyEdits(file, gatewayApi.plan(file, route, p));
};

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

/** Weights of every backendRef of rule i, in order (`undefined` when absent). */
const weightsOf = (text: string, i = 0, doc = 0) => {
  const v = parse('route.yaml', text).docs[doc]!.value as { spec: { rules: { backendRefs: { weight?: number }[] }[] } };
  return v.spec.rules[i]!.backendRefs.map((r) => r.weight);
};

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

describe('gateway-api traffic arithmetic', () => {
  const third = byFixture('gateway-api/third-backend.yaml');

  test('seen: 7/3/— stepped to 10% became 90/3/10; now 6/3/1, the canary added beside the stable', () => {
    const text = fixture(third.fixture);
    const after = step(text, third.route, 10, third.fixture);
    assert.deepEqual(weightsOf(after, 1), [6, 3, 1]);
    assert.equal(after, `${text.replace('weight: 7', 'weight: 6')}    - name: foo-v2\n      port: 8080\n      weight: 1\n`);
    assert.deepEqual(gatewayApi.read(parse(third.fixture, after), third.route), { stable: 60, canary: 10 });
    assert.deepEqual(weightsOf(after, 0), [undefined], 'the header rule naming only the stable is left alone');
  });

  test('the third backend keeps its weight at every step', () => {
    let text = fixture(third.fixture);
    for (const p of [10, 20, 50, 70, 0]) {
      text = step(text, third.route, p, third.fixture);
      assert.deepEqual(weightsOf(text, 1), [7 - p / 10, 3, p / 10]);
    }
  });

  test('a step that is not a whole weight, or that the stable cannot cover, is refused', () => {
    const file = load(third.fixture);
    const e = routerError(
      () => gatewayApi.plan(file, third.route, 25),
      /^spec\.rules\[1\] of HTTPRoute foo-route: canary 25% of the rule's total weight 10 is 2\.5, not a whole weight$/,
      /the other backendRefs keep their 3, so use steps that are multiples of 10%, or scale every weight of spec\.rules\[1\] by 2 by hand/,
    );
    assert.deepEqual(e.where, { file: third.fixture, line: 28 });
    routerError(() => gatewayApi.plan(file, third.route, 80), /canary 80% of the rule's total weight 10 is 8, more than foo-v1:8080 \(7\)/, /use steps up to 70%/);
  });

  test('with only stable and canary the rule is written out of 100; weight: 1 becomes 100', () => {
    const c = byFixture('gateway-api/canary-absent.yaml');
    const text = httpRoute('        - name: web-stable\n          weight: 1\n        - name: web-canary\n          weight: 0\n');
    assert.deepEqual(gatewayApi.read(parse('route.yaml', text), webRoute), { stable: 100, canary: 0 });
    assert.deepEqual(weightsOf(step(text, webRoute, 0)), [100, 0]);
    assert.deepEqual(weightsOf(step(text, webRoute, 10)), [90, 10]);
    assert.deepEqual(weightsOf(step(fixture(c.fixture), c.route, 10, c.fixture), 2), [90, 10]);
  });

  test('percents are of the whole rule, rounded when hand-written weights do not divide evenly', () => {
    const read = (refs: string) => gatewayApi.read(parse('route.yaml', httpRoute(refs)), webRoute);
    assert.deepEqual(read('        - name: web-stable\n        - {name: web-canary, weight: 3}\n'), { stable: 25, canary: 75 });
    assert.deepEqual(read('        - name: web-stable\n        - {name: web-canary, weight: 2}\n'), { stable: 33, canary: 67 });
    assert.deepEqual(read('        - {name: web-stable, weight: 0}\n        - {name: web-canary, weight: 1}\n'), { stable: 0, canary: 100 });
    assert.deepEqual(read('        - {name: web-stable, weight: 1000}\n        - {name: web-canary, weight: 1}\n'), { stable: 100, canary: 0 });
    assert.deepEqual(read('        - {name: web-stable, weight: 6}\n        - {name: web-canary, weight: 2}\n        - {name: web-legacy, weight: 2}\n'), { stable: 60, canary: 20 });
    assert.deepEqual(read('        - {name: web-stable, weight: 1}\n        - {name: web-canary, weight: 0}\n        - {name: web-legacy}\n'), { stable: 50, canary: 0 });
  });

  test('rules agree when their canary shares are equal, whatever the scale', () => {
    const text = `${httpRoute('        - {name: web-stable, weight: 1}\n        - {name: web-canary, weight: 1}')}
    - matches: [{path: {type: PathPrefix, value: /x}}]
      backendRefs:
        - {name: web-stable, weight: 50}
        - {name: web-canary, weight: 50}
`;
    assert.deepEqual(gatewayApi.read(parse('route.yaml', text), webRoute), { stable: 50, canary: 50 });
  });
});

describe('gateway-api weightless canary', () => {
  test('a canary backendRef without weight is refused: the API counts it as 1', () => {
    const c = { fixture: 'gateway-api/no-weights.yaml', route: { ...webRoute, stable: { name: 'search-stable' }, canary: { name: 'search-canary' } } };
    for (const call of [() => gatewayApi.read(load(c.fixture), c.route), () => gatewayApi.plan(load(c.fixture), c.route, 10)]) {
      const e = routerError(
        call,
        /^canary backendRef search-canary:80 at spec\.rules\[0\]\.backendRefs\[1\] has no weight: the API counts it as 1, so it gets traffic at rest; write weight: 0$/,
        /write weight: 0 on search-canary:80/,
      );
      assert.deepEqual(e.where, { file: c.fixture, line: 12 });
    }
  });

  test('a stable without weight counts as 1', () => {
    const text = httpRoute('        - name: web-stable\n        - name: web-canary\n          weight: 0\n');
    assert.deepEqual(gatewayApi.read(parse('route.yaml', text), webRoute), { stable: 100, canary: 0 });
  });
});

describe('gateway-api canary absent at rest', () => {
  const absent = byFixture('gateway-api/canary-absent.yaml');

  test('seen: refused before; now read as 0, and p = 0 adds nothing', () => {
    assert.deepEqual(gatewayApi.read(load(absent.fixture), absent.route), { stable: 100, canary: 0 });
    assert.deepEqual(gatewayApi.plan(load(absent.fixture), absent.route, 0), []);
  });

  test('golden: the canary is added to the rule without matches; the mirror and header rules are left alone', () => {
    const text = fixture(absent.fixture);
    const after = step(text, absent.route, 25, absent.fixture);
    assert.equal(after, `${text}          weight: 75\n        - name: store-canary\n          port: 8080\n          weight: 25\n`);
    const again = step(after, absent.route, 0, absent.fixture);
    assert.equal(again, `${text}          weight: 100\n        - name: store-canary\n          port: 8080\n          weight: 0\n`, 'planning 0 keeps the canary at weight 0');
    assert.deepEqual(gatewayApi.plan(parse(absent.fixture, again), absent.route, 0), []);
  });

  test("route.canary's port and namespace are used; else the stable ref's", () => {
    const text = httpRoute('        - name: web-stable\n          namespace: web\n          port: 80\n', 'name: web\n  namespace: edge');
    assert.match(step(text, webRoute, 10), /- name: web-canary\n {10}port: 80\n {10}namespace: web\n {10}weight: 10\n$/);
    const route = { ...webRoute, canary: { name: 'web-canary', port: 8080, namespace: 'edge' } };
    assert.match(step(text, route, 10), /- name: web-canary\n {10}port: 8080\n {10}namespace: edge\n {10}weight: 10\n$/);
    const local = httpRoute('        - name: web-stable\n', 'name: web\n  namespace: edge');
    assert.match(step(local, route, 10), /- name: web-canary\n {10}port: 8080\n {10}weight: 10\n$/, "the route's own namespace is not written");
  });

  test('flow-style refs get a flow-style canary; a CRLF file stays CRLF', () => {
    const text = httpRoute('        - {name: web-stable, port: 80} # stable\n').replace(/\n/g, '\r\n');
    const after = step(text, webRoute, 10);
    assert.equal(after, text.replace('port: 80} # stable\r\n', 'port: 80, weight: 90} # stable\r\n        - {name: web-canary, port: 80, weight: 10}\r\n'));
  });

  test('no rule can take the canary: every rule naming the stable has matches', () => {
    const c = byFixture('gateway-api/custom-backends.yaml');
    const route = { ...c.route, stable: { name: 'auth-proxy', port: 9100 } };
    routerError(
      () => gatewayApi.read(load(c.fixture), route),
      /no rule of HTTPRoute auth can take the canary canary-gateway \(port 9090\): none routes to both auth-proxy \(port 9100\) and canary-gateway \(port 9090\), and every rule routing to auth-proxy \(port 9100\) has matches conditions \(spec\.rules\[1\]\)/,
      /next to auth-proxy \(port 9100\) in spec\.rules\[1\], add a rule without matches routing to auth-proxy \(port 9100\)/,
    );
  });

  test('refs of another kind never match: a ServiceImport of the canary name is another backend', () => {
    const text = httpRoute('        - {name: web-stable}\n        - {group: multicluster.x-k8s.io, kind: ServiceImport, name: web-canary}');
    const file = parse('route.yaml', text);
    assert.deepEqual(gatewayApi.read(file, webRoute), { stable: 50, canary: 0 });
    assert.deepEqual(paths(gatewayApi.plan(file, webRoute, 50)), [
      'spec.rules.0.backendRefs.0.weight=0',
      'spec.rules.0.backendRefs.2={}',
      'spec.rules.0.backendRefs.2.name="web-canary"',
      'spec.rules.0.backendRefs.2.weight=1',
    ]);
  });
});

describe('gateway-api owned rules', () => {
  test('two services in one HTTPRoute, and a third in another document, are independent', () => {
    const cart = byFixture('gateway-api/two-services.yaml', 'cart-v1');
    const search = byFixture('gateway-api/two-services.yaml', 'search-v1');
    const accounts = byFixture('gateway-api/two-services.yaml', 'accounts-v1');
    const text = fixture(cart.fixture);
    const all = [cart, search, accounts];
    const owned = (t: string) => all.map((c) => gatewayApi.owned(parse(cart.fixture, t), c.route));
    const before = owned(text);
    for (const [i, c] of all.entries()) {
      const after = owned(step(text, c.route, 50, c.fixture));
      for (const [j, other] of all.entries()) {
        if (i === j) assert.notDeepEqual(after[j], before[j]);
        else assert.deepEqual(after[j], before[j], `${c.route.stable.name} changed ${other.route.stable.name}`);
      }
    }
    const person = owned(text.replace('request: 3s', 'request: 5s'));
    assert.deepEqual([person[0], person[2]], [before[0], before[2]]);
    assert.notDeepEqual(person[1], before[1]);
    assert.deepEqual(before[2], [{ document: 'HTTPRoute/accounts', section: 'rules', rule: { backendRefs: [{ name: 'accounts-v1', port: 80 }] } }]);
  });
});

describe('gateway-api router', () => {
  test('moves every rule naming both; the beta-tester rule naming only the canary is left alone', () => {
    const c = byFixture('gateway-api/checkout.yaml');
    assert.deepEqual(paths(gatewayApi.plan(load(c.fixture), c.route, 20)), [
      'spec.rules.1.backendRefs.0.weight=80',
      'spec.rules.1.backendRefs.1.weight=20',
      'spec.rules.2.backendRefs.0.weight=80',
      'spec.rules.2.backendRefs.1.weight=20',
    ]);
  });

  test('custom backendRefs: stable auth-proxy:8443, canary canary-gateway:9090; the third backend and the mirror are untouched', () => {
    const c = byFixture('gateway-api/custom-backends.yaml');
    const file = load(c.fixture);
    assert.deepEqual(gatewayApi.read(file, c.route), { stable: 95, canary: 5 });
    assert.deepEqual(paths(gatewayApi.plan(file, c.route, 50)), ['spec.rules.0.backendRefs.0.weight=50', 'spec.rules.0.backendRefs.1.weight=50']);
  });

  test('golden: custom backends 95/5 → 60/40 changes two values; the third backend keeps weight: 0', () => {
    const c = byFixture('gateway-api/custom-backends.yaml');
    const text = fixture(c.fixture);
    const want = text.replace('weight: 95', 'weight: 60').replace('weight: 5\n', 'weight: 40\n');
    assert.equal(step(text, c.route, 40, c.fixture), want);
  });

  test('weights are inserted into flow-style backendRefs and read back', () => {
    const text = httpRoute('        - {name: web-stable, port: 80}\n        - {name: web-canary, port: 80, weight: 0}');
    const after = step(text, webRoute, 20);
    assert.deepEqual(gatewayApi.read(parse('route.yaml', after), webRoute), { stable: 80, canary: 20 });
    assert.equal(after.split('\n').slice(0, 8).join('\n'), text.split('\n').slice(0, 8).join('\n'));
  });

  test('the same Service on two ports is told apart by port', () => {
    const c = byFixture('gateway-api/same-name-ports.yaml');
    const file = load(c.fixture);
    assert.deepEqual(gatewayApi.read(file, c.route), { stable: 70, canary: 30 });
    const swapped = { ...c.route, stable: c.route.canary, canary: c.route.stable };
    assert.deepEqual(gatewayApi.read(file, swapped), { stable: 30, canary: 70 });
    assert.deepEqual(paths(gatewayApi.plan(file, c.route, 100)), ['spec.rules.0.backendRefs.0.weight=0', 'spec.rules.0.backendRefs.1.weight=100']);
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
    // inventory:8081 in stock is then a third backend; the canary would be added in namespace elsewhere.
    assert.deepEqual(gatewayApi.read(load(c.fixture), route), { stable: 70, canary: 0 });
    assert.deepEqual(paths(gatewayApi.plan(load(c.fixture), route, 10)).at(-1), 'spec.rules.0.backendRefs.2={"name":"inventory","port":8081,"namespace":"elsewhere","weight":10}');
  });

  test('GRPCRoute rules are read and written like HTTPRoute rules', () => {
    const c = byFixture('gateway-api/grpc.yaml');
    const file = load(c.fixture);
    assert.deepEqual(gatewayApi.read(file, c.route), { stable: 100, canary: 0 });
    assert.equal(paths(gatewayApi.plan(file, c.route, 10)).length, 4);
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
