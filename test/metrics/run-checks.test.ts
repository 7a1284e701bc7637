import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type BaselineCheck, type Check, judge } from '../../src/analysis/evaluate.ts';
import { ConfigError, MetricsError, NoDataError } from '../../src/errors.ts';
import { type AnalysisContext, runAnalysis, runAnalysisWith, runChecks, VALIDATE_WINDOW_MS } from '../../src/metrics/run-checks.ts';
import { z } from 'zod';
import type { MetricSource, MetricSourceConfig, QueryContext, RangeQueryContext } from '../../src/metrics/types.ts';

const config: MetricSourceConfig = { type: 'fake', address: 'http://fake:9090' };
const AT = new Date('2024-01-01T00:30:00Z');

/**
 * A source answering from tables by query (instant) and by query (range);
 * each answer settles after `delayMs`. Calls are recorded with their context.
 */
function fakeSource(answers: Record<string, number | Error>, delayMs = 20, ranges: Record<string, number[] | Error> = {}) {
  const calls: { q: string; ctx: QueryContext }[] = [];
  const rangeCalls: { q: string; ctx: RangeQueryContext }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const settle = async <T>(a: T | Error | undefined, q: string): Promise<T> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => {
      const timer = setTimeout(r, delayMs);
      // A source that never answers in time must not keep the test process alive.
      if (delayMs >= 10_000) timer.unref();
    });
    inFlight--;
    if (a === undefined) throw new Error(`unexpected query ${q}`);
    if (a instanceof Error) throw a;
    return a;
  };
  const source: MetricSource = {
    type: 'fake',
    schema: z.strictObject({ type: z.literal('fake') }),
    promql: false,
    query(q, ctx) {
      calls.push({ q, ctx });
      return settle(answers[q], q);
    },
    queryRange(q, ctx) {
      rangeCalls.push({ q, ctx });
      return settle(ranges[q], q);
    },
  };
  return { source, calls, rangeCalls, maxInFlight: () => maxInFlight };
}

describe('runChecks', () => {
  test('queries every check in parallel with the source config and time, results in check order', async () => {
    const fake = fakeSource({ a: 99.5, b: 0.3, c: 98 });
    const results = await runChecks(
      fake.source,
      config,
      [
        { name: 'a', query: 'a', min: 99 },
        { name: 'b', query: 'b', max: 0.5 },
        { name: 'c', query: 'c', min: 99, max: 100 },
      ],
      AT,
    );
    assert.equal(fake.maxInFlight(), 3);
    assert.deepEqual(
      fake.calls.map((c) => [c.q, c.ctx.source, c.ctx.time]),
      [
        ['a', config, AT],
        ['b', config, AT],
        ['c', config, AT],
      ],
    );
    assert.deepEqual(results, [
      { name: 'a', query: 'a', min: 99, value: 99.5, outcome: 'pass', reason: '99.5 satisfies min 99' },
      { name: 'b', query: 'b', max: 0.5, value: 0.3, outcome: 'pass', reason: '0.3 satisfies max 0.5' },
      { name: 'c', query: 'c', min: 99, max: 100, value: 98, outcome: 'fail', reason: '98 is below min 99' },
    ]);
  });

  test('NoDataError → no-data, MetricsError → error, with their messages as reasons', async () => {
    const fake = fakeSource({
      empty: new NoDataError('query returned NaN'),
      down: new MetricsError('cannot reach prometheus at http://fake:9090: connection refused'),
      ok: 1,
    });
    const results = await runChecks(
      fake.source,
      config,
      [
        { name: 'empty', query: 'empty', min: 1 },
        { name: 'down', query: 'down', min: 1 },
        { name: 'ok', query: 'ok', min: 1 },
      ],
      AT,
    );
    assert.deepEqual(
      results.map((r) => [r.outcome, r.value, r.reason]),
      [
        ['no-data', null, 'query returned NaN'],
        ['error', null, 'cannot reach prometheus at http://fake:9090: connection refused'],
        ['pass', 1, '1 satisfies min 1'],
      ],
    );
    assert.equal(judge(results).outcome, 'error');
  });

  test('anything else is rethrown (a bug is not a hold)', async () => {
    const fake = fakeSource({ ok: 1, bug: new TypeError('boom'), config: new ConfigError('bad') });
    await assert.rejects(
      runChecks(fake.source, config, [{ name: 'ok', query: 'ok', min: 0 }, { name: 'bug', query: 'bug', min: 0 }], AT),
      { name: 'TypeError', message: 'boom' },
    );
    await assert.rejects(runChecks(fake.source, config, [{ name: 'c', query: 'config', min: 0 }], AT), ConfigError);
  });

  test('no checks: no queries, no results', async () => {
    const fake = fakeSource({});
    assert.deepEqual(await runChecks(fake.source, config, [], AT), []);
    assert.equal(fake.calls.length, 0);
  });
});

