/**
 * Baseline comparisons with numbers that check by hand. p-values of the
 * series cases: scipy 1.17.1 `mannwhitneyu(canary, baseline)` (exact, no ties):
 * 5 against 5 completely separated is 2/C(10,5) = 2/252 = 0.0079365…
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { compareSeries, compareValue, formatBaselineBounds } from '../../src/analysis/compare.ts';
import type { BaselineCheck } from '../../src/analysis/evaluate.ts';

const rel = (r: number) => ({ relative: r });
const abs = (a: number) => ({ absolute: a });
const value = (b: Partial<BaselineCheck>): BaselineCheck => ({ method: 'value', confidence: 0.98, resolutionMs: 30_000, ...b });
const mw = (b: Partial<BaselineCheck>): BaselineCheck => value({ method: 'mann-whitney', query: 'stable', ...b });

describe('formatBaselineBounds', () => {
  test('relative bounds as percentages, absolute as numbers', () => {
    assert.equal(formatBaselineBounds({ maxIncrease: rel(0.1), maxDecrease: rel(0.05) }), 'maxIncrease 10%, maxDecrease 5%');
    assert.equal(formatBaselineBounds({ maxIncrease: rel(0.07) }), 'maxIncrease 7%'); // 0.07 * 100 is 7.000000000000001
    assert.equal(formatBaselineBounds({ maxDecrease: abs(2.5) }), 'maxDecrease 2.5');
  });
});

describe('compareValue', () => {
  const cases: [string, number, number, BaselineCheck, 'pass' | 'fail', number | null, string][] = [
    ['above maxIncrease', 212, 180, value({ maxIncrease: rel(0.1) }), 'fail', 32 / 180, '212 is 17.8% above reference 180 (maxIncrease 10%)'],
    ['exactly at maxIncrease passes', 198, 180, value({ maxIncrease: rel(0.1) }), 'pass', 0.1, '198 is 10% above reference 180 (within maxIncrease 10%)'],
    ['at the bound despite binary rounding (1.1 − 1 > 0.1 in doubles)', 1.1, 1, value({ maxIncrease: rel(0.1) }), 'pass', 1.1 - 1, '1.1 is 10% above reference 1 (within maxIncrease 10%)'],
    ['just above maxIncrease', 198.01, 180, value({ maxIncrease: rel(0.1) }), 'fail', 18.01 / 180, '198.01 is 10.01% above reference 180 (maxIncrease 10%)'],
    ['below maxDecrease', 150, 180, value({ maxDecrease: rel(0.1) }), 'fail', -30 / 180, '150 is 16.7% below reference 180 (maxDecrease 10%)'],
    ['exactly at maxDecrease passes', 162, 180, value({ maxDecrease: rel(0.1) }), 'pass', -0.1, '162 is 10% below reference 180 (within maxDecrease 10%)'],
    ['a decrease without maxDecrease passes', 10, 180, value({ maxIncrease: rel(0.1) }), 'pass', -170 / 180, '10 is 94.4% below reference 180 (no maxDecrease)'],
    ['an increase without maxIncrease passes', 900, 180, value({ maxDecrease: rel(0.1) }), 'pass', 4, '900 is 400% above reference 180 (no maxIncrease)'],
    ['absolute maxIncrease', 212, 180, value({ maxIncrease: abs(30) }), 'fail', 32 / 180, '212 is 32 above reference 180 (maxIncrease 30)'],
    ['exactly at an absolute bound passes', 210, 180, value({ maxIncrease: abs(30) }), 'pass', 30 / 180, '210 is 30 above reference 180 (within maxIncrease 30)'],
    ['absolute maxDecrease', 0.5, 2, value({ maxDecrease: abs(1) }), 'fail', -0.75, '0.5 is 1.5 below reference 2 (maxDecrease 1)'],
    ['equal', 180, 180, value({ maxIncrease: rel(0) }), 'pass', 0, '180 equals reference 180'],
    ['zero reference: any increase breaks a relative bound', 0.3, 0, value({ maxIncrease: rel(0.1) }), 'fail', null, '0.3 is 0.3 above reference 0 (maxIncrease 10%)'],
    ['zero reference: an absolute bound still applies', 0.3, 0, value({ maxIncrease: abs(0.5) }), 'pass', null, '0.3 is 0.3 above reference 0 (within maxIncrease 0.5)'],
    ['zero against zero', 0, 0, value({ maxIncrease: rel(0.1) }), 'pass', null, '0 equals reference 0'],
    ['negative reference: the bound is relative to |reference|', -90, -100, value({ maxIncrease: rel(0.05) }), 'fail', 0.1, '-90 is 10% above reference -100 (maxIncrease 5%)'],
  ];
  for (const [title, v, reference, b, outcome, change, reason] of cases) {
    test(title, () => {
      const r = compareValue(v, reference, b, 'baseline');
      assert.equal(r.outcome, outcome);
      assert.equal(r.reason, reason);
      assert.equal(r.comparison.reference, reference);
      assert.equal(r.comparison.method, 'value');
      assert.equal(r.comparison.from, 'baseline');
      if (change === null) assert.equal(r.comparison.change, null);
      else assert.ok(Math.abs(r.comparison.change! - change) < 1e-12, `change ${r.comparison.change} vs ${change}`);
      assert.equal(r.comparison.bound, formatBaselineBounds(b));
      assert.ok(!('pValue' in r.comparison) && !('samples' in r.comparison));
    });
  }

  test('a first value is named as such', () => {
    const r = compareValue(212, 180, value({ maxIncrease: rel(0.1), maxDecrease: rel(0.5) }), 'first-value');
    assert.equal(r.reason, '212 is 17.8% above first value 180 (maxIncrease 10%)');
    assert.equal(r.comparison.from, 'first-value');
    assert.equal(r.comparison.bound, 'maxIncrease 10%, maxDecrease 50%');
  });

  test('a value that differs from the reference never prints as it', () => {
    assert.equal(compareValue(180.00001, 180, value({ maxIncrease: rel(0) }), 'baseline').reason, '180.00001 is 0.00000556% above reference 180 (maxIncrease 0%)');
  });
});

const up = [110, 111, 112, 113, 114];
const base = [100, 101, 102, 103, 104];
const down = [90, 91, 92, 93, 94];
const P_SEPARATED = 2 / 252;

describe('compareSeries', () => {
  test('significant and beyond maxIncrease: fail, with p-value, effect size and samples', () => {
    const r = compareSeries(up, base, mw({ maxIncrease: rel(0.05) }));
    assert.equal(r.outcome, 'fail');
    assert.equal(r.reason, 'canary mean 112 is 9.8% above baseline mean 102 (maxIncrease 5%), significant (p=0.007937 below 0.02)');
    const c = r.comparison!;
    assert.equal(c.method, 'mann-whitney');
    assert.equal(c.from, 'baseline');
    assert.equal(c.reference, 102);
    assert.ok(Math.abs(c.pValue! - P_SEPARATED) < 1e-15);
    assert.equal(c.effectSize, 112 / 102);
    assert.equal(c.change, 10 / 102);
    assert.deepEqual(c.samples, { canary: 5, baseline: 5 });
    assert.equal(c.bound, 'maxIncrease 5%');
  });

  test('significant but within the bound: pass (a tiny difference never fails a canary)', () => {
    const r = compareSeries(up, base, mw({ maxIncrease: rel(0.1) }));
    assert.equal(r.outcome, 'pass');
    assert.equal(r.reason, 'canary mean 112 is 9.8% above baseline mean 102, significant (p=0.007937) but within maxIncrease 10%');
  });

  test('a large mean difference that is not significant passes (one outlier)', () => {
    // scipy: mannwhitneyu([1, 2, 3, 1000], [1.5, 2.5, 3.5, 4.5]) → U=7, p=0.8857142857142857
    const r = compareSeries([1, 2, 3, 1000], [1.5, 2.5, 3.5, 4.5], mw({ maxIncrease: rel(0.1) }));
    assert.equal(r.outcome, 'pass');
    assert.equal(r.reason, 'canary mean 251.5 is 8280% above baseline mean 3, not significant (p=0.8857, needs below 0.02)');
    assert.equal(r.comparison!.effectSize, 251.5 / 3);
  });

  test('significant and beyond maxDecrease: fail', () => {
    const r = compareSeries(down, base, mw({ maxIncrease: rel(0.5), maxDecrease: rel(0.05) }));
    assert.equal(r.outcome, 'fail');
    assert.equal(r.reason, 'canary mean 92 is 9.8% below baseline mean 102 (maxDecrease 5%), significant (p=0.007937 below 0.02)');
    assert.equal(r.comparison!.effectSize, 92 / 102);
  });

  test('a decrease is fine without maxDecrease', () => {
    assert.equal(compareSeries(down, base, mw({ maxIncrease: rel(0.01) })).outcome, 'pass');
  });

  test('absolute bounds compare the difference of the means, inclusive', () => {
    assert.equal(compareSeries(up, base, mw({ maxIncrease: abs(9.5) })).outcome, 'fail');
    const at = compareSeries(up, base, mw({ maxIncrease: abs(10) }));
    assert.equal(at.outcome, 'pass');
    assert.equal(at.reason, 'canary mean 112 is 10 above baseline mean 102, significant (p=0.007937) but within maxIncrease 10');
  });

  test('the confidence sets the significance level', () => {
    // p = 0.0079 is significant at 98% (< 0.02) but not at 99.5% (≥ 0.005).
    const r = compareSeries(up, base, mw({ maxIncrease: rel(0.05), confidence: 0.995 }));
    assert.equal(r.outcome, 'pass');
    assert.match(r.reason, /not significant \(p=0\.007937, needs below 0\.005\)$/);
  });

  test('zero baseline mean: no effect size or change, and a relative bound allows nothing', () => {
    // scipy: mannwhitneyu([5, 6, 7], [-1, 0, 1]) → p=0.1; significant at confidence 0.85.
    const r = compareSeries([5, 6, 7], [-1, 0, 1], mw({ maxIncrease: rel(0.1), confidence: 0.85 }));
    assert.equal(r.outcome, 'fail');
    assert.equal(r.comparison!.effectSize, null);
    assert.equal(r.comparison!.change, null);
    assert.equal(r.reason, 'canary mean 6 is 6 above baseline mean 0 (maxIncrease 10%), significant (p=0.1 below 0.15)');
  });

  test('fewer than 3 samples in either series is inconclusive, saying how many', () => {
    const r = compareSeries([1, 2], [1, 2, 3], mw({ maxIncrease: rel(0.1) }));
    assert.equal(r.outcome, 'inconclusive');
    assert.equal(r.reason, '2 canary and 3 baseline samples, mann-whitney needs at least 3 of each');
    assert.deepEqual(r.comparison, { method: 'mann-whitney', reference: 2, from: 'baseline', change: -0.25, samples: { canary: 2, baseline: 3 }, bound: 'maxIncrease 10%' });
    assert.equal(compareSeries(up, [1, 2], mw({ maxIncrease: rel(0.1) })).outcome, 'inconclusive');
    assert.equal(compareSeries([], base, mw({ maxIncrease: rel(0.1) })).comparison?.change, null);
  });

  test('an empty baseline series has no reference to show', () => {
    const r = compareSeries(up, [], mw({ maxIncrease: rel(0.1) }));
    assert.equal(r.outcome, 'inconclusive');
    assert.equal(r.comparison, undefined);
    assert.equal(r.reason, '5 canary and 0 baseline samples, mann-whitney needs at least 3 of each');
  });

  test('property: scaling both series by the same positive factor never changes the outcome (relative bounds)', () => {
    const series = fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 12 });
    const bound = fc.option(fc.integer({ min: 0, max: 50 }).map((p) => rel(p / 100)), { nil: undefined });
    fc.assert(
      fc.property(series, series, bound, bound, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (canary, baseline, maxIncrease, maxDecrease, factor) => {
        fc.pre(maxIncrease !== undefined || maxDecrease !== undefined);
        const b = mw({ ...(maxIncrease ? { maxIncrease } : {}), ...(maxDecrease ? { maxDecrease } : {}) });
        const scaled = compareSeries(canary.map((v) => v * factor), baseline.map((v) => v * factor), b);
        assert.equal(scaled.outcome, compareSeries(canary, baseline, b).outcome);
      }),
      { numRuns: 500 },
    );
  });
});
