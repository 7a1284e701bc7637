/** `git-canary status`: every service's phase, weight, step, time at step and last analysis. */
import { checksFromBody } from '../audit/checks.ts';
import { serviceCommits } from '../audit/state.ts';
import { formatDuration } from '../config/index.ts';
import { openSession } from '../runner/session.ts';
import { resolveTips, takeSnapshot } from '../runner/snapshot.ts';
import { planService } from '../runner/tick-service.ts';
import type { CommandContext, CommandResult } from './context.ts';

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
}

export async function status(ctx: CommandContext): Promise<CommandResult> {
  const session = await openSession(ctx, { write: false, metrics: false });
  const now = ctx.now();
  const { production, candidate, notes } = await resolveTips(session.repo, session);
  const services: ServiceStatus[] = [];
  for (const [name, service] of Object.entries(session.config.services)) {
    const snap = await takeSnapshot(session.repo, name, planService(service), {
      production: production!,
      candidate: candidate ?? production!,
      notes,
    });
    const s = snap.state;
    const ours = serviceCommits(name, snap.commits);
    const judged = ours.flatMap((c) => snap.notes.get(c.sha) ?? []).sort((a, b) => b.at.localeCompare(a.at))[0];
    const fromBody = ours.find((c) => checksFromBody(c.body).length > 0);
    const lastAnalysis =
      judged && (!fromBody || judged.at > fromBody.at.toISOString())
        ? { at: judged.at, outcome: judged.outcome, checks: judged.checks }
        : fromBody
          ? { at: fromBody.at.toISOString(), outcome: 'pass', checks: checksFromBody(fromBody.body) }
          : null;
    const since = s.phase === 'progressing' ? s.stepStartedAt : s.phase === 'paused' ? s.pausedAt : s.last?.at;
    services.push({
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
      reason: s.phase === 'paused' ? s.reason : null,
    });
  }
  return { exitCode: 0, text: formatStatus(services), json: { services } };
}

function formatStatus(services: ServiceStatus[]): string {
  if (services.length === 0) return 'no services in git-canary.yaml\n';
  return `${services
    .map((s) => {
      const head = `${s.service}: ${s.phase}${s.step ? ` at step ${s.step}, canary ${s.weight}%` : ''}`;
      const detail = [
        s.timeAtStep ? `for ${s.timeAtStep}` : undefined,
        s.failedChecks ? `${s.failedChecks} failed check(s)` : undefined,
        s.reason ? `paused: ${s.reason}` : undefined,
        s.lastAnalysis ? `last analysis ${s.lastAnalysis.outcome} at ${s.lastAnalysis.at}` : undefined,
        s.rollout ? `rollout ${s.rollout}` : undefined,
      ].filter(Boolean);
      return detail.length ? `${head} (${detail.join('; ')})` : head;
    })
    .join('\n')}\n`;
}
