/**
 * Random Istio and Gateway API routes with extra destinations and random steps:
 * only the stable and canary weights move, the canary's share comes from the
 * stable's, Istio rules keep their sum (100 when it was 100), the other
 * destinations never move, the canary percent read back is the step, and every
 * byte outside the edited spans is identical.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { RouterError } from '../../src/errors.ts';
import { applyEdits } from '../../src/manifests/index.ts';
import { routers } from '../../src/routers/index.ts';
import type { SplitRoute as RouteConfig } from '../../src/routers/types.ts';
import { assertLocalEdits, parse, valueAt } from './helpers.ts';

type Role = 'stable' | 'canary' | 'other';
interface Entry {
  role: Role;
  name: string;
  /** `undefined`: no weight field. */
  weight: number | undefined;
  style: 'block' | 'flow-destination' | 'flow';
  pos: number;
}
interface Scenario {
  entries: Entry[];
  /** A header rule before the default rule that routes to the stable only. */
  headerRule: boolean;
  /** Istio only: a tcp default rule too (it moves like the http one). */
  p: number;
}

const RUNS = { numRuns: 200, seed: 0x5eed };

/** Weights for n entries: a random partition of 100 (or 10, 20, 1000), or any weights. */
const weightsArb = (n: number) =>
  fc.oneof(
    fc.constantFrom(100, 100, 10, 20, 1000).chain((sum) =>
      fc.array(fc.integer({ min: 0, max: sum }), { minLength: n - 1, maxLength: n - 1 }).map((cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), sum];
        return at.slice(1).map((x, i) => x - at[i]!);
      }),
    ),
    fc.array(fc.integer({ min: 0, max: 60 }), { minLength: n, maxLength: n }),
  );

const scenarioArb = (type: 'istio' | 'gateway-api') =>
  fc
    .record({
      others: fc.integer({ min: 0, max: 3 }),
      canary: fc.constantFrom('present', 'absent', 'weightless'),
      headerRule: fc.boolean(),
      // Half the steps are any percent, half one the rule can take (a whole weight the stable covers).
      p: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 1000 }).map((k) => -k / 1000 - 1)),
    })
    .chain(({ others, canary, headerRule, p }) => {
      const roles: Role[] = ['stable', ...(canary === 'absent' ? [] : (['canary'] as Role[])), ...Array<Role>(others).fill('other')];
      const n = roles.length;
      return fc
        .record({
          weights: weightsArb(n),
          drop: fc.array(fc.nat(4).map((x) => x === 0), { minLength: n, maxLength: n }),
          styles: fc.array(fc.constantFrom('block', 'flow-destination', 'flow') as fc.Arbitrary<Entry['style']>, { minLength: n, maxLength: n }),
          pos: fc.array(fc.nat(10), { minLength: n, maxLength: n }),
        })
        .map(({ weights, drop, styles, pos }): Scenario => {
          let o = 0;
          const entries = roles.map((role, i): Entry => {
            // Gateway API refuses a weightless canary (tested on its own); other refs may omit weight (they count 1).
            const omit = role === 'canary' ? canary === 'weightless' && type === 'istio' : drop[i]! && (type === 'gateway-api' || role === 'other' || n === 1);
            return { role, name: role === 'other' ? `web-o${++o}` : `web-${role}`, weight: omit ? undefined : weights[i], style: styles[i]!, pos: pos[i]! };
          });
          return { entries: entries.sort((a, b) => a.pos - b.pos), headerRule, p: p >= 0 ? p : fitting(entries, -p - 1, type) };
        });
    });

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const effective = (e: Entry, n: number, type: 'istio' | 'gateway-api') => e.weight ?? (type === 'gateway-api' ? 1 : n === 1 ? 100 : 0);

/** A step of `entries`' rule the plan accepts, at fraction `f` of the largest one. */
function fitting(entries: Entry[], f: number, type: 'istio' | 'gateway-api'): number {
  const w = (role: Role) => entries.filter((e) => e.role === role).reduce((x, e) => x + effective(e, entries.length, type), 0);
  const total = w('stable') + w('canary') + w('other');
  if (total === 0 || w('other') === 0) return Math.round(f * 100);
  const unit = 100 / gcd(total, 100);
  const max = Math.floor((w('stable') + w('canary')) * 100 / total / unit);
  return Math.round(f * max) * unit;
}

function istioText(s: Scenario): string {
  const entry = (e: Entry) => {
    const w = e.weight === undefined ? '' : e.style === 'flow' ? `, weight: ${e.weight}` : `\n          weight: ${e.weight}`;
    if (e.style === 'flow') return `        - {destination: {host: ${e.name}, port: {number: 80}}${w}}`;
    if (e.style === 'flow-destination') return `        - destination: {host: ${e.name}, port: {number: 80}}${w}`;
    return `        - destination:\n            host: ${e.name}\n            port:\n              number: 80${w}`;
  };
  const header = s.headerRule ? '    - match:\n        - headers: {x-user: {exact: qa}}\n      route:\n        - destination: {host: web-stable} # qa\n' : '';
  return `# generated\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: web\nspec:\n  hosts: [web]\n  http:\n${header}    - route:\n${s.entries.map(entry).join('\n')}\n      timeout: 5s # keep\n`;
}

