/**
 * A person's decision (`promote`, `rollback`, `pause`, `resume`), recorded as
 * a commit with trailers like the engine's own (plus `Canary-Actor` and
 * `Canary-Reason`), so `git log` shows who decided what and why. Each checks
 * that the service is in a phase where it makes sense. Promotion ships the
 * release the canary ran, even when candidate has moved on since.
 */
import { type PersonDecision, refusal, unknownServiceError } from '../audit/status.ts';
import { decide } from '../engine/decide.ts';
import type { Decision } from '../engine/types.ts';
import { CanaryError, type CanaryErrorOptions } from '../errors.ts';
import { mergeHeadFor } from './gate.ts';
import { observeService, resolveTips } from './observe.ts';
import { withCompareAndSwap } from './retry.ts';
import type { Session } from './session.ts';
import { commitDecision, decideInput, planService } from './tick-service.ts';

/**
 * A person's decision that makes no sense in the service's phase (resume when
 * not paused, pause when idle…): a problem for a person (exit 1), not a usage
 * error; the message says the phase, the hint what would make sense.
 */
export class PhaseError extends CanaryError {
  constructor(message: string, options: CanaryErrorOptions = {}) {
    super('PHASE', message, options);
  }
}

export type ManualAction = PersonDecision;

export interface ManualResult {
  service: string;
  action: ManualAction;
  commit: string | null;
  weight: number | null;
  reason: string;
  actor: string;
}

const ALLOWED: Record<ManualAction, readonly string[]> = {
  promote: ['progressing', 'paused'],
  rollback: ['progressing', 'paused'],
  pause: ['progressing'],
  resume: ['paused'],
};

function decisionFor(action: ManualAction, reason: string, failedChecks: number): Decision {
  switch (action) {
    case 'promote':
      return { kind: 'promote', reason };
    case 'rollback':
      return { kind: 'rollback', reason, failedChecks };
    case 'pause':
      return { kind: 'pause', reason, files: [] };
    case 'resume':
      return { kind: 'resume', reason };
  }
}

export async function runManual(
  session: Session,
  serviceName: string,
  action: ManualAction,
  options: { now: () => Date; actor: string; reason?: string; dryRun?: boolean },
): Promise<ManualResult> {
  const service = session.config.services[serviceName];
  if (!service) throw unknownServiceError(serviceName, Object.keys(session.config.services), session.production);
  const reason = `${action} requested by ${options.actor}${options.reason ? `: ${options.reason}` : ''}`;
  const { manual, published } = await withCompareAndSwap(
    async () => {
      const { production, candidate, notes } = await resolveTips(session.repo, session);
      if (!production) {
        const { message, hint } = refusal(action, serviceName, { phase: 'idle' }, { kind: 'none', reason: `no ${session.production} branch yet` });
        throw new PhaseError(message, { hint, data: { service: serviceName, action, phase: 'idle' } });
      }
      const obs = await observeService({
        repo: session.repo,
        name: serviceName,
        service: planService(service),
        tips: { production, candidate, notes },
        author: session.author,
        production: session.production,
        candidate: session.candidate,
        tested: action === 'promote',
      });
      let state = obs.state;
      if (!ALLOWED[action].includes(state.phase)) {
        const { message, hint } = refusal(action, serviceName, state, decide(decideInput(serviceName, service, obs, options.now())));
        throw new PhaseError(message, { hint, data: { service: serviceName, action, phase: state.phase } });
      }
      if (action === 'promote' && !candidate) {
        // The release the canary ran is read from its candidate commit, through the branch.
        throw new PhaseError(`cannot promote ${serviceName}: the ${session.candidate} branch is gone, so the release the canary ran cannot be read`, {
          hint: `restore the ${session.candidate} branch, or end the rollout: git-canary rollback --service ${serviceName}`,
          data: { service: serviceName, action, phase: state.phase },
        });
      }
      let why = reason;
      if (action === 'resume' && state.phase === 'paused' && obs.routeWeight !== undefined) {
        // The rollout goes on from the weight the route really holds (a person's revert or
        // edit of a step): the step nearest to it, so the next step is the one after that.
        const step = nearestStep(service.steps, obs.routeWeight, state.step);
        if (step !== state.step) {
          state = { ...state, step };
          why = `${reason}; the route holds ${obs.routeWeight}%, so the rollout continues from step ${step}/${state.total}`;
        }
      }
      const failed = state.phase === 'idle' ? 0 : state.failedChecks;
      // A person's promotion of a gated rollout merges its pull request too, as the engine's would.
      const mergeHead =
        action === 'promote' && state.phase !== 'idle' && state.pullRequest !== undefined
          ? await mergeHeadFor(session.repo, serviceName, state.candidate)
          : undefined;
      const r = await commitDecision(decisionFor(action, why, failed), { ...obs, state }, {
        service: planService(service),
        production: session.production,
        repo: session.repo,
        author: session.author,
        now: options.now(),
        dryRun: Boolean(options.dryRun),
        actor: { actor: options.actor, ...(options.reason ? { reason: options.reason } : {}) },
        ...(mergeHead ? { gate: { mergeHead } } : {}),
      });
      const manual: ManualResult = { service: serviceName, action, commit: r.commit, weight: r.weight, reason: why, actor: options.actor };
      return { manual, published: r };
    },
    { refresh: () => session.repo.refresh() },
  );
  // A person's decision is said like the engine's, once it is on production (the event is the action: resume included).
  if (!options.dryRun && session.notifier) {
    await session.notifier.notifyDecision(published, { at: options.now(), event: action, actor: options.actor });
  }
  return manual;
}

/**
 * The step whose weight is nearest to `weight` (ties: the lower step, less
 * traffic). A canary without traffic (0%) keeps its step: the next tick gives
 * that step its weight back.
 */
export function nearestStep(steps: readonly number[], weight: number, current: number): number {
  if (weight === 0 || steps[current - 1] === weight) return current;
  let best = current;
  let distance = Number.POSITIVE_INFINITY;
  steps.forEach((w, i) => {
    const d = Math.abs(w - weight);
    if (d < distance) {
      distance = d;
      best = i + 1;
    }
  });
  return best;
}
