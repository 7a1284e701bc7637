import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dedent, problems } from './util.ts';

const F = 'git-canary.yaml';

/** Two services; `b` is patched per case. Line 9 is service b's key, b's keys follow on 10–14. */
function twoServices(b: { files?: string; canary?: string; route?: string }): string {
  return dedent(`
    version: 1
    services:
      a:
        files: [a/deploy.yaml]
        canary: { file: a/canary.yaml }
        route: { type: istio, file: shared/route.yaml, stable: a-stable, canary: a-canary }
        steps: [50]
        interval: 1m
      b:
        files: ${b.files ?? '[b/deploy.yaml]'}
        canary: { file: ${b.canary ?? 'b/canary.yaml'} }
        route: ${b.route ?? '{ type: istio, file: shared/route.yaml, stable: b-stable, canary: b-canary }'}
        steps: [50]
  `);
}

describe('rules across services', () => {
  const table: [string, Parameters<typeof twoServices>[0], string[]][] = [
    ['a shared route file with other destinations is fine', {}, []],
    [
      'a shared route file with the same destinations',
      { route: '{ type: istio, file: shared/route.yaml, stable: a-stable, canary: b-canary }' },
      [`${F}:12: services.b.route.file: shared/route.yaml is also the route file of service "a" with the same destinations: both rollouts would move the same weights`],
    ],
    [
      'the same destinations in differently named routes are fine',
      { route: '{ type: istio, file: shared/route.yaml, name: other, stable: a-stable, canary: a-canary }' },
      [],
    ],
    [
      'a shared canary file',
      { canary: 'a/canary.yaml' },
      [`${F}:11: services.b.canary.file: a/canary.yaml is also the canary file of service "a": a canary file belongs to one service`],
    ],
    [
      "a canary file that is another service's release file",
      { canary: 'a/deploy.yaml' },
      [`${F}:11: services.b.canary.file: a/deploy.yaml is also a release file of service "a": a canary file belongs to one service`],
    ],
    [
      'a shared release file',
      { files: '[b/deploy.yaml, a/deploy.yaml]' },
      [`${F}:10: services.b.files[1]: a/deploy.yaml is also a release file of service "a": name each service's documents ({path, documents: [Kind/name]}) to share a file`],
    ],
    [
      'a release file shared by documents, one service naming its documents and the other not',
      { files: '[b/deploy.yaml, { path: a/deploy.yaml, documents: [Deployment/b] }]' },
      [`${F}:10: services.b.files[1]: a/deploy.yaml is also a release file of service "a": name each service's documents ({path, documents: [Kind/name]}) to share a file`],
    ],
    [
      "a release file that is another service's route file",
      { files: '[b/deploy.yaml, shared/route.yaml]' },
      [
        `${F}:10: services.b.files[1]: shared/route.yaml is also the route file of service "a": one service's rollout would edit or promote the other's file`,
        // It is b's own route file too.
        `${F}:12: services.b.route.file: shared/route.yaml must not also be a release file (files[1]): git-canary owns the route's weights on production`,
      ],
    ],
    [
      'a route file that is also the service\'s own release file',
      { files: '[b/deploy.yaml, b/route.yaml]', route: '{ type: istio, file: b/route.yaml, stable: b-stable, canary: b-canary }' },
      [`${F}:12: services.b.route.file: b/route.yaml must not also be a release file (files[1]): git-canary owns the route's weights on production`],
    ],
    [
      'git-canary.yaml as a release file',
      { files: '[b/deploy.yaml, git-canary.yaml]' },
      [`${F}:10: services.b.files[1]: git-canary.yaml is read only from production and can never be a release, canary or route file`],
    ],
    [
      'a CI workflow as the canary file',
      { canary: '.github/workflows/deploy.yaml' },
      [`${F}:11: services.b.canary.file: .github/workflows/deploy.yaml is a CI workflow: it can never be a release, canary or route file`],
    ],
    [
      'a document listed twice',
      { files: '[{ path: b/deploy.yaml, documents: [Deployment/b, Deployment/b] }]' },
      [`${F}:10: services.b.files[0].documents[1]: Deployment/b is listed twice`],
    ],
    [
      'a file listed twice',
      { files: '[b/deploy.yaml, b/deploy.yaml]' },
      [`${F}:10: services.b.files[1]: b/deploy.yaml is listed twice`],
    ],
  ];
  for (const [name, b, expected] of table) {
    it(name, () => assert.deepEqual(problems(twoServices(b)).errors, expected));
  }

  it('services may share a release file by naming disjoint documents (Istio bookinfo)', () => {
    const text = twoServices({ files: '[{ path: shared/bookinfo.yaml, documents: [Deployment/reviews-v1] }]' }).replace(
      'files: [a/deploy.yaml]',
      'files: [{ path: shared/bookinfo.yaml, documents: [Deployment/ratings-v1, Service/ratings] }]',
    );
    assert.deepEqual(problems(text).errors, []);
    const clash = text.replace('Deployment/reviews-v1', 'Service/ratings');
    assert.deepEqual(problems(clash).errors, [
      `${F}:10: services.b.files[0]: shared/bookinfo.yaml is also a release file of service "a": both name the same document`,
    ]);
  });

  it('gate: pull-request is accepted (the gate is built), and a github.repository must be owner/name', () => {
    assert.deepEqual(problems(`${twoServices({})}    gate: pull-request\n`).errors, []);
    assert.deepEqual(problems(`${twoServices({})}github: { repository: acme/manifests }\n`).errors, []);
    const bad = problems(`${twoServices({})}github: { repository: not-a-repo }\n`).errors;
    assert.equal(bad.length, 1, bad.join('\n'));
    assert.match(bad[0]!, /github\.repository: expected owner\/name/);
  });

  it('check names are unique within a service', () => {
    const text = twoServices({}).replace(
      '    interval: 1m\n',
      '    interval: 1m\n    analysis:\n      metrics: prom\n      checks: [{ name: rate, query: a, min: 1 }, { name: rate, query: b, max: 2 }]\n',
    );
    const withSource = text.replace('version: 1\n', 'version: 1\nmetrics: { prom: { type: prometheus, address: "http://p" } }\n');
    assert.deepEqual(problems(withSource).errors, [`${F}:12: services.a.analysis.checks[1].name: another check is already named "rate"`]);
  });
});

