import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits } from '../../src/manifests/index.ts';
import { canaryHost, hostMatches, istio } from '../../src/routers/istio.ts';
import type { SplitRoute as RouteConfig } from '../../src/routers/types.ts';
import { named } from './case-types.ts';
import { cases } from './cases/istio.ts';
import { fixture, parse, routerError } from './helpers.ts';

const byFixture = (name: string, stable?: string) => cases.find((c) => c.fixture === name && (!stable || named(c.route)?.stable.name === stable))!;
const load = (name: string) => parse(name, fixture(name));
const ops = (edits: ReturnType<typeof istio.plan>) => edits.flatMap((e) => e.ops.map((o) => `${o.path.join('.')}=${JSON.stringify((o as { value: unknown }).value)}`));
const step = (text: string, route: RouteConfig, p: number, path = 'vs.yaml') => {
  const file = parse(path, text);
  return applyEdits(file, istio.plan(file, route, p));
};

const vs = (http: string, meta = 'name: web') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  ${meta}
spec:
  hosts: [web]
  http:
${http}`;

const webRoute: RouteConfig = { type: 'istio', file: 'vs.yaml', stable: { name: 'web-stable' }, canary: { name: 'web-canary' } };

/** Weights of every route of http[i], in order (`undefined` when absent). */
const weightsOf = (text: string, i = 0) => {
  const spec = (parse('vs.yaml', text).docs.find((d) => d.kind === 'VirtualService')!.value as { spec: { http: { route: { weight?: number }[] }[] } }).spec;
  return spec.http[i]!.route.map((r) => r.weight);
};

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

describe('istio canary host written beside the stable', () => {
  const table: [string, Parameters<typeof canaryHost>[1], string | undefined, string][] = [
    ['web-stable', { name: 'web-canary' }, undefined, 'web-canary'],
    ['web-stable', { name: 'web-canary', namespace: 'shop' }, 'shop', 'web-canary'],
    ['web-stable', { name: 'web-canary', namespace: 'edge' }, 'shop', 'web-canary.edge.svc.cluster.local'],
    ['web-stable.shop', { name: 'web-canary' }, undefined, 'web-canary.shop'],
    ['web-stable.shop.svc.cluster.local', { name: 'web-canary' }, 'other', 'web-canary.shop.svc.cluster.local'],
    ['web-stable.shop.svc.cluster.local', { name: 'web-canary', namespace: 'edge' }, undefined, 'web-canary.edge.svc.cluster.local'],
    ['web-stable.shop.svc', { name: 'web-canary', namespace: 'edge' }, undefined, 'web-canary.edge.svc'],
    ['web-stable', { name: 'web-canary.edge.svc.cluster.local' }, 'shop', 'web-canary.edge.svc.cluster.local'],
    ['web.example.com', { name: 'web-canary' }, undefined, 'web-canary'],
  ];
  for (const [stable, d, ns, want] of table) {
    test(`beside ${stable}${ns ? ` in ${ns}` : ''}, ${JSON.stringify(d)} is ${want}`, () => {
      const host = canaryHost(stable, d, ns);
      assert.equal(host, want);
      assert.ok(hostMatches(host, d, ns), 'the written host names the canary');
    });
  }
});

describe('istio traffic arithmetic', () => {
  const third = byFixture('istio/third-destination.yaml');

  test('seen: 70/30/0 stepped to 10% became 90/30/10; now 60/30/10, still summing to 100', () => {
    const text = fixture(third.fixture);
    assert.deepEqual(ops(istio.plan(load(third.fixture), third.route, 10)), ['spec.http.1.route.0.weight=60', 'spec.http.1.route.2.weight=10']);
    const after = step(text, third.route, 10, third.fixture);
    assert.deepEqual(weightsOf(after, 1), [60, 30, 10]);
    assert.equal(after, text.replace('weight: 70', 'weight: 60').replace('weight: 0\n', 'weight: 10\n'));
    assert.deepEqual(istio.read(parse(third.fixture, after), third.route), { stable: 60, canary: 10 });
  });

  test('the third destination keeps its weight at every step, and the header rule is never touched', () => {
    let text = fixture(third.fixture);
    for (const p of [10, 25, 50, 70, 0]) {
      text = step(text, third.route, p, third.fixture);
      assert.deepEqual(weightsOf(text, 1), [70 - p, 30, p]);
      assert.deepEqual(weightsOf(text, 0), [undefined]);
    }
    assert.equal(text, fixture(third.fixture));
  });

  test('a step the stable cannot cover is refused, naming file:line, rule and numbers', () => {
    const e = routerError(
      () => istio.plan(load(third.fixture), third.route, 80),
      /^spec\.http\[1\] of VirtualService reviews: canary 80% of the rule's total weight 100 is 80, more than reviews\/v1 \(70\) and the canary \(0\) hold; the other routes keep their 30$/,
      /use steps up to 70%, or move weight from the other routes to reviews\/v1 by hand/,
    );
    assert.deepEqual(e.where, { file: third.fixture, line: 20 });
    assert.match(e.oneLine(), /\(istio\/third-destination\.yaml:20\)/);
    assert.deepEqual(e.data, { rule: 'spec.http[1]', percent: 80, total: 100, stable: 70, canary: 0, others: 30 });
  });

  test('a step that is not a whole weight is refused with a hint', () => {
    const text = vs(`    - route:
        - destination: {host: web-stable}
          weight: 1
        - destination: {host: web-canary}
          weight: 0
        - destination: {host: web-legacy}
          weight: 1`);
    routerError(
      () => istio.plan(parse('vs.yaml', text), webRoute, 10),
      /canary 10% of the rule's total weight 2 is 0\.2, not a whole weight/,
      /use steps that are multiples of 50%, or scale every weight of spec\.http\[0\] by 5 by hand/,
    );
    assert.deepEqual(weightsOf(step(text, webRoute, 50)), [0, 1, 1]);
  });

  test('weights need not sum to 100: the canary percent is of the whole rule and the sum is kept', () => {
    const text = vs(`    - route:
        - destination: {host: web-stable}
          weight: 600
        - destination: {host: web-canary}
          weight: 200
        - destination: {host: web-legacy}
          weight: 200`);
    assert.deepEqual(istio.read(parse('vs.yaml', text), webRoute), { stable: 60, canary: 20 });
    assert.deepEqual(weightsOf(step(text, webRoute, 50)), [300, 500, 200]);
  });

  test('hand-written weights that do not divide evenly read rounded; the rules still sum to 100', () => {
    const text = vs(`    - route:
        - destination: {host: web-stable}
          weight: 1
        - destination: {host: web-canary}
          weight: 1
        - destination: {host: web-legacy}
          weight: 1`);
    assert.deepEqual(istio.read(parse('vs.yaml', text), webRoute), { stable: 34, canary: 33 });
  });

  test('with only stable and canary the rule is written out of 100', () => {
    const text = vs(`    - route:
        - destination: {host: web-stable}
          weight: 3
        - destination: {host: web-canary}
          weight: 1`);
    assert.deepEqual(istio.read(parse('vs.yaml', text), webRoute), { stable: 75, canary: 25 });
    assert.deepEqual(weightsOf(step(text, webRoute, 10)), [90, 10]);
  });
});

describe('istio canary absent at rest', () => {
  const absent = byFixture('istio/canary-absent.yaml');

  test('seen: refused before; now read as 0, and p = 0 adds nothing', () => {
    const file = load(absent.fixture);
    assert.deepEqual(istio.read(file, absent.route), { stable: 100, canary: 0 });
    assert.deepEqual(istio.plan(file, absent.route, 0), []);
  });

  test('golden: the first step adds the canary right after the stable in the default rule only, block style like it', () => {
    const text = fixture(absent.fixture);
    const stable = `        - destination:
            host: details.bookinfo.svc.cluster.local
            subset: v1
            port:
              number: 9080
