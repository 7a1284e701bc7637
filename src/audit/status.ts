/**
 * What `git-canary status` says about one service, and how a person's
 * decision that makes no sense is refused. Pure: the observations of a tick
 * (runner/observe.ts), the decision the next tick would make (engine/decide.ts)
 * and the clock in; one status entry (the `status --json` shape, README "JSON
 * output") and its one line of text out.
 *
 * Everything said comes from records on production: the phase, step and
 * weight from the newest record (audit/state.ts), the step clock from
 * `Canary-Step-Since` (and a failed judgment's own time), the failed-check
 * count from `Canary-Failed-Checks`, the last judgment from the newest commit
 * of the rollout whose body holds a checks line (a rollback's deciding checks),
 * why it holds, paused or ended from that record's body; the judgments in a row
 * against their limits, the progressDeadline and the time left, the references
 * and (with `applied:`) what Argo CD or Flux report.
 */
import { formatDuration } from '../config/duration.ts';
import { judgmentClock } from '../engine/decide.ts';
import type { AppliedObservation, Decision, JudgmentNote, RolloutCommit, RolloutState, ServiceObservations } from '../engine/types.ts';
import { ConfigError } from '../errors.ts';
import { type CheckValue, parseCheckDetails, parseChecksLine } from './checks.ts';
import { recordedCheckOf } from './events.ts';
import { explanation } from './log.ts';

/**
 * One check of a recorded judgment: value and outcome, the limits the commit
 * body wrote next to it, and (when recorded) critical, reference, p-value,
 * effect size and why.
 */
export type JudgedCheck = CheckValue;

/** The newest judgment of the rollout, as its commit recorded it. */
export interface LastJudgment {
  /** ISO committer date of the commit recording it. */
  at: string;
  commit: string;
  outcome: JudgmentNote['outcome'];
  checks: JudgedCheck[];
}

/** Judgments in a row without a verdict, against the limits that pause the rollout (null without analysis). */
export interface InARow {
  inconclusive: number;
  inconclusiveLimit: number | null;
  errors: number;
  errorLimit: number | null;
}

/** `analysis.progressDeadline` of a rollout in progress: when it started, when the deadline passes, the time left. */
export interface DeadlineStatus {
  progressDeadline: string;
  /** ISO time the rollout started (`Canary-Started`). */
  started: string;
  /** `record`: an older record without Canary-Started; counted from that record's time. */
  startedFrom: 'trailer' | 'record';
  at: string;
  in: string;
}

/** What Argo CD or Flux report about the step (`applied:`), as `status --json` prints it. */
export type AppliedStatus =
  | { state: 'applied'; since: string; revision: string; detail: string }
  | { state: 'pending' | 'degraded' | 'error'; reason: string };

/** What the next tick would do, from decide() on the same observations (`judge`: the checks run then). */
export interface NextTick {
  decision: 'none' | 'judge' | 'start' | 'step' | 'promote' | 'rollback' | 'hold' | 'pause' | 'error';
  reason: string;
  /** On a start: the candidate it would start, and the images its release brings. */
  candidate?: string;
  images?: string[];
}

/** One entry of `status --json`: the README's fields first, then what was added (fields are only ever added). */
export interface ServiceStatus {
  service: string;
  /** idle | promoted | rolled-back (idle after that end) | progressing | paused | error. */
  phase: string;
  weight: number;
  step: string | null;
  rollout: string | null;
  candidate: string | null;
  /** ISO time the current step's clock began (progressing), the pause, or the end of the last rollout. */
  since: string | null;
  timeAtStep: string | null;
  failedChecks: number;
  lastAnalysis: LastJudgment | null;
  /** Why it holds (a failed judgment), is paused, or ended; null otherwise. */
  reason: string | null;
  unexercised: string[];
  /** Images the release of `candidate` brings (containers, init containers, kustomize `images:`). */
  images: string[];
  /** Time since `since`. */
  elapsed: string | null;
  interval: string;
  /** Failed judgments that roll back; null without analysis. */
  threshold: number | null;
  /** When the current step is judged next (`in: '0s'` when due at the next tick); null when nothing is to be judged. */
  nextJudgment: { at: string; in: string } | null;
  /** The newest git-canary record of the service. */
  record: { commit: string; phase: string; title: string; at: string; actor: string | null; reason: string | null } | null;
  nextTick: NextTick | null;
  /** Commands that make sense now, e.g. `git-canary resume --service checkout`. */
  actions: string[];
  gate: 'auto' | 'pull-request';
  pullRequest: number | null;
  /** Inconclusive and errored judgments in a row, and their limits. */
  inARow: InARow;
  /** The progressDeadline of a rollout in progress; null without one, or when nothing is in progress. */
  deadline: DeadlineStatus | null;
  /** First values of checks compared with their own start (`Canary-Reference`). */
  references: Record<string, number>;
  /** What Argo CD or Flux report (`applied:`); null when the service does not wait for them or nothing is to be judged. */
  applied: AppliedStatus | null;
}

