import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextFailedCount, shouldRollback } from '../../src/analysis/threshold.ts';

describe('shouldRollback', () => {
  for (const [failed, threshold, expected] of [
    [0, 1, false],
    [1, 1, true],
    [0, 2, false],
    [1, 2, false],
    [2, 2, true],
    [3, 2, true],
  ] as const) {
    test(`${failed} failed, threshold ${threshold} → ${expected}`, () => {
      assert.equal(shouldRollback(failed, threshold), expected);
    });
  }

  for (const threshold of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    test(`threshold ${threshold} is refused`, () => {
      assert.throws(() => shouldRollback(0, threshold), { name: 'RangeError', message: /threshold must be a positive integer/ });
    });
  }
  for (const failed of [-1, 0.5, Number.NaN]) {
    test(`failed count ${failed} is refused`, () => {
      assert.throws(() => shouldRollback(failed, 2), { name: 'RangeError', message: /failed count/ });
    });
  }
});

describe('nextFailedCount', () => {
  test('only a failed judgment counts, once however many checks failed', () => {
    assert.equal(nextFailedCount(0, 'fail'), 1);
    assert.equal(nextFailedCount(1, 'fail'), 2);
    assert.equal(nextFailedCount(1, 'pass'), 1);
    assert.equal(nextFailedCount(1, 'inconclusive'), 1);
    assert.equal(nextFailedCount(1, 'error'), 1);
  });

  test('two failed judgments with threshold 2 roll back', () => {
    let failed = 0;
    for (const outcome of ['fail', 'inconclusive', 'error', 'pass'] as const) failed = nextFailedCount(failed, outcome);
    assert.equal(shouldRollback(failed, 2), false);
    failed = nextFailedCount(failed, 'fail');
    assert.equal(shouldRollback(failed, 2), true);
  });
});
