/** `git-canary log`: rollouts reconstructed from production's commit trailers and analysis notes. */
import { buildRolloutLog, formatRolloutLog } from '../audit/log.ts';
import { parseNote } from '../audit/notes.ts';
import { canaryCommits } from '../audit/state.ts';
import { UsageError } from '../errors.ts';
import { HISTORY_DEPTH, NOTES_REF, readNotes } from '../runner/snapshot.ts';
import { openRepository, productionTip } from '../runner/session.ts';
import type { CommandContext, CommandResult } from './context.ts';

export async function log(ctx: CommandContext, opts: { service?: string; since?: string }): Promise<CommandResult> {
  let since: Date | undefined;
  if (opts.since !== undefined) {
    since = new Date(opts.since);
    if (Number.isNaN(since.getTime())) throw new UsageError(`--since ${opts.since} is not a date`, { hint: 'use an ISO date like 2026-01-31' });
  }
  const repo = await openRepository(ctx, { write: false });
  const tip = await productionTip(repo, ctx.options.production);
  const commits = await repo.log(tip, { depth: HISTORY_DEPTH });
  const raw = await readNotes(repo, await repo.resolve(NOTES_REF), canaryCommits(commits).map((c) => c.sha));
  const rollouts = buildRolloutLog(commits, (sha) => parseNote(raw.get(sha)?.text ?? ''), { service: opts.service, since });
  return {
    exitCode: 0,
    text: rollouts.length === 0 ? 'no rollouts found\n' : formatRolloutLog(rollouts),
    json: { rollouts },
  };
}
