/**
 * Argo CD: an `Application` (argoproj.io/v1alpha1) applies the commit when
 * `status.sync.status` is Synced at `status.sync.revision` = the commit or a
 * newer production commit, and is healthy when `status.health.status` is Healthy.
 *
 * `since` (when that content was deployed), never earlier than the truth:
 * 1. `status.history[]`: walking back from the newest entry while each entry's
 *    revision is at or after the commit, the oldest such entry's `deployedAt`.
 *    Stopping at the first older entry matters: after a rollback to an older
 *    revision, an earlier deploy of the commit says nothing about today.
 * 2. Else `status.operationState.finishedAt`, when that operation Succeeded on
 *    a revision at or after the commit.
 * 3. Else pending: Argo CD says Synced but records no sync that brought the
 *    commit's content (the commit changes nothing this Application renders, or
 *    history is off). Guessing a time would risk judging too early.
 *
 * Multi-source Applications (`status.sync.revisions[]`) are refused with an
 * error: which of the sources is production cannot be told from the status.
 */
import * as z from 'zod';
import type { AppliedConfig } from '../config/analysis-schema.ts';
import type { AppliedObservation } from '../engine/types.ts';
import { isRecord } from './kube-client.ts';
import { type Position, positionOf, short } from './revisions.ts';
import { badShape, brief, parseTime, unreadableTime } from './shape.ts';
import type { AppliedSource, ObserveContext } from './types.ts';

type ArgoConfig = NonNullable<AppliedConfig['argocd']>;

// Permissive: the fields read here, unknown keys ignored (STYLE.md 4).
const HistoryEntry = z.object({
  id: z.number(),
  deployedAt: z.string(),
  revision: z.string().optional(),
  revisions: z.array(z.string()).optional(),
});
const Application = z.object({
  status: z
    .object({
      sync: z
        .object({
          status: z.string(),
          revision: z.string().optional(),
          revisions: z.array(z.string()).optional(),
        })
        .optional(),
      health: z.object({ status: z.string().optional(), message: z.string().optional() }).optional(),
      history: z.array(HistoryEntry).optional(),
      operationState: z
        .object({
          phase: z.string(),
          message: z.string().optional(),
          finishedAt: z.string().optional(),
          syncResult: z.object({ revision: z.string(), revisions: z.array(z.string()).optional() }).optional(),
        })
        .optional(),
      conditions: z.array(z.object({ type: z.string(), message: z.string() })).optional(),
    })
    .optional(),
});
type Status = NonNullable<z.output<typeof Application>['status']>;

const MAX_CONDITIONS_SHOWN = 2;

