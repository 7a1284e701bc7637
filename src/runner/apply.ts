/**
 * The write step: publishes one planned commit on production, compare-and-swap,
 * and nothing else. A failed judgment's details go to a note on its record,
 * published before the record itself, so a published judgment record always has
 * its note (observe.ts notices when the note is later deleted). A crash leaves
 * production before or after one whole commit.
 */
import { appendNote, NOTES_REF } from '../audit/notes.ts';
import { formatCommitMessage, titleFor } from '../audit/trailers.ts';
import type { PlannedCommit } from '../engine/plan.ts';
import type { JudgmentNote, ServiceObservations } from '../engine/types.ts';
import type { GitRepo, Identity } from '../git/types.ts';
import { CanaryError } from '../errors.ts';
import { noteText } from './observe.ts';

export interface WriteOptions {
  repo: GitRepo;
  productionBranch: string;
  author: Identity;
  now: Date;
  dryRun: boolean;
}

/** The commit made; undefined in a dry run. */
export async function publish(
  planned: PlannedCommit,
  obs: ServiceObservations,
  o: WriteOptions,
  note?: Omit<JudgmentNote, 'service' | 'rollout' | 'at'>,
): Promise<string | undefined> {
  if (o.dryRun) return undefined;
  const { repo } = o;
  const t = planned.trailers;
  const message = formatCommitMessage({ title: titleFor(t), body: planned.body, trailers: t });
  const commit = await repo.createCommit({
    parent: obs.productionSha,
    ...(planned.extraParents ? { extraParents: planned.extraParents } : {}),
    changes: planned.changes,
    message,
    author: o.author,
    date: o.now,
  });
  if (note) {
    const line: JudgmentNote = { service: t.service, rollout: t.rollout, at: o.now.toISOString(), ...note };
    const text = appendNote(undefined, line);
    // A worker that lost the race on production after its note landed builds the very same
    // commit again (same parent, message and time): its note is already there, written once.
    if (await alreadyNoted(repo, obs.notesSha, commit, text)) {
      await repo.updateRef(o.productionBranch, commit, obs.productionSha);
      return commit;
    }
    const notesCommit = await repo.createCommit({
      parent: obs.notesSha,
      changes: [{ path: commit, content: text }],
      message: `Notes added by 'git-canary': ${t.service} judgment ${note.outcome}\n`,
      author: o.author,
      date: o.now,
    });
    await repo.updateRef(NOTES_REF, notesCommit, obs.notesSha);
  }
  await repo.updateRef(o.productionBranch, commit, obs.productionSha);
  return commit;
}

/** Whether the notes tip already holds exactly `text` on `commit`; an unreadable tip (a blob, not UTF-8) does not. */
async function alreadyNoted(repo: GitRepo, notesSha: string | undefined, commit: string, text: string): Promise<boolean> {
  if (!notesSha) return false;
  try {
    return (await noteText(repo, notesSha, commit))?.text === text;
  } catch (e) {
    if (e instanceof CanaryError) return false;
    throw e;
  }
}
