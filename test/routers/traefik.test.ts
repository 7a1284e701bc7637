import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatIssue, parseConfig } from '../../src/config/index.ts';
import { applyEdits } from '../../src/manifests/index.ts';
import { traefik, traefikServiceMatches } from '../../src/routers/traefik.ts';
import type { SplitRoute } from '../../src/routers/types.ts';
import { named } from './case-types.ts';
import { cases } from './cases/traefik.ts';
import { fixture, parse, routerError } from './helpers.ts';
import { checkModel, ROUTE_NAMES, type SplitModel } from './split-models.ts';

/** The case of `name` (and stable), its route as the split route it is. */
const byFixture = (name: string, stable?: string) => {
  const c = cases.find((x) => x.fixture === name && (!stable || named(x.route)?.stable.name === stable))!;
  return { ...c, route: named(c.route)! };
};
const load = (name: string) => parse(name, fixture(name));
const paths = (edits: ReturnType<typeof traefik.plan>) => edits.flatMap((e) => e.ops.map((o) => `${o.path.join('.')}=${JSON.stringify((o as { value: unknown }).value)}`));
const step = (text: string, route: SplitRoute, p: number, path = 'route.yaml') => {
  const file = parse(path, text);
  return applyEdits(file, traefik.plan(file, route, p));
};

const wrr = (services: string, meta = 'name: web', apiVersion = 'traefik.io/v1alpha1') => `apiVersion: ${apiVersion}
kind: TraefikService
metadata:
  ${meta}
spec:
  weighted:
    services:
${services}`;

const webRoute: SplitRoute = { type: 'traefik', file: 'route.yaml', stable: { name: 'web-stable' }, canary: { name: 'web-canary' } };

/** Weights of the weighted services of document `doc`, in order (`undefined` when absent). */
const weightsOf = (text: string, doc = 0) =>
  (parse('route.yaml', text).docs[doc]!.value as { spec: { weighted: { services: { weight?: number }[] } } }).spec.weighted.services.map((s) => s.weight);

describe('traefik service matching', () => {
  const table: [Record<string, unknown>, Parameters<typeof traefikServiceMatches>[1], string | undefined, boolean][] = [
    [{ name: 'web' }, { name: 'web' }, undefined, true],
    [{ name: 'web', kind: 'Service' }, { name: 'web' }, undefined, true],
    [{ name: 'web', kind: 'TraefikService' }, { name: 'web' }, undefined, false],
    [{ name: 'web', port: 80 }, { name: 'web', port: 80 }, undefined, true],
    [{ name: 'web', port: 'http' }, { name: 'web', port: 80 }, undefined, false],
    [{ name: 'web' }, { name: 'web', port: 80 }, undefined, false],
    [{ name: 'web' }, { name: 'web', namespace: 'shop' }, 'shop', true],
    [{ name: 'web' }, { name: 'web', namespace: 'shop' }, 'other', false],
    [{ name: 'web', namespace: 'shop' }, { name: 'web', namespace: 'shop' }, 'other', true],
    [{ name: 'web', namespace: 'other' }, { name: 'web' }, 'shop', true],
    [{ name: 'web-canary' }, { name: 'web' }, undefined, false],
  ];
  for (const [svc, d, ns, want] of table) {
    test(`${JSON.stringify(svc)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(d)}${ns ? ` in namespace ${ns}` : ''}`, () => {
      assert.equal(traefikServiceMatches(svc, d, ns), want);
    });
  }
});

