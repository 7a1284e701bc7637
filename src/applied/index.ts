/**
 * Judge only what is applied (PRODUCT.md "Analysis", issue 11): whether Argo CD
 * or Flux has applied production's newest git-canary commit and reports it
 * healthy, read through the Kubernetes API. The engine starts a step's clock
 * at `since` (plus `applied.initialDelay`) and holds on anything else.
 */
import type { AppliedConfig, KubernetesConfig } from '../config/analysis-schema.ts';
import type { AppliedObservation } from '../engine/types.ts';
import { argocd } from './argocd.ts';
import { flux } from './flux.ts';
import { describeRef, getKubeObject, type KubeObjectRef } from './kube-client.ts';
import { onProduction, short } from './revisions.ts';
import type { ObserveContext } from './types.ts';

export type { AppliedObservation } from '../engine/types.ts';
export { commitOfRevision } from './flux.ts';

export interface ObserveAppliedOptions {
  applied: AppliedConfig;
  kubernetes: KubernetesConfig | undefined;
  /** The newest git-canary record of the service: the commit whose content must be applied. */
  commit: string;
  /** Production's first-parent history, newest first, reaching at least back to `commit`. */
  production: readonly string[];
  signal?: AbortSignal;
  /** For tests: files are read through this (token, CA). Default node:fs. */
  readFile?: (path: string) => Promise<string>;
}

/**
 * What Argo CD or Flux report about `commit`. Never throws for API problems:
 * an unreadable status is `error` with a reason (what, which object, hint).
 */
export async function observeApplied(o: ObserveAppliedOptions): Promise<AppliedObservation> {
  let ref: KubeObjectRef;
  let read: (object: Record<string, unknown>, ctx: ObserveContext) => AppliedObservation;
  let tool: string;
  if (o.applied.argocd) {
    ref = argocd.ref(o.applied.argocd);
    read = argocd.observe;
    tool = 'Argo CD';
  } else if (o.applied.flux) {
    ref = flux.ref(o.applied.flux);
    read = flux.observe;
    tool = 'Flux';
  } else {
    return { state: 'error', reason: 'applied names neither argocd nor flux — name exactly one' };
  }
  const what = `${tool} ${describeRef(ref)}`;
  if (!onProduction(o.commit, o.production)) {
    // The engine's inputs disagree; judging against a partial history could call an older revision newer.
    return {
      state: 'error',
      reason: `commit ${short(o.commit)} is not in the ${o.production.length} production commits given to compare ${what} with — this is a git-canary bug; please report it`,
    };
  }
  const answer = await getKubeObject(ref, {
    kubernetes: o.kubernetes,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.readFile ? { readFile: o.readFile } : {}),
  });
  if (!answer.ok) return { state: 'error', reason: answer.reason };
  return read(answer.object, { what, commit: o.commit, production: o.production });
}
