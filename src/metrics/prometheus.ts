/**
 * Prometheus as a metric source: an instant query (`GET /api/v1/query`) that
 * must answer exactly one finite number, and a range query
 * (`GET /api/v1/query_range`, for baseline comparisons over a step) that must
 * answer exactly one series, whose finite samples it returns.
 *
 * Failure kinds (STYLE.md 2 and 8):
 * - NoDataError (inconclusive): no series, NaN (0/0 when the canary gets no
 *   traffic), +Inf or -Inf; for a range query, no series or no finite sample
 *   (NaN and ±Inf samples are dropped, the others kept). Never read as 0 or as a pass.
 * - MetricsError (broken): unreachable, timeout, the tick's deadline, HTTP 5xx,
 *   401/403, a redirect (never followed: our headers would go with it), a query
 *   Prometheus rejects, several series, a range vector (instant query), a
 *   range of more than 11,000 steps, a response that is not
 *   Prometheus' or larger than 8 MiB, an answer with `warnings` (partial data,
 *   e.g. a Thanos store that did not answer, is no ground for a decision).
 *
 * A query string in the address is kept and sent with every query (Thanos'
 * `partial_response`, a tenant); credential-named parameters are secrets.
 *
 * Configured headers (Authorization and the like) and credentials in the address
 * never reach an error message, `where`, `data` or `cause`.
 */
import type { AxiosResponse } from 'axios';
import { boundedGet } from '../bounded-http.ts';
import * as z from 'zod';
import { MetricsError, NoDataError } from '../errors.ts';
import { describeRequestError, oneLine, redact, safeAddress, scrubbedCause, secretsOf } from './redact.ts';
import { HeadersConfig, httpUrl, timeoutConfig } from './schema-parts.ts';
import type { MetricSource, QueryContext as AnyQueryContext, RangeQueryContext as AnyRangeQueryContext } from './types.ts';

/** `metrics.<name>` of `type: prometheus` (and every server speaking its HTTP API). */
export const schema = z
  .strictObject({
    type: z.literal('prometheus').describe('The kind of metrics server.'),
    address: httpUrl('http://prometheus.monitoring:9090')
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of the config file
      .describe('Base URL of the Prometheus HTTP API, e.g. http://prometheus.monitoring:9090 (Thanos, Mimir, VictoriaMetrics and Google Managed Prometheus speak it too). ${ENV} is expanded.'),
    headers: HeadersConfig,
    timeout: timeoutConfig('10s'),
  })
  .describe('A Prometheus server, or one that speaks its HTTP API.');

/** A parsed prometheus source. */
export type PrometheusConfig = {
  type: string;
  address: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
};
type QueryContext = AnyQueryContext<PrometheusConfig>;
type RangeQueryContext = AnyRangeQueryContext<PrometheusConfig>;

const DEFAULT_TIMEOUT_MS = 10_000;
/** A single number never needs more; a query that matches a million series does. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const MAX_WARNINGS_IN_ERROR = 3;
const MAX_LABELS_IN_ERROR = 5;

// Permissive: only the fields we read, unknown keys ignored.
const sample = z.tuple([z.unknown(), z.string()]);
const response = z.object({
  status: z.string(),
  error: z.string().optional(),
  errorType: z.string().optional(),
  warnings: z.array(z.unknown()).optional(),
  data: z
    .object({
      resultType: z.string(),
      result: z.unknown(),
    })
    .optional(),
});
const vectorResult = z.array(
  z.object({ metric: z.record(z.string(), z.string()).optional(), value: sample }),
);

/** What one request is about, for errors: the query, where it goes, what may be shown. */
interface Call {
  q: string;
  address: string;
  secrets: string[];
  where: { detail: string };
  base: Record<string, unknown>;
}

function callFor(q: string, ctx: QueryContext, range?: boolean): Call {
  const address = safeAddress(ctx.source.address);
  return {
    q,
    address,
    secrets: secretsOf(ctx.source.address, ctx.source.headers),
    where: { detail: `${range ? 'range query' : 'query'} ${q}` },
    base: { address, query: q },
  };
}

async function query(q: string, ctx: QueryContext): Promise<number> {
  const call = callFor(q, ctx);
  if (!Number.isFinite(ctx.time.getTime())) {
    throw new MetricsError(`invalid evaluation time for prometheus at ${call.address}`, { where: call.where, data: call.base });
  }
  const body = await send('query', { query: q, time: seconds(ctx.time) }, call, ctx);
  const value = readNumber(body.data.resultType, body.data.result, call);
  rejectWarnings(body.warnings, call, { value });
  return value;
}

