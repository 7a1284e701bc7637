/**
 * A person's decision (`promote`, `rollback`, `pause`, `resume`), recorded as
 * a commit with trailers like the engine's own, so `git log` shows who decided
 * what. Each checks that the service is in a phase where it makes sense.
 */
import { UsageError } from '../errors.ts';
import type { Decision } from '../engine/types.ts';
import type { Session } from './session.ts';
import { applyDecision } from './apply.ts';
import { resolveTips, takeSnapshot } from './snapshot.ts';
import { planService } from './tick-service.ts';
import { GitConflictError } from '../errors.ts';

export type ManualAction = 'promote' | 'rollback' | 'pause' | 'resume';

export interface ManualResult {
  service: string;
  action: ManualAction;
  commit: string | null;
  weight: number | null;
  reason: string;
}

const ALLOWED: Record<ManualAction, readonly string[]> = {
  promote: ['progressing', 'paused'],
  rollback: ['progressing', 'paused'],
  pause: ['progressing'],
  resume: ['paused'],
};

function decisionFor(action: ManualAction, who: string): Decision {
  const reason = `${action} requested by ${who}`;
  switch (action) {
    case 'promote':
      return { kind: 'promote', reason };
    case 'rollback':
      return { kind: 'rollback', reason, failedChecks: 0 };
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
  options: { now: () => Date; who: string; dryRun?: boolean },
): Promise<ManualResult> {
  const service = session.config.services[serviceName];
  if (!service) {
    throw new UsageError(`no service named ${serviceName} in git-canary.yaml`, {
      hint: `services: ${Object.keys(session.config.services).join(', ') || '(none)'}`,
    });
  }
  for (let attempt = 1; ; attempt++) {
    const { production, candidate, notes } = await resolveTips(session.repo, session);
    if (!production || !candidate) {
      throw new UsageError(`${serviceName} has no rollout: branch ${production ? session.candidate : session.production} is missing`);
    }
    const snapshot = await takeSnapshot(session.repo, serviceName, planService(service), { production, candidate, notes });
    const state = snapshot.state;
    const phase = state.phase;
    if (!ALLOWED[action].includes(phase)) {
      // Say it the way `status` does: promoted / rolled-back rather than idle.
      const shown = state.phase === 'idle' ? (state.last?.outcome ?? 'idle') : phase;
      throw new UsageError(`cannot ${action} ${serviceName}: it is ${shown}`, {
        hint: `${action} works when the service is ${ALLOWED[action].join(' or ')}; see \`git-canary status\``,
      });
    }
    try {
      const applied = await applyDecision(decisionFor(action, options.who), {
        repo: session.repo,
        serviceName,
        service: planService(service),
        snapshot,
        productionBranch: session.production,
        author: session.author,
        now: options.now(),
        dryRun: Boolean(options.dryRun),
      });
      return {
        service: serviceName,
        action,
        commit: applied.commit ?? null,
        weight: applied.weight ?? null,
        reason: decisionFor(action, options.who).reason,
      };
    } catch (e) {
      if (!(e instanceof GitConflictError) || attempt >= 5) throw e;
      await session.repo.refresh();
    }
  }
}
