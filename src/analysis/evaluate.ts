/**
 * Judging measured values against a service's checks (PRODUCT.md "Judgment",
 * "Hold"). Pure: measurements come in as data, no I/O, no clock.
 */
import { formatMeasured, formatNumber } from './format.ts';

import type { BaselineBound } from '../config/analysis-schema.ts';

/** How a check compares the canary with a reference (`baseline:` of a check, resolved). */
export interface BaselineCheck {
  /** Stable's query; undefined: the reference is the check's first value in the rollout. */
  query?: string;
  maxIncrease?: BaselineBound;
  maxDecrease?: BaselineBound;
  method: 'value' | 'mann-whitney';
  /** Confidence of the Mann-Whitney U test, e.g. 0.98. */
  confidence: number;
  /** Step between samples of the range queries (mann-whitney), ms. */
  resolutionMs: number;
}

/**
 * One check as it runs: `analysis.checks[]` and the expanded `analysis.templates[]`
 * (src/analysis/resolve.ts). Bounds are inclusive.
 */
export interface Check {
  name: string;
  query: string;
  min?: number;
  max?: number;
  /** One failed judgment of this check rolls back at once. */
  critical?: boolean;
  baseline?: BaselineCheck;
}

/** What a baseline comparison found, for commit bodies, notes, status and log. */
export interface Comparison {
  method: 'value' | 'mann-whitney';
  /** The reference: stable's value (its mean over the step for mann-whitney), or the check's first value in the rollout. */
  reference: number;
  /** Where the reference came from: stable's query, or the first value of the rollout. */
  from: 'baseline' | 'first-value';
  /** (canary − reference) / |reference|; null when the reference is 0. */
  change: number | null;
  /** mann-whitney: the two-sided p-value of the U test. */
  pValue?: number;
  /** mann-whitney: the effect size, canary mean / reference mean (Kayenta's mean ratio); null when the reference mean is 0. */
  effectSize?: number | null;
  /** mann-whitney: samples in each series. */
  samples?: { canary: number; baseline: number };
  /** The bounds as written, e.g. `maxIncrease 10%, maxDecrease 5%`. */
  bound: string;
}

/** What the metric source answered for one check. */
export type Measurement = { value: number } | { noData: string } | { error: string };

export type CheckOutcome = 'pass' | 'fail' | 'inconclusive' | 'no-data' | 'error';

export interface CheckResult {
  name: string;
  query: string;
  /** The measured number; null when there is none (no-data, error). Never NaN or ±Inf. */
  value: number | null;
  outcome: CheckOutcome;
  min?: number;
  max?: number;
  /** Why, in a few words: `98.2 is below min 99`, `query returned NaN`. One line, no ';'. */
  reason: string;
  /** A critical check: its failure rolls back at once. */
  critical?: boolean;
  /** Present when the check has a `baseline` and a reference was measured. */
  comparison?: Comparison;
}

export type JudgmentOutcome = 'pass' | 'fail' | 'inconclusive' | 'error';

export interface Judgment {
  outcome: JudgmentOutcome;
  checks: CheckResult[];
  /** One line for a commit body: `success-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass`. */
  summary: string;
  /** Names of the critical checks that failed: the judgment rolls back at once. Empty when none. */
  critical: string[];
  /** `analysis.minRequests`: the canary's requests and the floor; below it the judgment is inconclusive. */
  requests?: { value: number | null; min: number; outcome: CheckOutcome; reason: string };
}

/**
 * Judges one measurement. Bounds are inclusive (`min: 99` passes 99).
 * A non-finite value is no-data (never a pass, never 0). A check without
 * bounds, with non-finite bounds or with min > max is an error: it can never
 * pass silently (config validation should have refused it).
 */
