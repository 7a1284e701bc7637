/**
 * A service's `analysis` as it runs: written checks and (expanded) built-in
 * templates as one list of runtime Checks, and the minRequests floor with its
 * query. Pure: the caller passes production's files (a template's defaults
 * come from the route and the canary workload).
 */
import type { AnalysisConfig, CheckConfig } from '../config/analysis-schema.ts';
import type { BaselineCheck, Check } from './evaluate.ts';

export interface ResolvedAnalysis {
  /** The metrics source (a key of top-level `metrics`). */
  metrics: string;
  checks: Check[];
  /** `analysis.minRequests` with its query (written, or the built-in request count). */
  minRequests?: { query: string; min: number };
}

/** The runtime form of a check's `baseline` (durations in ms). */
export function baselineCheck(b: NonNullable<CheckConfig['baseline']>): BaselineCheck {
  return {
    ...(b.query !== undefined ? { query: b.query } : {}),
    ...(b.maxIncrease !== undefined ? { maxIncrease: b.maxIncrease } : {}),
    ...(b.maxDecrease !== undefined ? { maxDecrease: b.maxDecrease } : {}),
    method: b.method,
    confidence: b.confidence,
    resolutionMs: b.resolution,
  };
}

/** One written check as it runs. */
export function writtenCheck(c: CheckConfig): Check {
  return {
    name: c.name,
    query: c.query,
    ...(c.min !== undefined ? { min: c.min } : {}),
    ...(c.max !== undefined ? { max: c.max } : {}),
    ...(c.critical ? { critical: true } : {}),
    ...(c.baseline ? { baseline: baselineCheck(c.baseline) } : {}),
  };
}

/** The checks a service's analysis runs, in order: `checks`, then `templates`. */
export function resolveAnalysis(analysis: AnalysisConfig): ResolvedAnalysis {
  if (analysis.templates.length > 0) {
    throw new Error('analysis.templates are not expanded yet'); // replaced by src/analysis/templates.ts
  }
  return {
    metrics: analysis.metrics,
    checks: analysis.checks.map(writtenCheck),
    ...(analysis.minRequests?.query !== undefined ? { minRequests: { query: analysis.minRequests.query, min: analysis.minRequests.min } } : {}),
  };
}
