/**
 * GitHub signals of a rollout (PRODUCT.md "GitHub Action"): a commit status
 * `git-canary/<service>` on each production commit git-canary makes (pending
 * while progressing, success on promotion, failure on rollback) and one GitHub
 * Deployment per rollout whose statuses follow it. Best effort: a failure is
 * logged and never fails, delays or changes a tick.
 */
import type { Phase } from '../engine/types.ts';
import { CanaryError } from '../errors.ts';
import type { CommitState, DeploymentState, GitHubApi } from '../github/types.ts';
import type { Logger } from '../log.ts';

export interface CommittedRecord {
  service: string;
  rollout: string;
  phase: Phase;
  commit: string;
  /** What the commit did, e.g. "canary 25% (step 2/3)" (≤ 140 characters are kept, GitHub's limit). */
  description: string;
  /** This commit started the rollout. */
  started: boolean;
}

/** The status and deployment state a record's phase maps to (pure). */
export function signalStates(phase: Phase): { status: CommitState; deployment: DeploymentState } {
  switch (phase) {
    case 'promoted':
      return { status: 'success', deployment: 'success' };
    case 'rolled-back':
      return { status: 'failure', deployment: 'failure' };
    default:
      return { status: 'pending', deployment: 'in_progress' };
  }
}

/** The deployment environment of a service's rollouts: `<production branch>/<service>`. */
export const deploymentEnvironment = (production: string, service: string): string => `${production}/${service}`;

export async function signalCommit(
  api: GitHubApi,
  log: Logger,
  r: CommittedRecord,
  o: { production: string; targetUrl?: string },
): Promise<void> {
  const { status, deployment } = signalStates(r.phase);
  const description = r.description.length > 140 ? `${r.description.slice(0, 139)}…` : r.description;
  const environment = deploymentEnvironment(o.production, r.service);
  try {
    await api.createCommitStatus(r.commit, {
      context: `git-canary/${r.service}`,
      state: status,
      description,
      ...(o.targetUrl ? { targetUrl: o.targetUrl } : {}),
    });
    let id: number | undefined;
    if (!r.started) id = (await api.listDeployments({ environment })).find((d) => d.rollout === r.rollout)?.id;
    // A rollout whose start GitHub missed (it was down) gets its deployment now.
    if (id === undefined) id = (await api.createDeployment({ sha: r.commit, environment, description, rollout: r.rollout })).id;
    await api.createDeploymentStatus(id, { state: deployment, description, ...(o.targetUrl ? { logUrl: o.targetUrl } : {}) });
  } catch (e) {
    if (!(e instanceof CanaryError)) throw e;
    log.warn({ service: r.service, commit: r.commit, err: e.message }, 'could not report the commit to GitHub; the rollout goes on');
  }
}
