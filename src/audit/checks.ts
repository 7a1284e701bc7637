/**
 * The check-values line in the body of a git-canary commit, e.g.
 *
 *     success-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass
 *     requests 240 (minRequests 100) pass; latency-p99 212 (max 500, ref 180 +17.8% maxIncrease 10%) fail critical
 *
 * Grammar (one line, written by src/analysis/summary.ts, which documents it in full):
 *
 *     line       = entry *( ";" entry )
 *     entry      = name SP value [ SP "(" details ")" ] SP outcome [ SP "critical" ] [ SP anything ]
 *     name       = one token without spaces (the check's `name` in git-canary.yaml)
 *     value      = a decimal number (`99.7`, `-3`, `1e-3`) or `-` when there is none
 *                  (no data, NaN, ±Inf, or the query errored)
 *     details    = item *( ", " item ); item = `min X` | `max Y` | `minRequests N` | comparison (last)
 *     comparison = ( `ref` | `first` ) X [ `+12.5%` ] [ `mann-whitney` [ `p=P effect E` ] ] [ bounds ]
 *     bounds     = `maxIncrease 10%` and/or `maxDecrease 5%` (a plain number is absolute)
 *     outcome    = pass | fail | inconclusive | no-data | error
 *
 * Anything after the outcome (a reason) is ignored. Entries that do not match are
 * skipped, never fatal: the line is read back for `git-canary log`, and a person
 * may have written the body. Details that do not read are ignored, the entry kept.
 */
import { type ChecksLineEntry, formatChecksEntry } from '../analysis/summary.ts';
import type { JudgmentNote } from '../engine/types.ts';
import { TextMemo } from '../memo.ts';

/** One check as recorded in a commit body or a note. */
export type CheckValue = JudgmentNote['checks'][number];
/** `pass | fail | inconclusive | no-data | error`. */
export type CheckOutcome = CheckValue['outcome'];

const OUTCOMES: readonly CheckOutcome[] = ['pass', 'fail', 'inconclusive', 'no-data', 'error'];
const ENTRY = /^(\S+)\s+(\S+)(?:\s+\(([^)]*)\))?\s+(pass|fail|inconclusive|no-data|error)(?:\s+(critical))?(?:\s.*)?$/;
const NUM = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:e[-+]?\\d+)?';
const NUMBER = new RegExp(`^${NUM}$`, 'i');
const SIMPLE_ITEM = new RegExp(`^(min|max|minRequests)\\s+(${NUM})$`, 'i');
const COMPARISON = new RegExp(
  `^(ref|first)\\s+(${NUM})(?:\\s+([-+]${NUM})%)?(?:\\s+(mann-whitney)(?:\\s+p=(${NUM})\\s+effect\\s+(${NUM}|-))?)?(?:\\s+((?:maxIncrease|maxDecrease)\\s.*))?$`,
  'i',
);
/** Where the comparison starts inside the details. */
const COMPARISON_START = /(?:^|,\s*)(?=(?:ref|first)\s)/;

/** True when `s` is one of the check outcomes. */
export function isCheckOutcome(s: unknown): s is CheckOutcome {
  return typeof s === 'string' && (OUTCOMES as readonly string[]).includes(s);
}

/**
 * A check as a checks line records it: value and outcome, the bounds it was
 * held to, and, for a baseline check, its comparison (`change` is a fraction,
 * 0.178 for `+17.8%`). `minRequests` marks the minRequests pseudo-check.
 */
export interface CheckLineInput extends CheckValue {
  min?: number;
  max?: number;
  critical?: boolean;
  minRequests?: number;
  method?: 'value' | 'mann-whitney';
  reference?: number;
  from?: 'baseline' | 'first-value';
  change?: number;
  pValue?: number;
  effectSize?: number | null;
  bound?: string;
}

// A record's body is read for its checks several times (bounds, reason, judgment, steps), and `log`
// reads thousands of records: each line is parsed once. Results are frozen, as they are shared.
const valuesOfLine = new TextMemo<readonly CheckValue[]>(4096);
const detailsOfLine = new TextMemo<readonly CheckLineInput[]>(4096);

