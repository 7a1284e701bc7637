import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  type Check,
  type CheckResult,
  judge,
  judgeCheck,
  judgeRequests,
  judgeSeriesCheck,
  type Judgment,
  type JudgmentOutcome,
  type Measurement,
  summarize,
} from '../../src/analysis/evaluate.ts';
import { parseCheckDetails, parseChecksLine } from '../../src/audit/checks.ts';

const sr: Check = { name: 'success-rate', query: 'q1', min: 99 };
const p99: Check = { name: 'latency-p99', query: 'q2', max: 0.5 };
const band: Check = { name: 'cpu', query: 'q3', min: 10, max: 20 };

describe('judgeCheck', () => {
  const cases: [string, Check, Measurement, Pick<CheckResult, 'outcome' | 'value' | 'reason'>][] = [
    ['above min', sr, { value: 99.7 }, { outcome: 'pass', value: 99.7, reason: '99.7 satisfies min 99' }],
    ['exactly min (inclusive)', sr, { value: 99 }, { outcome: 'pass', value: 99, reason: '99 satisfies min 99' }],
    ['just below min', sr, { value: 98.99996 }, { outcome: 'fail', value: 98.99996, reason: '98.99996 is below min 99' }],
    ['below min', sr, { value: 90 }, { outcome: 'fail', value: 90, reason: '90 is below min 99' }],
    ['below max', p99, { value: 0.21 }, { outcome: 'pass', value: 0.21, reason: '0.21 satisfies max 0.5' }],
    ['exactly max (inclusive)', p99, { value: 0.5 }, { outcome: 'pass', value: 0.5, reason: '0.5 satisfies max 0.5' }],
    ['just above max', p99, { value: 0.5000001 }, { outcome: 'fail', value: 0.5000001, reason: '0.5000001 is above max 0.5' }],
    ['above max', p99, { value: 1 }, { outcome: 'fail', value: 1, reason: '1 is above max 0.5' }],
    ['zero is a value, not no-data', p99, { value: 0 }, { outcome: 'pass', value: 0, reason: '0 satisfies max 0.5' }],
    ['zero below min', sr, { value: 0 }, { outcome: 'fail', value: 0, reason: '0 is below min 99' }],
    ['negative', band, { value: -3 }, { outcome: 'fail', value: -3, reason: '-3 is below min 10' }],
    ['band low edge', band, { value: 10 }, { outcome: 'pass', value: 10, reason: '10 satisfies min 10, max 20' }],
    ['band high edge', band, { value: 20 }, { outcome: 'pass', value: 20, reason: '20 satisfies min 10, max 20' }],
    ['band above', band, { value: 20.5 }, { outcome: 'fail', value: 20.5, reason: '20.5 is above max 20' }],
    ['long value compacted', sr, { value: 99.712345678 }, { outcome: 'pass', value: 99.712345678, reason: '99.7123 satisfies min 99' }],
    ['NaN never passes', sr, { value: Number.NaN }, { outcome: 'no-data', value: null, reason: 'query returned NaN' }],
    ['+Inf never passes a min', sr, { value: Number.POSITIVE_INFINITY }, { outcome: 'no-data', value: null, reason: 'query returned +Inf' }],
    ['-Inf never passes a max', p99, { value: Number.NEGATIVE_INFINITY }, { outcome: 'no-data', value: null, reason: 'query returned -Inf' }],
    ['no data', sr, { noData: 'query returned no series' }, { outcome: 'no-data', value: null, reason: 'query returned no series' }],
    ['error', sr, { error: 'cannot reach prometheus at http://p:9090: connection refused' }, { outcome: 'error', value: null, reason: 'cannot reach prometheus at http://p:9090: connection refused' }],
    ['reason made one line without ;', sr, { error: 'a;b\n  c' }, { outcome: 'error', value: null, reason: 'a,b c' }],
    ['empty reason', sr, { noData: '  ' }, { outcome: 'no-data', value: null, reason: 'no reason given' }],
    ['no bounds is an error, never a pass', { name: 'x', query: 'q' }, { value: 1 }, { outcome: 'error', value: null, reason: 'check has neither min, max nor baseline' }],
    ['min > max', { name: 'x', query: 'q', min: 2, max: 1 }, { value: 1.5 }, { outcome: 'error', value: null, reason: 'min 2 is greater than max 1' }],
    ['NaN bound', { name: 'x', query: 'q', min: Number.NaN }, { value: 1 }, { outcome: 'error', value: null, reason: 'min NaN is not a finite number' }],
  ];
  for (const [title, check, measured, expected] of cases) {
    test(title, () => {
      const r = judgeCheck(check, measured);
      assert.deepEqual({ outcome: r.outcome, value: r.value, reason: r.reason }, expected);
      assert.equal(r.name, check.name);
      assert.equal(r.query, check.query);
      assert.equal(r.min, check.min);
      assert.equal(r.max, check.max);
      assert.equal('min' in r, check.min !== undefined, 'absent bounds stay absent');
      assert.equal('max' in r, check.max !== undefined);
    });
  }

  test('property: a finite value passes exactly when min <= value <= max', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
        fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
        (value, min, max) => {
          fc.pre(min !== undefined || max !== undefined);
          fc.pre(min === undefined || max === undefined || min <= max);
          const r = judgeCheck({ name: 'c', query: 'q', min, max }, { value });
          const inside = (min === undefined || value >= min) && (max === undefined || value <= max);
          assert.equal(r.outcome, inside ? 'pass' : 'fail');
          assert.equal(r.value, value);
        },
      ),
    );
  });

  test('property: a non-finite value is never pass or fail, and never carried as a value', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        fc.option(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 0 }), { nil: undefined }),
        fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1e6 }),
        (value, min, max) => {
          const r = judgeCheck({ name: 'c', query: 'q', min, max }, { value });
          assert.equal(r.outcome, 'no-data');
          assert.equal(r.value, null);
        },
      ),
    );
  });
});