/** Prometheus refuses a range query of more steps than this, (end − start) / step (its "11,000 points per timeseries"). */
export const MAX_RANGE_STEPS = 11_000;

async function queryRange(q: string, ctx: RangeQueryContext): Promise<number[]> {
  const call = callFor(q, ctx, true);
  const { start, end, stepMs } = ctx;
  if (!Number.isFinite(start.getTime()) || !Number.isFinite(end.getTime()) || start.getTime() > end.getTime()) {
    throw new MetricsError(`invalid range for prometheus at ${call.address}: the window must start before it ends`, {
      where: call.where,
      data: { ...call.base, stepMs },
    });
  }
  if (!Number.isFinite(stepMs) || stepMs <= 0) {
    throw new MetricsError(`invalid range step ${stepMs}ms for prometheus at ${call.address}`, { where: call.where, data: { ...call.base, stepMs } });
  }
  const range = { start: start.toISOString(), end: end.toISOString(), stepMs };
  const steps = Math.floor((end.getTime() - start.getTime()) / stepMs);
  if (steps > MAX_RANGE_STEPS) {
    throw new MetricsError(`range query of ${steps} steps is more than the ${MAX_RANGE_STEPS} prometheus allows`, {
      where: call.where,
      hint: 'raise baseline.resolution (the step between samples) or shorten the step interval',
      data: { ...call.base, ...range, steps },
    });
  }
  const body = await send(
    'query_range',
    { query: q, start: seconds(start), end: seconds(end), step: String(stepMs / 1000) },
    call,
    ctx,
  );
  const samples = readSeries(body.data.resultType, body.data.result, call);
  rejectWarnings(body.warnings, call, { samples: samples.length });
  return samples;
}

const seconds = (d: Date) => String(d.getTime() / 1000);

type Answer = z.infer<typeof response> & { data: NonNullable<z.infer<typeof response>['data']> };

/**
 * One request to `/api/v1/<endpoint>` with `params`, the address's own query
 * string kept. Every failure but a readable success is thrown here.
 */
