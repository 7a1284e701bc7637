/**
 * What is Knative's own: the canary is a revision of the Service. Start pins
 * the candidate's template under a revision name and splits spec.traffic;
 * steps move the percents; promotion is the tested candidate with that
 * revision pinned and all of the stable's traffic on it. Invariant (property):
 * whatever the candidate changes, after start, any steps and promotion the
 * promoted Service compares equal to the candidate (so the next tick is idle),
 * runs the new revision at the stable's whole share, and every other traffic
 * entry is as production had it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseManifestFile } from '../../src/manifests/index.ts';
import { type KnativeRoute, knative, runningRevision, serviceDoc } from '../../src/routers/knative.ts';
import { fixture, routerError } from './helpers.ts';

const CLOUD_RUN = 'knative/cloud-run.yaml';
const SHA = '3f2a9c1e'.padEnd(40, '0');
const route = (file: string, name?: string): KnativeRoute => ({ type: 'knative', file, ...(name ? { name } : {}) });
const parse = (file: string, text: string) => parseManifestFile(file, text);
const r = knative.revisions;

/** The traffic of the (only, or named) Service of `text`. */
function trafficOf(file: string, text: string, name?: string): unknown {
  return (serviceDoc(parse(file, text), route(file, name)).value as { spec: { traffic: unknown } }).spec.traffic;
}

describe('knative start', () => {
  test('the candidate\'s template under a new revision, steps[0]% to it tagged canary, the stable keeps the rest, the previous tag untouched', () => {
    const prod = fixture(CLOUD_RUN);
    const cand = prod.replace('checkout:2.3.1', 'checkout:2.4.0');
    const started = r.start(parse(CLOUD_RUN, prod), parse(CLOUD_RUN, cand), route(CLOUD_RUN), { weight: 10, candidateSha: SHA });
    assert.equal(
      started,
      prod
        .replace('checkout:2.3.1', 'checkout:2.4.0')
        .replace('      name: checkout-00012-rev', '      name: checkout-3f2a9c1')
        .replace('    percent: 100\n', '    percent: 90\n')
        .concat('  - revisionName: checkout-3f2a9c1\n    tag: canary\n    percent: 10\n'),
    );
    assert.deepEqual(knative.read(parse(CLOUD_RUN, started), route(CLOUD_RUN)), { stable: 90, canary: 10 });
  });

  test('a revision name the candidate sets is kept when production does not run it; one production runs gets the sha name', () => {
    const prod = fixture('knative/hello.yaml');
    const own = prod.replace('name: hello-v1', 'name: hello-v2').replace('helloworld-go:1.0.0', 'helloworld-go:1.1.0');
    const started = r.start(parse('h.yaml', prod), parse('h.yaml', own), route('h.yaml'), { weight: 25, candidateSha: SHA });
    assert.match(started, /name: hello-v2\n/);
    assert.deepEqual(trafficOf('h.yaml', started), [
      { revisionName: 'hello-v1', percent: 75 },
      { revisionName: 'hello-v2', tag: 'canary', percent: 25 },
    ]);
    const same = prod.replace('helloworld-go:1.0.0', 'helloworld-go:1.1.0');
    assert.match(r.start(parse('h.yaml', prod), parse('h.yaml', same), route('h.yaml'), { weight: 25, candidateSha: SHA }), /name: hello-3f2a9c1\n/);
  });

  test('in a file of two Services only the named one changes, and its 10% preview keeps its share', () => {
    const file = 'knative/two-services.yaml';
    const prod = fixture(file);
    const cand = prod.replace('frontend:7.0.0', 'frontend:7.1.0');
    const started = r.start(parse(file, prod), parse(file, cand), route(file, 'frontend'), { weight: 50, candidateSha: SHA });
    assert.deepEqual(trafficOf(file, started, 'frontend'), [
      { revisionName: 'frontend-v7', percent: 40 },
      { revisionName: 'frontend-v6-preview', tag: 'preview', percent: 10 },
      { revisionName: 'frontend-3f2a9c1', tag: 'canary', percent: 50 },
    ]);
    assert.equal(started.slice(started.indexOf('---')), prod.slice(prod.indexOf('---')), 'the search Service stays byte-identical');
    routerError(
      () => r.start(parse(file, prod), parse(file, cand), route(file, 'frontend'), { weight: 95, candidateSha: SHA }),
      /more than frontend-v7 \(90\)/,
      /steps up to 90%/,
    );
  });

  test('production that does not pin its revision is refused, naming file:line and how to pin it', () => {
    const unpinned = fixture('knative/hello.yaml').replace('      name: hello-v1\n', '').replace('    - revisionName: hello-v1\n      percent: 100\n', '    - latestRevision: true\n      percent: 100\n');
    const e = routerError(() => r.running(parse('h.yaml', unpinned), route('h.yaml')), /does not pin the revision it runs/, /spec\.template\.metadata\.name/);
    assert.equal(e.where?.file, 'h.yaml');
    assert.equal(typeof e.where?.line, 'number');
  });
});

