/**
 * The observe step of a tick: every fact one service's decision and its edits
 * need, read once from git into plain data (engine/types.ts
 * ServiceObservations). decide() and planCommit() then run pure on it; the
 * writer only writes. Reads only, never writes; a read that fails throws (the
 * service errors), it never becomes a decision.
 */
import { createHash } from 'node:crypto';
import { NOTES_REF, notePaths } from '../audit/notes.ts';
import { stateFromRecord } from '../audit/state.ts';
import { type PlanService, routeWeightOf } from '../engine/plan.ts';
import { type FileTexts, releaseKey, releaseParts } from '../engine/release.ts';
import { revisionsOf } from '../engine/revision-rollout.ts';
import type { Observations, RolloutState, ServiceObservations } from '../engine/types.ts';
import { CanaryError, GitError } from '../errors.ts';
import type { CommitInfo, GitRepo, Identity } from '../git/types.ts';
import { parseManifestFile } from '../manifests/index.ts';
import { getRouter } from '../routers/index.ts';
import { findRecord } from './history.ts';

export { NOTES_REF };

export interface Tips {
  production: string;
  /** Undefined when the candidate branch does not exist (never created, or deleted). */
  candidate: string | undefined;
  notes: string | undefined;
}

/** The production, candidate and notes tips, each undefined when that ref does not exist. */
export async function resolveTips(
  repo: GitRepo,
  branches: { production: string; candidate: string },
): Promise<{ production?: string; candidate?: string; notes?: string }> {
  const [production, candidate, notes] = await Promise.all([
    repo.resolve(branches.production),
    repo.resolve(branches.candidate),
    repo.resolve(NOTES_REF),
  ]);
  return { production, candidate, notes };
}

/** Every path of the service that git-canary may change on production. */
export function managedFiles(service: PlanService): string[] {
  return [...new Set([...service.files, ...(service.canary ? [service.canary.file] : []), service.route.file])];
}

export async function readFiles(repo: GitRepo, commit: string, paths: readonly string[]): Promise<FileTexts> {
  const texts = await Promise.all(paths.map((p) => repo.readFile(commit, p)));
  return Object.fromEntries(paths.map((p, i) => [p, texts[i]]));
}

/** The release digest (`Canary-Release`) of `texts`, read on `branch` (named by its errors only). */
export function releaseDigestOf(service: PlanService, texts: FileTexts, branch: string): string {
  return createHash('sha256').update(releaseKey(releaseParts(service, texts, branch))).digest('hex');
}

/**
 * What of each managed file belongs to this service, comparable between two
 * commits: the route's rules this service manages (another service's rules in
 * a shared route file are not its own), the release parts (its documents of a
 * shared file), the canary file whole. A route that cannot be read compares as text.
 */
function fingerprints(service: PlanService, texts: FileTexts, branch: string): Map<string, string> {
  const out = new Map<string, string>();
  const route = texts[service.route.file];
  let routePrint = `text:${route ?? '<absent>'}`;
  if (route !== undefined) {
    try {
      routePrint = JSON.stringify(getRouter(service.route.type).owned(parseManifestFile(service.route.file, route), service.route));
    } catch (e) {
      if (!(e instanceof CanaryError)) throw e;
    }
  }
  out.set(service.route.file, routePrint);
  if (service.canary) out.set(service.canary.file, texts[service.canary.file] ?? '<absent>');
  let parts: ReturnType<typeof releaseParts> | undefined;
  try {
    parts = releaseParts(service, texts, branch);
  } catch (e) {
    if (!(e instanceof CanaryError)) throw e;
  }
  for (const path of service.files) {
    const own = parts?.filter((p) => p.path === path);
    out.set(path, own ? JSON.stringify(own.map((p) => p.text ?? null)) : `text:${texts[path] ?? '<absent>'}`);
  }
  return out;
}

function differing(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...a.keys()].filter((k) => a.get(k) !== b.get(k));
}

/**
 * A person's edits of this service's rules or files since its newest record:
 * which files, and the oldest commit after the record that made them.
 */