const result = (name: string, outcome: CheckResult['outcome'], value: number | null = null): CheckResult => ({
  name,
  query: `q-${name}`,
  value,
  outcome,
  min: 1,
  reason: outcome === 'pass' || outcome === 'fail' ? `${value}` : `${outcome} reason`,
});

describe('judge', () => {
  const P = result('a', 'pass', 2);
  const F = result('b', 'fail', 0);
  const N = result('c', 'no-data');
  const E = result('d', 'error');
  const cases: [string, CheckResult[], JudgmentOutcome][] = [
    ['all pass', [P, P], 'pass'],
    ['one fail', [P, F], 'fail'],
    ['all fail', [F, F], 'fail'],
    ['no data', [P, N], 'inconclusive'],
    // A failure counts toward rollback only when the judgment is complete.
    ['fail + no data is inconclusive', [F, N], 'inconclusive'],
    ['error wins over no data', [N, E], 'error'],
    ['error wins over fail', [F, E], 'error'],
    ['error wins over everything', [P, F, N, E], 'error'],
    ['error alone', [E], 'error'],
    ['no checks', [], 'pass'],
  ];
  for (const [title, checks, outcome] of cases) {
    test(title, () => {
      const j = judge(checks);
      assert.equal(j.outcome, outcome);
      assert.deepEqual(j.checks, checks);
    });
  }

  test('order of checks does not change the outcome', () => {
    const all = [P, F, N, E];
    fc.assert(
      fc.property(fc.subarray(all), (subset) => {
        const reversed = [...subset].reverse();
        assert.equal(judge(subset).outcome, judge(reversed).outcome);
      }),
    );
  });

  test('checks is a copy', () => {
    const input = [P];
    const j = judge(input);
    input.push(F);
    assert.equal(j.checks.length, 1);
  });
});