describe('queries are parsed at validate', () => {
  /** One service with this analysis block, on a prometheus source. */
  function withAnalysis(analysis: string): string {
    return dedent(`
      version: 1
      metrics:
        prom: { type: prometheus, address: "http://prometheus:9090" }
      services:
        a:
          files: [a/deploy.yaml]
          canary: { file: a/canary.yaml }
          route: { type: istio, file: a/route.yaml, stable: a-stable, canary: a-canary }
          steps: [50]
          analysis:
            metrics: prom
    `) + analysis.replace(/^/gm, '      ').replace(/ +$/, '');
  }

  /** `[name, analysis, needle, expected]`: the error's line is the line of `needle`. */
  const table: [string, string, string, string[]][] = [
    ['a good query', 'checks:\n  - { name: ok, query: "sum(rate(x[5m]))", min: 1 }\n', 'name: ok', []],
    [
      'a range without a unit',
      'checks:\n  - name: errors\n    query: rate(x[5])\n    max: 1\n',
      'query: rate',
      [`${F}:@: services.a.analysis.checks[0].query: check errors: PromQL: the range [5] has no unit: write e.g. 5m or 5s (column 8)`],
    ],
    [
      'an unbalanced brace',
      'checks:\n  - name: rate\n    query: sum(rate(x{job="a"[5m]))\n    min: 1\n',
      'query: sum',
      [`${F}:@: services.a.analysis.checks[0].query: check rate: PromQL: ")" does not close the "{" at column 11 (expected "}") (column 23)`],
    ],
    [
      'a trailing operator in a baseline query',
      'checks:\n  - name: p99\n    query: x\n    baseline: { query: "x /", maxIncrease: 10% }\n',
      'baseline:',
      [`${F}:@: services.a.analysis.checks[0].baseline.query: check p99: PromQL: the query ends too early after "x /": something is missing at its end (column 4)`],
    ],
    [
      'a template\'s baseline query',
      'templates:\n  - template: request-duration\n    baseline: { query: "rates(x[1m])", maxIncrease: 10% }\n',
      'baseline:',
      [`${F}:@: services.a.analysis.templates[0].baseline.query: check request-duration: PromQL: unknown function "rates" (column 1)`],
    ],
    [
      'a minRequests query',
      'minRequests: { query: "sum(increase(x))", min: 10 }\nchecks:\n  - { name: ok, query: "up", min: 1 }\n',
      'minRequests:',
      [`${F}:@: services.a.analysis.minRequests.query: minRequests: PromQL: increase() needs a range vector such as x[5m], got "x" (column 14)`],
    ],
    [
      'two templates with the same default name',
      'templates:\n  - { template: request-duration, max: 100 }\n  - { template: request-duration, quantile: 0.5, max: 50 }\n',
      'quantile: 0.5',
      [`${F}:@: services.a.analysis.templates[1]: another check is already named "request-duration": give this template a name`],
    ],
    [
      'a template named like a check',
      'checks:\n  - { name: latency, query: "up", min: 1 }\ntemplates:\n  - { template: request-duration, name: latency, max: 100 }\n',
      'name: latency, max',
      [`${F}:@: services.a.analysis.templates[0].name: another check is already named "latency"`],
    ],
  ];
  for (const [name, analysis, needle, expected] of table) {
    it(name, () => {
      const text = withAnalysis(analysis);
      const line = text.split('\n').findIndex((l) => l.includes(needle)) + 1;
      assert.deepEqual(problems(text).errors, expected.map((e) => e.replace('@', String(line))));
    });
  }
});

