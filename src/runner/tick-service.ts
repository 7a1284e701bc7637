/**
 * One service's tick: observe → decide (→ run checks → decide again) → plan →
 * publish. A lost compare-and-swap race observes and decides again from
 * scratch. Any other failure is this service's alone: it becomes
 * `decision: error` naming branch, file and line, and the other services tick on.
 */
import { DEFAULT_ERROR_LIMIT, DEFAULT_INCONCLUSIVE_LIMIT } from '../config/analysis-schema.ts';
import type { GitCanaryConfig, ServiceConfig } from '../config/index.ts';
import { decide } from '../engine/decide.ts';
import { type Actor, type PlanService, planCommit } from '../engine/plan.ts';
import { releaseViews } from '../engine/revision-rollout.ts';
import type { Decision, DecisionKind, DecideInput, Phase, RecordedCheck, ServiceObservations } from '../engine/types.ts';
import { CanaryError, ConfigError, GitConflictError } from '../errors.ts';
import type { GitHubApi } from '../github/types.ts';
import type { GitRepo, Identity } from '../git/types.ts';
import type { Logger } from '../log.ts';
import { unifiedDiff } from '../manifests/line-diff.ts';
import type { Notifier } from '../notify/index.ts';
import { publish } from './apply.ts';
import { closedPullRequest, type GateDeps, gateAfterCommit, gateBeforeStart, mergeHeadFor } from './gate.ts';
import { signalCommit } from './github-signals.ts';
import { appliedState, judgeStep, judgmentNote, recordedCheck } from './judgment.ts';
import { idleVerdictKey, knownIdleVerdict, rememberIdleVerdict } from './idle-verdicts.ts';
import { observeService, resolveTips } from './observe.ts';
import { rolloutHistory } from './rollout-history.ts';
import { withCompareAndSwap } from './retry.ts';

/** One entry of `tick --json`'s `services` (PRODUCT.md; fields may be added, never removed). */
export interface ServiceTickResult {
  service: string;
  decision: DecisionKind;
  weight: number | null;
  step: string | null;
  commit: string | null;
  reason: string;
  /** The checks judged this tick: name, value, outcome, and (added) limits, reference, p-value, effect size, reason. */
  checks: RecordedCheck[];
  files: string[];
  /** Release changes the canary does not run (on a start). */
  unexercised: string[];
  /** The rollout this result is about (`Canary-Rollout`), null when idle or on error. */
  rollout: string | null;
  /** The service's phase after this tick: a record's phase, or idle; null on error. */
  phase: Phase | 'idle' | null;
  /** `--dry-run` only: the unified diff of the files the commit would change. */
  diff?: string;
}

/** GitHub, when a repository and a token are known: promotion pull requests, statuses, deployments. */
export interface GitHubSession {
  api: GitHubApi;
  /** A commit's page, for links in pull requests and statuses. */
  commitUrl?: (sha: string) => string;
}

/** What the pull-request gate adds to a commit: the pull request's number, and on promotion its head to merge. */
export interface GateMark {
  pullRequest?: number;
  mergeHead?: string;
}

export interface TickServiceOptions {
  repo: GitRepo;
  config: GitCanaryConfig;
  name: string;
  author: Identity;
  now: () => Date;
  dryRun: boolean;
  log: Logger;
  /** Backoff between attempts after a lost race; injected so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Off when undefined: no pull requests, statuses or deployments (a gated service then errors). */
  github?: GitHubSession;
  /**
   * The tick's `--deadline`: once `signal` aborts, metric queries in flight are
   * abandoned and a service not decided yet holds, saying so (`label`: the
   * duration as written). A commit being published is never interrupted.
   */
  deadline?: { signal: AbortSignal; label: string };
  /**
   * `notify:`: told about each decision once it is published (after the push),
   * never in a dry run; a failed or slow notification is a logged warning and
   * never changes the result.
   */
  notifier?: Notifier;
  /**
   * Say an idle service's remembered verdict when its inputs are unchanged
   * (runner/idle-verdicts.ts; default true). False observes every service
   * again: what the tests compare the remembered verdicts with.
   */
  recall?: boolean;
  /**
   * The session's secrets (values expanded from ${ENV}, credentials): an idle
   * verdict whose inputs hold one is remembered in memory only, never on
   * disk. Unknown (undefined): in memory only.
   */
  secrets?: readonly string[];
}