describe('summary', () => {
  test('the PRODUCT.md example', () => {
    const j = judge([judgeCheck(sr, { value: 99.7 }), judgeCheck(p99, { value: 0.21 })]);
    assert.equal(j.summary, 'success-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass');
  });

  const cases: [string, CheckResult[], string][] = [
    ['compact numbers', [judgeCheck(sr, { value: 99.70000000001 }), judgeCheck(p99, { value: 0.123456 })], 'success-rate 99.7 (min 99) pass; latency-p99 0.1235 (max 0.5) pass'],
    ['trailing zeros dropped', [judgeCheck(band, { value: 15.5 })], 'cpu 15.5 (min 10, max 20) pass'],
    ['integers', [judgeCheck(sr, { value: 100 })], 'success-rate 100 (min 99) pass'],
    ['small values keep 4 significant digits', [judgeCheck(p99, { value: 0.000123456 })], 'latency-p99 0.0001235 (max 0.5) pass'],
    ['a fail never prints as its bound', [judgeCheck(sr, { value: 98.99996 })], 'success-rate 98.99996 (min 99) fail'],
    ['a pass just above the bound', [judgeCheck(sr, { value: 99.00001 })], 'success-rate 99.00001 (min 99) pass'],
    ['bounds as written', [judgeCheck({ name: 'r', query: 'q', min: 99.95 }, { value: 99.96 })], 'r 99.96 (min 99.95) pass'],
    ['negative zero', [judgeCheck(p99, { value: -0 })], 'latency-p99 0 (max 0.5) pass'],
    ['fail', [judgeCheck(sr, { value: 90 }), judgeCheck(p99, { value: 1 })], 'success-rate 90 (min 99) fail; latency-p99 1 (max 0.5) fail'],
    ['no data and error carry their reason', [judgeCheck(sr, { value: Number.NaN }), judgeCheck(p99, { error: 'cannot reach prometheus at http://p:9090: HTTP 503' })], 'success-rate - (min 99) no-data (query returned NaN); latency-p99 - (max 0.5) error (cannot reach prometheus at http://p:9090: HTTP 503)'],
    ['no bounds', [judgeCheck({ name: 'x', query: 'q' }, { value: 1 })], 'x - error (check has neither min, max nor baseline)'],
    ['no checks', [], 'no checks'],
  ];
  for (const [title, checks, summary] of cases) {
    test(title, () => {
      assert.equal(summarize(checks), summary);
      assert.equal(judge(checks).summary, summary);
    });
  }

  test('the summary is one line that src/audit/checks.ts reads back', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,10}$/),
            measured: fc.oneof(
              fc.double({ noDefaultInfinity: false }).map((value): Measurement => ({ value })),
              fc.string().map((noData): Measurement => ({ noData })),
              fc.string().map((error): Measurement => ({ error })),
            ),
            min: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true, max: 0 }), { nil: undefined }),
            max: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true, min: 0 }), { nil: undefined }),
          }),
          { maxLength: 5 },
        ),
        (entries) => {
          const results = entries.map((e) =>
            judgeCheck({ name: e.name, query: 'q', min: e.min, max: e.max ?? (e.min === undefined ? 1 : undefined) }, e.measured),
          );
          const summary = summarize(results);
          assert.ok(!summary.includes('\n'));
          if (results.length === 0) return;
          const parsed = parseChecksLine(summary);
          assert.deepEqual(
            parsed.map((c) => [c.name, c.outcome]),
            results.map((r) => [r.name, r.outcome]),
          );
          parsed.forEach((c, i) => {
            const v = results[i]!.value;
            if (v === null) assert.equal(c.value, null);
            else assert.ok(c.value !== null && Math.abs(c.value - v) <= Math.max(1e-4 * Math.abs(v), 1e-4));
          });
        },
      ),
    );
  });
});

const rel = (r: number) => ({ relative: r });
const valueBaseline = (extra: Partial<NonNullable<Check['baseline']>> = {}): NonNullable<Check['baseline']> => ({
  method: 'value',
  confidence: 0.98,
  resolutionMs: 30_000,
  maxIncrease: rel(0.1),
  ...extra,
});
const latency: Check = { name: 'latency-p99', query: 'canary', max: 500, baseline: valueBaseline({ query: 'stable' }) };
const firstValue: Check = { name: 'errors', query: 'canary', baseline: valueBaseline({ maxDecrease: rel(0.5) }) };
const seriesCheck: Check = {
  name: 'latency-p99',
  query: 'canary',
  baseline: { method: 'mann-whitney', query: 'stable', confidence: 0.98, resolutionMs: 30_000, maxIncrease: rel(0.05) },
};

