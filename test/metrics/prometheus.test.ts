/**
 * The Prometheus source against a real Prometheus 2.42 serving backfilled data.
 * Every expected value is computed by hand from the series below: counters grow
 * at constant rates sampled every 15 s, so rate(x[1m]) is exactly that rate.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { judge } from '../../src/analysis/evaluate.ts';
import { MetricsError, NoDataError } from '../../src/errors.ts';
import { MAX_RANGE_STEPS, prometheus } from '../../src/metrics/prometheus.ts';
import { runAnalysis, runChecks } from '../../src/metrics/run-checks.ts';
import type { PrometheusConfig } from '../../src/metrics/prometheus.ts';
import {
  counterSeries,
  FIXED_START,
  freePort,
  gaugeSeries,
  histogramSeries,
  openMetrics,
  prometheusSkip,
  type RunningPrometheus,
  startPrometheus,
} from '../helpers/prometheus.ts';

const window = { start: FIXED_START, stepSeconds: 15, durationSeconds: 3600 };
/** Evaluation time: 30 minutes into the one-hour window. */
const AT = new Date(FIXED_START.getTime() + 30 * 60 * 1000);

const requests = (app: string, code: string, ratePerSecond: number) =>
  counterSeries('http_requests_total', { app, track: 'canary', code }, { ...window, ratePerSecond });

const data = openMetrics(
  // checkout: 999 ok + 1 error per second → 99.9 % success.
  requests('checkout', '200', 999),
  requests('checkout', '500', 1),
  // payments: 90 ok + 10 errors per second → 90 % success.
  requests('payments', '200', 90),
  requests('payments', '503', 10),
  // search: a canary that gets no traffic → 0/0.
  requests('search', '200', 0),
  requests('search', '500', 0),
  // Latency, cumulative observations per second by bucket.
  // checkout p99: rank 99 falls in (0.25, 0.5] holding 90..100 → 0.25 + 0.25 * (99 - 90) / 10 = 0.475.
  histogramSeries(
    'http_request_duration_seconds',
    { app: 'checkout', track: 'canary' },
    { ...window, bucketRates: { '0.1': 50, '0.25': 90, '0.5': 100, '1': 100, '+Inf': 100 }, sumPerSecond: 15 },
  ),
  // payments p99: rank 99 is past the last finite bucket (80 ≤ 1 s) → histogram_quantile answers 1.
  histogramSeries(
    'http_request_duration_seconds',
    { app: 'payments', track: 'canary' },
    { ...window, bucketRates: { '0.1': 10, '0.25': 20, '0.5': 40, '1': 80, '+Inf': 100 }, sumPerSecond: 60 },
  ),
  // search: no observations either → histogram_quantile of empty buckets is NaN.
  histogramSeries(
    'http_request_duration_seconds',
    { app: 'search', track: 'canary' },
    { ...window, bucketRates: { '0.1': 0, '0.25': 0, '0.5': 0, '1': 0, '+Inf': 0 } },
  ),
  // No canary pods: anything divided by it is ±Inf.
  gaugeSeries('canary_pods', { app: 'checkout' }, { ...window, value: 0 }),
);

const successRate = (app: string) =>
  `sum(rate(http_requests_total{app="${app}",track="canary",code!~"5.."}[1m])) / sum(rate(http_requests_total{app="${app}",track="canary"}[1m])) * 100`;
const latencyP99 = (app: string) =>
  `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{app="${app}",track="canary"}[1m])))`;

