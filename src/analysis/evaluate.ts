/**
 * Judging measured values against a service's checks (PRODUCT.md "Judgment",
 * "Hold", "Analysis"): fixed bounds, baseline comparisons (src/analysis/compare.ts),
 * the minRequests floor, and the judgment of them all. Pure: measurements come
 * in as data, no I/O, no clock.
 */
import type { BaselineBound } from '../config/analysis-schema.ts';
import { compareSeries, compareValue, formatBaselineBounds } from './compare.ts';
import { formatMeasured, formatNumber } from './format.ts';
import { summarize } from './summary.ts';

export { summarize } from './summary.ts';

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

/** What the metric source answered for a range query: the finite samples of one series. */
export type SeriesMeasurement = { values: readonly number[] } | { noData: string } | { error: string };

/**
 * The reference of a `method: value` baseline: stable's query measured now, or
 * the check's first value in the rollout (`value` absent: this judgment is the
 * first, and its own value becomes the reference).
 */
export type ReferenceMeasurement = { from: 'baseline'; measured: Measurement } | { from: 'first-value'; value?: number };

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

type Part = { outcome: CheckOutcome; reason: string; comparison?: Comparison };

/**
 * Judges one check on one value, against its fixed bounds (min/max, inclusive:
 * `min: 99` passes 99) and, with a `method: value` baseline, against its
 * reference. A non-finite value is no-data (never a pass, never 0). A check
 * without min, max and baseline, with non-finite bounds or with min > max is an
 * error: it can never pass silently (config validation should have refused it).
 * With a baseline, the check fails when either the bounds or the comparison
 * fail; no-data or an error of the reference's query is the check's outcome.
 */
export function judgeCheck(check: Check, measured: Measurement, reference?: ReferenceMeasurement): CheckResult {
  const base = baseOf(check);
  const problem = checkProblem(check);
  if (problem) return { ...base, value: null, outcome: 'error', reason: problem };
  const value = read(measured);
  if (typeof value !== 'number') return { ...base, value: null, ...value };
  const fixed = judgeBounds(check, value);
  const b = check.baseline;
  if (!b) return { ...base, value, ...fixed! };
  if (b.method !== 'value') {
    return { ...base, value, outcome: 'error', reason: 'a mann-whitney baseline is judged on series (judgeSeriesCheck)' };
  }
  if (!reference) return { ...base, value, outcome: 'error', reason: 'the reference of the baseline was not measured' };

  let compared: Part;
  if (reference.from === 'first-value') {
    compared =
      reference.value === undefined
        ? {
            outcome: 'pass',
            comparison: { method: 'value', reference: value, from: 'first-value', change: 0, bound: formatBaselineBounds(b) },
            reason: `first value ${formatNumber(value)}, the reference of later judgments`,
          }
        : compareValue(value, reference.value, b, 'first-value');
  } else {
    const stable = read(reference.measured, 'baseline: ');
    compared = typeof stable === 'number' ? compareValue(value, stable, b, 'baseline') : stable;
  }
  return { ...base, value, ...combine(fixed, compared) };
}

/**
 * Judges a `method: mann-whitney` check on the two series of its step
 * (compareSeries). Its value is the canary's mean, and its fixed bounds, if
 * any, are held against that mean.
 */
export function judgeSeriesCheck(check: Check, canary: SeriesMeasurement, baseline: SeriesMeasurement): CheckResult {
  const base = baseOf(check);
  const problem = checkProblem(check);
  if (problem) return { ...base, value: null, outcome: 'error', reason: problem };
  const b = check.baseline;
  if (b?.method !== 'mann-whitney') {
    return { ...base, value: null, outcome: 'error', reason: 'only a mann-whitney baseline is judged on series' };
  }
  const values = readSeries(canary);
  if ('outcome' in values) return { ...base, value: null, ...values };
  const value = values.reduce((sum, v) => sum + v, 0) / values.length;
  const fixed = judgeBounds(check, value);
  const stable = readSeries(baseline, 'baseline: ');
  const compared = 'outcome' in stable ? stable : compareSeries(values, stable, b);
  return { ...base, value, ...combine(fixed, compared) };
}

/**
 * The `analysis.minRequests` floor on the canary's request count: below `min`
 * (or without a count) the judgment is inconclusive whatever the checks say.
 */
export function judgeRequests(min: number, measured: Measurement): NonNullable<Judgment['requests']> {
  const value = read(measured);
  if (typeof value !== 'number') return { value: null, min, ...value };
  const shown = formatMeasured(value, [min]);
  return value < min
    ? { value, min, outcome: 'inconclusive', reason: `${shown} requests, below minRequests ${min}` }
    : { value, min, outcome: 'pass', reason: `${shown} requests, at least minRequests ${min}` };
}

function baseOf(check: Check) {
  return {
    name: check.name,
    query: check.query,
    ...(check.min === undefined ? {} : { min: check.min }),
    ...(check.max === undefined ? {} : { max: check.max }),
    ...(check.critical ? { critical: true } : {}),
  };
}

type Missing = { outcome: 'error' | 'no-data'; reason: string };

/** The finite number measured, or why there is none (`prefix` names whose query it was). */
function read(m: Measurement, prefix = ''): number | Missing {
  if ('error' in m) return { outcome: 'error', reason: prefix + clean(m.error) };
  if ('noData' in m) return { outcome: 'no-data', reason: prefix + clean(m.noData) };
  if (!Number.isFinite(m.value)) return { outcome: 'no-data', reason: `${prefix}query returned ${formatNumber(m.value)}` };
  return m.value;
}