function gatewayText(s: Scenario): string {
  const entry = (e: Entry) => {
    const w = e.weight === undefined ? '' : e.style === 'flow' ? `, weight: ${e.weight}` : `\n          weight: ${e.weight}`;
    return e.style === 'flow' ? `        - {name: ${e.name}, port: 80${w}}` : `        - name: ${e.name}\n          port: 80${w}`;
  };
  const header = s.headerRule ? '    - matches:\n        - headers: [{name: x-user, value: qa}]\n      backendRefs:\n        - name: web-stable # qa\n' : '';
  return `# generated\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\nspec:\n  parentRefs: [{name: gw}]\n  rules:\n${header}    - backendRefs:\n${s.entries.map(entry).join('\n')}\n      timeouts: {request: 5s} # keep\n`;
}

const SETUPS = {
  istio: { text: istioText, list: (v: unknown) => valueAt(v, ['spec', 'http']) as { route: { weight?: number; destination: { host: string } }[] }[], key: 'route', missing: (n: number) => (n === 1 ? 100 : 0) },
  'gateway-api': { text: gatewayText, list: (v: unknown) => valueAt(v, ['spec', 'rules']) as { backendRefs: { weight?: number; name: string }[] }[], key: 'backendRefs', missing: () => 1 },
} as const;

for (const type of ['istio', 'gateway-api'] as const) {
  const router = routers[type];
  const setup = SETUPS[type];
  const route: RouteConfig = { type, file: 'route.yaml', stable: { name: 'web-stable' }, canary: { name: 'web-canary' } };
  /** The default rule's entries as [name, raw weight], in file order. */
  const entriesOf = (text: string) => {
    const rules = setup.list(parse('route.yaml', text).docs[0]!.value) as unknown as Record<string, { weight?: number; name?: string; destination?: { host: string } }[]>[];
    return rules.at(-1)![setup.key]!.map((e) => [e.name ?? e.destination!.host, e.weight] as const);
  };

  describe(`${type} traffic arithmetic (property)`, () => {
    test('random routes with extra destinations and random steps', () => {
      const seen = { moved: 0, added: 0, refused: 0 };
      fc.assert(
        fc.property(scenarioArb(type), (s) => {
          const text = setup.text(s);
          const file = parse('route.yaml', text);
          const n = s.entries.length;
          const eff = (e: Entry) => effective(e, n, type);
          const total = s.entries.reduce((sum, e) => sum + eff(e), 0);
          const st = eff(s.entries.find((e) => e.role === 'stable')!);
          const canaryEntry = s.entries.find((e) => e.role === 'canary');
          const ca = canaryEntry ? eff(canaryEntry) : 0;
          const others = total - st - ca;
          if (st + ca === 0) {
            assert.throws(() => router.read(file, route), (e: unknown) => e instanceof RouterError && /gives weight 0/.test(e.message));
            return;
          }
          assert.equal(router.read(file, route).canary, Math.round((ca * 100) / total));

          let refused: RegExp | undefined;
          if (others > 0 && (s.p * total) % 100 !== 0) refused = /not a whole weight/;
          else if (others > 0 && (s.p * total) / 100 > st + ca) refused = /more than/;
          if (!canaryEntry && s.p === 0) refused = undefined;
          if (refused) {
            seen.refused++;
            assert.throws(() => router.plan(file, route, s.p), (x: unknown) => x instanceof RouterError && x.code === 'ROUTER' && refused.test(x.message) && x.where?.line !== undefined);
            return;
          }
          const edits = router.plan(file, route, s.p);
          const after = assertLocalEdits(file, edits, `${type} ${s.p}%`);
          assert.equal(after, edits.length ? applyEdits(file, edits) : text);
          if (!canaryEntry && s.p === 0) assert.deepEqual(edits, []);
          const file2 = parse('route.yaml', after);
          assert.equal(router.read(file2, route).canary, s.p);
          assert.deepEqual(router.plan(file2, route, s.p), []);

          const was = entriesOf(text);
          const now = entriesOf(after);
          const othersOf = (list: typeof was) => list.filter(([name]) => name.startsWith('web-o'));
          assert.deepEqual(othersOf(now), othersOf(was), 'other destinations keep their weights (and their absence)');
          assert.equal(now.length, was.length + (!canaryEntry && s.p > 0 ? 1 : 0));
          if (!canaryEntry && s.p > 0) assert.equal(now.at(-1)![0], 'web-canary', 'the canary is added at the end of the rule, beside the stable');
          const sum = now.reduce((x, [, w]) => x + (w ?? setup.missing(now.length)), 0);
          if (type === 'istio' && (canaryEntry || s.p > 0)) assert.equal(sum, others > 0 ? total : 100, 'Istio weights keep their sum (100 when they had none besides stable and canary)');
          if (type === 'gateway-api' && others > 0) assert.equal(sum, total);
          if (others > 0 && s.p > 0) seen.moved++;
          if (!canaryEntry && s.p > 0) seen.added++;
          if (s.headerRule) assert.deepEqual(setup.list(file2.docs[0]!.value)[0], setup.list(file.docs[0]!.value)[0]);
        }),
        RUNS,
      );
      // The generator reaches every branch: steps beside other destinations, canaries added, refusals.
      for (const [what, count] of Object.entries(seen)) assert.ok(count >= 15, `${what}: only ${count} of ${RUNS.numRuns} runs`);
    });
  });
}
