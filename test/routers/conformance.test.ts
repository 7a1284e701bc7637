/**
 * Every registered router must pass this over each of its fixtures
 * (test/routers/cases/<type>.ts, whatever the API keeps its weight as: a
 * number, a percent, a string annotation): the registry equals the files on disk; `read(apply(plan(p))) == p` for every
 * percent the plan accepts (and the rollout steps must be accepted); planning
 * the same percent again gives no edits; re-applying is byte-identical; each op
 * only touches its own span (bytes outside never change); a route naming what
 * the file lacks (for routers with destinations: a missing stable) is a ROUTER
 * error naming file, line and what is missing, and a missing canary is either
 * added to the default rule or such an error.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { RouterError } from '../../src/errors.ts';
import { applyEdits, parseManifestFile } from '../../src/manifests/index.ts';
import { getRouter, routers, routerTypes } from '../../src/routers/index.ts';
import type { RouteBase, Router } from '../../src/routers/types.ts';
import { DEFAULT_WEIGHT, named, type RouterCase } from './case-types.ts';
import { assertLocalEdits, fixture } from './helpers.ts';

const NOT_PLUGINS = new Set(['index.ts', 'types.ts', 'shared.ts', 'schema-parts.ts']);

/** Each router's cases, from test/routers/cases/<type>.ts (one file per router). */
const CASES_DIR = new URL('./cases/', import.meta.url);
const cases: Record<string, RouterCase[]> = Object.fromEntries(
  await Promise.all(
    readdirSync(CASES_DIR)
      .filter((f) => f.endsWith('.ts'))
      .map(async (f) => [f.slice(0, -'.ts'.length), ((await import(new URL(f, CASES_DIR).href)) as { cases: RouterCase[] }).cases] as const),
  ),
);

test('the registry lists exactly the router files in src/routers/', () => {
  const files = readdirSync(new URL('../../src/routers/', import.meta.url))
    .filter((f) => f.endsWith('.ts') && !NOT_PLUGINS.has(f))
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
  assert.deepEqual([...routerTypes].sort(), files);
  assert.deepEqual(Object.keys(cases).sort(), files, 'every router has conformance cases in test/routers/cases/');
  for (const [type, list] of Object.entries(cases)) assert.ok(list.length >= 2, `${type}: at least two realistic files`);
  for (const [key, router] of Object.entries(routers)) {
    assert.equal(router.type, key);
    assert.ok(router.kinds.length > 0);
    assert.equal(router.schema.shape.type.value, key, `${key}: its schema's type literal`);
  }
});

test('the local-edit check itself catches changes beyond a weight', () => {
  const text = 'kind: X\nspec:\n  a:\n  - {name: x, weight: 1} # keep\n  - name: y\n    weight: 2\n';
  const file = parseManifestFile('x.yaml', text);
  assertLocalEdits(file, [{ docIndex: 0, ops: [{ op: 'set', path: ['spec', 'a', 1, 'weight'], value: 30 }] }], 'ok');
  assertLocalEdits(file, [{ docIndex: 0, ops: [{ op: 'set', path: ['spec', 'a', 2], value: { name: 'z', weight: 0 } }] }], 'ok');
  for (const op of [
    { op: 'set', path: ['spec', 'a', 1, 'name'], value: 'z' },
    { op: 'set', path: ['spec', 'a', 0], value: { name: 'x', weight: 1 } },
    { op: 'delete', path: ['spec', 'a', 1, 'weight'] },
    { op: 'set', path: ['spec', 'b'], value: 1 },
  ] as const) {
    assert.throws(() => assertLocalEdits(file, [{ docIndex: 0, ops: [op] }], 'bad'), /bad/);
  }
});

const REFUSED = /not a whole weight|more than/;

/** Plans `p`; undefined when the router refuses it as a step the rule cannot take. */
function planOrRefuse(router: Router<RouteBase>, c: RouterCase, p: number) {
  const file = parseManifestFile(c.fixture, fixture(c.fixture));
  try {
    return router.plan(file, c.route, p);
  } catch (e) {
    if (e instanceof RouterError && e.code === 'ROUTER' && REFUSED.test(e.message) && !c.steps.includes(p)) return undefined;
    throw e;
  }
}

function roundTrip(router: Router<RouteBase>, c: RouterCase, p: number): boolean {
  const text = fixture(c.fixture);
  const file = parseManifestFile(c.fixture, text);
  const ctx = `${router.type} ${c.fixture} (${label(c)}) canary ${p}%`;
  const edits = planOrRefuse(router, c, p);
  if (edits === undefined) return false;
  assert.equal(file.text, text, `${ctx}: plan must not mutate the file`);
  const after = edits.length ? applyEdits(file, edits) : text;
  assert.equal(assertLocalEdits(file, edits, ctx, c.weight ?? DEFAULT_WEIGHT), after, `${ctx}: op by op differs from all at once`);
  const file2 = parseManifestFile(c.fixture, after);
  assert.equal(router.read(file2, c.route).canary, p, `${ctx}: read(apply(plan(p))) != p`);
  assert.deepEqual(router.plan(file2, c.route, p), [], `${ctx}: a file already at p needs no edits`);
  if (edits.length) assert.equal(applyEdits(file2, edits), after, `${ctx}: re-applying the plan is not byte-identical`);
  if (after.includes('\r\n')) assert.ok(!/[^\r]\n/.test(after), `${ctx}: a CRLF file got a bare LF`);
  return true;
}

