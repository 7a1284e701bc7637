import type { z } from 'zod';

/**
 * A configured metrics source (`metrics.<name>` in git-canary.yaml), env
 * already expanded, as its plug-in's schema parses it (`timeout` → `timeoutMs`).
 * Each plug-in narrows it to its own fields (PrometheusConfig, …); this is what
 * the engine passes around without knowing which source it is.
 */
export interface MetricSourceConfig {
  type: string;
  /** Per-query timeout; each source has its default. */
  timeoutMs?: number;
  [field: string]: unknown;
}

export interface QueryContext<C = MetricSourceConfig> {
  source: C;
  /** Evaluation time of the query (instant queries). */
  time: Date;
  /**
   * Aborted when the tick's `--deadline` passes: the source stops waiting and
   * throws a MetricsError (an error outcome: hold, never a decision).
   */
  signal?: AbortSignal;
}

/** A range query's window: samples at start, start + step, … up to end (both inclusive). */
export interface RangeQueryContext<C = MetricSourceConfig> extends QueryContext<C> {
  start: Date;
  end: Date;
  stepMs: number;
}

/**
 * A metrics backend. `query` returns exactly one finite number, or throws:
 * NoDataError for an empty result, NaN or ±Inf (inconclusive), MetricsError
 * for anything broken (unreachable, bad query, several series).
 * `queryRange` returns the finite samples of exactly one series over
 * [start, end] (non-finite samples dropped), with the same errors: NoDataError
 * when there is no series or no finite sample; a source without series
 * (a single number per query) throws a MetricsError saying so. `ctx.time` is ignored by it.
 */
export interface MetricSource<C = MetricSourceConfig> {
  type: string;
  /**
   * The `metrics.<name>` block of this source: a strict object whose `type` is
   * this source's literal and which has a `timeout` (a duration, parsed to ms).
   * The root config composes every source's schema into one discriminated union.
   */
  schema: z.ZodObject;
  /** Whether a check's query is PromQL (parsed at validate; built-in templates need it). */
  promql: boolean;
  /** For a source with a query syntax of its own: what is wrong with `q`, or undefined; checked at validate, at the query's key. */
  queryProblem?(q: string): string | undefined;
  query(q: string, ctx: QueryContext<C>): Promise<number>;
  queryRange(q: string, ctx: RangeQueryContext<C>): Promise<number[]>;
}
