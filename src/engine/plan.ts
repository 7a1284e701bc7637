/**
 * Turns a decision and the service's observations into the one commit it makes:
 * file changes and trailers. Pure: texts in, texts out, through the minimal-diff
 * manifest model, the canary derivation and the routers, so every byte the
 * decision does not need to change stays as it was.
 *
 * - start: the canary runs the candidate (derive.ts; refused when it cannot),
 *   the route sends steps[0]% to it; a restart derives from the pristine canary.
 *   A route whose canary is a revision of the release (Knative) has no canary
 *   workload: start, step, promotion and rollback write its one file through
 *   revision-rollout.ts instead; everything else here is the same.
 * - step: the route weight only.
 * - promote: the release as the rollout tested it, route back to stable.
 * - rollback: route back to stable, the canary file restored to its pristine text.
 * - hold after a judgment (failed below threshold, inconclusive, errored): a
 *   record that changes no file, with the counts after it.
 * - pause / resume: a record that changes no file.
 * Every record of a rollout carries when it started (`Canary-Started`) and the
 * first values of checks compared with their own start (`Canary-Reference`):
 * those a judgment measured for the first time join the record it produced.
 * With `canary.idle`, promotion and rollback scale the canary down and the next
 * start gives it back the replicas it had.
 */
import { TextMemo } from '../memo.ts';
import { CanaryError, ConfigError, GitError } from '../errors.ts';
import type { FileChange } from '../git/types.ts';
import { applyEdits, editDocument, parseManifestFile } from '../manifests/index.ts';
import { getRouter } from '../routers/index.ts';
import type { RouteConfig } from '../routers/types.ts';
import { type DeriveResult, deriveCanary } from './derive.ts';
import { fromBase, promoteRevision, revisionsOf, rollbackRevision, startRevision, stepRevision } from './revision-rollout.ts';
import { type DocRef, type FileTexts, docLabel, promoteRelease, type ReleaseSpec, unexercisedChanges } from './release.ts';
import type { Judgment } from '../analysis/types.ts';
import type { CanaryTrailers, Decision, ServiceObservations } from './types.ts';

export type { FileTexts } from './release.ts';

/** The parts of a service's config planning needs. */
export interface PlanService extends ReleaseSpec {
  /** The canary workload; absent when the route's canary is a revision of the release (Knative). */
  canary?: {
    file: string;
    from: string;
    fromName?: string;
    keep: readonly string[];
    idle?: { replicas: number };
    unexercised: 'warn' | 'refuse';
  };
  route: RouteConfig;
}

/** One commit to make. `trailers.notes` is filled in by the writer for failed judgments. */
export interface PlannedCommit {
  changes: FileChange[];
  trailers: CanaryTrailers;
  /** Commit message body (checks line, reason, what the canary does not exercise). */
  body: string;
  /** Release changes no canary document runs (start only). */
  unexercised: string[];
  /**
   * Parents after production's tip: a gated promotion merges its pull request's
   * head, so GitHub marks the pull request merged (production's first parent stays its own history).
   */
  extraParents?: string[];
}

/** A person's decision: who and why (`Canary-Actor`, `Canary-Reason`). */
export interface Actor {
  actor?: string;
  reason?: string;
}

/** The in-a-row trailers, written only when not 0 (absent reads as 0). */
function counts(inconclusive: number | undefined, errors: number | undefined): Pick<CanaryTrailers, 'inconclusive' | 'errors'> {
  return { ...(inconclusive ? { inconclusive } : {}), ...(errors ? { errors } : {}) };
}

/** Workload kinds whose `/spec/replicas` canary.idle scales. */
const SCALABLE = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'Rollout']);

/** The canary weight the route file holds; throws RouterError (file:line) when it cannot be read. */
export function routeWeightOf(service: Pick<PlanService, 'route'>, routeText: string): number {
  return routeWeights.get(`${JSON.stringify(service.route)}\0${routeText}`, () =>
    getRouter(service.route.type).read(parseManifestFile(service.route.file, routeText), service.route).canary);
}

/** Weights read (history checks each record's route file, observe production's): the same route and text, the same weight. */
const routeWeights = new TextMemo<number>(4096, 'route-weight');

/** The route file with the canary at `canary`%; undefined when it already is. */
export function planWeight(service: Pick<PlanService, 'route'>, routeText: string, canary: number): FileChange | undefined {
  const router = getRouter(service.route.type);
  const file = parseManifestFile(service.route.file, routeText);
  const edits = router.plan(file, service.route, canary);
  if (edits.length === 0) return undefined;
  const text = applyEdits(file, edits);
  return text === routeText ? undefined : { path: service.route.file, content: text };
}

