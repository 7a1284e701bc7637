/**
 * A GitRepo whose updates of some refs stay in this process until `publish`
 * (issue "push once"): a tick stacks one commit per due service on production
 * and pushes them together, one compare-and-swap update per ref, instead of
 * one push per service. Reads see the staged values, so each service decides
 * on top of the ones before it, exactly as if each had been pushed.
 *
 * - `publish` moves each staged ref on the underlying repository from the
 *   value it had when first staged to the last one staged, in one
 *   `updateRefs` (a remote with native git: one atomic push; otherwise in the
 *   order the refs were named: notes before production, so a judgment
 *   record's note lands before the record). A lost race is the underlying
 *   GitConflictError; the staged values are then dropped (`discard`), since
 *   they were built on what the winner replaced.
 * - A ref that is not staged is updated straight away, after the staged ones
 *   are published: nothing reaches the server built on commits it lacks.
 */
import { movedRef } from './errors.ts';
import { toFullRef } from './paths.ts';
import type { GitRepo } from './types.ts';

interface Staged {
  /** The value when first staged (undefined: the ref did not exist). */
  from: string | undefined;
  to: string;
}

export interface StagedRepo extends GitRepo {
  /** Staged refs (full names) and their values, in publishing order. */
  staged(): ReadonlyMap<string, Readonly<Staged>>;
  /** Publish every staged ref (see above); nothing staged: nothing sent. Staged values are cleared either way. */
  publish(): Promise<void>;
  /** Forget what is staged (nothing is sent). */
  discard(): void;
}

/** `repo` with updates of `refs` (branch names or full refs) staged until `publish`. */
export function stageRefs(repo: GitRepo, refs: readonly string[]): StagedRepo {
  const order = refs.map(toFullRef);
  const held = new Map<string, Staged>();
  const stagedSha = (commitish: string) => held.get(toFullRef(commitish))?.to;
  // A branch name staged reads as its staged commit; anything else passes through.
  const at = (commitish: string) => (order.includes(toFullRef(commitish)) ? (stagedSha(commitish) ?? commitish) : commitish);

  const publish = async () => {
    const updates = order.flatMap((ref) => {
      const s = held.get(ref);
      return s && s.to !== s.from ? [{ ref, ...s }] : [];
    });
    held.clear();
    if (updates.length > 0) await repo.updateRefs(updates.map((u) => ({ ref: u.ref, newSha: u.to, expectedOld: u.from })));
  };

  const staged: StagedRepo = {
    label: repo.label,
    resolve: async (ref) => stagedSha(ref) ?? repo.resolve(ref),
    readFile: (commitish, path) => repo.readFile(at(commitish), path),
    listFiles: (commitish, dir) => repo.listFiles(at(commitish), dir),
    log: (commitish, options) => repo.log(at(commitish), options),
    walk: (commitish, options) => repo.walk(at(commitish), options),
    ensureCommit: (sha, ref) => repo.ensureCommit(sha, ref),
    createCommit: (options) => repo.createCommit(options),
    updateRef: async (ref, newSha, expectedOld) => {
      const fullRef = toFullRef(ref);
      if (!order.includes(fullRef)) {
        await publish();
        return repo.updateRef(ref, newSha, expectedOld);
      }
      const read = held.has(fullRef) ? undefined : await repo.resolve(fullRef);
      // Looked up after the await: another update may have staged it meanwhile.
      const s = held.get(fullRef);
      const current = s ? s.to : read;
      if (current !== expectedOld) throw movedRef(fullRef, current, expectedOld, repo.label);
      held.set(fullRef, { from: s ? s.from : expectedOld, to: newSha });
    },
    // What is staged stays: it is this run's own view of the refs, and a publish built on a
    // value the server no longer has loses its race there (GitConflictError) like any push.
    refresh: () => repo.refresh(),
    updateRefs: async (updates) => {
      for (const u of updates) await staged.updateRef(u.ref, u.newSha, u.expectedOld);
    },
    staged: () => new Map(order.flatMap((ref) => (held.has(ref) ? [[ref, { ...held.get(ref)! }] as const] : []))),
    publish,
    discard: () => held.clear(),
  };
  return staged;
}
