/**
 * Prometheus as a metric source: one instant query (`GET /api/v1/query`) that
 * must answer exactly one finite number.
 *
 * Failure kinds (STYLE.md 2 and 8):
 * - NoDataError (inconclusive): no series, NaN (0/0 when the canary gets no
 *   traffic), +Inf or -Inf. Never read as 0 or as a pass.
 * - MetricsError (broken): unreachable, timeout, the tick's deadline, HTTP 5xx,
 *   401/403, a redirect (never followed: our headers would go with it), a query
 *   Prometheus rejects, several series, a range vector, a response that is not
 *   Prometheus' or larger than 8 MiB, an answer with `warnings` (partial data,
 *   e.g. a Thanos store that did not answer, is no ground for a decision).
 *
 * A query string in the address is kept and sent with every query (Thanos'
 * `partial_response`, a tenant); credential-named parameters are secrets.
 *
 * Configured headers (Authorization and the like) and credentials in the address
 * never reach an error message, `where`, `data` or `cause`.
 */
import axios, { type AxiosResponse } from 'axios';
import { z } from 'zod';
import { MetricsError, NoDataError } from '../errors.ts';
import { describeRequestError, oneLine, redact, safeAddress, scrubbedCause, secretsOf } from './redact.ts';
import type { MetricSource, QueryContext } from './types.ts';

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

async function query(q: string, ctx: QueryContext): Promise<number> {
  const { source, time } = ctx;
  const address = safeAddress(source.address);
  const secrets = secretsOf(source.address, source.headers);
  const where = { detail: `query ${q}` };
  const base = { address, query: q };
  const timeoutMs = source.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const url = apiUrl(source.address, address);
  if (!Number.isFinite(time.getTime())) {
    throw new MetricsError(`invalid evaluation time for prometheus at ${address}`, { where, data: base });
  }
  // The address's own parameters exactly as written (their encoding is the user's), then ours.
  const own = url.search
    .slice(1)
    .split('&')
    .filter((part) => part !== '' && !['query', 'time'].includes(safeDecodeName(part)));
  url.search = [...own, new URLSearchParams({ query: q, time: String(time.getTime() / 1000) }).toString()].join('&');
  if (ctx.signal?.aborted) throw deadlineReached(address, where, base);

  let res: AxiosResponse<string>;
  try {
    const timeout = AbortSignal.timeout(timeoutMs);
    res = await axios.get<string>(url.href, {
      headers: { Accept: 'application/json', ...source.headers },
      timeout: timeoutMs,
      // The whole request, body included, ends at the timeout (or the tick's deadline).
      signal: ctx.signal ? AbortSignal.any([timeout, ctx.signal]) : timeout,
      // Never forward configured headers to another host; a redirect is reported instead.
      maxRedirects: 0,
      maxContentLength: MAX_RESPONSE_BYTES,
      maxBodyLength: MAX_RESPONSE_BYTES,
      responseType: 'text',
      transformResponse: [(body: unknown) => body],
      validateStatus: () => true,
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

  const value = readNumber(body.data.resultType, body.data.result, { q, address, where, base });
  const warnings = (body.warnings ?? []).map((w) => redact(oneLine(String(w)), secrets)).filter(Boolean);
  if (warnings.length > 0) {
    // Prometheus (or Thanos) says the answer may be partial: a judgment on it would be a guess.
    const shown = warnings.slice(0, MAX_WARNINGS_IN_ERROR).join('; ');
    const more = warnings.length > MAX_WARNINGS_IN_ERROR ? ` (+${warnings.length - MAX_WARNINGS_IN_ERROR} more)` : '';
    throw new MetricsError(`prometheus at ${address} answered with warnings: ${shown}${more}`, {
      where,
      hint: 'the answer may be partial (a store or shard did not answer); the rollout holds until a clean answer',
      data: { ...base, value, warnings: warnings.slice(0, MAX_WARNINGS_IN_ERROR) },
    });
  }
  return value;
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

interface ReadContext {
  q: string;
  address: string;
  where: { detail: string };
  base: Record<string, unknown>;
}

function readNumber(resultType: string, result: unknown, c: ReadContext): number {
  let raw: string;
  if (resultType === 'scalar') {
    const parsed = sample.safeParse(result);
    if (!parsed.success) throw malformed(c, resultType);
    raw = parsed.data[1];
  } else if (resultType === 'vector') {
    const parsed = vectorResult.safeParse(result);
    if (!parsed.success) throw malformed(c, resultType);
    const series = parsed.data;
    if (series.length === 0) {
      throw new NoDataError('query returned no series', {
        where: c.where,
        hint: 'check the metric name and labels, or wait until the canary gets traffic; the rollout holds meanwhile',
        data: { ...c.base, result: 'empty' },
      });
    }
    if (series.length > 1) {
      throw new MetricsError(`query "${c.q}" returned ${series.length} series, expected 1`, {
        where: c.where,
        hint: 'aggregate the query to one series, for example with sum(...) or avg(...)',
        data: {
          ...c.base,
          series: series.length,
          labels: series.slice(0, MAX_LABELS_IN_ERROR).map((s) => s.metric ?? {}),
        },
      });
    }
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
  if (value === undefined) {
    throw new MetricsError(`prometheus at ${c.address} answered an unreadable sample value`, {
      where: c.where,
      data: { ...c.base, value: raw.slice(0, 40) },
    });
  }
  if (!Number.isFinite(value)) {
    const shown = Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
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

function malformed(c: ReadContext, resultType: string): MetricsError {
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

/** The query endpoint under the address, its query string kept (sent with every query). */
function apiUrl(raw: string, shown: string): URL {
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
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/query`;
  url.hash = '';
  return url;
}

export const prometheus = { type: 'prometheus', query } satisfies MetricSource;