describe('a query written over several lines', () => {
  it('names the line and column inside the query', () => {
    const text = dedent(`
      version: 1
      metrics:
        prom: { type: prometheus, address: "http://prometheus:9090" }
      services:
        a:
          files: [a/deploy.yaml]
          canary: { file: a/canary.yaml }
          route: { type: istio, file: a/route.yaml, stable: a-stable, canary: a-canary }
          steps: [50]
          analysis:
            metrics: prom
            checks:
              - name: errors
                query: |
                  sum(
                    rate(x[5])
                  )
                max: 1
    `);
    assert.deepEqual(problems(text).errors, [
      `${F}:14: services.a.analysis.checks[0].query: check errors: PromQL: the range [5] has no unit: write e.g. 5m or 5s (line 2, column 10)`,
    ]);
  });
});

describe('applied without a progressDeadline', () => {
  const service = (analysis: string) =>
    dedent(`
      version: 1
      metrics:
        prom: { type: prometheus, address: http://prometheus:9090 }
      services:
        checkout:
          files: [apps/checkout/deployment.yaml]
          canary: { file: apps/checkout/canary.yaml }
          route: { type: istio, file: apps/checkout/vs.yaml, stable: checkout, canary: checkout-canary }
          steps: [50]
          applied:
            argocd: { application: shop }
          analysis:
            metrics: prom
            checks: [{ name: ok, query: 'vector(1)', min: 1 }]${analysis}
    `);
  it('warns at applied: a step that is never applied would hold until a person acts', () => {
    const { errors, warnings } = problems(service(''));
    assert.deepEqual(errors, []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^git-canary\.yaml:10: services\.checkout\.applied: without analysis\.progressDeadline, a step Argo CD or Flux never applies/);
  });
  it('says nothing once progressDeadline ends such a wait', () => {
    const { errors, warnings } = problems(service('\n            progressDeadline: 2h'));
    assert.deepEqual([errors, warnings], [[], []]);
  });
});