describe('prometheus source against a real Prometheus', { skip: prometheusSkip() }, () => {
  let prom: RunningPrometheus;
  let source: PrometheusConfig;
  const query = (q: string, time = AT) => prometheus.query(q, { source, time });

  before(async () => {
    prom = await startPrometheus({ openmetrics: data });
    source = { type: 'prometheus', address: prom.url };
  });
  after(async () => {
    await prom?.stop();
  });

  test('success rate of a healthy canary is exactly 99.9', async () => {
    assert.equal(await query(successRate('checkout')), (999 / (999 + 1)) * 100);
    assert.equal(await query(successRate('checkout')), 99.9);
  });

  test('success rate of a failing canary is exactly 90', async () => {
    assert.equal(await query(successRate('payments')), 90);
  });

  test('request rate is the generated rate', async () => {
    assert.equal(await query('sum(rate(http_requests_total{app="checkout",track="canary"}[1m]))'), 1000);
    assert.equal(await query('sum(rate(http_requests_total{app="payments",code="503"}[5m]))'), 10);
  });

  test('histogram_quantile latency p99', async () => {
    assert.equal(await query(latencyP99('checkout')), 0.25 + (0.5 - 0.25) * ((99 - 90) / (100 - 90)));
    assert.equal(await query(latencyP99('checkout')), 0.475);
    assert.equal(await query(latencyP99('payments')), 1);
    // p50: rank 50 fills the first bucket (0, 0.1] exactly.
    assert.equal(
      await query('histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{app="checkout"}[1m])))'),
      0.1,
    );
  });

  test('mean latency from _sum / _count', async () => {
    const mean = (app: string) =>
      `sum(rate(http_request_duration_seconds_sum{app="${app}"}[1m])) / sum(rate(http_request_duration_seconds_count{app="${app}"}[1m]))`;
    assert.equal(await query(mean('checkout')), 0.15);
    assert.equal(await query(mean('payments')), 0.6);
  });

  test('a scalar result is that number', async () => {
    assert.equal(await query('scalar(sum(rate(http_requests_total{app="payments"}[1m])))'), 100);
    assert.equal(await query('40 + 2'), 42); // a literal + survives URL encoding
  });

  test('an empty result is NoDataError, never 0', async () => {
    const q = 'sum(rate(http_requests_total{app="nonexistent"}[1m]))';
    await assert.rejects(query(q), (e: unknown) => {
      assert.ok(e instanceof NoDataError);
      assert.equal(e.code, 'METRICS_NO_DATA');
      assert.equal(e.message, 'query returned no series');
      assert.equal(e.where?.detail, `query ${q}`);
      assert.equal(e.data?.['result'], 'empty');
      return true;
    });
  });

  test('outside the data (before the window) there is no data', async () => {
    const before = new Date(FIXED_START.getTime() - 3600 * 1000);
    await assert.rejects(query(successRate('checkout'), before), NoDataError);
  });

  test('0/0 of a canary without traffic is NaN → NoDataError', async () => {
    await assert.rejects(query(successRate('search')), (e: unknown) => {
      assert.ok(e instanceof NoDataError);
      assert.equal(e.message, 'query returned NaN');
      assert.match(e.hint ?? '', /0\/0/);
      return true;
    });
  });

  test('+Inf and -Inf are NoDataError', async () => {
    const perPod = 'sum(rate(http_requests_total{app="checkout",track="canary"}[1m])) / sum(canary_pods{app="checkout"})';
    await assert.rejects(query(perPod), { name: 'NoDataError', message: 'query returned +Inf' });
    await assert.rejects(query(`-1 * ${perPod}`), { name: 'NoDataError', message: 'query returned -Inf' });
    await assert.rejects(query('1/0'), { name: 'NoDataError', message: 'query returned +Inf' });
  });

  test('several series is a MetricsError naming the query and the count', async () => {
    const q = 'rate(http_requests_total{app="checkout",track="canary"}[1m])';
    await assert.rejects(query(q), (e: unknown) => {
      assert.ok(e instanceof MetricsError);
      assert.equal(e.code, 'METRICS');
      assert.equal(e.message, `query "${q}" returned 2 series, expected 1`);
      assert.match(e.hint ?? '', /sum\(\.\.\.\)/);
      assert.equal(e.data?.['series'], 2);
      assert.deepEqual(
        (e.data?.['labels'] as Record<string, string>[] | undefined)?.map((l) => l['code']).sort(),
        ['200', '500'],
      );
      return true;
    });
  });

  test('a range vector is a MetricsError', async () => {
    await assert.rejects(query('sum(http_requests_total{app="checkout"})[1m:15s]'), {
      name: 'MetricsError',
      message: /returned a matrix, expected one number/,
    });
  });

  test("bad PromQL is a MetricsError with Prometheus' message", async () => {
    const q = 'sum(rate(http_requests_total[1m])';
    await assert.rejects(query(q), (e: unknown) => {
      assert.ok(e instanceof MetricsError);
      assert.match(e.message, /^prometheus rejected query "sum\(rate\(http_requests_total\[1m\]\)": /);
      assert.match(e.message, /parse error/);
      assert.equal(e.data?.['status'], 400);
      assert.equal(e.data?.['errorType'], 'bad_data');
      return true;
    });
  });

  test('an execution error (422) is a MetricsError with its text', async () => {
    // Two series on the right for one on the left: many-to-one matching needs group_left.
    const q = 'sum(rate(http_requests_total{app="checkout"}[1m])) / on() rate(http_requests_total{app="checkout"}[1m])';
    await assert.rejects(query(q), (e: unknown) => {
      assert.ok(e instanceof MetricsError);
      assert.match(e.message, /^prometheus rejected query/);
      assert.match(e.message, /many-to-many|matching|group_left|group_right/i);
      assert.equal(e.data?.['status'], 422);
      return true;
    });
  });

  test('nothing listening on the port: "cannot reach"', async () => {
    const port = await freePort();
    const address = `http://127.0.0.1:${port}`;
    await assert.rejects(prometheus.query('1', { source: { type: 'prometheus', address }, time: AT }), {
      name: 'MetricsError',
      code: 'METRICS',
      message: `cannot reach prometheus at ${address}: connection refused`,
    });
  });

  test('runChecks + judge: the PRODUCT.md checks on a healthy and a failing canary', async () => {
    const checks = (app: string) => [
      { name: 'success-rate', query: successRate(app), min: 99 },
      { name: 'latency-p99', query: latencyP99(app), max: 0.5 },
    ];
    const healthy = judge(await runChecks(prometheus, source, checks('checkout'), AT));
    assert.equal(healthy.outcome, 'pass');
    assert.equal(healthy.summary, 'success-rate 99.9 (min 99) pass; latency-p99 0.475 (max 0.5) pass');

    const failing = judge(await runChecks(prometheus, source, checks('payments'), AT));
    assert.equal(failing.outcome, 'fail');
    assert.equal(failing.summary, 'success-rate 90 (min 99) fail; latency-p99 1 (max 0.5) fail');
    assert.deepEqual(
      failing.checks.map((c) => c.reason),
      ['90 is below min 99', '1 is above max 0.5'],
    );

    const idle = judge(await runChecks(prometheus, source, checks('search'), AT));
    assert.equal(idle.outcome, 'inconclusive');
    assert.deepEqual(
      idle.checks.map((c) => [c.outcome, c.value]),
      [
        ['no-data', null],
        ['no-data', null],
      ],
    );
    assert.equal(
      idle.summary,
      'success-rate - (min 99) no-data (query returned NaN); latency-p99 - (max 0.5) no-data (query returned NaN)',
    );
  });
});

