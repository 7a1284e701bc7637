/**
 * Services, routes and traffic on real-world layouts (PRODUCT.md "Services are
 * independent", "Traffic arithmetic", shared files, what may be listed, gates,
 * Resume): one service's broken candidate never stops another; services
 * sharing a route file (two VirtualServices, or two rules of one) never pause
 * each other; only stable's and canary's weights move; files git-canary must
 * never write are refused; a rollout never advances on 0% traffic.
 *
 * Real CLI process, real git (local bare), pinned clock; no analysis, so steps
 * advance on `interval` alone.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { changedLines, commitsSince, oneNewCommit, openWorld } from './support.ts';
import {
  ALICE,
  assertByGitCanary,
  assertNoFileChange,
  at,
  checkoutFiles,
  checkoutService,
  docOf,
  fastImport,
  fixtureText,
  gitCanaryConfig,
  lineOf,
  loadFixture,
  manual,
  problems,
  replaced,
  secondsAt,
  type ServiceSpec,
  serviceRecords,
  tickJson,
  tickOk,
  tickService,
  trailerMap,
  validateJson,
  withWeights,
  yamlDocs,
} from './support-fidelity.ts';

const RELEASE = fixtureText('workloads/deployment.yaml');
const CANARY = fixtureText('workloads/deployment-canary.yaml');
const IMG = (v: string) => `registry.example.com/shop/checkout:${v}`;
const releaseAt = (v: string) => replaced(RELEASE, IMG('1.4.2'), IMG(v));

/** A service over the workloads fixture at apps/<app>/ and a route file of our choosing. */
function appService(app: string, route: ServiceSpec['route'], steps: number[], extra: Partial<ServiceSpec> = {}): ServiceSpec {
  return { files: [`apps/${app}/deployment.yaml`], canary: { file: `apps/${app}/deployment-canary.yaml` }, route, steps, interval: '1m', ...extra };
}
function appFiles(app: string): Record<string, string> {
  return loadFixture('workloads', { 'deployment.yaml': `apps/${app}/deployment.yaml`, 'deployment-canary.yaml': `apps/${app}/deployment-canary.yaml` }) as Record<string, string>;
}

