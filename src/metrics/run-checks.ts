/**
 * Runs a service's checks against its metric source, all queries in parallel,
 * and judges each answer. The I/O half of an analysis; the judging itself is
 * pure (src/analysis/evaluate.ts).
 */
import { type Check, type CheckResult, judgeCheck, type Measurement } from '../analysis/evaluate.ts';
import { MetricsError, NoDataError } from '../errors.ts';
import { getMetricSource } from './index.ts';
import type { MetricSource, MetricSourceConfig, QueryContext } from './types.ts';

/**
 * One CheckResult per check, in the order of `checks`. NoDataError becomes
 * 'no-data', MetricsError 'error'; anything else (a bug) is rethrown.
 */
export async function runChecks(
  source: MetricSource,
  sourceConfig: MetricSourceConfig,
  checks: readonly Check[],
  time: Date,
): Promise<CheckResult[]> {
  const measurements = await Promise.all(
    checks.map((check) => measure(source, check.query, { source: sourceConfig, time })),
  );
  return checks.map((check, i) => judgeCheck(check, measurements[i]!));
}

/**
 * A service's `analysis` run against the named source of `metrics:` (config
 * validation guarantees the name exists): the checks of one judgment.
 */
export function runAnalysisChecks(
  metrics: Readonly<Record<string, MetricSourceConfig>>,
  analysis: { metrics: string; checks: readonly Check[] },
  time: Date,
): Promise<CheckResult[]> {
  const sourceConfig = metrics[analysis.metrics]!;
  return runChecks(getMetricSource(sourceConfig.type), sourceConfig, analysis.checks, time);
}

async function measure(
  source: MetricSource,
  query: string,
  ctx: QueryContext,
): Promise<Measurement> {
  try {
    return { value: await source.query(query, ctx) };
  } catch (e) {
    if (e instanceof NoDataError) return { noData: e.message };
    if (e instanceof MetricsError) return { error: e.message };
    throw e;
  }
}
