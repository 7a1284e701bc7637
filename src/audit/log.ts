/**
 * `git-canary log`: rollouts reconstructed from production's trailers and
 * notes, as data (the `log --json` shape of PRODUCT.md, plus `events`) and as
 * human text. Pure.
 *
 * A rollout is the run of commits of one service carrying one rollout id, from
 * its first commit up to and including a `promoted` / `rolled-back` commit; a
 * later commit with the same id after that starts a new entry.
 *
 * `events` (src/audit/events.ts) is the faithful view: every judgment on the
 * step it judged, every pause, resume, person's decision and the end. `steps`
 * keeps PRODUCT.md's shape for compatibility: a step's `checks` are those in
 * the body of the commit that moved traffic *to* it (the previous step's
 * judgment); `judged` is what judged the step itself.
 */
import { formatDuration } from '../config/duration.ts';
import type { RolloutCommit } from '../engine/types.ts';
import type { CommitInfo } from '../git/types.ts';
import { type CheckValue, checksFromBody } from './checks.ts';
import { type CheckLimits, type EventCheck, type JudgmentEvent, type JudgmentOutcome, type RolloutEvent, rolloutEvents } from './events.ts';
import { type NotesFor, canaryCommits } from './state.ts';

/** A judgment recorded in notes while a step was current. */
export interface StepJudgment {
  at: string;
  outcome: JudgmentOutcome;
  checks: CheckValue[];
}

/** One judgment of a step (the `judgment` event, without what the step already says). */
export interface StepJudged {
  at: string;
  /** The commit the judgment was read from (a step, fail record, promotion or rollback). */
  commit: string;
  outcome: JudgmentOutcome;
  checks: EventCheck[];
  failedChecks?: number;
  /** Inconclusive / errored judgments in a row, this one included. */
  inconclusive?: number;
  errors?: number;
  source: 'commit' | 'note';
}

/** One traffic step of a rollout: a `progressing` commit that set the weight. */
export interface RolloutLogStep {
  weight: number;
  /** 1-based step index (`Canary-Step: 2/3` → 2). */
  step: number;
  commit: string;
  /** ISO committer date. */
  at: string;
  /** The check values in the commit body: the previous step's judgment, which moved traffic here; [] for the first step. */
  checks: CheckValue[];
  /** Addition to PRODUCT.md's shape: judgments from notes made while this step was current, oldest first. */
  judgments: StepJudgment[];
  /** Addition to PRODUCT.md's shape: every judgment of this step (failed ones, and the pass that moved traffic off it), oldest first. */
  judged: StepJudged[];
}

/** The four outcomes of a rollout (PRODUCT.md). */
export const ROLLOUT_OUTCOMES = ['promoted', 'rolled-back', 'paused', 'progressing'] as const;
export type RolloutOutcome = (typeof ROLLOUT_OUTCOMES)[number];

/** One rollout, as `log --json` prints it. */
export interface RolloutLogEntry {
  service: string;
  rollout: string;
  candidate: string;
  outcome: RolloutOutcome;
  /** ISO committer date of the rollout's first commit. */
  startedAt: string;
  /** ISO committer date of the promoted / rolled-back commit; null while progressing or paused. */
  endedAt: string | null;
  steps: RolloutLogStep[];
  /** Addition to PRODUCT.md's shape: set when a newer rollout of the service started before this one finished. */
  supersededBy?: string;
  /** Addition to PRODUCT.md's shape: what happened, oldest first (src/audit/events.ts). */
  events: RolloutEvent[];
  /** Addition to PRODUCT.md's shape: a person's `git revert` of the promotion on production (the release is not rolled out again). */
  revertedBy?: RevertInfo;
}

/** A person's commit on production that reverts a git-canary commit ("This reverts commit <sha>."). */
export interface RevertInfo {
  commit: string;
  author: string;
  /** ISO committer date. */
  at: string;
}

/** The reverts among `commits` (any author): reverted sha → the revert. */
export function revertsIn(commits: readonly CommitInfo[]): Map<string, RevertInfo> {
  const out = new Map<string, RevertInfo>();
  for (const c of commits) {
    for (const m of c.message.matchAll(/This reverts commit ([0-9a-f]{40})/g)) {
      if (!out.has(m[1]!)) out.set(m[1]!, { commit: c.sha, author: c.author.name || c.author.email, at: new Date(c.committer.timestamp * 1000).toISOString() });
    }
  }
  return out;
}

/** What to include, and the check bounds to show. */
export interface RolloutLogOptions {
  service?: string;
  /** Only rollouts started at or after this time. */
  since?: Date;
  /** Only rollouts with one of these outcomes. */
  outcomes?: readonly RolloutOutcome[];
  /** Each service's check bounds from the config (used where a record does not say). */
  limits?: CheckLimits;
  /** People's reverts on production (revertsIn): a reverted promotion says so. */
  reverts?: ReadonlyMap<string, RevertInfo>;
}

