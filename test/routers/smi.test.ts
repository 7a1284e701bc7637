import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatIssue, parseConfig } from '../../src/config/index.ts';
import { applyEdits } from '../../src/manifests/index.ts';
import { smi } from '../../src/routers/smi.ts';
import type { SplitRoute } from '../../src/routers/types.ts';
import { named } from './case-types.ts';
import { cases } from './cases/smi.ts';
import { fixture, parse, routerError } from './helpers.ts';
import { checkModel, ROUTE_NAMES, type SplitModel } from './split-models.ts';

/** The case of `name` (and stable), its route as the split route it is. */
const byFixture = (name: string, stable?: string) => {
  const c = cases.find((x) => x.fixture === name && (!stable || named(x.route)?.stable.name === stable))!;
  return { ...c, route: named(c.route)! };
};
const load = (name: string) => parse(name, fixture(name));
const paths = (edits: ReturnType<typeof smi.plan>) => edits.flatMap((e) => e.ops.map((o) => `${o.path.join('.')}=${JSON.stringify((o as { value: unknown }).value)}`));
const step = (text: string, route: SplitRoute, p: number, path = 'split.yaml') => {
  const file = parse(path, text);
  return applyEdits(file, smi.plan(file, route, p));
};

const split = (backends: string, version = 'v1alpha2', extra = '') => `apiVersion: split.smi-spec.io/${version}
kind: TrafficSplit
metadata:
  name: web
spec:
  service: web
${extra}  backends:
${backends}`;

const webRoute: SplitRoute = { type: 'smi', file: 'split.yaml', stable: { name: 'web-v1' }, canary: { name: 'web-v2' } };
const read = (text: string, route = webRoute) => smi.read(parse('split.yaml', text), route);

/** Backend weights of document `doc`, in order. */
const weightsOf = (text: string, doc = 0) => (parse('split.yaml', text).docs[doc]!.value as { spec: { backends: { weight?: unknown }[] } }).spec.backends.map((b) => b.weight);

