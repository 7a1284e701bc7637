/**
 * Model-based properties for weight-splitting routers whose data plane counts
 * weights in its own way (Traefik: absent is 1, 0 drops; Contour: absent is
 * 0, all zero splits evenly; SMI: absent is 0). For random rules of a stable,
 * maybe a canary and other destinations with weights absent, 0 or positive:
 * - `read` either reports the percents the data plane routes (computed by the
 *   API's model from the weights as written), or refuses for a reason the
 *   model names (a refusal is an error, never a guess);
 * - for any percent `plan` accepts, the data plane then sends exactly that
 *   percent to the canary and every other destination keeps its exact share.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RouterError } from '../../src/errors.ts';
import { applyEdits } from '../../src/manifests/index.ts';
import type { Router, SplitRoute, Weights } from '../../src/routers/types.ts';
import { parse } from './helpers.ts';

export type Role = 'stable' | 'canary' | 'other';
/** A destination of the rule: its role, name and weight as written (`undefined`: no weight field). */
export interface ModelEntry {
  role: Role;
  name: string;
  weight: number | undefined;
}

export interface SplitModel {
  /** The route file of a rule of `entries`. */
  render(entries: ModelEntry[]): string;
  /** The entries' weights as written in a parsed document (by entry order), after a plan. */
  weightsIn(doc: unknown): { name: string; weight: number | undefined }[];
  /** The share each entry gets, as the data plane counts the written weights. */
  effective(weights: (number | undefined)[]): number[];
  /** What the router's refusal of this rule must say, or undefined when it must read it. */
  refusal(entries: ModelEntry[]): RegExp | undefined;
}

export const ROUTE_NAMES = { stable: 'app-stable', canary: 'app-canary' } as const;

const weightArb = fc.oneof(fc.constant(undefined), fc.constant(0), fc.integer({ min: 1, max: 30 }));

const rulesArb = fc
  .record({ canary: fc.boolean(), others: fc.integer({ min: 0, max: 2 }), weights: fc.array(weightArb, { minLength: 4, maxLength: 4 }), order: fc.nat() })
  .map(({ canary, others, weights, order }) => {
    const roles: Role[] = ['stable', ...(canary ? (['canary'] as Role[]) : []), ...Array<Role>(others).fill('other')];
    const entries = roles.map((role, i): ModelEntry => ({ role, name: role === 'other' ? `app-other-${i}` : ROUTE_NAMES[role], weight: weights[i] }));
    // Rotate so the stable is not always first.
    const k = order % entries.length;
    return [...entries.slice(k), ...entries.slice(0, k)];
  });

/** What readManaged reports for effective weights: canary rounded, stable the rest of their joint share. */
function expectedRead(entries: ModelEntry[], eff: number[]): Weights {
  const total = eff.reduce((a, b) => a + b, 0);
  const at = (role: Role) => eff[entries.findIndex((e) => e.role === role)] ?? 0;
  const s = at('stable');
  const c = at('canary');
  const canary = Math.round((c * 100) / total);
  const share = s + c === total ? 100 : Math.round(((s + c) * 100) / total);
  return { stable: share - canary, canary };
}

const REFUSED_STEP = /not a whole weight|more than/;

/** Runs both properties for `router` over `model`. */
export function checkModel(router: Router<SplitRoute>, model: SplitModel, route: SplitRoute, runs = 300): void {
  fc.assert(
    fc.property(rulesArb, fc.integer({ min: 0, max: 100 }), (entries, p) => {
      const text = model.render(entries);
      const file = parse(route.file, text);
      const why = model.refusal(entries);
      const ctx = `${JSON.stringify(entries)}`;
      let read: Weights;
      try {
        read = router.read(file, route);
      } catch (e) {
        assert.ok(e instanceof RouterError, String(e));
        assert.ok(why !== undefined, `${ctx}: refused (${e.message}) though the model reads it`);
        assert.match(e.message, why, ctx);
        return;
      }
      assert.equal(why, undefined, `${ctx}: read ${JSON.stringify(read)} though the model refuses (${String(why)})`);
      const before = model.effective(entries.map((e) => e.weight));
      assert.deepEqual(read, expectedRead(entries, before), ctx);

      let edits: ReturnType<typeof router.plan>;
      try {
        edits = router.plan(file, route, p);
      } catch (e) {
        assert.ok(e instanceof RouterError && REFUSED_STEP.test(e.message), `${ctx} ${p}%: ${String(e)}`);
        return;
      }
      const after = parse(route.file, applyEdits(file, edits));
      const written = model.weightsIn(after.docs[0]!.value);
      const eff = model.effective(written.map((w) => w.weight));
      const total = eff.reduce((a, b) => a + b, 0);
      const totalBefore = before.reduce((a, b) => a + b, 0);
      const canary = written.findIndex((w) => w.name === ROUTE_NAMES.canary);
      assert.equal((canary < 0 ? 0 : eff[canary]!) * 100, p * total, `${ctx} ${p}%: the canary's share is not ${p}%`);
      for (const [i, e] of entries.entries()) {
        if (e.role !== 'other') continue;
        const j = written.findIndex((w) => w.name === e.name);
        assert.equal(written[j]!.weight, e.weight, `${ctx} ${p}%: ${e.name}'s weight was rewritten`);
        assert.equal(eff[j]! * totalBefore, before[i]! * total, `${ctx} ${p}%: ${e.name}'s share moved`);
      }
    }),
    { numRuns: runs, seed: 0x5eed },
  );
}