/**
 * The finite samples of a series, or why there are none. Non-finite samples
 * are dropped, as the metric source does; none left is no-data (a baseline
 * with too few samples is left to compareSeries, which says how many).
 */
function readSeries(m: SeriesMeasurement, prefix = ''): readonly number[] | Missing {
  if ('error' in m) return { outcome: 'error', reason: prefix + clean(m.error) };
  if ('noData' in m) return { outcome: 'no-data', reason: prefix + clean(m.noData) };
  const values = m.values.filter((v) => Number.isFinite(v));
  if (values.length === 0 && prefix === '') return { outcome: 'no-data', reason: 'query returned no finite samples' };
  return values;
}

function judgeBounds(check: Check, value: number): Part | undefined {
  const { min, max } = check;
  if (min === undefined && max === undefined) return undefined;
  const shown = formatMeasured(value, [min, max]);
  if (min !== undefined && value < min) return { outcome: 'fail', reason: `${shown} is below min ${min}` };
  if (max !== undefined && value > max) return { outcome: 'fail', reason: `${shown} is above max ${max}` };
  return { outcome: 'pass', reason: `${shown} satisfies ${formatBounds(min, max)}` };
}

/**
 * Fixed bounds and a comparison as one outcome: no-data or an error of the
 * comparison's query wins (the check is not completely measured), then a
 * failure of either, then an inconclusive comparison.
 */
function combine(fixed: Part | undefined, compared: Part): Omit<Part, 'comparison'> & { comparison?: Comparison } {
  const comparison = compared.comparison ? { comparison: compared.comparison } : {};
  if (!fixed || compared.outcome === 'error' || compared.outcome === 'no-data') {
    return { outcome: compared.outcome, reason: compared.reason, ...comparison };
  }
  const parts = [fixed, compared];
  const failed = parts.filter((p) => p.outcome === 'fail');
  if (failed.length > 0) return { outcome: 'fail', reason: failed.map((p) => p.reason).join(', '), ...comparison };
  const outcome = compared.outcome === 'inconclusive' ? 'inconclusive' : 'pass';
  return { outcome, reason: parts.map((p) => p.reason).join(', '), ...comparison };
}

/**
 * Combines check results, and the minRequests floor, into one judgment:
 *
 * 1. requests below the floor (or not measured) → 'inconclusive' (too little
 *    traffic to judge, critical checks included); 'error' if its query errored;
 * 2. else any critical check that failed → 'fail', `critical` naming them: a
 *    measured critical failure stands on its own, whatever the other checks say;
 * 3. else any error → 'error';
 * 4. else any no-data or inconclusive → 'inconclusive';
 * 5. else any fail → 'fail'; else 'pass'.
 *
 * Otherwise a failure is counted only when the judgment is complete: one
 * failing check next to a check without data is 'inconclusive', not 'fail'.
 * A failed judgment counts toward rollback, and a rollback should rest on
 * every check having been measured; the rollout neither advances nor reverts
 * meanwhile. No checks at all is 'pass' (nothing to hold the rollout on).
 */
export function judge(results: readonly CheckResult[], requests?: Judgment['requests']): Judgment {
  const has = (o: CheckOutcome) => results.some((r) => r.outcome === o);
  const critical = results.filter((r) => r.critical && r.outcome === 'fail').map((r) => r.name);
  const floor = requests && requests.outcome !== 'pass' ? (requests.outcome === 'error' ? 'error' : 'inconclusive') : undefined;
  const outcome: JudgmentOutcome =
    floor ??
    (critical.length > 0
      ? 'fail'
      : has('error')
        ? 'error'
        : has('no-data') || has('inconclusive')
          ? 'inconclusive'
          : has('fail')
            ? 'fail'
            : 'pass');
  return {
    outcome,
    checks: [...results],
    summary: summarize(results, requests),
    critical: floor ? [] : critical,
    ...(requests ? { requests: { ...requests } } : {}),
  };
}

function formatBounds(min: number | undefined, max: number | undefined): string {
  const parts: string[] = [];
  if (min !== undefined) parts.push(`min ${min}`);
  if (max !== undefined) parts.push(`max ${max}`);
  return parts.join(', ');
}

function checkProblem(check: Check): string | undefined {
  const { min, max } = check;
  if (min === undefined && max === undefined && !check.baseline) return 'check has neither min, max nor baseline';
  if (min !== undefined && !Number.isFinite(min)) return `min ${formatNumber(min)} is not a finite number`;
  if (max !== undefined && !Number.isFinite(max)) return `max ${formatNumber(max)} is not a finite number`;
  if (min !== undefined && max !== undefined && min > max) {
    return `min ${min} is greater than max ${max}`;
  }
  const b = check.baseline;
  if (b && !b.maxIncrease && !b.maxDecrease) return 'baseline has neither maxIncrease nor maxDecrease';
  if (b?.method === 'mann-whitney' && b.query === undefined) return 'a mann-whitney baseline needs baseline.query';
  return undefined;
}

/** Reasons end up in one-line commit bodies joined by '; '. */
function clean(reason: string): string {
  const line = reason.replace(/\s+/g, ' ').replace(/;/g, ',').trim();
  return line === '' ? 'no reason given' : line;
}
