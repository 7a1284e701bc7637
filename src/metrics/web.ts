/**
 * A metric source over plain HTTP: any endpoint answering JSON (a Datadog-like
 * query API, a team's own metrics service). The check's `query` goes into the
 * request, and `value`, a JSONPath, picks the one number out of the answer.
 *
 * Substitution of `{{query}}` (decided once, for every source):
 * - in `url`, URL-encoded (encodeURIComponent), so it is safe in a path
 *   segment and in a query-string value;
 * - in `body` (POST only), JSON-string-escaped without the quotes, so it sits
 *   inside a JSON string: `{"q": "{{query}}"}`. The body must be JSON (checked
 *   when the config is read) and is sent as application/json unless a
 *   configured header says otherwise.
 * A source whose url and body both lack `{{query}}` is refused: every check
 * would read the same number whatever its query says.
 *
 * Reading the answer (STYLE.md 2 and 8):
 * - one match that is a finite number, or a string that is one ("12.5",
 *   "1e3": many APIs write numbers as strings) → that number;
 * - no match, null, NaN or ±Inf (also as strings) → NoDataError (hold);
 * - several matches, a boolean, an object, a non-numeric string, non-2xx,
 *   a redirect (never followed), an answer that is not JSON or larger than
 *   8 MiB, a timeout, the tick's deadline → MetricsError (hold).
 * JSONPath is evaluated with jsonpath-plus with `eval: false`: filter and
 * script expressions (`?()`, `()`) are refused when the config is read.
 *
 * Headers and credentials in the url never reach an error.
 */
import { createRequire } from 'node:module';
import type { AxiosResponse } from 'axios';
import * as z from 'zod';
import { MetricsError, NoDataError } from '../errors.ts';
import { boundedSend } from '../bounded-http.ts';
import { describeRequestError, redact, safeAddress, scrubbedCause, secretsOf } from './redact.ts';
import { HeadersConfig, timeoutConfig } from './schema-parts.ts';
import type { MetricSource, QueryContext as AnyQueryContext } from './types.ts';

const PLACEHOLDER = '{{query}}';

/**
 * jsonpath-plus, loaded when a web source's `value` is first checked or read,
 * synchronously (the config's schema checks it). In the bundle esbuild inlines
 * the `require`; from the sources (ESM) createRequire loads it.
 */
function jsonPathPlus(): typeof import('jsonpath-plus') {
  return typeof require === 'function' ? require('jsonpath-plus') : createRequire(import.meta.url)('jsonpath-plus');
}

