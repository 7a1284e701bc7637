/**
 * One service's tick: observe → decide (→ run checks → decide again) → plan →
 * publish. A lost compare-and-swap race observes and decides again from
 * scratch. Any other failure is this service's alone: it becomes
 * `decision: error` naming branch, file and line, and the other services tick on.
 */
import { judge } from '../analysis/evaluate.ts';
import type { GitCanaryConfig, ServiceConfig } from '../config/index.ts';
import { decide } from '../engine/decide.ts';
import { type Actor, type PlanService, planCommit } from '../engine/plan.ts';
import type { Decision, DecisionKind, DecideInput, ServiceObservations } from '../engine/types.ts';
import { CanaryError, GitConflictError } from '../errors.ts';
import type { GitRepo, Identity } from '../git/types.ts';
import type { Logger } from '../log.ts';
import { runAnalysisChecks } from '../metrics/run-checks.ts';
import { publish } from './apply.ts';
import { observeService, resolveTips } from './observe.ts';
import { withCompareAndSwap } from './retry.ts';

/** One entry of `tick --json`'s `services` (PRODUCT.md; fields may be added, never removed). */
export interface ServiceTickResult {
  service: string;
  decision: DecisionKind;
  weight: number | null;
  step: string | null;
  commit: string | null;
  reason: string;
  checks: { name: string; value: number | null; outcome: string }[];
  files: string[];
  /** Release changes the canary does not run (on a start). */
  unexercised: string[];
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
}

export function planService(service: ServiceConfig): PlanService {
  return { files: service.files, documents: service.documents, canary: service.canary, route: service.route };
}

/** decide()'s input for a service and its observations. */
export function decideInput(name: string, service: ServiceConfig, obs: ServiceObservations, now: Date): DecideInput {
  return {
    service: name,
    steps: service.steps,
    intervalMs: service.interval,
    threshold: service.analysis?.threshold ?? 1,
    hasAnalysis: Boolean(service.analysis && service.analysis.checks.length > 0),
    state: obs.state,
    observed: obs.observed,
    now,
  };
}

/** Where the rollout stands when nothing was committed (hold, none): its real weight and step, not null. */
function standing(obs: ServiceObservations): { weight: number | null; step: string | null } {
  const s = obs.state;
  return s.phase === 'idle' ? { weight: null, step: null } : { weight: s.weight, step: `${s.step}/${s.total}` };
}

/**
 * Plan and publish a decision for observations `obs`: shared by tick and the
 * manual commands, so a person's decision is recorded exactly like the engine's.
 */
export async function commitDecision(
  decision: Decision,
  obs: ServiceObservations,
  o: { service: PlanService; production: string; repo: GitRepo; author: Identity; now: Date; dryRun: boolean; actor?: Actor },
): Promise<ServiceTickResult> {
  const planned = planCommit(decision, o.service, obs, o.now, o.actor);
  if (!planned) return result(obs.service, decision, { commit: null, files: [], unexercised: [], ...standing(obs) });
  const judgment = 'judgment' in decision ? decision.judgment : undefined;
  const note =
    planned.trailers.judgment === 'fail' && judgment
      ? { outcome: judgment.outcome, checks: judgment.checks.map((c) => ({ name: c.name, value: c.value, outcome: c.outcome })) }
      : undefined;
  const commit = await publish(planned, obs, { repo: o.repo, productionBranch: o.production, author: o.author, now: o.now, dryRun: o.dryRun }, note);
  const t = planned.trailers;
  const active = t.phase === 'progressing' || t.phase === 'paused' || t.phase === 'resumed';
  const step = t.step ?? t.rolloutStep;
  return result(obs.service, decision, {
    commit: commit ?? null,
    files: planned.changes.map((c) => c.path),
    weight: t.weight,
    step: active && step ? `${step.index}/${step.total}` : null,
    unexercised: planned.unexercised,
  });
}

export async function tickService(opts: TickServiceOptions): Promise<ServiceTickResult> {
  const { repo, config, name } = opts;
  const service = config.services[name]!;
  try {
    return await withCompareAndSwap(
      async () => {
        const { production, candidate, notes } = await resolveTips(repo, config.branches);
        if (!production) throw new GitConflictError(`branch ${config.branches.production} disappeared`);
        if (!candidate) {
          return result(name, { kind: 'none', reason: `no ${config.branches.candidate} branch yet` }, empty());
        }
        const now = opts.now();
        const obs = await observeService({
          repo,
          name,
          service: planService(service),
          tips: { production, candidate, notes },
          author: opts.author,
          production: config.branches.production,
          candidate: config.branches.candidate,
        });
        const input = decideInput(name, service, obs, now);
        let decision = decide(input);
        if (decision.kind === 'analyze') {
          const judgment = judge(await runAnalysisChecks(config.metrics, service.analysis!, now));
          decision = decide({ ...input, judgment });
        }
        const r = await commitDecision(decision, obs, {
          service: planService(service),
          production: config.branches.production,
          repo,
          author: opts.author,
          now,
          dryRun: opts.dryRun,
        });
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

/** `what (branch:file:line, detail) — hint`: one line a person can act on. */
export function errorReason(e: CanaryError): string {
  const w = e.where ?? {};
  const file = w.file ? `${w.branch ? `${w.branch}:` : ''}${w.file}${w.line ? `:${w.line}` : ''}` : w.branch ? `branch ${w.branch}` : '';
  const where = [file, w.detail].filter(Boolean).join(', ');
  return `${e.message}${where ? ` (${where})` : ''}${e.hint ? ` — ${e.hint}` : ''}`;
}

function empty() {
  return { commit: null, files: [], unexercised: [], weight: null, step: null };
}

function result(
  service: string,
  decision: Decision,
  applied: { commit: string | null; files: string[]; weight: number | null; step: string | null; unexercised: string[] },
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
    checks: (judgment?.checks ?? []).map((c) => ({ name: c.name, value: c.value, outcome: c.outcome })),
    files: applied.files,
    unexercised: applied.unexercised,
  };
}
