/**
 * What a scenario is, and the shared pieces scenarios are written with: the
 * common data shapes, the success-rate check, and assertions on ticks.
 */
import assert from 'node:assert/strict';
import type { Series } from '../../helpers/prometheus.ts';
import { successRate } from './queries.ts';
import type { Latency } from './series.ts';
import type { DecisionKind, Tick, TickCheck } from './world.ts';

/** Where the service's `metrics.prom.address` points. */
export type Source = 'prometheus' | 'down' | 'unauthorized';

/** An instant query against the suite's Prometheus at T0 + minute. */
export type Ask = (query: string, minute: number) => Promise<number>;

export interface Scenario {
  /** Test name and the `app` label value of its series. */
  id: string;
  /** What it shows, in the words of the issue. */
  label: string;
  source: Source;
  series: Series[];
  steps: number[];
  analysis: Record<string, unknown>;
  /** Minutes after T0 to tick at. */
  minutes: number[];
  expected: DecisionKind[];
  /** Patterns the reason of the tick at that index must match. */
  reasons?: Record<number, RegExp[]>;
  /** Scenario-specific assertions on the ticks seen. */
  verify?: (ticks: Tick[]) => void;
  /** Checks that the backfilled data is what the label claims, by asking Prometheus directly. */
  premise?: (ask: Ask) => Promise<void>;
}

export const HEALTHY_TRAFFIC = { rps: 20, errorRatio: 0.0005 };
/** p99 exactly 250 ms: 90% at or below 100 ms, 99% at or below 250 ms. */
export const FAST: Latency = { rps: 20, buckets: { 100: 0.9, 250: 0.99, 500: 1, 1000: 1, 2500: 1 }, meanMs: 60 };
/** p99 exactly 1750 ms: 98% at or below 1 s, all at or below 2.5 s. */
export const SLOW: Latency = { rps: 20, buckets: { 100: 0.5, 250: 0.7, 500: 0.9, 1000: 0.98, 2500: 1 }, meanMs: 400 };

/**
 * A pause reason that names the limit reached: its key (`inconclusiveLimit 5`)
 * or what it counts (`5 inconclusive judgments in a row`).
 */
export function limitReached(key: 'inconclusiveLimit' | 'errorLimit', n: number): RegExp {
  const counted = key === 'errorLimit' ? '(errored|error)' : 'inconclusive';
  return new RegExp(`${key}:? ${n}\\b|\\b${n} ${counted} judgments? in a row`, 'i');
}

export const successRateCheck = (app: string, extra: Record<string, unknown> = {}) => ({ name: 'success-rate', query: successRate(app), min: 99, ...extra });

export function checkAt(ticks: Tick[], i: number, check: string): TickCheck | undefined {
  return ticks[i]?.checks.find((c) => c.name === check);
}

/** The outcome of the named check at tick `i`. */
export function outcomeAt(ticks: Tick[], i: number, check: string): string | undefined {
  return checkAt(ticks, i, check)?.outcome;
}

/** The explanation a comparison must carry in `tick --json` (issue 11 "Explain every decision"). */
export function assertExplained(ticks: Tick[], i: number, check: string, expect: (c: TickCheck) => boolean): void {
  const c = checkAt(ticks, i, check);
  assert.ok(c && expect(c), `${check} at minute ${ticks[i]?.minute} explains its comparison: ${JSON.stringify(c)}`);
}

export function assertChecksAt(ticks: Tick[], indexes: number[], check: string, outcome: string): void {
  for (const i of indexes) {
    assert.equal(outcomeAt(ticks, i, check), outcome, `${check} at minute ${ticks[i]?.minute}: ${JSON.stringify(ticks[i]?.checks)}`);
  }
}

