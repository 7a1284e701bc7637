import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatIssue, parseConfig } from '../../src/config/index.ts';
import { applyEdits } from '../../src/manifests/index.ts';
import { contour, contourServiceMatches, hasContourConditions } from '../../src/routers/contour.ts';
import type { SplitRoute } from '../../src/routers/types.ts';
import { named } from './case-types.ts';
import { cases } from './cases/contour.ts';
import { fixture, parse, routerError } from './helpers.ts';
import { checkModel, ROUTE_NAMES, type SplitModel } from './split-models.ts';

/** The case of `name` (and stable), its route as the split route it is. */
const byFixture = (name: string, stable?: string) => {
  const c = cases.find((x) => x.fixture === name && (!stable || named(x.route)?.stable.name === stable))!;
  return { ...c, route: named(c.route)! };
};
const load = (name: string) => parse(name, fixture(name));
const paths = (edits: ReturnType<typeof contour.plan>) => edits.flatMap((e) => e.ops.map((o) => `${o.path.join('.')}=${JSON.stringify((o as { value: unknown }).value)}`));
const step = (text: string, route: SplitRoute, p: number, path = 'proxy.yaml') => {
  const file = parse(path, text);
  return applyEdits(file, contour.plan(file, route, p));
};

/** An HTTPProxy with one route of `services` (block lines at 8 spaces), under `conditions` when given. */
const proxy = (services: string, conditions = '') => `apiVersion: projectcontour.io/v1
kind: HTTPProxy
metadata:
  name: web
spec:
  virtualhost: {fqdn: web.example.com}
  routes:
    - ${conditions ? `conditions: ${conditions}\n      ` : ''}services:
${services}`;

const webRoute: SplitRoute = { type: 'contour', file: 'proxy.yaml', stable: { name: 'web-stable' }, canary: { name: 'web-canary' } };
const read = (services: string, route = webRoute) => contour.read(parse('proxy.yaml', proxy(services)), route);

/** Weights of the services of route i, in order (`undefined` when absent). */
const weightsOf = (text: string, i = 0, doc = 0) =>
  (parse('proxy.yaml', text).docs[doc]!.value as { spec: { routes: { services: { weight?: number }[] }[] } }).spec.routes[i]!.services.map((s) => s.weight);

describe('contour service matching and conditions', () => {
  test('a service matches by name, and by port when the destination has one', () => {
    assert.equal(contourServiceMatches({ name: 'web', port: 80 }, { name: 'web' }), true);
    assert.equal(contourServiceMatches({ name: 'web', port: 80 }, { name: 'web', port: 80 }), true);
    assert.equal(contourServiceMatches({ name: 'web', port: 81 }, { name: 'web', port: 80 }), false);
    assert.equal(contourServiceMatches({ name: 'web-canary', port: 80 }, { name: 'web' }), false);
  });

  test('no conditions, [] and a lone prefix: / match every request; anything else narrows', () => {
    for (const c of [undefined, null, [], [{ prefix: '/' }]]) assert.equal(hasContourConditions(c), false, JSON.stringify(c));
    for (const c of [[{ prefix: '/api' }], [{ prefix: '/' }, { header: { name: 'x-beta', present: true } }], [{ queryParameter: { name: 'v', exact: '2' } }], [{ prefix: '/', extra: 1 }]]) {
      assert.equal(hasContourConditions(c), true, JSON.stringify(c));
    }
  });
});

