/**
 * The web source against a local HTTP server that answers like two kinds of
 * real APIs: a Datadog-like query API (GET, the query in the query string,
 * API and application keys in headers, numbers in `series[].pointlist`), and
 * a team's own metrics service (POST JSON, numbers as strings in
 * `data.value`). The server checks every request (keys, content type, body
 * shape) before it answers. Above all: headers and url credentials never
 * appear in any error.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import fc from 'fast-check';
import { LineCounter, parseDocument } from 'yaml';
import { expandEnvInDocument } from '../../src/config/env.ts';
import { type CanaryError, MetricsError, NoDataError } from '../../src/errors.ts';
import { MetricsSourceConfig } from '../../src/metrics/index.ts';
import { pickNumber, requestBody, requestUrl, type WebConfig, web } from '../../src/metrics/web.ts';
import { clearSecrets, secretForms } from '../../src/secrets.ts';

const API_KEY = 'dd-api-k3y-0123456789abcdef';
const APP_KEY = 'dd-app-k3y-fedcba9876543210';
const URL_PASSWORD = 'pa55w0rd-in-url';
const TOKEN_PARAM = 'tok3n-in-query-string';
const SECRETS = [API_KEY, APP_KEY, URL_PASSWORD, TOKEN_PARAM];
const AT = new Date('2024-01-01T00:30:00Z');

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
interface Canned {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  hang?: boolean;
}

let server: http.Server;
let base = '';
const seen: Seen[] = [];
/** What the next request to /custom/* answers (the Datadog-like endpoint answers by its own rules). */
let canned: Canned = {};

/** Datadog's `GET /api/v1/query` answer shape (abridged to what a dashboard query returns). */
function datadogAnswer(query: string, points: [number, number | null][]): string {
  return JSON.stringify({
    status: 'ok',
    res_type: 'time_series',
    from_date: 1704068700000,
    to_date: 1704069000000,
    query,
    series: [{ metric: 'trace.http.request.errors', display_name: 'trace.http.request.errors', pointlist: points, scope: 'service:checkout', length: points.length }],
  });
}

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (status: number, text: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
        res.writeHead(status, headers);
        res.end(text);
      };
      if (url.pathname === '/api/v1/query') {
        if (req.method !== 'GET') return send(405, JSON.stringify({ errors: ['Method Not Allowed'] }));
        if (req.headers['dd-api-key'] !== API_KEY || req.headers['dd-application-key'] !== APP_KEY) {
          return send(403, JSON.stringify({ errors: ['Forbidden'] }));
        }
        const query = url.searchParams.get('query') ?? '';
        if (!url.searchParams.get('from') || !url.searchParams.get('to')) return send(400, JSON.stringify({ errors: ['missing from/to'] }));
        return send(200, datadogAnswer(query, [[1704068940000, 0.25], [1704069000000, 0.5]]));
      }
      if (url.pathname === '/custom/query') {
        if (req.method !== 'POST' || !/^application\/json/.test(req.headers['content-type'] ?? '')) {
          return send(415, JSON.stringify({ error: 'expected a JSON POST' }));
        }
        try {
          JSON.parse(body);
        } catch {
          return send(400, JSON.stringify({ error: 'body is not JSON' }));
        }
      }
      if (canned.hang) return;
      send(canned.status ?? 200, canned.body ?? '{}', canned.headers);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  seen.length = 0;
  canned = {};
});

function source(fields: Record<string, unknown>): WebConfig {
  return MetricsSourceConfig.parse({ type: 'web', ...fields }) as WebConfig;
}
const datadog = (extra: Record<string, unknown> = {}) =>
  source({
    url: `${base}/api/v1/query?from=1704068700&to=1704069000&query={{query}}`,
    headers: { 'DD-API-KEY': API_KEY, 'DD-APPLICATION-KEY': APP_KEY },
    value: '$.series[0].pointlist[-1:][1]',
    ...extra,
  });
const custom = (extra: Record<string, unknown> = {}) =>
  source({
    url: `http://svc:${URL_PASSWORD}@127.0.0.1:${new URL(base).port}/custom/query?access_token=${TOKEN_PARAM}`,
    method: 'POST',
    headers: { 'X-Api-Key': API_KEY },
    body: '{"query": "{{query}}", "window": "5m", "aggregation": "avg"}',
    value: '$.data.value',
    ...extra,
  });
const ctx = (s: WebConfig, signal?: AbortSignal) => ({ source: s, time: AT, ...(signal ? { signal } : {}) });

/** No secret anywhere in the error: message, hint, where, data, cause, inspect. */
function assertNoSecrets(e: unknown): void {
  const text = JSON.stringify(e) + String((e as Error).message) + String((e as CanaryError).hint) + String((e as Error).cause) + JSON.stringify((e as CanaryError).where);
  for (const s of SECRETS) assert.ok(!text.includes(s), `secret ${s} leaked: ${text}`);
}

async function rejects(p: Promise<unknown>, kind: typeof MetricsError | typeof NoDataError, message: RegExp, hint?: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof kind, `expected ${kind.name}, got ${String(e)}`);
    assert.match(e.message, message);
    if (hint) assert.match(e.hint ?? '', hint);
    assertNoSecrets(e);
    return true;
  });
}