/** The hold of a service the tick's deadline caught before it was decided. */
function deadlineHold(label: string, obs: ServiceObservations): Decision {
  const failedChecks = obs.state.phase === 'idle' ? 0 : obs.state.failedChecks;
  return { kind: 'hold', reason: `tick deadline of ${label} reached before ${obs.service} was decided; the next tick decides`, failedChecks };
}

export function planService(service: ServiceConfig): PlanService {
  const views = releaseViews(service);
  return {
    files: service.files,
    documents: service.documents,
    ...(service.canary ? { canary: service.canary } : {}),
    route: service.route,
    ...(views ? { views } : {}),
  };
}

/** Whether the service's analysis has checks to run (written or built in); without, steps advance on the interval. */
export function hasAnalysis(service: ServiceConfig): boolean {
  return Boolean(service.analysis && service.analysis.checks.length + service.analysis.templates.length > 0);
}

/** decide()'s input for a service and its observations. */
export function decideInput(name: string, service: ServiceConfig, obs: ServiceObservations, now: Date): DecideInput {
  const a = service.analysis;
  return {
    service: name,
    steps: service.steps,
    intervalMs: service.interval,
    threshold: a?.threshold ?? 1,
    hasAnalysis: hasAnalysis(service),
    inconclusiveLimit: a?.inconclusiveLimit ?? DEFAULT_INCONCLUSIVE_LIMIT,
    errorLimit: a?.errorLimit ?? DEFAULT_ERROR_LIMIT,
    ...(a?.progressDeadline !== undefined ? { progressDeadlineMs: a.progressDeadline } : {}),
    ...(service.applied ? { initialDelayMs: service.applied.initialDelay } : {}),
    state: obs.state,
    observed: obs.observed,
    now,
  };
}

/** Where the rollout stands when nothing was committed (hold, none): its real weight and step, not null. */
function standing(obs: ServiceObservations): { weight: number | null; step: string | null; rollout: string | null; phase: Phase | 'idle' } {
  const s = obs.state;
  return s.phase === 'idle'
    ? { weight: null, step: null, rollout: null, phase: 'idle' }
    : { weight: s.weight, step: `${s.step}/${s.total}`, rollout: s.rollout, phase: s.phase };
}

/**
 * Plan and publish a decision for observations `obs`: shared by tick and the
 * manual commands, so a person's decision is recorded exactly like the engine's.
 */
export async function commitDecision(
  decision: Decision,
  obs: ServiceObservations,
  o: { service: PlanService; production: string; repo: GitRepo; author: Identity; now: Date; dryRun: boolean; actor?: Actor; gate?: GateMark },
): Promise<ServiceTickResult> {
  const planned = planCommit(decision, o.service, obs, o.now, o.actor);
  if (!planned) return result(obs.service, decision, { commit: null, files: [], unexercised: [], ...standing(obs) });
  if (o.gate?.pullRequest !== undefined) planned.trailers.pullRequest = o.gate.pullRequest;
  if (o.gate?.mergeHead && planned.trailers.phase === 'promoted') planned.extraParents = [o.gate.mergeHead];
  const judgment = 'judgment' in decision ? decision.judgment : undefined;
  // A record that changes no file keeps its judgment's details in a note: a judgment record, or the pause a limit made.
  const noted = planned.trailers.judgment !== undefined || planned.trailers.phase === 'paused';
  const note = noted && judgment ? judgmentNote(judgment) : undefined;
  const commit = await publish(planned, obs, { repo: o.repo, productionBranch: o.production, author: o.author, now: o.now, dryRun: o.dryRun }, note);
  const t = planned.trailers;
  const active = t.phase === 'progressing' || t.phase === 'paused' || t.phase === 'resumed';
  const step = t.step ?? t.rolloutStep;
  const r = result(obs.service, decision, {
    commit: commit ?? null,
    files: planned.changes.map((c) => c.path),
    weight: t.weight,
    step: active && step ? `${step.index}/${step.total}` : null,
    unexercised: planned.unexercised,
    rollout: t.rollout,
    phase: t.phase,
  });
  // What a dry run would have committed, file by file, against production's tip.
  if (o.dryRun && planned.changes.length > 0) {
    r.diff = planned.changes.map((c) => unifiedDiff(c.path, obs.production[c.path], c.content ?? undefined)).join('');
  }
  return r;
}

/**
 * Decide one service and commit what is due to `opts.repo`: in a tick, a
 * StagedRepo (git/staged.ts), so the commit is published with the others of
 * the tick (runner/tick-services.ts), and GitHub and notifications hear of it
 * only then (`announce`).
 */
