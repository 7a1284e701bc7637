/**
 * Compact numbers for commit bodies and status lines: at most 4 decimals for
 * |value| >= 1, 4 significant digits below 1, no trailing zeros
 * (99.7, 0.21, 0.0001235, 1500).
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return '0';
  const rounded = Math.abs(value) >= 1 ? Number(value.toFixed(4)) : Number(value.toPrecision(4));
  return String(rounded === 0 ? 0 : rounded);
}

/**
 * Like formatNumber, but never prints a measured value that differs from a
 * bound as that bound: 98.99996 against min 99 prints 98.99996, not 99, so a
 * "fail" never reads as "99 (min 99)". Bounds are shown as written (String(bound)).
 */
export function formatMeasured(value: number, bounds: readonly (number | undefined)[]): string {
  const short = formatNumber(value);
  const clashes = (s: string) => bounds.some((b) => b !== undefined && b !== value && s === String(b));
  if (!clashes(short)) return short;
  for (let digits = 5; digits <= 17; digits++) {
    const longer = String(Number(value.toPrecision(digits)));
    if (!clashes(longer)) return longer;
  }
  return String(value);
}

/**
 * A fraction as a percentage with 3 significant digits (0.1778 → `17.8%`),
 * more when needed so that it never prints as one of the percentages in
 * `avoid` (the bounds) unless it is that bound: 0.10006 against a 10% bound
 * prints `10.01%`, not `10%`.
 */
export function formatPercentage(fraction: number, avoid: readonly number[] = []): string {
  const exact = fraction * 100;
  const clashes = (shown: number) => avoid.some((a) => shown === a && Math.abs(exact - a) > 1e-9 * Math.max(1, Math.abs(a)));
  for (let digits = 3; digits <= 17; digits++) {
    const shown = Number(exact.toPrecision(digits));
    if (!clashes(shown)) return `${shown}%`;
  }
  return `${exact}%`;
}

/**
 * A fraction as a signed percentage, for changes against a reference:
 * 0.1778 → `+17.8%`, -0.05 → `-5%`, 0 → `+0%` (see formatPercentage for `avoid`).
 */
export function formatChange(fraction: number, avoid: readonly number[] = []): string {
  const shown = formatPercentage(Math.abs(fraction), avoid);
  return `${fraction < 0 && shown !== '0%' ? '-' : '+'}${shown}`;
}

/**
 * A relative bound (a fraction) as it was written, a percentage: 0.1 → `10%`,
 * 0.055 → `5.5%` (12 significant digits hide the binary rounding of ·100).
 */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(12))}%`;
}