`;
    const want = text.replace(
      stable,
      `${stable}          weight: 75
        - destination:
            host: details.bookinfo.svc.cluster.local
            subset: v2
            port:
              number: 9080
          weight: 25
`,
    );
    assert.notEqual(want, text);
    assert.equal(step(text, absent.route, 25, absent.fixture), want);
  });

  test('once added the canary stays: planning 0 sets its weight to 0', () => {
    let text = step(fixture(absent.fixture), absent.route, 25, absent.fixture);
    text = step(text, absent.route, 0, absent.fixture);
    assert.deepEqual(weightsOf(text, 2), [100, 0]);
    assert.match(text, /subset: v2\n {12}port:\n {14}number: 9080\n {10}weight: 0\n/);
    assert.deepEqual(istio.plan(parse(absent.fixture, text), absent.route, 0), []);
  });

  test("route.canary's port is used when set", () => {
    const route = { ...absent.route, canary: { ...absent.route.canary, port: 9443 } };
    assert.match(step(fixture(absent.fixture), route, 10, absent.fixture), /subset: v2\n {12}port:\n {14}number: 9443\n/);
  });

  test('a lone stable without weight counts as 100; both get explicit weights', () => {
    const text = vs(`    - route:
        - destination:
            host: web-stable`);
    assert.deepEqual(istio.read(parse('vs.yaml', text), webRoute), { stable: 100, canary: 0 });
    const after = step(text, webRoute, 10);
    assert.equal(after, `${text}\n          weight: 90\n        - destination:\n            host: web-canary\n          weight: 10`);
    assert.deepEqual(istio.read(parse('vs.yaml', after), webRoute), { stable: 90, canary: 10 });
  });

  test('the canary is added in the style of its neighbours: flow destinations, flow ports, a flow list, CRLF', () => {
    const crlf = byFixture('istio/crlf.yaml');
    const text = fixture(crlf.fixture);
    const after = step(text, crlf.route, 10, crlf.fixture);
    assert.equal(
      after,
      text.replace(
        '      weight: 100\r\n',
        '      weight: 90\r\n    - destination: {host: tcp-echo, subset: v2, port: {number: 9000}}\r\n      weight: 10\r\n',
      ),
    );
    const flowPort = vs(`    - route:
        - destination:
            host: web-stable
            port: { number: 80 }
          weight: 100`);
    assert.match(step(flowPort, webRoute, 10), /- destination:\n {12}host: web-canary\n {12}port: \{number: 80\}\n {10}weight: 10$/);
    const flowList = vs('    - route: [{destination: {host: web-stable}}]');
    assert.match(step(flowList, webRoute, 10), /route: \[\{destination: \{host: web-stable\}, weight: 90\}, \{destination: \{host: web-canary\}, weight: 10\}\]/);
  });

  test('every default rule naming the stable takes the canary; rules with match and rules of other hosts do not', () => {
    const text = `${vs(`    - match: [{headers: {x-canary: {exact: "1"}}}]
      route:
        - destination: {host: web-canary}
    - match: [{uri: {prefix: /admin}}]
      route:
        - destination: {host: web-stable}
    - route:
        - destination: {host: web-stable}
          weight: 100`)}
  tcp:
    - route:
        - destination: {host: web-stable, port: {number: 5432}}
    - route:
        - destination: {host: db}
