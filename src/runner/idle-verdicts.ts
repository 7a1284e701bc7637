/**
 * Idle verdicts: what a tick found for a service that is idle with nothing to
 * do (decision `none`: candidate equals production, no candidate branch, a
 * rolled-back or reverted release still on candidate), remembered by every
 * input it was reached from. The next tick that meets the same inputs says the
 * same without reading the service's files or history again: a no-op tick over
 * 200 idle services decides from the cache (issue 13, "do nothing when nothing
 * changed").
 *
 * Why a remembered verdict is the one observe → decide would reach again:
 * - for an idle rollout, decide() reads no clock, no metrics, no GitHub and no
 *   cluster (engine/decide.ts: its idle rules use observations alone);
 * - those observations (runner/observe.ts) are read from the production,
 *   candidate and notes commits, and a commit id names one tree and one
 *   history forever; from the service's files, documents, canary and route
 *   as configured (after ${ENV}); from the branch names; and from the author
 *   whose commits are records (findRecord);
 * - all of those are the key, and the code that decided is too: in memory it
 *   is this process, on disk the kept memo's file is per build (memo.ts),
 *   where an entry is a SHA-256 of its key and the verdict's reason (and a
 *   key that holds a value from ${ENV} is never written, not even as a digest).
 * Only that one outcome is kept. A start commits, every other phase reads the
 * clock, errors are never kept, and a tick whose deadline passed holds.
 */
import { isDeepStrictEqual } from 'node:util';
import type { BranchesConfig } from '../config/index.ts';
import type { PlanService } from '../engine/plan.ts';
import type { Identity } from '../git/types.ts';
import { TextMemo } from '../memo.ts';
import type { ServiceTickResult } from './tick-service.ts';

/** Everything an idle service's verdict is a function of (besides the code): what observeService is given. */
export interface IdleVerdictInputs {
  service: string;
  /** The service's files, documents, canary and route as observe reads them (planService: no analysis, no credentials). */
  plan: PlanService;
  branches: BranchesConfig;
  author: Identity;
  tips: { production: string; candidate: string | undefined; notes: string | undefined };
}

/** Verdicts kept on disk too (their keys hold no value expanded from ${ENV}), and those kept in memory only. */
const kept = new TextMemo<string>(4096, 'idle-verdicts');
const inMemory = new TextMemo<string>(4096);

/**
 * The key of `inputs`: their JSON, or undefined when some value has no exact
 * JSON (then nothing is remembered: two different configs must never share a key).
 */
export function idleVerdictKey(inputs: IdleVerdictInputs): string | undefined {
  const { tips } = inputs;
  // A revision route's (Knative's) release views are functions of its route (releaseViews), which
  // the key holds: derived, not configured, and no JSON. Every other part of the plan is data.
  const { views: _derived, ...plan } = inputs.plan;
  // An absent branch is null, never a dropped key: it must not read as some other layout.
  const key = { ...inputs, plan, tips: { production: tips.production, candidate: tips.candidate ?? null, notes: tips.notes ?? null } };
  try {
    return JSON.stringify(key, function exact(this: unknown, name: string, given: unknown) {
      // The value as it is, before toJSON (a Date arrives here as a string).
      const value = name === '' ? given : (this as Record<string, unknown>)[name];
      if (value === undefined && Array.isArray(this)) throw new NotExact();
      if (typeof value === 'number' && !Number.isFinite(value)) throw new NotExact();
      if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') throw new NotExact();
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
        throw new NotExact(); // a Date, RegExp, Map…: JSON would flatten it
      }
      return given;
    });
  } catch (e) {
    if (e instanceof NotExact) return undefined;
    throw e;
  }
}

class NotExact extends Error {}

/** The tick result of an idle service with nothing to do, for `reason`: exactly what commitDecision returns for it. */
export function idleResult(service: string, reason: string): ServiceTickResult {
  return { service, decision: 'none', weight: null, step: null, commit: null, reason, checks: [], files: [], unexercised: [], rollout: null, phase: 'idle' };
}

/** The verdict remembered for `key`, as a tick result; undefined when none is. */
export function knownIdleVerdict(key: string, service: string): ServiceTickResult | undefined {
  const known = inMemory.known(key);
  const found = known.found ? known : kept.known(key);
  return found.found ? idleResult(service, found.value) : undefined;
}

/**
 * Remember `result` for `key` when it is an idle service's `none` (anything
 * else is never kept). `expanded`: the run's values from ${ENV} (and its
 * credentials: the session's secrets). The verdict is kept on disk only when
 * its key holds none of them, so no digest of an expanded value is ever written
 * (README: the cache); in memory otherwise, and when they are not known.
 */
export function rememberIdleVerdict(key: string, result: ServiceTickResult, expanded: readonly string[] | undefined): void {
  if (!isDeepStrictEqual(result, idleResult(result.service, result.reason))) return;
  const plain = expanded !== undefined && !expanded.some((v) => key.includes(JSON.stringify(v).slice(1, -1)));
  (plain ? kept : inMemory).remember(key, result.reason);
}
