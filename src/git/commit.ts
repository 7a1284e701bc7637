/**
 * Build a commit from a parent and a list of file changes by writing blobs,
 * trees and the commit object straight into the object database. Nothing is
 * checked out and no ref moves; `updateRef` publishes the result.
 */
import type { TreeEntry } from 'isomorphic-git';
import { treeBytes, writeLooseObject } from './object-writer.ts';
import { GitError, PathError } from '../errors.ts';
import type { CreateCommitOptions, FileChange, Identity } from './types.ts';
import { isSha, splitRepoPath } from './paths.ts';
import { type ObjectStore, readCommitInfo, readTreeEntries } from './read.ts';
import { scrub } from '../secrets.ts';

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** Changes grouped as a tree: a string/null leaf is a file change, a Map a directory. */
type ChangeTree = Map<string, string | null | ChangeTree>;

function groupChanges(changes: FileChange[]): ChangeTree {
  const root: ChangeTree = new Map();
  for (const change of changes) {
    const segments = splitRepoPath(change.path);
    let node = root;
    for (const [i, name] of segments.entries()) {
      const last = i === segments.length - 1;
      const existing = node.get(name);
      if (last) {
        if (existing instanceof Map) throw conflict(change.path, 'is also used as a directory in the same commit');
        if (existing !== undefined) throw conflict(change.path, 'is changed twice in the same commit');
        node.set(name, change.content);
      } else {
        if (existing !== undefined && !(existing instanceof Map)) {
          throw conflict(change.path, 'is below a path changed as a file in the same commit');
        }
        const child: ChangeTree = existing ?? new Map();
        node.set(name, child);
        node = child;
      }
    }
  }
  return root;
}

function conflict(path: string, why: string): GitError {
  return new GitError(`path ${why}`, { where: { file: path }, hint: 'each path can be written or deleted once, as a file' });
}

/**
 * Apply `changes` to the tree `baseOid` (undefined: empty) and write the
 * result. Returns undefined when the result is an empty directory, which git
 * does not store (its parent drops the entry).
 */
async function applyToTree(
  store: ObjectStore,
  baseOid: string | undefined,
  changes: ChangeTree,
  prefix: string,
): Promise<string | undefined> {
  const entries = new Map<string, TreeEntry>();
  if (baseOid) for (const e of await readTreeEntries(store, baseOid)) entries.set(e.path, e);
  for (const [name, change] of changes) {
    const path = prefix ? `${prefix}/${name}` : name;
    const existing = entries.get(name);
    if (existing?.mode === '120000' && change !== null) {
      throw new PathError('path is a symlink in the parent commit', {
        where: { file: path },
        hint: 'git-canary does not write through or over symlinks',
      });
    }
    if (change instanceof Map) {
      if (existing && existing.type !== 'tree') throw conflict(path, 'is a file in the parent commit, not a directory');
      const oid = await applyToTree(store, existing?.oid, change, path);
      if (oid) entries.set(name, { mode: '040000', path: name, oid, type: 'tree' });
      else entries.delete(name);
    } else if (change === null) {
      // Deleting what is not there is a no-op, like `git rm --ignore-unmatch`.
      if (existing?.type === 'tree') throw conflict(path, 'is a directory; delete the files in it');
      entries.delete(name);
    } else {
      if (existing?.type === 'tree') throw conflict(path, 'is a directory in the parent commit, not a file');
      const oid = await writeLooseObject(store.gitdir, store.cache, 'blob', Buffer.from(change, 'utf8'));
      // Keep an executable bit the file already had.
      const mode = existing?.mode === '100755' ? '100755' : '100644';
      entries.set(name, { mode, path: name, oid, type: 'blob' });
    }
  }
  if (entries.size === 0) return prefix ? undefined : EMPTY_TREE;
  return writeLooseObject(store.gitdir, store.cache, 'tree', treeBytes([...entries.values()]));
}

/** `Name <email> 1700000000 +0000`, refusing characters that would corrupt the header. */
function person(who: Identity, seconds: number): string {
  for (const value of [who.name, who.email]) {
    if (/[<>\n\r\0]/.test(value)) {
      throw new GitError(`invalid commit identity ${JSON.stringify(value)}`, {
        hint: 'names and emails cannot contain <, > or line breaks',
      });
    }
  }
  return `${who.name} <${who.email}> ${seconds} +0000`;
}

/**
 * Write the tree and commit for `options`; returns the commit id. The commit
 * object is rendered here rather than by isomorphic-git's `writeCommit`, which
 * would rewrite the message (strip CR, force a trailing newline): the message
 * is stored exactly as given. Dates are written in UTC so the id depends only
 * on the inputs.
 */
export async function createCommitIn(store: ObjectStore, options: CreateCommitOptions): Promise<string> {
  const { parent, changes, author, date } = options;
  // The last edge before history: no form of a secret of the run is ever committed (src/secrets.ts).
  const message = scrub(options.message);
  const committer = options.committer ?? author;
  const seconds = Math.floor(date.getTime() / 1000);
  if (!Number.isFinite(seconds)) throw new GitError('invalid commit date', { hint: 'pass a valid Date' });
  if (message.includes('\0')) throw new GitError('commit message contains a NUL byte', { hint: 'commit messages are text' });

  let baseTree: string | undefined;
  if (parent !== undefined) {
    if (!isSha(parent)) {
      throw new GitError(`parent ${JSON.stringify(parent)} is not a commit id`, {
        hint: 'resolve the branch first and pass the full 40-character sha',
      });
    }
    baseTree = (await readCommitInfo(store, parent)).tree;
  }
  const extra = options.extraParents ?? [];
  for (const p of extra) {
    if (!isSha(p) || parent === undefined) {
      throw new GitError(`extra parent ${JSON.stringify(p)} is not a commit id after a first parent`, { hint: 'pass full 40-character shas' });
    }
    await readCommitInfo(store, p);
  }
  const tree = await applyToTree(store, baseTree, groupChanges(changes), '');
  const header = [
    `tree ${tree}`,
    ...(parent ? [`parent ${parent}`] : []),
    ...extra.map((p) => `parent ${p}`),
    `author ${person(author, seconds)}`,
    `committer ${person(committer, seconds)}`,
  ].join('\n');
  const object = Buffer.from(`${header}\n\n${message}`, 'utf8');
  return writeLooseObject(store.gitdir, store.cache, 'commit', object);
}