/** Drop changes that would not change anything, and fold several changes to one path. */
export function normaliseChanges(changes: (FileChange | undefined)[], current: FileTexts): FileChange[] {
  const byPath = new Map<string, FileChange>();
  for (const c of changes) if (c) byPath.set(c.path, c);
  return [...byPath.values()].filter((c) => current[c.path] !== (c.content ?? undefined));
}

function need(text: string | undefined, path: string, branch: string): string {
  if (text === undefined) {
    throw new GitError(`${path} is missing on ${branch}`, { where: { file: path, branch }, hint: 'run git-canary validate' });
  }
  return text;
}

/** The canary for a start: derived from the pristine canary, the candidate's release and the keep rules. */
export function deriveStart(
  service: Pick<WorkloadService, 'documents' | 'canary'>,
  texts: { production: FileTexts; candidate: FileTexts },
  pristine: string,
): DeriveResult {
  const { from } = service.canary;
  return deriveCanary({
    canaryPath: service.canary.file,
    canaryText: pristine,
    fromPath: from,
    productionFrom: need(texts.production[from], from, 'production'),
    candidateFrom: need(texts.candidate[from], from, 'candidate'),
    documents: service.documents[from] as DocRef[] | undefined,
    fromName: service.canary.fromName,
    keep: [...service.canary.keep],
  });
}

/** Release changes the derived canary does not run (`not exercised by the canary: …`). */
export function unexercisedFor(
  service: Pick<WorkloadService, 'files' | 'documents' | 'canary'>,
  texts: { production: FileTexts; candidate: FileTexts },
  derived: DeriveResult,
): string[] {
  const from = service.canary.from;
  const exercised = new Set(derived.pairs.map((p) => `${from}#${p.release}`));
  // Documents without a kind (Helm values) are labelled `values` by unexercisedChanges.
  for (const p of derived.pairs) if (!p.release.includes('/')) exercised.add(`${from}#values`);
  return unexercisedChanges(service, texts.production, texts.candidate, exercised);
}

/** Replicas of each scalable workload document of a canary file (`Kind/name` → n; absent means 1). */
export function replicasOf(path: string, text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of parseManifestFile(path, text).docs) {
    if (!d.kind || !SCALABLE.has(d.kind) || !d.name) continue;
    const spec = (d.value as { spec?: { replicas?: unknown } }).spec;
    out[docLabel({ kind: d.kind, name: d.name })] = typeof spec?.replicas === 'number' ? spec.replicas : 1;
  }
  return out;
}

/** The canary text with each listed workload document scaled to its replicas. */
function scale(path: string, text: string, replicas: Readonly<Record<string, number>>): string {
  let current = text;
  for (const [label, n] of Object.entries(replicas)) {
    const file = parseManifestFile(path, current);
    const doc = file.docs.find((d) => d.kind && d.name && docLabel({ kind: d.kind, name: d.name }) === label);
    if (!doc) continue;
    current = editDocument(file, doc.index, [{ op: 'set', path: ['spec', 'replicas'], value: n }]);
  }
  return current;
}

/** Scale a resting canary back up at start; refuse when it rests with no record of its replicas. */
function wake(service: WorkloadService, obs: ServiceObservations, text: string): string {
  const idle = service.canary.idle;
  if (!idle) return text;
  const remembered = obs.state.phase === 'idle' ? obs.state.last?.idleReplicas : undefined;
  const now = replicasOf(service.canary.file, text);
  const back: Record<string, number> = {};
  for (const [label, n] of Object.entries(now)) {
    if (n !== idle.replicas) continue; // a person scaled it while it rested: theirs stands
    const before = remembered?.[label];
    if (before === undefined) {
      if (n > 0) continue;
      throw new CanaryError('CANARY_INVARIANT', `canary ${label} rests at ${n} replicas and no record says how many it had`, {
        where: { file: service.canary.file },
        hint: 'set its spec.replicas to the replicas the canary should run with; canary.idle scales it down again after the rollout',
      });
    }
    back[label] = before;
  }
  return scale(service.canary.file, text, back);
}

/** Scale the canary down to rest; returns the text and the replicas it had (for the next start). */
function rest(service: WorkloadService, activeText: string, restingText: string): { text: string; had?: Record<string, number> } {
  const idle = service.canary.idle;
  if (!idle) return { text: restingText };
  const had = replicasOf(service.canary.file, activeText);
  const target = Object.fromEntries(Object.keys(replicasOf(service.canary.file, restingText)).map((l) => [l, idle.replicas]));
  return { text: scale(service.canary.file, restingText, target), had };
}

function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** A service with a canary workload (every route type but those whose canary is a revision). */
type WorkloadService = PlanService & { canary: NonNullable<PlanService['canary']> };

