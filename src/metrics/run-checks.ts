/**
 * Runs a service's analysis against its metric source, all queries in
 * parallel, and judges the answers. The I/O half of an analysis; the judging
 * itself is pure (src/analysis/evaluate.ts, src/analysis/compare.ts).
 *
 * Per check: its query at `time`; with a `method: value` baseline also
 * baseline.query at `time` (or, without one, the check's first value in the
 * rollout from `references`); with `method: mann-whitney` range queries of both
 * over [windowStart, time] at the baseline's resolution instead. The
 * minRequests query is measured at `time`.
 */
import {
  type Check,
  type CheckResult,
  judge,
  judgeCheck,
  judgeRequests,
  judgeSeriesCheck,
  type Judgment,
  type Measurement,
  type ReferenceMeasurement,
  type SeriesMeasurement,
} from '../analysis/evaluate.ts';
import type { ResolvedAnalysis } from '../analysis/resolve.ts';
import { ConfigError, MetricsError, NoDataError } from '../errors.ts';
import { getMetricSource } from './index.ts';
import type { MetricSource, MetricSourceConfig } from './types.ts';

export interface AnalysisContext {
  /** Judgment time: instant queries are evaluated here, range queries end here. */
  time: Date;
  /** Start of the step's window (range queries of mann-whitney checks). */
  windowStart: Date;
  /** Each check's first value in the rollout, by check name (baselines without a query). */
  references: Readonly<Record<string, number>>;
  /** The tick's deadline: queries still open when it fires are errors (a hold). */
  signal?: AbortSignal;
}

/** `validate` has no step: mann-whitney checks are tried over the last 10 minutes. */
export const VALIDATE_WINDOW_MS = 10 * 60 * 1000;

/**
 * One judgment of a service's `analysis`: every check and the minRequests
 * floor, queried in parallel against the named source of `metrics:`.
 * NoDataError becomes 'no-data', MetricsError 'error'; anything else (a bug)
 * is rethrown.
 */
export async function runAnalysis(
  metrics: Readonly<Record<string, MetricSourceConfig>>,
  analysis: ResolvedAnalysis,
  ctx: AnalysisContext,
): Promise<Judgment> {
  const sourceConfig = sourceOf(metrics, analysis.metrics);
  return runAnalysisWith(getMetricSource(sourceConfig.type), sourceConfig, analysis, ctx);
}

/** runAnalysis against a given source (tests pass a fake one). */
export async function runAnalysisWith<C>(
  source: MetricSource<C>,
  sourceConfig: C,
  analysis: Pick<ResolvedAnalysis, 'checks' | 'minRequests'>,
  ctx: AnalysisContext,
): Promise<Judgment> {
  const floor = analysis.minRequests;
  const [results, requests] = await Promise.all([
    runCheckList(source, sourceConfig, analysis.checks, ctx),
    floor ? measure(() => source.query(floor.query, queryContext(sourceConfig, ctx)), ctx.signal) : undefined,
  ]);
  return judge(results, floor && requests ? judgeRequests(floor.min, requests) : undefined);
}

/**
 * One CheckResult per check, in the order of `checks`, at `time`, without
 * first values (a baseline without a query takes this value as its reference)
 * and with mann-whitney checks over the last VALIDATE_WINDOW_MS. For
 * `validate` and for callers that judge checks alone.
 */
export function runChecks<C>(
  source: MetricSource<C>,
  sourceConfig: C,
  checks: readonly Check[],
  time: Date,
  signal?: AbortSignal,
): Promise<CheckResult[]> {
  const windowStart = new Date(time.getTime() - VALIDATE_WINDOW_MS);
  return runCheckList(source, sourceConfig, checks, { time, windowStart, references: {}, ...(signal ? { signal } : {}) });
}

/**
 * A service's `analysis` checks run against the named source of `metrics:`
 * (config validation guarantees the name exists), as runChecks does.
 */