describe('judgeCheck with a value baseline', () => {
  test('against stable: beyond maxIncrease fails, inside both passes', () => {
    const fail = judgeCheck(latency, { value: 212 }, { from: 'baseline', measured: { value: 180 } });
    assert.equal(fail.outcome, 'fail');
    assert.equal(fail.value, 212);
    assert.equal(fail.reason, '212 is 17.8% above reference 180 (maxIncrease 10%)');
    assert.deepEqual(fail.comparison, { method: 'value', reference: 180, from: 'baseline', change: 32 / 180, bound: 'maxIncrease 10%' });
    const pass = judgeCheck(latency, { value: 190 }, { from: 'baseline', measured: { value: 180 } });
    assert.equal(pass.outcome, 'pass');
    assert.equal(pass.reason, '190 satisfies max 500, 190 is 5.56% above reference 180 (within maxIncrease 10%)');
  });

  test('either the fixed bound or the comparison failing fails the check', () => {
    const r = judgeCheck(latency, { value: 600 }, { from: 'baseline', measured: { value: 590 } });
    assert.equal(r.outcome, 'fail');
    assert.equal(r.reason, '600 is above max 500');
    const both = judgeCheck(latency, { value: 600 }, { from: 'baseline', measured: { value: 180 } });
    assert.equal(both.reason, '600 is above max 500, 600 is 233% above reference 180 (maxIncrease 10%)');
  });

  test("no data or an error of stable's query is the check's outcome, the canary's value kept", () => {
    const none = judgeCheck(latency, { value: 600 }, { from: 'baseline', measured: { noData: 'query returned no series' } });
    assert.deepEqual([none.outcome, none.value, none.reason, none.comparison], ['no-data', 600, 'baseline: query returned no series', undefined]);
    const nan = judgeCheck(latency, { value: 200 }, { from: 'baseline', measured: { value: Number.NaN } });
    assert.deepEqual([nan.outcome, nan.reason], ['no-data', 'baseline: query returned NaN']);
    const down = judgeCheck(latency, { value: 200 }, { from: 'baseline', measured: { error: 'cannot reach prometheus' } });
    assert.deepEqual([down.outcome, down.reason], ['error', 'baseline: cannot reach prometheus']);
  });

  test("no data of the canary's query is no-data whatever the reference", () => {
    const r = judgeCheck(latency, { noData: 'query returned NaN' }, { from: 'baseline', measured: { value: 180 } });
    assert.deepEqual([r.outcome, r.value, r.comparison], ['no-data', null, undefined]);
  });

  test('the first judgment of a rollout sets the reference: pass, change 0', () => {
    const r = judgeCheck(firstValue, { value: 0.2 }, { from: 'first-value' });
    assert.equal(r.outcome, 'pass');
    assert.equal(r.reason, 'first value 0.2, the reference of later judgments');
    assert.deepEqual(r.comparison, { method: 'value', reference: 0.2, from: 'first-value', change: 0, bound: 'maxIncrease 10%, maxDecrease 50%' });
  });

  test('later judgments compare with the first value', () => {
    const r = judgeCheck(firstValue, { value: 0.3 }, { from: 'first-value', value: 0.2 });
    assert.equal(r.outcome, 'fail');
    assert.equal(r.reason, '0.3 is 50% above first value 0.2 (maxIncrease 10%)');
    assert.equal(judgeCheck(firstValue, { value: 0.1 }, { from: 'first-value', value: 0.2 }).outcome, 'pass');
  });

  test('a baseline check without its reference measurement is an error, never a pass', () => {
    assert.equal(judgeCheck(firstValue, { value: 1 }).outcome, 'error');
    assert.equal(judgeCheck(seriesCheck, { value: 1 }, { from: 'first-value' }).outcome, 'error');
  });

  test('critical is copied to the result', () => {
    assert.equal(judgeCheck({ ...sr, critical: true }, { value: 90 }).critical, true);
    assert.equal('critical' in judgeCheck(sr, { value: 90 }), false);
  });
});