export async function decideService(opts: TickServiceOptions): Promise<ServiceTickResult> {
  const { repo, config, name } = opts;
  const service = config.services[name]!;
  // What observe reads and plan writes of the service, and what its idle verdict is keyed by: built once.
  const plan = planService(service);
  try {
    return await withCompareAndSwap(
      async () => {
        const { production, candidate, notes } = await resolveTips(repo, config.branches);
        if (!production) throw new GitConflictError(`branch ${config.branches.production} disappeared`);
        if (service.gate === 'pull-request' && !opts.github) {
          throw new ConfigError(`${name} has gate: pull-request, but no GitHub repository and token are known`, {
            where: { file: 'git-canary.yaml', branch: config.branches.production, detail: `services.${name}.gate` },
            hint: 'set github.repository (or GITHUB_REPOSITORY) and GIT_CANARY_TOKEN (or GITHUB_TOKEN), or use gate: auto',
          });
        }
        const deadline = opts.deadline;
        // Unchanged inputs of a service that was idle with nothing to do: the same verdict, unread.
        const verdictKey = deadline?.signal.aborted
          ? undefined
          : idleVerdictKey({ service: name, plan, branches: config.branches, author: opts.author, tips: { production, candidate, notes } });
        const known = verdictKey !== undefined && opts.recall !== false ? knownIdleVerdict(verdictKey, name) : undefined;
        if (known) {
          opts.log.info({ service: name, decision: known.decision, commit: known.commit, recalled: true }, known.reason);
          return known;
        }
        const now = opts.now();
        const obs = await observeService({
          repo,
          name,
          service: plan,
          tips: { production, candidate, notes },
          author: opts.author,
          production: config.branches.production,
          candidate: config.branches.candidate,
        });
        const deps = gateDeps(opts);
        let observed = obs;
        const pr = obs.state.phase === 'progressing' ? obs.state.pullRequest : undefined;
        if (deps && pr !== undefined) {
          const closed = await closedPullRequest(deps, name, pr);
          if (closed) observed = { ...obs, observed: { ...obs.observed, pullRequestClosed: closed } };
        }
        const applied = await appliedState(config, service, observed, deadline?.signal);
        if (applied) observed = { ...observed, observed: { ...observed.observed, applied } };
        const input = decideInput(name, service, observed, now);
        let decision = decide(input);
        if (deadline?.signal.aborted) {
          decision = deadlineHold(deadline.label, observed);
        } else if (decision.kind === 'analyze' && observed.state.phase === 'progressing') {
          const judgment = await judgeStep(config, name, service, observed, {
            time: now,
            windowStart: decision.windowStart,
            references: observed.state.references,
            ...(deadline ? { signal: deadline.signal } : {}),
          });
          // Checks cut short by the deadline judge nothing: hold, whatever the others said.
          decision = deadline?.signal.aborted ? deadlineHold(deadline.label, observed) : decide({ ...input, judgment });
        }
        const gate: GateMark = {};
        if (deps && decision.kind === 'start') {
          const outcome = await gateBeforeStart(deps, name, service, observed, now);
          if (outcome.ok) {
            gate.pullRequest = outcome.pullRequest;
            decision = { ...decision, reason: `${decision.reason}; ${outcome.reason}` };
          } else {
            const failedChecks = observed.state.phase === 'idle' ? 0 : observed.state.failedChecks;
            decision = { kind: 'hold', reason: outcome.reason, failedChecks };
          }
        }
        if (deps && decision.kind === 'promote' && observed.state.phase !== 'idle' && observed.state.pullRequest !== undefined) {
          gate.mergeHead = await mergeHeadFor(repo, name, observed.state.candidate);
        }
        const r = await commitDecision(decision, observed, {
          service: plan,
          production: config.branches.production,
          repo,
          author: opts.author,
          now,
          dryRun: opts.dryRun,
          gate,
        });
        if (verdictKey !== undefined && !deadline?.signal.aborted) rememberIdleVerdict(verdictKey, r, opts.secrets);
        opts.log.info({ service: name, decision: r.decision, commit: r.commit }, r.reason);
        return r;
      },
      {
        refresh: () => repo.refresh(),
        sleep: opts.sleep,
        random: opts.random,
        onRetry: (attempt, wait) =>
          opts.log.info({ service: name, attempt, wait }, 'lost a race to another writer; refetching and deciding again'),
      },
    );
  } catch (e) {
    // One service's problem never stops another's rollout: it is reported for this service only.
    const reason =
      e instanceof CanaryError
        ? errorReason(e)
        : `internal error: ${e instanceof Error ? e.message : String(e)} — this is a git-canary bug; run with --debug and report it`;
    // The CLI prints the reason as an `error:` line; the log keeps the detail (a stack for a bug).
    opts.log.info({ service: name, code: e instanceof CanaryError ? e.code : 'INTERNAL', err: e instanceof CanaryError ? undefined : e }, reason);
    return { ...empty(), service: name, decision: 'error', reason, checks: [] };
  }
}

