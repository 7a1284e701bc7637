/**
 * Trees and files a run read from a remote's cache, kept beside it for the
 * next run, whole and raw, in one file.
 *
 * A tick reads the same few hundred small objects every time (200 services:
 * their directories' trees and their manifests, on production and on
 * candidate), and inflating each from its pack costs more than the rest of
 * the service's work. A git object is named by its content's SHA-1, so a kept
 * copy can be checked exactly: every object is hashed again when the file is
 * loaded, and a file with one object that does not match its name (damaged,
 * truncated, written by something else) is not used at all. So a kept object
 * is never a guess; it is the object.
 *
 * Only trees and blobs are kept, never commits: whether a commit is in the
 * cache says where a shallow history ends, and that must come from git. The
 * file holds what the last run that read something new used (first) and what
 * was kept before it (after), up to KEPT_OBJECTS_MAX_BYTES; it is written
 * only when a run read an object it did not hold, so a no-op tick that reads
 * what the last one read writes nothing.
 *
 * Format (`objects-v1.bin`): the 8 bytes `GCOBJS1\n`, then per object its
 * 20-byte id, the length of what follows (4 bytes, big-endian) and the object
 * as git hashes it (`<type> <size>\0` and its bytes), so that checking it is
 * one SHA-1 of bytes already in place.
 */
import crypto from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { flushAlso, MEMO_DIR } from '../memo.ts';
import { writeFileAtomic } from './atomic-fs.ts';
import { looseObject, sha1 } from './object-writer.ts';

/** Where in a remote's cache the objects are kept: beside the memos, so a cache moved aside takes them along. */
export const KEPT_OBJECTS_FILE = join(MEMO_DIR, 'objects-v1.bin');

/** Where a local repository's are kept: in the cache directory, beside the memos, named by a hash of the repository's git directory. */
export function localKeptObjectsFile(cacheDir: string, gitdir: string): string {
  return join(cacheDir, MEMO_DIR, `objects-${crypto.createHash('sha256').update(gitdir).digest('hex').slice(0, 16)}-v1.bin`);
}

const MAGIC = Buffer.from('GCOBJS1\n', 'latin1');
export type KeptType = 'blob' | 'tree';

/** What the kept objects may hold in all; the objects used last come first. */
export const KEPT_OBJECTS_MAX_BYTES = 8 * 1024 * 1024;
/** The largest object kept (manifests are at most 1 MiB; a larger tree is rare and cheap to read again). */
export const KEPT_OBJECT_MAX_BYTES = 1024 * 1024;

export interface KeptObject {
  type: KeptType;
  bytes: Uint8Array;
}

export interface KeptObjects {
  path: string;
  /** The objects loaded, and those read since: by id. */
  objects: Map<string, KeptObject>;
  /** Ids this run read (kept or not), in the order first read. */
  used: Set<string>;
  /** Whether this run read an object the file did not hold (then it is written). */
  added: boolean;
  /** Whether there was a file when loaded (a new one may make others of local repositories go). */
  existed: boolean;
}

/** `<type> <size>\0` at the start of `loose`, when it is a blob's or a tree's and `size` is the rest's length. */
function looseHeader(loose: Buffer): { type: KeptType; start: number } | undefined {
  const nul = loose.indexOf(0);
  if (nul < 0 || nul > 32) return undefined;
  const m = /^(blob|tree) (0|[1-9]\d*)$/.exec(loose.toString('latin1', 0, nul));
  if (!m || Number(m[2]) !== loose.length - nul - 1) return undefined;
  return { type: m[1] as KeptType, start: nul + 1 };
}

/**
 * The objects in `buf`, every one checked against its id; undefined when the
 * file is not exactly what `encodeKeptObjects` writes.
 */
export function decodeKeptObjects(buf: Buffer): Map<string, KeptObject> | undefined {
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const out = new Map<string, KeptObject>();
  for (let i = MAGIC.length; i < buf.length; ) {
    if (i + 24 > buf.length) return undefined;
    const length = buf.readUInt32BE(i + 20);
    const start = i + 24;
    if (start + length > buf.length) return undefined;
    const loose = buf.subarray(start, start + length);
    const head = looseHeader(loose);
    if (!head || !sha1(loose).equals(buf.subarray(i, i + 20))) return undefined;
    out.set(buf.toString('hex', i, i + 20), { type: head.type, bytes: loose.subarray(head.start) });
    i = start + length;
  }
  return out;
}