describe('traefik weights', () => {
  test('golden: 90/10 → 60/40 changes two values; sticky, comments and the IngressRoute stay byte-identical', () => {
    const c = byFixture('traefik/checkout.yaml');
    const text = fixture(c.fixture);
    const after = step(text, c.route, 40, c.fixture);
    assert.equal(after, text.replace('weight: 90 # released', 'weight: 60 # released').replace('weight: 10 # candidate', 'weight: 40 # candidate'));
    assert.deepEqual(paths(traefik.plan(load(c.fixture), c.route, 40)), ['spec.weighted.services.0.weight=60', 'spec.weighted.services.1.weight=40']);
  });

  test('a canary service without weight is refused: Traefik counts it as 1', () => {
    const text = wrr('      - name: web-stable\n        weight: 100\n      - name: web-canary\n        port: 80\n');
    for (const call of [() => traefik.read(parse('route.yaml', text), webRoute), () => traefik.plan(parse('route.yaml', text), webRoute, 10)]) {
      const e = routerError(
        call,
        /^canary service web-canary:80 at spec\.weighted\.services\[1\] has no weight: the API counts it as 1, so it gets traffic at rest; write weight: 0$/,
        /write weight: 0 on web-canary:80/,
      );
      assert.deepEqual(e.where, { file: 'route.yaml', line: 10 });
    }
  });

  test('a stable without weight counts as 1', () => {
    const read = (services: string) => traefik.read(parse('route.yaml', wrr(services)), webRoute);
    assert.deepEqual(read('      - name: web-stable\n      - name: web-canary\n        weight: 0\n'), { stable: 100, canary: 0 });
    assert.deepEqual(read('      - name: web-stable\n      - name: web-canary\n        weight: 1\n'), { stable: 50, canary: 50 });
    assert.deepEqual(weightsOf(step(wrr('      - name: web-stable\n      - name: web-canary\n        weight: 0\n'), webRoute, 10)), [90, 10]);
  });

  test('the nested TraefikService keeps its weight 2 at every step, on the pre-2.10 API group', () => {
    const c = byFixture('traefik/legacy-group.yaml');
    let text = fixture(c.fixture);
    for (const p of [10, 50, 80, 0]) {
      text = step(text, c.route, p, c.fixture);
      assert.deepEqual(weightsOf(text), [2, 8 - p / 10, p / 10]);
    }
    assert.ok(text.includes('flushInterval: 100ms') && text.includes('passHostHeader: true'));
  });

  test('a step that is not a whole weight, or that the stable cannot cover, is refused', () => {
    const c = byFixture('traefik/legacy-group.yaml');
    const e = routerError(
      () => traefik.plan(load(c.fixture), c.route, 25),
      /^spec\.weighted of TraefikService search: canary 25% of the rule's total weight 10 is 2\.5, not a whole weight$/,
      /the other services keep their 2, so use steps that are multiples of 10%/,
    );
    assert.deepEqual(e.where, { file: c.fixture, line: 9 });
    routerError(() => traefik.plan(load(c.fixture), c.route, 90), /canary 90% of the rule's total weight 10 is 9, more than catalog\/search-v1:http \(8\)/, /use steps up to 80%/);
  });

  test('a weight of 0 on both is refused, not read as a split', () => {
    routerError(() => traefik.read(parse('route.yaml', wrr('      - {name: web-stable, weight: 0}\n      - {name: web-canary, weight: 0}\n')), webRoute), /gives weight 0 to both/);
  });
});

describe('traefik canary absent at rest', () => {
  test('golden: the canary is added beside the stable with its port; the service-level sticky stays', () => {
    const c = byFixture('traefik/two-services.yaml', 'accounts');
    const text = fixture(c.fixture);
    const after = step(text, c.route, 10, c.fixture);
    assert.equal(after, text.replace('      - name: accounts\n        port: 8080\n', '      - name: accounts\n        port: 8080\n        weight: 90\n      - name: accounts-canary\n        port: 8080\n        weight: 10\n'));
    assert.deepEqual(traefik.plan(load(c.fixture), c.route, 0), [], 'nothing is added at 0%');
  });

  test('flow-style services get a flow-style canary; namespace written only when it is not the document\'s', () => {
    const text = wrr('      - {name: web-stable, port: 80} # v1\n', 'name: web\n  namespace: edge');
    assert.equal(step(text, webRoute, 10), text.replace('port: 80} # v1\n', 'port: 80, weight: 90} # v1\n      - {name: web-canary, port: 80, weight: 10}\n'));
    const elsewhere = { ...webRoute, canary: { name: 'web-canary', namespace: 'canaries', port: 8080 } };
    assert.match(step(text, elsewhere, 10), /- \{name: web-canary, namespace: canaries, port: 8080, weight: 10\}\n$/);
  });

  test('a TraefikService of kind TraefikService named like the canary is another destination', () => {
    const text = wrr('      - {name: web-stable, weight: 1}\n      - {name: web-canary, kind: TraefikService, weight: 1}\n');
    assert.deepEqual(traefik.read(parse('route.yaml', text), webRoute), { stable: 50, canary: 0 });
    assert.deepEqual(weightsOf(step(text, webRoute, 50)), [0, 1, 1]);
  });
});

describe('traefik documents', () => {
  test('both API groups in one file are read, in file order', () => {
    const text = `${wrr('      - {name: a-v1, weight: 1}\n      - {name: a-v2, weight: 0}\n', 'name: a', 'traefik.containo.us/v1alpha1')}---\n${wrr('      - {name: b-v1, weight: 3}\n      - {name: b-v2, weight: 1}\n', 'name: b')}`;
    const file = parse('route.yaml', text);
    assert.deepEqual(traefik.read(file, { ...webRoute, stable: { name: 'a-v1' }, canary: { name: 'a-v2' } }), { stable: 100, canary: 0 });
    assert.deepEqual(traefik.read(file, { ...webRoute, stable: { name: 'b-v1' }, canary: { name: 'b-v2' } }), { stable: 75, canary: 25 });
    routerError(() => traefik.read(file, { ...webRoute, stable: { name: 'b-v1' }, canary: { name: 'b-v2' }, name: 'c' }), /^no TraefikService named c$/, /found: a, b/);
  });

  test('an unsupported apiVersion, no TraefikService, or one without weighted services is an error', () => {
    routerError(() => traefik.read(parse('route.yaml', wrr('      - {name: web-stable}\n', 'name: web', 'traefik.io/v1alpha2')), webRoute), /^unsupported apiVersion traefik\.io\/v1alpha2 for TraefikService web$/, /traefik\.io\/v1alpha1/);
    const ingress = byFixture('traefik/checkout.yaml');
    routerError(() => traefik.read(parse('x.yaml', fixture(ingress.fixture).split('---\n').slice(0, 2).join('---\n')), webRoute), /^no TraefikService \(traefik\.io\) in this file$/, /route\.type traefik edits TraefikService/);
    const mirroring = 'apiVersion: traefik.io/v1alpha1\nkind: TraefikService\nmetadata: {name: web}\nspec:\n  mirroring:\n    name: web-stable\n    port: 80\n    mirrors:\n      - {name: web-canary, port: 80, percent: 10}\n';
    routerError(() => traefik.read(parse('route.yaml', mirroring), webRoute), /web-stable and web-canary not found/);
  });

  test('owned: the cart and accounts splits of one file are independent', () => {
    const cart = byFixture('traefik/two-services.yaml', 'cart-v1');
    const accounts = byFixture('traefik/two-services.yaml', 'accounts');
    const text = fixture(cart.fixture);
    const owned = (t: string) => [cart, accounts].map((c) => traefik.owned(parse(cart.fixture, t), c.route));
    const before = owned(text);
    assert.deepEqual(owned(step(text, cart.route, 50, cart.fixture))[1], before[1]);
    assert.deepEqual(owned(step(text, accounts.route, 50, cart.fixture))[0], before[0]);
    const person = owned(text.replace('cookie: {}', 'cookie: {name: acc}'));
    assert.deepEqual(person[0], before[0]);
    assert.notDeepEqual(person[1], before[1]);
    assert.deepEqual(before[1], [{ document: 'TraefikService/accounts', section: 'weighted', rule: { services: [{ name: 'accounts', port: 8080 }], sticky: { cookie: {} } } }]);
  });
});

describe('traefik route schema', () => {
  const problems = (route: string) =>
    parseConfig(`version: 1\nservices:\n  web:\n    files: [web.yaml]\n    canary: {file: web-canary.yaml}\n    route:\n${route}\n    steps: [10]\n`, { file: 'git-canary.yaml', env: {} });

  test('stable and canary take name, port and namespace', () => {
    const r = problems('      type: traefik\n      file: traefik.yaml\n      name: web\n      stable: {name: web-stable, port: 80, namespace: shop}\n      canary: web-canary');
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.config?.services.web?.route, { type: 'traefik', file: 'traefik.yaml', name: 'web', stable: { name: 'web-stable', port: 80, namespace: 'shop' }, canary: { name: 'web-canary' } });
  });

  test('a subset or a named port is a config error at its key', () => {
    assert.deepEqual(problems('      type: traefik\n      file: t.yaml\n      stable: {name: web, subset: v1}\n      canary: web-canary').errors.map(formatIssue), [
      'git-canary.yaml:9: services.web.route.stable.subset: unknown key "subset"; allowed keys: name, port, namespace',
    ]);
    assert.match(problems('      type: traefik\n      file: t.yaml\n      stable: web\n      canary: {name: web-canary, port: http}').errors.map(formatIssue).join('\n'), /^git-canary\.yaml:10: services\.web\.route\.canary\.port: /);
  });
});

