/**
 * Finding a service's newest record on production, however far back it is
 * (PRODUCT.md, "State is never forgotten"). Records are trusted only when:
 * - they are on production's first-parent history (a pull request merged into
 *   production brings its own commits in through a second parent: those are a
 *   contributor's, never git-canary's);
 * - author and committer are git-canary's configured identity;
 * - their trailers agree with the files they carry: `Canary-Weight` is the
 *   canary weight the route file holds at that commit (a paused record may
 *   stand on a route a person broke: it records that, so it is not read back).
 * Anything else carrying Canary-* trailers is a person's commit. The walk goes
 * until the record is found or history ends (a remote's shallow cache is
 * deepened on demand by GitRepo.walk), so the cost is the distance to the record.
 */
import { parseCommitMessage } from '../audit/trailers.ts';
import { commitTime } from '../audit/state.ts';
import { routeWeightOf } from '../engine/plan.ts';
import type { RolloutCommit } from '../engine/types.ts';
import { CanaryError } from '../errors.ts';
import type { CommitInfo, GitRepo, Identity } from '../git/types.ts';
import type { RouteConfig } from '../routers/types.ts';

export interface RecordSearch {
  service: string;
  route: RouteConfig;
  author: Identity;
}

export interface HistoryScan {
  /** The newest trusted record, if the service has one. */
  record?: RolloutCommit;
  /** First-parent commits from the tip down to (and including) the record, newest first; all of them when none. */
  commits: CommitInfo[];
}

function sameIdentity(a: Identity, b: Identity): boolean {
  return a.name === b.name && a.email === b.email;
}

/** Whether `c`, carrying `record`'s trailers, is one git-canary wrote for this service. */
async function trusted(repo: GitRepo, c: CommitInfo, record: RolloutCommit, search: RecordSearch): Promise<boolean> {
  if (!sameIdentity(c.author, search.author) || !sameIdentity(c.committer, search.author)) return false;
  const text = await repo.readFile(c.sha, search.route.file);
  if (text === undefined) return false;
  let weight: number;
  try {
    weight = routeWeightOf({ route: search.route }, text);
  } catch (e) {
    if (!(e instanceof CanaryError)) throw e;
    return record.trailers.phase === 'paused';
  }
  return weight === record.trailers.weight;
}

/** Walk production's first-parent history from `tip` to the service's newest trusted record. */
export async function findRecord(repo: GitRepo, tip: string, search: RecordSearch): Promise<HistoryScan> {
  const commits: CommitInfo[] = [];
  for await (const c of repo.walk(tip, { firstParent: true })) {
    commits.push(c);
    const { title, body, trailers } = parseCommitMessage(c.message);
    if (!trailers || trailers.service !== search.service) continue;
    const record: RolloutCommit = { sha: c.sha, at: commitTime(c), trailers, body, title };
    if (await trusted(repo, c, record, search)) return { record, commits };
  }
  return { commits };
}
