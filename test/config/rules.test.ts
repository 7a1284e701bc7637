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