describe('judgeSeriesCheck', () => {
  const up = { values: [110, 111, 112, 113, 114] };
  const base = { values: [100, 101, 102, 103, 104] };

  test("the value is the canary's mean; significant and beyond the bound fails", () => {
    const r = judgeSeriesCheck(seriesCheck, up, base);
    assert.equal(r.outcome, 'fail');
    assert.equal(r.value, 112);
    assert.equal(r.comparison?.method, 'mann-whitney');
    assert.equal(r.comparison?.reference, 102);
  });

  test('fixed bounds are held against the mean; a failing bound fails even if the comparison is inconclusive', () => {
    const r = judgeSeriesCheck({ ...seriesCheck, max: 100 }, { values: [110, 112] }, base);
    assert.equal(r.outcome, 'fail');
    assert.equal(r.reason, '111 is above max 100');
    const ok = judgeSeriesCheck({ ...seriesCheck, max: 200 }, { values: [110, 112] }, base);
    assert.equal(ok.outcome, 'inconclusive');
    assert.equal(ok.reason, '111 satisfies max 200, 2 canary and 5 baseline samples, mann-whitney needs at least 3 of each');
  });

  test('no data or an error of either series is that outcome', () => {
    assert.deepEqual(
      [judgeSeriesCheck(seriesCheck, { noData: 'query returned no series' }, base)].map((r) => [r.outcome, r.value, r.reason]),
      [['no-data', null, 'query returned no series']],
    );
    const r = judgeSeriesCheck(seriesCheck, up, { error: 'prometheus at http://p refused the credentials (HTTP 401)' });
    assert.deepEqual([r.outcome, r.value, r.reason], ['error', 112, 'baseline: prometheus at http://p refused the credentials (HTTP 401)']);
  });

  test('non-finite samples are dropped from both series; none left in the canary is no-data', () => {
    const r = judgeSeriesCheck(seriesCheck, { values: [1, Number.NaN, 3, 5] }, { values: [1, 3, Number.POSITIVE_INFINITY, 5] });
    assert.deepEqual([r.value, r.outcome, r.comparison?.samples], [3, 'pass', { canary: 3, baseline: 3 }]);
    const none = judgeSeriesCheck(seriesCheck, { values: [Number.NaN] }, base);
    assert.deepEqual([none.outcome, none.value, none.reason], ['no-data', null, 'query returned no finite samples']);
    assert.equal(judgeSeriesCheck(seriesCheck, up, { values: [Number.NaN] }).outcome, 'inconclusive');
  });

  test('a value baseline is not judged on series', () => {
    assert.equal(judgeSeriesCheck(latency, up, base).outcome, 'error');
  });
});

describe('judgeRequests', () => {
  test('below the floor is inconclusive and says how many requests there were', () => {
    assert.deepEqual(judgeRequests(100, { value: 12 }), { value: 12, min: 100, outcome: 'inconclusive', reason: '12 requests, below minRequests 100' });
    assert.deepEqual(judgeRequests(100, { value: 100 }), { value: 100, min: 100, outcome: 'pass', reason: '100 requests, at least minRequests 100' });
    assert.equal(judgeRequests(100, { value: 99.99996 }).reason, '99.99996 requests, below minRequests 100');
  });
  test('no count is no-data, a broken query an error', () => {
    assert.deepEqual(judgeRequests(100, { noData: 'query returned no series' }), { value: null, min: 100, outcome: 'no-data', reason: 'query returned no series' });
    assert.deepEqual(judgeRequests(100, { error: 'down' }), { value: null, min: 100, outcome: 'error', reason: 'down' });
    assert.equal(judgeRequests(100, { value: Number.NaN }).outcome, 'no-data');
  });
});

