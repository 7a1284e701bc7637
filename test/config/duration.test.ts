import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatDuration, parseDuration, tryParseDuration } from '../../src/config/duration.ts';

describe('parseDuration', () => {
  const good: [string, number][] = [
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1m30s', 90_000],
    ['1h0m5s', 3_605_000],
    ['1s500ms', 1_500],
    ['90m', 5_400_000],
    ['0s', 0],
  ];
  for (const [text, ms] of good) {
    it(`${text} → ${ms}`, () => assert.equal(parseDuration(text), ms));
  }

  const bad = ['', '5', '5x', '-1s', '+1s', '1.5s', '1s1m', '1m1m', ' 5m', '5m ', '5 m', 'm', '5M', '1e3ms', '99999999999999999999d'];
  for (const text of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.equal(tryParseDuration(text), undefined);
      assert.throws(() => parseDuration(text), { name: 'RangeError', message: `invalid duration ${JSON.stringify(text)}: write e.g. 500ms, 30s, 5m, 1h, 1m30s` });
    });
  }
});

describe('formatDuration', () => {
  const table: [number, string][] = [
    [0, '0s'],
    [500, '500ms'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [90_061_001, '1d1h1m1s1ms'],
    [1_499.6, '1s500ms'],
  ];
  for (const [ms, text] of table) it(`${ms} → ${text}`, () => assert.equal(formatDuration(ms), text));

  it('rejects negative and non-finite input', () => {
    assert.throws(() => formatDuration(-1), RangeError);
    assert.throws(() => formatDuration(Number.NaN), RangeError);
    assert.throws(() => formatDuration(Number.POSITIVE_INFINITY), RangeError);
  });

  it('is the inverse of parseDuration', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (ms) => parseDuration(formatDuration(ms)) === ms));
  });
});
