/**
 * Comparing the canary with a reference (a check's `baseline:`, PRODUCT.md
 * "Analysis"). Pure: values and series come in, an outcome with its reason
 * goes out.
 *
 * A bound `{ relative: r }` lets the canary be at most |reference|·r above
 * (maxIncrease) or below (maxDecrease) the reference; `{ absolute: a }` at most
 * `a` in the query's unit. Bounds are inclusive: a difference exactly at the
 * bound passes (up to 1e-12 of the values, so that 1.1 against 1 at 10% is not
 * failed by binary rounding). A direction without a bound is never a failure.
 */
import type { BaselineBound } from '../config/analysis-schema.ts';
import type { BaselineCheck, Comparison } from './evaluate.ts';
import { formatMeasured, formatNumber, formatPercent, formatPercentage } from './format.ts';
import { mannWhitneyU } from './mann-whitney.ts';

/** Fewer samples than this in either series: the test says nothing (inconclusive). */
export const MIN_SAMPLES = 3;

type Bounds = Pick<BaselineCheck, 'maxIncrease' | 'maxDecrease'>;

/** The bounds as written: `maxIncrease 10%, maxDecrease 5%`, `maxIncrease 20` (absolute). */
export function formatBaselineBounds(b: Bounds): string {
  const parts: string[] = [];
  if (b.maxIncrease) parts.push(`maxIncrease ${formatBound(b.maxIncrease)}`);
  if (b.maxDecrease) parts.push(`maxDecrease ${formatBound(b.maxDecrease)}`);
  return parts.join(', ');
}

function formatBound(bound: BaselineBound): string {
  return 'relative' in bound ? formatPercent(bound.relative) : String(bound.absolute);
}

type Direction = 'maxIncrease' | 'maxDecrease';

/** The bound `diff` (canary − reference) goes beyond, if any. */
function breach(diff: number, reference: number, b: Bounds): Direction | undefined {
  const direction: Direction = diff > 0 ? 'maxIncrease' : 'maxDecrease';
  const bound = b[direction];
  if (diff === 0 || !bound) return undefined;
  const allowed = 'relative' in bound ? Math.abs(reference) * bound.relative : bound.absolute;
  const slack = 1e-12 * (Math.abs(reference) + Math.abs(diff));
  return Math.abs(diff) > allowed + slack ? direction : undefined;
}

const changeOf = (value: number, reference: number) => (reference === 0 ? null : (value - reference) / Math.abs(reference));

/** `212 is 17.8% above reference 180`, `5 is 5 above reference 0`, `180 equals reference 180`. */
function differenceText(value: number, reference: number, b: Bounds, names: { value: string; reference: string }): string {
  const shown = `${names.value}${formatMeasured(value, [reference])}`;
  const ref = `${names.reference} ${formatNumber(reference)}`;
  const diff = value - reference;
  if (diff === 0) return `${shown} equals ${ref}`;
  const bound = b[diff > 0 ? 'maxIncrease' : 'maxDecrease'];
  const change = changeOf(value, reference);
  const by =
    change === null || !Number.isFinite(change * 100) || (bound && 'absolute' in bound)
      ? formatMeasured(Math.abs(diff), [bound && 'absolute' in bound ? bound.absolute : undefined])
      : formatPercentage(Math.abs(change), bound ? [Number((bound.relative * 100).toPrecision(12))] : []);
  return `${shown} is ${by} ${diff > 0 ? 'above' : 'below'} ${ref}`;
}

/** The bound in the direction of `diff`: `maxIncrease 10%`, `within maxIncrease 10%`, or `no maxIncrease`. */
function limitText(diff: number, b: Bounds, within = false): string {
  const direction: Direction = diff > 0 ? 'maxIncrease' : 'maxDecrease';
  const bound = b[direction];
  return bound ? `${within ? 'within ' : ''}${direction} ${formatBound(bound)}` : `no ${direction}`;
}

/**
 * The canary's value against one reference value (`method: value`): stable's
 * value now (`from: 'baseline'`) or the check's first value in the rollout.
 */
export function compareValue(
  value: number,
  reference: number,
  b: BaselineCheck,
  from: Comparison['from'],
): { outcome: 'pass' | 'fail'; comparison: Comparison; reason: string } {
  const comparison: Comparison = { method: 'value', reference, from, change: changeOf(value, reference), bound: formatBaselineBounds(b) };
  const diff = value - reference;
  const what = differenceText(value, reference, b, { value: '', reference: from === 'first-value' ? 'first value' : 'reference' });
  if (diff === 0) return { outcome: 'pass', comparison, reason: what };
  const broken = breach(diff, reference, b);
  if (broken) return { outcome: 'fail', comparison, reason: `${what} (${limitText(diff, b)})` };
  return { outcome: 'pass', comparison, reason: `${what} (${limitText(diff, b, true)})` };
}

const mean = (xs: readonly number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;

/**
 * The canary's series against the baseline's over the step (`method:
 * mann-whitney`), as Kayenta judges: fail only when the two-sided Mann-Whitney
 * U test is significant (p < 1 − confidence) AND the effect is beyond the bound
 * in its direction, so a significant but tiny difference passes. The effect is
 * the mean ratio canary/baseline: with a relative bound it fails above
 * 1 + maxIncrease or below 1 − maxDecrease (for a positive baseline mean; in
 * general, the change of the means against |baseline mean|); with an absolute
 * bound the difference of the means is compared. Fewer than 3 samples in
 * either series is inconclusive. `comparison` is absent only when the baseline
 * series is empty (no reference to show).
 */
export function compareSeries(
  canary: readonly number[],
  baseline: readonly number[],
  b: BaselineCheck,
): { outcome: 'pass' | 'fail' | 'inconclusive'; comparison?: Comparison; reason: string } {
  const samples = { canary: canary.length, baseline: baseline.length };
  const bound = formatBaselineBounds(b);
  if (canary.length < MIN_SAMPLES || baseline.length < MIN_SAMPLES) {
    const reason = `${canary.length} canary and ${baseline.length} baseline samples, mann-whitney needs at least ${MIN_SAMPLES} of each`;
    if (baseline.length === 0) return { outcome: 'inconclusive', reason };
    const reference = mean(baseline);
    const change = canary.length === 0 ? null : changeOf(mean(canary), reference);
    return { outcome: 'inconclusive', comparison: { method: 'mann-whitney', reference, from: 'baseline', change, samples, bound }, reason };
  }

  const canaryMean = mean(canary);
  const reference = mean(baseline);
  const { pValue } = mannWhitneyU(canary, baseline);
  const comparison: Comparison = {
    method: 'mann-whitney',
    reference,
    from: 'baseline',
    change: changeOf(canaryMean, reference),
    pValue,
    effectSize: reference === 0 ? null : canaryMean / reference,
    samples,
    bound,
  };
  const alpha = 1 - b.confidence;
  const diff = canaryMean - reference;
  const what = differenceText(canaryMean, reference, b, { value: 'canary mean ', reference: 'baseline mean' });
  const p = `p=${formatNumber(pValue)}`;
  if (pValue >= alpha) {
    return { outcome: 'pass', comparison, reason: `${what}, not significant (${p}, needs below ${formatNumber(alpha)})` };
  }
  if (breach(diff, reference, b)) {
    return { outcome: 'fail', comparison, reason: `${what} (${limitText(diff, b)}), significant (${p} below ${formatNumber(alpha)})` };
  }
  return { outcome: 'pass', comparison, reason: `${what}, significant (${p}) but ${limitText(diff, b, true)}` };
}