/** How a case is told apart from others of the same fixture. */
const label = (c: RouterCase) => named(c.route)?.stable.name ?? c.route.name ?? c.route.file;

for (const [type, list] of Object.entries(cases)) {
  // Each case's route is of this router's own type.
  const router = getRouter(type) as unknown as Router<RouteBase>;
  describe(`router ${type}`, () => {
    for (const c of list) {
      describe(`${c.fixture} (${label(c)})`, () => {
        test('reads the weights as written', () => {
          assert.deepEqual(router.read(parseManifestFile(c.fixture, fixture(c.fixture)), c.route), c.initial);
        });

        test('read(apply(plan(p))) == p for the rollout steps', () => {
          for (const p of c.steps) assert.ok(roundTrip(router, c, p), `step ${p} refused`);
        });

        test('read(apply(plan(p))) == p for any p the plan accepts (property)', () => {
          fc.assert(
            fc.property(fc.integer({ min: 0, max: 100 }), (p) => {
              roundTrip(router, c, p);
            }),
            { numRuns: 30, seed: 7 },
          );
        });

        test('steps chain: each plan starts from the previous one', () => {
          let text = fixture(c.fixture);
          for (const p of [...c.steps.filter((s) => s > 0), 0, ...c.steps]) {
            const file = parseManifestFile(c.fixture, text);
            text = applyEdits(file, router.plan(file, c.route, p));
            assert.equal(router.read(parseManifestFile(c.fixture, text), c.route).canary, p);
          }
        });

        test('plan refuses percents that are not integers 0..100', () => {
          const file = parseManifestFile(c.fixture, fixture(c.fixture));
          for (const p of [-1, 101, 10.5, Number.NaN]) {
            assert.throws(() => router.plan(file, c.route, p), (e: unknown) => e instanceof RouterError && e.code === 'ROUTER' && /invalid canary percent/.test(e.message));
          }
        });

        test('owned() is JSON data that a plan of this service changes', () => {
          const file = parseManifestFile(c.fixture, fixture(c.fixture));
          const before = router.owned(file, c.route);
          assert.deepEqual(JSON.parse(JSON.stringify(before)), before);
          const p = c.steps.find((s) => s !== c.initial.canary)!;
          const after = router.owned(parseManifestFile(c.fixture, applyEdits(file, router.plan(file, c.route, p))), c.route);
          assert.notDeepEqual(after, before);
        });

        const assertNamed = (call: () => unknown, missing: string) =>
          assert.throws(call, (e: unknown) => {
            assert.ok(e instanceof RouterError, String(e));
            assert.equal(e.code, 'ROUTER');
            assert.equal(e.where?.file, c.fixture);
            assert.equal(typeof e.where?.line, 'number');
            assert.match(e.message, new RegExp(missing));
            assert.ok(e.oneLine().includes(`${c.fixture}:${e.where?.line}`), e.oneLine());
            assert.ok(e.hint?.includes(missing), e.hint);
            return true;
          });

        const destinations = named(c.route);
        const broken = [...(c.broken ?? []), ...(destinations ? [{ route: { ...c.route, stable: { name: 'no-such-service' } } as RouteBase, missing: 'no-such-service' }] : [])];
        test('a route naming what the file lacks is a ROUTER error naming file, line and what is missing', () => {
          assert.ok(broken.length > 0, `${type}: give the case a broken route (RouterCase.broken)`);
          const file = parseManifestFile(c.fixture, fixture(c.fixture));
          for (const b of broken) {
            for (const call of [() => router.read(file, b.route), () => router.plan(file, b.route, 10), () => router.owned(file, b.route)]) assertNamed(call, b.missing);
          }
        });

        if (destinations) {
          test(c.defaultRule ? 'a missing canary is added to the default rule' : 'a missing canary with no default rule is a ROUTER error', () => {
            const file = parseManifestFile(c.fixture, fixture(c.fixture));
            const route = { ...c.route, canary: { name: 'no-such-service' } } as RouteBase;
            if (!c.defaultRule) {
              for (const call of [() => router.read(file, route), () => router.plan(file, route, 10)]) assertNamed(call, 'no-such-service');
              return;
            }
            assert.equal(router.read(file, route).canary, 0);
            assert.deepEqual(router.plan(file, route, 0), []);
            const after = applyEdits(file, router.plan(file, route, 10));
            assert.ok(after.includes('no-such-service'));
            assert.equal(router.read(parseManifestFile(c.fixture, after), route).canary, 10);
          });
        }
      });
    }
  });
}
