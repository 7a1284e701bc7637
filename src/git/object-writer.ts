/**
 * Writes loose objects as git does: the id is the SHA-1 of
 * `<type> <size>\0<content>`, the file that, deflated, at
 * objects/<2 hex>/<38 hex>, written to a temporary file in the same directory
 * and renamed into place (atomic-fs.ts says why). An object the store has
 * already (loose or packed) is not written again: objects are named by their
 * content. isomorphic-git's writeObject deflates through the web
 * CompressionStream, whose first use loads Node's fetch implementation: about
 * 0.2 s of every committing tick, for three small objects.
 */
import crypto, { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { TreeEntry } from 'isomorphic-git';
import { writeFileAtomic } from './atomic-fs.ts';
import { locateObject } from './objects.ts';

export type WritableType = 'blob' | 'tree' | 'commit';

/** An object as git hashes and stores it: `<type> <size>\0` and its content. */
export function looseObject(type: string, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${type} ${content.byteLength}\0`, 'latin1'), content]);
}

/** SHA-1 of `data`: one call where node has crypto.hash (20.12+). */
export const sha1: (data: Uint8Array) => Buffer = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha1', data, 'buffer')
  : (data) => crypto.createHash('sha1').update(data).digest();

/** The git id of a `type` object of `content`. */
export function gitObjectId(type: string, content: Uint8Array): string {
  return sha1(looseObject(type, content)).toString('hex');
}

/** Write `content` as an object of `type` into the store at `gitdir`; its id. */
export async function writeLooseObject(gitdir: string, cacheKey: object, type: WritableType, content: Uint8Array): Promise<string> {
  const raw = looseObject(type, content);
  const oid = sha1(raw).toString('hex');
  if (await locateObject(gitdir, cacheKey, oid)) return oid;
  const path = join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
  await fsp.mkdir(dirname(path), { recursive: true });
  // git's own prefix for temporary object files (fsck and prune know it).
  await writeFileAtomic(path, deflateSync(raw), undefined, `tmp_obj_${process.pid}_${randomBytes(6).toString('hex')}_${oid.slice(2, 10)}`);
  return oid;
}

/** git's order of tree entries: by name, a directory as if its name ended in `/`. */
function sortKey(e: TreeEntry): Buffer {
  return Buffer.from(e.type === 'tree' ? `${e.path}/` : e.path, 'utf8');
}

/** A tree object's bytes: `<mode> <name>\0<20-byte id>` per entry, in git's order (a directory's mode as 40000). */
export function treeBytes(entries: readonly TreeEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => Buffer.compare(sortKey(a), sortKey(b)));
  return Buffer.concat(
    sorted.flatMap((e) => [Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.path}\0`, 'utf8'), Buffer.from(e.oid, 'hex')]),
  );
}