async function send(endpoint: string, params: Record<string, string>, call: Call, ctx: QueryContext): Promise<Answer> {
  const { source } = ctx;
  const { address, secrets, where, base, q } = call;
  const timeoutMs = source.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const url = apiUrl(source.address, address, endpoint);
  // The address's own parameters exactly as written (their encoding is the user's), then ours.
  const own = url.search
    .slice(1)
    .split('&')
    .filter((part) => part !== '' && !Object.hasOwn(params, safeDecodeName(part)));
  url.search = [...own, new URLSearchParams(params).toString()].join('&');
  if (ctx.signal?.aborted) throw deadlineReached(address, where, base);

  let res: AxiosResponse<string>;
  try {
    res = await boundedGet(url.href, {
      headers: { Accept: 'application/json', ...source.headers },
      timeoutMs,
      maxBytes: MAX_RESPONSE_BYTES,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } catch (e) {
    if (ctx.signal?.aborted) throw deadlineReached(address, where, base);
    // The axios error carries the request config (headers included): keep only a scrubbed reason.
    const { reason, code } = describeRequestError(e, timeoutMs);
    throw new MetricsError(`cannot reach prometheus at ${address}: ${redact(reason, secrets)}`, {
      where,
      hint: 'check the metrics source address and that Prometheus is up; the rollout holds until it answers',
      data: { ...base, ...(code ? { code } : {}) },
      cause: scrubbedCause(reason, code, secrets),
    });
  }

  const status = res.status;
  const body = parseBody(res.data);
  const promError = body?.error === undefined ? undefined : redact(oneLine(body.error), secrets);

  if (status >= 500) {
    throw new MetricsError(
      `cannot reach prometheus at ${address}: HTTP ${status}${promError ? `: ${promError}` : ''}`,
      {
        where,
        hint: 'Prometheus (or a proxy in front of it) failed; the rollout holds until it answers',
        data: { ...base, status, ...(body?.errorType ? { errorType: body.errorType } : {}) },
      },
    );
  }
  if (status >= 300 && status < 400) {
    const target = redirectTarget(res.headers.location, url);
    throw new MetricsError(
      `prometheus at ${address} answered with a redirect (HTTP ${status})${target ? ` to ${redact(target, secrets)}` : ''}`,
      {
        where,
        hint: 'set the address to the final URL; a redirect is never followed, so headers and credentials never go to another host',
        data: { ...base, status, ...(target ? { location: redact(target, secrets) } : {}) },
      },
    );
  }
  if (status === 401 || status === 403) {
    throw new MetricsError(`prometheus at ${address} refused the credentials (HTTP ${status})`, {
      where,
      hint: 'check the headers of the metrics source (for example the token in Authorization)',
      data: { ...base, status },
    });
  }
  if (body?.status === 'error' || (status >= 400 && promError !== undefined)) {
    throw new MetricsError(`prometheus rejected query "${q}": ${promError ?? 'no error text'}`, {
      where,
      hint: 'fix the PromQL of this check (try it in the Prometheus UI)',
      data: { ...base, status, ...(body?.errorType ? { errorType: body.errorType } : {}) },
    });
  }
  if (status !== 200 || body === undefined || body.status !== 'success' || body.data === undefined) {
    throw new MetricsError(`unexpected answer from prometheus at ${address} (HTTP ${status})`, {
      where,
      hint: 'check that the address points at the Prometheus HTTP API (the part before /api/v1)',
      data: { ...base, status },
    });
  }
  return { ...body, data: body.data };
}

/** Prometheus (or Thanos) says the answer may be partial: a judgment on it would be a guess. */
function rejectWarnings(raw: readonly unknown[] | undefined, call: Call, read: Record<string, unknown>): void {
  const warnings = (raw ?? []).map((w) => redact(oneLine(String(w)), call.secrets)).filter(Boolean);
  if (warnings.length === 0) return;
  const shown = warnings.slice(0, MAX_WARNINGS_IN_ERROR).join('; ');
  const more = warnings.length > MAX_WARNINGS_IN_ERROR ? ` (+${warnings.length - MAX_WARNINGS_IN_ERROR} more)` : '';
  throw new MetricsError(`prometheus at ${call.address} answered with warnings: ${shown}${more}`, {
    where: call.where,
    hint: 'the answer may be partial (a store or shard did not answer); the rollout holds until a clean answer',
    data: { ...call.base, ...read, warnings: warnings.slice(0, MAX_WARNINGS_IN_ERROR) },
  });
}

function safeDecodeName(part: string): string {
  const name = part.split('=')[0]!.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

function deadlineReached(address: string, where: { detail: string }, base: Record<string, unknown>): MetricsError {
  return new MetricsError(`deadline reached before prometheus at ${address} answered`, {
    where,
    hint: 'the tick ran out of time (--deadline); the rollout holds and the next tick asks again',
    data: { ...base, code: 'DEADLINE' },
  });
}

/** Where a redirect points, as it may be shown (no user-info, credential-named parameters hidden). */
function redirectTarget(location: unknown, from: URL): string | undefined {
  if (typeof location !== 'string' || location === '') return undefined;
  try {
    return safeAddress(new URL(location, from).href);
  } catch {
    return undefined;
  }
}

/** An empty result: no data (a hold), never a zero. */
function noSeries(c: Call): NoDataError {
  return new NoDataError('query returned no series', {
    where: c.where,
    hint: 'check the metric name and labels, or wait until the canary gets traffic; the rollout holds meanwhile',
    data: { ...c.base, result: 'empty' },
  });
}

function readNumber(resultType: string, result: unknown, c: Call): number {
  let raw: string;
  if (resultType === 'scalar') {
    const parsed = sample.safeParse(result);
    if (!parsed.success) throw malformed(c, resultType);
    raw = parsed.data[1];
  } else if (resultType === 'vector') {
    const parsed = vectorResult.safeParse(result);
    if (!parsed.success) throw malformed(c, resultType);
    const series = parsed.data;
    if (series.length === 0) throw noSeries(c);
    if (series.length > 1) throw severalSeries(c, series);
    raw = series[0]!.value[1];
  } else {
    throw new MetricsError(`query "${c.q}" returned a ${resultType}, expected one number`, {
      where: c.where,
      hint:
        resultType === 'matrix'
          ? 'a range vector (x[5m]) needs a function such as rate(...) and an aggregation such as sum(...)'
          : 'the query must evaluate to an instant vector of one series or a scalar',
      data: { ...c.base, resultType },
    });
  }

  const value = parseSampleValue(raw);
  if (value === undefined) throw unreadable(c, raw);
  if (!Number.isFinite(value)) {
    const shown = nonFiniteName(value);
    throw new NoDataError(`query returned ${shown}`, {
      where: c.where,
      hint: Number.isNaN(value)
        ? 'NaN usually means 0/0: the canary got no traffic in the range of the query; the rollout holds meanwhile'
        : 'an infinite value usually means a division by zero; the rollout holds meanwhile',
      data: { ...c.base, result: shown },
    });
  }
  return value;
}

const matrixResult = z.array(
  z.object({ metric: z.record(z.string(), z.string()).optional(), values: z.array(sample) }),
);

/** The finite samples of the one series of a range query; NaN and ±Inf samples are dropped. */
function readSeries(resultType: string, result: unknown, c: Call): number[] {
  if (resultType !== 'matrix') {
    throw new MetricsError(`range query "${c.q}" returned a ${resultType}, expected a matrix`, {
      where: c.where,
      hint: 'a range query of an expression answers a matrix; check the address points at Prometheus itself',
      data: { ...c.base, resultType },
    });
  }
  const parsed = matrixResult.safeParse(result);
  if (!parsed.success) throw malformed(c, resultType);
  const series = parsed.data;
  if (series.length === 0) throw noSeries(c);
  if (series.length > 1) throw severalSeries(c, series);
  const values: number[] = [];
  const dropped = new Set<string>();
  for (const [, raw] of series[0]!.values) {
    const value = parseSampleValue(raw);
    if (value === undefined) throw unreadable(c, raw);
    if (Number.isFinite(value)) values.push(value);
    else dropped.add(nonFiniteName(value));
  }
  if (values.length === 0) {
    const kinds = [...dropped].sort().join(', ');
    throw new NoDataError(kinds ? `query returned only ${kinds} samples` : 'query returned no samples', {
      where: c.where,
      hint: 'NaN usually means 0/0: the canary got no traffic in the window; the rollout holds meanwhile',
      data: { ...c.base, result: kinds || 'empty' },
    });
  }
  return values;
}

function severalSeries(c: Call, series: readonly { metric?: Record<string, string> | undefined }[]): MetricsError {
  return new MetricsError(`query "${c.q}" returned ${series.length} series, expected 1`, {
    where: c.where,
    hint: 'aggregate the query to one series, for example with sum(...) or avg(...)',
    data: {
      ...c.base,
      series: series.length,
      labels: series.slice(0, MAX_LABELS_IN_ERROR).map((s) => s.metric ?? {}),
    },
  });
}

function unreadable(c: Call, raw: string): MetricsError {
  return new MetricsError(`prometheus at ${c.address} answered an unreadable sample value`, {
    where: c.where,
    data: { ...c.base, value: raw.slice(0, 40) },
  });
}

const nonFiniteName = (value: number) => (Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf');

function malformed(c: Call, resultType: string): MetricsError {
  return new MetricsError(`prometheus at ${c.address} answered a malformed ${resultType}`, {
    where: c.where,
    data: { ...c.base, resultType },
  });
}

/** Prometheus writes sample values as Go floats: "1.5", "NaN", "+Inf", "-Inf", "1e+06". */
export function parseSampleValue(raw: string): number | undefined {
  const s = raw.trim();
  if (/^[+]?inf$/i.test(s)) return Number.POSITIVE_INFINITY;
  if (/^-inf$/i.test(s)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(s)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return undefined;
  return Number(s);
}

function parseBody(data: unknown): z.infer<typeof response> | undefined {
  if (typeof data !== 'string' || data === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return undefined;
  }
  const parsed = response.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** The API endpoint under the address, its query string kept (sent with every query). */
function apiUrl(raw: string, shown: string, endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MetricsError(`invalid prometheus address ${shown}`, {
      hint: 'the address must be an http(s) URL such as http://prometheus.monitoring:9090',
      data: { address: shown },
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MetricsError(`invalid prometheus address ${shown}: not http(s)`, {
      hint: 'the address must be an http(s) URL such as http://prometheus.monitoring:9090',
      data: { address: shown },
    });
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/${endpoint}`;
  url.hash = '';
  return url;
}

export const prometheus = { type: 'prometheus', schema, promql: true, query, queryRange } satisfies MetricSource<PrometheusConfig>;
