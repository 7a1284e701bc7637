/**
 * `git-canary status`: where every service stands, read from production's
 * records exactly as a tick would observe it (runner/observe.ts), with what the
 * next tick would do (the pure decide() on the same observations) and what a
 * person can do now. Reads only; never queries metrics. The entry and its text
 * are built by audit/status.ts.
 */
import { parsedCommit } from '../audit/trailers.ts';
import { releaseImages } from '../audit/images.ts';
import { commitTime } from '../audit/state.ts';
import {
  buildStatus,
  errorStatus,
  formatStatusLine,
  judgmentOf,
  type ServiceStatus,
  type StatusSettings,
  unknownServiceError,
} from '../audit/status.ts';
import type { ServiceConfig } from '../config/index.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { decide } from '../engine/decide.ts';
import { deriveStart, type PlanService, unexercisedFor, withCanary } from '../engine/plan.ts';
import { fromBase, revisionsOf, startRevision } from '../engine/revision-rollout.ts';
import type { Decision, RolloutCommit, ServiceObservations } from '../engine/types.ts';
import { CanaryError } from '../errors.ts';
import { observeService, readFiles, resolveTips } from '../runner/observe.ts';
import { openSession, type Session } from '../runner/session.ts';
import { appliedState } from '../runner/judgment.ts';
import { decideInput, errorReason, hasAnalysis, planService } from '../runner/tick-service.ts';

export type { ServiceStatus } from '../audit/status.ts';

/** Commits looked at below the newest record for the rollout's last judgment: a rollout's own commits are recent. */
const MAX_WALK = 500;

/** Unexercised release changes of the rollout in progress, as its start saw them. */
function unexercisedNow(service: PlanService, obs: ServiceObservations): string[] {
  if (obs.state.phase === 'idle' || !obs.observed.candidateMatchesRollout || obs.pristineCanary === undefined) return [];
  try {
    const revisions = revisionsOf(service.route);
    // What the start does not run depends on the candidate only, not on the weight.
    if (revisions) return startRevision(revisions, service, fromBase(service, obs), 1).unexercised;
    const workload = withCanary(service);
    return unexercisedFor(workload, obs, deriveStart(workload, obs, obs.pristineCanary));
  } catch (e) {
    if (e instanceof CanaryError) return [];
    throw e;
  }
}

function settingsOf(config: ServiceConfig): StatusSettings {
  const a = hasAnalysis(config) ? config.analysis : undefined;
  return {
    intervalMs: config.interval,
    threshold: a?.threshold ?? null,
    gate: config.gate,
    inconclusiveLimit: a?.inconclusiveLimit ?? null,
    errorLimit: a?.errorLimit ?? null,
    ...(a?.progressDeadline !== undefined ? { progressDeadlineMs: a.progressDeadline } : {}),
    ...(config.applied ? { initialDelayMs: config.applied.initialDelay } : {}),
  };
}

/** Images of the release at the rollout's (or the last rollout's) candidate commit. */
async function candidateImages(session: Session, service: PlanService, obs: ServiceObservations): Promise<string[]> {
  const s = obs.state;
  const sha = s.phase === 'idle' ? s.last?.candidate : s.candidate;
  if (!sha) return [];
  if (obs.observed.candidateMatchesRollout) return releaseImages(service, obs.candidate);
  if (obs.tested) return releaseImages(service, obs.tested);
  if (!(await session.repo.ensureCommit(sha, session.candidate))) return [];
  return releaseImages(service, await readFiles(session.repo, sha, service.files));
}

/**
 * The newest commit of the record's rollout that records a judgment: the
 * record itself, or (after a pause, a resume, a person's promotion or
 * rollback) the newest git-canary commit of that rollout below it.
 */
async function lastJudged(session: Session, name: string, record: RolloutCommit | undefined): Promise<RolloutCommit | undefined> {
  if (!record) return undefined;
  if (judgmentOf(record)) return record;
  let seen = 0;
  for await (const c of session.repo.walk(record.sha, { firstParent: true })) {
    if (c.sha === record.sha) continue;
    if (++seen > MAX_WALK) break;
    const { title, body, trailers } = parsedCommit(c);
    if (!trailers || trailers.service !== name) continue;
    if (c.author.name !== session.author.name || c.author.email !== session.author.email) continue;
    if (trailers.rollout !== record.trailers.rollout || trailers.phase === 'promoted' || trailers.phase === 'rolled-back') break;
    const commit: RolloutCommit = { sha: c.sha, at: commitTime(c), trailers, body, title };
    if (judgmentOf(commit)) return commit;
    if (trailers.phase === 'progressing' && trailers.step?.index === 1 && trailers.failedChecks === 0 && !trailers.judgment) break;
  }
  return undefined;
}

export async function status(ctx: CommandContext, opts: { service?: string } = {}): Promise<CommandResult> {
  const session = await openSession(ctx, { write: false, metrics: false });
  const names = Object.keys(session.config.services);
  if (opts.service !== undefined && !names.includes(opts.service)) throw unknownServiceError(opts.service, names, session.production);
  const now = ctx.now();
  const { production, candidate, notes } = await resolveTips(session.repo, session);
  const services: ServiceStatus[] = [];
  for (const [name, config] of Object.entries(session.config.services)) {
    if (opts.service !== undefined && name !== opts.service) continue;
    const service = planService(config);
    const settings = settingsOf(config);
    try {
      const observed = await observeService({
        repo: session.repo,
        name,
        service,
        tips: { production: production!, candidate, notes },
        author: session.author,
        production: session.production,
        candidate: session.candidate,
        tested: true,
      });
      // What Argo CD or Flux report, as the next tick would ask (a read of the Kubernetes API).
      const applied = await appliedState(session.config, config, observed);
      const obs = applied ? { ...observed, observed: { ...observed.observed, applied } } : observed;
      const next: Decision = decide(decideInput(name, config, obs, now));
      services.push(
        buildStatus({
          service: name,
          settings,
          obs,
          next,
          now,
          images: await candidateImages(session, service, obs),
          nextImages: next.kind === 'start' ? releaseImages(service, obs.candidate) : [],
          judged: await lastJudged(session, name, obs.record),
          unexercised: unexercisedNow(service, obs),
        }),
      );
    } catch (e) {
      if (!(e instanceof CanaryError)) throw e;
      services.push(errorStatus(name, settings, errorReason(e)));
    }
  }
  const errors = services.filter((s) => s.phase === 'error').map((s) => `${s.service}: ${s.reason}`);
  const text = services.length === 0 ? 'no services in git-canary.yaml\n' : `${services.map(formatStatusLine).join('\n')}\n`;
  return { exitCode: errors.length > 0 ? 1 : 0, text, json: { services }, errors };
}