function observe(object: Record<string, unknown>, ctx: ObserveContext): AppliedObservation {
  const parsed = Application.safeParse(object);
  if (!parsed.success) return badShape(ctx, parsed.error);
  const status = parsed.data.status;
  const sync = status?.sync;
  if (!status || !sync) {
    return { state: 'pending', reason: `${ctx.what} has no sync status yet (Argo CD has not compared it) — waiting for Argo CD` };
  }
  if ((sync.revisions?.length ?? 0) > 0) {
    return {
      state: 'error',
      reason: `${ctx.what} has ${sync.revisions!.length} sources (status.sync.revisions); git-canary can only tell which commit a single-source Application applies — point applied.argocd.application at an Application whose one source is the production branch`,
    };
  }

  const at = sync.revision;
  const conditions = conditionsText(status);
  if (sync.status !== 'Synced') {
    return {
      state: 'pending',
      reason: `${ctx.what} is ${sync.status}${at ? ` at ${short(at)}` : ''}, waiting for Argo CD to sync ${short(ctx.commit)}${conditions}`,
    };
  }
  if (!at) return { state: 'pending', reason: `${ctx.what} is Synced but names no revision (status.sync.revision) — waiting for Argo CD` };

  const position = positionOf(at, ctx.commit, ctx.production);
  if (position === 'unknown') {
    return {
      state: 'pending',
      reason: `${ctx.what} is Synced at revision ${at}, which is not on production's first-parent history back to ${short(ctx.commit)} — check that the Application's source tracks the production branch (spec.source.targetRevision)`,
    };
  }
  if (position === 'older') {
    return { state: 'pending', reason: `${ctx.what} is Synced at ${short(at)}, older than ${short(ctx.commit)} — waiting for Argo CD to sync it` };
  }

  const operation = status.operationState;
  if (operation && (operation.phase === 'Running' || operation.phase === 'Terminating')) {
    return {
      state: 'pending',
      reason: `${ctx.what} is Synced at ${short(at)} but a sync operation is ${operation.phase.toLowerCase()}${operation.message ? `: ${brief(operation.message)}` : ''} — waiting for it to finish`,
    };
  }

  const health = status.health?.status;
  if (health !== 'Healthy') {
    const message = status.health?.message ? `: ${brief(status.health.message)}` : '';
    return {
      state: 'degraded',
      reason: `${ctx.what} is Synced at ${short(at)} but ${health ? `its health is ${health}` : 'reports no health status'}${message}${conditions}`,
    };
  }

  const deployed = deployedSince(status, ctx);
  if (deployed.kind === 'invalid') {
    return unreadableTime(ctx, deployed.path, deployed.value);
  }
  if (deployed.kind === 'none') {
    return {
      state: 'pending',
      reason: `${ctx.what} is Synced and Healthy at ${short(at)} but records no sync of ${short(ctx.commit)} or a newer commit (status.history, status.operationState), so when it was applied is unknown — waiting for a sync; if the commit changes nothing this Application renders, applied.argocd names the wrong Application`,
    };
  }
  return {
    state: 'applied',
    since: deployed.at,
    revision: at,
    detail: `${ctx.what} Synced at ${short(at)} and Healthy, deployed ${deployed.at.toISOString()} (${deployed.from})`,
  };
}

type Since = { kind: 'at'; at: Date; from: string } | { kind: 'none' } | { kind: 'invalid'; path: string; value: string };

function deployedSince(status: Status, ctx: ObserveContext): Since {
  const position = (revision: string | undefined): Position =>
    revision === undefined ? 'unknown' : positionOf(revision, ctx.commit, ctx.production);

  // Argo CD appends history in order of id; sorting guards against a reordered list.
  const history = [...(status.history ?? [])].sort((a, b) => a.id - b.id);
  let oldest: (typeof history)[number] | undefined;
  for (let i = history.length - 1; i >= 0; i--) {
    if (position(history[i]!.revision) !== 'at-or-after') break;
    oldest = history[i];
  }
  if (oldest) {
    const at = parseTime(oldest.deployedAt);
    if (!at) return { kind: 'invalid', path: `status.history[id=${oldest.id}].deployedAt`, value: oldest.deployedAt };
    return { kind: 'at', at, from: `status.history id ${oldest.id}` };
  }

  const op = status.operationState;
  if (op?.phase === 'Succeeded' && op.finishedAt && position(op.syncResult?.revision) === 'at-or-after') {
    const at = parseTime(op.finishedAt);
    if (!at) return { kind: 'invalid', path: 'status.operationState.finishedAt', value: op.finishedAt };
    return { kind: 'at', at, from: 'status.operationState.finishedAt' };
  }
  return { kind: 'none' };
}

/** Argo CD's conditions (ComparisonError, SyncError…) explain most holds. */
function conditionsText(status: Status): string {
  const shown = (status.conditions ?? []).slice(0, MAX_CONDITIONS_SHOWN).map((c) => `${c.type}: ${brief(c.message)}`);
  return shown.length > 0 ? ` (${shown.join('; ')})` : '';
}

export const argocd = {
  ref: (config: ArgoConfig) => ({
    group: 'argoproj.io',
    version: 'v1alpha1',
    plural: 'applications',
    kind: 'Application',
    namespace: config.namespace,
    name: config.application,
  }),
  observe: (object, ctx) => (isRecord(object) ? observe(object, ctx) : { state: 'error', reason: `${ctx.what} is not an object` }),
} satisfies AppliedSource<ArgoConfig>;
