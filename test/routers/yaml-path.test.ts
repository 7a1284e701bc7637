/** What is specific to the yaml-path router: path forms, where a missing path is reported, and what it refuses. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatIssue, parseConfig } from '../../src/config/index.ts';
import { applyEdits } from '../../src/manifests/index.ts';
import { pathProblem, segmentsOf, yamlPath } from '../../src/routers/yaml-path.ts';
import { fixture, parse, routerError } from './helpers.ts';

type Route = Parameters<typeof yamlPath.read>[1];
const route = (path: string, stablePath?: string): Route => ({ type: 'yaml-path', file: 'values.yaml', path, ...(stablePath ? { stablePath } : {}) });
const read = (text: string, r: Route) => yamlPath.read(parse('values.yaml', text), r);
const step = (text: string, r: Route, p: number) => {
  const file = parse('values.yaml', text);
  return applyEdits(file, yamlPath.plan(file, r, p));
};

describe('yaml-path paths', () => {
  test('dotted paths are keys only; JSON pointers unescape ~1 and ~0 and may index lists', () => {
    assert.deepEqual(segmentsOf('canary.weight'), [{ key: 'canary', index: false }, { key: 'weight', index: false }]);
    assert.deepEqual(segmentsOf('routes.0.weight').map((s) => s.index), [false, false, false]);
    assert.deepEqual(segmentsOf('/a~1b/0/c~0d'), [{ key: 'a/b', index: false }, { key: '0', index: true }, { key: 'c~d', index: false }]);
    assert.deepEqual(segmentsOf('/x/01').at(-1), { key: '01', index: false }, 'a leading zero is a key, as RFC 6901 says');
  });

  test('a digit segment of a dotted path is a mapping key, never a list index', () => {
    const text = 'routes:\n  - weight: 10\nports:\n  "80":\n    weight: 20\n';
    routerError(() => read(text, route('routes.0.weight')), /route\.path routes\.0\.weight not found: routes has no "0"/);
    assert.equal(read(text, route('/routes/0/weight')).canary, 10);
    assert.equal(read(text, route('ports.80.weight')).canary, 20);
    assert.equal(read(text, route('/ports/80/weight')).canary, 20, 'a pointer segment that meets a mapping is its key');
  });

  test('invalid paths are named', () => {
    for (const p of ['', '.a', 'a.', 'a..b', ' a', '/a~2', '/a~']) assert.ok(pathProblem(p), p);
    for (const p of ['a', 'canary.weight', '/canary/weight', '/a~1b/~0', '/']) assert.equal(pathProblem(p), undefined, p);
  });
});

describe('yaml-path weights', () => {
  test('numbers stay numbers, comments and quoting around them survive; only the weight bytes change', () => {
    const text = fixture('yaml-path/values.yaml');
    const r = route('canary.weight', 'stable.weight');
    assert.equal(step(text, r, 25), text.replace('weight: 90', 'weight: 75').replace('weight: 10', 'weight: 25'));
  });

  test('without stablePath, stable is 100 - canary; with it, the two always sum to 100 (property)', () => {
    const text = 'stable:\n  weight: 100 # all of it\ncanary:\n  weight: 0\n';
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.boolean(), (p, withStable) => {
        const r = route('canary.weight', withStable ? 'stable.weight' : undefined);
        const after = step(text, r, p);
        const v = parse('v.yaml', after).docs[0]!.value as { stable: { weight: number }; canary: { weight: number } };
        assert.deepEqual(read(after, r), { stable: 100 - p, canary: p });
        assert.equal(v.canary.weight, p);
        assert.equal(v.stable.weight, withStable ? 100 - p : 100, 'without stablePath the stable weight is not touched');
      }),
      { numRuns: 60, seed: 3 },
    );
  });

  test('in a list, the other entries never move', () => {
    const text = fixture('yaml-path/traffic-list.yaml');
    const after = step(text, route('/traffic/1/weight', '/traffic/0/weight'), 50);
    assert.equal(after, text.replace('weight: 100', 'weight: 50').replace('weight: 0   # the canary', 'weight: 50   # the canary'));
  });

  test('multi-document files: the one document holding the path; two holding it is an error', () => {
    const text = fixture('yaml-path/multi-doc.yaml');
    assert.deepEqual(read(text, route('rollout.canary.weight')), { stable: 75, canary: 25 });
    const twice = `${text}---\nrollout:\n  canary:\n    weight: 5\n`;
    const e = routerError(() => read(twice, route('rollout.canary.weight')), /route\.path rollout\.canary\.weight is in 2 documents: document 2 \(line 8\) and document 4 \(line 19\)/, /one document/);
    assert.equal(e.where?.line, 19);
  });
});

describe('yaml-path refuses', () => {
  const text = fixture('yaml-path/values.yaml');

  test('a missing path names the nearest existing parent, its line and the path', () => {
    const e = routerError(() => read(text, route('canary.traffic.weight')), /^route\.path canary\.traffic\.weight not found: canary has no "traffic"$/, /fix route\.path \(canary\.traffic\.weight\)/);
    assert.equal(e.where?.line, 25);
    assert.equal(e.where?.file, 'values.yaml');
    const root = routerError(() => read(text, route('rollout.weight')), /not found: the document root has no "rollout"/);
    assert.equal(root.where?.line, 5, 'the document starts at its first line of content');
    const stable = routerError(() => read(text, route('canary.weight', 'stable.percent')), /^route\.stablePath stable\.percent not found: stable has no "percent"$/, /fix route\.stablePath/);
    assert.equal(stable.where?.line, 21);
    routerError(() => read(text, route('/image/tag/weight')), /image\.tag has no "weight"/, /\/image\/tag\/weight/);
  });

  test('weights that are not integer percents: strings, fractions, out of range', () => {
    for (const [v, hint] of [['"10"', /without quotes/], ['12.5', /integer percent/], ['101', /integer percent/], ['-1', /integer percent/], ['null', /integer percent/]] as const) {
      const e = routerError(() => read(`canary:\n  weight: ${v}\n`, route('canary.weight')), /canary\.weight is .*, not an integer percent from 0 to 100/, hint);
      assert.equal(e.where?.line, 2);
    }
  });

  test('stable and canary weights that do not sum to 100', () => {
    routerError(() => read('stable: {weight: 80}\ncanary: {weight: 10}\n', route('canary.weight', 'stable.weight')), /stable\.weight \(80\) and canary\.weight \(10\) do not sum to 100/);
  });

  test('an anchored weight that an alias shares is refused by the editor, naming the alias', () => {
    const shared = 'canary:\n  weight: &w 10\nmirror:\n  weight: *w\n';
    const file = parse('values.yaml', shared);
    assert.throws(() => applyEdits(file, yamlPath.plan(file, route('canary.weight'), 20)), /&w is also used by \*w/);
  });
});

describe('yaml-path route schema', () => {
  const problems = (r: string) =>
    parseConfig(`version: 1\nservices:\n  web:\n    files: [values.yaml]\n    canary: {file: values-canary.yaml}\n    route:\n${r}\n    steps: [10]\n`, { file: 'git-canary.yaml', env: {} });

  test('type, file and path; stablePath optional', () => {
    const r = problems('      type: yaml-path\n      file: charts/web/values-traffic.yaml\n      path: canary.weight\n      stablePath: /stable/weight');
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.config?.services.web?.route, { type: 'yaml-path', file: 'charts/web/values-traffic.yaml', path: 'canary.weight', stablePath: '/stable/weight' });
  });

  test('a missing or malformed path, and a stablePath overlapping path, are config errors at the key', () => {
    assert.match(problems('      type: yaml-path\n      file: v.yaml').errors.map(formatIssue).join('\n'), /services\.web\.route\.path/);
    assert.deepEqual(problems('      type: yaml-path\n      file: v.yaml\n      path: canary..weight').errors.map(formatIssue), [
      'git-canary.yaml:9: services.web.route.path: path "canary..weight" is not a dotted path of keys (canary.weight): no empty keys; use a JSON pointer (/a/b) for keys with dots',
    ]);
    assert.deepEqual(problems('      type: yaml-path\n      file: v.yaml\n      path: canary.weight\n      stablePath: /canary').errors.map(formatIssue), [
      'git-canary.yaml:10: services.web.route.stablePath: must not be inside or above path (canary.weight): the two weights need places of their own',
    ]);
    assert.match(problems('      type: yaml-path\n      file: v.yaml\n      path: canary.weight\n      stable: web').errors.map(formatIssue).join('\n'), /unknown key "stable"/);
  });
});
