/**
 * Flux: a `Kustomization` (kustomize.toolkit.fluxcd.io/v1) applies the commit
 * when `status.lastAppliedRevision` is the commit or a newer production
 * commit, and is healthy when its `Ready` condition is True for the current
 * generation.
 *
 * Revisions are written `<ref>@sha1:<sha>` (Flux ≥ 2.0: `main@sha1:…`,
 * `refs/heads/main@sha1:…`, or `sha1:…` alone) or, by older controllers,
 * `<branch>/<sha>`. An OCI or Bucket digest (`sha256:` of an artifact) is not a
 * commit: the Kustomization must apply production's GitRepository.
 *
 * `since`, never earlier than the truth. kustomize-controller marks Ready
 * Unknown at the start of every reconciliation (every `spec.interval`, not only
 * on a new revision) and True again at its end, so the Ready condition's
 * `lastTransitionTime` is the end of the latest reconciliation: always after
 * the content was applied (safe), but it moves forward every interval, which
 * would restart the step clock. So, from Flux 2.7, `status.history` is read
 * first: the snapshot of the applied revision (`metadata.revision`) that
 * succeeded (`ReconciliationSucceeded`) has `firstReconciled`, the end of the
 * first reconciliation of exactly that content (snapshots are keyed by the
 * digest of the built objects), after its apply. It is `since` when no other
 * snapshot was reconciled after it (the content was never replaced, nor failed,
 * in between); otherwise, and without history (older Flux), `since` is Ready's
 * `lastTransitionTime`.
 */
import * as z from 'zod';
import type { AppliedConfig } from '../config/analysis-schema.ts';
import type { AppliedObservation } from '../engine/types.ts';
import { isRecord } from './kube-client.ts';
import { positionOf, short } from './revisions.ts';
import { badShape, brief, parseTime, unreadableTime } from './shape.ts';
import type { AppliedSource, ObserveContext } from './types.ts';

type FluxConfig = NonNullable<AppliedConfig['flux']>;

const Condition = z.object({
  type: z.string(),
  status: z.string(),
  lastTransitionTime: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  observedGeneration: z.number().optional(),
});
const Snapshot = z.object({
  firstReconciled: z.string(),
  lastReconciled: z.string(),
  lastReconciledStatus: z.string(),
  metadata: z.record(z.string(), z.string()).optional(),
});
const Kustomization = z.object({
  metadata: z.object({ generation: z.number().optional() }).optional(),
  spec: z.object({ suspend: z.boolean().optional() }).optional(),
  status: z
    .object({
      observedGeneration: z.number().optional(),
      lastAppliedRevision: z.string().optional(),
      lastAttemptedRevision: z.string().optional(),
      conditions: z.array(Condition).optional(),
      history: z.array(Snapshot).optional(),
    })
    .optional(),
});
type Condition = z.output<typeof Condition>;

/**
 * The commit sha of a Flux revision, or undefined when it names none:
 * `main@sha1:<sha>`, `sha1:<sha>`, `main/<sha>`, `refs/heads/main/<sha>`.
 */
export function commitOfRevision(revision: string): string | undefined {
  const m = /(?:^|@)sha1:([0-9a-f]{40})$/i.exec(revision) ?? /^(?:.+\/)?([0-9a-f]{40})$/i.exec(revision);
  return m?.[1]?.toLowerCase();
}

