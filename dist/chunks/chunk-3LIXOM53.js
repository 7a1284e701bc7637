import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);

// src/config/duration.ts
var UNITS = [
  ["d", 864e5],
  ["h", 36e5],
  ["m", 6e4],
  ["s", 1e3],
  ["ms", 1]
];
var DURATION_PATTERN = /^(?=\d)(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
var DURATION_EXAMPLES = "500ms, 30s, 5m, 1h, 1m30s";
function tryParseDuration(text) {
  const m = DURATION_PATTERN.exec(text);
  if (!m) return void 0;
  let ms = 0;
  UNITS.forEach(([, size], i) => {
    const digits = m[i + 1];
    if (digits !== void 0) ms += Number(digits) * size;
  });
  return Number.isSafeInteger(ms) ? ms : void 0;
}
function parseDuration(text) {
  const ms = tryParseDuration(text);
  if (ms === void 0) {
    throw new RangeError(`invalid duration ${JSON.stringify(text)}: write e.g. ${DURATION_EXAMPLES}`);
  }
  return ms;
}
function formatDuration(ms) {
  const whole = Math.round(ms);
  if (!Number.isSafeInteger(whole) || whole < 0) {
    throw new RangeError(`cannot format ${ms} as a duration: expected a non-negative number of milliseconds`);
  }
  if (whole === 0) return "0s";
  let rest = whole;
  let out = "";
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

export {
  DURATION_PATTERN,
  DURATION_EXAMPLES,
  tryParseDuration,
  parseDuration,
  formatDuration
};