/** The file holding `objects` in this order, up to `maxBytes` of object bytes. */
export function encodeKeptObjects(objects: Iterable<[string, KeptObject]>, maxBytes = KEPT_OBJECTS_MAX_BYTES): Buffer {
  const parts: Buffer[] = [MAGIC];
  let total = 0;
  for (const [oid, o] of objects) {
    if (total + o.bytes.byteLength > maxBytes) continue;
    total += o.bytes.byteLength;
    const loose = looseObject(o.type, o.bytes);
    const head = Buffer.alloc(24);
    head.write(oid, 0, 20, 'hex');
    head.writeUInt32BE(loose.length, 20);
    parts.push(head, loose);
  }
  return Buffer.concat(parts);
}

/** The objects kept at `path` (none when there is no file, or it is not what this code writes). */
export function loadKeptObjects(path: string): KeptObjects {
  let objects: Map<string, KeptObject> | undefined;
  let existed = false;
  try {
    const bytes = readFileSync(path);
    existed = true;
    objects = decodeKeptObjects(bytes);
  } catch {
    // None yet, or unreadable: start empty (it is only ever a shortcut).
  }
  return { path, objects: objects ?? new Map(), used: new Set(), added: false, existed };
}

/** Give `store` the objects kept at `path`, written with the memos when the run has read new ones (memo.ts flushAlso). */
export function keepObjectsOf(store: { kept?: KeptObjects }, path: string): void {
  const kept = loadKeptObjects(path);
  store.kept = kept;
  // A second call for the same file (a rebuilt cache) replaces the first.
  flushAlso(path, () => saveKeptObjects(kept));
}

/** The kept object `oid`, noted as used; undefined when it is not kept. */
export function keptObject(kept: KeptObjects | undefined, oid: string): KeptObject | undefined {
  const o = kept?.objects.get(oid);
  if (o) kept!.used.add(oid);
  return o;
}

/** Keep an object this run read from the cache's packs (trees and blobs of at most KEPT_OBJECT_MAX_BYTES). */
export function keepObject(kept: KeptObjects | undefined, oid: string, type: string, bytes: Uint8Array): void {
  if (!kept || (type !== 'blob' && type !== 'tree') || bytes.byteLength > KEPT_OBJECT_MAX_BYTES) return;
  kept.used.add(oid);
  if (kept.objects.has(oid)) return;
  kept.objects.set(oid, { type, bytes });
  kept.added = true;
}

/** Write the kept objects when this run read new ones, whole or not at all; never rejects (a cache is a shortcut). */
export async function saveKeptObjects(kept: KeptObjects): Promise<void> {
  if (!kept.added) return;
  const { objects, used } = kept;
  const ordered = function* (): Generator<[string, KeptObject]> {
    for (const oid of used) yield [oid, objects.get(oid)!];
    for (const entry of objects) if (!used.has(entry[0])) yield entry;
  };
  try {
    await fsp.mkdir(dirname(kept.path), { recursive: true });
    await writeFileAtomic(kept.path, encodeKeptObjects(ordered()));
    kept.added = false;
    // A local repository's first file: the others are looked at then, not on every write.
    if (!kept.existed && LOCAL_KEPT.test(basename(kept.path))) await forgetLocalRepositories(dirname(kept.path));
    kept.existed = true;
  } catch {
    // Not written: the next run reads these from the packs again.
  }
}

/** Local repositories' files (localKeptObjectsFile). */
const LOCAL_KEPT = /^objects-[0-9a-f]{16}-v1\.bin$/;
/** The local repositories whose files are kept: the most recently written (a worker reads one or a few). */
const LOCAL_KEPT_MAX = 32;
/** A local repository's file not written for this long goes whatever the count (the repository may be long gone). */
const LOCAL_KEPT_IDLE_MS = 30 * 24 * 3600 * 1000;

/** Remove the files of local repositories beyond the LOCAL_KEPT_MAX most recently written, and those idle for LOCAL_KEPT_IDLE_MS. */
async function forgetLocalRepositories(dir: string): Promise<void> {
  const now = Date.now();
  const files: { path: string; written: number }[] = [];
  for (const name of await fsp.readdir(dir)) {
    if (!LOCAL_KEPT.test(name)) continue;
    const path = join(dir, name);
    const st = await fsp.stat(path).catch(() => undefined);
    if (st) files.push({ path, written: st.mtimeMs });
  }
  files.sort((a, b) => b.written - a.written);
  for (const [i, f] of files.entries()) {
    if (i >= LOCAL_KEPT_MAX || now - f.written > LOCAL_KEPT_IDLE_MS) await fsp.rm(f.path, { force: true });
  }
}