/** The service's settings status needs, from its config. */
export interface StatusSettings {
  intervalMs: number;
  threshold: number | null;
  gate: 'auto' | 'pull-request';
  /** Null without analysis. */
  inconclusiveLimit?: number | null;
  errorLimit?: number | null;
  progressDeadlineMs?: number;
  initialDelayMs?: number;
}

export interface StatusFacts {
  service: string;
  settings: StatusSettings;
  obs: ServiceObservations;
  /** decide() on `obs` at `now`. */
  next: Decision;
  now: Date;
  /** Images of the release at `candidate` (the rollout under test, or the last one). */
  images: string[];
  /** Images of the candidate tip's release (what a start would bring). */
  nextImages: string[];
  /** The newest commit of the rollout (or the last one) whose body holds a checks line. */
  judged?: RolloutCommit;
  unexercised: string[];
}

/** The checks of a checks line with what each records: the limits written next to it, critical, reference, p-value, effect size. */
export function judgedChecks(line: string): JudgedCheck[] {
  return parseCheckDetails(line).map(recordedCheckOf);
}

/**
 * The judgment a commit body records (its first checks line), or undefined
 * when it records none. Its outcome: the record's `Canary-Judgment`; a
 * rollback failed; otherwise read from the checks (an error, then no data,
 * then a failure decides, as analysis judges).
 */
export function judgmentOf(commit: RolloutCommit): LastJudgment | undefined {
  for (const line of commit.body.split('\n')) {
    const checks = judgedChecks(line);
    if (checks.length === 0) continue;
    const has = (o: string) => checks.some((c) => c.outcome === o);
    const read = has('error') ? 'error' : has('no-data') || has('inconclusive') ? 'inconclusive' : has('fail') ? 'fail' : 'pass';
    const outcome = commit.trailers.judgment ?? (commit.trailers.phase === 'rolled-back' ? 'fail' : read);
    return { at: commit.at.toISOString(), commit: commit.sha, outcome, checks };
  }
  return undefined;
}

/** Why a record was made: the first line of its body that is neither checks nor what the canary does not run. */
export function recordReason(body: string): string | null {
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (line === '' || parseChecksLine(line).length > 0 || line.startsWith('not exercised by the canary:')) continue;
    return line;
  }
  return null;
}

const since = (from: Date, now: Date) => formatDuration(Math.max(0, now.getTime() - from.getTime()));
const command = (verb: string, service: string) => `git-canary ${verb} --service ${service}`;

/** `progressing at 25% (step 2/3)`, `paused at 10% (step 1/3)`, `idle: rollout … was promoted at …`, `idle`. */
export function phaseText(state: RolloutState): string {
  if (state.phase !== 'idle') return `${state.phase} at ${state.weight}% (step ${state.step}/${state.total})`;
  const last = state.last;
  if (!last) return 'idle';
  return `idle: rollout ${last.rollout} was ${last.outcome === 'promoted' ? 'promoted' : 'rolled back'} at ${last.at.toISOString()}`;
}

/** Commands a person can run now, by phase. */
export function personActions(service: string, state: RolloutState, next: Decision, obs: Pick<ServiceObservations, 'observed'>): string[] {
  if (state.phase === 'progressing') return ['pause', 'promote', 'rollback'].map((v) => command(v, service));
  if (state.phase === 'paused') return ['resume', 'promote', 'rollback'].map((v) => command(v, service));
  if (next.kind === 'start') return [command('tick', service)];
  if (state.last?.outcome === 'rolled-back' && obs.observed.candidateMatchesRollout) return [`${command('propose', service)} --image <a fixed image>`];
  return [];
}

