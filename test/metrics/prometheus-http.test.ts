/**
 * What the Prometheus source sends and how it reads odd answers, against a tiny
 * local HTTP server that records requests and answers canned responses (not
 * Prometheus: the real one is in prometheus.test.ts). Above all: configured
 * headers and address credentials never appear in any error.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { CanaryError, MetricsError, NoDataError } from '../../src/errors.ts';
import { MAX_RANGE_STEPS, MAX_RESPONSE_BYTES, parseSampleValue, prometheus } from '../../src/metrics/prometheus.ts';
import { redact, safeAddress, secretsOf } from '../../src/metrics/redact.ts';
import type { PrometheusConfig } from '../../src/metrics/prometheus.ts';
import { freePort } from '../helpers/prometheus.ts';

const TOKEN = 's3cr3t-t0ken-value';
const API_KEY = 'k3y-0f-the-api';
const PASSWORD = 'pa55w0rd-in-url';
const SECRETS = [TOKEN, API_KEY, PASSWORD];
const AT = new Date('2024-01-01T00:30:00Z');

interface Canned {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Never answer (for timeouts). */
  hang?: boolean;
}

const json = (v: unknown) => JSON.stringify(v);
const vector = (...values: string[]) =>
  json({
    status: 'success',
    data: { resultType: 'vector', result: values.map((v, i) => ({ metric: { pod: `p${i}` }, value: [1704069000, v] })) },
  });

const matrix = (...series: string[][]) =>
  json({
    status: 'success',
    data: { resultType: 'matrix', result: series.map((values, i) => ({ metric: { pod: `p${i}` }, values: values.map((v, t) => [1704069000 + 15 * t, v]) })) },
  });