describe('prometheus source when Prometheus stops', { skip: prometheusSkip() }, () => {
  test('a stopped Prometheus is "cannot reach", not no-data', async () => {
    const prom = await startPrometheus({
      openmetrics: openMetrics(gaugeSeries('up_canary', {}, { ...window, value: 1 })),
    });
    const source = { type: 'prometheus', address: prom.url };
    try {
      assert.equal(await prometheus.query('sum(up_canary)', { source, time: AT }), 1);
    } finally {
      await prom.stop();
    }
    await assert.rejects(prometheus.query('sum(up_canary)', { source, time: AT }), {
      name: 'MetricsError',
      message: `cannot reach prometheus at ${prom.url}: connection refused`,
    });
  });
});

describe('range queries and runAnalysis against a real Prometheus', { skip: prometheusSkip() }, () => {
  // Ten minutes of gauges sampled every 15 s from FIXED_START: sample i sits at FIXED_START + 15·i s.
  const every15s = { start: FIXED_START, stepSeconds: 15 };
  const n = 41;
  const at = (seconds: number) => new Date(FIXED_START.getTime() + seconds * 1000);
  const rangeData = openMetrics(
    gaugeSeries('latency_ms', { track: 'canary' }, { ...every15s, values: Array.from({ length: n }, (_, i) => 110 + (i % 5)) }),
    gaugeSeries('latency_ms', { track: 'stable' }, { ...every15s, values: Array.from({ length: n }, (_, i) => 100 + (i % 5)) }),
    gaugeSeries('flaky', {}, { ...every15s, values: [1, Number.NaN, 3, Number.POSITIVE_INFINITY, 5, Number.NEGATIVE_INFINITY, 7] }),
    gaugeSeries('idle', {}, { ...every15s, values: [Number.NaN, Number.NaN, Number.NaN] }),
    counterSeries('served_total', { track: 'canary' }, { ...every15s, samples: n, ratePerSecond: 2 }),
  );
  let prom: RunningPrometheus;
  let source: PrometheusConfig;
  /** Samples 4..8: from 60 s to 120 s. */
  const window = { start: at(60), end: at(120), stepMs: 15_000 };
  const range = (q: string, w = window) => prometheus.queryRange(q, { source, time: w.end, ...w });

  before(async () => {
    prom = await startPrometheus({ openmetrics: rangeData });
    source = { type: 'prometheus', address: prom.url };
  });
  after(async () => {
    await prom?.stop();
  });

  test('one series: its samples at start, start + step, … end, exactly', async () => {
    assert.deepEqual(await range('latency_ms{track="canary"}'), [114, 110, 111, 112, 113]);
    assert.deepEqual(await range('latency_ms{track="stable"}'), [104, 100, 101, 102, 103]);
    // A step of 30 s takes every other sample.
    assert.deepEqual(await range('latency_ms{track="canary"}', { ...window, stepMs: 30_000 }), [114, 111, 113]);
    assert.deepEqual(await range('sum(latency_ms) - 200'), [18, 10, 12, 14, 16]);
  });

  test('NaN and ±Inf samples are dropped, the finite ones kept', async () => {
    assert.deepEqual(await range('flaky', { start: at(0), end: at(90), stepMs: 15_000 }), [1, 3, 5, 7]);
  });

  test('only non-finite samples is NoDataError', async () => {
    await assert.rejects(range('idle', { start: at(0), end: at(30), stepMs: 15_000 }), { name: 'NoDataError', message: 'query returned only NaN samples' });
    await assert.rejects(range('flaky', { start: at(15), end: at(15), stepMs: 15_000 }), { name: 'NoDataError', message: 'query returned only NaN samples' });
  });

  test('no series is NoDataError', async () => {
    await assert.rejects(range('latency_ms{track="nope"}'), { name: 'NoDataError', message: 'query returned no series' });
  });

  test('several series is a MetricsError naming the count', async () => {
    await assert.rejects(range('latency_ms'), (e: unknown) => {
      assert.ok(e instanceof MetricsError);
      assert.equal(e.message, 'query "latency_ms" returned 2 series, expected 1');
      assert.equal(e.where?.detail, 'range query latency_ms');
      assert.deepEqual((e.data?.['labels'] as Record<string, string>[] | undefined)?.map((l) => l['track']).sort(), ['canary', 'stable']);
      return true;
    });
  });

  test("the step limit is Prometheus' own: 11,000 steps are answered, 11,001 refused before asking", async () => {
    assert.equal((await range('vector(1)', { start: at(0), end: at(MAX_RANGE_STEPS), stepMs: 1000 })).length, MAX_RANGE_STEPS + 1);
    await assert.rejects(range('vector(1)', { start: at(0), end: at(MAX_RANGE_STEPS + 1), stepMs: 1000 }), { name: 'MetricsError', message: /11001 steps/ });
  });

  test("bad PromQL is a MetricsError with Prometheus' message", async () => {
    await assert.rejects(range('sum(latency_ms'), { name: 'MetricsError', message: /^prometheus rejected query "sum\(latency_ms": .*parse error/ });
  });

  test('runAnalysis: a regression visible only against stable, judged by mann-whitney and by value', async () => {
    const rel = (r: number) => ({ relative: r });
    const j = await runAnalysis(
      { prom: source },
      {
        metrics: 'prom',
        checks: [
          // Within the fixed limit, 9.8% above stable's series: significant (p = 2/252) and beyond 5%.
          {
            name: 'latency',
            query: 'latency_ms{track="canary"}',
            max: 500,
            baseline: { method: 'mann-whitney', query: 'latency_ms{track="stable"}', confidence: 0.98, resolutionMs: 15_000, maxIncrease: rel(0.05) },
          },
          // At 120 s: canary 113 against stable 103 is 9.7% above, within 10%.
          {
            name: 'latency-now',
            query: 'latency_ms{track="canary"}',
            baseline: { method: 'value', query: 'latency_ms{track="stable"}', confidence: 0.98, resolutionMs: 15_000, maxIncrease: rel(0.1) },
          },
        ],
        minRequests: { query: 'sum(rate(served_total{track="canary"}[1m])) * 60', min: 100 },
      },
      { time: window.end, windowStart: window.start, references: {} },
    );
    assert.equal(j.outcome, 'fail');
    assert.equal(
      j.summary,
      'requests 120 (minRequests 100) pass; latency 112 (max 500, ref 102 mann-whitney p=0.007937 effect 1.098 maxIncrease 5%) fail; ' +
        'latency-now 113 (ref 103 +9.71% maxIncrease 10%) pass',
    );
    const c = j.checks[0]!.comparison!;
    assert.ok(Math.abs(c.pValue! - 2 / 252) < 1e-15);
    assert.deepEqual(c.samples, { canary: 5, baseline: 5 });
  });
});
