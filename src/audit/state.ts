/**
 * Where a service stands, from its newest git-canary record on production
 * (PRODUCT.md, "State is never forgotten"): every record is self-contained, so
 * one commit's trailers give the phase, step, weight, the pristine canary's
 * commit (`Canary-Base`), the release under test, the step clock and the
 * failed-check count. Which commit is the newest *trusted* record is decided
 * by the caller (runner/history.ts: first-parent history, git-canary's
 * identity, trailers that agree with the files).
 *
 * Rules:
 * - No record: idle.
 * - `promoted` / `rolled-back`: idle, with `last` naming it.
 * - `progressing` / `resumed`: progressing. The step comes from `Canary-Step`
 *   (progressing) or `Canary-Rollout-Step` (resumed); the step clock from
 *   `Canary-Step-Since`; a judgment record (`Canary-Judgment: fail`,
 *   `inconclusive` or `error`) also restarts the judgment clock at its own time.
 * - `paused`: paused, with the reason the first line of its body that is not a checks line.
 * - Every active record: the inconclusive and errored judgments in a row
 *   (`Canary-Inconclusive`, `Canary-Errors`, absent 0), when the rollout
 *   started (`Canary-Started`; a record of an older git-canary without it:
 *   its own time, and `startedFrom` says so), and the first values of checks
 *   compared with their own start (`Canary-Reference`).
 * A record of an active rollout without `Canary-Base`, `Canary-Release` or its
 * step cannot be read: that is an error for the service, never a guess.
 */
import type { CommitInfo } from '../git/types.ts';
import { GitError } from '../errors.ts';
import type { JudgmentNote, RolloutCommit, RolloutState } from '../engine/types.ts';
import { parseChecksLine } from './checks.ts';
import { parsedCommit } from './trailers.ts';

/** The notes recorded on a commit (`refs/notes/git-canary`), [] when none. */
export type NotesFor = (sha: string) => JudgmentNote[];

/** The committer date of a commit. */
export function commitTime(c: CommitInfo): Date {
  return new Date(c.committer.timestamp * 1000);
}

/** The git-canary commits of `service`, newest first (the order of `commits`, which must be newest first). */
export function serviceCommits(service: string, commits: readonly CommitInfo[]): RolloutCommit[] {
  return canaryCommits(commits).filter((c) => c.trailers.service === service);
}

/** Every commit carrying valid Canary-* trailers, any service, in the order given. */
export function canaryCommits(commits: readonly CommitInfo[]): RolloutCommit[] {
  const out: RolloutCommit[] = [];
  for (const c of commits) {
    const { title, body, trailers } = parsedCommit(c);
    if (trailers) out.push({ sha: c.sha, at: commitTime(c), trailers, body, title });
  }
  return out;
}

/** Where a service stands given its newest trusted record (undefined: none, idle). */
export function stateFromRecord(record: RolloutCommit | undefined): RolloutState {
  if (!record) return { phase: 'idle' };
  const t = record.trailers;
  const { phase, rollout, candidate } = t;
  if (phase === 'promoted' || phase === 'rolled-back') {
    return {
      phase: 'idle',
      last: {
        rollout,
        candidate,
        outcome: phase,
        commit: record.sha,
        at: record.at,
        ...(t.release ? { release: t.release } : {}),
        ...(t.idleReplicas ? { idleReplicas: t.idleReplicas } : {}),
      },
    };
  }
  const step = phase === 'progressing' ? t.step : t.rolloutStep;
  const missing = [!t.base && 'Canary-Base', !t.release && 'Canary-Release', !step && (phase === 'progressing' ? 'Canary-Step' : 'Canary-Rollout-Step')].filter(Boolean);
  if (missing.length > 0 || !t.base || !t.release || !step) {
    throw new GitError(`git-canary record ${record.sha.slice(0, 7)} of ${t.service} lacks ${missing.join(', ')}`, {
      where: { detail: `commit ${record.sha}` },
      hint: 'it was written by an older git-canary or edited by hand; end the rollout by hand (route to stable) and let the next tick start again',
    });
  }
  const active = {
    rollout,
    candidate,
    step: step.index,
    total: step.total,
    weight: t.weight,
    base: t.base,
    release: t.release,
    failedChecks: t.failedChecks ?? 0,
    lastCommit: record.sha,
    ...(t.pullRequest !== undefined ? { pullRequest: t.pullRequest } : {}),
    inconclusive: t.inconclusive ?? 0,
    errors: t.errors ?? 0,
    started: t.started ?? record.at,
    startedFrom: t.started ? ('trailer' as const) : ('record' as const),
    references: { ...(t.references ?? {}) },
  };
  if (phase === 'paused') {
    return { phase: 'paused', ...active, pausedAt: record.at, reason: firstReasonLine(record.body) ?? 'no reason recorded' };
  }
  return {
    phase: 'progressing',
    ...active,
    stepStartedAt: t.stepSince ?? record.at,
    ...(t.judgment ? { lastJudgedAt: record.at } : {}),
  };
}

/** A paused record's reason: its first line that is not the checks line of the judgment that paused it. */
function firstReasonLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && parseChecksLine(l).length === 0);
}