`;
    const file = parse('vs.yaml', text);
    assert.deepEqual(istio.read(file, webRoute), { stable: 100, canary: 0 });
    assert.deepEqual(ops(istio.plan(file, webRoute, 10)), [
      'spec.http.2.route.0.weight=90',
      'spec.http.2.route.1={"destination":{},"weight":10}',
      'spec.http.2.route.1.destination.host="web-canary"',
      'spec.tcp.0.route.0.weight=90',
      'spec.tcp.0.route.1={"destination":{},"weight":10}',
      'spec.tcp.0.route.1.destination.host="web-canary"',
      'spec.tcp.0.route.1.destination.port={"number":5432}',
    ]);
  });

  test('when a rule names both, the default rules naming only the stable are left alone', () => {
    const text = vs(`    - match: [{uri: {prefix: /api}}]
      route:
        - destination: {host: web-stable}
          weight: 100
        - destination: {host: web-canary}
          weight: 0
    - route:
        - destination: {host: web-stable}`);
    assert.deepEqual(ops(istio.plan(parse('vs.yaml', text), webRoute, 10)), ['spec.http.0.route.0.weight=90', 'spec.http.0.route.1.weight=10']);
  });

  test('no rule can take the canary: every rule naming the stable has match conditions', () => {
    const text = vs(`    - match: [{uri: {prefix: /api}}]
      route:
        - destination:
            host: web-stable
    - route:
        - destination: {host: other}`);
    for (const call of [() => istio.read(parse('routes/web.yaml', text), webRoute), () => istio.plan(parse('routes/web.yaml', text), webRoute, 10)]) {
      const e = routerError(
        call,
        /^no rule of VirtualService web can take the canary web-canary: none routes to both web-stable and web-canary, and every rule routing to web-stable has match conditions \(spec\.http\[0\]\)$/,
        /add a route to web-canary with weight: 0 next to web-stable in spec\.http\[0\], add a rule without match routing to web-stable/,
      );
      assert.deepEqual(e.where, { file: 'routes/web.yaml', line: 8 });
    }
  });

  test('both destinations present, never in one rule, no default rule: the same error', () => {
    const text = vs(`    - match: [{headers: {x-canary: {exact: "1"}}}]
      route:
        - destination: {host: web-canary}
    - match: [{uri: {prefix: /}}]
      route:
        - destination: {host: web-stable}`);
    const e = routerError(() => istio.read(parse('vs.yaml', text), webRoute), /can take the canary web-canary/, /add a route to web-canary with weight: 0 next to web-stable in spec\.http\[1\]/);
    assert.equal(e.where?.line, 11);
  });

  test('a default rule with two routes to the stable is ambiguous', () => {
    const text = vs(`    - route:
        - destination: {host: web-stable, port: {number: 80}}
          weight: 50
        - destination: {host: web-stable, port: {number: 81}}
          weight: 50`);
    routerError(() => istio.read(parse('vs.yaml', text), webRoute), /2 routes in spec\.http\[0\] match the stable destination web-stable/, /give route\.stable a subset or port/);
  });
});

describe('istio owned rules', () => {
  test('two services in one file, one VirtualService each: each owns its rules only', () => {
    const ratings = byFixture('istio/two-services-multidoc.yaml', 'ratings');
    const productpage = byFixture('istio/two-services-multidoc.yaml', 'productpage');
    const text = fixture(ratings.fixture);
    const owned = (t: string, r: RouteConfig) => istio.owned(parse(ratings.fixture, t), r);
    assert.deepEqual(owned(text, productpage.route), [
      { document: 'VirtualService/productpage', section: 'http', rule: { route: [{ destination: { host: 'productpage', subset: 'v1' } }] } },
    ]);
    const ratingsStep = step(text, ratings.route, 50, ratings.fixture);
    assert.deepEqual(owned(ratingsStep, productpage.route), owned(text, productpage.route));
    assert.notDeepEqual(owned(ratingsStep, ratings.route), owned(text, ratings.route));
    const productpageStart = step(text, productpage.route, 10, productpage.fixture);
    assert.deepEqual(owned(productpageStart, ratings.route), owned(text, ratings.route));
    assert.notDeepEqual(owned(productpageStart, productpage.route), owned(text, productpage.route));
    // A person's edit of productpage's /login rule is not a rule productpage's rollout owns.
    const login = text.replace('exact: /login', 'exact: /signin');
    assert.deepEqual(owned(login, productpage.route), owned(text, productpage.route));
  });

  test('two services in one document by different hosts are independent', () => {
    const cart = byFixture('istio/two-services-same-doc.yaml', 'cart-stable');
    const search = byFixture('istio/two-services-same-doc.yaml', 'search-stable');
    const text = fixture(cart.fixture);
    const owned = (t: string, r: RouteConfig) => istio.owned(parse(cart.fixture, t), r);
    const cartStep = step(text, cart.route, 10, cart.fixture);
    assert.deepEqual(owned(cartStep, search.route), owned(text, search.route));
    assert.notDeepEqual(owned(cartStep, cart.route), owned(text, cart.route));
    const timeout = text.replace('timeout: 5s', 'timeout: 9s');
    assert.notDeepEqual(owned(timeout, search.route), owned(text, search.route), "a person's change to search's rule is search's");
    assert.deepEqual(owned(timeout, cart.route), owned(text, cart.route));
    const staticRule = text.replace('prefix: /static', 'prefix: /assets');
    assert.deepEqual(owned(staticRule, cart.route), owned(text, cart.route));
    assert.deepEqual(owned(staticRule, search.route), owned(text, search.route));
  });

  test('two services sharing a VirtualService name pick their documents by route.name', () => {
    const one = (name: string, w: number) =>
      vs(
        `    - route:
        - destination: {host: web-stable}
          weight: ${100 - w}
        - destination: {host: web-canary}
          weight: ${w}`,
        `name: ${name}`,
      );
    const text = `${one('web-a', 10)}\n---\n${one('web-b', 30)}\n`;
    const a = { ...webRoute, name: 'web-a' };
    const b = { ...webRoute, name: 'web-b' };
    const after = step(text, b, 50);
    assert.deepEqual(istio.owned(parse('vs.yaml', after), a), istio.owned(parse('vs.yaml', text), a));
    assert.notDeepEqual(istio.owned(parse('vs.yaml', after), b), istio.owned(parse('vs.yaml', text), b));
    assert.equal(istio.read(parse('vs.yaml', after), a).canary, 10);
  });
});

describe('istio router', () => {
  test('FQDN and short hosts of the same service are one destination; the header rule is left alone', () => {
    const c = byFixture('istio/checkout.yaml');
    const file = load(c.fixture);
    assert.deepEqual(istio.read(file, c.route), { stable: 90, canary: 10 });
    assert.deepEqual(istio.plan(file, c.route, 25), [
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
    const want = text.replace(/weight: 90/g, 'weight: 75').replace(/weight: 10\b/g, 'weight: 25');
    assert.notEqual(want, text);
    assert.equal(step(text, c.route, 25, c.fixture), want);
  });

  test('a plan to the current weights is empty', () => {
    const c = byFixture('istio/checkout.yaml');
    assert.deepEqual(istio.plan(load(c.fixture), c.route, c.initial.canary), []);
  });

  test('subsets tell versions of one host apart, in http and tcp rules, in a file with a DestinationRule', () => {
    const c = byFixture('istio/reviews.yaml');
    const file = load(c.fixture);
    assert.deepEqual(istio.read(file, c.route), { stable: 75, canary: 25 });
    const [edits] = istio.plan(file, c.route, 50);
    assert.equal(edits?.docIndex, 1, 'the VirtualService, not the DestinationRule');
    assert.deepEqual(
      edits?.ops.map((o) => o.path.join('.')),
      ['spec.http.1.route.0.weight', 'spec.http.1.route.1.weight', 'spec.tcp.0.route.0.weight', 'spec.tcp.0.route.1.weight'],
    );
  });

  test('the port narrows a destination', () => {
    const c = byFixture('istio/reviews.yaml');
    const route = { ...c.route, stable: { ...c.route.stable, port: 9090 }, canary: { ...c.route.canary, port: 9090 } };
    assert.deepEqual(ops(istio.plan(load(c.fixture), route, 100)), ['spec.tcp.0.route.0.weight=0', 'spec.tcp.0.route.1.weight=100']);
  });

  test('a wrong subset is a missing canary: the default rule would take it, v2 becoming a third destination', () => {
    const c = byFixture('istio/reviews.yaml');
    const route = { ...c.route, canary: { name: 'reviews', subset: 'v9' } };
    assert.deepEqual(istio.read(load(c.fixture), route), { stable: 75, canary: 0 });
    assert.deepEqual(ops(istio.plan(load(c.fixture), route, 10)), [
      'spec.http.1.route.0.weight=65',
      'spec.http.1.route.2={"destination":{"host":"reviews","subset":"v9"},"weight":10}',
    ]);
  });

  test('an absent weight next to other routes is 0, and planning inserts it', () => {
    const c = byFixture('istio/no-weight.yaml');
    const file = load(c.fixture);
    assert.deepEqual(istio.read(file, c.route), { stable: 100, canary: 0 });
    assert.deepEqual(ops(istio.plan(file, c.route, 10)), ['spec.http.0.route.0.weight=90', 'spec.http.0.route.1.weight=10']);
    // Writing 0 still writes the absent canary weight explicitly.
    assert.deepEqual(ops(istio.plan(file, c.route, 0)), ['spec.http.0.route.1.weight=0']);
  });

  test('a misspelt stable: the hint lists the routes found', () => {
    const c = byFixture('istio/checkout.yaml');
    const file = load(c.fixture);
    const e = routerError(
      () => istio.read(file, { ...c.route, stable: { name: 'checkout-stabel' } }),
      /checkout-stabel not found: no route of VirtualService checkout names the stable \(spec\.http\[0\] names checkout-canary/,
      /^fix route\.stable \(routes found: checkout-canary\.shop\.svc\.cluster\.local:8080, checkout-stable\.shop\.svc\.cluster\.local:8080, checkout-stable:8080, checkout-canary:8080\)/,
    );
    assert.equal(e.where?.line, 20);
  });

  test('neither destination anywhere: the error names both', () => {
    const e = routerError(() => istio.read(parse('vs.yaml', vs(`    - route:\n        - destination: {host: other}`)), webRoute), /web-stable and web-canary not found/, /route\.stable \(web-stable\) and route\.canary \(web-canary\)/);
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
    assert.equal(istio.plan(file, webRoute, 50)[0]?.ops.length, 4);
  });

  test('rules agree when the canary has the same share of each whole rule', () => {
    const text = vs(`    - match: [{uri: {prefix: /a}}]
      route:
        - destination: {host: web-stable}
          weight: 90
        - destination: {host: web-canary}
          weight: 10
    - route:
        - destination: {host: web-stable}
          weight: 60
        - destination: {host: web-canary}
          weight: 10
        - destination: {host: web-legacy}
          weight: 30`);
    assert.deepEqual(istio.read(parse('vs.yaml', text), webRoute), { stable: 90, canary: 10 });
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
    assert.deepEqual(istio.plan(file, { ...webRoute, name: 'web-b' }, 50).map((e) => e.docIndex), [1]);
    routerError(() => istio.read(file, { ...webRoute, name: 'web-c' }), /no VirtualService named web-c/, /found: web-a, web-b/);
  });

  test('a route that matches both destinations is ambiguous', () => {
    const c = byFixture('istio/reviews.yaml');
    const route = { ...c.route, stable: { name: 'reviews' } };
    routerError(() => istio.read(load(c.fixture), route), /matches both reviews and reviews \(subset v2\)/, /narrow route\.stable or route\.canary/);
  });

  test('a weight that is not a non-negative integer is refused with its line, also on a third route', () => {
    for (const [canary, legacy] of [['"10"', '0'], ['-5', '0'], ['12.5', '0'], ['0', '"x"']]) {
      const text = vs(`    - route:
        - destination: {host: web-stable}
          weight: 90
        - destination: {host: web-canary}
          weight: ${canary}
        - destination: {host: web-legacy}
          weight: ${legacy}`);
      const e = routerError(() => istio.read(parse('vs.yaml', text), webRoute), /is not an integer/);
      assert.equal(e.where?.line, canary === '0' ? 14 : 12);
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
