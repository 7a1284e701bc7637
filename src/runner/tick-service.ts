/**
 * One service's tick: snapshot → decide (→ run checks → decide again) → apply.
 * A lost compare-and-swap race refetches and decides again from scratch, so the
 * loser of a race never repeats what the winner did.
 */
import { judge } from '../analysis/evaluate.ts';
import type { GitCanaryConfig, ServiceConfig } from '../config/index.ts';
import { decide } from '../engine/decide.ts';
import type { PlanService } from '../engine/plan.ts';
import type { Decision, DecisionKind } from '../engine/types.ts';
import { GitConflictError } from '../errors.ts';
import type { GitRepo, Identity } from '../git/types.ts';
import type { Logger } from '../log.ts';
import { runAnalysisChecks } from '../metrics/run-checks.ts';
import { applyDecision } from './apply.ts';
import { resolveTips, takeSnapshot } from './snapshot.ts';

export const MAX_ATTEMPTS = 6;

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
  return { files: service.files, canary: service.canary, route: service.route };
}

export async function tickService(opts: TickServiceOptions): Promise<ServiceTickResult> {
  const { repo, config, name } = opts;
  const service = config.services[name]!;
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    const { production, candidate, notes } = await resolveTips(repo, config.branches);
    if (!production) throw new GitConflictError(`branch ${config.branches.production} disappeared`);
    if (!candidate) {
      return result(name, { kind: 'none', reason: `no ${config.branches.candidate} branch yet` });
    }
    const now = opts.now();
    const snapshot = await takeSnapshot(repo, name, planService(service), { production, candidate, notes });
    const input = {
      service: name,
      steps: service.steps,
      intervalMs: service.interval,
      threshold: service.analysis?.threshold ?? 1,
      hasAnalysis: Boolean(service.analysis && service.analysis.checks.length > 0),
      state: snapshot.state,
      observed: snapshot.observed,
      now,
    };
    let decision = decide(input);
    if (decision.kind === 'analyze') {
      const judgment = judge(await runAnalysisChecks(config.metrics, service.analysis!, now));
      decision = decide({ ...input, judgment });
    }
    try {
      const applied = await applyDecision(decision, {
        repo,
        serviceName: name,
        service: planService(service),
        snapshot,
        productionBranch: config.branches.production,
        author: opts.author,
        now,
        dryRun: opts.dryRun,
      });
      opts.log.info({ service: name, decision: decision.kind, commit: applied.commit }, decision.reason);
      // Nothing committed (hold, none): report where the rollout stands, not null.
      const state = snapshot.state;
      const current =
        applied.commit || applied.files.length > 0 || state.phase === 'idle'
          ? applied
          : { ...applied, weight: state.weight, step: `${state.step}/${state.total}` };
      return result(name, decision, current);
    } catch (e) {
      if (!(e instanceof GitConflictError) || attempt >= MAX_ATTEMPTS) throw e;
      const wait = Math.round(2 ** attempt * 50 * (0.5 + random()));
      opts.log.info({ service: name, attempt, wait }, 'lost a race to another writer; refetching and deciding again');
      await sleep(wait);
      await repo.refresh();
    }
  }
}

function result(
  service: string,
  decision: Decision,
  applied?: { commit?: string; files: string[]; weight?: number; step?: string },
): ServiceTickResult {
  const judgment = 'judgment' in decision ? decision.judgment : undefined;
  return {
    service,
    decision: decision.kind === 'analyze' || decision.kind === 'resume' ? 'none' : decision.kind,
    weight: applied?.weight ?? null,
    step: applied?.step ?? null,
    commit: applied?.commit ?? null,
    reason: judgment ? `${decision.reason} — ${judgment.summary}` : decision.reason,
    checks: (judgment?.checks ?? []).map((c) => ({ name: c.name, value: c.value, outcome: c.outcome })),
    files: applied?.files ?? [],
  };
}
