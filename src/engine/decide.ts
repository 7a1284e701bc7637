/**
 * decide(): the whole rollout policy as one pure, total function. Time and
 * every observation come in as arguments; the I/O layer turns the returned
 * decision into (at most) one commit.
 *
 * Rules, in order of precedence:
 *  idle:
 *   - no candidate branch                                → none (nothing to roll out)
 *   - candidate's release equals production's            → none (in sync)
 *   - the last rollout was rolled back and the candidate's
 *     release is still the one that failed                → none (never retried)
 *   - the last rollout was promoted, then a person reverted
 *     (or edited) the release on production, and candidate
 *     still holds the promoted release                    → none (a person said no; like a
 *                                                          rollback, until candidate changes)
 *   - otherwise                                          → start at steps[0]
 *  paused:
 *   - no candidate branch                                → hold (nothing changes; say why)
 *   - otherwise                                          → none (a person resumes)
 *  progressing:
 *   - its promotion pull request was closed unmerged     → rollback (a person said no)
 *   - recorded judgment notes vanished                   → pause (a person looks; the count is kept)
 *   - a person edited a managed file since our last commit→ pause (leave their change)
 *   - the candidate branch is gone                       → hold (the canary stays as it is)
 *   - candidate's release returned to production's       → rollback (nothing to roll out)
 *   - candidate's release moved to another version       → start again at steps[0]
 *     (restart, like Flagger: a judgment of the old version says nothing of the new one)
 *   - progressDeadline passed since the rollout started   → rollback (stuck too long; a paused
 *                                                          rollout is a person's, never rolled back)
 *   - the canary weight is 0 (a person set it, then resumed)→ step: give the current step its
 *     weight back and start its clock (nothing is judged on a canary without traffic)
 *   - `applied:` and Argo CD / Flux have not applied the
 *     newest record, report it degraded, or cannot be read → hold (no record: nothing was judged)
 *   - interval not yet passed since the step began, since
 *     the last judgment at this step, or since the step was
 *     applied (+ initialDelay)                           → none (waiting)
 *   - judgment due and no judgment given                 → analyze (run checks, decide again)
 *   - a critical check failed                            → rollback at once, whatever threshold says
 *   - judgment pass                                      → next step, or promote after the last
 *   - judgment fail: failed count + 1 ≥ threshold         → rollback
 *                    otherwise                           → hold, record the failure (a production
 *                                                          record changing no file, details in notes)
 *   - judgment inconclusive (no data, too few requests)
 *     or error, n in a row: n ≥ its limit                → pause for a person (never a rollback)
 *                           otherwise                    → hold, record it (like a failure, counted
 *                                                          in a row instead of toward threshold)
 */
import { formatDuration } from '../config/duration.ts';
import type { Judgment } from '../analysis/types.ts';
import type { Decision, DecideInput, RolloutState } from './types.ts';

type Progressing = Extract<RolloutState, { phase: 'progressing' }>;

