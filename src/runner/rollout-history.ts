/**
 * One rollout's commits on production, oldest first, read back from the
 * first-parent history below `tip`: for the progress comment of a promotion
 * pull request and the description of a commit status.
 */
import { parsedCommit } from '../audit/trailers.ts';
import type { GitRepo } from '../git/types.ts';

/** Commits further back than this are not looked at: a rollout's own commits are recent. */
const MAX_WALK = 500;

export interface RolloutHistoryEntry {
  sha: string;
  title: string;
  pullRequest?: number;
}

export async function rolloutHistory(repo: GitRepo, tip: string, service: string, rollout: string): Promise<RolloutHistoryEntry[]> {
  const out: RolloutHistoryEntry[] = [];
  let seen = 0;
  for await (const c of repo.walk(tip, { firstParent: true })) {
    if (++seen > MAX_WALK) break;
    const { title, trailers } = parsedCommit(c);
    if (!trailers || trailers.service !== service) continue;
    if (trailers.rollout !== rollout) break;
    out.push({ sha: c.sha, title, ...(trailers.pullRequest !== undefined ? { pullRequest: trailers.pullRequest } : {}) });
    // The start of the rollout: its first commit has step 1 and a fresh clock.
    if (trailers.phase === 'progressing' && trailers.step?.index === 1 && trailers.failedChecks === 0 && !trailers.judgment) break;
  }
  return out.reverse();
}