/** What makes sense instead, for a refused decision. */
function instead(service: string, state: RolloutState, next: Decision): string {
  if (state.phase === 'paused') {
    return `to continue it: ${command('resume', service)}; to end it: git-canary promote|rollback --service ${service}`;
  }
  if (state.phase === 'progressing') return `to stop it: ${command('pause', service)}`;
  if (next.kind === 'start') return `nothing is rolling out yet: the next tick starts it (${next.reason}; ${command('tick', service)})`;
  return `nothing is rolling out: ${next.reason}`;
}

/** A person's decision (`git-canary promote|rollback|pause|resume`). */
export type PersonDecision = 'promote' | 'rollback' | 'pause' | 'resume';

const WORKS: Record<PersonDecision, string> = {
  resume: 'resume works on a paused rollout',
  pause: 'pause works on a rollout in progress',
  promote: 'promote works on a rollout in progress or paused',
  rollback: 'rollback works on a rollout in progress or paused',
};

/** The message and hint of a person's decision that makes no sense in the service's phase. */
export function refusal(action: PersonDecision, service: string, state: RolloutState, next: Decision): { message: string; hint: string } {
  return {
    message: `cannot ${action} ${service}: it is ${phaseText(state)}`,
    hint: `${WORKS[action]}; ${instead(service, state, next)}`,
  };
}

function nextTickOf(f: StatusFacts): NextTick {
  const { next, obs, settings, service } = f;
  const decision = next.kind === 'analyze' ? 'judge' : next.kind === 'resume' ? 'none' : next.kind;
  if (next.kind !== 'start') return { decision, reason: next.reason };
  const gate = settings.gate === 'pull-request' ? `; gate: pull-request — it starts once the promotion pull request from git-canary/${service} is approved` : '';
  return { decision, reason: `${next.reason}${gate}`, candidate: obs.candidateSha, images: f.nextImages };
}

/** The step's next judgment, unless the next tick does something else first (pause, restart, rollback) or the canary has no traffic. */
function nextJudgmentOf(f: StatusFacts): ServiceStatus['nextJudgment'] {
  const s = f.obs.state;
  if (s.phase !== 'progressing' || s.weight === 0 || ['pause', 'start', 'rollback'].includes(f.next.kind)) return null;
  // Nothing is judged while the candidate branch is gone, or the step is not applied healthy: the next tick holds (its reason is shown instead).
  if (f.obs.observed.candidateMissing !== undefined) return null;
  const applied = f.obs.observed.applied;
  if (applied && applied.state !== 'applied') return null;
  const due = judgmentClock({ observed: f.obs.observed, ...(f.settings.initialDelayMs !== undefined ? { initialDelayMs: f.settings.initialDelayMs } : {}) }, s) + f.settings.intervalMs;
  return { at: new Date(due).toISOString(), in: formatDuration(Math.max(0, due - f.now.getTime())) };
}

function deadlineOf(f: StatusFacts): DeadlineStatus | null {
  const s = f.obs.state;
  const limit = f.settings.progressDeadlineMs;
  if (s.phase !== 'progressing' || limit === undefined) return null;
  const at = s.started.getTime() + limit;
  return {
    progressDeadline: formatDuration(limit),
    started: s.started.toISOString(),
    startedFrom: s.startedFrom,
    at: new Date(at).toISOString(),
    in: formatDuration(Math.max(0, at - f.now.getTime())),
  };
}

function appliedOf(a: AppliedObservation | undefined): AppliedStatus | null {
  if (!a) return null;
  return a.state === 'applied' ? { state: 'applied', since: a.since.toISOString(), revision: a.revision, detail: a.detail } : { state: a.state, reason: a.reason };
}

