/**
 * Analysis judgments that changed no file (a failed check below threshold, an
 * inconclusive or errored run, the one that made a limit pause the rollout)
 * live in git notes, ref `refs/notes/git-canary`, on the record they made: one
 * JSON line per judgment, appended. Each check carries its value and outcome,
 * and when known its limits, reference, p-value, effect size and reason.
 * The failed-check count toward `threshold` is read back from them (DESIGN.md,
 * "State lives in git"). Reading is tolerant: a person or another tool may have
 * edited a note, so garbled lines are skipped, never fatal. A note is read
 * only up to the repository reader's file limit (FILE_MAX_BYTES in
 * src/git/read.ts, 1 MiB): a larger one is refused from its object header,
 * never loaded (over HTTP, native git's partial clone never even downloads
 * it), and its readers skip it with a warning for that commit.
 */
import type { JudgmentNote, RecordedCheck } from '../engine/types.ts';
import { isCheckOutcome } from './checks.ts';

/** The notes ref git-canary writes. */
export const NOTES_REF = 'refs/notes/git-canary';

const JUDGMENT_OUTCOMES: readonly string[] = ['pass', 'fail', 'inconclusive', 'error'] satisfies JudgmentNote['outcome'][];

function isJudgmentOutcome(s: unknown): s is JudgmentNote['outcome'] {
  return typeof s === 'string' && JUDGMENT_OUTCOMES.includes(s);
}

/** One judgment as one JSON line (no trailing newline), keys in a fixed order. */
export function formatNoteLine(n: JudgmentNote): string {
  return JSON.stringify({
    service: n.service,
    rollout: n.rollout,
    at: n.at,
    outcome: n.outcome,
    checks: n.checks.map(checkJson),
    ...(n.critical && n.critical.length > 0 ? { critical: n.critical } : {}),
    ...(n.requests ? { requests: { value: finite(n.requests.value), min: n.requests.min } } : {}),
  });
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One check, keys in a fixed order; the optional ones only when known (non-finite numbers are dropped). */
function checkJson(c: RecordedCheck): Record<string, unknown> {
  const out: Record<string, unknown> = { name: c.name, value: finite(c.value), outcome: c.outcome };
  for (const k of ['min', 'max', 'reference', 'pValue'] as const) if (finite(c[k]) !== null) out[k] = c[k];
  if (c.effectSize === null || finite(c.effectSize) !== null) out.effectSize = c.effectSize;
  if (c.from) out.from = c.from;
  if (c.critical) out.critical = true;
  if (c.reason) out.reason = c.reason;
  return out;
}

/** Every well-formed judgment of a note's text, in order; blank and garbled lines are skipped. Never throws. */
export function parseNote(text: string): JudgmentNote[] {
  const out: JudgmentNote[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      continue;
    }
    const n = toJudgmentNote(raw);
    if (n) out.push(n);
  }
  return out;
}

/** The note's text with `n` appended as a new line; `existing` undefined means the commit had no note. */
export function appendNote(existing: string | undefined, n: JudgmentNote): string {
  const base = existing === undefined || existing.trim() === '' ? '' : existing.endsWith('\n') ? existing : `${existing}\n`;
  return `${base}${formatNoteLine(n)}\n`;
}

/**
 * Where the note of commit `sha` may sit in the notes commit's tree, to try in
 * order: flat (`<sha>`), then git's fanout (`ab/cdef…`), then the two-level fanout
 * git uses for very large notes trees (`ab/cd/ef…`).
 */
export function notePaths(sha: string): string[] {
  return [sha, `${sha.slice(0, 2)}/${sha.slice(2)}`, `${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha.slice(4)}`];
}

function toJudgmentNote(raw: unknown): JudgmentNote | undefined {
  if (!isRecord(raw)) return undefined;
  const { service, rollout, at, outcome, checks } = raw;
  if (typeof service !== 'string' || typeof rollout !== 'string' || typeof at !== 'string') return undefined;
  if (Number.isNaN(Date.parse(at))) return undefined;
  if (!isJudgmentOutcome(outcome)) return undefined;
  const list: JudgmentNote['checks'] = [];
  for (const c of Array.isArray(checks) ? checks : []) {
    if (!isRecord(c) || typeof c.name !== 'string' || !isCheckOutcome(c.outcome)) continue;
    list.push(toCheck(c, c.name, c.outcome));
  }
  const critical = Array.isArray(raw.critical) ? raw.critical.filter((n): n is string => typeof n === 'string') : [];
  const requests = isRecord(raw.requests) && finite(raw.requests.min) !== null ? { value: finite(raw.requests.value), min: raw.requests.min as number } : undefined;
  return { service, rollout, at, outcome, checks: list, ...(critical.length > 0 ? { critical } : {}), ...(requests ? { requests } : {}) };
}

/** The optional fields of a noted check, each kept only when well-formed (a person may have edited the note). */
function toCheck(c: Record<string, unknown>, name: string, outcome: RecordedCheck['outcome']): RecordedCheck {
  const out: RecordedCheck = { name, value: finite(c.value), outcome };
  for (const k of ['min', 'max', 'reference', 'pValue'] as const) {
    const v = finite(c[k]);
    if (v !== null) out[k] = v;
  }
  if (c.effectSize === null || finite(c.effectSize) !== null) out.effectSize = c.effectSize as number | null;
  if (c.from === 'baseline' || c.from === 'first-value') out.from = c.from;
  if (c.critical === true) out.critical = true;
  if (typeof c.reason === 'string' && c.reason !== '') out.reason = c.reason;
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