describe('services are independent', { concurrency: 2 }, () => {
  test("[bare] A's release on candidate is broken YAML: A is an error naming candidate, file and line; B steps in the same tick and its commit lands; exit 1", async () => {
    const storefront = appService(
      'storefront',
      { type: 'gateway-api', file: 'apps/storefront/httproute.yaml', stable: { name: 'storefront-stable', port: 8080 }, canary: { name: 'storefront-canary', port: 8080 } },
      [10, 50],
    );
    const w = await openWorld('bare', {
      production: {
        'git-canary.yaml': gitCanaryConfig({ checkout: checkoutService(), storefront }),
        ...checkoutFiles(),
        ...appFiles('storefront'),
        'apps/storefront/httproute.yaml': fixtureText('gateway-api/httproute.yaml'),
      },
    });
    try {
      w.commit('candidate', { 'apps/storefront/deployment.yaml': releaseAt('1.5.0') }, { from: 'production' });
      assert.equal((await tickService(w, 'storefront', at(2))).decision, 'start');
      const started = w.sha('production');

      // Someone pushes a checkout release that does not parse (line 7: a nested mapping in a compact one).
      const broken = replaced(RELEASE, '  namespace: shop\n', '  namespace: shop: eu\n');
      const line = lineOf(broken, 'namespace: shop: eu');
      assert.equal(line, 7);
      w.commit('candidate', { 'apps/checkout/deployment.yaml': broken }, { message: 'checkout: move to eu\n' });

      const t = await tickJson(w, at(3));
      assert.equal(t.code, 1, `a service error exits 1: ${t.summary}\n${t.result.stderr}`);
      const a = t.of('checkout');
      assert.equal(a.decision, 'error', JSON.stringify(a));
      assert.ok(a.reason.includes(`candidate:apps/checkout/deployment.yaml:${line}`), `names branch, file and line: ${a.reason}`);
      const b = t.of('storefront');
      assert.equal(b.decision, 'step', JSON.stringify(b));
      assert.equal(b.step, '2/2');
      const step = oneNewCommit(w, started);
      assert.equal(b.commit, step, "B's commit landed");
      assert.equal(trailerMap(w, step)['Canary-Service'], 'storefront');
      assert.equal(trailerMap(w, step)['Canary-Weight'], '50');
      assertByGitCanary(w, step);
      assert.equal(w.show('production', 'apps/storefront/httproute.yaml'), withWeights(fixtureText('gateway-api/httproute.yaml'), '          weight: 100', [50, 50]));
    } finally {
      await w.close();
    }
  });

  test('[bare] bookinfo: two services own one Deployment each of bookinfo.yaml (files: documents) and one VirtualService each of a shared file; neither pauses the other; each promotion changes only its own document', async () => {
    const reviews: ServiceSpec = {
      files: [{ path: 'bookinfo/bookinfo.yaml', documents: ['Deployment/reviews-v1'] }],
      canary: { file: 'bookinfo/reviews-canary.yaml', fromName: 'reviews-v1' },
      route: { type: 'istio', file: 'bookinfo/virtual-services.yaml', name: 'reviews', stable: { name: 'reviews', subset: 'v1' }, canary: { name: 'reviews', subset: 'canary' } },
      steps: [20, 60],
    };
    const ratings: ServiceSpec = {
      files: [{ path: 'bookinfo/bookinfo.yaml', documents: ['Deployment/ratings-v1'] }],
      canary: { file: 'bookinfo/ratings-canary.yaml' },
      route: { type: 'istio', file: 'bookinfo/virtual-services.yaml', name: 'ratings', stable: { name: 'ratings', subset: 'v1' }, canary: { name: 'ratings', subset: 'canary' } },
      steps: [20, 60],
    };
    const BOOKINFO = fixtureText('istio/bookinfo/bookinfo.yaml');
    const VSS = fixtureText('istio/bookinfo/virtual-services.yaml');
    const image = (app: string, v: string) => `docker.io/istio/examples-bookinfo-${app}-v1:${v}`;
    const w = await openWorld('bare', {
      production: { 'git-canary.yaml': gitCanaryConfig({ reviews, ratings }), ...loadFixture('istio/bookinfo', 'bookinfo') },
    });
    try {
      const base = w.sha('production');
      // One candidate commit bumps three Deployments of the file; details is no service's.
      let candidateBookinfo = BOOKINFO;
      for (const app of ['reviews', 'ratings', 'details']) candidateBookinfo = replaced(candidateBookinfo, image(app, '1.20.2'), image(app, '1.20.3'));
      w.commit('candidate', { 'bookinfo/bookinfo.yaml': candidateBookinfo }, { from: 'production', message: 'bookinfo 1.20.3\n' });

      const v = await validateJson(w, at(1));
      assert.equal(v.code, 0, `a file shared by documents is valid: ${problems(v.report.errors).join('\n')}`);

      const vs = (r: number[], g: number[]) => withWeights(withWeights(VSS, '  name: reviews\n', r), '  name: ratings\n', g);
      const t1 = await tickOk(w, at(2));
      assert.deepEqual(t1.services.map((s) => [s.service, s.decision, s.step]), [['reviews', 'start', '1/2'], ['ratings', 'start', '1/2']]);
      assert.equal(commitsSince(w, base).length, 2, 'one commit per service');
      assert.equal(w.show('production', 'bookinfo/virtual-services.yaml'), vs([80, 20], [80, 20]));
      assert.equal(w.show('production', 'bookinfo/reviews-canary.yaml'), replaced(fixtureText('istio/bookinfo/reviews-canary.yaml'), image('reviews', '1.20.2'), image('reviews', '1.20.3')));
      assert.equal(w.show('production', 'bookinfo/ratings-canary.yaml'), replaced(fixtureText('istio/bookinfo/ratings-canary.yaml'), image('ratings', '1.20.2'), image('ratings', '1.20.3')));
      assert.equal(w.show('production', 'bookinfo/bookinfo.yaml'), BOOKINFO, 'the release waits for the promotions');

      const t2 = await tickOk(w, at(3));
      assert.deepEqual(t2.services.map((s) => [s.service, s.decision, s.step]), [['reviews', 'step', '2/2'], ['ratings', 'step', '2/2']], t2.summary);
      assert.equal(w.show('production', 'bookinfo/virtual-services.yaml'), vs([40, 60], [40, 60]));

      const beforePromotion = w.sha('production');
      const t3 = await tickOk(w, at(4));
      assert.deepEqual(t3.services.map((s) => [s.service, s.decision]), [['reviews', 'promote'], ['ratings', 'promote']], t3.summary);
      assert.equal(w.show('production', 'bookinfo/virtual-services.yaml'), VSS, 'both VirtualServices back as they were');
      let expected = BOOKINFO;
      for (const app of ['reviews', 'ratings']) expected = replaced(expected, image(app, '1.20.2'), image(app, '1.20.3'));
      assert.equal(w.show('production', 'bookinfo/bookinfo.yaml'), expected, "details-v1 stays as production has it");
      const [reviewsPromotion] = serviceRecords(w, beforePromotion, 'reviews');
      assert.ok(reviewsPromotion);
      assert.equal(trailerMap(w, reviewsPromotion)['Canary-Phase'], 'promoted');
      assert.deepEqual(
        changedLines(w, reviewsPromotion).filter((l) => l.startsWith('bookinfo/bookinfo.yaml')),
        [`bookinfo/bookinfo.yaml: -        image: ${image('reviews', '1.20.2')}`, `bookinfo/bookinfo.yaml: +        image: ${image('reviews', '1.20.3')}`],
        "reviews' promotion changes only the reviews-v1 document",
      );

      const phases = commitsSince(w, base).map((c) => trailerMap(w, c)['Canary-Phase']);
      assert.ok(!phases.includes('paused'), `no pause: ${phases.join(', ')}`);
      const t4 = await tickOk(w, at(5));
      assert.deepEqual(t4.services.map((s) => s.decision), ['none', 'none'], t4.summary);
    } finally {
      await w.close();
    }
  });

  test('[bare] one VirtualService, two services in different rules (two hosts): each moves only its rule, neither pauses the other, both promote', async () => {
    const SHARED = fixtureText('istio/shared-hosts.yaml');
    const route = (app: string): ServiceSpec['route'] => ({ type: 'istio', file: 'routing/storefront.yaml', stable: { name: app, subset: 'stable' }, canary: { name: app, subset: 'canary' } });
    const w = await openWorld('bare', {
      production: {
        'git-canary.yaml': gitCanaryConfig({ cart: appService('cart', route('cart'), [20, 60]), wishlist: appService('wishlist', route('wishlist'), [20, 60]) }),
        ...appFiles('cart'),
        ...appFiles('wishlist'),
        'routing/storefront.yaml': SHARED,
      },
    });
    try {
      const base = w.sha('production');
      w.commit('candidate', { 'apps/cart/deployment.yaml': releaseAt('1.5.0'), 'apps/wishlist/deployment.yaml': releaseAt('1.5.1') }, { from: 'production' });
      const expect = (c: number[], wl: number[]) => withWeights(withWeights(SHARED, '    - name: cart\n', c), '    - name: wishlist\n', wl);

      assert.deepEqual((await tickOk(w, at(2))).services.map((s) => s.decision), ['start', 'start']);
      assert.equal(w.show('production', 'routing/storefront.yaml'), expect([80, 20], [80, 20]));
      const t2 = await tickOk(w, at(3));
      assert.deepEqual(t2.services.map((s) => s.decision), ['step', 'step'], t2.summary);
      assert.equal(w.show('production', 'routing/storefront.yaml'), expect([40, 60], [40, 60]));
      const t3 = await tickOk(w, at(4));
      assert.deepEqual(t3.services.map((s) => s.decision), ['promote', 'promote'], t3.summary);
      assert.equal(w.show('production', 'routing/storefront.yaml'), SHARED);
      assert.equal(w.show('production', 'apps/cart/deployment.yaml'), releaseAt('1.5.0'));
      assert.equal(w.show('production', 'apps/wishlist/deployment.yaml'), releaseAt('1.5.1'));
      assert.ok(!commitsSince(w, base).some((c) => trailerMap(w, c)['Canary-Phase'] === 'paused'));
    } finally {
      await w.close();
    }
  });
});

