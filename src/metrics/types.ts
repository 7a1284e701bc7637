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

/**
 * A metrics backend. `query` returns exactly one finite number, or throws:
 * NoDataError for an empty result, NaN or ±Inf (inconclusive), MetricsError
 * for anything broken (unreachable, bad query, several series).
 */
export interface MetricSource {
  type: string;
  query(q: string, ctx: QueryContext): Promise<number>;
}
