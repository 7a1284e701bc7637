/**
 * Inline production histories for the audit tests: commits at fixed times
 * (minutes after T0), written oldest first and handed over newest first.
 */
import type { CanaryTrailers, JudgmentNote, Phase } from '../../src/engine/types.ts';
import type { CommitInfo } from '../../src/git/types.ts';
import { formatCommitMessage, rolloutId } from '../../src/audit/trailers.ts';

/** 2023-11-14T22:13:20Z, in seconds. */
export const T0 = 1_700_000_000;

/** The Date `minutes` after T0. */
export function at(minutes: number): Date {
  return new Date((T0 + minutes * 60) * 1000);
}

/** ISO string `minutes` after T0. */
export function iso(minutes: number): string {
  return at(minutes).toISOString();
}

/** A 40-hex candidate sha made of one repeated hex digit (`cand('a')` → aaaa…). */
export function cand(digit: string): string {
  return digit.repeat(40);
}

/** A plain commit. */
export function commit(sha: string, minutes: number, message: string, who = 'Alice'): CommitInfo {
  const identity = { name: who, email: `${who.toLowerCase()}@example.com`, timezoneOffset: 0 };
  return {
    sha,
    parents: [],
    message,
    author: { ...identity, timestamp: T0 + minutes * 60 - 30 },
    committer: { ...identity, timestamp: T0 + minutes * 60 },
  };
}

/** A git-canary commit of `service` testing `candidate`. */
export function canary(
  sha: string,
  minutes: number,
  service: string,
  candidate: string,
  phase: Phase,
  weight: number,
  opts: { step?: [number, number]; body?: string } = {},
): CommitInfo {
  const trailers: CanaryTrailers = {
    service,
    rollout: rolloutId(service, candidate),
    candidate,
    phase,
    ...(opts.step ? { step: { index: opts.step[0], total: opts.step[1] } } : {}),
    weight,
  };
  return commit(sha, minutes, formatCommitMessage({ body: opts.body, trailers }), 'git-canary');
}

/** Commits written oldest first, returned newest first as `git log` gives them. */
export function newestFirst(...commits: CommitInfo[]): CommitInfo[] {
  return [...commits].reverse();
}

/** A judgment note of `service`'s rollout of `candidate`. */
export function note(service: string, candidate: string, minutes: number, outcome: JudgmentNote['outcome']): JudgmentNote {
  return {
    service,
    rollout: rolloutId(service, candidate),
    at: iso(minutes),
    outcome,
    checks: [{ name: 'success-rate', value: outcome === 'fail' ? 97.5 : 99.9, outcome: outcome === 'fail' ? 'fail' : 'pass' }],
  };
}

/** A `notesFor` reading from a table keyed by commit sha. */
export function notesFrom(table: Record<string, JudgmentNote[]> = {}): (sha: string) => JudgmentNote[] {
  return (sha) => table[sha] ?? [];
}
