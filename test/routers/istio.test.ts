import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits } from '../../src/manifests/index.ts';
import { hostMatches, istio } from '../../src/routers/istio.ts';
import type { RouteConfig } from '../../src/routers/types.ts';
import { cases } from './cases.ts';
import { fixture, parse, routerError } from './helpers.ts';

const byFixture = (name: string) => cases.istio!.find((c) => c.fixture === name)!;
const load = (name: string) => parse(name, fixture(name));

const vs = (http: string, meta = 'name: web') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  ${meta}
spec:
  hosts: [web]
  http:
${http}`;

const webRoute: RouteConfig = { type: 'istio', file: 'vs.yaml', stable: { name: 'web-stable' }, canary: { name: 'web-canary' } };

describe('istio host matching', () => {
  const table: [string, Parameters<typeof hostMatches>[1], string | undefined, boolean][] = [
    ['checkout', { name: 'checkout' }, undefined, true],
    ['checkout', { name: 'checkout', namespace: 'shop' }, 'shop', true],
    ['checkout', { name: 'checkout', namespace: 'shop' }, 'other', false],
    ['checkout', { name: 'checkout', namespace: 'shop' }, undefined, true],
    ['checkout.shop', { name: 'checkout', namespace: 'shop' }, undefined, true],
    ['checkout.shop.svc', { name: 'checkout', namespace: 'shop' }, undefined, true],
    ['checkout.shop.svc.cluster.local', { name: 'checkout', namespace: 'shop' }, 'other', true],
    ['checkout.shop.svc.cluster.local', { name: 'checkout' }, undefined, true],
    ['checkout.other.svc.cluster.local', { name: 'checkout', namespace: 'shop' }, undefined, false],
    ['checkout.shop.svc.cluster.local', { name: 'checkout.shop.svc.cluster.local' }, undefined, true],
    ['checkout', { name: 'checkout.shop.svc.cluster.local' }, 'shop', true],
    ['checkout', { name: 'checkout.shop.svc.cluster.local' }, 'other', false],
    ['checkout-canary', { name: 'checkout' }, undefined, false],
    ['checkout.example.com', { name: 'checkout' }, undefined, false],
    ['checkout.example.com', { name: 'checkout.example.com' }, undefined, true],
    ['checkout.shop.svc.cluster.example', { name: 'checkout' }, undefined, false],
  ];
  for (const [host, d, ns, want] of table) {
    test(`${host} ${want ? 'matches' : 'does not match'} ${JSON.stringify(d)}${ns ? ` in namespace ${ns}` : ''}`, () => {
      assert.equal(hostMatches(host, d, ns), want);
    });
  }
});

describe('istio router', () => {
  test('FQDN and short hosts of the same service are one destination; the header rule is left alone', () => {
    const c = byFixture('istio/checkout.yaml');
    const file = load(c.fixture);
    assert.deepEqual(istio.read(file, c.route), { stable: 90, canary: 10 });
    assert.deepEqual(istio.plan(file, c.route, { stable: 75, canary: 25 }), [
      {
        docIndex: 0,
        ops: [
          { op: 'set', path: ['spec', 'http', 1, 'route', 0, 'weight'], value: 75 },
          { op: 'set', path: ['spec', 'http', 1, 'route', 1, 'weight'], value: 25 },
          { op: 'set', path: ['spec', 'http', 2, 'route', 0, 'weight'], value: 75 },
          { op: 'set', path: ['spec', 'http', 2, 'route', 1, 'weight'], value: 25 },
        ],
      },
    ]);
  });

  test('golden: 90/10 → 75/25 changes only the four weight values, comments and spacing kept', () => {
    const c = byFixture('istio/checkout.yaml');
    const text = fixture(c.fixture);
    const file = parse(c.fixture, text);
    const want = text.replace(/weight: 90/g, 'weight: 75').replace(/weight: 10\b/g, 'weight: 25');
    assert.notEqual(want, text);
    assert.equal(applyEdits(file, istio.plan(file, c.route, { stable: 75, canary: 25 })), want);
  });

  test('a plan to the current weights is empty', () => {
    const c = byFixture('istio/checkout.yaml');
    assert.deepEqual(istio.plan(load(c.fixture), c.route, c.initial), []);
  });

  test('subsets tell versions of one host apart, in http and tcp rules, in a file with a DestinationRule', () => {
    const c = byFixture('istio/reviews.yaml');
    const file = load(c.fixture);
    assert.deepEqual(istio.read(file, c.route), { stable: 75, canary: 25 });
    const [edits] = istio.plan(file, c.route, { stable: 50, canary: 50 });
    assert.equal(edits?.docIndex, 1, 'the VirtualService, not the DestinationRule');
    assert.deepEqual(
      edits?.ops.map((o) => o.path.join('.')),
      ['spec.http.1.route.0.weight', 'spec.http.1.route.1.weight', 'spec.tcp.0.route.0.weight', 'spec.tcp.0.route.1.weight'],
    );
  });

  test('the port narrows a destination', () => {
    const c = byFixture('istio/reviews.yaml');
    const route = { ...c.route, stable: { ...c.route.stable, port: 9090 }, canary: { ...c.route.canary, port: 9090 } };
    const ops = istio.plan(load(c.fixture), route, { stable: 0, canary: 100 }).flatMap((e) => e.ops);
    assert.deepEqual(ops.map((o) => o.path.join('.')), ['spec.tcp.0.route.0.weight', 'spec.tcp.0.route.1.weight']);
  });

  test('a wrong subset is a missing destination', () => {
    const c = byFixture('istio/reviews.yaml');
    const route = { ...c.route, canary: { name: 'reviews', subset: 'v9' } };
    routerError(() => istio.read(load(c.fixture), route), /reviews \(subset v9\) not found/, /add a route to reviews \(subset v9\) with weight: 0 next to reviews \(subset v1\)/);
  });

  test('an absent weight next to other routes is 0, and planning inserts it', () => {
    const c = byFixture('istio/no-weight.yaml');
    const file = load(c.fixture);
    assert.deepEqual(istio.read(file, c.route), { stable: 100, canary: 0 });
    assert.deepEqual(istio.plan(file, c.route, { stable: 90, canary: 10 }), [
      {
        docIndex: 0,
        ops: [
          { op: 'set', path: ['spec', 'http', 0, 'route', 0, 'weight'], value: 90 },
          { op: 'set', path: ['spec', 'http', 0, 'route', 1, 'weight'], value: 10 },
        ],
      },
    ]);
    // Writing 100/0 still writes the absent canary weight explicitly.
    assert.deepEqual(istio.plan(file, c.route, { stable: 100, canary: 0 })[0]?.ops, [
      { op: 'set', path: ['spec', 'http', 0, 'route', 1, 'weight'], value: 0 },
    ]);
  });

  test('weights are relative: the percentage is over stable+canary, a third route is left alone', () => {
    const file = parse(
      'vs.yaml',
      vs(`    - route:
        - destination: {host: web-stable}
          weight: 60
        - destination: {host: web-canary}
          weight: 20
        - destination: {host: web-legacy}
          weight: 20`),
    );
    assert.deepEqual(istio.read(file, webRoute), { stable: 75, canary: 25 });
    assert.deepEqual(istio.plan(file, webRoute, { stable: 50, canary: 50 })[0]?.ops.map((o) => o.path.join('.')), [
      'spec.http.0.route.0.weight',
      'spec.http.0.route.1.weight',
    ]);
  });

  test('no rule names both destinations: the error points at the rule naming one, with a hint', () => {
    const text = vs(`    - route:
        - destination:
            host: web-stable`);
    const e = routerError(() => istio.read(parse('routes/web.yaml', text), webRoute), /web-canary not found/, /add a route to web-canary with weight: 0 next to web-stable/);
    assert.deepEqual(e.where, { file: 'routes/web.yaml', line: 8 });
  });

  test('a misspelt destination: the hint lists the routes found', () => {
    const c = byFixture('istio/checkout.yaml');
    const file = load(c.fixture);
    const e = routerError(
      () => istio.read(file, { ...c.route, stable: { name: 'checkout-stabel' } }),
      /checkout-stabel not found: no route of VirtualService checkout names the stable \(spec\.http\[0\] names checkout-canary/,
      /^fix route\.stable \(routes found: checkout-canary\.shop\.svc\.cluster\.local:8080, checkout-stable\.shop\.svc\.cluster\.local:8080, checkout-stable:8080, checkout-canary:8080\)/,
    );
    assert.equal(e.where?.line, 20);
    routerError(() => istio.read(file, { ...c.route, canary: { name: 'checkout-canray' } }), /checkout-canray not found/, /add a route to checkout-canray with weight: 0 next to checkout-stable .* in spec\.http\[1\], or fix route\.canary/);
  });

  test('both destinations present but never in one rule', () => {
    const text = vs(`    - match: [{headers: {x-canary: {exact: "1"}}}]
      route:
        - destination: {host: web-canary}
    - route:
        - destination: {host: web-stable}`);
    const e = routerError(() => istio.read(parse('vs.yaml', text), webRoute), /no rule of VirtualService web routes to both web-stable and web-canary/, /add a route to web-canary with weight: 0 next to web-stable in spec\.http\[1\]/);
    assert.equal(e.where?.line, 11);
  });

  test('neither destination anywhere: the error names both', () => {
    const e = routerError(() => istio.read(parse('vs.yaml', vs(`    - route:\n        - destination: {host: other}`)), webRoute), /web-stable and web-canary not found/);
    assert.equal(e.where?.file, 'vs.yaml');
    assert.equal(typeof e.where?.line, 'number');
  });

  test('managed rules that disagree are an error naming both rules', () => {
    const text = vs(`    - match: [{uri: {prefix: /a}}]
      route:
        - destination: {host: web-stable}
          weight: 90
        - destination: {host: web-canary}
          weight: 10
    - route:
        - destination: {host: web-stable}
          weight: 80
        - destination: {host: web-canary}
          weight: 20`);
    const file = parse('vs.yaml', text);
    routerError(() => istio.read(file, webRoute), /rules disagree.*spec\.http\[0\].*10%.*spec\.http\[1\].*20%/, /route\.name/);
    // Planning makes them agree again.
    assert.equal(istio.plan(file, webRoute, { stable: 50, canary: 50 })[0]?.ops.length, 4);
  });

  test('route.name picks one VirtualService of several; an unknown name lists the ones found', () => {
    const one = (name: string, w: number) =>
      vs(
        `    - route:
        - destination: {host: web-stable}
          weight: ${100 - w}
        - destination: {host: web-canary}
          weight: ${w}`,
        `name: ${name}`,
      );
    const file = parse('vs.yaml', `${one('web-a', 10)}\n---\n${one('web-b', 30)}\n`);
    routerError(() => istio.read(file, webRoute), /rules disagree/);
    assert.deepEqual(istio.read(file, { ...webRoute, name: 'web-b' }), { stable: 70, canary: 30 });
    assert.deepEqual(istio.plan(file, { ...webRoute, name: 'web-b' }, { stable: 50, canary: 50 }).map((e) => e.docIndex), [1]);
    routerError(() => istio.read(file, { ...webRoute, name: 'web-c' }), /no VirtualService named web-c/, /found: web-a, web-b/);
  });

  test('a route that matches both destinations is ambiguous', () => {
    const c = byFixture('istio/reviews.yaml');
    const route = { ...c.route, stable: { name: 'reviews' } };
    routerError(() => istio.read(load(c.fixture), route), /matches both reviews and reviews \(subset v2\)/, /narrow route\.stable or route\.canary/);
  });

  test('a weight that is not a non-negative integer is refused with its line', () => {
    for (const bad of ['"10"', '-5', '12.5']) {
      const text = vs(`    - route:
        - destination: {host: web-stable}
          weight: 90
        - destination: {host: web-canary}
          weight: ${bad}`);
      const e = routerError(() => istio.read(parse('vs.yaml', text), webRoute), /is not an integer/);
      assert.equal(e.where?.line, 12);
    }
  });

  test('both weights 0 is refused', () => {
    const text = vs(`    - route:
        - destination: {host: web-stable}
        - destination: {host: web-canary}`);
    routerError(() => istio.read(parse('vs.yaml', text), webRoute), /weight 0 to both/);
  });

  test('no VirtualService, or an unsupported apiVersion, is an error', () => {
    routerError(() => istio.read(parse('x.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\n'), webRoute), /no VirtualService/);
    const v2 = vs('    - route: []').replace('networking.istio.io/v1', 'networking.istio.io/v2');
    routerError(() => istio.read(parse('x.yaml', v2), webRoute), /unsupported apiVersion networking\.istio\.io\/v2/);
  });

  test('every supported apiVersion is read', () => {
    for (const version of ['v1', 'v1beta1', 'v1alpha3']) {
      const text = vs(`    - route:
        - destination: {host: web-stable}
          weight: 60
        - destination: {host: web-canary}
          weight: 40`).replace('networking.istio.io/v1', `networking.istio.io/${version}`);
      assert.deepEqual(istio.read(parse('vs.yaml', text), webRoute), { stable: 60, canary: 40 });
    }
  });
});
