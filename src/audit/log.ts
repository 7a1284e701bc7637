/**
 * `git-canary log`: rollouts reconstructed from production's trailers, as data
 * (the `log --json` shape of PRODUCT.md) and as human text. Pure.
 *
 * A rollout is the run of commits of one service carrying one rollout id, from
 * its first commit up to and including a `promoted` / `rolled-back` commit; a
 * later commit with the same id after that starts a new entry.
 */
import type { CommitInfo } from '../git/types.ts';
import type { JudgmentNote, RolloutCommit } from '../engine/types.ts';
import { type CheckValue, checksFromBody } from './checks.ts';
import { type NotesFor, canaryCommits } from './state.ts';

/** A judgment recorded in notes while a step was current (a hold that changed no file). */
export type StepJudgment = Pick<JudgmentNote, 'at' | 'outcome' | 'checks'>;

/** One traffic step of a rollout: a `progressing` commit. */
export interface RolloutLogStep {
  weight: number;
  /** 1-based step index (`Canary-Step: 2/3` → 2). */
  step: number;
  commit: string;
  /** ISO committer date. */
  at: string;
  /** The check values in the commit body (the judgment that moved traffic here); [] for the first step. */
  checks: CheckValue[];
  /** Addition to PRODUCT.md's shape: judgments from notes made while this step was current, oldest first. */
  judgments: StepJudgment[];
}

/** One rollout, as `log --json` prints it. */
export interface RolloutLogEntry {
  service: string;
  rollout: string;
  candidate: string;
  outcome: 'promoted' | 'rolled-back' | 'paused' | 'progressing';
  /** ISO committer date of the rollout's first commit. */
  startedAt: string;
  /** ISO committer date of the promoted / rolled-back commit; null while progressing or paused. */
  endedAt: string | null;
  steps: RolloutLogStep[];
  /** Addition to PRODUCT.md's shape: set when a newer rollout of the service started before this one finished. */
  supersededBy?: string;
}

/** What to include. */
export interface RolloutLogOptions {
  service?: string;
  /** Only rollouts started at or after this time. */
  since?: Date;
}

/** Rollouts found in `commits` (newest first), newest first. */
export function buildRolloutLog(commits: readonly CommitInfo[], notesFor: NotesFor, options: RolloutLogOptions = {}): RolloutLogEntry[] {
  const oldestFirst = canaryCommits(commits)
    .filter((c) => options.service === undefined || c.trailers.service === options.service)
    .reverse();
  const groups: RolloutCommit[][] = [];
  const open = new Map<string, RolloutCommit[]>(); // rollout id -> unfinished group
  const latest = new Map<string, RolloutCommit[]>(); // service -> newest group
  const superseded = new Map<RolloutCommit[], string>();
  for (const c of oldestFirst) {
    const { service, rollout, phase } = c.trailers;
    let group = open.get(rollout);
    if (!group) {
      group = [];
      groups.push(group);
      open.set(rollout, group);
      const previous = latest.get(service);
      if (previous && !isFinished(previous)) superseded.set(previous, rollout);
      latest.set(service, group);
    }
    group.push(c);
    if (phase === 'promoted' || phase === 'rolled-back') open.delete(rollout);
  }

  const since = options.since?.getTime();
  return groups
    .reverse()
    .map((g) => toEntry(g, notesFor, superseded.get(g)))
    .filter((e) => since === undefined || Date.parse(e.startedAt) >= since);
}

function isFinished(group: RolloutCommit[]): boolean {
  const phase = group[group.length - 1]?.trailers.phase;
  return phase === 'promoted' || phase === 'rolled-back';
}

function toEntry(group: RolloutCommit[], notesFor: NotesFor, supersededBy: string | undefined): RolloutLogEntry {
  const first = group[0]!;
  const last = group[group.length - 1]!;
  const { phase } = last.trailers;
  const outcome = phase === 'resumed' ? 'progressing' : phase;
  const steps: RolloutLogStep[] = [];
  for (const c of group) {
    if (c.trailers.judgment === 'fail') {
      // A failed judgment below threshold: a record that changed no file, judging the current step.
      const current = steps[steps.length - 1];
      const noted = notesFor(c.sha).find((n) => n.rollout === c.trailers.rollout);
      current?.judgments.push(noted ? { at: noted.at, outcome: noted.outcome, checks: noted.checks } : { at: c.at.toISOString(), outcome: 'fail', checks: checksFromBody(c.body) });
      continue;
    }
    if (c.trailers.phase === 'progressing') {
      steps.push({
        weight: c.trailers.weight,
        step: c.trailers.step?.index ?? 0,
        commit: c.sha,
        at: c.at.toISOString(),
        checks: checksFromBody(c.body),
        judgments: [],
      });
    }
    const current = steps[steps.length - 1];
    if (!current) continue;
    for (const n of notesFor(c.sha)) {
      if (n.rollout === last.trailers.rollout) current.judgments.push({ at: n.at, outcome: n.outcome, checks: n.checks });
    }
  }
  for (const s of steps) s.judgments.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return {
    service: last.trailers.service,
    rollout: last.trailers.rollout,
    candidate: last.trailers.candidate,
    outcome,
    startedAt: first.at.toISOString(),
    endedAt: phase === 'promoted' || phase === 'rolled-back' ? last.at.toISOString() : null,
    steps,
    ...(supersededBy ? { supersededBy } : {}),
  };
}

/** Human text for `git-canary log`: one block per rollout, one line per step. */
export function formatRolloutLog(entries: readonly RolloutLogEntry[]): string {
  if (entries.length === 0) return 'no rollouts\n';
  const blocks = entries.map((e) => {
    const outcome = e.supersededBy ? `${e.outcome}, superseded by ${e.supersededBy}` : e.outcome;
    const lines = [
      `${e.rollout}  ${outcome}`,
      `  service ${e.service}  candidate ${e.candidate.slice(0, 7)}  started ${e.startedAt}  ended ${e.endedAt ?? '-'}`,
    ];
    for (const s of e.steps) {
      const checks = s.checks.map((c) => `${c.name} ${c.value ?? '-'} ${c.outcome}`).join('; ');
      lines.push(`  step ${s.step}  ${s.weight}%  ${s.commit.slice(0, 7)}  ${s.at}${checks ? `  ${checks}` : ''}`);
      for (const j of s.judgments) {
        const failed = j.checks.filter((c) => c.outcome !== 'pass').map((c) => `${c.name} ${c.value ?? '-'} ${c.outcome}`);
        lines.push(`    judged ${j.at}  ${j.outcome}${failed.length ? `  ${failed.join('; ')}` : ''}`);
      }
    }
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}
