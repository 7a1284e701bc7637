/**
 * The check-values line in the body of a git-canary commit, e.g.
 *
 *     success-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass
 *
 * Grammar (one line, produced by the analysis module):
 *
 *     line    = entry *( ";" entry )
 *     entry   = name SP value [ SP "(" bounds ")" ] SP outcome [ SP anything ]
 *     name    = one token without spaces (the check's `name` in git-canary.yaml)
 *     value   = a decimal number (`99.7`, `-3`, `1e-3`) or `-` when there is none
 *               (no data, NaN, ±Inf, or the query errored)
 *     bounds  = `min X`, `max Y` or `min X, max Y`
 *     outcome = pass | fail | no-data | error
 *
 * Anything after the outcome (a reason) is ignored. Entries that do not match are
 * skipped, never fatal: the line is read back for `git-canary log`, and a person
 * may have written the body.
 */
import type { JudgmentNote } from '../engine/types.ts';

/** One check as recorded in a commit body or a note. */
export type CheckValue = JudgmentNote['checks'][number];
/** `pass | fail | no-data | error`. */
export type CheckOutcome = CheckValue['outcome'];

const OUTCOMES: readonly CheckOutcome[] = ['pass', 'fail', 'no-data', 'error'];
const ENTRY = /^(\S+)\s+(\S+)(?:\s+\([^)]*\))?\s+(pass|fail|no-data|error)(?:\s.*)?$/;
const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i;

/** True when `s` is one of the four check outcomes. */
export function isCheckOutcome(s: unknown): s is CheckOutcome {
  return typeof s === 'string' && (OUTCOMES as readonly string[]).includes(s);
}

/** The checks of one checks line (see the grammar above); entries that do not parse are skipped. */
export function parseChecksLine(line: string): CheckValue[] {
  const out: CheckValue[] = [];
  for (const part of line.split(';')) {
    const m = ENTRY.exec(part.trim());
    if (!m) continue;
    const [, name, raw, outcome] = m;
    if (name === undefined || raw === undefined || !isCheckOutcome(outcome)) continue;
    const value = NUMBER.test(raw) ? Number(raw) : null;
    out.push({ name, value: value !== null && Number.isFinite(value) ? value : null, outcome });
  }
  return out;
}

/**
 * The checks of a commit body: those of its first line that reads as a checks
 * line, or [] when none does (a start commit, a pause reason).
 */
export function checksFromBody(body: string): CheckValue[] {
  for (const line of body.split('\n')) {
    const checks = parseChecksLine(line);
    if (checks.length > 0) return checks;
  }
  return [];
}

/** A check to write: its value and outcome, and the bounds it was held to. */
export interface CheckLineInput extends CheckValue {
  min?: number;
  max?: number;
}

/**
 * Write a checks line in the grammar above; `parseChecksLine` reads it back.
 * Non-finite values are written `-`. Names must be single tokens without `;`.
 */
export function formatChecksLine(checks: readonly CheckLineInput[]): string {
  return checks
    .map((c) => {
      const value = c.value !== null && Number.isFinite(c.value) ? String(c.value) : '-';
      const bounds = [c.min !== undefined ? `min ${c.min}` : '', c.max !== undefined ? `max ${c.max}` : '']
        .filter(Boolean)
        .join(', ');
      return `${c.name} ${value}${bounds ? ` (${bounds})` : ''} ${c.outcome}`;
    })
    .join('; ');
}
