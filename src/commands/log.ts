/** `git-canary log`: rollouts reconstructed from production's commit trailers and analysis notes. */
import { buildRolloutLog, formatRolloutLog } from '../audit/log.ts';
import { parseNote } from '../audit/notes.ts';
import { canaryCommits } from '../audit/state.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { CanaryError, UsageError } from '../errors.ts';
import type { CommitInfo } from '../git/types.ts';
import { NOTES_REF, noteText } from '../runner/observe.ts';
import { openSession } from '../runner/session.ts';

export async function log(ctx: CommandContext, opts: { service?: string; since?: string }): Promise<CommandResult> {
  let since: Date | undefined;
  if (opts.since !== undefined) {
    since = new Date(opts.since);
    if (Number.isNaN(since.getTime())) throw new UsageError(`--since ${opts.since} is not a date`, { hint: 'use an ISO date like 2026-01-31' });
  }
  const session = await openSession(ctx, { write: false, metrics: false });
  const { repo, author } = session;
  const tip = (await repo.resolve(session.production))!;
  // Production's own history (first parent), git-canary's commits only: a merged
  // pull request's commits or a person's commit with Canary-* trailers are not records.
  const commits: CommitInfo[] = [];
  for await (const c of repo.walk(tip, { firstParent: true })) {
    if (c.author.name === author.name && c.author.email === author.email && c.committer.email === author.email) commits.push(c);
  }
  const notesSha = await repo.resolve(NOTES_REF);
  const notes = new Map<string, string>();
  if (notesSha) {
    for (const c of canaryCommits(commits)) {
      try {
        const n = await noteText(repo, notesSha, c.sha);
        if (n) notes.set(c.sha, n.text);
      } catch (e) {
        // An unreadable note costs its details, never the log.
        if (!(e instanceof CanaryError)) throw e;
        ctx.log.warn({ commit: c.sha }, `note of ${c.sha.slice(0, 7)} cannot be read: ${e.message}`);
      }
    }
  }
  // A judgment dated after now was not made by a worker with a sane clock (or was written by hand): its
  // values are not shown as a judgment, and the log says so once per note.
  const now = ctx.now().getTime();
  const judgments = new Map(
    [...notes].map(([sha, text]) => [
      sha,
      parseNote(text).filter((n) => {
        if (Date.parse(n.at) <= now + 60_000) return true;
        ctx.log.warn({ commit: sha, at: n.at }, `a judgment note of ${sha.slice(0, 7)} is dated ${n.at}, in the future: ignored`);
        return false;
      }),
    ]),
  );
  const rollouts = buildRolloutLog(commits, (sha) => judgments.get(sha) ?? [], { service: opts.service, since });
  return {
    exitCode: 0,
    text: rollouts.length === 0 ? 'no rollouts found\n' : formatRolloutLog(rollouts),
    json: { rollouts },
  };
}
