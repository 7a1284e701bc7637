/**
 * A tick over several services, pushed once (issue "push once"): each due
 * service's commit (one per transition, as always) is stacked on the ones
 * before it in a StagedRepo, and all of them reach the server in one
 * compare-and-swap update of production, with the notes ref when a judgment
 * wrote a note (native git: one atomic push of both; embedded: notes first).
 * GitHub and notifications hear of the decisions only once they are published.
 *
 * A lost race re-decides only what the winner changed: the services whose
 * commits did not land, and those the winner's commits name or may have
 * touched (a person's commit, a record of another worker); every other
 * service's decision stands, since it was made on a snapshot the winner did
 * not change for it.
 */
import { parsedCommit } from '../audit/trailers.ts';
import { CanaryError, GitConflictError } from '../errors.ts';
import { NOTES_REF } from '../audit/notes.ts';
import { stageRefs } from '../git/staged.ts';
import type { GitRepo } from '../git/types.ts';
import { withCompareAndSwap } from './retry.ts';
import { announce, decideService, errorReason, type ServiceTickResult, type TickServiceOptions } from './tick-service.ts';

export interface TickServicesOptions extends Omit<TickServiceOptions, 'name'> {
  /** The services to tick, in this order (results come back in it). */
  names: readonly string[];
}

/** How far back the winner's commits are read to learn what it changed; further means "everything may have". */
const MAX_WINNER_COMMITS = 1000;

/**
 * The services the commits from `tip` back to `base` (first parent) may have
 * changed: the one each git-canary commit names, or 'all' when a commit names
 * none (a person's) or `base` is not found soon.
 */
async function changedBy(repo: GitRepo, base: string | undefined, tip: string | undefined): Promise<Set<string> | 'all'> {
  if (tip === base) return new Set();
  if (!tip || !base) return 'all';
  const named = new Set<string>();
  let n = 0;
  for await (const c of repo.walk(tip, { firstParent: true })) {
    if (c.sha === base) return named;
    if (++n > MAX_WINNER_COMMITS) return 'all';
    const service = parsedCommit(c).trailers?.service;
    if (service === undefined) return 'all';
    named.add(service);
  }
  return 'all';
}

/** Tick `names`: decide each on top of the ones before, publish all commits at once, then announce. */
export async function tickServices(opts: TickServicesOptions): Promise<ServiceTickResult[]> {
  const production = opts.config.branches.production;
  // Notes before production: a judgment record's note is published before the record.
  const staged = stageRefs(opts.repo, [NOTES_REF, production]);
  const results = new Map<string, ServiceTickResult>();
  const committed = () => opts.names.filter((n) => results.get(n)?.commit);
  let pending: readonly string[] = opts.names;
  let base = await opts.repo.resolve(production);
  try {
    await withCompareAndSwap(
      async (attempt) => {
        if (attempt > 1) {
          // The staged commits are gone with the lost race: their services decide again, and so
          // do those the winner changed.
          const tip = await opts.repo.resolve(production);
          const changed = await changedBy(opts.repo, base, tip);
          const lost = new Set(committed());
          pending = opts.names.filter((n) => lost.has(n) || changed === 'all' || changed.has(n));
          base = tip;
        }
        for (const name of pending) results.set(name, await decideService({ ...opts, repo: staged, name }));
        if (opts.dryRun) return;
        try {
          await staged.publish();
        } catch (e) {
          staged.discard();
          throw e;
        }
      },
      {
        refresh: () => opts.repo.refresh(),
        sleep: opts.sleep,
        random: opts.random,
        onRetry: (attempt, wait) =>
          opts.log.info({ services: committed(), attempt, wait }, 'lost a race to another writer; refetching and deciding again what it changed'),
      },
    );
  } catch (e) {
    // None of this tick's production commits was published (with the embedded git, a note
    // may have been: harmless, it names a commit production never got): each service says why.
    const reason = e instanceof CanaryError ? errorReason(e) : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    for (const name of committed()) {
      const r = results.get(name)!;
      results.set(name, { ...r, decision: 'error', commit: null, reason: `${r.decision} not published: ${reason}`, rollout: null, phase: null, weight: null, step: null });
    }
    opts.log.info({ services: committed(), code: e instanceof CanaryError ? e.code : 'INTERNAL', conflict: e instanceof GitConflictError }, reason);
  }
  const out = opts.names.map((n) => results.get(n)!);
  for (const r of out) await announce({ ...opts, name: r.service }, r);
  return out;
}

/** One service's tick (decide, publish, announce): `tickServices` of one. */
export async function tickService(opts: TickServiceOptions): Promise<ServiceTickResult> {
  const [r] = await tickServices({ ...opts, names: [opts.name] });
  return r!;
}