describe('judge with critical checks and the minRequests floor', () => {
  const P = result('a', 'pass', 2);
  const F = result('b', 'fail', 0);
  const N = result('c', 'no-data');
  const E = result('d', 'error');
  const I = { ...result('e', 'inconclusive', 3), reason: 'too few samples' };
  const C = { ...result('crit', 'fail', 0), critical: true };
  const CP = { ...result('crit-ok', 'pass', 2), critical: true };
  const low = judgeRequests(100, { value: 12 });
  const enough = judgeRequests(100, { value: 500 });
  const broken = judgeRequests(100, { error: 'down' });
  const cases: [string, CheckResult[], Judgment['requests'], JudgmentOutcome, string[]][] = [
    ['inconclusive check', [P, I], undefined, 'inconclusive', []],
    ['inconclusive beats a plain fail', [F, I], undefined, 'inconclusive', []],
    ['error beats inconclusive', [I, E], undefined, 'error', []],
    ['a critical failure stands on its own, even next to no data', [C, N], undefined, 'fail', ['crit']],
    ['a critical failure beats an error', [C, E, F], undefined, 'fail', ['crit']],
    ['a passing critical check is just a pass', [CP, P], undefined, 'pass', []],
    ['a critical check without data is inconclusive', [{ ...N, critical: true }, P], undefined, 'inconclusive', []],
    ['enough requests: the checks decide', [F], enough, 'fail', []],
    ['enough requests and a critical failure', [C], enough, 'fail', ['crit']],
    ['below the floor: inconclusive whatever the checks say', [F, P], low, 'inconclusive', []],
    ['below the floor: even a critical failure does not judge', [C], low, 'inconclusive', []],
    ['the request count errored', [P], broken, 'error', []],
    ['no request count: inconclusive', [P], judgeRequests(100, { noData: 'query returned no series' }), 'inconclusive', []],
  ];
  for (const [title, checks, requests, outcome, critical] of cases) {
    test(title, () => {
      const j = judge(checks, requests);
      assert.equal(j.outcome, outcome);
      assert.deepEqual(j.critical, critical);
      assert.deepEqual(j.requests, requests);
      assert.equal('requests' in j, requests !== undefined);
    });
  }

  test('the outcome does not depend on the order of checks', () => {
    fc.assert(
      fc.property(fc.subarray([P, F, N, E, I, C, CP]), fc.constantFrom(undefined, low, enough, broken), (subset, requests) => {
        assert.equal(judge(subset, requests).outcome, judge([...subset].reverse(), requests).outcome);
      }),
    );
  });
});