async function personEdits(
  repo: GitRepo,
  service: PlanService,
  production: FileTexts,
  record: string,
  walked: readonly CommitInfo[],
): Promise<Observations['managedFilesEditedBy']> {
  const managed = managedFiles(service);
  const atRecord = await readFiles(repo, record, managed);
  // Fingerprints are a function of the texts (the branch only names where in errors, which they
  // swallow): files unchanged since the record were not edited, without parsing them.
  if (managed.every((path) => atRecord[path] === production[path])) return undefined;
  const baseline = fingerprints(service, atRecord, `production@${record.slice(0, 7)}`);
  const files = differing(baseline, fingerprints(service, production, 'production'));
  if (files.length === 0) return undefined;
  const i = walked.findIndex((c) => c.sha === record);
  // walked[0 … i-1] are newer than the record, newest first: the first to differ, oldest first.
  for (let j = i - 1; j >= 0; j--) {
    const at = fingerprints(service, await readFiles(repo, walked[j]!.sha, managed), 'production');
    if (differing(baseline, at).length > 0) return { files, commit: walked[j]!.sha };
  }
  return { files, commit: walked[0]?.sha };
}

/** The note text of `sha` on the notes tip, or undefined when it has none; unreadable notes throw. */
export async function noteText(repo: GitRepo, notesSha: string, sha: string): Promise<{ path: string; text: string } | undefined> {
  for (const path of notePaths(sha)) {
    const text = await repo.readFile(notesSha, path);
    if (text !== undefined) return { path, text };
  }
  return undefined;
}

/**
 * A judgment record (failed, inconclusive, errored) always has its details in a
 * note (written before the record is published): when that note is gone,
 * someone deleted or rewrote refs/notes/git-canary.
 */
async function vanishedNotes(repo: GitRepo, notesSha: string | undefined, state: RolloutState, judgment: boolean): Promise<string | undefined> {
  if (state.phase !== 'progressing' || !judgment) return undefined;
  const gone = `the judgment notes of ${state.lastCommit.slice(0, 7)} are gone from ${NOTES_REF}`;
  const counted = `${state.failedChecks} failed check(s) are still counted; look at the canary, then \`git-canary resume\``;
  if (!notesSha) return `${gone} (the ref was deleted); ${counted}`;
  try {
    if (await noteText(repo, notesSha, state.lastCommit)) return undefined;
    return `${gone} (the ref was rewritten); ${counted}`;
  } catch (e) {
    if (!(e instanceof CanaryError)) throw e;
    return `${gone} (${e.message}); ${counted}`;
  }
}

/** Commits after a promotion looked at (files read) to find the one that changed its release back. */
const MAX_REVERT_SCAN = 200;

/**
 * After a promotion, production's release is not the promoted one any more (and
 * candidate still holds it): the person's commit that did it. A `git revert`
 * of the promotion names it in its message ("This reverts commit <sha>."); other
 * edits are found as the oldest commit after the promotion whose release differs.
 */
async function revertedRelease(
  repo: GitRepo,
  service: PlanService,
  promotion: { commit: string; release: string | undefined },
  walked: readonly CommitInfo[],
): Promise<Observations['releaseReverted']> {
  const i = walked.findIndex((c) => c.sha === promotion.commit);
  const after = (i === -1 ? walked : walked.slice(0, i)).slice().reverse(); // oldest first
  const who = (c: CommitInfo) => c.author.name || c.author.email || 'someone';
  const revert = after.find((c) => c.message.includes(`This reverts commit ${promotion.commit}`));
  if (revert) return { commit: revert.sha, author: who(revert), revert: true };
  for (const c of after.slice(0, MAX_REVERT_SCAN)) {
    let changed = true;
    try {
      changed = releaseDigestOf(service, await readFiles(repo, c.sha, service.files), `production@${c.sha.slice(0, 7)}`) !== promotion.release;
    } catch (e) {
      if (!(e instanceof CanaryError)) throw e;
    }
    if (changed) return { commit: c.sha, author: who(c), revert: false };
  }
  const newest = after[after.length - 1];
  return newest ? { commit: newest.sha, author: who(newest), revert: false } : undefined;
}

/**
 * What a rollback restores, as it was at the rollout's base: the canary
 * workload file, or for a revision rollout (Knative) the route file, which is
 * also the release. Throws when the base is not in production's history.
 */
async function pristineFile(repo: GitRepo, service: PlanService, state: Exclude<RolloutState, { phase: 'idle' }>, branch: string): Promise<string | undefined> {
  if (!(await repo.ensureCommit(state.base, branch))) {
    throw new GitError(`commit ${state.base.slice(0, 7)} before rollout ${state.rollout} began is not in ${branch}'s history`, {
      where: { branch, detail: `Canary-Base ${state.base}` },
      hint: 'production was rewritten under the rollout; end it by hand (route to stable) and let the next tick start again',
    });
  }
  return repo.readFile(state.base, service.canary?.file ?? service.route.file);
}

