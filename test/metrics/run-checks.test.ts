import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judge } from '../../src/analysis/evaluate.ts';
import { ConfigError, MetricsError, NoDataError } from '../../src/errors.ts';
import { runChecks } from '../../src/metrics/run-checks.ts';
import type { MetricSource, MetricSourceConfig, QueryContext } from '../../src/metrics/types.ts';

const config: MetricSourceConfig = { type: 'fake', address: 'http://fake:9090' };
const AT = new Date('2024-01-01T00:30:00Z');

/** A source answering from a table by query; each answer settles after `delayMs`. */
function fakeSource(answers: Record<string, number | Error>, delayMs = 20) {
  const calls: { q: string; ctx: QueryContext }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const source: MetricSource = {
    type: 'fake',
    async query(q, ctx) {
      calls.push({ q, ctx });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, delayMs));
      inFlight--;
      const a = answers[q];
      if (a === undefined) throw new Error(`unexpected query ${q}`);
      if (a instanceof Error) throw a;
      return a;
    },
  };
  return { source, calls, maxInFlight: () => maxInFlight };
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
