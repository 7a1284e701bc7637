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
 * deepened on demand by GitRepo.walk), so the cost is the distance to the
 * record; the services of one run share one walk (ProductionHistory).
 */
import { parsedCommit } from '../audit/trailers.ts';
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
  /** First-parent commits from the tip down to (and including) the record, newest first; all of them when none. Shared: never modify. */
  commits: readonly CommitInfo[];
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

/**
 * Production's first-parent history from one tip, read once for every
 * service of a run (PRODUCT.md's "walk once"): commits are read lazily, as far
 * as the service looking furthest back needs, and indexed by the service their
 * trailers name, so a service finds its candidate records without looking at
 * other services' commits again. A history whose tip's first-parent chain
 * soon reaches a tip read before (a tick's own commits stacked on production)
 * reads only the new commits and goes on in the older history.
 */
class ProductionHistory {
  /** Commits this history read itself, newest first. */
  private readonly own: CommitInfo[] = [];
  /** Service name → positions in `own` of commits whose trailers name it. */
  private readonly named = new Map<string, number[]>();
  private reading: Promise<boolean> | undefined;
  /** A failed read fails every later read too: a history cut short must never look like one that ended. */
  private failed: { error: unknown } | undefined;

  constructor(
    /** Where `own` continues; undefined once it has ended (a root commit, or `base`). */
    private source: AsyncIterator<CommitInfo> | undefined,
    /** The history `own` continues into: the older tip this one is stacked on. */
    private readonly base?: ProductionHistory,
  ) {}

  /** Whether a read failed here or below: a later search starts again rather than inherit the failure. */
  get broken(): boolean {
    return this.failed !== undefined || (this.base?.broken ?? false);
  }

  add(c: CommitInfo): void {
    const service = parsedCommit(c).trailers?.service;
    if (service !== undefined) {
      let at = this.named.get(service);
      if (!at) {
        at = [];
        this.named.set(service, at);
      }
      at.push(this.own.length);
    }
    this.own.push(c);
  }

  /** Read a few more commits; false when `own` has ended. One read at a time: the walk is an iterator. */
  private more(): Promise<boolean> {
    if (this.failed) return Promise.reject(this.failed.error);
    this.reading ??= (async () => {
      try {
        for (let n = 0; n < 64; n++) {
          const next = await this.source?.next();
          if (!next || next.done) {
            this.source = undefined;
            return n > 0;
          }
          this.add(next.value);
        }
        return true;
      } catch (error) {
        this.failed = { error };
        throw error;
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }

  /** Commits naming `service`, newest first, with their position from this tip: as far back as the caller pulls. */
  async *naming(service: string, offset = 0): AsyncGenerator<{ commit: CommitInfo; at: number }> {
    for (let k = 0; ; k++) {
      const at = this.named.get(service);
      if (at && k < at.length) {
        yield { commit: this.own[at[k]!]!, at: offset + at[k]! };
        continue;
      }
      if (this.source && (await this.more())) {
        k--;
        continue;
      }
      break;
    }
    if (this.base) yield* this.base.naming(service, offset + this.own.length);
  }

  /** The first `n` commits from the tip (all of them when n is undefined), reading as far as needed. */
  async first(n?: number): Promise<readonly CommitInfo[]> {
    while (this.source && (n === undefined || this.own.length < n)) await this.more();
    // The array itself only once it can no longer grow: an answer never changes after it is given.
    if (!this.base) return n === undefined && !this.source ? this.own : this.own.slice(0, n);
    if (n !== undefined && n <= this.own.length) return this.own.slice(0, n);
    const rest = await this.base.first(n === undefined ? undefined : n - this.own.length);
    return [...this.own, ...rest];
  }
}

/** How far a new tip's first-parent chain is followed to find a tip read before (a tick stacks one commit per due service). */
const STACK_DEPTH = 32;

const histories = new WeakMap<GitRepo, Map<string, ProductionHistory>>();

/** The shared history of `tip` in `repo`: one per tip, stacked on an older tip's when it soon reaches one. */
async function historyOf(repo: GitRepo, tip: string): Promise<ProductionHistory> {
  const known = histories.get(repo) ?? new Map<string, ProductionHistory>();
  histories.set(repo, known);
  const found = known.get(tip);
  if (found && !found.broken) return found;
  for (const [at, h] of known) if (h.broken) known.delete(at);
  const walk = repo.walk(tip, { firstParent: true })[Symbol.asyncIterator]();
  const head: CommitInfo[] = [];
  let history: ProductionHistory | undefined;
  for (let n = 0; n < STACK_DEPTH && known.size > 0; n++) {
    const next = await walk.next();
    if (next.done) break;
    const older = known.get(next.value.sha);
    if (older) {
      await walk.return?.();
      history = new ProductionHistory(undefined, older);
      break;
    }
    head.push(next.value);
  }
  history ??= new ProductionHistory(walk);
  for (const c of head) history.add(c);
  // Another caller may have made it while this one read.
  const raced = known.get(tip);
  if (raced && !raced.broken) return raced;
  known.set(tip, history);
  return history;
}

/** Walk production's first-parent history from `tip` to the service's newest trusted record (one shared walk per tip and repository). */
export async function findRecord(repo: GitRepo, tip: string, search: RecordSearch): Promise<HistoryScan> {
  const history = await historyOf(repo, tip);
  for await (const { commit: c, at } of history.naming(search.service)) {
    const { title, body, trailers } = parsedCommit(c);
    if (!trailers) continue;
    const record: RolloutCommit = { sha: c.sha, at: commitTime(c), trailers, body, title };
    if (await trusted(repo, c, record, search)) return { record, commits: await history.first(at + 1) };
  }
  return { commits: await history.first() };
}