/** The service's canary block; a ConfigError (a bug of config validation) when a workload rollout has none. */
export function withCanary(service: PlanService): WorkloadService {
  if (!service.canary) {
    throw new ConfigError(`route type ${service.route.type} needs a canary: block (the canary workload)`, {
      where: { file: 'git-canary.yaml' },
      hint: 'add canary: { file: <the canary workload file> } to the service',
    });
  }
  return service as WorkloadService;
}

/**
 * A canary workload's start: the canary derived from the candidate (from the
 * pristine canary on a restart), woken from rest, the route at `weight`%.
 */
function startWorkload(
  service: WorkloadService,
  obs: ServiceObservations,
  weight: number,
  restart: { pristine: string | undefined; branch: string } | undefined,
): { changes: FileChange[]; unexercised: string[] } {
  const { canary } = service;
  const pristine = restart ? restart.pristine : obs.production[canary.file];
  const derived = deriveStart(service, obs, need(pristine, canary.file, restart ? restart.branch : 'production'));
  const unexercised = unexercisedFor(service, obs, derived);
  if (unexercised.length > 0 && canary.unexercised === 'refuse') {
    throw new CanaryError('UNEXERCISED', `not exercised by the canary: ${unexercised.join(', ')}`, {
      where: { file: canary.file, branch: 'candidate' },
      hint: 'canary.unexercised is refuse: give the canary these changes, or set canary.unexercised: warn',
      data: { unexercised },
    });
  }
  const routeText = need(obs.production[service.route.file], service.route.file, 'production');
  return { changes: [{ path: canary.file, content: wake(service, obs, derived.text) }, planWeight(service, routeText, weight)].filter((c): c is FileChange => c !== undefined), unexercised };
}

/**
 * The rollout's references after a judgment: those recorded, plus each check
 * compared with its first value that has none recorded yet (the value this
 * judgment measured becomes its reference for the rest of the rollout).
 */
export function referencesAfter(recorded: Readonly<Record<string, number>>, judgment: Judgment | undefined): Record<string, number> {
  const out = { ...recorded };
  // A first value measured on too little traffic (below minRequests) is no reference for the rest of the rollout.
  if (judgment?.requests && judgment.requests.outcome !== 'pass') return out;
  for (const c of judgment?.checks ?? []) {
    const cmp = c.comparison;
    if (cmp?.from !== 'first-value' || Object.hasOwn(out, c.name) || !Number.isFinite(cmp.reference)) continue;
    out[c.name] = cmp.reference;
  }
  return out;
}

/**
 * The commit a decision makes, or undefined when it makes none (none, analyze,
 * hold without a failed judgment). Throws CanaryError subclasses naming file and
 * path when the commit cannot be planned (the service then errors).
 */