/** What the pull-request gate needs, for a service with `gate: pull-request` when GitHub is known; otherwise undefined. */
function gateDeps(opts: TickServiceOptions): GateDeps | undefined {
  if (!opts.github || opts.config.services[opts.name]?.gate !== 'pull-request') return undefined;
  const { branches } = opts.config;
  return { api: opts.github.api, repo: opts.repo, author: opts.author, branches, dryRun: opts.dryRun, log: opts.log, commitUrl: opts.github.commitUrl };
}

/**
 * Once a tick's commits are published: GitHub hears of each (its status and
 * deployment, a gated rollout's pull request), then `notify:` of each
 * decision. Never in a dry run; never throws for GitHub or a receiver.
 */
export async function announce(opts: TickServiceOptions, r: ServiceTickResult): Promise<void> {
  if (opts.dryRun) return;
  if (r.commit) await afterCommit(opts, r, gateDeps(opts));
  if (opts.notifier) await opts.notifier.notifyDecision(r, { at: opts.now() });
}

/** GitHub after a published commit: its status and deployment, and a gated rollout's pull request. Never throws for GitHub. */
async function afterCommit(opts: TickServiceOptions, r: ServiceTickResult, deps: GateDeps | undefined): Promise<void> {
  const { github } = opts;
  if (!github || !r.commit || !r.rollout || !r.phase || r.phase === 'idle') return;
  const history = await rolloutHistory(opts.repo, r.commit, r.service, r.rollout);
  const status = history[history.length - 1]?.title.replace(/^[^:]*:\s*/, '') ?? r.decision;
  await signalCommit(
    github.api,
    opts.log,
    { service: r.service, rollout: r.rollout, phase: r.phase, commit: r.commit, description: `${status} — ${r.reason}`, started: r.decision === 'start' },
    { production: opts.config.branches.production, ...(github.commitUrl ? { targetUrl: github.commitUrl(r.commit) } : {}) },
  );
  const pullRequest = history.find((h) => h.pullRequest !== undefined)?.pullRequest;
  if (deps && pullRequest !== undefined) {
    await gateAfterCommit(deps, r.service, pullRequest, { phase: r.phase, status, reason: r.reason, checks: r.checks, history });
  }
}

/** `what (branch:file:line, detail) — hint`: one line a person can act on. */
export function errorReason(e: CanaryError): string {
  const w = e.where ?? {};
  const file = w.file ? `${w.branch ? `${w.branch}:` : ''}${w.file}${w.line ? `:${w.line}` : ''}` : w.branch ? `branch ${w.branch}` : '';
  const where = [file, w.detail].filter(Boolean).join(', ');
  return `${e.message}${where ? ` (${where})` : ''}${e.hint ? ` — ${e.hint}` : ''}`;
}

function empty() {
  return { commit: null, files: [], unexercised: [], weight: null, step: null, rollout: null, phase: null };
}

function result(
  service: string,
  decision: Decision,
  applied: {
    commit: string | null;
    files: string[];
    weight: number | null;
    step: string | null;
    unexercised: string[];
    rollout: string | null;
    phase: Phase | 'idle' | null;
  },
): ServiceTickResult {
  const judgment = 'judgment' in decision ? decision.judgment : undefined;
  const unexercised = applied.unexercised.length > 0 ? ` — not exercised by the canary: ${applied.unexercised.join(', ')}` : '';
  return {
    service,
    decision: decision.kind === 'analyze' || decision.kind === 'resume' ? 'none' : decision.kind,
    weight: applied.weight,
    step: applied.step,
    commit: applied.commit,
    reason: `${judgment ? `${decision.reason} — ${judgment.summary}` : decision.reason}${unexercised}`,
    checks: (judgment?.checks ?? []).map(recordedCheck),
    files: applied.files,
    unexercised: applied.unexercised,
    rollout: applied.rollout,
    phase: applied.phase,
  };
}
