import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  TextMemo
} from "./chunk-DQCITK7L.js";

// src/analysis/format.ts
function formatNumber(value) {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
  if (value === 0) return "0";
  const rounded = Math.abs(value) >= 1 ? Number(value.toFixed(4)) : Number(value.toPrecision(4));
  return String(rounded === 0 ? 0 : rounded);
}
function formatMeasured(value, bounds) {
  const short = formatNumber(value);
  const clashes = (s) => bounds.some((b) => b !== void 0 && b !== value && s === String(b));
  if (!clashes(short)) return short;
  for (let digits = 5; digits <= 17; digits++) {
    const longer = String(Number(value.toPrecision(digits)));
    if (!clashes(longer)) return longer;
  }
  return String(value);
}
function formatPercentage(fraction, avoid = []) {
  const exact = fraction * 100;
  const clashes = (shown) => avoid.some((a) => shown === a && Math.abs(exact - a) > 1e-9 * Math.max(1, Math.abs(a)));
  for (let digits = 3; digits <= 17; digits++) {
    const shown = Number(exact.toPrecision(digits));
    if (!clashes(shown)) return `${shown}%`;
  }
  return `${exact}%`;
}
function formatChange(fraction, avoid = []) {
  const shown = formatPercentage(Math.abs(fraction), avoid);
  return `${fraction < 0 && shown !== "0%" ? "-" : "+"}${shown}`;
}
function formatPercent(fraction) {
  return `${Number((fraction * 100).toPrecision(12))}%`;
}

// src/analysis/summary.ts
var REQUESTS_ENTRY = "requests";
function formatChecksEntry(e, exact = false) {
  const num = exact ? String : formatNumber;
  const value = e.value === null || !Number.isFinite(e.value) ? "-" : exact ? String(e.value) : formatMeasured(e.value, [e.min, e.max, e.minRequests]);
  const items = [];
  if (e.min !== void 0) items.push(`min ${e.min}`);
  if (e.max !== void 0) items.push(`max ${e.max}`);
  if (e.minRequests !== void 0) items.push(`minRequests ${e.minRequests}`);
  if (e.comparison) items.push(formatComparison(e.comparison, num));
  const details = items.length > 0 ? ` (${items.join(", ")})` : "";
  const critical = e.critical ? " critical" : "";
  const note = e.note !== void 0 ? ` (${e.note})` : "";
  return `${e.name} ${value}${details} ${e.outcome}${critical}${note}`;
}
function formatComparison(c, num) {
  const parts = [`${c.from === "first-value" ? "first" : "ref"} ${num(c.reference)}`];
  if (c.method === "value" && c.change !== null && Number.isFinite(c.change * 100)) parts.push(formatChange(c.change, percentagesIn(c.bound)));
  if (c.method === "mann-whitney") {
    parts.push("mann-whitney");
    if (c.pValue !== void 0) {
      const effect = c.effectSize === null || c.effectSize === void 0 ? "-" : num(c.effectSize);
      parts.push(`p=${num(c.pValue)}`, `effect ${effect}`);
    }
  }
  if (c.bound !== "") parts.push(c.bound);
  return parts.join(" ");
}
function percentagesIn(bound) {
  return [...bound.matchAll(/(\d+(?:\.\d+)?)%/g)].map((m) => Number(m[1]));
}
function summarize(results, requests) {
  const entries = [];
  if (requests) {
    entries.push({
      name: REQUESTS_ENTRY,
      value: requests.value,
      outcome: requests.outcome,
      minRequests: requests.min,
      ...requests.outcome === "no-data" || requests.outcome === "error" ? { note: requests.reason } : {}
    });
  }
  for (const r of results) {
    entries.push({
      name: r.name,
      value: r.value,
      outcome: r.outcome,
      ...r.min !== void 0 ? { min: r.min } : {},
      ...r.max !== void 0 ? { max: r.max } : {},
      ...r.critical ? { critical: true } : {},
      ...r.comparison ? { comparison: r.comparison } : {},
      ...r.outcome === "no-data" || r.outcome === "error" || r.outcome === "inconclusive" ? { note: r.reason } : {}
    });
  }
  if (entries.length === 0) return "no checks";
  return entries.map((e) => formatChecksEntry(e)).join("; ");
}