/** Rollouts found in `commits` (newest first), newest first. */
export function buildRolloutLog(commits: readonly CommitInfo[], notesFor: NotesFor, options: RolloutLogOptions = {}): RolloutLogEntry[] {
  return buildRolloutLogFrom(canaryCommits(commits), notesFor, options);
}

/** Rollouts of `records` (canaryCommits: git-canary's commits with valid trailers, newest first), newest first. */
export function buildRolloutLogFrom(records: readonly RolloutCommit[], notesFor: NotesFor, options: RolloutLogOptions = {}): RolloutLogEntry[] {
  const oldestFirst = records
    .filter((c) => options.service === undefined || c.trailers.service === options.service)
    .reverse();
  const groups: RolloutCommit[][] = [];
  const open = new Map<string, RolloutCommit[]>(); // rollout id -> unfinished group
  const latest = new Map<string, RolloutCommit[]>(); // service -> newest group
  const superseded = new Map<RolloutCommit[], string>();
  const supersedes = new Map<RolloutCommit[], string>();
  for (const c of oldestFirst) {
    const { service, rollout, phase } = c.trailers;
    let group = open.get(rollout);
    if (!group) {
      group = [];
      groups.push(group);
      open.set(rollout, group);
      const previous = latest.get(service);
      if (previous && !isFinished(previous)) {
        superseded.set(previous, rollout);
        supersedes.set(group, previous[0]!.trailers.rollout);
      }
      latest.set(service, group);
    }
    group.push(c);
    if (phase === 'promoted' || phase === 'rolled-back') open.delete(rollout);
  }

  const since = options.since?.getTime();
  return groups
    .reverse()
    .map((g) => {
      const entry = toEntry(g, notesFor, options.limits?.[g[0]!.trailers.service], superseded.get(g), supersedes.get(g));
      const last = g[g.length - 1]!;
      const revert = last.trailers.phase === 'promoted' ? options.reverts?.get(last.sha) : undefined;
      return revert ? { ...entry, revertedBy: revert } : entry;
    })
    .filter((e) => since === undefined || Date.parse(e.startedAt) >= since)
    .filter((e) => options.outcomes === undefined || options.outcomes.includes(e.outcome));
}

function isFinished(group: RolloutCommit[]): boolean {
  const phase = group[group.length - 1]?.trailers.phase;
  return phase === 'promoted' || phase === 'rolled-back';
}

function toEntry(
  group: RolloutCommit[],
  notesFor: NotesFor,
  limits: CheckLimits[string] | undefined,
  supersededBy: string | undefined,
  supersedes: string | undefined,
): RolloutLogEntry {
  const first = group[0]!;
  const last = group[group.length - 1]!;
  const { phase, rollout } = last.trailers;
  const events = rolloutEvents(group, notesFor, { ...(limits ? { limits } : {}), ...(supersedes ? { supersedes } : {}) });
  const judgments = events.filter((e): e is JudgmentEvent => e.kind === 'judgment');
  const steps: RolloutLogStep[] = [];
  for (const c of group) {
    if (c.trailers.phase !== 'progressing' || c.trailers.judgment) continue;
    steps.push({
      weight: c.trailers.weight,
      step: c.trailers.step?.index ?? 0,
      commit: c.sha,
      at: c.at.toISOString(),
      checks: [...checksFromBody(c.body)],
      judgments: [],
      judged: judgments.filter((j) => j.stepCommit === c.sha).map(stepJudged),
    });
  }
  // Notes made while a step was current (and a judgment record's own values when it has no note), as before `judged`.
  let current: RolloutLogStep | undefined;
  for (const c of group) {
    if (c.trailers.phase === 'progressing' && !c.trailers.judgment) current = steps.find((s) => s.commit === c.sha);
    if (!current) continue;
    const noted = notesFor(c.sha).filter((n) => n.rollout === rollout);
    for (const n of noted) current.judgments.push({ at: n.at, outcome: n.outcome, checks: n.checks });
    if (c.trailers.judgment && noted.length === 0) current.judgments.push({ at: c.at.toISOString(), outcome: c.trailers.judgment, checks: [...checksFromBody(c.body)] });
  }
  for (const s of steps) s.judgments.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return {
    service: last.trailers.service,
    rollout,
    candidate: last.trailers.candidate,
    outcome: phase === 'resumed' ? 'progressing' : phase,
    startedAt: first.at.toISOString(),
    endedAt: phase === 'promoted' || phase === 'rolled-back' ? last.at.toISOString() : null,
    steps,
    ...(supersededBy ? { supersededBy } : {}),
    events,
  };
}

function stepJudged(j: JudgmentEvent): StepJudged {
  return {
    at: j.at,
    commit: j.commit,
    outcome: j.outcome,
    checks: j.checks,
    ...(j.failedChecks !== undefined ? { failedChecks: j.failedChecks } : {}),
    ...(j.inconclusive !== undefined ? { inconclusive: j.inconclusive } : {}),
    ...(j.errors !== undefined ? { errors: j.errors } : {}),
    source: j.source,
  };
}

/** `54s`, `1m30s`: whole seconds; `-` before a negative span (a clock that went back). */
export function span(fromIso: string, toIso: string): string {
  const ms = Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000) * 1000;
  return ms < 0 ? `-${formatDuration(-ms)}` : formatDuration(ms);
}