describe('traffic arithmetic', { concurrency: 4 }, () => {
  const THREE = fixtureText('istio/virtualservice-three-way.yaml');
  const searchRoute: ServiceSpec['route'] = { type: 'istio', file: 'apps/search/virtualservice.yaml', stable: 'search-stable', canary: 'search-canary' };
  const searchWorld = (steps: number[]) =>
    openWorld('bare', {
      production: { 'git-canary.yaml': gitCanaryConfig({ search: appService('search', searchRoute, steps) }), ...appFiles('search'), 'apps/search/virtualservice.yaml': THREE },
    });

  test('[bare] Istio 70 stable / 30 legacy / 0 canary, steps [10, 50]: 60/30/10, then 20/30/50, promotion 70/30/0; legacy never moves', async () => {
    const w = await searchWorld([10, 50]);
    try {
      w.commit('candidate', { 'apps/search/deployment.yaml': releaseAt('1.5.0') }, { from: 'production' });
      for (const [minute, decision, weights, canaryWeight] of [
        [2, 'start', [60, 30, 10], '10'],
        [3, 'step', [20, 30, 50], '50'],
        [4, 'promote', [70, 30, 0], '0'],
      ] as const) {
        const before = w.sha('production');
        const s = await tickService(w, 'search', at(minute));
        assert.equal(s.decision, decision, JSON.stringify(s));
        const c = oneNewCommit(w, before);
        assert.equal(trailerMap(w, c)['Canary-Weight'], canaryWeight);
        assert.equal(w.show('production', 'apps/search/virtualservice.yaml'), withWeights(THREE, 'http:', [...weights]));
      }
      assert.equal(w.show('production', 'apps/search/virtualservice.yaml'), THREE, 'byte-identical after the promotion');
    } finally {
      await w.close();
    }
  });

  test('[bare] a step the stable weight cannot cover (80 of 70) is an error naming the route file; nothing is committed', async () => {
    const w = await searchWorld([80]);
    try {
      w.commit('candidate', { 'apps/search/deployment.yaml': releaseAt('1.5.0') }, { from: 'production' });
      const refs = w.refs();
      const t = await tickJson(w, at(2));
      assert.equal(t.code, 1, t.result.stdout + t.result.stderr);
      const s = t.of('search');
      assert.equal(s.decision, 'error', JSON.stringify(s));
      assert.ok(s.reason.includes('apps/search/virtualservice.yaml'), s.reason);
      assert.equal(w.refs(), refs);
    } finally {
      await w.close();
    }
  });

  test('[bare] Gateway API 7/3/0 backendRefs (a CRLF file), steps [10]: 6/3/1 after start, CRLF kept; 7/3/0 byte-identical after promotion', async () => {
    const ROUTE = fixtureText('gateway-api/httproute-three-backends.crlf.yaml');
    assert.ok(ROUTE.includes('\r\n'), 'the fixture has CRLF line endings');
    const route: ServiceSpec['route'] = { type: 'gateway-api', file: 'apps/payments/httproute.yaml', stable: { name: 'payments-stable', port: 8443 }, canary: { name: 'payments-canary', port: 8443 } };
    const w = await openWorld('bare', {
      production: { 'git-canary.yaml': gitCanaryConfig({ payments: appService('payments', route, [10]) }), ...appFiles('payments'), 'apps/payments/httproute.yaml': ROUTE },
    });
    try {
      const base = w.sha('production');
      w.commit('candidate', { 'apps/payments/deployment.yaml': releaseAt('1.5.0') }, { from: 'production' });
      const s = await tickService(w, 'payments', at(2));
      assert.equal(s.decision, 'start', JSON.stringify(s));
      const start = oneNewCommit(w, base);
      const after = w.show('production', 'apps/payments/httproute.yaml')!;
      assert.equal(after, withWeights(ROUTE, 'rules:', [6, 3, 1]));
      assert.ok(!/[^\r]\n/.test(after), 'every line still ends in CRLF');
      assert.equal(changedLines(w, start).filter((l) => l.startsWith('apps/payments/httproute.yaml')).length, 4, 'two weight lines, nothing else');
      assert.equal((await tickService(w, 'payments', at(3))).decision, 'promote');
      assert.equal(w.show('production', 'apps/payments/httproute.yaml'), ROUTE);
    } finally {
      await w.close();
    }
  });

  test('[bare] Gateway API HTTPRoute with parentRefs, hostnames and filters: the stable-only rule with matches is left alone; the default rule goes 90/10, 50/50, back to 100/0', async () => {
    const ROUTE = fixtureText('gateway-api/httproute.yaml');
    const route: ServiceSpec['route'] = { type: 'gateway-api', file: 'apps/storefront/httproute.yaml', stable: { name: 'storefront-stable', port: 8080 }, canary: { name: 'storefront-canary', port: 8080 } };
    const w = await openWorld('bare', {
      production: { 'git-canary.yaml': gitCanaryConfig({ storefront: appService('storefront', route, [10, 50]) }), ...appFiles('storefront'), 'apps/storefront/httproute.yaml': ROUTE },
    });
    try {
      w.commit('candidate', { 'apps/storefront/deployment.yaml': releaseAt('1.5.0') }, { from: 'production' });
      for (const [minute, decision, weights] of [
        [2, 'start', [90, 10]],
        [3, 'step', [50, 50]],
        [4, 'promote', [100, 0]],
      ] as const) {
        assert.equal((await tickService(w, 'storefront', at(minute))).decision, decision);
        assert.equal(w.show('production', 'apps/storefront/httproute.yaml'), withWeights(ROUTE, '          weight: 100', [...weights]));
      }
      assert.equal(w.show('production', 'apps/storefront/httproute.yaml'), ROUTE);
    } finally {
      await w.close();
    }
  });

  test('[bare] Istio canary absent at rest: start adds it beside stable in the default rule only (not in the header-match rule); promotion keeps it at weight 0', async () => {
    const ABSENT = fixtureText('istio/virtualservice-absent.yaml');
    const w = await openWorld('bare', {
      production: { 'git-canary.yaml': gitCanaryConfig({ checkout: checkoutService({ steps: [10] }) }), ...checkoutFiles({ route: 'virtualservice-absent.yaml' }) },
    });
    try {
      const base = w.sha('production');
      w.commit('candidate', { 'apps/checkout/deployment.yaml': releaseAt('1.5.0') }, { from: 'production' });
      type Http = { name: string; match?: unknown; route: { destination: { host: string; subset?: string }; weight?: number }[]; [k: string]: unknown };
      const httpOf = (text: string) => (docOf(text, 'VirtualService', 'checkout') as { spec: { http: Http[] } }).spec.http;
      const original = httpOf(ABSENT);
      const head = ABSENT.slice(0, ABSENT.indexOf('    - name: default\n'));
      const tail = ABSENT.slice(ABSENT.indexOf('      timeout: 10s\n'));

      const s = await tickService(w, 'checkout', at(2));
      assert.equal(s.decision, 'start', JSON.stringify(s));
      const start = oneNewCommit(w, base);
      const started = w.show('production', 'apps/checkout/virtualservice.yaml')!;
      const http = httpOf(started);
      assert.deepEqual(http[0], original[0], 'the header-match rule (canary only) is left alone');
      assert.deepEqual(http[1]!.route, [
        { destination: { host: 'checkout', subset: 'v1' }, weight: 90 },
        { destination: { host: 'checkout', subset: 'v2' }, weight: 10 },
      ]);
      assert.deepEqual({ ...http[1], route: undefined }, { ...original[1], route: undefined }, 'timeout, retries and mirror stay');
      assert.ok(started.startsWith(head), 'everything before the default rule is byte-identical');
      assert.ok(started.endsWith(tail), 'timeout, retries and mirror are byte-identical');
      assert.equal(yamlDocs(started).length, 1);

      assert.equal((await tickService(w, 'checkout', at(3))).decision, 'promote');
      oneNewCommit(w, start);
      const promoted = w.show('production', 'apps/checkout/virtualservice.yaml')!;
      assert.deepEqual(httpOf(promoted)[1]!.route, [
        { destination: { host: 'checkout', subset: 'v1' }, weight: 100 },
        { destination: { host: 'checkout', subset: 'v2' }, weight: 0 },
      ]);
      assert.deepEqual(httpOf(promoted)[0], original[0]);
      assert.ok(promoted.startsWith(head) && promoted.endsWith(tail));
    } finally {
      await w.close();
    }
  });
});