describe('contour weights (Contour: an absent weight is 0; no weight above 0 splits evenly)', () => {
  test('golden: /api and / move together; the header route naming only the canary and the mirror are left alone', () => {
    const c = byFixture('contour/checkout.yaml');
    const text = fixture(c.fixture);
    assert.deepEqual(paths(contour.plan(load(c.fixture), c.route, 30)), [
      'spec.routes.1.services.0.weight=70',
      'spec.routes.1.services.1.weight=30',
      'spec.routes.2.services.0.weight=70',
      'spec.routes.2.services.1.weight=30',
    ]);
    const want = text.replace(/weight: 90/g, 'weight: 70').replace(/weight: 10\b/g, 'weight: 30');
    assert.equal(step(text, c.route, 30, c.fixture), want);
    assert.ok(want.includes('mirror: true\n          weight: 5'));
  });

  test('a mirror service is not a destination: its weight is a mirror percent, never counted or matched', () => {
    const services = '        - {name: web-stable, port: 80, weight: 100}\n        - {name: web-canary, port: 80, mirror: true, weight: 50}\n';
    const text = proxy(services, '[{prefix: /}]');
    assert.deepEqual(contour.read(parse('proxy.yaml', text), webRoute), { stable: 100, canary: 0 });
    assert.deepEqual(weightsOf(step(text, webRoute, 10)), [90, 50, 10]);
  });

  test('a canary without weight beside a weighted stable counts 0: no refusal, and its weight is written at the first step', () => {
    const services = '        - name: web-stable\n          port: 80\n          weight: 100\n        - name: web-canary\n          port: 80\n';
    assert.deepEqual(read(services), { stable: 100, canary: 0 });
    // At 0% the canary's count of 0 is written out; the traffic does not change.
    assert.deepEqual(paths(contour.plan(parse('proxy.yaml', proxy(services)), webRoute, 0)), ['spec.routes.0.services.1.weight=0']);
    assert.equal(step(proxy(services), webRoute, 20), proxy(services.replace('weight: 100', 'weight: 80').concat('          weight: 20\n')));
  });

  test('a lone service without weight takes all traffic', () => {
    assert.deepEqual(read('        - {name: web-stable, port: 80}\n'), { stable: 100, canary: 0 });
  });

  test('a stable without weight beside a weighted canary counts 0', () => {
    assert.deepEqual(read('        - {name: web-stable, port: 80}\n        - {name: web-canary, port: 80, weight: 5}\n'), { stable: 0, canary: 100 });
  });

  test('no weight above 0 with the canary in the route: refused, the canary would get an even share', () => {
    for (const services of [
      '        - {name: web-stable, port: 80}\n        - {name: web-canary, port: 80}\n',
      '        - {name: web-stable, port: 80, weight: 0}\n        - {name: web-canary, port: 80, weight: 0}\n',
    ]) {
      for (const call of [() => read(services), () => contour.plan(parse('proxy.yaml', proxy(services)), webRoute, 10)]) {
        const e = routerError(
          call,
          /^no service of spec\.routes\[0\] of HTTPProxy web has a weight above 0, so Contour splits its traffic evenly among its 2 services: the canary web-canary:80 gets 50% at rest$/,
          /write weight: 0 on web-canary:80 and a weight on every other service \(e\.g\. weight: 100 on web-stable:80\)/,
        );
        assert.deepEqual(e.where, { file: 'proxy.yaml', line: 8 });
      }
    }
  });

  test('no weight with another service and the canary absent: refused, weighting two would starve the others', () => {
    const services = '        - {name: web-stable, port: 80}\n        - {name: web-legacy, port: 80}\n';
    for (const call of [() => read(services), () => contour.plan(parse('proxy.yaml', proxy(services)), webRoute, 10)]) {
      routerError(call, /splits its traffic evenly among its 2 services; weighting web-stable:80 and the canary alone would send nothing to the others$/, /write a weight on each of web-stable:80, web-legacy:80 by hand \(e\.g\. 50 each\)/);
    }
  });

  test('a lone service with weight: 0 still gets all traffic: refused with that reason', () => {
    const e = routerError(() => read('        - name: web-stable\n          port: 80\n          weight: 0\n'), /the only service web-stable:80 has weight: 0, which Contour ignores \(it gets all traffic\)/, /write weight: 100 on web-stable:80/);
    assert.equal(e.where?.line, 11);
  });

  test('owned() reads as written: an even split is no obstacle', () => {
    const services = '        - {name: web-stable, port: 80}\n        - {name: web-canary, port: 80}\n';
    assert.deepEqual(contour.owned(parse('proxy.yaml', proxy(services)), webRoute), [
      { document: 'HTTPProxy/web', section: 'routes', rule: { services: [{ name: 'web-stable', port: 80 }, { name: 'web-canary', port: 80 }] } },
    ]);
  });

  test('weights above uint32 are refused', () => {
    routerError(() => read('        - {name: web-stable, port: 80, weight: 4294967296}\n        - {name: web-canary, port: 80, weight: 0}\n'), /not an integer from 0 to 4294967295/);
  });
});

describe('contour canary absent at rest', () => {
  test('golden: the gRPC canary gets the stable\'s port and protocol', () => {
    const c = byFixture('contour/grpc-and-tcp.yaml', 'ledger-stable');
    const text = fixture(c.fixture);
    const after = step(text, c.route, 10, c.fixture);
    assert.equal(
      after,
      text.replace(
        '          protocol: h2c\n',
        '          protocol: h2c\n          weight: 90\n        - name: ledger-canary\n          port: 50051\n          protocol: h2c\n          weight: 10\n',
      ),
    );
    assert.deepEqual(contour.plan(parse(c.fixture, step(after, c.route, 0, c.fixture)), c.route, 0), []);
  });

  test('route.canary\'s port is used; flow-style services get a flow-style canary', () => {
    const text = proxy('        - {name: web-stable, port: 80} # v1\n', '[{prefix: /}]');
    const route = { ...webRoute, canary: { name: 'web-canary', port: 8080 } };
    assert.equal(step(text, route, 10), text.replace('port: 80} # v1\n', 'port: 80, weight: 90} # v1\n        - {name: web-canary, port: 8080, weight: 10}\n'));
  });

  test('no route can take the canary when every route naming the stable has conditions', () => {
    const text = proxy('        - {name: web-stable, port: 80}\n', '[{prefix: /api}]');
    routerError(
      () => contour.read(parse('proxy.yaml', text), webRoute),
      /no rule of HTTPProxy web can take the canary web-canary: .* has conditions conditions \(spec\.routes\[0\]\)/,
      /add a rule without conditions routing to web-stable/,
    );
  });
});

