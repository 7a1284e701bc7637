/**
 * Commits read in bulk by native git, for long walks (`log` over a whole
 * history, a record thousands of commits back): `git rev-list` lists the next
 * commits of the walk and `git cat-file --batch` hands over their raw objects,
 * byte for byte, which the walk then finds in the store's commit memo instead
 * of inflating each one in JavaScript (about 14 µs a commit, plus the garbage).
 *
 * Only ever a shortcut: the objects are git's own bytes, parsed by the same
 * parseCommit, and whatever this cannot read (no git, a failure, a commit
 * beyond the shallow boundary) the walk reads itself, or deepens for, as
 * before. Nothing is fetched here: rev-list stops at the shallow boundary and
 * lists only commits the repository has.
 */
import { spawn } from 'node:child_process';
import { nativeEnv } from './native.ts';
import { isSha } from './paths.ts';
import { type ObjectStore, rememberCommit } from './read.ts';

/**
 * One object of `git cat-file --batch` output (`<oid> <type> <size>\n<bytes>\n`,
 * or `<oid> missing\n`) at `at`, or undefined when `out` ends before it does.
 */
export function objectAt(out: Buffer, at: number): { oid: string; type: string; bytes: Buffer; next: number } | { missing: true; next: number } | undefined {
  const eol = out.indexOf(10, at);
  if (eol === -1) return undefined;
  const [oid, type, size] = out.toString('latin1', at, eol).split(' ');
  if (type === 'missing' || size === undefined) return { missing: true, next: eol + 1 };
  const n = Number(size);
  if (!oid || !Number.isSafeInteger(n) || n < 0) throw new Error(`git cat-file --batch: a bad header for ${oid}`);
  if (eol + 1 + n + 1 > out.length) return undefined;
  if (out[eol + 1 + n] !== 10) throw new Error(`git cat-file --batch: object ${oid} is not followed by a newline`);
  return { oid, type: type!, bytes: out.subarray(eol + 1, eol + 1 + n), next: eol + 1 + n + 1 };
}

/**
 * The store's bulk reader through native git: up to `count` commits from
 * `from` (its first-parent chain, or every parent in date order), each
 * remembered in the store's commit memo as it arrives, so the walk goes on
 * while git is still listing (`git rev-list | git cat-file --batch`, as one
 * shell pipeline: one spawn from node; forking a large node process costs
 * several milliseconds, the shell's own forks do not). `enabled` says whether
 * native git may run (asked once a walk is long).
 */
export function nativeCommitReader(store: ObjectStore, enabled: () => Promise<boolean> = async () => true): NonNullable<ObjectStore['readCommitsInBulk']> {
  return (from, count, firstParent) => {
    const waiting = new Map<string, ((found: boolean) => void)[]>();
    let ended = false;
    let cancelled = false;
    let stop = () => {
      cancelled = true;
    };
    const settle = (sha: string, found: boolean) => {
      const list = waiting.get(sha);
      waiting.delete(sha);
      for (const resolve of list ?? []) resolve(found);
    };
    const finish = () => {
      ended = true;
      for (const sha of [...waiting.keys()]) settle(sha, false);
    };
    const done = (async () => {
      if (!isSha(from) || !Number.isSafeInteger(count) || count < 1) return 0;
      if (!(await enabled().catch(() => false)) || cancelled) return 0;
      return listAndCat(store.gitdir, [...(firstParent ? ['--first-parent'] : []), `--max-count=${count}`, from, '--'], (o) => {
        if (o.type !== 'commit') return false;
        const added = !store.commits?.has(o.oid);
        if (added) rememberCommit(store, o.oid, o.bytes);
        settle(o.oid, true);
        return added;
      }, (kill) => {
        stop = kill;
        if (cancelled) kill();
      });
    })()
      .catch(() => 0)
      .finally(finish);
    return {
      arrival: (sha) => {
        if (store.commits?.has(sha)) return Promise.resolve(true);
        if (ended) return Promise.resolve(false);
        return new Promise((resolve) => {
          const list = waiting.get(sha);
          if (list) list.push(resolve);
          else waiting.set(sha, [resolve]);
        });
      },
      done,
      cancel: () => stop(),
    };
  };
}

/**
 * `git rev-list <listArgs> | git cat-file --batch` in `gitdir`: `onObject`
 * sees each object as it arrives and says whether it counted. Resolves with
 * the count once the pipeline has ended; a rev-list that fails midway only
 * makes the list shorter, which the walk reads on from itself. `onStart` gets
 * a function that stops the pipeline.
 */
function listAndCat(
  gitdir: string,
  listArgs: string[],
  onObject: (o: { oid: string; type: string; bytes: Buffer }) => boolean,
  onStart: (kill: () => void) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    // GIT_NO_LAZY_FETCH: never a fetch from a partial clone's promisor remote (git 2.44+; only local objects are asked for anyway).
    const env = { ...nativeEnv(undefined, gitdir), GIT_NO_LAZY_FETCH: '1' };
    const script = 'dir=$1; shift; git --git-dir="$dir" rev-list "$@" | git --git-dir="$dir" cat-file --batch';
    const child = spawn('/bin/sh', ['-c', script, 'sh', gitdir, ...listArgs], { cwd: gitdir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let counted = 0;
    let pending: Buffer = Buffer.alloc(0);
    let failure: Error | undefined;
    const kill = () => {
      child.stdout.destroy();
      child.kill();
    };
    onStart(kill);
    child.stdout.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let at = 0;
      try {
        for (let o = objectAt(pending, at); o; o = objectAt(pending, at)) {
          at = o.next;
          if (!('missing' in o) && onObject(o)) counted++;
        }
      } catch (err) {
        // What cannot be read ends the read here: the walk reads the rest itself.
        failure = err as Error;
        kill();
      }
      pending = pending.subarray(at);
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4096);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (failure) reject(failure);
      else if (code === 0 || counted > 0) resolve(counted);
      else reject(new Error(`git cat-file exited ${code}: ${stderr.trim()}`));
    });
  });
}
