/**
 * mannWhitneyU against SciPy. Every reference value below was computed with
 * scipy 1.17.1 (python3 here) by
 *
 *     from scipy.stats import mannwhitneyu
 *     r = mannwhitneyu(x, y)            # use_continuity=True, two-sided, method='auto'
 *     (r.statistic, repr(r.pvalue))
 *
 * and the method 'auto' chose by scipy.stats._mannwhitneyu._mwu_choose_method(len(x), len(y), ties),
 * where x and y are written out below, or built by `gen` (the same in Python:
 * gen = lambda n, a, b, c, d: [((i * a + b) % c) / d for i in range(n)]).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { mannWhitneyU, normalUpperTail } from '../../src/analysis/mann-whitney.ts';

const gen = (n: number, a: number, b: number, c: number, d: number) => Array.from({ length: n }, (_, i) => ((i * a + b) % c) / d);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

const cases: [title: string, x: number[], y: number[], u: number, p: number, method: 'exact' | 'asymptotic'][] = [
  ['diabetes example (SciPy docs)', [19, 22, 16, 29, 24], [20, 11, 17, 12], 17, 0.1111111111111111, 'exact'],
  ['sizes 1 and 1', [1], [2], 0, 1.0, 'exact'],
  ['sizes 1 and 3', [5], [1, 2, 3], 3, 0.5, 'exact'],
  ['sizes 1 and 3, in the middle', [2.5], [1, 2, 3], 2, 1.0, 'exact'],
  ['sizes 2 and 2, separated', [1, 2], [3, 4], 0, 0.3333333333333333, 'exact'],
  ['sizes 2 and 5', [0.5, 3.5], [1, 2, 3, 4, 5], 3, 0.5714285714285714, 'exact'],
  ['sizes 3 and 3, interleaved', [1, 4, 5], [2, 3, 6], 4, 1.0, 'exact'],
  ['sizes 3 and 3, separated', [10, 11, 12], [1, 2, 3], 9, 0.1, 'exact'],
  ['sizes 3 and 4 with ties', [1, 2, 2], [2, 3, 3, 4], 1, 0.0954832320975473, 'asymptotic'],
  ['size 1 tied with one of 3', [2], [1, 2, 3], 1.5, 1.0, 'asymptotic'],
  ['all equal, sizes 3 and 2', [5, 5, 5], [5, 5], 3, 1.0, 'asymptotic'],
  ['all equal, sizes 1 and 1', [7], [7], 0.5, 1.0, 'asymptotic'],
  ['negative and fractional values', [-1.5, -0.25, 3.75, 0.125], [-2, -3.5, 0.0625, -0.75, 1], 14, 0.4126984126984127, 'exact'],
  // x = gen(8, 7, 3, 50, 4), y = [v + 0.01 for v in gen(20, 11, 5, 53, 4)]
  ['sizes 8 and 20, exact', gen(8, 7, 3, 50, 4), gen(20, 11, 5, 53, 4).map((v) => v + 0.01), 69, 0.6005099570316963, 'exact'],
  ['sizes 9 and 9, asymptotic', [1, 3, 5, 7, 9, 11, 13, 15, 17], [2, 4, 6, 8, 10, 12, 14, 16, 100], 36, 0.7239320396139757, 'asymptotic'],
  // x = list(range(10, 18)), y = list(range(0, 8))
  ['sizes 8 and 8, complete separation', range(10, 18), range(0, 8), 64, 0.0001554001554001554, 'exact'],
  // x = gen(40, 37, 11, 101, 10), y = [v + 2.5 for v in gen(40, 53, 7, 97, 10)]
  ['sizes 40 and 40, shifted', gen(40, 37, 11, 101, 10), gen(40, 53, 7, 97, 10).map((v) => v + 2.5), 465.5, 0.001308432927603006, 'asymptotic'],
  // x = gen(60, 13, 1, 20, 2), y = gen(45, 17, 4, 19, 2)
  ['sizes 60 and 45 with ties', gen(60, 13, 1, 20, 2), gen(45, 17, 4, 19, 2), 1420.5, 0.6499423468815526, 'asymptotic'],
  // x = [0.5, 0.25, 0.75], y = [float(i) for i in range(1, 13)]
  ['sizes 3 and 12, exact, small p', [0.5, 0.25, 0.75], range(1, 13), 0, 0.004395604395604396, 'exact'],
  // x = [i * 61 + 0.5 for i in range(8)], y = [float(i) for i in range(500)]: C(508, 8) > 2**53
  ['sizes 8 and 500, exact, counts beyond 2**53', range(0, 8).map((i) => i * 61 + 0.5), range(0, 500), 1716, 0.4982995330231311, 'exact'],
  // x = gen(60, 29, 3, 61, 1), y = [v + 40 for v in gen(60, 31, 5, 59, 1)]
  ['sizes 60 and 60, far apart', gen(60, 29, 3, 61, 1), gen(60, 31, 5, 59, 1).map((v) => v + 40), 236, 2.275613470048354e-16, 'asymptotic'],
];

describe('mannWhitneyU matches scipy.stats.mannwhitneyu (scipy 1.17.1)', () => {
  for (const [title, x, y, u, p, method] of cases) {
    test(title, () => {
      const r = mannWhitneyU(x, y);
      assert.equal(r.u, u);
      assert.equal(r.method, method);
      assert.ok(Math.abs(r.pValue - p) <= 1e-6, `p ${r.pValue} differs from SciPy's ${p}`);
      // Tighter than the acceptance bound: the same arithmetic, so nearly the same double.
      assert.ok(Math.abs(r.pValue - p) <= 1e-15 || Math.abs(r.pValue - p) / p <= 1e-9, `p ${r.pValue} vs ${p}`);
    });
  }

  test('an empty sample is a RangeError (callers guard)', () => {
    assert.throws(() => mannWhitneyU([], [1, 2]), { name: 'RangeError', message: 'mannWhitneyU needs two non-empty samples, got 0 and 2 values' });
    assert.throws(() => mannWhitneyU([1], []), RangeError);
  });

  test('a non-finite value is a RangeError', () => {
    assert.throws(() => mannWhitneyU([1, Number.NaN], [1, 2]), { name: 'RangeError', message: 'mannWhitneyU needs finite values, got NaN' });
    assert.throws(() => mannWhitneyU([1], [Number.POSITIVE_INFINITY]), RangeError);
  });
});

describe('normalUpperTail matches scipy.special.ndtr(-z) (scipy 1.17.1)', () => {
  // [z, repr(float(ndtr(-z)))]
  const refs: [number, number][] = [
    [-1, 0.8413447460685429],
    [0, 0.5],
    [1, 0.15865525393145707],
    [3, 0.0013498980316300933],
    [5, 2.866515718791933e-7],
    [8, 6.22096057427174e-16],
    [20, 2.7536241186061556e-89],
  ];
  for (const [z, ref] of refs) {
    test(`z = ${z}`, () => {
      const v = normalUpperTail(z);
      assert.ok(Math.abs(v - ref) <= 1e-15 && Math.abs(v - ref) / ref <= 1e-9, `${v} vs ${ref}`);
    });
  }
});

describe('mannWhitneyU properties', () => {
  const sample = fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 25 });

  test('symmetric: p(x, y) = p(y, x) and U(x, y) + U(y, x) = n·m', () => {
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        const a = mannWhitneyU(x, y);
        const b = mannWhitneyU(y, x);
        assert.equal(a.pValue, b.pValue);
        assert.equal(a.method, b.method);
        assert.equal(a.u + b.u, x.length * y.length);
      }),
    );
  });

  test('p is in [0, 1] and U in [0, n·m]', () => {
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        const r = mannWhitneyU(x, y);
        assert.ok(r.pValue >= 0 && r.pValue <= 1, `p ${r.pValue}`);
        assert.ok(r.u >= 0 && r.u <= x.length * y.length, `U ${r.u}`);
      }),
    );
  });

  test('invariant under a strictly increasing transform (only ranks count)', () => {
    const cube = (v: number) => v ** 3 + 2 * v - 7;
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        assert.deepEqual(mannWhitneyU(x.map(cube), y.map(cube)), mannWhitneyU(x, y));
      }),
    );
  });
});
