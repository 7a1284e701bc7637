/**
 * Rollouts whose canary is a revision of the release itself (Knative, Cloud
 * Run): one file is release, canary and route. Beside the canary-workload
 * rollout of plan.ts, this is the other way a rollout writes production:
 *
 * - start: production's file runs the candidate's revision at steps[0]%
 *   beside the revision it ran (the router's `start`);
 * - step: the percents move (`step`, the stable revision read from the
 *   rollout's base);
 * - promote: the tested candidate's file, its revision pinned and the
 *   stable's traffic on it (`promote`), and the rest of the release copied;
 * - rollback: the file as it was at the rollout's base.
 * Pure: texts in, changes out.
 */
import { GitError } from '../errors.ts';
import type { FileChange } from '../git/types.ts';
import { parseManifestFile } from '../manifests/index.ts';
import { getRouter } from '../routers/index.ts';
import type { RouteConfig, RevisionRouter } from '../routers/types.ts';
import { type FileTexts, promoteRelease, type ReleaseSpec, unexercisedChanges } from './release.ts';
import type { ServiceObservations } from './types.ts';

export interface RevisionService extends ReleaseSpec {
  route: RouteConfig;
}

/** The revision rollout of a route type, when its canary is a revision of the release. */
export function revisionsOf(route: Pick<RouteConfig, 'type'>): RevisionRouter<RouteConfig> | undefined {
  return getRouter(route.type).revisions;
}

function need(text: string | undefined, path: string, branch: string): string {
  if (text === undefined) {
    throw new GitError(`${path} is missing on ${branch}`, { where: { file: path, branch }, hint: 'run git-canary validate' });
  }
  return text;
}

/** Release views for comparing branches: the revision file compared without what rollouts write. */
export function releaseViews(service: { route: RouteConfig }): ReleaseSpec['views'] {
  const revisions = revisionsOf(service.route);
  if (!revisions) return undefined;
  const { file } = service.route;
  return { [file]: (text: string) => revisions.releaseView(parseManifestFile(file, text), service.route) };
}

/** `obs` with production's revision file as it was before the rollout (`pristineCanary`): where a restart starts from. */
export function fromBase<T extends Pick<ServiceObservations, 'production' | 'pristineCanary'>>(service: { route: RouteConfig }, obs: T): T {
  return { ...obs, production: { ...obs.production, [service.route.file]: obs.pristineCanary } };
}

/** The start: the candidate's revision at `weight`%, and the release changes it does not run. */
export function startRevision(
  revisions: RevisionRouter<RouteConfig>,
  service: RevisionService,
  obs: Pick<ServiceObservations, 'production' | 'candidate' | 'candidateSha'>,
  weight: number,
): { changes: FileChange[]; unexercised: string[] } {
  const { file } = service.route;
  const production = parseManifestFile(file, need(obs.production[file], file, 'production'));
  const candidate = parseManifestFile(file, need(obs.candidate[file], file, 'candidate'));
  const content = revisions.start(production, candidate, service.route, { weight, candidateSha: obs.candidateSha });
  // What the revision runs is the template; the Service around it, and other release files, change only at promotion.
  const started = parseManifestFile(file, content);
  const outside = revisions.releaseView(started, service.route) !== revisions.releaseView(candidate, service.route);
  const others = unexercisedChanges({ ...service, files: service.files.filter((f) => f !== file) }, obs.production, obs.candidate, new Set());
  return { changes: [{ path: file, content }], unexercised: [...(outside ? [`${file} outside spec.template`] : []), ...others] };
}

/** The rollout's file with the canary at `weight`%. */
export function stepRevision(revisions: RevisionRouter<RouteConfig>, service: RevisionService, obs: ServiceObservations, base: string, weight: number): FileChange {
  const { file } = service.route;
  const current = parseManifestFile(file, need(obs.production[file], file, 'production'));
  return { path: file, content: revisions.step(current, parseManifestFile(file, need(obs.pristineCanary, file, base)), service.route, weight) };
}

/** Promotion: the revision file as the rollout tested it, with the stable's traffic on the new revision; the rest of the release copied. */
export function promoteRevision(
  revisions: RevisionRouter<RouteConfig>,
  service: RevisionService,
  obs: ServiceObservations,
  tested: FileTexts,
  where: { base: string; tested: string },
): FileChange[] {
  const { file } = service.route;
  const current = parseManifestFile(file, need(obs.production[file], file, 'production'));
  const base = parseManifestFile(file, need(obs.pristineCanary, file, where.base));
  const testedFile = parseManifestFile(file, need(tested[file], file, where.tested));
  const rest = promoteRelease({ ...service, files: service.files.filter((f) => f !== file) }, obs.production, tested, where.tested);
  return [{ path: file, content: revisions.promote(current, base, testedFile, service.route) }, ...rest];
}

/**
 * The promotion a rollout of the candidate would end with, before it starts:
 * what a promotion pull request (`gate: pull-request`) shows and merges. The
 * revision's name depends only on the candidate, so the promotion writes the
 * same file.
 */
export function promotionPreview(
  revisions: RevisionRouter<RouteConfig>,
  service: RevisionService,
  obs: Pick<ServiceObservations, 'production' | 'candidate' | 'candidateSha'>,
  branches: { candidate: string },
): FileChange[] {
  const { file } = service.route;
  // Any step the stable can cover ends in the same promotion: 1% always can.
  const started = startRevision(revisions, service, obs, 1).changes[0]!.content ?? undefined;
  const during = { ...obs, production: { ...obs.production, [file]: started }, pristineCanary: obs.production[file] } as ServiceObservations;
  return promoteRevision(revisions, service, during, obs.candidate, { base: 'production', tested: branches.candidate }).filter((c) => c.content !== obs.production[c.path]);
}

/** Rollback: the revision file exactly as it was before the rollout. */
export function rollbackRevision(service: RevisionService, obs: ServiceObservations, base: string): FileChange {
  const { file } = service.route;
  return { path: file, content: need(obs.pristineCanary, file, base) };
}
