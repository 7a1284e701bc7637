/**
 * The events of one rollout, oldest first, as `log` reconstructs them from
 * production's records and their notes (`log --json`'s `events`, the Markdown
 * and HTML views). Plain data; every event names the commit it was read from.
 * Pure: records in, events out.
 *
 * Where each event comes from:
 * - `start`: the rollout's first record (a restart supersedes the rollout the
 *   candidate moved away from).
 * - `judgment`, attached to the step it judged (`step`, `total`, `weight` and
 *   `stepCommit` are those of the step before the move):
 *   pass — the checks line in the body of the commit that moved traffic on or
 *   promoted; fail, inconclusive, error — a judgment record (`Canary-Judgment`,
 *   values from its note, with the counts in a row) or the body of the
 *   rollback it decided; the judgment that made a limit pause the rollout —
 *   the paused record's note; any other judgment a note holds.
 * - `step`, `pause`, `resume`, `promote`, `rollback`: one per record of that
 *   phase, `why` being the record's body (the reason, without the checks line).
 * Limits shown beside values: the bounds written in the record's body (what
 * the check was held to then), else the service's config.
 */
import type { JudgmentNote, RolloutCommit } from '../engine/types.ts';
import { type CheckLineInput, type CheckValue, checksFromBody, parseCheckDetails, parseChecksLine } from './checks.ts';
import type { NotesFor } from './state.ts';
import { TextMemo } from '../memo.ts';

/** A check's bounds from git-canary.yaml (`min`, `max` or both). */
export interface CheckLimit {
  min?: number;
  max?: number;
}

/** service → check name → its bounds. */
export type CheckLimits = Record<string, Record<string, CheckLimit>>;

/** One check's value in a judgment, against its limits when known. */
export interface EventCheck extends CheckValue {
  min?: number;
  max?: number;
}

/** `pass | fail | inconclusive | error`, as analysis judges a step. */
export type JudgmentOutcome = JudgmentNote['outcome'];

interface EventBase {
  /** ISO time: the commit's committer date, or the note's judgment time. */
  at: string;
  /** The production commit the event was read from (for a note: the commit it is attached to). */
  commit: string;
  /** The canary weight after the event (the weight judged, for a judgment; 0 after promote/rollback). */
  weight: number;
  /** The step the rollout was at (1-based) and the number of steps. */
  step: number;
  total: number;
  /** A person's decision: who (`Canary-Actor`) and why (`Canary-Reason`). */
  actor?: string;
  reason?: string;
}

/** The rollout started: the canary runs the candidate at steps[0]. */
export interface StartEvent extends EventBase {
  kind: 'start';
  /** The record's reason (`candidate 3f2a9c1 differs from production`, a restart, what the canary does not exercise). */
  why: string;
  /** The rollout this one replaced because the candidate moved during it. */
  supersedes?: string;
}

/** A step's judgment: the checks at the weight they judged. */
export interface JudgmentEvent extends EventBase {
  kind: 'judgment';
  outcome: JudgmentOutcome;
  checks: EventCheck[];
  /** Failed judgments counted over the rollout, this one included (fail records and rollbacks). */
  failedChecks?: number;
  /** Inconclusive / errored judgments in a row, this one included (their records, and the pause a limit made). */
  inconclusive?: number;
  errors?: number;
  /** The values' record: a commit body, or a note (`refs/notes/git-canary`). */
  source: 'commit' | 'note';
  /** The commit that set the step judged (the step's `commit` in `steps`). */
  stepCommit: string;
}

/** Traffic moved (`from` → `weight`), or a zero-traffic step got its weight back. */
export interface StepEvent extends EventBase {
  kind: 'step';
  why: string;
  /** The canary weight before. */
  from: number;
}

/** Paused: by a person's edit of a managed file (`files`, `by` the commit), or by a person's `pause` (`by` the actor). */
export interface PauseEvent extends EventBase {
  kind: 'pause';
  why: string;
  by?: string;
  files?: string[];
}

/** A person's `resume`: the step clock starts again. */
export interface ResumeEvent extends EventBase {
  kind: 'resume';
  why: string;
}

/** The end. `why` says what decided it; the deciding judgment, when one did, is the judgment event just before. */
export interface EndEvent extends EventBase {
  kind: 'promote' | 'rollback';
  why: string;
}

export type RolloutEvent = StartEvent | JudgmentEvent | StepEvent | PauseEvent | ResumeEvent | EndEvent;

/** Where the rollout stands after a record: the step, its weight now, and the commit that set the step. */
interface Position {
  step: number;
  total: number;
  weight: number;
  stepCommit: string;
}