describe('what git-canary.yaml may name, and what is not built', { concurrency: 4 }, () => {
  test('[bare] the route file also listed as a release file: validate exits 1, tick exits 1 naming the file, nothing committed', async () => {
    const svc = checkoutService({ files: ['apps/checkout/deployment.yaml', 'apps/checkout/virtualservice.yaml'] });
    const w = await openWorld('bare', { production: { 'git-canary.yaml': gitCanaryConfig({ checkout: svc }), ...checkoutFiles() } });
    try {
      w.commit('candidate', { 'apps/checkout/deployment.yaml': releaseAt('1.5.0') }, { from: 'production' });
      const refs = w.refs();
      const v = await validateJson(w, at(1));
      assert.equal(v.code, 1, v.result.stdout);
      assert.ok(problems(v.report.errors).some((p) => p.includes('apps/checkout/virtualservice.yaml')), problems(v.report.errors).join('\n'));
      const t = await w.cli(['tick', '--json'], { at: at(2) });
      assert.equal(t.code, 1, t.stdout + t.stderr);
      assert.ok(`${t.stdout}${t.stderr}`.includes('apps/checkout/virtualservice.yaml'), `the error names the file: ${t.stdout}${t.stderr}`);
      assert.equal(w.refs(), refs, 'nothing committed');
    } finally {
      await w.close();
    }
  });

  const WORKFLOW = `name: git-canary
on:
  push:
    branches: [candidate, production]
  schedule:
    - cron: "*/5 * * * *"
jobs:
  tick:
    runs-on: ubuntu-latest
    steps:
      - uses: acme/git-canary@v1
`;
  const cases: { label: string; path: string; svc: ServiceSpec; files: Record<string, string> }[] = [
    { label: 'git-canary.yaml as a release file', path: 'git-canary.yaml', svc: checkoutService({ files: ['apps/checkout/deployment.yaml', 'git-canary.yaml'] }), files: {} },
    {
      label: 'a workflow as the canary file',
      path: '.github/workflows/x.yaml',
      svc: checkoutService({ canary: { file: '.github/workflows/x.yaml' } }),
      files: { '.github/workflows/x.yaml': CANARY },
    },
    {
      label: 'a workflow as the route file',
      path: '.github/workflows/x.yaml',
      svc: checkoutService({ route: { type: 'istio', file: '.github/workflows/x.yaml', stable: { name: 'checkout', subset: 'v1' }, canary: { name: 'checkout', subset: 'v2' } } }),
      files: { '.github/workflows/x.yaml': fixtureText('istio/virtualservice.yaml') },
    },
    {
      label: 'a workflow as a release file',
      path: '.github/workflows/deploy.yaml',
      svc: checkoutService({ files: ['apps/checkout/deployment.yaml', '.github/workflows/deploy.yaml'] }),
      files: { '.github/workflows/deploy.yaml': WORKFLOW },
    },
  ];
  for (const c of cases) {
    test(`[bare] ${c.label} is a validate error naming ${c.path}`, async () => {
      const w = await openWorld('bare', {
        production: { 'git-canary.yaml': gitCanaryConfig({ checkout: c.svc }), ...checkoutFiles(), '.github/workflows/ci.yaml': WORKFLOW, ...c.files },
      });
      try {
        w.commit('candidate', { 'apps/checkout/deployment.yaml': releaseAt('1.5.0') }, { from: 'production' });
        const refs = w.refs();
        const v = await validateJson(w, at(1));
        assert.equal(v.code, 1, v.result.stdout + v.result.stderr);
        assert.ok(problems(v.report.errors).some((p) => p.includes(c.path)), problems(v.report.errors).join('\n'));
        const t = await w.cli(['tick', '--json'], { at: at(2) });
        assert.equal(t.code, 1, `tick refuses too: ${t.stdout}${t.stderr}`);
        assert.equal(w.refs(), refs);
      } finally {
        await w.close();
      }
    });
  }

  test('[bare] gate: pull-request with no GitHub repository or token known: that service errors saying what to set, nothing committed', async () => {
    const w = await openWorld('bare', { production: { 'git-canary.yaml': gitCanaryConfig({ checkout: checkoutService({ gate: 'pull-request' }) }), ...checkoutFiles() } });
    try {
      w.commit('candidate', { 'apps/checkout/deployment.yaml': releaseAt('1.5.0') }, { from: 'production' });
      const refs = w.refs();
      const v = await validateJson(w, at(1));
      assert.equal(v.code, 0, `the gate is built: validate accepts it\n${v.result.stdout}${v.result.stderr}`);
      assert.ok(
        problems(v.report.warnings).some((m) => /gate: pull-request needs a GitHub repository: set github\.repository/.test(m)),
        `validate warns what tick will need: ${JSON.stringify(v.report.warnings)}`,
      );
      const t = await w.cli(['tick', '--json'], { at: at(2), env: { GITHUB_REPOSITORY: undefined, GITHUB_TOKEN: undefined, GIT_CANARY_TOKEN: undefined } });
      assert.equal(t.code, 1, t.stdout + t.stderr);
      const s = (JSON.parse(t.stdout) as { services: { service: string; decision: string; reason: string }[] }).services[0]!;
      assert.equal(s.decision, 'error');
      assert.match(s.reason, /gate: pull-request, but no GitHub repository and token are known/);
      assert.match(s.reason, /github\.repository/);
      assert.equal(w.refs(), refs);
    } finally {
      await w.close();
    }
  });
});

