/**
 * The PromQL of the scenarios, one function per question a user asks of the
 * data in series.ts; `app` is the scenario's label value.
 */
type Track = 'canary' | 'stable';

/** Percent of the canary's requests not answered 5xx over the last minute. */
export function successRate(app: string): string {
  return `sum(rate(http_requests_total{app="${app}",track="canary",code!~"5.."}[1m])) / sum(rate(http_requests_total{app="${app}",track="canary"}[1m])) * 100`;
}

/** The canary's requests over the last minute (for minRequests). */
export function requestCount(app: string): string {
  return `sum(increase(http_requests_total{app="${app}",track="canary"}[1m]))`;
}

/** The canary's requests per second and status code, NOT aggregated: one series per code. */
export function requestRateByCode(app: string): string {
  return `rate(http_requests_total{app="${app}",track="canary"}[1m])`;
}

/** p99 latency (ms) from the histogram, as the built-in request-duration check computes it. */
export function histogramP99(app: string, track: Track = 'canary'): string {
  return `histogram_quantile(0.99, sum by (le) (rate(request_duration_milliseconds_bucket{app="${app}",track="${track}"}[1m])))`;
}

/** Mean latency (ms) over the last minute: rate of the histogram's _sum over rate of its _count. */
export function meanLatency(app: string, track: Track): string {
  return `sum(rate(request_duration_milliseconds_sum{app="${app}",track="${track}"}[1m])) / sum(rate(request_duration_milliseconds_count{app="${app}",track="${track}"}[1m]))`;
}

/** The p99 latency gauge (ms) the application exports. */
export function gaugeP99(app: string, track: Track): string {
  return `max(request_latency_p99_ms{app="${app}",track="${track}"})`;
}

/** A constant gauge of series.ts constantGauge(). */
export function queueRatio(app: string, track: string): string {
  return `max(queue_ratio{app="${app}",track="${track}"})`;
}
