/**
 * Rebuild where a service stands from production's history (DESIGN.md, "State
 * lives in git"): no state file, only commit trailers and judgment notes.
 *
 * Rules (commits come newest first; a commit's time is its committer date):
 * - Service commits are those whose parsed Canary-* trailers name the service;
 *   every other commit (a person's, another service's) is skipped.
 * - No service commit: idle.
 * - Newest service commit `promoted` / `rolled-back`: idle, with `last` naming it.
 * - Newest `progressing` or `resumed`: progressing. `rollout` and `candidate` come
 *   from the newest commit; `step`, `total`, `weight` from the newest `progressing`
 *   commit of that rollout (a `resumed` commit carries a weight but no step).
 *   The step clock (`stepCommit`, `stepStartedAt`) is the newest commit that set
 *   the weight, or a `resumed` commit after it.
 * - Newest `paused`: paused, with the same step fields, `pausedAt` and `reason`
 *   (the first line of the paused commit's body).
 * - `startCommit` is the oldest service commit after the newest finished one, so a
 *   rollout restarted because the candidate moved (a new rollout id, no finished
 *   commit in between) still points at the original start, whose parent holds the
 *   canary file as it was before any rollout touched it.
 * - `failedChecks` counts judgment notes with outcome `fail` of the current rollout
 *   id, over the notes of every service commit since `startCommit`: a restart
 *   (new rollout id) starts the count again.
 * - `lastJudgedAt` is the newest note time of the current rollout that is not
 *   older than `stepStartedAt`; `lastCommit` the newest service commit.
 */
import type { CommitInfo } from '../git/types.ts';
import type { JudgmentNote, RolloutCommit, RolloutState } from '../engine/types.ts';
import { parseCommitMessage } from './trailers.ts';

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
    const { title, body, trailers } = parseCommitMessage(c.message);
    if (trailers) out.push({ sha: c.sha, at: commitTime(c), trailers, body, title });
  }
  return out;
}

/** Where `service` stands, from production's history (newest first) and the judgment notes on it. */
export function reconstructState(service: string, commits: readonly CommitInfo[], notesFor: NotesFor): RolloutState {
  const all = serviceCommits(service, commits);
  const newest = all[0];
  if (!newest) return { phase: 'idle' };
  const { phase, rollout, candidate } = newest.trailers;
  if (phase === 'promoted' || phase === 'rolled-back') {
    return { phase: 'idle', last: { rollout, candidate, outcome: phase, commit: newest.sha, at: newest.at } };
  }

  const finished = all.findIndex((c) => c.trailers.phase === 'promoted' || c.trailers.phase === 'rolled-back');
  const active = finished === -1 ? all : all.slice(0, finished); // newest first, never empty
  const start = active[active.length - 1]!;

  const stepIndex = active.findIndex((c) => c.trailers.phase === 'progressing' && c.trailers.rollout === rollout);
  const stepSetter = active[stepIndex];
  // A person who resumes has looked at (and maybe changed) the canary: time at the
  // step and its judgment start over from the resume, and paused time never counts
  // as time observed at the step.
  const resumedAfter = active.slice(0, stepIndex === -1 ? active.length : stepIndex).find((c) => c.trailers.phase === 'resumed');
  const clock = resumedAfter ?? stepSetter ?? start;

  const notes = active.flatMap((c) => notesFor(c.sha)).filter((n) => n.rollout === rollout);
  const failedChecks = notes.filter((n) => n.outcome === 'fail').length;
  const step = stepSetter?.trailers.step;
  const common = {
    rollout,
    candidate,
    step: step?.index ?? 0,
    total: step?.total ?? 0,
    weight: (stepSetter ?? newest).trailers.weight,
    startCommit: start.sha,
    failedChecks,
    lastCommit: newest.sha,
  };

  if (phase === 'paused') {
    return { phase: 'paused', ...common, pausedAt: newest.at, reason: firstLine(newest.body) ?? 'no reason recorded' };
  }

  let lastJudgedAt: Date | undefined;
  for (const n of notes) {
    const at = new Date(n.at);
    if (at.getTime() >= clock.at.getTime() && (!lastJudgedAt || at > lastJudgedAt)) lastJudgedAt = at;
  }
  return {
    phase: 'progressing',
    ...common,
    stepCommit: clock.sha,
    stepStartedAt: clock.at,
    ...(lastJudgedAt ? { lastJudgedAt } : {}),
  };
}

function firstLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
}