describe('resume and zero traffic', () => {
  test('[bare] a person sets the canary to 0% (pause), then resumes: the first due tick gives back the step weight (step, same number); only a full interval later does it advance', async () => {
    const VS = fixtureText('istio/virtualservice.yaml');
    const w = await openWorld('bare', { production: { 'git-canary.yaml': gitCanaryConfig({ checkout: checkoutService({ steps: [10, 50] }) }), ...checkoutFiles() } });
    try {
      w.commit('candidate', { 'apps/checkout/deployment.yaml': releaseAt('1.5.0') }, { from: 'production' });
      assert.equal((await tickService(w, 'checkout', at(2))).decision, 'start');
      const atTen = withWeights(VS, '    - name: default', [90, 10]);
      assert.equal(w.show('production', 'apps/checkout/virtualservice.yaml'), atTen);

      // On-call takes the canary out of rotation by hand.
      const [human] = fastImport(w, [
        { branch: 'production', files: { 'apps/checkout/virtualservice.yaml': VS }, message: 'ops: no traffic to the checkout canary\n', author: ALICE, date: secondsAt(2.3) },
      ]);
      const paused = await tickService(w, 'checkout', at(2.5));
      assert.equal(paused.decision, 'pause', JSON.stringify(paused));
      const pauseCommit = oneNewCommit(w, human!);
      assertNoFileChange(w, pauseCommit);
      assert.equal(trailerMap(w, pauseCommit)['Canary-Weight'], '0');

      const r = await manual(w, 'resume', 'checkout', at(3));
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const resumed = oneNewCommit(w, pauseCommit);
      assertNoFileChange(w, resumed);

      // Ticks every 30 s: nothing may promote or move to step 2 on 0% traffic; the first commit restores step 1's weight.
      let restoredAt: number | undefined;
      for (const minute of [3, 3.5, 4, 4.5, 5, 5.5, 6]) {
        const before = w.sha('production');
        const s = await tickService(w, 'checkout', at(minute));
        if (s.decision === 'none') {
          assert.equal(w.sha('production'), before);
          continue;
        }
        assert.equal(s.decision, 'step', `the first move after the resume restores the weight: ${JSON.stringify(s)}`);
        assert.equal(s.step, '1/2', 'the same step');
        assert.equal(s.weight, 10);
        const restore = oneNewCommit(w, before);
        assert.equal(trailerMap(w, restore)['Canary-Step'], '1/2');
        assert.equal(trailerMap(w, restore)['Canary-Weight'], '10');
        assert.equal(w.show('production', 'apps/checkout/virtualservice.yaml'), atTen);
        restoredAt = minute;
        break;
      }
      assert.ok(restoredAt !== undefined, 'the canary got its traffic back');
      // A full interval at 10% before step 2.
      const early = await tickService(w, 'checkout', at(restoredAt + 0.5));
      assert.equal(early.decision, 'none', `not before a full interval at 10%: ${JSON.stringify(early)}`);
      const next = await tickService(w, 'checkout', at(restoredAt + 1));
      assert.equal(next.decision, 'step', JSON.stringify(next));
      assert.equal(next.step, '2/2');
      assert.equal(w.show('production', 'apps/checkout/virtualservice.yaml'), withWeights(VS, '    - name: default', [50, 50]));
    } finally {
      await w.close();
    }
  });
});