function observe(object: Record<string, unknown>, ctx: ObserveContext): AppliedObservation {
  const parsed = Kustomization.safeParse(object);
  if (!parsed.success) return badShape(ctx, parsed.error);
  const { metadata, spec, status } = parsed.data;
  const ready = status?.conditions?.find((c) => c.type === 'Ready');
  const suspended = spec?.suspend === true ? ' (spec.suspend is true: Flux does not reconcile it)' : '';
  const attempt = lastAttempt(status?.lastAttemptedRevision, ready);

  const applied = status?.lastAppliedRevision;
  if (!applied) {
    return { state: 'pending', reason: `${ctx.what} has applied nothing yet (no status.lastAppliedRevision)${suspended}${attempt}` };
  }
  const sha = commitOfRevision(applied);
  if (!sha) {
    return {
      state: 'error',
      reason: `${ctx.what} applied revision "${brief(applied)}", which names no git commit — applied.flux must name a Kustomization whose sourceRef is the GitRepository of the production branch`,
    };
  }
  const position = positionOf(sha, ctx.commit, ctx.production);
  if (position === 'unknown') {
    return {
      state: 'pending',
      reason: `${ctx.what} last applied ${brief(applied)}, which is not on production's first-parent history back to ${short(ctx.commit)} — check that its GitRepository tracks the production branch${suspended}`,
    };
  }
  if (position === 'older') {
    return {
      state: 'pending',
      reason: `${ctx.what} last applied ${short(sha)}, older than ${short(ctx.commit)} — waiting for Flux to apply it${suspended}${attempt}`,
    };
  }

  const generation = metadata?.generation;
  if (!ready) return { state: 'degraded', reason: `${ctx.what} applied ${short(sha)} but has no Ready condition` };
  const observed = ready.observedGeneration ?? status?.observedGeneration;
  if (generation !== undefined && observed !== undefined && observed < generation) {
    return {
      state: 'degraded',
      reason: `${ctx.what} applied ${short(sha)} but its Ready condition is for generation ${observed}, not the current ${generation} — waiting for Flux to reconcile the new spec${suspended}`,
    };
  }
  if (ready.status !== 'True') {
    return {
      state: 'degraded',
      reason: `${ctx.what} applied ${short(sha)} but is not Ready (${ready.status}${ready.reason ? `, ${ready.reason}` : ''})${ready.message ? `: ${brief(ready.message)}` : ''}`,
    };
  }
  const since = appliedSince(applied, ready, status?.history ?? []);
  if (since.kind === 'invalid') return unreadableTime(ctx, since.path, since.value);
  return {
    state: 'applied',
    since: since.at,
    revision: sha,
    detail: `${ctx.what} applied ${short(sha)} and Ready, since ${since.at.toISOString()} (${since.from})`,
  };
}

type Since = { kind: 'at'; at: Date; from: string } | { kind: 'invalid'; path: string; value: string };

function appliedSince(revision: string, ready: Condition, history: readonly z.output<typeof Snapshot>[]): Since {
  const index = history.findIndex((s) => s.metadata?.revision === revision && s.lastReconciledStatus === 'ReconciliationSucceeded');
  const snapshot = history[index];
  if (snapshot) {
    const first = parseTime(snapshot.firstReconciled);
    if (!first) return { kind: 'invalid', path: `status.history[${index}].firstReconciled`, value: snapshot.firstReconciled };
    // An unreadable time of another snapshot cannot prove the content stayed: fall back to Ready.
    const replacedSince = history.some((s, i) => i !== index && (parseTime(s.lastReconciled)?.getTime() ?? Number.POSITIVE_INFINITY) > first.getTime());
    if (!replacedSince) return { kind: 'at', at: first, from: `status.history[${index}].firstReconciled` };
  }
  const at = parseTime(ready.lastTransitionTime);
  if (!at) return { kind: 'invalid', path: 'status.conditions[Ready].lastTransitionTime', value: ready.lastTransitionTime };
  return { kind: 'at', at, from: 'Ready lastTransitionTime' };
}

/** Why the newest attempt did not become the applied revision, when it failed. */
function lastAttempt(attempted: string | undefined, ready: Condition | undefined): string {
  if (!attempted || !ready || ready.status !== 'False') return '';
  return `; its last attempt, ${brief(attempted)}, failed${ready.reason ? ` (${ready.reason})` : ''}${ready.message ? `: ${brief(ready.message)}` : ''}`;
}

export const flux = {
  ref: (config: FluxConfig) => ({
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'kustomizations',
    kind: 'Kustomization',
    namespace: config.namespace,
    name: config.kustomization,
  }),
  observe: (object, ctx) => (isRecord(object) ? observe(object, ctx) : { state: 'error', reason: `${ctx.what} is not an object` }),
} satisfies AppliedSource<FluxConfig>;