// src/audit/checks.ts
var OUTCOMES = ["pass", "fail", "inconclusive", "no-data", "error"];
var ENTRY = /^(\S+)\s+(\S+)(?:\s+\(([^)]*)\))?\s+(pass|fail|inconclusive|no-data|error)(?:\s+(critical))?(?:\s.*)?$/;
var NUM = "[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:e[-+]?\\d+)?";
var NUMBER = new RegExp(`^${NUM}$`, "i");
var SIMPLE_ITEM = new RegExp(`^(min|max|minRequests)\\s+(${NUM})$`, "i");
var COMPARISON = new RegExp(
  `^(ref|first)\\s+(${NUM})(?:\\s+([-+]${NUM})%)?(?:\\s+(mann-whitney)(?:\\s+p=(${NUM})\\s+effect\\s+(${NUM}|-))?)?(?:\\s+((?:maxIncrease|maxDecrease)\\s.*))?$`,
  "i"
);
var COMPARISON_START = /(?:^|,\s*)(?=(?:ref|first)\s)/;
function isCheckOutcome(s) {
  return typeof s === "string" && OUTCOMES.includes(s);
}
var valuesOfLine = new TextMemo(4096);
var detailsOfLine = new TextMemo(4096);
function parseChecksLine(line) {
  return valuesOfLine.get(line, () => Object.freeze(parseCheckDetails(line).map(({ name, value, outcome }) => Object.freeze({ name, value, outcome }))));
}
function parseCheckDetails(line) {
  return detailsOfLine.get(line, () => Object.freeze(parseEntries(line).map((c) => Object.freeze(c))));
}
function parseEntries(line) {
  const out = [];
  for (const part of line.split(";")) {
    const m = ENTRY.exec(part.trim());
    if (!m) continue;
    const [, name, raw, details, outcome, critical] = m;
    if (name === void 0 || raw === void 0 || !isCheckOutcome(outcome)) continue;
    const value = NUMBER.test(raw) ? Number(raw) : null;
    out.push({
      name,
      value: value !== null && Number.isFinite(value) ? value : null,
      outcome,
      ...details === void 0 ? {} : parseDetails(details),
      ...critical ? { critical: true } : {}
    });
  }
  return out;
}
function percentToFraction(pct) {
  const [mantissa, exponent] = pct.toLowerCase().split("e");
  return Number(`${mantissa}e${Number(exponent ?? 0) - 2}`);
}
function parseDetails(details) {
  const out = {};
  const split = details.search(COMPARISON_START);
  const simple = split < 0 ? details : details.slice(0, split);
  for (const item of simple.split(",")) {
    const m = SIMPLE_ITEM.exec(item.trim());
    if (!m) continue;
    const key = m[1].toLowerCase() === "minrequests" ? "minRequests" : m[1].toLowerCase();
    out[key] = Number(m[2]);
  }
  if (split < 0) return out;
  const c = COMPARISON.exec(details.slice(split).replace(/^,\s*/, "").trim());
  if (!c) return out;
  const [, from, reference, change, method, pValue, effect, bound] = c;
  out.method = method ? "mann-whitney" : "value";
  out.reference = Number(reference);
  out.from = from.toLowerCase() === "first" ? "first-value" : "baseline";
  if (change !== void 0) out.change = percentToFraction(change);
  if (pValue !== void 0) out.pValue = Number(pValue);
  if (effect !== void 0) out.effectSize = effect === "-" ? null : Number(effect);
  out.bound = bound?.trim() ?? "";
  return out;
}
function checksFromBody(body) {
  for (const line of body.split("\n")) {
    const checks = parseChecksLine(line);
    if (checks.length > 0) return checks;
  }
  return [];
}

export {
  formatNumber,
  formatMeasured,
  formatPercentage,
  formatPercent,
  summarize,
  isCheckOutcome,
  parseChecksLine,
  parseCheckDetails,
  checksFromBody
};
