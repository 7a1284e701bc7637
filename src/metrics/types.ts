/** A configured metrics source (`metrics.<name>` in git-canary.yaml), env already expanded. */
export interface MetricSourceConfig {
  type: string;
  address: string;
  headers?: Record<string, string>;
  /** Per-query timeout; default 10s. */
  timeoutMs?: number;
}

export interface QueryContext {
  source: MetricSourceConfig;
  /** Evaluation time of the query (instant queries). */
  time: Date;
  /**
   * Aborted when the tick's `--deadline` passes: the source stops waiting and
   * throws a MetricsError (an error outcome: hold, never a decision).
   */
  signal?: AbortSignal;
}

/** A range query's window: samples at start, start + step, … up to end (both inclusive). */
export interface RangeQueryContext extends QueryContext {
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
 * when there is no series or no finite sample. `ctx.time` is ignored by it.
 */
export interface MetricSource {
  type: string;
  query(q: string, ctx: QueryContext): Promise<number>;
  queryRange(q: string, ctx: RangeQueryContext): Promise<number[]>;
}
