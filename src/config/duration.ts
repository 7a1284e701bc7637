/**
 * Durations as written in git-canary.yaml: whole numbers with the units d, h, m,
 * s, ms, each at most once and in that (descending) order: `500ms`, `30s`, `5m`,
 * `1h`, `1m30s`, `1d12h`. A bare number, a sign, a fraction or an unknown unit is
 * refused, so `interval: 5` never silently means 5 milliseconds.
 */

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
] as const;

/**
 * The accepted syntax (also the JSON Schema `pattern`). The lookahead makes the
 * empty string fail; regex backtracking tells `5m` from `5ms`.
 */
export const DURATION_PATTERN = /^(?=\d)(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Shown after a bad duration, e.g. `invalid duration "5x": write e.g. 500ms, 30s, 5m, 1h, 1m30s`. */
export const DURATION_EXAMPLES = '500ms, 30s, 5m, 1h, 1m30s';

/** Milliseconds of `text`, or undefined when it is not a duration (or too large to be exact). */
export function tryParseDuration(text: string): number | undefined {
  const m = DURATION_PATTERN.exec(text);
  if (!m) return undefined;
  let ms = 0;
  UNITS.forEach(([, size], i) => {
    const digits = m[i + 1];
    if (digits !== undefined) ms += Number(digits) * size;
  });
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * `parseDuration('1m30s') === 90_000`. Throws a RangeError naming the text
 * when it is not a duration; config validation reports it with file and line first.
 */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) {
    throw new RangeError(`invalid duration ${JSON.stringify(text)}: write e.g. ${DURATION_EXAMPLES}`);
  }
  return ms;
}

/**
 * The shortest duration text for `ms`, largest units first:
 * `formatDuration(90_000) === '1m30s'`, `formatDuration(0) === '0s'`.
 * Fractions of a millisecond are rounded; `parseDuration(formatDuration(ms)) === ms`
 * for every non-negative safe integer. Throws a RangeError for negative or non-finite input.
 */
export function formatDuration(ms: number): string {
  const whole = Math.round(ms);
  if (!Number.isSafeInteger(whole) || whole < 0) {
    throw new RangeError(`cannot format ${ms} as a duration: expected a non-negative number of milliseconds`);
  }
  if (whole === 0) return '0s';
  let rest = whole;
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}