export function decide(input: DecideInput): Decision {
  const { state, observed, steps } = input;
  const total = steps.length;
  const first = steps[0] ?? 100;

  if (state.phase === 'idle') {
    if (observed.candidateMissing !== undefined) return { kind: 'none', reason: `no ${observed.candidateMissing} branch yet` };
    if (observed.candidateEqualsProduction) return { kind: 'none', reason: 'candidate and production releases are the same' };
    if (state.last?.outcome === 'rolled-back' && observed.candidateMatchesRollout) {
      return {
        kind: 'none',
        reason: `candidate ${short(state.last.candidate)} was rolled back; commit a new change to candidate to roll out again`,
      };
    }
    const reverted = observed.releaseReverted;
    if (state.last?.outcome === 'promoted' && observed.candidateMatchesRollout && reverted) {
      const how = reverted.revert ? 'reverted' : 'changed';
      return {
        kind: 'none',
        reason: `release ${short(state.last.candidate)} was ${how} on production by ${reverted.author} in ${short(reverted.commit)}; waiting for a new candidate`,
      };
    }
    return {
      kind: 'start',
      reason: `candidate ${short(observed.candidateSha)} differs from production`,
      step: 1,
      total,
      weight: first,
      restart: false,
    };
  }

  if (state.phase === 'paused') {
    if (observed.candidateMissing !== undefined) {
      return {
        kind: 'hold',
        reason: `${observed.candidateMissing} branch is gone; the paused rollout at ${state.weight}% is held (paused: ${state.reason})`,
        failedChecks: state.failedChecks,
      };
    }
    return { kind: 'none', reason: `paused: ${state.reason} — run \`git-canary resume --service ${input.service}\`` };
  }

  if (observed.pullRequestClosed) {
    const { number, by } = observed.pullRequestClosed;
    return {
      kind: 'rollback',
      reason: `pull request #${number} was closed without merging${by ? ` by ${by}` : ''}; rolling the canary back`,
      failedChecks: state.failedChecks,
    };
  }
  if (observed.notesVanished) {
    return { kind: 'pause', reason: observed.notesVanished, files: [] };
  }
  const edited = observed.managedFilesEditedBy;
  if (edited && edited.files.length > 0) {
    const by = edited.commit ? ` in ${short(edited.commit)}` : '';
    return {
      kind: 'pause',
      reason: `${edited.files.join(', ')} changed on production${by} by someone else during the rollout`,
      files: edited.files,
    };
  }
  if (observed.candidateMissing !== undefined) {
    return {
      kind: 'hold',
      reason: `${observed.candidateMissing} branch is gone; the rollout at ${state.weight}% is held — restore the branch, or end it: git-canary rollback --service ${input.service}`,
      failedChecks: state.failedChecks,
    };
  }
  if (observed.candidateEqualsProduction) {
    return {
      kind: 'rollback',
      reason: "candidate's release returned to production's; ending the rollout",
      failedChecks: state.failedChecks,
    };
  }
  if (!observed.candidateMatchesRollout) {
    return {
      kind: 'start',
      reason: `candidate moved to ${short(observed.candidateSha)} during rollout ${state.rollout}; restarting at step 1`,
      step: 1,
      total,
      weight: first,
      restart: true,
    };
  }

  const overdue = deadlinePassed(input, state);
  if (overdue) return { kind: 'rollback', reason: overdue, failedChecks: state.failedChecks };

  if (state.weight === 0) {
    return {
      kind: 'step',
      reason: `the canary receives no traffic (0%); giving step ${state.step}/${state.total} its weight back and starting its clock`,
      step: state.step,
      total: state.total,
      weight: steps[state.step - 1] ?? first,
    };
  }

  const at = `step ${state.step}/${state.total} (${state.weight}%)`;
  const applied = observed.applied;
  if (applied && applied.state !== 'applied') {
    const left = deadlineLeft(input, state);
    const warn = left === undefined ? '' : `; progressDeadline ${formatDuration(input.progressDeadlineMs!)} passes in ${left}`;
    const why = { pending: `${at} is not applied yet`, degraded: `${at} is applied but not healthy`, error: `cannot tell whether ${at} is applied` }[applied.state];
    return { kind: 'hold', reason: `${why}: ${applied.reason}${warn}`, failedChecks: state.failedChecks };
  }

  const clockFrom = judgmentClock(input, state);
  const dueAt = clockFrom + input.intervalMs;
  if (input.now.getTime() < dueAt) {
    const byApplied = applied?.state === 'applied' && clockFrom > Math.max(state.stepStartedAt.getTime(), state.lastJudgedAt?.getTime() ?? 0);
    const since = byApplied ? ` (the step's clock started when it was applied, ${new Date(clockFrom).toISOString()})` : '';
    return { kind: 'none', reason: `waiting ${formatDuration(dueAt - input.now.getTime())} more at ${at}${since}` };
  }

  if (input.hasAnalysis && !input.judgment) return { kind: 'analyze', reason: `judging ${at}`, windowStart: new Date(clockFrom) };
  if (!input.hasAnalysis || !input.judgment) return advance(input, state, at, undefined);
  return judged(input, state, at, input.judgment);
}

/** When the current step's clock started: the step's start, its last judgment, or when it was applied (+ initialDelay). */
export function judgmentClock(input: Pick<DecideInput, 'observed' | 'initialDelayMs'>, state: Progressing): number {
  const clock = Math.max(state.stepStartedAt.getTime(), state.lastJudgedAt?.getTime() ?? 0);
  const applied = input.observed.applied;
  return applied?.state === 'applied' ? Math.max(clock, applied.since.getTime() + (input.initialDelayMs ?? 0)) : clock;
}