/** The status entry of one service. */
export function buildStatus(f: StatusFacts): ServiceStatus {
  const { obs, now, settings } = f;
  const s = obs.state;
  const record = obs.record;
  const last = s.phase === 'idle' ? s.last : undefined;
  const began = s.phase === 'progressing' ? s.stepStartedAt : s.phase === 'paused' ? s.pausedAt : last?.at;
  let reason: string | null = null;
  if (s.phase === 'paused') reason = s.reason;
  else if (s.phase === 'progressing') reason = obs.observed.notesVanished ?? (record?.trailers.judgment ? recordReason(record.body) : null);
  else if (last && record) reason = recordReason(record.body);
  return {
    service: f.service,
    phase: s.phase === 'idle' ? (last?.outcome ?? 'idle') : s.phase,
    weight: s.phase === 'idle' ? 0 : s.weight,
    step: s.phase === 'idle' ? null : `${s.step}/${s.total}`,
    rollout: s.phase === 'idle' ? (last?.rollout ?? null) : s.rollout,
    candidate: s.phase === 'idle' ? (last?.candidate ?? null) : s.candidate,
    since: began?.toISOString() ?? null,
    timeAtStep: s.phase === 'progressing' ? since(s.stepStartedAt, now) : null,
    failedChecks: s.phase === 'idle' ? (last ? (record?.trailers.failedChecks ?? 0) : 0) : s.failedChecks,
    lastAnalysis: (f.judged && judgmentOf(f.judged)) ?? null,
    reason,
    unexercised: f.unexercised,
    images: f.images,
    elapsed: began ? since(began, now) : null,
    interval: formatDuration(settings.intervalMs),
    threshold: settings.threshold,
    nextJudgment: nextJudgmentOf(f),
    record: record
      ? {
          commit: record.sha,
          phase: record.trailers.phase,
          title: record.title,
          at: record.at.toISOString(),
          actor: record.trailers.actor ?? null,
          reason: record.trailers.reason ?? null,
        }
      : null,
    nextTick: nextTickOf(f),
    actions: personActions(f.service, s, f.next, obs),
    gate: settings.gate,
    pullRequest: s.phase === 'idle' ? null : (s.pullRequest ?? null),
    inARow: {
      inconclusive: s.phase === 'idle' ? 0 : s.inconclusive,
      inconclusiveLimit: settings.inconclusiveLimit ?? null,
      errors: s.phase === 'idle' ? 0 : s.errors,
      errorLimit: settings.errorLimit ?? null,
    },
    deadline: deadlineOf(f),
    references: s.phase === 'idle' ? {} : { ...s.references },
    applied: appliedOf(obs.observed.applied),
  };
}

/** A status entry for a service that could not be read. */
export function errorStatus(service: string, settings: StatusSettings, reason: string): ServiceStatus {
  return {
    service,
    phase: 'error',
    weight: 0,
    step: null,
    rollout: null,
    candidate: null,
    since: null,
    timeAtStep: null,
    failedChecks: 0,
    lastAnalysis: null,
    reason,
    unexercised: [],
    images: [],
    elapsed: null,
    interval: formatDuration(settings.intervalMs),
    threshold: settings.threshold,
    nextJudgment: null,
    record: null,
    nextTick: null,
    actions: ['git-canary validate'],
    gate: settings.gate,
    pullRequest: null,
    inARow: { inconclusive: 0, inconclusiveLimit: settings.inconclusiveLimit ?? null, errors: 0, errorLimit: settings.errorLimit ?? null },
    deadline: null,
    references: {},
    applied: null,
  };
}

function checksText(checks: readonly JudgedCheck[]): string {
  return checks
    .map((c) => {
      const bounds = [c.min !== undefined ? `min ${c.min}` : '', c.max !== undefined ? `max ${c.max}` : ''].filter(Boolean).join(', ');
      return `${c.name} ${c.value ?? '-'}${bounds ? ` (${bounds})` : ''} ${c.outcome}${explanation(c)}`;
    })
    .join(', ');
}

/** `2/5 inconclusive in a row`, `3/4 errored in a row`: only the counts that are not 0. */
function inARowText(r: InARow): string[] {
  const out: string[] = [];
  if (r.inconclusive > 0) out.push(`${r.inconclusive}${r.inconclusiveLimit !== null ? `/${r.inconclusiveLimit}` : ''} inconclusive in a row`);
  if (r.errors > 0) out.push(`${r.errors}${r.errorLimit !== null ? `/${r.errorLimit}` : ''} errored in a row`);
  return out;
}

function appliedText(a: AppliedStatus | null): string | undefined {
  if (!a) return undefined;
  if (a.state === 'applied') return `applied since ${a.since} (${a.detail})`;
  return `${{ pending: 'not applied yet', degraded: 'applied but not healthy', error: 'applied state unknown' }[a.state]}: ${a.reason}`;
}