describe('summary with comparisons, critical checks and minRequests', () => {
  test('the examples of the grammar', () => {
    const stable = judgeCheck({ ...latency, critical: true }, { value: 212 }, { from: 'baseline', measured: { value: 180 } });
    assert.equal(summarize([stable]), 'latency-p99 212 (max 500, ref 180 +17.8% maxIncrease 10%) fail critical');
    const series = judgeSeriesCheck(seriesCheck, { values: [110, 111, 112, 113, 114] }, { values: [100, 101, 102, 103, 104] });
    assert.equal(summarize([series]), 'latency-p99 112 (ref 102 mann-whitney p=0.007937 effect 1.098 maxIncrease 5%) fail');
    const first = judgeCheck(firstValue, { value: 0.3 }, { from: 'first-value', value: 0.2 });
    assert.equal(summarize([first]), 'errors 0.3 (first 0.2 +50% maxIncrease 10%, maxDecrease 50%) fail');
    assert.equal(
      summarize([judgeCheck(sr, { value: 99.9 })], judgeRequests(100, { value: 12 })),
      'requests 12 (minRequests 100) inconclusive; success-rate 99.9 (min 99) pass',
    );
  });

  test('a change never prints as its bound', () => {
    const r = judgeCheck(latency, { value: 198.01 }, { from: 'baseline', measured: { value: 180 } });
    assert.equal(summarize([r]), 'latency-p99 198.01 (max 500, ref 180 +10.01% maxIncrease 10%) fail');
  });

  test('inconclusive checks and a missing request count carry their reason', () => {
    const few = judgeSeriesCheck(seriesCheck, { values: [1, 2] }, { values: [1, 2, 3] });
    assert.equal(
      summarize([few], judgeRequests(100, { error: 'cannot reach prometheus at http://p:9090: connection refused' })),
      'requests - (minRequests 100) error (cannot reach prometheus at http://p:9090: connection refused); ' +
        'latency-p99 1.5 (ref 2 mann-whitney maxIncrease 5%) inconclusive (2 canary and 3 baseline samples, mann-whitney needs at least 3 of each)',
    );
  });

  test('judge writes the same summary', () => {
    const requests = judgeRequests(10, { value: 240 });
    const checks = [judgeCheck(sr, { value: 99.9 })];
    assert.equal(judge(checks, requests).summary, 'requests 240 (minRequests 10) pass; success-rate 99.9 (min 99) pass');
  });

  test('property: every field round-trips through src/audit/checks.ts', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    const positive = fc.double({ noNaN: true, min: 0.01, max: 1e4 });
    const bounds = fc.record(
      { maxIncrease: fc.integer({ min: 0, max: 300 }).map((p) => rel(p / 100)), maxDecrease: positive.map((a) => ({ absolute: a })) },
      { requiredKeys: [] },
    );
    const entry = fc.record({
      name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,10}$/),
      min: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 0 }), { nil: undefined }),
      max: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1e6 }), { nil: undefined }),
      critical: fc.boolean(),
      kind: fc.constantFrom('fixed', 'stable', 'first', 'series'),
      canary: fc.oneof(finite.map((value): Measurement => ({ value })), fc.constant<Measurement>({ noData: 'query returned no series' })),
      reference: fc.oneof(finite, fc.constant(0)),
      series: fc.tuple(fc.array(positive, { maxLength: 8 }), fc.array(positive, { minLength: 1, maxLength: 8 })),
      bounds,
    });
    const requests = fc.option(
      fc.record({ min: fc.integer({ min: 0, max: 1000 }), count: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: null }) }),
      { nil: undefined },
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 4 }), requests, (entries, req) => {
        const results = entries.map((e) => {
          const b = { method: 'value' as const, confidence: 0.98, resolutionMs: 30_000, maxIncrease: rel(0.1), ...e.bounds };
          const check: Check = { name: e.name, query: 'q', ...(e.min === undefined ? {} : { min: e.min }), ...(e.max === undefined ? {} : { max: e.max }), ...(e.critical ? { critical: true } : {}) };
          if (e.kind === 'fixed') return judgeCheck(check.min === undefined && check.max === undefined ? { ...check, max: 1 } : check, e.canary);
          if (e.kind === 'stable') return judgeCheck({ ...check, baseline: { ...b, query: 's' } }, e.canary, { from: 'baseline', measured: { value: e.reference } });
          if (e.kind === 'first') return judgeCheck({ ...check, baseline: b }, e.canary, { from: 'first-value', value: e.reference });
          const [canary, baseline] = e.series;
          return judgeSeriesCheck({ ...check, baseline: { ...b, method: 'mann-whitney', query: 's' } }, { values: canary }, { values: baseline });
        });
        const floor = req ? judgeRequests(req.min, req.count === null ? { noData: 'query returned no series' } : { value: req.count }) : undefined;
        const summary = summarize(results, floor);
        assert.ok(!summary.includes('\n'));
        const parsed = parseCheckDetails(summary);
        const all = [...(floor ? [{ name: 'requests', value: floor.value, outcome: floor.outcome, minRequests: floor.min }] : []), ...results];
        assert.equal(parsed.length, all.length, summary);
        const near = (got: number | null | undefined, want: number | null | undefined, relative = 1e-4) => {
          if (want === null || want === undefined) return assert.equal(got, want, summary);
          assert.ok(typeof got === 'number' && Math.abs(got - want) <= Math.max(relative * Math.abs(want), 1e-4), `${got} vs ${want} in ${summary}`);
        };
        for (const [i, want] of all.entries()) {
          const got = parsed[i]!;
          assert.equal(got.name, want.name);
          assert.equal(got.outcome, want.outcome);
          near(got.value, want.value);
          if ('minRequests' in want) {
            assert.equal(got.minRequests, want.minRequests);
            continue;
          }
          const r = want as CheckResult;
          assert.ok(got.min === r.min && got.max === r.max, `bounds of ${summary}`); // -0 is written 0
          assert.equal(got.critical, r.critical);
          const c = r.comparison;
          if (!c) {
            assert.equal(got.reference, undefined, summary);
            continue;
          }
          near(got.reference, c.reference);
          assert.equal(got.method, c.method);
          assert.equal(got.from, c.from);
          assert.equal(got.bound, c.bound);
          if (c.method === 'value') near(got.change, c.change !== null && Number.isFinite(c.change * 100) ? c.change : undefined, 5e-3);
          near(got.pValue, c.pValue, 5e-4);
          near(got.effectSize, c.effectSize, 5e-4);
        }
      }),
      { numRuns: 300 },
    );
  });
});