/** The checks of one checks line (see the grammar above); entries that do not parse are skipped. Frozen (shared). */
export function parseChecksLine(line: string): readonly CheckValue[] {
  return valuesOfLine.get(line, () => Object.freeze(parseCheckDetails(line).map(({ name, value, outcome }) => Object.freeze({ name, value, outcome }))));
}

/** Like parseChecksLine, with everything an entry records: bounds, critical, comparison, minRequests. Frozen (shared). */
export function parseCheckDetails(line: string): readonly CheckLineInput[] {
  return detailsOfLine.get(line, () => Object.freeze(parseEntries(line).map((c) => Object.freeze(c))));
}

function parseEntries(line: string): CheckLineInput[] {
  const out: CheckLineInput[] = [];
  for (const part of line.split(';')) {
    const m = ENTRY.exec(part.trim());
    if (!m) continue;
    const [, name, raw, details, outcome, critical] = m;
    if (name === undefined || raw === undefined || !isCheckOutcome(outcome)) continue;
    const value = NUMBER.test(raw) ? Number(raw) : null;
    out.push({
      name,
      value: value !== null && Number.isFinite(value) ? value : null,
      outcome,
      ...(details === undefined ? {} : parseDetails(details)),
      ...(critical ? { critical: true } : {}),
    });
  }
  return out;
}

/** `17.8` → 0.178 by moving the decimal point (dividing by 100 would give 0.17800000000000002). */
function percentToFraction(pct: string): number {
  const [mantissa, exponent] = pct.toLowerCase().split('e');
  return Number(`${mantissa}e${Number(exponent ?? 0) - 2}`);
}

type Details = Omit<CheckLineInput, 'name' | 'value' | 'outcome'>;

function parseDetails(details: string): Details {
  const out: Details = {};
  const split = details.search(COMPARISON_START);
  const simple = split < 0 ? details : details.slice(0, split);
  for (const item of simple.split(',')) {
    const m = SIMPLE_ITEM.exec(item.trim());
    if (!m) continue;
    const key = m[1]!.toLowerCase() === 'minrequests' ? 'minRequests' : (m[1]!.toLowerCase() as 'min' | 'max');
    out[key] = Number(m[2]);
  }
  if (split < 0) return out;
  const c = COMPARISON.exec(details.slice(split).replace(/^,\s*/, '').trim());
  if (!c) return out;
  const [, from, reference, change, method, pValue, effect, bound] = c;
  out.method = method ? 'mann-whitney' : 'value';
  out.reference = Number(reference);
  out.from = from!.toLowerCase() === 'first' ? 'first-value' : 'baseline';
  if (change !== undefined) out.change = percentToFraction(change);
  if (pValue !== undefined) out.pValue = Number(pValue);
  if (effect !== undefined) out.effectSize = effect === '-' ? null : Number(effect);
  out.bound = bound?.trim() ?? '';
  return out;
}

/**
 * The checks of a commit body: those of its first line that reads as a checks
 * line, or [] when none does (a start commit, a pause reason).
 */
export function checksFromBody(body: string): readonly CheckValue[] {
  for (const line of body.split('\n')) {
    const checks = parseChecksLine(line);
    if (checks.length > 0) return checks;
  }
  return [];
}

/**
 * Write a checks line in the grammar above, every digit kept; `parseCheckDetails`
 * reads it back. Non-finite values are written `-`. Names must be single tokens without `;`.
 */
export function formatChecksLine(checks: readonly CheckLineInput[]): string {
  return checks.map((c) => formatChecksEntry(entryOf(c), true)).join('; ');
}

function entryOf(c: CheckLineInput): ChecksLineEntry {
  return {
    name: c.name,
    value: c.value,
    outcome: c.outcome,
    ...(c.min !== undefined ? { min: c.min } : {}),
    ...(c.max !== undefined ? { max: c.max } : {}),
    ...(c.minRequests !== undefined ? { minRequests: c.minRequests } : {}),
    ...(c.critical ? { critical: true } : {}),
    ...(c.reference !== undefined
      ? {
          comparison: {
            method: c.method ?? 'value',
            reference: c.reference,
            from: c.from ?? 'baseline',
            change: c.change ?? null,
            ...(c.pValue !== undefined ? { pValue: c.pValue } : {}),
            ...(c.effectSize !== undefined ? { effectSize: c.effectSize } : {}),
            bound: c.bound ?? '',
          },
        }
      : {}),
  };
}