/** ISO time without zero milliseconds: `2024-01-01T00:02:00Z`. */
export function shortIso(iso: string): string {
  return iso.replace(/\.000Z$/, 'Z');
}

/**
 * `success-rate 99.7 (min 99) pass`, with what explains it when recorded:
 * `latency 0.3 (max 0.5) fail [critical; reference 0.2 (baseline); p 0.001; effect 1.5]`,
 * and why a check has no verdict: `success-rate - (min 99) error (HTTP 401)`.
 */
export function checkText(c: EventCheck): string {
  const bounds = [c.min !== undefined ? `min ${c.min}` : '', c.max !== undefined ? `max ${c.max}` : ''].filter(Boolean).join(', ');
  const why = c.reason && (c.outcome === 'no-data' || c.outcome === 'error' || c.outcome === 'inconclusive') ? ` (${c.reason})` : '';
  return `${c.name} ${c.value ?? '-'}${bounds ? ` (${bounds})` : ''} ${c.outcome}${why}${explanation(c)}`;
}

/** `[critical; reference 0.2 (baseline); p 0.001; effect 1.5]`, or '' when nothing is recorded beyond the value. */
export function explanation(c: Pick<EventCheck, 'critical' | 'reference' | 'from' | 'pValue' | 'effectSize'>): string {
  const parts = [
    c.critical ? 'critical' : '',
    c.reference !== undefined ? `reference ${c.reference}${c.from === 'first-value' ? ' (first value)' : c.from ? ` (${c.from})` : ''}` : '',
    c.pValue !== undefined ? `p ${formatStat(c.pValue)}` : '',
    c.effectSize !== undefined ? `effect ${c.effectSize === null ? '-' : formatStat(c.effectSize)}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? ` [${parts.join('; ')}]` : '';
}

/** 4 significant digits: statistics are read, not recomputed. */
function formatStat(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/** What an event says beyond its kind, step and weight: one line. */
export function eventDetail(e: RolloutEvent): string {
  switch (e.kind) {
    case 'judgment': {
      const count =
        e.failedChecks !== undefined
          ? ` (${e.failedChecks} failed ${e.failedChecks === 1 ? 'check' : 'checks'} counted)`
          : e.outcome === 'inconclusive' && e.inconclusive
            ? ` (${e.inconclusive} inconclusive in a row)`
            : e.outcome === 'error' && e.errors
              ? ` (${e.errors} errored in a row)`
              : '';
      return `${e.outcome}${e.checks.length > 0 ? `: ${e.checks.map(checkText).join('; ')}` : ''}${count}`;
    }
    case 'step':
      return `${e.from}% → ${e.weight}%${e.why ? `: ${e.why}` : ''}`;
    case 'start':
      return [e.why, e.supersedes ? `supersedes ${e.supersedes}` : ''].filter(Boolean).join('; ');
    default:
      return e.why || [e.actor, e.reason].filter(Boolean).join(': ');
  }
}

/** The header's outcome: `promoted after 3m30s`, `progressing for 1m` (with `now`), `superseded by … after 1m`. */
function outcomeText(e: RolloutLogEntry, now: Date | undefined): string {
  if (e.supersededBy) return `${e.outcome}, superseded by ${e.supersededBy} (the candidate moved)`;
  if (e.endedAt) {
    const reverted = e.revertedBy ? `; release ${e.candidate.slice(0, 7)} reverted on production by ${e.revertedBy.author} in ${e.revertedBy.commit.slice(0, 7)}` : '';
    return `${e.outcome} after ${span(e.startedAt, e.endedAt)}${reverted}`;
  }
  return now ? `${e.outcome} for ${span(e.startedAt, now.toISOString())}` : e.outcome;
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - s.length));
}

/** Human text for `git-canary log`: one block per rollout, one line per event. */
export function formatRolloutLog(entries: readonly RolloutLogEntry[], options: { now?: Date } = {}): string {
  if (entries.length === 0) return 'no rollouts found\n';
  const blocks = entries.map((e) => {
    const lines = [
      `${e.rollout}  ${outcomeText(e, options.now)}`,
      `  service ${e.service}  candidate ${e.candidate.slice(0, 7)}  started ${shortIso(e.startedAt)}  ended ${e.endedAt ? shortIso(e.endedAt) : '-'}`,
    ];
    const rows = e.events.map((x) => [
      shortIso(x.at),
      `+${span(e.startedAt, x.at)}`.replace('+-', '-'),
      x.kind,
      x.total > 0 ? `${x.step}/${x.total}` : '-',
      `${x.weight}%`,
      x.commit.slice(0, 7),
      eventDetail(x),
    ]);
    const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) {
      const cells = r.map((cell, i) => (i === 4 ? ' '.repeat(Math.max(0, widths[4]! - cell.length)) + cell : i < 4 ? pad(cell, widths[i]!) : cell));
      lines.push(`  ${cells.join('  ')}`.trimEnd());
    }
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}