export function planCommit(
  decision: Decision,
  service: PlanService,
  obs: ServiceObservations,
  now: Date,
  actor: Actor = {},
): PlannedCommit | undefined {
  const { state } = obs;
  const who = {
    ...(actor.actor ? { actor: actor.actor } : {}),
    ...(actor.reason ? { reason: actor.reason } : {}),
  };
  const summary = 'judgment' in decision && decision.judgment ? decision.judgment.summary : undefined;
  const body = (...extra: (string | undefined)[]) =>
    [summary, decision.reason, ...extra].filter((s): s is string => Boolean(s)).join('\n\n');
  const routeText = () => need(obs.production[service.route.file], service.route.file, 'production');

  const revisions = revisionsOf(service.route);
  const baseBranch = state.phase === 'idle' ? 'production' : `production@${shortSha(state.base)}`;

  if (decision.kind === 'start') {
    const restart = state.phase !== 'idle';
    // A restart (a new candidate mid-rollout) starts again from production as it was before the rollout.
    const started = revisions
      ? startRevision(revisions, service, restart ? fromBase(service, obs) : obs, decision.weight)
      : startWorkload(withCanary(service), obs, decision.weight, restart ? { pristine: obs.pristineCanary, branch: baseBranch } : undefined);
    const { unexercised } = started;
    const changes = normaliseChanges(started.changes, obs.production);
    return {
      changes,
      unexercised,
      body: body(unexercised.length > 0 ? `not exercised by the canary: ${unexercised.join(', ')}` : undefined),
      trailers: {
        service: obs.service,
        rollout: `${obs.service}-${shortSha(obs.candidateSha)}`,
        candidate: obs.candidateSha,
        phase: 'progressing',
        step: { index: 1, total: decision.total },
        weight: decision.weight,
        base: restart ? state.base : obs.productionSha,
        release: obs.releaseDigest.candidate,
        stepSince: now,
        failedChecks: 0,
        started: now,
        ...who,
      },
    };
  }

  if (state.phase === 'idle') return undefined;
  const references = referencesAfter(state.references, 'judgment' in decision ? decision.judgment : undefined);
  const common = {
    service: obs.service,
    rollout: state.rollout,
    candidate: state.candidate,
    base: state.base,
    release: state.release,
    ...(state.pullRequest !== undefined ? { pullRequest: state.pullRequest } : {}),
    started: state.started,
    ...(Object.keys(references).length > 0 ? { references } : {}),
    ...who,
  };
  const rolloutStep = { index: state.step, total: state.total };
  /** A commit of this rollout: its changes (none for a record) and the trailers beyond the common ones. */
  const made = (changes: FileChange[], t: Omit<CanaryTrailers, keyof typeof common | 'service'>): PlannedCommit => ({
    changes,
    unexercised: [],
    body: body(),
    trailers: { ...common, ...t },
  });
  /**
   * The end of the rollout (promoted / rolled back): route back to stable, the
   * canary file as `resting` (scaled down with canary.idle), plus `release`.
   */
  const end = (phase: 'promoted' | 'rolled-back', failedChecks: number, ending: { changes: (FileChange | undefined)[]; had?: Record<string, number> }) =>
    made(normaliseChanges(ending.changes, obs.production), { phase, weight: 0, failedChecks, ...(ending.had ? { idleReplicas: ending.had } : {}) });
  /** A canary workload's end: the route back to stable and the canary file as `resting`, plus `release`. */
  const endWorkload = (resting: string, release: FileChange[] = []) => {
    const workload = withCanary(service);
    const { canary } = workload;
    const rested = rest(workload, need(obs.production[canary.file], canary.file, 'production'), resting);
    return { changes: [...release, planWeight(service, routeText(), 0), { path: canary.file, content: rested.text }], ...(rested.had ? { had: rested.had } : {}) };
  };

  switch (decision.kind) {
    case 'step':
      return made(normaliseChanges([revisions ? stepRevision(revisions, service, obs, baseBranch, decision.weight) : planWeight(service, routeText(), decision.weight)], obs.production), {
        phase: 'progressing',
        step: { index: decision.step, total: decision.total },
        weight: decision.weight,
        stepSince: now,
        failedChecks: state.failedChecks,
      });
    case 'hold':
      if (!decision.record || state.phase !== 'progressing') return undefined;
      return made([], {
        phase: 'progressing',
        step: rolloutStep,
        weight: state.weight,
        stepSince: state.stepStartedAt,
        failedChecks: decision.failedChecks,
        judgment: decision.record,
        ...counts(decision.inconclusive, decision.errors),
      });
    case 'promote': {
      const tested = obs.observed.candidateMatchesRollout ? obs.candidate : obs.tested;
      if (!tested) {
        throw new GitError(`cannot read the release of rollout ${state.rollout} at candidate ${shortSha(state.candidate)}`, {
          where: { branch: 'candidate', detail: `commit ${state.candidate}` },
          hint: 'the tested candidate commit is no longer in the candidate branch history; roll back instead',
        });
      }
      const testedBranch = `candidate@${shortSha(state.candidate)}`;
      if (revisions) return end('promoted', state.failedChecks, { changes: promoteRevision(revisions, service, obs, tested, { base: baseBranch, tested: testedBranch }) });
      const release = promoteRelease(service, obs.production, tested, testedBranch);
      const canary = withCanary(service).canary;
      return end('promoted', state.failedChecks, endWorkload(need(obs.production[canary.file], canary.file, 'production'), release));
    }
    case 'rollback': {
      if (revisions) return end('rolled-back', decision.failedChecks, { changes: [rollbackRevision(service, obs, baseBranch)] });
      const canary = withCanary(service).canary;
      return end('rolled-back', decision.failedChecks, endWorkload(need(obs.pristineCanary, canary.file, baseBranch)));
    }
    case 'pause':
      return made([], {
        phase: 'paused',
        // The weight the route holds now (a person may have changed it); the old one when it cannot be read.
        weight: obs.routeWeight ?? state.weight,
        rolloutStep,
        failedChecks: state.failedChecks,
        ...counts(decision.inconclusive ?? state.inconclusive, decision.errors ?? state.errors),
      });
    case 'resume':
      if (obs.routeWeight === undefined) {
        throw new CanaryError('ROUTER', `cannot resume ${obs.service}: the route file ${service.route.file} cannot be read`, {
          where: { file: service.route.file, branch: 'production' },
          hint: 'fix the route file on production first (git-canary validate says what is wrong)',
        });
      }
      return made([], { phase: 'resumed', weight: obs.routeWeight, rolloutStep, stepSince: now, failedChecks: state.failedChecks });
    default:
      return undefined;
  }
}