describe('smi weights', () => {
  test('golden: 900/100 → 60/40 (a split of only stable and canary is written out of 100) changes two values; the apex service, the annotations and the other split stay', () => {
    const c = byFixture('smi/linkerd.yaml', 'web-primary');
    const text = fixture(c.fixture);
    assert.equal(step(text, c.route, 40, c.fixture), text.replace('weight: 900', 'weight: 60').replace('weight: 100', 'weight: 40'));
  });

  test('v1alpha1 integer weights are read and written like any other: 1/0 is written out of 100', () => {
    const c = byFixture('smi/linkerd.yaml', 'api-v1');
    const after = step(fixture(c.fixture), c.route, 25, c.fixture);
    assert.deepEqual(weightsOf(after, 1), [75, 25]);
    assert.deepEqual(weightsOf(after, 0), [900, 100]);
  });

  test('the old v0 backend keeps its 30 at every step; a step the stable cannot cover is refused', () => {
    const c = byFixture('smi/osm.yaml');
    let text = fixture(c.fixture);
    for (const p of [10, 70, 0]) {
      text = step(text, c.route, p, c.fixture);
      assert.deepEqual(weightsOf(text, 2), [70 - p, p, 30]);
      assert.deepEqual(weightsOf(text, 1), [100], 'the beta split naming only the canary is left alone');
    }
    const e = routerError(() => smi.plan(load(c.fixture), c.route, 75), /^spec of TrafficSplit bookstore: canary 75% of the rule's total weight 100 is 75, more than bookstore-v1 \(70\)/, /use steps up to 70%/);
    assert.equal(e.where?.line, 33);
  });

  test('a backend without weight counts 0 (the spec requires one; controllers read the zero value)', () => {
    assert.deepEqual(read(split('  - service: web-v1\n    weight: 10\n  - service: web-v2\n')), { stable: 100, canary: 0 });
    routerError(() => read(split('  - service: web-v1\n  - service: web-v2\n    weight: 0\n')), /spec gives weight 0 to both web-v1 and web-v2/);
  });
});

describe('smi v1alpha1 quantity weights', () => {
  test('milli quantities are refused with the integer weights of the same split', () => {
    const text = split('  - service: web-v1\n    weight: 900m\n  - service: web-v2\n    weight: 100m\n', 'v1alpha1');
    for (const call of [() => read(text), () => smi.plan(parse('split.yaml', text), webRoute, 10)]) {
      const e = routerError(
        call,
        /^weight "900m" of backend web-v1 at spec\.backends\[0\] is a quantity string \(SMI v1alpha1\); git-canary reads and writes integer weights only$/,
        /^write integer weights in the same proportion: web-v1: 9, web-v2: 1$/,
      );
      assert.deepEqual(e.where, { file: 'split.yaml', line: 9 });
    }
  });

  test('mixed forms convert to thousandths; an unparsable quantity gets the plain advice', () => {
    routerError(() => read(split('  - service: web-v1\n    weight: 1\n  - service: web-v2\n    weight: "500m"\n', 'v1alpha1')), /weight "500m" of backend web-v2/, /web-v1: 2, web-v2: 1$/);
    routerError(() => read(split('  - service: web-v1\n    weight: "100"\n  - service: web-v2\n    weight: 0\n', 'v1alpha1')), /weight "100" of backend web-v1 .* quantity string \(SMI v1alpha1\)/, /web-v1: 1, web-v2: 0$/);
    routerError(() => read(split('  - service: web-v1\n    weight: 1.5k\n  - service: web-v2\n    weight: 0\n', 'v1alpha1')), /weight "1\.5k"/, /^write every backend weight as an integer$/);
  });

  test('a string weight in a later version is refused the same way, without the v1alpha1 note', () => {
    const e = routerError(() => read(split('  - service: web-v1\n    weight: "90"\n  - service: web-v2\n    weight: 10\n')), /^weight "90" of backend web-v1 at spec\.backends\[0\] is a quantity string; git-canary/);
    assert.equal(e.hint, 'write integer weights in the same proportion: web-v1: 9, web-v2: 1');
  });

  test('owned() reads quantity weights as written', () => {
    const text = split('  - service: web-v1\n    weight: 900m\n  - service: web-v2\n    weight: 100m\n', 'v1alpha1');
    assert.deepEqual(smi.owned(parse('split.yaml', text), webRoute), [
      { document: 'TrafficSplit/web', section: 'spec', rule: { service: 'web', backends: [{ service: 'web-v1', weight: '900m' }, { service: 'web-v2', weight: '100m' }] } },
    ]);
  });
});

describe('smi canary absent at rest', () => {
  test('golden: the canary is added to the flow-style backends', () => {
    const c = byFixture('smi/canary-absent.yaml');
    const text = fixture(c.fixture);
    assert.equal(step(text, c.route, 10, c.fixture), text.replace('[{service: cart-stable, weight: 1000}]', '[{service: cart-stable, weight: 90}, {service: cart-canary, weight: 10}]'));
    assert.deepEqual(smi.plan(load(c.fixture), c.route, 0), []);
  });

  test('block-style backends get a block-style canary', () => {
    const text = split('  - service: web-v1 # stable\n    weight: 1\n');
    assert.equal(step(text, webRoute, 5), `${text.replace('weight: 1\n', 'weight: 95\n')}  - service: web-v2\n    weight: 5\n`);
  });

  test('a split with matches (v1alpha3+) is no default rule: an absent canary cannot be added there', () => {
    const text = split('  - service: web-v1\n    weight: 100\n', 'v1alpha3', '  matches:\n  - kind: HTTPRouteGroup\n    name: beta\n');
    routerError(() => read(text), /no rule of TrafficSplit web can take the canary web-v2: .* has matches conditions \(spec\)/, /add a backend to web-v2 with weight: 0 next to web-v1 in spec/);
  });
});

describe('smi documents', () => {
  test('a backend listed twice is refused at its second entry', () => {
    const text = split('  - service: web-v1\n    weight: 50\n  - service: web-v2\n    weight: 0\n  - service: web-v1\n    weight: 50\n');
    const e = routerError(() => read(text), /^backend web-v1 is listed 2 times in spec\.backends of TrafficSplit web$/, /list each backend service once in TrafficSplit web/);
    assert.equal(e.where?.line, 12);
  });

  test('the same service as stable and canary matches both', () => {
    routerError(() => read(split('  - service: web-v1\n    weight: 1\n'), { ...webRoute, canary: { name: 'web-v1' } }), /backend web-v1 at spec\.backends\[0\] matches both web-v1 and web-v1/);
  });

  test('the four versions are read; any other is an error, as is a file without TrafficSplit', () => {
    for (const v of ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4']) assert.deepEqual(read(split('  - {service: web-v1, weight: 9}\n  - {service: web-v2, weight: 1}\n', v)), { stable: 90, canary: 10 });
    routerError(() => read(split('  - {service: web-v1, weight: 1}\n', 'v1beta1')), /^unsupported apiVersion split\.smi-spec\.io\/v1beta1 for TrafficSplit web$/, /split\.smi-spec\.io\/v1alpha4/);
    routerError(() => read('apiVersion: specs.smi-spec.io/v1alpha4\nkind: HTTPRouteGroup\nmetadata: {name: beta}\n'), /^no TrafficSplit \(split\.smi-spec\.io\) in this file$/);
  });

  test('owned: the web and api splits of one file are independent', () => {
    const web = byFixture('smi/linkerd.yaml', 'web-primary');
    const api = byFixture('smi/linkerd.yaml', 'api-v1');
    const text = fixture(web.fixture);
    const owned = (t: string) => [web, api].map((c) => smi.owned(parse(web.fixture, t), c.route));
    const before = owned(text);
    assert.deepEqual(owned(step(text, web.route, 50, web.fixture))[1], before[1]);
    assert.deepEqual(owned(step(text, api.route, 50, web.fixture))[0], before[0]);
    const person = owned(text.replace('service: api\n', 'service: api-apex\n'));
    assert.deepEqual(person[0], before[0]);
    assert.notDeepEqual(person[1], before[1]);
  });

  test('a plan for one split only edits its document', () => {
    const c = byFixture('smi/linkerd.yaml', 'api-v1');
    assert.deepEqual(paths(smi.plan(load(c.fixture), c.route, 10)), ['spec.backends.0.weight=90', 'spec.backends.1.weight=10']);
    assert.deepEqual(smi.plan(load(c.fixture), c.route, 10).map((e) => e.docIndex), [1]);
  });
});

describe('smi route schema', () => {
  const problems = (route: string) =>
    parseConfig(`version: 1\nservices:\n  web:\n    files: [web.yaml]\n    canary: {file: web-canary.yaml}\n    route:\n${route}\n    steps: [10]\n`, { file: 'git-canary.yaml', env: {} });

  test('stable and canary are backend service names; a port or namespace is a config error at its key', () => {
    const ok = problems('      type: smi\n      file: split.yaml\n      name: web\n      stable: web-v1\n      canary: {name: web-v2}');
    assert.deepEqual(ok.errors, []);
    assert.deepEqual(ok.config?.services.web?.route, { type: 'smi', file: 'split.yaml', name: 'web', stable: { name: 'web-v1' }, canary: { name: 'web-v2' } });
    assert.deepEqual(problems('      type: smi\n      file: s.yaml\n      stable: {name: web-v1, port: 80}\n      canary: web-v2').errors.map(formatIssue), [
      'git-canary.yaml:9: services.web.route.stable.port: unknown key "port"; allowed keys: name',
    ]);
    assert.deepEqual(problems('      type: smi\n      file: s.yaml\n      stable: web-v1\n      canary: {name: web-v2, namespace: shop}').errors.map(formatIssue), [
      'git-canary.yaml:10: services.web.route.canary.namespace: unknown key "namespace"; allowed keys: name',
    ]);
  });
});

describe('smi weights as the controllers count them (property)', () => {
  // The spec requires weights; a backend without one is the Go zero value.
  const model: SplitModel = {
    render: (entries) => split(entries.map((e) => `  - service: ${e.name}\n${e.weight === undefined ? '' : `    weight: ${e.weight}\n`}`).join('')),
    weightsIn: (doc) => (doc as { spec: { backends: { service: string; weight?: number }[] } }).spec.backends.map((b) => ({ name: b.service, weight: b.weight })),
    effective: (ws) => ws.map((w) => w ?? 0),
    refusal: (entries) => (entries.every((e) => e.role === 'other' || !e.weight) ? /gives weight 0/ : undefined),
  };
  test('read gives what the TrafficSplit routes, and a plan moves only the canary\'s share', () => {
    checkModel(smi, model, { type: 'smi', file: 'split.yaml', stable: { name: ROUTE_NAMES.stable }, canary: { name: ROUTE_NAMES.canary } });
  });
});