/** The rollback reason once `progressDeadline` has passed since the rollout started; undefined before. */
function deadlinePassed(input: DecideInput, state: Progressing): string | undefined {
  const limit = input.progressDeadlineMs;
  if (limit === undefined || input.now.getTime() - state.started.getTime() < limit) return undefined;
  const from = state.startedFrom === 'record' ? `; counted from its newest record ${short(state.lastCommit)}, which has no Canary-Started` : '';
  return `not promoted within progressDeadline ${formatDuration(limit)} (started ${state.started.toISOString()}${from})`;
}

function deadlineLeft(input: DecideInput, state: Progressing): string | undefined {
  if (input.progressDeadlineMs === undefined) return undefined;
  return formatDuration(Math.max(0, state.started.getTime() + input.progressDeadlineMs - input.now.getTime()));
}

/** A passed step (or no analysis): the next step, or promotion after the last. */
function advance(input: DecideInput, state: Progressing, at: string, judgment: Judgment | undefined): Decision {
  const next = input.steps[state.step];
  if (state.step < input.steps.length && next !== undefined) {
    return { kind: 'step', reason: `${at} passed`, step: state.step + 1, total: input.steps.length, weight: next, ...(judgment ? { judgment } : {}) };
  }
  return { kind: 'promote', reason: `last ${at} passed`, ...(judgment ? { judgment } : {}) };
}

function judged(input: DecideInput, state: Progressing, at: string, judgment: Judgment): Decision {
  const failed = state.failedChecks + 1;
  if (judgment.critical.length > 0) {
    const why = judgment.critical.map((name) => {
      const reason = judgment.checks.find((c) => c.name === name)?.reason;
      return reason ? `${name}: ${reason}` : name;
    });
    const plural = judgment.critical.length === 1 ? 'check' : 'checks';
    return { kind: 'rollback', reason: `critical ${plural} failed at ${at}: ${why.join(', ')}`, judgment, failedChecks: failed };
  }
  switch (judgment.outcome) {
    case 'pass':
      return advance(input, state, at, judgment);
    case 'fail':
      if (failed >= input.threshold) {
        return { kind: 'rollback', reason: `${failed}/${input.threshold} failed checks`, judgment, failedChecks: failed };
      }
      return { kind: 'hold', reason: `check failed at ${at}, ${failed}/${input.threshold} failed checks`, judgment, record: 'fail', failedChecks: failed };
    case 'inconclusive':
    case 'error': {
      const inconclusive = judgment.outcome === 'inconclusive' ? state.inconclusive + 1 : state.inconclusive;
      const errors = judgment.outcome === 'error' ? state.errors + 1 : state.errors;
      const [n, limit] = judgment.outcome === 'inconclusive' ? [inconclusive, input.inconclusiveLimit] : [errors, input.errorLimit];
      const counts = { inconclusive, errors };
      const last = lastReason(judgment);
      if (n >= limit) {
        const what = judgment.outcome === 'inconclusive' ? 'inconclusive' : 'errored';
        const fix = judgment.outcome === 'inconclusive' ? "look at the canary's traffic and metrics" : 'fix the metrics source';
        const key = judgment.outcome === 'inconclusive' ? 'inconclusiveLimit' : 'errorLimit';
        return {
          kind: 'pause',
          reason: `${n} ${what} judgment${n === 1 ? '' : 's'} in a row (${key} ${limit}) at ${at}: ${last} — ${fix}, then git-canary resume --service ${input.service}`,
          files: [],
          judgment,
          ...counts,
        };
      }
      const what = judgment.outcome === 'inconclusive' ? 'inconclusive' : 'metrics error';
      return {
        kind: 'hold',
        reason: `${what} at ${at}, ${n}/${limit} in a row before a pause`,
        judgment,
        record: judgment.outcome,
        failedChecks: state.failedChecks,
        ...counts,
      };
    }
  }
}

/** Why the judgment had no verdict, in a few words: the first check (or the request floor) that said so. */
function lastReason(judgment: Judgment): string {
  const wanted = judgment.outcome === 'error' ? ['error'] : ['no-data', 'inconclusive'];
  if (judgment.requests && wanted.includes(judgment.requests.outcome)) return judgment.requests.reason;
  const check = judgment.checks.find((c) => wanted.includes(c.outcome));
  if (check) return `${check.name}: ${check.reason}`;
  return judgment.outcome === 'error' ? 'the metrics source did not answer' : 'no verdict';
}

function short(sha: string): string {
  return sha.slice(0, 7);
}