/** Answers by the `query` parameter. */
const canned: Record<string, Canned> = {
  'range-one': { body: matrix(['1', 'NaN', '2.5', '+Inf', '-Inf', '1e3']) },
  'range-two': { body: matrix(['1'], ['2']) },
  'range-empty': { body: matrix() },
  'range-inf': { body: matrix(['+Inf', '-Inf']) },
  'range-garbage': { body: matrix(['1', 'twelve']) },
  'range-bad-shape': { body: json({ status: 'success', data: { resultType: 'matrix', result: [{ values: 'oops' }] } }) },
  'range-warnings': {
    body: json({ status: 'success', warnings: ['partial response: store 10.0.0.7 did not answer'], data: { resultType: 'matrix', result: [{ metric: {}, values: [[1, '1']] }] } }),
  },
  'range-huge': { body: json({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1, '1']] }] }, pad: 'x'.repeat(MAX_RESPONSE_BYTES) }) },
  one: { body: vector('99.5') },
  'one-extra-fields': {
    body: json({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [1704069000, '0.25'], histogram: null }], stats: {} },
      extra: true,
    }),
  },
  scalar: { body: json({ status: 'success', data: { resultType: 'scalar', result: [1704069000, '7'] } }) },
  exponent: { body: vector('1.5e-3') },
  empty: { body: vector() },
  nan: { body: vector('NaN') },
  inf: { body: vector('+Inf') },
  'minus-inf': { body: vector('-Inf') },
  'scalar-nan': { body: json({ status: 'success', data: { resultType: 'scalar', result: [1704069000, 'NaN'] } }) },
  three: { body: vector('1', '2', '3') },
  matrix: {
    body: json({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1, '1']] }] } }),
  },
  string: { body: json({ status: 'success', data: { resultType: 'string', result: [1, 'x'] } }) },
  garbage: { body: vector('twelve') },
  'bad-shape': { body: json({ status: 'success', data: { resultType: 'vector', result: [{ value: 'oops' }] } }) },
  'not-json': { body: '<html>hello</html>', headers: { 'content-type': 'text/html' } },
  'no-data-field': { body: json({ status: 'success' }) },
  'bad-query': {
    status: 400,
    body: json({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:5: parse error' }),
  },
  'exec-error': { status: 422, body: json({ status: 'error', errorType: 'execution', error: 'many-to-many matching' }) },
  unavailable: { status: 503, body: json({ status: 'error', errorType: 'unavailable', error: 'TSDB not ready' }) },
  'bad-gateway': { status: 502, body: '<html>bad gateway</html>' },
  // A proxy that echoes what it got must not leak it through us.
  'echo-secret': { status: 500, body: json({ status: 'error', error: `upstream said: Bearer ${TOKEN} ${API_KEY}` }) },
  'echo-secret-400': { status: 400, body: json({ status: 'error', error: `bad token ${TOKEN}` }) },
  unauthorized: { status: 401, body: 'Unauthorized' },
  forbidden: { status: 403, body: json({ status: 'error', error: 'forbidden' }) },
  'not-found': { status: 404, body: '404 page not found' },
  redirect: { status: 302, headers: { location: 'http://elsewhere.invalid/api/v1/query' } },
  hang: { hang: true },
  warnings: {
    body: json({
      status: 'success',
      warnings: ['partial response: store 10.0.0.7 did not answer'],
      data: { resultType: 'vector', result: [{ metric: {}, value: [1704069000, '99.9'] }] },
    }),
  },
};

describe('prometheus source over HTTP', () => {
  let server: http.Server;
  let base: string;
  const seen: { method?: string; url: string; headers: http.IncomingHttpHeaders }[] = [];
  const hanging: http.ServerResponse[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({ method: req.method, url: req.url ?? '', headers: req.headers });
      const q = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
      const c = canned[q] ?? { status: 500, body: 'unknown canned query' };
      if (c.hang) {
        hanging.push(res);
        return;
      }
      res.writeHead(c.status ?? 200, { 'content-type': 'application/json', ...c.headers });
      res.end(c.body ?? '');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const source = (extra: Partial<PrometheusConfig> = {}): PrometheusConfig => ({
    type: 'prometheus',
    address: base,
    headers: { Authorization: `Bearer ${TOKEN}`, 'X-Api-Key': API_KEY },
    ...extra,
  });
  const query = (q: string, extra?: Partial<PrometheusConfig>) =>
    prometheus.query(q, { source: source(extra), time: AT });

  test('sends GET /api/v1/query with query, time in seconds and the configured headers', async () => {
    seen.length = 0;
    assert.equal(await query('one'), 99.5);
    assert.equal(seen.length, 1);
    const req = seen[0]!;
    assert.equal(req.method, 'GET');
    const url = new URL(req.url, 'http://x');
    assert.equal(url.pathname, '/api/v1/query');
    assert.equal(url.searchParams.get('query'), 'one');
    assert.equal(url.searchParams.get('time'), '1704069000');
    assert.equal(req.headers['authorization'], `Bearer ${TOKEN}`);
    assert.equal(req.headers['x-api-key'], API_KEY);
  });

  test('keeps a path prefix of the address and sends user-info as basic auth', async () => {
    seen.length = 0;
    const address = `http://reader:${PASSWORD}@${base.slice('http://'.length)}/prom/`;
    assert.equal(await prometheus.query('one', { source: { type: 'prometheus', address }, time: AT }), 99.5);
    assert.equal(new URL(seen[0]!.url, 'http://x').pathname, '/prom/api/v1/query');
    assert.equal(seen[0]!.headers['authorization'], `Basic ${Buffer.from(`reader:${PASSWORD}`).toString('base64')}`);
  });

  test("the address's query string is sent with every query, before query and time", async () => {
    seen.length = 0;
    const address = `${base}/?partial_response=false&tenant=team-a`;
    assert.equal(await prometheus.query('one', { source: { type: 'prometheus', address }, time: AT }), 99.5);
    const url = new URL(seen[0]!.url, 'http://x');
    assert.equal(url.pathname, '/api/v1/query');
    assert.deepEqual([...url.searchParams.keys()], ['partial_response', 'tenant', 'query', 'time']);
    assert.equal(url.searchParams.get('partial_response'), 'false');
    assert.equal(url.searchParams.get('tenant'), 'team-a');
    assert.equal(url.searchParams.get('query'), 'one');
  });

  test('fractional evaluation times are sent as fractional seconds', async () => {
    seen.length = 0;
    await prometheus.query('one', { source: source(), time: new Date('2024-01-01T00:30:00.250Z') });
    assert.equal(new URL(seen[0]!.url, 'http://x').searchParams.get('time'), '1704069000.25');
  });

  test('numbers: vector, scalar, exponent, unknown fields ignored', async () => {
    assert.equal(await query('one-extra-fields'), 0.25);
    assert.equal(await query('scalar'), 7);
    assert.equal(await query('exponent'), 0.0015);
  });

  for (const [q, message] of [
    ['empty', 'query returned no series'],
    ['nan', 'query returned NaN'],
    ['inf', 'query returned +Inf'],
    ['minus-inf', 'query returned -Inf'],
    ['scalar-nan', 'query returned NaN'],
  ] as const) {
    test(`no data: ${q} → NoDataError "${message}"`, async () => {
      await assert.rejects(query(q), (e: unknown) => {
        assert.ok(e instanceof NoDataError, String(e));
        assert.equal(e.message, message);
        return true;
      });
    });
  }

  for (const [q, message] of [
    ['three', /^query "three" returned 3 series, expected 1$/],
    ['matrix', /^query "matrix" returned a matrix, expected one number$/],
    ['string', /^query "string" returned a string, expected one number$/],
    ['garbage', /unreadable sample value/],
    ['bad-shape', /malformed vector/],
    ['not-json', /^unexpected answer from prometheus at http:\/\/127\.0\.0\.1:\d+ \(HTTP 200\)$/],
    ['no-data-field', /^unexpected answer/],
    ['bad-query', /^prometheus rejected query "bad-query": invalid parameter "query": 1:5: parse error$/],
    ['exec-error', /^prometheus rejected query "exec-error": many-to-many matching$/],
    ['unavailable', /^cannot reach prometheus at http:\/\/127\.0\.0\.1:\d+: HTTP 503: TSDB not ready$/],
    ['bad-gateway', /^cannot reach prometheus at http:\/\/127\.0\.0\.1:\d+: HTTP 502$/],
    ['unauthorized', /refused the credentials \(HTTP 401\)$/],
    ['forbidden', /refused the credentials \(HTTP 403\)$/],
    ['not-found', /^unexpected answer from prometheus at .* \(HTTP 404\)$/],
    ['redirect', /answered with a redirect \(HTTP 302\) to http:\/\/elsewhere\.invalid\/api\/v1\/query$/],
    ['warnings', /answered with warnings: partial response: store 10\.0\.0\.7 did not answer$/],
  ] as const) {
    test(`broken: ${q} → MetricsError ${message}`, async () => {
      await assert.rejects(query(q), (e: unknown) => {
        assert.ok(e instanceof MetricsError, String(e));
        assert.equal(e.code, 'METRICS');
        assert.match(e.message, message);
        assert.equal(e.where?.detail, `query ${q}`);
        return true;
      });
    });
  }

  test('a redirect is not followed (headers never go to another host)', async () => {
    seen.length = 0;
    await assert.rejects(query('redirect'), MetricsError);
    assert.equal(seen.length, 1);
  });

  test('no answer within timeoutMs is "cannot reach"', async () => {
    const started = Date.now();
    await assert.rejects(query('hang', { timeoutMs: 200 }), {
      name: 'MetricsError',
      message: `cannot reach prometheus at ${base}: no answer within 200ms`,
    });
    assert.ok(Date.now() - started < 5000);
  });

  test('an invalid address is a MetricsError without its credentials', async () => {
    await assert.rejects(
      prometheus.query('one', { source: { type: 'prometheus', address: `ftp://u:${PASSWORD}@host` }, time: AT }),
      { name: 'MetricsError', message: 'invalid prometheus address ftp://host: not http(s)' },
    );
    await assert.rejects(prometheus.query('one', { source: { type: 'prometheus', address: 'not a url' }, time: AT }), {
      name: 'MetricsError',
      message: /^invalid prometheus address/,
    });
  });

  const RANGE = { start: new Date('2024-01-01T00:25:00Z'), end: AT, stepMs: 30_000 };
  const range = (q: string, extra?: Partial<PrometheusConfig>, window: Partial<typeof RANGE> & { signal?: AbortSignal } = {}) =>
    prometheus.queryRange(q, { source: source(extra), time: AT, ...RANGE, ...window });

  test('range: sends GET /api/v1/query_range with query, start, end and step in seconds, the headers, and the address parameters first', async () => {
    seen.length = 0;
    assert.deepEqual(await range('range-one', { address: `${base}/prom?tenant=team-a&step=99` }), [1, 2.5, 1000]);
    const req = seen[0]!;
    assert.equal(req.method, 'GET');
    const url = new URL(req.url, 'http://x');
    assert.equal(url.pathname, '/prom/api/v1/query_range');
    assert.deepEqual([...url.searchParams], [
      ['tenant', 'team-a'],
      ['query', 'range-one'],
      ['start', '1704068700'],
      ['end', '1704069000'],
      ['step', '30'],
    ]);
    assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(req.headers['x-api-key'], API_KEY);
  });

  test('range: a fractional step is sent as fractional seconds', async () => {
    seen.length = 0;
    await range('range-one', {}, { stepMs: 1500 });
    assert.equal(new URL(seen[0]!.url, 'http://x').searchParams.get('step'), '1.5');
  });

  for (const [q, message] of [
    ['range-empty', 'query returned no series'],
    ['range-inf', 'query returned only +Inf, -Inf samples'],
  ] as const) {
    test(`range: ${q} → NoDataError "${message}"`, async () => {
      await assert.rejects(range(q), (e: unknown) => e instanceof NoDataError && e.message === message && e.where?.detail === `range query ${q}`);
    });
  }

  for (const [q, message] of [
    ['range-two', /^query "range-two" returned 2 series, expected 1$/],
    ['range-garbage', /answered an unreadable sample value$/],
    ['range-bad-shape', /answered a malformed matrix$/],
    ['one', /^range query "one" returned a vector, expected a matrix$/],
    ['range-warnings', /answered with warnings: partial response: store 10\.0\.0\.7 did not answer$/],
    ['unauthorized', /refused the credentials \(HTTP 401\)$/],
    ['bad-query', /^prometheus rejected query "bad-query": invalid parameter/],
    ['redirect', /answered with a redirect \(HTTP 302\) to http:\/\/elsewhere\.invalid\/api\/v1\/query$/],
    ['range-huge', /response too large or unreadable/],
  ] as const) {
    test(`range: ${q} → MetricsError ${message}`, async () => {
      await assert.rejects(range(q), (e: unknown) => e instanceof MetricsError && !(e instanceof NoDataError) && message.test(e.message));
    });
  }

  test('range: a proxy echoing the credentials has them cut out', async () => {
    const e = await range('echo-secret').catch((err: unknown) => err);
    assert.ok(e instanceof MetricsError);
    assert.match(e.message, /upstream said: \[redacted\] \[redacted\]$/);
    for (const secret of SECRETS) assert.ok(!JSON.stringify(e.toJSON()).includes(secret) && !inspect(e, { depth: 10 }).includes(secret));
  });

  test('range: an invalid window, step or too many points is a MetricsError before any request', async () => {
    seen.length = 0;
    await assert.rejects(range('range-one', {}, { start: new Date(AT.getTime() + 1) }), { name: 'MetricsError', message: /^invalid range for prometheus at .*: the window must start before it ends$/ });
    await assert.rejects(range('range-one', {}, { end: new Date(Number.NaN) }), { name: 'MetricsError', message: /^invalid range/ });
    await assert.rejects(range('range-one', {}, { stepMs: 0 }), { name: 'MetricsError', message: /^invalid range step 0ms/ });
    await assert.rejects(range('range-one', {}, { start: new Date(AT.getTime() - (MAX_RANGE_STEPS + 1) * 1000), stepMs: 1000 }), (e: unknown) => {
      assert.ok(e instanceof MetricsError);
      assert.equal(e.message, `range query of ${MAX_RANGE_STEPS + 1} steps is more than the ${MAX_RANGE_STEPS} prometheus allows`);
      assert.match(e.hint ?? '', /baseline\.resolution/);
      return true;
    });
    assert.equal(seen.length, 0);
    // Exactly at the limit is asked (Prometheus 2.42 answers 11,000 steps, refuses 11,001).
    await range('range-one', {}, { start: new Date(AT.getTime() - MAX_RANGE_STEPS * 1000), stepMs: 1000 });
    assert.equal(seen.length, 1);
  });

  test('range: a passed deadline sends nothing; one that passes while waiting ends the request', async () => {
    seen.length = 0;
    await assert.rejects(range('range-one', {}, { signal: AbortSignal.abort() }), { name: 'MetricsError', message: /^deadline reached before prometheus/ });
    assert.equal(seen.length, 0);
    const controller = new AbortController();
    const pending = range('hang', {}, { signal: controller.signal });
    setImmediate(() => controller.abort());
    await assert.rejects(pending, { name: 'MetricsError', message: /^deadline reached before prometheus/ });
  });

  test('secrets never appear in any error: message, where, hint, data, toJSON, cause, inspect', async () => {
    const closedPort = await freePort();
    const withCredentials = (host: string) => `http://reader:${PASSWORD}@${host}/?token=${PASSWORD}`;
    const attempts: Promise<number>[] = [
      ...Object.keys(canned)
        .filter((q) => !['one', 'one-extra-fields', 'scalar', 'exponent'].includes(q))
        .map((q) => query(q, q === 'hang' ? { timeoutMs: 200 } : {})),
      query('echo-secret', { address: withCredentials(base.slice(7)) }),
      query('one', { address: withCredentials(`127.0.0.1:${closedPort}`) }),
      query('hang', { address: withCredentials(base.slice(7)), timeoutMs: 200 }),
      query('one', { address: withCredentials('host.invalid') }),
      query('one', { address: `ftp://reader:${PASSWORD}@host` }),
    ];
    const errors = await Promise.all(
      attempts.map((p) =>
        p.then(
          () => assert.fail('expected a rejection'),
          (e: unknown) => e,
        ),
      ),
    );
    assert.equal(errors.length, attempts.length);
    for (const e of errors) {
      assert.ok(e instanceof CanaryError, `not a CanaryError: ${inspect(e)}`);
      assert.ok(e instanceof MetricsError || e instanceof NoDataError);
      const views = [
        e.message,
        e.oneLine(),
        String(e.stack),
        JSON.stringify(e),
        JSON.stringify(e.toJSON()),
        JSON.stringify(e.data),
        inspect(e, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
        inspect(e.cause, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
      ];
      for (const view of views) {
        for (const secret of SECRETS) {
          assert.ok(!view.includes(secret), `secret leaked in ${e.message}:\n${view}`);
        }
      }
    }
    // The echoing proxy's text is kept, with the secrets cut out.
    const echoed = errors.find((e) => e instanceof MetricsError && /upstream said/.test(e.message)) as MetricsError;
    assert.match(echoed.message, /upstream said: \[redacted\] \[redacted\]$/);
  });

  test('a network error keeps a scrubbed cause with its code, not the axios error', async () => {
    const port = await freePort();
    const e = await query('one', { address: `http://127.0.0.1:${port}` }).catch((err: unknown) => err);
    assert.ok(e instanceof MetricsError);
    assert.equal(e.data?.['code'], 'ECONNREFUSED');
    assert.ok(e.cause instanceof Error);
    assert.equal(Object.getPrototypeOf(e.cause), Error.prototype);
    assert.equal((e.cause as Error & { code?: string }).code, 'ECONNREFUSED');
    assert.equal('config' in (e.cause as object), false);
  });
});

describe('safeAddress', () => {
  for (const [raw, shown] of [
    ['http://prometheus.monitoring:9090', 'http://prometheus.monitoring:9090'],
    ['http://prometheus.monitoring:9090/', 'http://prometheus.monitoring:9090'],
    ['https://u:p@prom.example.com/prometheus/', 'https://prom.example.com/prometheus'],
    ['http://prom:9090/?token=abc#x', 'http://prom:9090?token=***'],
    ['http://thanos:9090/?partial_response=false&tenant=a%20b', 'http://thanos:9090?partial_response=false&tenant=a%20b'],
    ['http://prom:9090/?access_token=abc&api_key=x&X-Amz-Signature=s&dedup=true', 'http://prom:9090?access_token=***&api_key=***&X-Amz-Signature=***&dedup=true'],
    ['//u:p@weird', '//weird'],
  ] as const) {
    test(`${raw} → ${shown}`, () => assert.equal(safeAddress(raw), shown));
  }
});

describe('parseSampleValue', () => {
  for (const [raw, value] of [
    ['1', 1],
    ['99.9', 99.9],
    ['-0.5', -0.5],
    ['1e+06', 1e6],
    ['1.5E-3', 0.0015],
    ['.5', 0.5],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['Inf', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
    ['NaN', Number.NaN],
    ['', undefined],
    ['0x10', undefined],
    ['twelve', undefined],
    ['1,5', undefined],
  ] as const) {
    test(`${JSON.stringify(raw)} → ${value}`, () => assert.deepEqual(parseSampleValue(raw), value));
  }
});

describe('redact', () => {
  test('header values, their words and address credentials (encoded or not) are cut out', () => {
    const secrets = secretsOf('http://reader:pa%40ss%zzword@prom:9090/?token=abcd1234', {
      Authorization: 'Bearer tok-123456',
      'X-Scope-OrgID': 'tenant-a',
      'X-Short': 'abc',
    });
    const text =
      'Bearer tok-123456 | tok-123456 | tenant-a | reader | pa%40ss%zzword | pa@ss%zzword | token=abcd1234 | missing Bearer token | abc';
    assert.equal(
      redact(text, secrets),
      '[redacted] | [redacted] | [redacted] | [redacted] | [redacted] | [redacted] | [redacted] | missing Bearer token | abc',
    );
  });

  test('a decodable password is also cut out decoded', () => {
    const secrets = secretsOf('http://u:p%40ssword@prom', undefined);
    assert.equal(redact('p@ssword and p%40ssword', secrets), '[redacted] and [redacted]');
  });
});
