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

/** Parse `git cat-file --batch` output: `<oid> <type> <size>\n<bytes>\n` per object, `<oid> missing\n` for none. */
export function parseBatch(out: Buffer): { oid: string; type: string; bytes: Buffer }[] {
  const objects: { oid: string; type: string; bytes: Buffer }[] = [];
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(10, at);
    if (eol === -1) throw new Error('git cat-file --batch: a header without a newline');
    const [oid, type, size] = out.toString('latin1', at, eol).split(' ');
    at = eol + 1;
    if (type === 'missing' || size === undefined) continue;
    const n = Number(size);
    if (!oid || !Number.isSafeInteger(n) || at + n + 1 > out.length || out[at + n] !== 10) throw new Error(`git cat-file --batch: object ${oid} is cut short`);
    objects.push({ oid, type: type!, bytes: out.subarray(at, at + n) });
    at += n + 1;
  }
  return objects;
}

/**
 * `git rev-list <listArgs> | git cat-file --batch` in `gitdir`, as one shell
 * pipeline: one spawn from node (forking a large node process costs several
 * milliseconds; the shell's own forks do not). Resolves with cat-file's
 * output; a rev-list that fails midway only makes the list shorter, which
 * the walk reads on from itself.
 */
function listAndCat(gitdir: string, listArgs: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // GIT_NO_LAZY_FETCH: never a fetch from a partial clone's promisor remote (git 2.44+; only local objects are asked for anyway).
    const env = { ...nativeEnv(undefined, gitdir), GIT_NO_LAZY_FETCH: '1' };
    const script = 'dir=$1; shift; git --git-dir="$dir" rev-list "$@" | git --git-dir="$dir" cat-file --batch';
    const child = spawn('/bin/sh', ['-c', script, 'sh', gitdir, ...listArgs], { cwd: gitdir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4096);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`git cat-file exited ${code}: ${stderr.trim()}`))));
  });
}

/**
 * The store's bulk reader through native git: up to `count` commits from
 * `from` (its first-parent chain, or every parent in date order), each
 * remembered in the store's commit memo. Resolves with how many were read.
 */
export function nativeCommitReader(store: ObjectStore): NonNullable<ObjectStore['readCommitsInBulk']> {
  return async (from, count, firstParent) => {
    if (!isSha(from) || !Number.isSafeInteger(count) || count < 1) throw new Error(`not a commit id and a count: ${from} ${count}`);
    const listed = await listAndCat(store.gitdir, [...(firstParent ? ['--first-parent'] : []), `--max-count=${count}`, from, '--']);
    let n = 0;
    for (const o of parseBatch(listed)) {
      if (o.type !== 'commit' || store.commits?.has(o.oid)) continue;
      rememberCommit(store, o.oid, o.bytes);
      n++;
    }
    return n;
  };
}