export function judgeCheck(check: Check, measured: Measurement): CheckResult {
  const base = {
    name: check.name,
    query: check.query,
    ...(check.min === undefined ? {} : { min: check.min }),
    ...(check.max === undefined ? {} : { max: check.max }),
  };
  const { min, max } = check;
  const boundsProblem = checkBounds(min, max);
  if (boundsProblem) return { ...base, value: null, outcome: 'error', reason: boundsProblem };

  if ('error' in measured) return { ...base, value: null, outcome: 'error', reason: clean(measured.error) };
  if ('noData' in measured) return { ...base, value: null, outcome: 'no-data', reason: clean(measured.noData) };

  const { value } = measured;
  if (!Number.isFinite(value)) {
    return { ...base, value: null, outcome: 'no-data', reason: `query returned ${formatNumber(value)}` };
  }
  const shown = formatMeasured(value, [min, max]);
  if (min !== undefined && value < min) {
    return { ...base, value, outcome: 'fail', reason: `${shown} is below min ${min}` };
  }
  if (max !== undefined && value > max) {
    return { ...base, value, outcome: 'fail', reason: `${shown} is above max ${max}` };
  }
  return { ...base, value, outcome: 'pass', reason: `${shown} satisfies ${formatBounds(min, max)}` };
}

/**
 * Combines check results into one judgment:
 * any error → 'error'; else any no-data → 'inconclusive'; else any fail → 'fail'; else 'pass'.
 *
 * A failure is counted only when the judgment is complete: one failing check
 * next to a check without data is 'inconclusive', not 'fail'. A failed
 * judgment counts toward rollback, and a rollback should rest on every check
 * having been measured; the rollout neither advances nor reverts meanwhile.
 * No checks at all is 'pass' (nothing to hold the rollout on).
 */
export function judge(results: readonly CheckResult[]): Judgment {
  const has = (o: CheckOutcome) => results.some((r) => r.outcome === o);
  const outcome: JudgmentOutcome = has('error')
    ? 'error'
    : has('no-data')
      ? 'inconclusive'
      : has('fail')
        ? 'fail'
        : 'pass';
  return { outcome, checks: [...results], summary: summarize(results), critical: [] };
}

/**
 * `name value (bounds) outcome` per check, joined with '; '; the value is `-`
 * when there is none, and no-data/error add their reason in parentheses:
 * `success-rate - (min 99) no-data (query returned NaN)`. src/audit/checks.ts
 * parses this grammar back.
 */
export function summarize(results: readonly CheckResult[]): string {
  if (results.length === 0) return 'no checks';
  return results.map(summarizeCheck).join('; ');
}

function summarizeCheck(r: CheckResult): string {
  const bounds = r.min === undefined && r.max === undefined ? '' : ` (${formatBounds(r.min, r.max)})`;
  const value = r.value === null ? '-' : formatMeasured(r.value, [r.min, r.max]);
  const tail = r.outcome === 'no-data' || r.outcome === 'error' ? ` (${r.reason})` : '';
  return `${r.name} ${value}${bounds} ${r.outcome}${tail}`;
}

function formatBounds(min: number | undefined, max: number | undefined): string {
  const parts: string[] = [];
  if (min !== undefined) parts.push(`min ${min}`);
  if (max !== undefined) parts.push(`max ${max}`);
  return parts.join(', ');
}

function checkBounds(min: number | undefined, max: number | undefined): string | undefined {
  if (min === undefined && max === undefined) return 'check has neither min nor max';
  if (min !== undefined && !Number.isFinite(min)) return `min ${formatNumber(min)} is not a finite number`;
  if (max !== undefined && !Number.isFinite(max)) return `max ${formatNumber(max)} is not a finite number`;
  if (min !== undefined && max !== undefined && min > max) {
    return `min ${min} is greater than max ${max}`;
  }
  return undefined;
}

/** Reasons end up in one-line commit bodies joined by '; '. */
function clean(reason: string): string {
  const line = reason.replace(/\s+/g, ' ').replace(/;/g, ',').trim();
  return line === '' ? 'no reason given' : line;
}
