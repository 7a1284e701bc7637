/**
 * One scenario's world: a manifests repository with one Istio service
 * (`checkout`: VirtualService, canary Deployment, release Deployment), its
 * `analysis:` as the scenario writes it, a candidate commit that starts a
 * rollout, and the real CLI's `tick --json` run at a pinned clock once per
 * tick minute. Reads only what the CLI printed and what git shows.
 */
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { jsonOf } from '../../helpers/cli.ts';
import { CHECKOUT_VS, deployment, release } from '../../helpers/scenario.ts';
import { at, openWorld, trailers, type World, weights } from '../../e2e/support.ts';

export const SERVICE = 'checkout';
export const ROUTE_FILE = 'apps/checkout/virtualservice.yaml';

/** A decision of `tick --json` (PRODUCT.md; `error` is a service that could not be ticked). */
export type DecisionKind = 'start' | 'step' | 'promote' | 'rollback' | 'hold' | 'pause' | 'none' | 'error';

/** A check of `tick --json`: what PRODUCT.md promises, and the explanation fields issue 11 adds. */
export interface TickCheck {
  name: string;
  value: number | null;
  outcome: string;
  /** The baseline's reference value, and where it came from (`baseline` or `first-value`). */
  reference?: number;
  from?: string;
  /** mann-whitney: the U test's two-sided p-value and the mean ratio canary/baseline. */
  pValue?: number;
  effectSize?: number | null;
}

/** The part of one `tick --json` service entry the suite reads; parsed loosely so new fields never break it. */
export interface Tick {
  minute: number;
  decision: DecisionKind;
  reason: string;
  weight: number | null;
  commit: string | null;
  files: string[];
  checks: TickCheck[];
  /** The CLI's exit code, stdout and stderr, for failure messages. */
  raw: { code: number | null; stdout: string; stderr: string };
}

export interface WorldConfig {
  /** The `metrics.prom.address` written into git-canary.yaml. */
  address: string;
  steps: number[];
  /** `services.checkout.analysis` as written by a user (plain data, rendered as YAML). */
  analysis: Record<string, unknown>;
}

/** git-canary.yaml of the one-service repository. */
export function configYaml(c: WorldConfig): string {
  const config = {
    version: 1,
    metrics: { prom: { type: 'prometheus', address: c.address } },
    services: {
      [SERVICE]: {
        files: ['apps/checkout/deployment.yaml'],
        canary: { file: 'apps/checkout/deployment-canary.yaml' },
        route: { type: 'istio', file: ROUTE_FILE, stable: 'checkout-stable', canary: 'checkout-canary' },
        steps: c.steps,
        interval: '1m',
        analysis: { metrics: 'prom', ...c.analysis },
      },
    },
  };
  return stringify(config, { lineWidth: 0 });
}

export interface ScenarioWorld {
  world: World;
  /** `tick --json --service checkout` at T0 + minute; never throws on the decision, only on unreadable output. */
  tick(minute: number): Promise<Tick>;
  close(): Promise<void>;
}

/** A bare repository whose candidate branch holds a new release, so the first tick starts a rollout. */
export async function openScenarioWorld(c: WorldConfig): Promise<ScenarioWorld> {
  const world = await openWorld('bare', {
    production: {
      'git-canary.yaml': configYaml(c),
      'apps/checkout/deployment.yaml': deployment('checkout', 'registry.example.com/checkout:1.0.0', 'stable'),
      'apps/checkout/deployment-canary.yaml': deployment('checkout', 'registry.example.com/checkout:1.0.0', 'canary'),
      [ROUTE_FILE]: CHECKOUT_VS,
    },
  });
  world.commit('candidate', release('checkout', 'registry.example.com/checkout:1.1.0'), { from: 'production' });
  return {
    world,
    async tick(minute) {
      const result = await world.cli(['tick', '--json', '--service', SERVICE], { at: at(minute) });
      const raw = { code: result.code, stdout: result.stdout, stderr: result.stderr };
      const json = jsonOf<{ services?: Partial<Tick>[] }>(result);
      const entry = json.services?.find((s) => (s as { service?: string }).service === SERVICE);
      assert.ok(entry, `tick at minute ${minute} printed no ${SERVICE}: ${result.stdout}\n${result.stderr}`);
      return {
        minute,
        decision: entry.decision as DecisionKind,
        reason: String(entry.reason ?? ''),
        weight: entry.weight ?? null,
        commit: entry.commit ?? null,
        files: entry.files ?? [],
        checks: entry.checks ?? [],
        raw,
      };
    },
    close: () => world.close(),
  };
}

/** Canary weight of the route on production (the `checkout-canary` destination of the primary rule). */
export function canaryWeight(w: World): number | undefined {
  return weights(w.show('production', ROUTE_FILE))[1];
}

/** The `Canary-Phase` trailer of a commit. */
export function phaseOf(w: World, commit: string): string | undefined {
  return trailers(w, commit)
    .find((t) => t.startsWith('Canary-Phase:'))
    ?.slice('Canary-Phase:'.length)
    .trim();
}
