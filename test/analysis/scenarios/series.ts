/**
 * Data builders of the scenario suite: traffic counters, latency histograms and
 * noisy gauges, all on one fixed timeline from T0, as OpenMetrics series for
 * test/helpers/prometheus.ts. Noise comes from a seeded PRNG, so every run
 * backfills the same numbers and every decision is reproducible.
 */
import type { Labels, Series } from '../../helpers/prometheus.ts';
import { T0 } from '../../helpers/scenario.ts';

/** Every series covers T0 … T0 + 20 minutes; scenarios tick inside it. */
export const WINDOW_MINUTES = 20;
/** Step of counters and histograms: rate(x[1m]) then sees 5 evenly spaced samples. */
export const COUNTER_STEP_SECONDS = 15;
/** Step of gauges compared with Mann-Whitney: one fresh sample per 5s resolution step. */
export const GAUGE_STEP_SECONDS = 5;

/** mulberry32: a tiny seeded PRNG with values in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 1 + a uniform draw in [-spread, +spread): multiplicative noise around 1. */
export function noiseFactor(random: () => number, spread: number): number {
  return 1 + spread * (2 * random() - 1);
}

function times(stepSeconds: number): number[] {
  const start = T0.getTime() / 1000;
  const n = Math.floor((WINDOW_MINUTES * 60) / stepSeconds) + 1;
  return Array.from({ length: n }, (_, i) => start + i * stepSeconds);
}

/** Cumulative sums of per-interval increments (the first sample is 0). */
function cumulative(increments: readonly number[]): number[] {
  const out = [0];
  for (const inc of increments) out.push(out[out.length - 1]! + inc);
  return out;
}

function line(name: string, labels: Labels, value: number, seconds: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  const shown = Number.isNaN(value) ? 'NaN' : value === Number.POSITIVE_INFINITY ? '+Inf' : value === Number.NEGATIVE_INFINITY ? '-Inf' : String(value);
  return `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${shown} ${seconds}`;
}

export interface Traffic {
  /** Requests per second. */
  rps: number;
  /** Share answered 5xx, 0..1. */
  errorRatio: number;
  /** Minute (from T0) after which no request arrives: the counters stay flat. Default: never. */
  stopsAtMinute?: number;
  /** From this minute (from T0) on, this share is answered 5xx instead: a canary that degrades. */
  degradesAt?: { minute: number; errorRatio: number };
  /** Multiplicative noise on each interval's requests and errors, e.g. 0.3 for ±30%. */
  noise?: { spread: number; seed: number };
}

/**
 * `http_requests_total{app, track, code="200"|"503"}` counters. Without noise,
 * rate(x[1m]) answers exactly `rps × (1 − errorRatio)` and `rps × errorRatio`.
 */
export function trafficSeries(app: string, track: 'canary' | 'stable', t: Traffic): Series[] {
  return requestCounters('http_requests_total', { app, track }, 'code', t);
}

/** The labels Istio's destination sidecar puts on a Service's series (https://istio.io/latest/docs/reference/config/metrics/). */
function istioLabels(namespace: string, service: string): Labels {
  return { reporter: 'destination', destination_service_namespace: namespace, destination_service_name: service };
}

/** Istio's `istio_requests_total{…, response_code}` of one destination Service, as trafficSeries. */
export function istioTraffic(namespace: string, service: string, t: Traffic): Series[] {
  return requestCounters('istio_requests_total', istioLabels(namespace, service), 'response_code', t);
}

function requestCounters(name: string, labels: Labels, codeLabel: string, t: Traffic): Series[] {
  const ts = times(COUNTER_STEP_SECONDS);
  const stopAt = t.stopsAtMinute === undefined ? Number.POSITIVE_INFINITY : T0.getTime() / 1000 + t.stopsAtMinute * 60;
  const random = t.noise ? seededRandom(t.noise.seed) : undefined;
  const noise = () => (random ? noiseFactor(random, t.noise!.spread) : 1);
  const ok: number[] = [];
  const errors: number[] = [];
  for (const end of ts.slice(1)) {
    const requests = end <= stopAt ? t.rps * COUNTER_STEP_SECONDS * noise() : 0;
    const degraded = t.degradesAt !== undefined && end > T0.getTime() / 1000 + t.degradesAt.minute * 60;
    const failed = requests * (degraded ? t.degradesAt!.errorRatio : t.errorRatio) * noise();
    ok.push(requests - failed);
    errors.push(failed);
  }
  const counter = (code: string, increments: number[]): Series => ({
    family: name.slice(0, -'_total'.length),
    type: 'counter',
    lines: cumulative(increments).map((v, i) => line(name, { ...labels, [codeLabel]: code }, v, ts[i]!)),
  });
  return [counter('200', ok), counter('503', errors)];
}

