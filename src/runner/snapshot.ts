/**
 * Reads everything one service's decision needs from git: the files at both
 * tips, production's history, the analysis notes, and the facts decide() takes.
 * Reads only; never writes.
 */
import { NOTES_REF, notePaths, parseNote } from '../audit/notes.ts';
import { reconstructState, serviceCommits } from '../audit/state.ts';
import type { JudgmentNote, Observations, RolloutState } from '../engine/types.ts';
import { sameRelease, type FileTexts, type PlanService } from '../engine/plan.ts';
import type { CommitInfo, GitRepo } from '../git/types.ts';

export { NOTES_REF };
/** How far back production's history is read; a rollout longer than this many commits restarts its clock. */
export const HISTORY_DEPTH = 500;

export interface ServiceSnapshot {
  productionSha: string;
  candidateSha: string;
  notesSha: string | undefined;
  /** Every file the service names, at production's tip. */
  production: FileTexts;
  /** The release files and canary.from at candidate's tip. */
  candidate: FileTexts;
  commits: CommitInfo[];
  notes: ReadonlyMap<string, JudgmentNote[]>;
  /** Notes text (and the path it lives at in the notes tree) per commit, for appending. */
  rawNotes: ReadonlyMap<string, { path: string; text: string }>;
  state: RolloutState;
  observed: Observations;
}

export interface SnapshotTips {
  production: string;
  candidate: string;
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
  return [...new Set([...service.files, service.canary.file, service.route.file])];
}

export async function readFiles(repo: GitRepo, commit: string, paths: readonly string[]): Promise<FileTexts> {
  const texts = await Promise.all(paths.map((p) => repo.readFile(commit, p)));
  return Object.fromEntries(paths.map((p, i) => [p, texts[i]]));
}

/** The raw notes text of each commit that has one, and the path it lives at in the notes tree. */
export async function readNotes(repo: GitRepo, notesSha: string | undefined, shas: readonly string[]) {
  const raw = new Map<string, { path: string; text: string }>();
  if (!notesSha) return raw;
  await Promise.all(
    shas.map(async (sha) => {
      for (const path of notePaths(sha)) {
        const text = await repo.readFile(notesSha, path);
        if (text !== undefined) {
          raw.set(sha, { path, text });
          return;
        }
      }
    }),
  );
  return raw;
}

/** Release files at another commit; undefined when that commit cannot be read (e.g. beyond a shallow fetch). */
async function releaseAt(repo: GitRepo, sha: string, files: readonly string[]): Promise<FileTexts | undefined> {
  try {
    return await readFiles(repo, sha, files);
  } catch {
    return undefined;
  }
}

export async function takeSnapshot(
  repo: GitRepo,
  serviceName: string,
  service: PlanService,
  tips: SnapshotTips,
): Promise<ServiceSnapshot> {
  const managed = managedFiles(service);
  const candidatePaths = [...new Set([...service.files, service.canary.from])];
  const [production, candidate, commits] = await Promise.all([
    readFiles(repo, tips.production, managed),
    readFiles(repo, tips.candidate, candidatePaths),
    repo.log(tips.production, { depth: HISTORY_DEPTH }),
  ]);
  const ours = serviceCommits(serviceName, commits);
  const rawNotes = await readNotes(
    repo,
    tips.notes,
    ours.map((c) => c.sha),
  );
  const notes = new Map([...rawNotes].map(([sha, n]) => [sha, parseNote(n.text)]));
  const state = reconstructState(serviceName, commits, (sha) => notes.get(sha) ?? []);

  const rolloutCandidate = state.phase === 'idle' ? state.last?.candidate : state.candidate;
  let candidateMatchesRollout = false;
  if (rolloutCandidate === tips.candidate) candidateMatchesRollout = true;
  else if (rolloutCandidate) {
    const then = await releaseAt(repo, rolloutCandidate, service.files);
    candidateMatchesRollout = then !== undefined && sameRelease(service.files, then, candidate);
  }

  const observed: Observations = {
    candidateSha: tips.candidate,
    candidateEqualsProduction: sameRelease(service.files, production, candidate),
    candidateMatchesRollout,
  };
  if (state.phase === 'progressing') {
    const baseline = await readFiles(repo, state.lastCommit, managed);
    const files = managed.filter((f) => baseline[f] !== production[f]);
    if (files.length > 0) {
      observed.managedFilesEditedBy = { files, commit: await firstEditingCommit(repo, commits, state.lastCommit, files, baseline) };
    }
  }
  return {
    productionSha: tips.production,
    candidateSha: tips.candidate,
    notesSha: tips.notes,
    production,
    candidate,
    commits,
    notes,
    rawNotes,
    state,
    observed,
  };
}

/**
 * Who made the change we found: the oldest commit after `since` (exclusive) on
 * production whose `files` differ from `baseline` (their content at `since`),
 * not merely the newest commit, which may be an unrelated one on top.
 */
async function firstEditingCommit(
  repo: GitRepo,
  commits: readonly CommitInfo[],
  since: string,
  files: readonly string[],
  baseline: FileTexts,
): Promise<string | undefined> {
  const i = commits.findIndex((c) => c.sha === since);
  if (i <= 0) return undefined;
  // commits[0 … i-1] are newer than `since`, newest first: walk them oldest first.
  for (let j = i - 1; j >= 0; j--) {
    const at = await readFiles(repo, commits[j]!.sha, files);
    if (files.some((f) => at[f] !== baseline[f])) return commits[j]!.sha;
  }
  return commits[0]?.sha;
}
