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
  signal?: AbortSignal,
): Promise<CheckResult[]> {
  const measurements = await Promise.all(
    checks.map((check) => measure(source, check.query, { source: sourceConfig, time, ...(signal ? { signal } : {}) })),
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
  signal?: AbortSignal,
): Promise<CheckResult[]> {
  const sourceConfig = metrics[analysis.metrics]!;
  return runChecks(getMetricSource(sourceConfig.type), sourceConfig, analysis.checks, time, signal);
}

const ABORTED = 'the tick deadline was reached before the metrics source answered';

/**
 * The query, given `ctx.signal` (the source aborts its request), and never
 * waited for past the signal: a source that ignores it still gives way at once
 * (an error measurement, so a hold, never a decision).
 */
function bounded(source: MetricSource, query: string, ctx: QueryContext): Promise<number> {
  const { signal } = ctx;
  if (!signal) return source.query(query, ctx);
  if (signal.aborted) return Promise.reject(new MetricsError(ABORTED));
  return new Promise<number>((resolve, reject) => {
    const onAbort = () => reject(new MetricsError(ABORTED));
    signal.addEventListener('abort', onAbort, { once: true });
    source.query(query, ctx).then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

async function measure(
  source: MetricSource,
  query: string,
  ctx: QueryContext,
): Promise<Measurement> {
  try {
    return { value: await bounded(source, query, ctx) };
  } catch (e) {
    if (e instanceof NoDataError) return { noData: e.message };
    if (e instanceof MetricsError) return { error: e.message };
    throw e;
  }
}