/** `git-canary pause|promote|rollback --service checkout` when the commands differ only in their verb. */
function actionsText(actions: readonly string[]): string {
  const parsed = actions.map((a) => /^git-canary (\S+) (--service \S+)$/.exec(a));
  const rest = parsed[0]?.[2];
  if (parsed.length > 1 && parsed.every((m) => m && m[2] === rest)) return `git-canary ${parsed.map((m) => m![1]).join('|')} ${rest}`;
  return actions.join(', ');
}

/** What the next tick does, when the rest of the line does not say it already. */
function nextTickText(s: ServiceStatus, active: boolean): string | undefined {
  const next = s.nextTick;
  if (!next || next.decision === 'judge') return undefined;
  if (next.decision === 'none') return active || !s.rollout ? undefined : next.reason;
  if (active && s.nextJudgment) return undefined;
  return `next tick: ${next.decision} — ${next.reason}${next.images?.length ? ` (${next.images.join(', ')})` : ''}`;
}

/** One line per service: `checkout: progressing at step 2/3, canary 25% — 30s at this step; next judgment in 30s; …`. */
export function formatStatusLine(s: ServiceStatus): string {
  if (s.phase === 'error') return `${s.service}: error — ${s.reason}`;
  const active = s.phase === 'progressing' || s.phase === 'paused';
  const head = `${s.service}: ${s.phase}${active ? ` at step ${s.step}, canary ${s.weight}%` : ''}`;
  const total = Number(s.step?.split('/')[1] ?? 0);
  const index = Number(s.step?.split('/')[0] ?? 0);
  const failed = s.threshold !== null ? `${s.failedChecks}/${s.threshold} failed checks` : undefined;
  const parts: (string | false | undefined | null)[] = [];
  if (s.phase === 'progressing') {
    parts.push(`${s.timeAtStep} at this step`);
    if (s.nextJudgment) {
      const what = s.threshold !== null ? 'next judgment' : index < total ? 'next step' : 'promotion';
      parts.push(s.nextJudgment.in === '0s' ? `${what} due now (at the next tick)` : `${what} in ${s.nextJudgment.in}`);
    }
    if (s.record?.phase === 'resumed') parts.push(`resumed by ${s.record.actor ?? 'a person'} at ${s.record.at}${s.record.reason ? `: ${s.record.reason}` : ''}`);
    if (s.reason) parts.push(`holding: ${s.reason}`);
    parts.push(...inARowText(s.inARow), appliedText(s.applied));
    if (s.deadline) parts.push(`progressDeadline ${s.deadline.progressDeadline} passes in ${s.deadline.in} (started ${s.deadline.started})`);
    const refs = Object.entries(s.references);
    if (refs.length > 0) parts.push(`references ${refs.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  } else if (s.phase === 'paused') {
    parts.push(`paused for ${s.elapsed}`, `paused: ${s.reason}`);
  } else if (s.since) {
    parts.push(`ended at ${s.since} (${s.elapsed} ago)`, s.reason !== failed && s.reason && `why: ${s.reason}`);
  }
  if (s.candidate) parts.push(`candidate ${s.candidate.slice(0, 7)}${s.images.length ? ` (${s.images.join(', ')})` : ''}`);
  if (s.lastAnalysis) parts.push(`last judgment ${s.lastAnalysis.outcome} at ${s.lastAnalysis.at}: ${checksText(s.lastAnalysis.checks)}`);
  else if (active && s.threshold !== null) parts.push('no judgment yet');
  if (active) parts.push(failed ?? 'no analysis: steps advance on the interval alone');
  else if (s.rollout) parts.push(failed);
  if (s.unexercised.length) parts.push(`not exercised by the canary: ${s.unexercised.join(', ')}`);
  parts.push(nextTickText(s, active));
  if (s.rollout) parts.push(`rollout ${s.rollout}${s.pullRequest !== null ? `, pull request #${s.pullRequest}` : ''}`);
  if (s.actions.length) parts.push(`you can: ${actionsText(s.actions)}`);
  const detail = parts.filter((p): p is string => typeof p === 'string' && p !== '');
  return detail.length ? `${head} — ${detail.join('; ')}` : head;
}

/** `--service` naming no service of git-canary.yaml: a problem a person fixes (exit 1), naming the services there are. */
export function unknownServiceError(service: string, services: readonly string[], branch: string): ConfigError {
  return new ConfigError(`no service named ${service} in git-canary.yaml`, {
    where: { branch },
    hint: `services: ${services.join(', ') || '(none)'}`,
    data: { service, services: [...services] },
  });
}