describe('traefik weights as Traefik counts them (property)', () => {
  // Traefik's WRR balancer: a service without weight counts 1, one of weight 0 or less is left out.
  const model: SplitModel = {
    render: (entries) => wrr(entries.map((e) => `      - name: ${e.name}\n        port: 80\n${e.weight === undefined ? '' : `        weight: ${e.weight}\n`}`).join('')),
    weightsIn: (doc) => (doc as { spec: { weighted: { services: { name: string; weight?: number }[] } } }).spec.weighted.services.map((s) => ({ name: s.name, weight: s.weight })),
    effective: (ws) => ws.map((w) => (w === undefined ? 1 : Math.max(w, 0))),
    refusal: (entries) => {
      if (entries.some((e) => e.role === 'canary' && e.weight === undefined)) return /has no weight: the API counts it as 1/;
      const eff = model.effective(entries.map((e) => e.weight));
      return entries.every((e, i) => e.role === 'other' || eff[i] === 0) ? /gives weight 0/ : undefined;
    },
  };
  test('read gives what Traefik routes, and a plan moves only the canary\'s share', () => {
    checkModel(traefik, model, { type: 'traefik', file: 'route.yaml', stable: { name: ROUTE_NAMES.stable }, canary: { name: ROUTE_NAMES.canary } });
  });
});
