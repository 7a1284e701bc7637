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
