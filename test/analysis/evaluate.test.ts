import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  type Check,
  type CheckResult,
  judge,
  judgeCheck,
  type JudgmentOutcome,
  type Measurement,
  summarize,
} from '../../src/analysis/evaluate.ts';
import { parseChecksLine } from '../../src/audit/checks.ts';

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
    ['no bounds is an error, never a pass', { name: 'x', query: 'q' }, { value: 1 }, { outcome: 'error', value: null, reason: 'check has neither min nor max' }],
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
    ['no bounds', [judgeCheck({ name: 'x', query: 'q' }, { value: 1 })], 'x - error (check has neither min nor max)'],
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
