/**
 * Failed judgments counted toward `analysis.threshold` (PRODUCT.md "Judgment"):
 * each judgment whose outcome is 'fail' counts one, whatever the number of
 * failed checks in it; inconclusive and errored judgments count nothing.
 */
import type { JudgmentOutcome } from './evaluate.ts';

/** The failed count after one more judgment. */
export function nextFailedCount(failedCount: number, outcome: JudgmentOutcome): number {
  assertCount(failedCount);
  return outcome === 'fail' ? failedCount + 1 : failedCount;
}

/** True once `failedCount` failed judgments reach `threshold` (a positive integer). */
export function shouldRollback(failedCount: number, threshold: number): boolean {
  assertCount(failedCount);
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new RangeError(`threshold must be a positive integer, got ${threshold}`);
  }
  return failedCount >= threshold;
}

function assertCount(failedCount: number): void {
  if (!Number.isInteger(failedCount) || failedCount < 0) {
    throw new RangeError(`failed count must be a non-negative integer, got ${failedCount}`);
  }
}