describe('contour TCP proxy', () => {
  const c = byFixture('contour/grpc-and-tcp.yaml', 'ledger-db-primary');

  test('the reporting replica keeps its 20 at every step; 90% is more than the primary holds', () => {
    let text = fixture(c.fixture);
    const tcpWeights = (t: string) => (parse(c.fixture, t).docs[2]!.value as { spec: { tcpproxy: { services: { weight: number }[] } } }).spec.tcpproxy.services.map((s) => s.weight);
    for (const p of [10, 80, 0]) {
      text = step(text, c.route, p, c.fixture);
      assert.deepEqual(tcpWeights(text), [80 - p, p, 20]);
    }
    const e = routerError(() => contour.plan(load(c.fixture), c.route, 90), /^spec\.tcpproxy of HTTPProxy ledger-db: canary 90% .* more than ledger-db-primary:5432 \(80\)/, /use steps up to 80%/);
    assert.equal(e.where?.line, 39);
  });

  test('owned names the tcpproxy section and changes with it only', () => {
    const before = contour.owned(load(c.fixture), c.route) as { section: string }[];
    assert.equal(before[0]!.section, 'tcpproxy');
    const grpc = byFixture('contour/grpc-and-tcp.yaml', 'ledger-stable');
    assert.deepEqual(contour.owned(parse(c.fixture, step(fixture(c.fixture), grpc.route, 50, c.fixture)), c.route), before);
  });
});

describe('contour documents and schema', () => {
  test('an unsupported apiVersion or no HTTPProxy is an error', () => {
    routerError(() => contour.read(parse('p.yaml', proxy('        - {name: web-stable, port: 80}\n').replace('/v1', '/v1beta1')), webRoute), /^unsupported apiVersion projectcontour\.io\/v1beta1 for HTTPProxy web$/, /supported: projectcontour\.io\/v1/);
    routerError(() => contour.read(parse('p.yaml', 'apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata: {name: web}\n'), webRoute), /^no HTTPProxy \(projectcontour\.io\) in this file$/);
  });

  const problems = (route: string) =>
    parseConfig(`version: 1\nservices:\n  web:\n    files: [web.yaml]\n    canary: {file: web-canary.yaml}\n    route:\n${route}\n    steps: [10]\n`, { file: 'git-canary.yaml', env: {} });

  test('stable and canary take name and port; a namespace is a config error at its key', () => {
    const ok = problems('      type: contour\n      file: p.yaml\n      stable: {name: web, port: 80}\n      canary: web-canary');
    assert.deepEqual(ok.errors, []);
    assert.deepEqual(ok.config?.services.web?.route, { type: 'contour', file: 'p.yaml', stable: { name: 'web', port: 80 }, canary: { name: 'web-canary' } });
    assert.deepEqual(problems('      type: contour\n      file: p.yaml\n      stable: web\n      canary: {name: web-canary, namespace: shop}').errors.map(formatIssue), [
      'git-canary.yaml:10: services.web.route.canary.namespace: unknown key "namespace"; allowed keys: name, port',
    ]);
  });
});

describe('contour weights as Contour counts them (property)', () => {
  // Contour's Envoy translation: an absent weight is 0; when no service has a weight above 0, each counts 1.
  const model: SplitModel = {
    render: (entries) => proxy(entries.map((e) => `        - name: ${e.name}\n          port: 80\n${e.weight === undefined ? '' : `          weight: ${e.weight}\n`}`).join('')),
    weightsIn: (doc) => (doc as { spec: { routes: { services: { name: string; weight?: number }[] }[] } }).spec.routes[0]!.services.map((s) => ({ name: s.name, weight: s.weight })),
    effective: (ws) => {
      const raw = ws.map((w) => w ?? 0);
      return raw.every((w) => w === 0) ? raw.map(() => 1) : raw;
    },
    refusal: (entries) => {
      if (entries.every((e) => !e.weight) && (entries.length > 1 || entries[0]!.weight === 0)) return /splits its traffic evenly|has weight: 0, which Contour ignores/;
      const eff = model.effective(entries.map((e) => e.weight));
      return entries.every((e, i) => e.role === 'other' || eff[i] === 0) ? /gives weight 0/ : undefined;
    },
  };
  test('read gives what Contour routes, and a plan moves only the canary\'s share', () => {
    checkModel(contour, model, { type: 'contour', file: 'proxy.yaml', stable: { name: ROUTE_NAMES.stable }, canary: { name: ROUTE_NAMES.canary } });
  });
});