describe('web: a Datadog-like GET API', () => {
  const Q = 'sum:trace.http.request.errors{service:checkout,env:prod}.as_count()';

  test('the query goes URL-encoded into the url; headers are sent; the JSONPath picks the last point', async () => {
    assert.equal(await web.query(Q, ctx(datadog())), 0.5);
    assert.equal(seen.length, 1);
    const sent = new URL(seen[0]!.url, 'http://x');
    assert.equal(sent.searchParams.get('query'), Q);
    assert.equal(seen[0]!.method, 'GET');
    assert.equal(seen[0]!.headers['dd-api-key'], API_KEY);
    assert.equal(seen[0]!.headers.accept, 'application/json');
    assert.equal(seen[0]!.body, '');
  });

  test('wrong keys: 403 is "refused the credentials", keys never shown', async () => {
    await rejects(web.query(Q, ctx(datadog({ headers: { 'DD-API-KEY': `${API_KEY}x`, 'DD-APPLICATION-KEY': APP_KEY } }))), MetricsError, /refused the credentials \(HTTP 403\)/, /headers/);
  });

  test('several matches are an error, not a pick', async () => {
    await rejects(web.query(Q, ctx(datadog({ value: '$.series[0].pointlist[*][1]' }))), MetricsError, /matched 2 values, expected 1/);
  });
});

describe('web: a custom POST JSON service', () => {
  test('the body carries the query JSON-escaped; a numeric string is the number', async () => {
    canned = { body: JSON.stringify({ data: { value: '99.25', unit: 'percent' }, meta: { cached: false } }) };
    const q = 'sum(rate(http_requests_total{app="checkout",code!~"5.."}[1m])) / 2 \\ "x"\n';
    assert.equal(await web.query(q, ctx(custom())), 99.25);
    const sent = seen[0]!;
    assert.equal(sent.method, 'POST');
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.equal(sent.headers['x-api-key'], API_KEY);
    assert.deepEqual(JSON.parse(sent.body), { query: q, window: '5m', aggregation: 'avg' });
    assert.equal(new URL(sent.url, 'http://x').searchParams.get('access_token'), TOKEN_PARAM);
    assert.equal(sent.headers.authorization, `Basic ${Buffer.from(`svc:${URL_PASSWORD}`).toString('base64')}`);
  });

  test('a configured Content-Type is kept', async () => {
    canned = { body: '{"data":{"value":1}}' };
    await web.query('x', ctx(custom({ headers: { 'content-type': 'application/json; charset=utf-8' } })));
    assert.equal(seen[0]!.headers['content-type'], 'application/json; charset=utf-8');
  });

  for (const [answer, kind, message] of [
    [{ data: { value: 12 } }, undefined, 12],
    [{ data: { value: '-1.5e2' } }, undefined, -150],
    [{ data: {} }, NoDataError, /matched nothing/],
    [{ data: { value: null } }, NoDataError, /is null/],
    [{ data: { value: 'NaN' } }, NoDataError, /is NaN/],
    [{ data: { value: '+Inf' } }, NoDataError, /is \+Inf/],
    [{ data: { value: 'n/a' } }, MetricsError, /is a non-numeric string, expected a number/],
    [{ data: { value: true } }, MetricsError, /is a boolean, expected a number/],
    [{ data: { value: { avg: 1 } } }, MetricsError, /is an object, expected a number/],
    [{ data: { value: [1] } }, MetricsError, /is an array, expected a number/],
  ] as const) {
    test(`answer ${JSON.stringify(answer)}`, async () => {
      canned = { body: JSON.stringify(answer) };
      if (kind === undefined) assert.equal(await web.query('q', ctx(custom())), message);
      else await rejects(web.query('q', ctx(custom())), kind, message as RegExp);
    });
  }

  test('HTTP 500 is an error naming the url without its credentials', async () => {
    canned = { status: 500, body: `{"error":"backend down for ${API_KEY}"}` };
    await rejects(web.query('q', ctx(custom())), MetricsError, /^http:\/\/127\.0\.0\.1:\d+\/custom\/query\?access_token=\*\*\* failed \(HTTP 500\)$/);
  });

  test('a redirect is reported, never followed', async () => {
    canned = { status: 302, headers: { location: 'http://elsewhere.example/login' } };
    await rejects(web.query('q', ctx(custom())), MetricsError, /answered with a redirect \(HTTP 302\)/, /never followed/);
    assert.equal(seen.length, 1);
  });

  test('an HTML page is not JSON', async () => {
    canned = { body: '<html><body>Sign in</body></html>', headers: { 'content-type': 'text/html' } };
    await rejects(web.query('q', ctx(custom())), MetricsError, /is not JSON \(HTTP 200\)/, /login page/);
  });

  test('an answer larger than 8 MiB is refused unread', async () => {
    canned = { body: JSON.stringify({ data: { value: 1, padding: 'x'.repeat(9 * 1024 * 1024) } }) };
    await rejects(web.query('q', ctx(custom())), MetricsError, /cannot reach/, /larger than 8 MiB/);
  });

  test('no answer within the timeout', async () => {
    canned = { hang: true };
    await rejects(web.query('q', ctx(custom({ timeout: '300ms' }))), MetricsError, /no answer within 300ms/);
  });

  test('the tick deadline', async () => {
    const abort = new AbortController();
    abort.abort();
    await rejects(web.query('q', ctx(custom(), abort.signal)), MetricsError, /deadline reached/);
    assert.equal(seen.length, 0);
  });

  test('connection refused', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await rejects(web.query('q', ctx(source({ url: `http://127.0.0.1:${port}/q?x={{query}}&api_key=${TOKEN_PARAM}`, value: '$.v' }))), MetricsError, /cannot reach .*: connection refused/);
  });

  test('queryRange: one number, not a series', async () => {
    await rejects(web.queryRange('q', { ...ctx(custom()), start: AT, end: AT, stepMs: 1000 }), MetricsError, /^web sources answer one number, not a series: mann-whitney needs a prometheus source$/);
  });
});