export function runAnalysisChecks(
  metrics: Readonly<Record<string, MetricSourceConfig>>,
  analysis: { metrics: string; checks: readonly Check[] },
  time: Date,
  signal?: AbortSignal,
): Promise<CheckResult[]> {
  const sourceConfig = sourceOf(metrics, analysis.metrics);
  return runChecks(getMetricSource(sourceConfig.type), sourceConfig, analysis.checks, time, signal);
}

function sourceOf(metrics: Readonly<Record<string, MetricSourceConfig>>, name: string): MetricSourceConfig {
  const config = Object.hasOwn(metrics, name) ? metrics[name] : undefined;
  if (!config) {
    throw new ConfigError(`analysis.metrics names "${name}", which is not a metrics source`, {
      hint: `define metrics.${name} or use one of: ${Object.keys(metrics).join(', ') || '(none)'}`,
      data: { metrics: name },
    });
  }
  return config;
}

function runCheckList<C>(
  source: MetricSource<C>,
  sourceConfig: C,
  checks: readonly Check[],
  ctx: AnalysisContext,
): Promise<CheckResult[]> {
  assertWindow(ctx);
  return Promise.all(checks.map((check) => runCheck(source, sourceConfig, check, ctx)));
}

async function runCheck<C>(source: MetricSource<C>, sourceConfig: C, check: Check, ctx: AnalysisContext): Promise<CheckResult> {
  const instant = (q: string) => measure(() => source.query(q, queryContext(sourceConfig, ctx)), ctx.signal);
  const b = check.baseline;
  if (b?.method === 'mann-whitney' && b.query !== undefined) {
    const range = { ...queryContext(sourceConfig, ctx), start: ctx.windowStart, end: ctx.time, stepMs: b.resolutionMs };
    const series = (q: string) => measureSeries(() => source.queryRange(q, range), ctx.signal);
    const [canary, baseline] = await Promise.all([series(check.query), series(b.query)]);
    return judgeSeriesCheck(check, canary, baseline);
  }
  if (b?.method === 'value' && b.query !== undefined) {
    const [canary, measured] = await Promise.all([instant(check.query), instant(b.query)]);
    return judgeCheck(check, canary, { from: 'baseline', measured });
  }
  const canary = await instant(check.query);
  if (!b) return judgeCheck(check, canary);
  const first = Object.hasOwn(ctx.references, check.name) ? ctx.references[check.name] : undefined;
  const reference: ReferenceMeasurement = first === undefined ? { from: 'first-value' } : { from: 'first-value', value: first };
  return judgeCheck(check, canary, reference);
}

function queryContext<C>(source: C, ctx: AnalysisContext) {
  return { source, time: ctx.time, ...(ctx.signal ? { signal: ctx.signal } : {}) };
}

/** A window that ends before it starts is a bug of the caller, never a hold. */
function assertWindow(ctx: AnalysisContext): void {
  const start = ctx.windowStart.getTime();
  const end = ctx.time.getTime();
  if (!Number.isFinite(start) || !Number.isFinite(end) || start > end) {
    throw new RangeError(`analysis window must start before it ends, got ${ctx.windowStart} .. ${ctx.time}`);
  }
}

const ABORTED = 'the tick deadline was reached before the metrics source answered';

/**
 * The query, given the signal (the source aborts its request), and never
 * waited for past the signal: a source that ignores it still gives way at once
 * (an error measurement, so a hold, never a decision).
 */
function bounded<T>(run: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return run();
  if (signal.aborted) return Promise.reject(new MetricsError(ABORTED));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new MetricsError(ABORTED));
    signal.addEventListener('abort', onAbort, { once: true });
    run().then(
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

async function measure(run: () => Promise<number>, signal: AbortSignal | undefined): Promise<Measurement> {
  try {
    return { value: await bounded(run, signal) };
  } catch (e) {
    return failed(e);
  }
}

async function measureSeries(run: () => Promise<number[]>, signal: AbortSignal | undefined): Promise<SeriesMeasurement> {
  try {
    return { values: await bounded(run, signal) };
  } catch (e) {
    return failed(e);
  }
}

function failed(e: unknown): { noData: string } | { error: string } {
  if (e instanceof NoDataError) return { noData: e.message };
  if (e instanceof MetricsError) return { error: e.message };
  throw e;
}
