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
 *   - the canary weight is 0 (a person set it, then resumed)→ step: give the current step its
 *     weight back and start its clock (nothing is judged on a canary without traffic)
 *   - interval not yet passed since the step began, or
 *     since the last judgment at this step               → none (waiting)
 *   - judgment due and no judgment given                 → analyze (run checks, decide again)
 *   - judgment pass                                      → next step, or promote after the last
 *   - judgment fail: failed count + 1 ≥ threshold         → rollback
 *                    otherwise                           → hold, record the failure (a production
 *                                                          record changing no file, details in notes)
 *   - judgment inconclusive (no data) or error           → hold (neither advance nor revert)
 */
import { formatDuration } from '../config/duration.ts';
import type { Decision, DecideInput } from './types.ts';

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
        recordFailure: false,
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
      recordFailure: false,
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

  if (state.weight === 0) {
    return {
      kind: 'step',
      reason: `the canary receives no traffic (0%); giving step ${state.step}/${state.total} its weight back and starting its clock`,
      step: state.step,
      total: state.total,
      weight: steps[state.step - 1] ?? first,
    };
  }

  const clockFrom = Math.max(state.stepStartedAt.getTime(), state.lastJudgedAt?.getTime() ?? 0);
  const dueAt = clockFrom + input.intervalMs;
  const at = `step ${state.step}/${state.total} (${state.weight}%)`;
  if (input.now.getTime() < dueAt) {
    return { kind: 'none', reason: `waiting ${formatDuration(dueAt - input.now.getTime())} more at ${at}` };
  }

  if (input.hasAnalysis && !input.judgment) return { kind: 'analyze', reason: `judging ${at}` };
  const judgment = input.judgment;
  const outcome = input.hasAnalysis ? judgment?.outcome : 'pass';

  switch (outcome) {
    case 'pass': {
      const next = steps[state.step];
      if (state.step < total && next !== undefined) {
        return {
          kind: 'step',
          reason: `${at} passed`,
          step: state.step + 1,
          total,
          weight: next,
          judgment,
        };
      }
      return { kind: 'promote', reason: `last ${at} passed`, judgment };
    }
    case 'fail': {
      const failed = state.failedChecks + 1;
      if (failed >= input.threshold) {
        return {
          kind: 'rollback',
          reason: `${failed}/${input.threshold} failed checks`,
          judgment,
          failedChecks: failed,
        };
      }
      return {
        kind: 'hold',
        reason: `check failed at ${at}, ${failed}/${input.threshold} failed checks`,
        judgment,
        recordFailure: true,
        failedChecks: failed,
      };
    }
    case 'inconclusive':
      return {
        kind: 'hold',
        reason: `inconclusive at ${at}`,
        judgment,
        recordFailure: false,
        failedChecks: state.failedChecks,
      };
    default:
      return {
        kind: 'hold',
        reason: `metrics error at ${at}`,
        judgment,
        recordFailure: false,
        failedChecks: state.failedChecks,
      };
  }
}

function short(sha: string): string {
  return sha.slice(0, 7);
}