describe('knative reads and refuses', () => {
  test('percents that do not sum to 100, two canary tags, and a percent that is not an integer are errors at their line', () => {
    const base = fixture('knative/crlf.yaml');
    routerError(() => knative.read(parse('c.yaml', base.replace('percent: 80', 'percent: 70')), route('c.yaml')), /sum to 90, not 100/);
    routerError(() => knative.read(parse('c.yaml', base.replace('revisionName: api-v4\r\n', 'revisionName: api-v4\r\n      tag: canary\r\n')), route('c.yaml')), /2 traffic entries are tagged canary/);
    routerError(() => knative.read(parse('c.yaml', base.replace('percent: 20', 'percent: 20.5').replace('percent: 80', 'percent: 79.5')), route('c.yaml')), /not an integer/);
  });

  test('a Service of another API group is not a Knative Service', () => {
    const text = fixture('knative/hello.yaml').replace('serving.knative.dev/v1', 'v1');
    routerError(() => knative.read(parse('h.yaml', text), route('h.yaml')), /no Knative Service/);
  });
});

describe('knative promotion', () => {
  test('the tested candidate, its revision pinned, the stable entry gone, the canary untagged at 100; the comment of the previous entry kept', () => {
    const prod = fixture(CLOUD_RUN);
    const cand = prod.replace('checkout:2.3.1', 'checkout:2.4.0').replace('launch-stage: GA\n', 'launch-stage: GA\n    team: payments\n');
    const f = (t: string) => parse(CLOUD_RUN, t);
    const started = r.start(f(prod), f(cand), route(CLOUD_RUN), { weight: 10, candidateSha: SHA });
    const stepped = r.step(f(started), f(prod), route(CLOUD_RUN), 50);
    const promoted = r.promote(f(stepped), f(prod), f(cand), route(CLOUD_RUN));
    const head = cand.slice(0, cand.indexOf('  traffic:\n')).replace('      name: checkout-00012-rev', '      name: checkout-3f2a9c1');
    assert.equal(promoted, `${head}  traffic:\n  - revisionName: checkout-00011-old # kept reachable for a week\n    tag: previous\n    percent: 0\n  - revisionName: checkout-3f2a9c1\n    percent: 100\n`);
    assert.equal(runningRevision(f(promoted), serviceDoc(f(promoted), route(CLOUD_RUN))), 'checkout-3f2a9c1');
  });

  test('property: after start, any steps and promotion, the promoted Service equals the candidate as releases compare, and other entries never move', () => {
    const file = 'knative/two-services.yaml';
    const prod = fixture(file);
    const edits = fc.record({
      tag: fc.constantFrom('7.0.1', '7.1.0', '8.0.0-rc.1'),
      env: fc.option(fc.constantFrom('A', 'B c', '"quoted"'), { nil: undefined }),
      label: fc.boolean(),
      own: fc.option(fc.constantFrom('frontend-v8', 'frontend-v7'), { nil: undefined }),
    });
    const steps = fc.uniqueArray(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 4 }).map((s) => s.sort((a, b) => a - b));
    fc.assert(
      fc.property(edits, steps, (e, s) => {
        let cand = prod.replace('frontend:7.0.0', `frontend:${e.tag}`);
        if (e.env !== undefined) cand = cand.replace('        - image: registry.example.com/shop/frontend', `        - env:\n            - name: MODE\n              value: ${JSON.stringify(e.env)}\n          image: registry.example.com/shop/frontend`);
        if (e.label) cand = cand.replace('  name: frontend\n  namespace: shop\n', '  name: frontend\n  namespace: shop\n  labels: { team: web }\n');
        if (e.own) cand = cand.replace('      name: frontend-v7', `      name: ${e.own}`);
        const f = (t: string) => parse(file, t);
        const rt = route(file, 'frontend');
        let text = r.start(f(prod), f(cand), rt, { weight: s[0]!, candidateSha: SHA });
        for (const w of s.slice(1)) text = r.step(f(text), f(prod), rt, w);
        assert.equal(knative.read(f(text), rt).canary, s.at(-1));
        const promoted = r.promote(f(text), f(prod), f(cand), rt);
        assert.equal(r.releaseView(f(promoted), rt), r.releaseView(f(cand), rt));
        assert.deepEqual(knative.read(f(promoted), rt), { stable: 100, canary: 0 });
        const traffic = trafficOf(file, promoted, 'frontend') as { revisionName: string; percent: number; tag?: string }[];
        assert.deepEqual(traffic[0], { revisionName: 'frontend-v6-preview', tag: 'preview', percent: 10 });
        assert.equal(traffic[1]!.percent, 90);
        assert.equal(traffic.length, 2);
        assert.equal(promoted.slice(promoted.indexOf('---')), cand.slice(cand.indexOf('---')), 'the other Service is the candidate\'s');
      }),
      { numRuns: 60, seed: 11 },
    );
  });
});
