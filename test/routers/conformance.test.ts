/**
 * Every registered router must pass this: the registry equals the files on
 * disk, and for every fixture `read(parse(apply(plan(w)))) == w`, re-applying is
 * byte-identical, only weight lines change, and a missing destination is a
 * ROUTER error naming the file, the line and the destination.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { RouterError } from '../../src/errors.ts';
import { applyEdits, parseManifestFile } from '../../src/manifests/index.ts';
import { routers, routerTypes } from '../../src/routers/index.ts';
import type { Router, Weights } from '../../src/routers/types.ts';
import { cases } from './cases.ts';
import { fixture } from './helpers.ts';

const NOT_PLUGINS = new Set(['index.ts', 'types.ts', 'shared.ts']);

test('the registry lists exactly the router files in src/routers/', () => {
  const files = readdirSync(new URL('../../src/routers/', import.meta.url))
    .filter((f) => f.endsWith('.ts') && !NOT_PLUGINS.has(f))
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
  assert.deepEqual([...routerTypes].sort(), files);
  assert.deepEqual(Object.keys(cases).sort(), files, 'every router has conformance fixtures');
  for (const [key, router] of Object.entries(routers)) {
    assert.equal(router.type, key);
    assert.ok(router.kinds.length > 0);
  }
});

const split = (canary: number): Weights => ({ stable: 100 - canary, canary });

/** A line with its `weight: <int>` pairs (and the commas/spaces around them) taken out. */
const withoutWeights = (line: string) => line.replace(/\bweight:\s*\d+/g, '').replace(/[\s,]/g, '');
const WEIGHT = /\bweight:\s*\d+/;

/** `after` is `before` with a weight value changed, or with a weight pair added to its flow mapping. */
const replaces = (before: string, after: string) =>
  withoutWeights(before) === withoutWeights(after) && (WEIGHT.test(before) || withoutWeights(before) !== '');

/**
 * Walks both texts line by line: every line is the same, or differs only in a
 * `weight: <int>` (value changed, or the pair added to a flow mapping), or is a
 * new line holding nothing but a weight (the pair added to a block mapping).
 */
function assertOnlyWeightsChanged(before: string, after: string, context: string): void {
  const a = before.split('\n');
  const b = after.split('\n');
  let i = 0;
  for (let j = 0; j < b.length; j++) {
    const line = b[j]!;
    if (i < a.length && line === a[i]) i++;
    else if (i < a.length && WEIGHT.test(line) && replaces(a[i]!, line)) i++;
    else assert.match(line, /^\s*(- )?weight:\s*\d+\s*$/, `${context}: line ${j + 1} changed beyond a weight: ${JSON.stringify(line)}`);
  }
  assert.equal(i, a.length, `${context}: lines after ${JSON.stringify(a[i])} were lost`);
}

test('the only-weights-changed check itself catches other changes', () => {
  const before = 'a:\n  - {name: x}\n  - name: y # keep\n    weight: 1\n';
  assertOnlyWeightsChanged(before, 'a:\n  - {name: x, weight: 5}\n  - name: y # keep\n    weight: 99\n', 'ok');
  assertOnlyWeightsChanged(before, 'a:\n  - {name: x}\n    weight: 3\n  - name: y # keep\n    weight: 1\n', 'ok');
  for (const after of [
    'a:\n  - {name: x}\n  - name: y\n    weight: 1\n',
    'a:\n  - {name: z}\n  - name: y # keep\n    weight: 2\n',
    'a:\n  - {name: x}\n  - name: y # keep\n    weight: 1\n# new\n',
    'a:\n  - {name: x}\n  - name: y # keep\n',
  ]) {
    assert.throws(() => assertOnlyWeightsChanged(before, after, 'bad'), /bad/);
  }
});

function roundTrip(router: Router, c: (typeof cases)[string][number], w: Weights): void {
  const text = fixture(c.fixture);
  const file = parseManifestFile(c.fixture, text);
  const edits = router.plan(file, c.route, w);
  const ctx = `${router.type} ${c.fixture} canary ${w.canary}`;
  assert.equal(file.text, text, `${ctx}: plan must not mutate the file`);
  const ops = edits.flatMap((e) => e.ops);
  assert.ok(ops.length <= 2 * c.managedRules, `${ctx}: too many ops`);
  for (const op of ops) {
    assert.equal(op.op, 'set');
    assert.equal(op.path.at(-1), 'weight');
  }
  const after = edits.length ? applyEdits(file, edits) : text;
  const file2 = parseManifestFile(c.fixture, after);
  assert.deepEqual(router.read(file2, c.route), w, `${ctx}: read(apply(plan(w))) != w`);
  assert.deepEqual(router.plan(file2, c.route, w), [], `${ctx}: a file already at w needs no edits`);
  if (edits.length) assert.equal(applyEdits(file2, edits), after, `${ctx}: re-applying the plan is not byte-identical`);
  assertOnlyWeightsChanged(text, after, ctx);
}

for (const [type, list] of Object.entries(cases)) {
  const router = routers[type as keyof typeof routers];
  describe(`router ${type}`, () => {
    for (const c of list) {
      describe(c.fixture, () => {
        test('reads the weights as written', () => {
          assert.deepEqual(router.read(parseManifestFile(c.fixture, fixture(c.fixture)), c.route), c.initial);
        });

        test('read(apply(plan(w))) == w for the rollout steps', () => {
          for (const w of [0, 10, 25, 50, 99, 100]) roundTrip(router, c, split(w));
        });

        test('read(apply(plan(w))) == w for any w (property)', () => {
          fc.assert(
            fc.property(fc.integer({ min: 0, max: 100 }), (w) => roundTrip(router, c, split(w))),
            { numRuns: 40 },
          );
        });

        test('plan refuses weights that are not integers 0..100 summing to 100', () => {
          const file = parseManifestFile(c.fixture, fixture(c.fixture));
          for (const w of [{ stable: 50, canary: 49 }, { stable: 101, canary: -1 }, { stable: 89.5, canary: 10.5 }, { stable: Number.NaN, canary: 100 }]) {
            assert.throws(() => router.plan(file, c.route, w), (e: unknown) => e instanceof RouterError && e.code === 'ROUTER' && /invalid weights/.test(e.message));
          }
        });

        for (const role of ['stable', 'canary'] as const) {
          test(`a missing ${role} destination is a ROUTER error naming file, line and destination`, () => {
            const file = parseManifestFile(c.fixture, fixture(c.fixture));
            const route = { ...c.route, [role]: { name: 'no-such-service' } };
            for (const call of [() => router.read(file, route), () => router.plan(file, route, split(10))]) {
              assert.throws(call, (e: unknown) => {
                assert.ok(e instanceof RouterError, String(e));
                assert.equal(e.code, 'ROUTER');
                assert.equal(e.where?.file, c.fixture);
                assert.equal(typeof e.where?.line, 'number');
                assert.match(e.message, /no-such-service/);
                assert.ok(e.oneLine().includes(`${c.fixture}:${e.where?.line}`), e.oneLine());
                assert.ok(e.hint && /no-such-service/.test(e.hint), e.hint);
                return true;
              });
            }
          });
        }
      });
    }
  });
}