/**
 * The events of one rollout: `group` is its records, oldest first, all of one
 * rollout id; `limits` the service's check bounds from the config.
 */
export function rolloutEvents(
  group: readonly RolloutCommit[],
  notesFor: NotesFor,
  options: { limits?: Record<string, CheckLimit>; supersedes?: string } = {},
): RolloutEvent[] {
  const events: RolloutEvent[] = [];
  const noted: { event: JudgmentEvent; after: number }[] = [];
  let pos: Position | undefined;
  for (const c of group) {
    const t = c.trailers;
    const at = c.at.toISOString();
    const who = { ...(t.actor ? { actor: t.actor } : {}), ...(t.reason ? { reason: t.reason } : {}) };
    const recorded = boundsFromBody(c.body);
    const withLimits = (checks: readonly CheckValue[]): EventCheck[] =>
      checks.map((k) => ({ ...k, ...(options.limits?.[k.name] ?? {}), ...(recorded.get(k.name) ?? {}) }));
    const notes = notesFor(c.sha).filter((n) => n.rollout === t.rollout);
    const why = whyOf(c.body);
    const stepOf = t.step ?? t.rolloutStep;

    // The judgment this record carries itself, judging the position before it.
    const own = ownJudgment(c, pos !== undefined, notes);
    if (own) {
      const judged: Position = pos ?? { step: stepOf?.index ?? 0, total: stepOf?.total ?? 0, weight: t.weight, stepCommit: c.sha };
      const i = notes.findIndex((n) => n.outcome === own);
      const note = i >= 0 ? notes.splice(i, 1)[0] : undefined;
      const checks = note && note.checks.length > 0 ? note.checks : recordedChecksFromBody(c.body);
      events.push({
        kind: 'judgment',
        at,
        commit: c.sha,
        weight: judged.weight,
        step: judged.step,
        total: judged.total,
        ...who,
        outcome: own,
        checks: withLimits(checks),
        ...(own === 'fail' && t.failedChecks !== undefined ? { failedChecks: t.failedChecks } : {}),
        ...(own !== 'pass' && own !== 'fail' && t.inconclusive ? { inconclusive: t.inconclusive } : {}),
        ...(own !== 'pass' && own !== 'fail' && t.errors ? { errors: t.errors } : {}),
        source: note ? 'note' : 'commit',
        stepCommit: judged.stepCommit,
      });
    }

    const base = { at, commit: c.sha, weight: t.weight, step: stepOf?.index ?? pos?.step ?? 0, total: stepOf?.total ?? pos?.total ?? 0, ...who };
    if (t.phase === 'progressing' && t.judgment) {
      pos = pos ? { ...pos, weight: t.weight } : { step: base.step, total: base.total, weight: t.weight, stepCommit: c.sha };
    } else if (t.phase === 'progressing') {
      if (pos === undefined) events.push({ kind: 'start', ...base, why, ...(options.supersedes ? { supersedes: options.supersedes } : {}) });
      else events.push({ kind: 'step', ...base, why, from: pos.weight });
      pos = { step: base.step, total: base.total, weight: t.weight, stepCommit: c.sha };
    } else if (t.phase === 'paused') {
      const edit = EDITED.exec(why);
      const by = edit?.[2] ?? t.actor;
      events.push({ kind: 'pause', ...base, why, ...(by ? { by } : {}), ...(edit ? { files: edit[1]!.split(', ') } : {}) });
      if (pos) pos = { ...pos, weight: t.weight };
    } else if (t.phase === 'resumed') {
      events.push({ kind: 'resume', ...base, why });
      if (pos) pos = { ...pos, weight: t.weight };
    } else {
      events.push({ kind: t.phase === 'promoted' ? 'promote' : 'rollback', ...base, weight: 0, why });
    }

    // Whatever else the notes of this record hold: judgments of the step current after it.
    for (const n of notes) {
      const p = pos ?? { step: base.step, total: base.total, weight: t.weight, stepCommit: c.sha };
      noted.push({
        after: events.length,
        event: {
          kind: 'judgment',
          at: new Date(n.at).toISOString(),
          commit: c.sha,
          weight: p.weight,
          step: p.step,
          total: p.total,
          outcome: n.outcome,
          checks: withLimits(n.checks),
          source: 'note',
          stepCommit: p.stepCommit,
        },
      });
    }
  }
  return insertByTime(events, noted);
}

/**
 * The judgment a record carries itself: a judgment record says which
 * (`Canary-Judgment`); a step or promotion passed, a rollback failed (when its
 * body holds checks); a pause a limit made holds its judgment in its note.
 */