describe('web: config', () => {
  const issues = (fields: Record<string, unknown>) => {
    const r = MetricsSourceConfig.safeParse({ type: 'web', ...fields });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  const OK = { url: 'https://metrics.example.com/v?q={{query}}', value: '$.value' };

  test('defaults: GET, 10s', () => {
    assert.deepEqual(MetricsSourceConfig.parse({ type: 'web', ...OK }), { type: 'web', ...OK, method: 'GET', timeoutMs: 10_000 });
  });

  for (const [fields, expected] of [
    [{ ...OK, body: '{}' }, 'body: a body is only sent with method: POST'],
    [{ ...OK, method: 'POST', body: 'query={{query}}' }, 'body: must be a JSON document (with {{query}} inside a JSON string)'],
    [{ ...OK, url: 'https://metrics.example.com/v' }, 'url: must contain {{query}} (or the body must): otherwise every check reads the same number'],
    [{ ...OK, url: 'ftp://metrics.example.com/{{query}}' }, 'url: must be an http(s) URL such as https://metrics.example.com/api/value?q={{query}}'],
    [{ ...OK, value: 'data.value' }, 'value: must start with $ (the root of the answer), e.g. $.data.value'],
    [{ ...OK, value: '$.series[?(@.scope=="canary")].value' }, 'value: filter and script expressions (?() and ()) are not allowed: pick the number by its path, e.g. $.series[0].value'],
    [{ ...OK, method: 'PUT' }, 'method: Invalid option: expected one of "GET"|"POST"'],
  ] as const) {
    test(`refused: ${expected}`, () => {
      assert.deepEqual(issues(fields), [expected]);
    });
  }

  test('the query may sit in the body alone', () => {
    assert.deepEqual(issues({ url: 'https://m.example.com/q', method: 'POST', body: '{"q":"{{query}}"}', value: '$.v' }), []);
  });

  test('unknown keys are refused', () => {
    assert.match(issues({ ...OK, address: 'https://x' }).join(), /address/);
  });

  test('url credentials and a keptn token in the config become secrets of the run', () => {
    clearSecrets();
    const text = [
      'metrics:',
      '  w:',
      '    type: web',
      `    url: https://u:${URL_PASSWORD}@metrics.example.com/q?api_key=${TOKEN_PARAM}&q={{query}}`,
      '    value: $.v',
      '  k:',
      '    type: keptn',
      `    token: ${API_KEY}`,
      '',
    ].join('\r\n');
    expandEnvInDocument(parseDocument(text), { file: 'git-canary.yaml', env: {}, lines: new LineCounter() });
    for (const s of [URL_PASSWORD, TOKEN_PARAM, API_KEY]) assert.ok(secretForms().includes(s), `${s} registered`);
  });
});

describe('web: reading the answer (property)', () => {
  const at = { where: { detail: 'query q' }, base: {} };
  test('any finite number at the path is that number, written as a number or as a string', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), (n, asString) => {
        const answer = JSON.parse(JSON.stringify({ data: { value: asString ? String(n) : n, other: 1 } }));
        assert.equal(pickNumber(answer, '$.data.value', at), n === 0 ? 0 : n);
      }),
    );
  });

  test('a path that matches nothing is no data, whatever else the answer holds', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (other) => {
        assert.throws(() => pickNumber({ other }, '$.data.value', at), NoDataError);
      }),
    );
  });
});

describe('web: substitution (property)', () => {
  test('any query reaches the server exactly, through the url and through a JSON body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 40 }), async (q) => {
        assert.equal(new URL(requestUrl('https://m.example.com/v?q={{query}}', q)).searchParams.get('q'), q);
        assert.deepEqual(JSON.parse(requestBody('{"q": "{{query}}"}', q)), { q });
      }),
    );
    // And once end to end, with the characters that break naive substitution.
    canned = { body: '{"data":{"value":"1"}}' };
    const q = '{{query}} & ? # % + " \\ / é 😀';
    await web.query(q, ctx(custom()));
    assert.equal(JSON.parse(seen[0]!.body).query, q);
  });
});
