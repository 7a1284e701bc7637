/**
 * What every GitOps tool git-canary waits for (Argo CD, Flux) provides: which
 * object to read, and a pure reading of that object for one commit.
 */
import type { AppliedObservation } from '../engine/types.ts';
import type { KubeObjectRef } from './kube-client.ts';

export type { AppliedObservation };

export interface ObserveContext {
  /** How reasons name the object, e.g. `Argo CD Application argocd/shop`. */
  what: string;
  /** The commit whose content must be applied. */
  commit: string;
  /** Production's first-parent history, newest first, reaching back to `commit`. */
  production: readonly string[];
}

export interface AppliedSource<Config> {
  ref(config: Config): KubeObjectRef;
  /** Pure: the object as the API served it, read for `ctx.commit`. Never throws. */
  observe(object: Record<string, unknown>, ctx: ObserveContext): AppliedObservation;
}