function ownJudgment(c: RolloutCommit, hasPosition: boolean, notes: readonly JudgmentNote[]): JudgmentOutcome | undefined {
  const t = c.trailers;
  if (t.phase === 'progressing' && t.judgment) return t.judgment;
  if (t.phase === 'paused' && hasPosition && notes.length > 0 && (t.inconclusive || t.errors)) return notes[0]!.outcome;
  if (!hasPosition || checksFromBody(c.body).length === 0) return undefined;
  if (t.phase === 'progressing' || t.phase === 'promoted') return 'pass';
  if (t.phase === 'rolled-back') return 'fail';
  return undefined;
}

/** A person's edit as the engine words the pause: `<files> changed on production in <sha> by someone else during the rollout`. */
const EDITED = /^(.+?) changed on production(?: in ([0-9a-f]{7,40}))? by someone else during the rollout/;

// Every record's body is read for its reason and bounds: once per distinct body.
const reasons = new TextMemo<string>(4096);
const bounds = new TextMemo<ReadonlyMap<string, CheckLimit>>(4096);

/** The record's reason: its body's paragraphs but the checks line, one line. */
export function whyOf(body: string): string {
  return reasons.get(body, () => reasonOf(body));
}

function reasonOf(body: string): string {
  return body
    .split(/\n[ \t]*\n/)
    .map((p) => p.split('\n').map((l) => l.trim()).filter(Boolean).join(' '))
    .filter((p) => p !== '' && parseChecksLine(p).length === 0)
    .join('; ');
}

/**
 * The checks of a body's first checks line with what each records: bounds,
 * critical, and a baseline comparison's reference, p-value and effect size.
 */
export function recordedChecksFromBody(body: string): EventCheck[] {
  for (const line of body.split('\n')) {
    const checks = parseCheckDetails(line);
    if (checks.length > 0) return checks.map(recordedCheckOf);
  }
  return [];
}

/** A parsed checks-line entry as a recorded check (the fields a note has too). */
export function recordedCheckOf(c: CheckLineInput): EventCheck {
  return {
    name: c.name,
    value: c.value,
    outcome: c.outcome,
    ...(c.min !== undefined ? { min: c.min } : c.minRequests !== undefined ? { min: c.minRequests } : {}),
    ...(c.max !== undefined ? { max: c.max } : {}),
    ...(c.critical ? { critical: true } : {}),
    ...(c.reference !== undefined ? { reference: c.reference } : {}),
    ...(c.from !== undefined ? { from: c.from } : {}),
    ...(c.pValue !== undefined ? { pValue: c.pValue } : {}),
    ...(c.effectSize !== undefined ? { effectSize: c.effectSize } : {}),
  };
}

/**
 * The bounds written beside each check in a body's checks line (`success-rate 99.7 (min 99) pass`),
 * read by the one parser of that grammar (src/audit/checks.ts), whatever the entry's outcome.
 */
export function boundsFromBody(body: string): ReadonlyMap<string, CheckLimit> {
  return bounds.get(body, () => boundsOf(body));
}

function boundsOf(body: string): Map<string, CheckLimit> {
  const out = new Map<string, CheckLimit>();
  const line = body.split('\n').find((l) => parseChecksLine(l).length > 0);
  for (const c of line === undefined ? [] : parseCheckDetails(line)) {
    const limit: CheckLimit = {
      ...(c.min !== undefined ? { min: c.min } : {}),
      ...(c.max !== undefined ? { max: c.max } : {}),
    };
    if (Object.keys(limit).length > 0) out.set(c.name, limit);
  }
  return out;
}

/**
 * The commit events in their order, with each note's judgment placed by its
 * time, never before the record it is attached to.
 */
function insertByTime(events: RolloutEvent[], noted: { event: JudgmentEvent; after: number }[]): RolloutEvent[] {
  if (noted.length === 0) return events;
  const placed = noted.map(({ event, after }) => {
    let i = after;
    while (i < events.length && Date.parse(events[i]!.at) <= Date.parse(event.at)) i++;
    return { event, i };
  });
  placed.sort((a, b) => a.i - b.i || Date.parse(a.event.at) - Date.parse(b.event.at));
  const out: RolloutEvent[] = [];
  let k = 0;
  events.forEach((e, i) => {
    while (k < placed.length && placed[k]!.i === i) out.push(placed[k++]!.event);
    out.push(e);
  });
  while (k < placed.length) out.push(placed[k++]!.event);
  return out;
}
