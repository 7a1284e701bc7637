import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatChange, formatMeasured, formatNumber, formatPercent, formatPercentage } from '../../src/analysis/format.ts';

describe('formatNumber', () => {
  for (const [value, text] of [
    [0, '0'],
    [-0, '0'],
    [1, '1'],
    [99.7, '99.7'],
    [99.9, '99.9'],
    [99.70000000000002, '99.7'],
    [99.712345, '99.7123'],
    [99.71235, '99.7124'],
    [1500, '1500'],
    [1234567.891234, '1234567.8912'],
    [-12.34567, '-12.3457'],
    [0.21, '0.21'],
    [0.475, '0.475'],
    [0.123456, '0.1235'],
    [0.000123456, '0.0001235'],
    [0.99999, '1'],
    [1.00001, '1'],
    [-0.5, '-0.5'],
    [1e-7, '1e-7'],
    [1e21, '1e+21'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
  ] as const) {
    test(`${value} → ${text}`, () => assert.equal(formatNumber(value), text));
  }

  test('property: never more than 4 decimals for |v| >= 1, close to the value, no trailing zeros', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }), (v) => {
        const s = formatNumber(v);
        assert.ok(!/\.\d*0$/.test(s), s);
        if (Math.abs(v) >= 1) assert.ok(!/\.\d{5,}/.test(s), s);
        assert.ok(Math.abs(Number(s) - v) <= Math.max(5e-5, Math.abs(v) * 5e-4), `${v} → ${s}`);
      }),
    );
  });
});

describe('formatMeasured', () => {
  for (const [value, bounds, text] of [
    [99.7, [99, undefined], '99.7'],
    [98.99996, [99, undefined], '98.99996'],
    [99.00004, [99, undefined], '99.00004'],
    [0.50000001, [undefined, 0.5], '0.50000001'],
    [0.5, [undefined, 0.5], '0.5'],
    [99.9999999999999, [99.9999999999998], '100'],
    [99.99999999999991, [undefined, 100], '99.9999999999999'],
    [12.00001, [10, 12], '12.00001'],
  ] as const) {
    test(`${value} against ${JSON.stringify(bounds)} → ${text}`, () => assert.equal(formatMeasured(value, bounds), text));
  }

  test('property: a value unequal to a bound never prints as that bound', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (value, bound) => {
          fc.pre(value !== bound);
          assert.notEqual(formatMeasured(value, [bound]), String(bound));
        },
      ),
    );
  });
});

describe('percentages', () => {
  test('formatPercentage: 3 significant digits, more only to differ from a bound it is not', () => {
    assert.equal(formatPercentage(0.17777), '17.8%');
    assert.equal(formatPercentage(4), '400%');
    assert.equal(formatPercentage(0.0000556), '0.00556%');
    assert.equal(formatPercentage(0.10006, [10]), '10.01%');
    assert.equal(formatPercentage(0.0999999, [10]), '9.99999%');
    assert.equal(formatPercentage(0.1, [10]), '10%');
    // 1.1 − 1 is 0.10000000000000009 in doubles: that is the bound, not above it.
    assert.equal(formatPercentage(1.1 - 1, [10]), '10%');
  });

  test('formatChange is signed; zero is +0%', () => {
    assert.equal(formatChange(0.17777), '+17.8%');
    assert.equal(formatChange(-0.05), '-5%');
    assert.equal(formatChange(0), '+0%');
    assert.equal(formatChange(-0), '+0%');
    assert.equal(formatChange(-1e-9), '-1e-7%'); // src/audit/checks.ts reads exponents
    assert.equal(formatChange(-0.10006, [10]), '-10.01%');
  });

  test('formatPercent writes a relative bound as it was written', () => {
    assert.equal(formatPercent(0.1), '10%');
    assert.equal(formatPercent(0.07), '7%');
    assert.equal(formatPercent(0.055), '5.5%');
    assert.equal(formatPercent(1.5), '150%');
    assert.equal(formatPercent(0), '0%');
  });

  test('property: a percentage parses back to within its 3 significant digits, and never as an avoided bound it is not', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 300 }), (fraction, bound) => {
        const shown = formatPercentage(fraction, [bound]);
        const back = Number(shown.slice(0, -1));
        assert.ok(Math.abs(back - fraction * 100) <= 5e-3 * fraction * 100, `${shown} for ${fraction}`);
        if (Math.abs(fraction * 100 - bound) > 1e-9 * Math.max(1, bound)) assert.notEqual(back, bound);
      }),
    );
  });
});
