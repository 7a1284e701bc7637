/**
 * The prometheus source against a real VictoriaMetrics (one server for the
 * file, test/helpers/victoria-metrics.ts): instant and range queries with
 * exact values over data imported with fixed 2024 timestamps, Basic auth on
 * the server itself and Bearer through vmauth (the single-node server has no
 * Bearer auth), both set through `headers` as a user would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MetricsError, NoDataError } from '../../src/errors.ts';
import { MetricsSourceConfig } from '../../src/metrics/index.ts';
import { type PrometheusConfig, prometheus } from '../../src/metrics/prometheus.ts';
import { type RunningVictoriaMetrics, startVictoriaMetrics, victoriaMetricsSkip } from '../helpers/victoria-metrics.ts';

const USER = 'canary-reader';
const PASSWORD = 'vm-pa55w0rd-basic';
const BEARER = 'vm-bearer-t0ken-0123456789';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const SECRETS = [PASSWORD, BEARER, BASIC.slice('Basic '.length)];

/** 00:20 → 00:30 on 2024-01-01, a sample every 15 s. */
const START_MS = Date.parse('2024-01-01T00:20:00Z');
const STEP_MS = 15_000;
const SAMPLES = 41;
const AT = new Date('2024-01-01T00:30:00Z');
const QUEUE = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];

/** What a scrape of the checkout pods would have stored, as exposition text with ms timestamps. */
function exposition(): string {
  const lines = [
    '# HELP http_requests_total Requests handled, by track and status code.',
    '# TYPE http_requests_total counter',
  ];
  const counters: [string, number][] = [
    ['{app="checkout",track="canary",code="200"}', 10],
    ['{app="checkout",track="canary",code="500"}', 0.1],
    ['{app="checkout",track="stable",code="200"}', 20],
  ];
  for (const [labels, perSecond] of counters) {
    for (let i = 0; i < SAMPLES; i++) lines.push(`http_requests_total${labels} ${(perSecond * i * STEP_MS) / 1000} ${START_MS + i * STEP_MS}`);
  }
  lines.push('# HELP queue_depth Jobs waiting, sampled each minute.', '# TYPE queue_depth gauge');
  QUEUE.forEach((v, i) => {
    lines.push(`queue_depth{app="checkout"} ${v} ${START_MS + i * 60_000}`);
  });
  return `${lines.join('\n')}\n`;
}

let vm: RunningVictoriaMetrics;
const basic = (address = vm.url) => MetricsSourceConfig.parse({ type: 'prometheus', address, headers: { Authorization: BASIC } }) as PrometheusConfig;
const bearer = (token = BEARER) => MetricsSourceConfig.parse({ type: 'prometheus', address: vm.proxyUrl, headers: { Authorization: `Bearer ${token}` } }) as PrometheusConfig;
const at = (source: PrometheusConfig) => ({ source, time: AT });
const range = (source: PrometheusConfig, from: string, to: string, stepMs: number) => ({ source, time: AT, start: new Date(from), end: new Date(to), stepMs });

async function rejects(p: Promise<unknown>, kind: typeof MetricsError | typeof NoDataError, message: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof kind, `expected ${kind.name}, got ${String(e)}`);
    assert.match(e.message, message);
    const text = JSON.stringify({ m: e.message, h: e.hint, d: e.data, w: e.where, c: String(e.cause) });
    for (const s of SECRETS) assert.ok(!text.includes(s), `secret leaked: ${text}`);
    return true;
  });
}

describe('prometheus source against a real VictoriaMetrics', { skip: victoriaMetricsSkip() }, () => {
  before(async () => {
    vm = await startVictoriaMetrics({ basicAuth: { username: USER, password: PASSWORD }, bearerToken: BEARER });
    await vm.importPrometheus(exposition());
  });
  after(() => vm?.stop());

  test('instant query with Basic auth: the canary request rate, exactly', async () => {
    assert.equal(await prometheus.query('sum(rate(http_requests_total{app="checkout",track="canary"}[1m]))', at(basic())), 10 + 0.1);
  });

  test('a success-rate ratio', async () => {
    const q =
      'sum(rate(http_requests_total{app="checkout",track="canary",code!~"5.."}[1m])) / sum(rate(http_requests_total{app="checkout",track="canary"}[1m])) * 100';
    assert.equal(await prometheus.query(q, at(basic())), (10 / (10 + 0.1)) * 100);
  });

  test('the same through vmauth with a Bearer token', async () => {
    assert.equal(await prometheus.query('sum(rate(http_requests_total{track="stable"}[1m]))', at(bearer())), 20);
  });

  test('under the /prometheus path prefix (as vmselect and Mimir serve the API)', async () => {
    assert.equal(await prometheus.query('queue_depth{app="checkout"}', at(basic(`${vm.url}/prometheus`))), 5);
  });

  test('range query: one sample per step, exactly', async () => {
    const values = await prometheus.queryRange('queue_depth{app="checkout"}', range(basic(), '2024-01-01T00:25:00Z', '2024-01-01T00:30:00Z', 60_000));
    assert.deepEqual(values, QUEUE.slice(5));
  });

  test('range query of a rate through vmauth', async () => {
    const values = await prometheus.queryRange(
      'sum(rate(http_requests_total{track="stable"}[1m]))',
      { ...range(bearer(), '2024-01-01T00:26:00Z', '2024-01-01T00:30:00Z', 30_000) },
    );
    assert.deepEqual(values, Array(9).fill(20));
  });

  test('no series is no data (hold), never 0', async () => {
    await rejects(prometheus.query('sum(rate(http_requests_total{app="cart"}[1m]))', at(basic())), NoDataError, /query returned no series/);
  });

  test('several series are an error', async () => {
    await rejects(prometheus.query('rate(http_requests_total{app="checkout"}[1m])', at(basic())), MetricsError, /returned 3 series, expected 1/);
  });

  test('a query VictoriaMetrics rejects names the query', async () => {
    await rejects(prometheus.query('sum(rate(http_requests_total[1m])', at(basic())), MetricsError, /prometheus rejected query "sum\(rate\(http_requests_total\[1m\]\)"/);
  });

  test('a wrong Basic password: refused (HTTP 401), never shown', async () => {
    const wrong = MetricsSourceConfig.parse({
      type: 'prometheus',
      address: vm.url,
      headers: { Authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}-old`).toString('base64')}` },
    }) as PrometheusConfig;
    await rejects(prometheus.query('queue_depth', at(wrong)), MetricsError, /refused the credentials \(HTTP 401\)/);
  });

  test('no credentials at all: refused', async () => {
    const none = MetricsSourceConfig.parse({ type: 'prometheus', address: vm.url }) as PrometheusConfig;
    await rejects(prometheus.query('queue_depth', at(none)), MetricsError, /refused the credentials \(HTTP 401\)/);
  });

  test('an unknown Bearer token at vmauth is an error (hold), the token never shown', async () => {
    // vmauth 1.79 answers an unknown token with HTTP 400 and a text naming the token.
    await rejects(prometheus.query('queue_depth', at(bearer(`${BEARER}-old`))), MetricsError, /^unexpected answer from prometheus at http:\/\/127\.0\.0\.1:\d+ \(HTTP 400\)$/);
  });
});
