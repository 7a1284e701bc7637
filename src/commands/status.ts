/** `git-canary status`: every service's phase, weight, step, time at step, last analysis and why it holds. */
import { checksFromBody } from '../audit/checks.ts';
import { formatDuration } from '../config/index.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { deriveStart, unexercisedFor } from '../engine/plan.ts';
import { CanaryError, UsageError } from '../errors.ts';
import { observeService, resolveTips } from '../runner/observe.ts';
import { openSession } from '../runner/session.ts';
import { errorReason, planService } from '../runner/tick-service.ts';
import type { ServiceObservations } from '../engine/types.ts';
import type { PlanService } from '../engine/plan.ts';

export interface ServiceStatus {
  service: string;
  phase: string;
  weight: number;
  step: string | null;
  rollout: string | null;
  candidate: string | null;
  /** ISO time the current step began (or the rollout paused / ended). */
  since: string | null;
  timeAtStep: string | null;
  failedChecks: number;
  lastAnalysis: { at: string; outcome: string; checks: { name: string; value: number | null; outcome: string }[] } | null;
  reason: string | null;
  /** Release changes the canary of the rollout in progress does not run. */
  unexercised: string[];
}

/** Unexercised release changes of the rollout in progress, as its start saw them. */
function unexercisedNow(service: PlanService, obs: ServiceObservations): string[] {
  if (obs.state.phase === 'idle' || !obs.observed.candidateMatchesRollout || obs.pristineCanary === undefined) return [];
  try {
    return unexercisedFor(service, obs, deriveStart(service, obs, obs.pristineCanary));
  } catch (e) {
    if (e instanceof CanaryError) return [];
    throw e;
  }
}

function statusOf(name: string, service: PlanService, obs: ServiceObservations, now: Date): ServiceStatus {
  const s = obs.state;
  const record = obs.record;
  const checks = record ? checksFromBody(record.body) : [];
  const lastAnalysis =
    record && checks.length > 0
      ? { at: record.at.toISOString(), outcome: record.trailers.judgment === 'fail' ? 'fail' : 'pass', checks }
      : null;
  const since = s.phase === 'progressing' ? s.stepStartedAt : s.phase === 'paused' ? s.pausedAt : s.last?.at;
  return {
    service: name,
    phase: s.phase === 'idle' ? (s.last?.outcome ?? 'idle') : s.phase,
    weight: s.phase === 'idle' ? 0 : s.weight,
    step: s.phase === 'idle' ? null : `${s.step}/${s.total}`,
    rollout: s.phase === 'idle' ? (s.last?.rollout ?? null) : s.rollout,
    candidate: s.phase === 'idle' ? (s.last?.candidate ?? null) : s.candidate,
    since: since?.toISOString() ?? null,
    timeAtStep: s.phase === 'progressing' ? formatDuration(Math.max(0, now.getTime() - s.stepStartedAt.getTime())) : null,
    failedChecks: s.phase === 'idle' ? 0 : s.failedChecks,
    lastAnalysis,
    reason: s.phase === 'paused' ? s.reason : (obs.observed.notesVanished ?? null),
    unexercised: unexercisedNow(service, obs),
  };
}

export async function status(ctx: CommandContext, opts: { service?: string } = {}): Promise<CommandResult> {
  const session = await openSession(ctx, { write: false, metrics: false });
  const names = Object.keys(session.config.services);
  if (opts.service !== undefined && !names.includes(opts.service)) {
    throw new UsageError(`no service named ${opts.service} in git-canary.yaml`, { hint: `services: ${names.join(', ') || '(none)'}` });
  }
  const now = ctx.now();
  const { production, candidate, notes } = await resolveTips(session.repo, session);
  const services: ServiceStatus[] = [];
  for (const [name, config] of Object.entries(session.config.services)) {
    if (opts.service !== undefined && name !== opts.service) continue;
    const service = planService(config);
    try {
      const obs = await observeService({
        repo: session.repo,
        name,
        service,
        tips: { production: production!, candidate: candidate ?? production!, notes },
        author: session.author,
        production: session.production,
        candidate: candidate ? session.candidate : session.production,
      });
      services.push(statusOf(name, service, obs, now));
    } catch (e) {
      if (!(e instanceof CanaryError)) throw e;
      services.push({
        service: name, phase: 'error', weight: 0, step: null, rollout: null, candidate: null, since: null, timeAtStep: null,
        failedChecks: 0, lastAnalysis: null, reason: errorReason(e), unexercised: [],
      });
    }
  }
  const errors = services.filter((s) => s.phase === 'error').map((s) => `${s.service}: ${s.reason}`);
  return { exitCode: errors.length > 0 ? 1 : 0, text: formatStatus(services), json: { services }, errors };
}

function formatStatus(services: ServiceStatus[]): string {
  if (services.length === 0) return 'no services in git-canary.yaml\n';
  return `${services
    .map((s) => {
      const head = `${s.service}: ${s.phase}${s.step ? ` at step ${s.step}, canary ${s.weight}%` : ''}`;
      const detail = [
        s.timeAtStep ? `for ${s.timeAtStep}` : undefined,
        s.failedChecks ? `${s.failedChecks} failed check(s)` : undefined,
        s.reason ? (s.phase === 'paused' ? `paused: ${s.reason}` : s.reason) : undefined,
        s.lastAnalysis ? `last analysis ${s.lastAnalysis.outcome} at ${s.lastAnalysis.at}` : undefined,
        s.unexercised.length ? `not exercised by the canary: ${s.unexercised.join(', ')}` : undefined,
        s.rollout ? `rollout ${s.rollout}` : undefined,
      ].filter(Boolean);
      return detail.length ? `${head} (${detail.join('; ')})` : head;
    })
    .join('\n')}\n`;
}
