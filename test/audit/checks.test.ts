/**
 * Reading the checks line back (src/audit/checks.ts): the first grammar
 * unchanged, and what comparisons, critical checks and minRequests add.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type CheckLineInput, formatChecksLine, isCheckOutcome, parseCheckDetails, parseChecksLine } from '../../src/audit/checks.ts';

describe('parseCheckDetails', () => {
  test('the first grammar reads as before, with its bounds', () => {
    assert.deepEqual(parseCheckDetails('success-rate 99.7 (min 99) pass; band -2 (min 1, max 5) fail; x - error (connection refused)'), [
      { name: 'success-rate', value: 99.7, outcome: 'pass', min: 99 },
      { name: 'band', value: -2, outcome: 'fail', min: 1, max: 5 },
      { name: 'x', value: null, outcome: 'error' },
    ]);
  });

  test('a comparison against stable, critical', () => {
    assert.deepEqual(parseCheckDetails('latency-p99 212 (max 500, ref 180 +17.8% maxIncrease 10%) fail critical'), [
      {
        name: 'latency-p99',
        value: 212,
        outcome: 'fail',
        max: 500,
        critical: true,
        method: 'value',
        reference: 180,
        from: 'baseline',
        change: 0.178,
        bound: 'maxIncrease 10%',
      },
    ]);
  });

  test('a mann-whitney comparison, with and without the test', () => {
    assert.deepEqual(parseCheckDetails('latency-p99 212 (ref 180 mann-whitney p=0.0012 effect 1.178 maxIncrease 10%, maxDecrease 5) fail'), [
      {
        name: 'latency-p99',
        value: 212,
        outcome: 'fail',
        method: 'mann-whitney',
        reference: 180,
        from: 'baseline',
        pValue: 0.0012,
        effectSize: 1.178,
        bound: 'maxIncrease 10%, maxDecrease 5',
      },
    ]);
    assert.deepEqual(parseCheckDetails('lat 3 (ref 0 mann-whitney p=2.5e-7 effect - maxIncrease 10%) fail')[0]?.effectSize, null);
    assert.deepEqual(parseCheckDetails('lat 1.5 (ref 2 mann-whitney maxIncrease 5%) inconclusive (2 canary and 3 baseline samples)'), [
      { name: 'lat', value: 1.5, outcome: 'inconclusive', method: 'mann-whitney', reference: 2, from: 'baseline', bound: 'maxIncrease 5%' },
    ]);
  });

  test('a first value, a negative change, and the minRequests pseudo-check', () => {
    assert.deepEqual(parseCheckDetails('requests 12 (minRequests 100) inconclusive; errors 0.1 (first 0.2 -50% maxDecrease 60%) pass'), [
      { name: 'requests', value: 12, outcome: 'inconclusive', minRequests: 100 },
      { name: 'errors', value: 0.1, outcome: 'pass', method: 'value', reference: 0.2, from: 'first-value', change: -0.5, bound: 'maxDecrease 60%' },
    ]);
  });

  test('details that do not read are ignored, the entry kept', () => {
    assert.deepEqual(parseCheckDetails('a 1 (min x, max 2, ref banana) pass; b 2 (whatever) fail'), [
      { name: 'a', value: 1, outcome: 'pass', max: 2 },
      { name: 'b', value: 2, outcome: 'fail' },
    ]);
    // "critical" only as its own word right after the outcome.
    assert.deepEqual(parseCheckDetails('a 1 pass criticality; b 2 fail (critical path)'), [
      { name: 'a', value: 1, outcome: 'pass' },
      { name: 'b', value: 2, outcome: 'fail' },
    ]);
  });

  test('parseChecksLine keeps reading name, value and outcome only', () => {
    assert.deepEqual(parseChecksLine('latency-p99 212 (max 500, ref 180 +17.8% maxIncrease 10%) fail critical; requests 12 (minRequests 100) inconclusive'), [
      { name: 'latency-p99', value: 212, outcome: 'fail' },
      { name: 'requests', value: 12, outcome: 'inconclusive' },
    ]);
  });

  test('inconclusive is a check outcome', () => {
    assert.ok(isCheckOutcome('inconclusive'));
    assert.ok(!isCheckOutcome('critical'));
  });
});

describe('formatChecksLine', () => {
  test('writes every field in the grammar, every digit kept', () => {
    const line = formatChecksLine([
      { name: 'requests', value: 240, outcome: 'pass', minRequests: 100 },
      { name: 'lat', value: 212.123456, outcome: 'fail', max: 500, critical: true, reference: 180, change: 0.178, bound: 'maxIncrease 10%' },
      { name: 'mw', value: 3, outcome: 'pass', method: 'mann-whitney', reference: 2.5, pValue: 0.31, effectSize: 1.2, bound: 'maxIncrease 10%' },
    ]);
    assert.equal(
      line,
      'requests 240 (minRequests 100) pass; lat 212.123456 (max 500, ref 180 +17.8% maxIncrease 10%) fail critical; mw 3 (ref 2.5 mann-whitney p=0.31 effect 1.2 maxIncrease 10%) pass',
    );
  });

  test('property: parseCheckDetails reads back what formatChecksLine writes', () => {
    const num = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 });
    const bound = fc.constantFrom('maxIncrease 10%', 'maxDecrease 5', 'maxIncrease 12.5%, maxDecrease 3%', '');
    const check = fc
      .record({
        name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,10}$/),
        value: fc.option(num, { nil: null }),
        outcome: fc.constantFrom('pass', 'fail', 'inconclusive', 'no-data', 'error' as const),
        min: fc.option(num, { nil: undefined }),
        max: fc.option(num, { nil: undefined }),
        critical: fc.option(fc.constant(true), { nil: undefined }),
        comparison: fc.option(
          fc.record({
            method: fc.constantFrom('value', 'mann-whitney' as const),
            reference: num,
            from: fc.constantFrom('baseline', 'first-value' as const),
            pValue: fc.double({ min: 0, max: 1, noNaN: true }),
            effectSize: fc.option(num, { nil: null }),
            bound,
          }),
          { nil: undefined },
        ),
      })
      .map(({ comparison, ...c }): CheckLineInput => {
        const base = Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as unknown as CheckLineInput;
        if (!comparison) return base;
        if (comparison.method === 'value') return { ...base, method: 'value', reference: comparison.reference, from: comparison.from, bound: comparison.bound };
        return { ...base, ...comparison, from: 'baseline' };
      });
    fc.assert(
      fc.property(fc.array(check, { minLength: 1, maxLength: 4 }), (checks) => {
        const normalized = checks.map((c) => ({ ...c, ...(c.value === 0 ? { value: 0 } : {}) }));
        const parsed = parseCheckDetails(formatChecksLine(normalized));
        assert.equal(parsed.length, checks.length);
        parsed.forEach((got, i) => {
          const want = normalized[i]!;
          assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
          for (const key of Object.keys(want) as (keyof CheckLineInput)[]) {
            const w = want[key];
            // String(-0) is "0".
            assert.ok(got[key] === w || (typeof w === 'number' && w === 0 && got[key] === 0), `${key}: ${String(got[key])} vs ${String(w)}`);
          }
        });
      }),
    );
  });
});