export interface Latency {
  /** Observations per second. */
  rps: number;
  /**
   * Share of observations at or below each upper bound (ms), cumulative, e.g.
   * `{ 100: 0.9, 250: 0.99, 500: 1 }`; the +Inf bucket is always 1.
   */
  buckets: Record<number, number>;
  /** Mean latency (ms) of the _sum series. */
  meanMs: number;
  /** Multiplicative noise on each interval's count and mean, e.g. 0.3 for ±30%. */
  noise?: { spread: number; seed: number };
}

/**
 * `request_duration_milliseconds{_bucket,_count,_sum}{app, track}`: a classic
 * histogram as Istio's `istio_request_duration_milliseconds` is, for
 * histogram_quantile() and for the mean `rate(_sum) / rate(_count)`.
 */
export function latencySeries(app: string, track: 'canary' | 'stable', l: Latency): Series {
  return histogram('request_duration_milliseconds', { app, track }, l);
}

/** Istio's `istio_request_duration_milliseconds` histogram of one destination Service, as latencySeries. */
export function istioLatency(namespace: string, service: string, l: Latency): Series {
  return histogram('istio_request_duration_milliseconds', istioLabels(namespace, service), l);
}

function histogram(name: string, labels: Labels, l: Latency): Series {
  const ts = times(COUNTER_STEP_SECONDS);
  const bounds = Object.keys(l.buckets)
    .map(Number)
    .sort((a, b) => a - b);
  const { counts, sums } = latencyIncrements(l);
  const totalCount = cumulative(counts);
  const totalSum = cumulative(sums);
  const lines: string[] = [];
  // OpenMetrics: one MetricPoint per timestamp, its buckets then _count and _sum.
  ts.forEach((t, i) => {
    for (const le of bounds) lines.push(line(`${name}_bucket`, { ...labels, le: String(le) }, totalCount[i]! * l.buckets[le]!, t));
    lines.push(line(`${name}_bucket`, { ...labels, le: '+Inf' }, totalCount[i]!, t));
    lines.push(line(`${name}_count`, labels, totalCount[i]!, t));
    lines.push(line(`${name}_sum`, labels, totalSum[i]!, t));
  });
  return { family: name, type: 'histogram', lines };
}

/**
 * `request_latency_p99_ms{app, track}`: a latency quantile the application
 * exports as a gauge (a Prometheus summary's quantile), one sample every 5s:
 * `meanMs × (1 ± spread)`, seeded; from `changesAt.minute` on around `changesAt.meanMs`.
 */
export function latencyGauge(
  app: string,
  track: 'canary' | 'stable',
  g: { meanMs: number; spread: number; seed: number; changesAt?: { minute: number; meanMs: number } },
): Series {
  const random = seededRandom(g.seed);
  const changeAt = g.changesAt === undefined ? Number.POSITIVE_INFINITY : T0.getTime() / 1000 + g.changesAt.minute * 60;
  const meanAt = (t: number) => (t >= changeAt ? g.changesAt!.meanMs : g.meanMs);
  return {
    family: 'request_latency_p99_ms',
    type: 'gauge',
    lines: times(GAUGE_STEP_SECONDS).map((t) => line('request_latency_p99_ms', { app, track }, meanAt(t) * noiseFactor(random, g.spread), t)),
  };
}

/** `queue_ratio{app, track}`: a gauge holding one constant value (NaN, ±Inf included). */
export function constantGauge(app: string, track: string, value: number): Series {
  return {
    family: 'queue_ratio',
    type: 'gauge',
    lines: times(COUNTER_STEP_SECONDS).map((t) => line('queue_ratio', { app, track }, value, t)),
  };
}

/** Each 15s interval's observations and the sum of their latencies (seeded noise included). */
function latencyIncrements(l: Latency): { counts: number[]; sums: number[] } {
  const random = l.noise ? seededRandom(l.noise.seed) : undefined;
  const noise = () => (random ? noiseFactor(random, l.noise!.spread) : 1);
  const counts: number[] = [];
  const sums: number[] = [];
  for (let i = 1; i < times(COUNTER_STEP_SECONDS).length; i++) {
    const count = l.rps * COUNTER_STEP_SECONDS * noise();
    counts.push(count);
    sums.push(count * l.meanMs * noise());
  }
  return { counts, sums };
}