export interface ObserveOptions {
  repo: GitRepo;
  name: string;
  service: PlanService;
  tips: Tips;
  author: Identity;
  production: string;
  candidate: string;
  /** Also read the release at the rollout's candidate commit when candidate has moved (manual promote). */
  tested?: boolean;
}

/** Read every fact the service's decision and edits need. */
export async function observeService(o: ObserveOptions): Promise<ServiceObservations> {
  const { repo, service, tips } = o;
  const managed = managedFiles(service);
  const candidatePaths = [...new Set([...service.files, ...(service.canary ? [service.canary.from] : [])])];
  const candidateTip = tips.candidate;
  const [production, candidate, scan] = await Promise.all([
    readFiles(repo, tips.production, managed),
    candidateTip === undefined ? Promise.resolve({} as FileTexts) : readFiles(repo, candidateTip, candidatePaths),
    findRecord(repo, tips.production, { service: o.name, route: service.route, author: o.author }),
  ]);
  const state = stateFromRecord(scan.record);
  // A revision rollout (Knative) wrote the candidate's template into the release file at start: until
  // promotion, the release production serves is that file as it was at the base, read here once.
  const revision = revisionsOf(service.route) !== undefined;
  const basePristine = revision && state.phase !== 'idle' ? await pristineFile(repo, service, state, o.production) : undefined;
  const served = basePristine === undefined ? production : { ...production, [service.route.file]: basePristine };
  const productionDigest = releaseDigestOf(service, served, o.production);
  const releaseDigest = {
    production: productionDigest,
    // No candidate branch: no release to compare (decide() holds or does nothing). The digest is a
    // function of the release files' texts alone (the branch only names where an error was): the
    // same texts on candidate are the same digest, not computed again (most services, most ticks).
    candidate:
      candidateTip === undefined ? '' : service.files.every((p) => candidate[p] === served[p]) ? productionDigest : releaseDigestOf(service, candidate, o.candidate),
  };
  const tested = state.phase === 'idle' ? state.last?.release : state.release;
  const observed: Observations = {
    candidateSha: candidateTip ?? '',
    candidateEqualsProduction: candidateTip !== undefined && releaseDigest.production === releaseDigest.candidate,
    candidateMatchesRollout: candidateTip !== undefined && tested !== undefined && tested === releaseDigest.candidate,
    ...(candidateTip === undefined ? { candidateMissing: o.candidate } : {}),
  };
  const warnings: string[] = [];
  let routeWeight: number | undefined;
  const route = production[service.route.file];
  if (route !== undefined) {
    try {
      routeWeight = routeWeightOf(service, route);
    } catch (e) {
      // Only pause and resume use it, and they say what they found; a tick that
      // needs the route (start, step…) reads it again and errors.
      if (!(e instanceof CanaryError)) throw e;
      warnings.push(e.message);
    }
  }
  // The route on production is the truth of the canary's weight: when a person changed it
  // since the newest record (a revert of a step, a hand edit), the rollout stands at the route's weight.
  const standing: RolloutState = state.phase !== 'idle' && routeWeight !== undefined && routeWeight !== state.weight ? { ...state, weight: routeWeight } : state;
  if (state.phase === 'idle' && state.last?.outcome === 'promoted' && observed.candidateMatchesRollout && !observed.candidateEqualsProduction) {
    const reverted = await revertedRelease(repo, service, { commit: state.last.commit, release: state.last.release }, scan.commits);
    if (reverted) observed.releaseReverted = reverted;
  }
  const obs: ServiceObservations = {
    service: o.name,
    productionSha: tips.production,
    candidateSha: candidateTip ?? '',
    notesSha: tips.notes,
    production,
    candidate,
    releaseDigest,
    ...(scan.record ? { record: scan.record } : {}),
    state: standing,
    observed,
    routeWeight,
    warnings,
    history: scan.commits.map((c) => c.sha),
  };
  if (state.phase === 'idle') return obs;

  const vanished = await vanishedNotes(repo, tips.notes, state, scan.record?.trailers.judgment !== undefined);
  if (vanished) observed.notesVanished = vanished;
  if (state.phase === 'progressing') {
    const edited = await personEdits(repo, service, production, state.lastCommit, scan.commits);
    if (edited) observed.managedFilesEditedBy = edited;
  }
  obs.pristineCanary = revision ? basePristine : await pristineFile(repo, service, state, o.production);
  if (o.tested && candidateTip !== undefined && !observed.candidateMatchesRollout && (await repo.ensureCommit(state.candidate, o.candidate))) {
    obs.tested = await readFiles(repo, state.candidate, service.files);
  }
  return obs;
}