function usableUrl(raw: string): boolean {
  try {
    const url = new URL(raw.split(PLACEHOLDER).join('q'));
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function jsonPathProblem(path: string): string | undefined {
  if (!path.startsWith('$')) return 'must start with $ (the root of the answer), e.g. $.data.value';
  const script = 'filter and script expressions (?() and ()) are not allowed: pick the number by its path, e.g. $.series[0].value';
  try {
    // Refused here, not only when an answer happens to reach them (eval: false throws then).
    const { JSONPath } = jsonPathPlus();
    if (JSONPath.toPathArray(path).some((part) => part.startsWith('?(') || part.startsWith('('))) return script;
    JSONPath({ path, json: {}, eval: false, wrap: true });
  } catch {
    return script;
  }
  return undefined;
}

/** `metrics.<name>` of `type: web`. */
export const schema = z
  .strictObject({
    type: z.literal('web').describe('The kind of metrics server.'),
    url: z
      .string()
      .refine(usableUrl, { error: 'must be an http(s) URL such as https://metrics.example.com/api/value?q={{query}}' })
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of the config file
      .describe('URL of the endpoint; {{query}} is replaced by the check\'s query, URL-encoded. ${ENV} is expanded; credentials in it are secrets.'),
    method: z.enum(['GET', 'POST']).default('GET').describe('HTTP method: GET (default) or POST (sends `body`).'),
    headers: HeadersConfig,
    body: z
      .string()
      .optional()
      .describe('POST only: a JSON document; {{query}} in it is replaced by the check\'s query, JSON-string-escaped (write it inside quotes).'),
    value: z
      .string()
      .superRefine((path, ctx) => {
        const problem = jsonPathProblem(path);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe('JSONPath picking exactly one number in the JSON answer, e.g. $.data.value (a numeric string counts).'),
    timeout: timeoutConfig('10s'),
  })
  .superRefine((c, ctx) => {
    if (c.body !== undefined && c.method !== 'POST') {
      ctx.addIssue({ code: 'custom', path: ['body'], message: 'a body is only sent with method: POST' });
    }
    if (c.body !== undefined) {
      try {
        JSON.parse(c.body.split(PLACEHOLDER).join('q'));
      } catch {
        ctx.addIssue({ code: 'custom', path: ['body'], message: 'must be a JSON document (with {{query}} inside a JSON string)' });
      }
    }
    if (!c.url.includes(PLACEHOLDER) && !(c.body ?? '').includes(PLACEHOLDER)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'must contain {{query}} (or the body must): otherwise every check reads the same number' });
    }
  })
  .describe('An HTTP endpoint answering JSON; `value` picks the number.');

/** A parsed web source. */
export type WebConfig = {
  type: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  value: string;
  timeoutMs?: number;
};
type QueryContext = AnyQueryContext<WebConfig>;

const DEFAULT_TIMEOUT_MS = 10_000;
/** One number never needs more. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** The url with the query in it (URL-encoded). */
export function requestUrl(template: string, q: string): string {
  return template.split(PLACEHOLDER).join(encodeURIComponent(q));
}

/** The body with the query in it (JSON-string-escaped, quotes excluded). */
export function requestBody(template: string, q: string): string {
  return template.split(PLACEHOLDER).join(JSON.stringify(q).slice(1, -1));
}

/** The url template as errors show it: no credentials, secret parameters masked, `{{query}}` readable. */
function shownUrl(template: string): string {
  return safeAddress(template).replace(/%7B%7Bquery%7D%7D/gi, PLACEHOLDER);
}

async function query(q: string, ctx: QueryContext): Promise<number> {
  const { source } = ctx;
  const shown = shownUrl(source.url);
  const secrets = secretsOf(source.url, source.headers);
  const where = { detail: `query ${q}` };
  const base = { url: shown, query: q };
  const fail = (message: string, hint: string, data: Record<string, unknown> = {}) =>
    new MetricsError(message, { where, hint, data: { ...base, ...data } });
  const timeoutMs = source.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const method = source.method ?? 'GET';
  const deadline = () => fail(`deadline reached before ${shown} answered`, 'the tick ran out of time; the rollout holds until the next tick');
  if (ctx.signal?.aborted) throw deadline();

  const headers: Record<string, string> = { Accept: 'application/json', ...source.headers };
  const body = method === 'POST' && source.body !== undefined ? requestBody(source.body, q) : undefined;
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }

  let res: AxiosResponse<string>;
  try {
    res = await boundedSend(requestUrl(source.url, q), {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      timeoutMs,
      maxBytes: MAX_RESPONSE_BYTES,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } catch (e) {
    if (ctx.signal?.aborted) throw deadline();
    const { reason, code } = describeRequestError(e, timeoutMs);
    const tooLarge = code === 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED' || code === 'ERR_BAD_RESPONSE';
    throw new MetricsError(`cannot reach ${shown}: ${redact(reason, secrets)}`, {
      where,
      hint: tooLarge
        ? `the answer is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB: one number never is; check the url`
        : 'check the url of the metrics source and that the endpoint is up; the rollout holds until it answers',
      data: { ...base, ...(code ? { code } : {}) },
      cause: scrubbedCause(reason, code, secrets),
    });
  }

  const status = res.status;
  if (status >= 300 && status < 400) {
    throw fail(
      `${shown} answered with a redirect (HTTP ${status})`,
      'set the url to the final address; a redirect is never followed, so headers and credentials never go to another host',
      { status },
    );
  }
  if (status === 401 || status === 403) {
    throw fail(`${shown} refused the credentials (HTTP ${status})`, 'check the headers of the metrics source (the API key or token)', { status });
  }
  if (status < 200 || status >= 300) {
    throw fail(`${shown} failed (HTTP ${status})`, 'the endpoint rejected the query or is down; the rollout holds until it answers', { status });
  }
  let json: unknown;
  try {
    json = JSON.parse(res.data);
  } catch {
    throw fail(`the answer of ${shown} is not JSON (HTTP ${status})`, 'check that the url points at the JSON API, not a login page or a dashboard', { status });
  }
  return pickNumber(json, source.value, { where, base });
}

/** Prometheus-style float text: "12.5", "-3", "1e+06", "NaN", "+Inf", "-Inf". */
export function parseNumeric(raw: string): number | undefined {
  const s = raw.trim();
  if (/^[+]?inf(inity)?$/i.test(s)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(s)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(s)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return undefined;
  return Number(s);
}

/** The one number `path` picks in `json`; the error kinds of the file comment. */
export function pickNumber(json: unknown, path: string, at: { where: { detail: string }; base: Record<string, unknown> }): number {
  const { where, base } = at;
  let matches: unknown[];
  try {
    matches = jsonPathPlus().JSONPath({ path, json: json as object, eval: false, wrap: true }) as unknown[];
  } catch {
    throw new MetricsError(`value ${path} is not a JSONPath git-canary evaluates`, { where, hint: 'pick the number by its path, e.g. $.data.value', data: { ...base, value: path } });
  }
  if (!Array.isArray(matches) || matches.length === 0) {
    throw new NoDataError(`value ${path} matched nothing in the answer`, {
      where,
      hint: 'the endpoint has no value for this query yet (or the path is wrong); the rollout holds meanwhile',
      data: { ...base, value: path, result: 'empty' },
    });
  }
  if (matches.length > 1) {
    throw new MetricsError(`value ${path} matched ${matches.length} values, expected 1`, {
      where,
      hint: 'make the JSONPath pick one element, e.g. [0] instead of [*]',
      data: { ...base, value: path, matches: matches.length },
    });
  }
  const raw = matches[0];
  if (raw === null) {
    throw new NoDataError(`value ${path} is null`, { where, hint: 'the endpoint has no value yet; the rollout holds meanwhile', data: { ...base, value: path, result: 'null' } });
  }
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseNumeric(raw) : undefined;
  if (value === undefined) {
    const kind = Array.isArray(raw) ? 'an array' : typeof raw === 'object' ? 'an object' : typeof raw === 'string' ? 'a non-numeric string' : `a ${typeof raw}`;
    throw new MetricsError(`value ${path} is ${kind}, expected a number`, {
      where,
      hint: 'point the JSONPath at the number itself',
      data: { ...base, value: path, type: kind },
    });
  }
  if (!Number.isFinite(value)) {
    const shown = Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
    throw new NoDataError(`value ${path} is ${shown}`, {
      where,
      hint: 'NaN or an infinite value usually means a division by zero (no traffic yet); the rollout holds meanwhile',
      data: { ...base, value: path, result: shown },
    });
  }
  return value;
}

async function queryRange(q: string, _ctx?: unknown): Promise<number[]> {
  throw new MetricsError('web sources answer one number, not a series: mann-whitney needs a prometheus source', {
    where: { detail: `range query ${q}` },
    hint: 'use a fixed limit or a baseline without method: mann-whitney on this check, or query a prometheus source',
  });
}

export const web = { type: 'web', schema, promql: false, query, queryRange } satisfies MetricSource<WebConfig>;