const WINDOW_START = new Date('2024-01-01T00:25:00Z');
const ctx = (extra: Partial<AnalysisContext> = {}): AnalysisContext => ({ time: AT, windowStart: WINDOW_START, references: {}, ...extra });
const rel = (r: number) => ({ relative: r });
const valueBaseline = (extra: Partial<BaselineCheck> = {}): BaselineCheck => ({ method: 'value', confidence: 0.98, resolutionMs: 30_000, maxIncrease: rel(0.1), ...extra });

describe('runAnalysis', () => {
  const stableCheck: Check = { name: 'latency', query: 'canary-latency', max: 500, critical: true, baseline: valueBaseline({ query: 'stable-latency' }) };
  const firstCheck: Check = { name: 'errors', query: 'canary-errors', baseline: valueBaseline() };
  const seriesCheck: Check = {
    name: 'p99',
    query: 'canary-p99',
    baseline: { method: 'mann-whitney', query: 'stable-p99', confidence: 0.98, resolutionMs: 15_000, maxIncrease: rel(0.05) },
  };

  test('every query in parallel: checks, baselines, range queries and the request count', async () => {
    const fake = fakeSource(
      { 'canary-latency': 212, 'stable-latency': 180, 'canary-errors': 0.2, requests: 500 },
      20,
      { 'canary-p99': [110, 111, 112, 113, 114], 'stable-p99': [100, 101, 102, 103, 104] },
    );
    const j = await runAnalysisWith(fake.source, config, { checks: [stableCheck, firstCheck, seriesCheck], minRequests: { query: 'requests', min: 100 } }, ctx());
    assert.equal(fake.maxInFlight(), 6);
    assert.deepEqual(fake.calls.map((c) => [c.q, c.ctx.time]).sort(), [
      ['canary-errors', AT],
      ['canary-latency', AT],
      ['requests', AT],
      ['stable-latency', AT],
    ]);
    assert.deepEqual(
      fake.rangeCalls.map((c) => [c.q, c.ctx.start, c.ctx.end, c.ctx.stepMs, c.ctx.source]),
      [
        ['canary-p99', WINDOW_START, AT, 15_000, config],
        ['stable-p99', WINDOW_START, AT, 15_000, config],
      ],
    );
    assert.equal(j.outcome, 'fail');
    assert.deepEqual(j.critical, ['latency']);
    assert.deepEqual(j.requests, { value: 500, min: 100, outcome: 'pass', reason: '500 requests, at least minRequests 100' });
    assert.deepEqual(
      j.checks.map((c) => [c.name, c.value, c.outcome, c.comparison?.from, c.comparison?.reference]),
      [
        ['latency', 212, 'fail', 'baseline', 180],
        ['errors', 0.2, 'pass', 'first-value', 0.2],
        ['p99', 112, 'fail', 'baseline', 102],
      ],
    );
    assert.equal(
      j.summary,
      'requests 500 (minRequests 100) pass; latency 212 (max 500, ref 180 +17.8% maxIncrease 10%) fail critical; ' +
        'errors 0.2 (first 0.2 +0% maxIncrease 10%) pass; p99 112 (ref 102 mann-whitney p=0.007937 effect 1.098 maxIncrease 5%) fail',
    );
  });

  test("a baseline without a query compares with the rollout's first value from the context", async () => {
    const fake = fakeSource({ 'canary-errors': 0.3 });
    const j = await runAnalysisWith(fake.source, config, { checks: [firstCheck] }, ctx({ references: { errors: 0.2 } }));
    assert.equal(j.outcome, 'fail');
    assert.equal(j.checks[0]!.reason, '0.3 is 50% above first value 0.2 (maxIncrease 10%)');
  });

  test('a reference is looked up by own name only (a check named "constructor")', async () => {
    const fake = fakeSource({ q: 5 });
    const j = await runAnalysisWith(fake.source, config, { checks: [{ ...firstCheck, name: 'constructor', query: 'q' }] }, ctx());
    assert.deepEqual(j.checks[0]!.comparison, { method: 'value', reference: 5, from: 'first-value', change: 0, bound: 'maxIncrease 10%' });
  });

  test('below minRequests the judgment is inconclusive, failing checks included, and says how many requests there were', async () => {
    const fake = fakeSource({ 'canary-latency': 900, 'stable-latency': 180, requests: 12 });
    const j = await runAnalysisWith(fake.source, config, { checks: [stableCheck], minRequests: { query: 'requests', min: 100 } }, ctx());
    assert.equal(j.outcome, 'inconclusive');
    assert.deepEqual(j.critical, []);
    assert.equal(j.checks[0]!.outcome, 'fail');
    assert.equal(j.requests?.reason, '12 requests, below minRequests 100');
    assert.match(j.summary, /^requests 12 \(minRequests 100\) inconclusive; latency 900 /);
  });

  test('a request count that errors is an error judgment; no count is inconclusive', async () => {
    const down = fakeSource({ 'canary-errors': 0.2, requests: new MetricsError('prometheus at http://fake:9090 refused the credentials (HTTP 401)') });
    const j = await runAnalysisWith(down.source, config, { checks: [firstCheck], minRequests: { query: 'requests', min: 1 } }, ctx());
    assert.equal(j.outcome, 'error');
    assert.deepEqual(j.requests, { value: null, min: 1, outcome: 'error', reason: 'prometheus at http://fake:9090 refused the credentials (HTTP 401)' });
    const none = fakeSource({ 'canary-errors': 0.2, requests: new NoDataError('query returned no series') });
    assert.equal((await runAnalysisWith(none.source, config, { checks: [firstCheck], minRequests: { query: 'requests', min: 1 } }, ctx())).outcome, 'inconclusive');
  });

  test("no data and errors of a range query are the check's outcome", async () => {
    const fake = fakeSource({}, 5, { 'canary-p99': new NoDataError('query returned only NaN samples'), 'stable-p99': [1, 2, 3] });
    const j = await runAnalysisWith(fake.source, config, { checks: [seriesCheck] }, ctx());
    assert.deepEqual([j.outcome, j.checks[0]!.outcome, j.checks[0]!.reason], ['inconclusive', 'no-data', 'query returned only NaN samples']);
    const broken = fakeSource({}, 5, { 'canary-p99': [1, 2, 3], 'stable-p99': new MetricsError('query "stable-p99" returned 2 series, expected 1') });
    const e = await runAnalysisWith(broken.source, config, { checks: [seriesCheck] }, ctx());
    assert.deepEqual([e.outcome, e.checks[0]!.reason], ['error', 'baseline: query "stable-p99" returned 2 series, expected 1']);
  });

  test('the tick deadline: a source that ignores the signal still gives way at once, as errors', async () => {
    const controller = new AbortController();
    const fake = fakeSource({ 'canary-latency': 1, 'stable-latency': 1, requests: 100 }, 60_000, { 'canary-p99': [1], 'stable-p99': [1] });
    const pending = runAnalysisWith(fake.source, config, { checks: [stableCheck, seriesCheck], minRequests: { query: 'requests', min: 1 } }, ctx({ signal: controller.signal }));
    controller.abort();
    const j = await pending;
    assert.equal(j.outcome, 'error');
    assert.deepEqual(
      j.checks.map((c) => c.outcome),
      ['error', 'error'],
    );
    assert.equal(j.requests?.outcome, 'error');
    assert.equal(j.checks[1]!.reason, 'the tick deadline was reached before the metrics source answered');
  });

  test('a window that ends before it starts is a bug, not a hold', async () => {
    const fake = fakeSource({});
    await assert.rejects(runAnalysisWith(fake.source, config, { checks: [seriesCheck] }, ctx({ windowStart: new Date(AT.getTime() + 1) })), RangeError);
    assert.equal(fake.rangeCalls.length, 0);
  });

  test('an unknown metrics source name is a ConfigError', async () => {
    await assert.rejects(runAnalysis({ prom: { type: 'prometheus', address: 'http://p:9090' } }, { metrics: 'other', checks: [] }, ctx()), {
      name: 'ConfigError',
      message: 'analysis.metrics names "other", which is not a metrics source',
    });
  });

  test('runChecks tries mann-whitney checks over the last 10 minutes and first values against themselves', async () => {
    const fake = fakeSource({ 'canary-errors': 0.4 }, 1, { 'canary-p99': [1, 2, 3], 'stable-p99': [1, 2, 3] });
    const results = await runChecks(fake.source, config, [firstCheck, seriesCheck], AT);
    assert.deepEqual(results.map((r) => r.outcome), ['pass', 'pass']);
    assert.equal(fake.rangeCalls[0]!.ctx.start.getTime(), AT.getTime() - VALIDATE_WINDOW_MS);
  });
});
