/**
 * Analysis judgments that changed no file (a failed check below threshold, an
 * inconclusive or errored run) live in git notes, ref `refs/notes/git-canary`,
 * on the step commit they judged: one JSON line per judgment, appended.
 * The failed-check count toward `threshold` is read back from them (DESIGN.md,
 * "State lives in git"). Reading is tolerant: a person or another tool may have
 * edited a note, so garbled lines are skipped, never fatal. A note is read
 * only up to the repository reader's file limit (FILE_MAX_BYTES in
 * src/git/read.ts, 1 MiB): a larger one is refused from its object header,
 * never loaded (over HTTP, native git's partial clone never even downloads
 * it), and its readers skip it with a warning for that commit.
 */
import type { JudgmentNote } from '../engine/types.ts';
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
    checks: n.checks.map((c) => ({
      name: c.name,
      value: c.value !== null && Number.isFinite(c.value) ? c.value : null,
      outcome: c.outcome,
    })),
  });
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
    const value = typeof c.value === 'number' && Number.isFinite(c.value) ? c.value : null;
    list.push({ name: c.name, value, outcome: c.outcome });
  }
  return { service, rollout, at, outcome, checks: list };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
