/**
 * Reads git objects (loose and packed, with deltas) straight from the object
 * database. isomorphic-git's readObject looks for a loose file first and lists
 * the pack directory again on every call: two failed system calls and a
 * directory read per object, which is most of the time of a walk over
 * thousands of commits (and of `log`). Here a packed object is found in the
 * indexes parsed once (objects.ts), the pack is read into memory once (as
 * isomorphic-git does too; read.ts refuses packs over the size limit before
 * anything is read), and the disk is looked at again only for an object no
 * known pack has: a new pack (after a fetch), then a loose file.
 *
 * The formats are git's (Documentation/gitformat-pack.txt): an entry header
 * of type and size, then zlib data; an OFS_DELTA names its base by a negative
 * offset in the same pack, a REF_DELTA by object id; a delta is the base and
 * result sizes, then copy and insert instructions.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { constants, inflateSync } from 'node:zlib';
import { GitError } from '../errors.ts';
import { deltaVarint, findInIndex, knownPacks, loadedPacks, type PackIndex, packsOf } from './objects.ts';

export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';

export interface RawObject {
  type: ObjectType;
  bytes: Buffer;
}

const TYPES: Record<number, ObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };
const OFS_DELTA = 6;
const REF_DELTA = 7;

/** Resolved delta bases kept per pack: a chain's base is usually the next object's base too. */
const BASE_CACHE_BYTES = 32 * 1024 * 1024;

interface PackData {
  bytes: Buffer;
  bases: Map<number, RawObject>;
  baseBytes: number;
}

const packData = new WeakMap<PackIndex, Promise<PackData>>();

function dataOf(pack: PackIndex): Promise<PackData> {
  let data = packData.get(pack);
  if (!data) {
    data = fsp.readFile(pack.packPath).then((bytes) => {
      loadedPacks.set(pack, bytes);
      return { bytes, bases: new Map(), baseBytes: 0 };
    });
    // A pack removed meanwhile (git gc in a local repository) is looked for again next time.
    data.catch(() => packData.delete(pack));
    packData.set(pack, data);
  }
  return data;
}

function corrupt(what: string, where: string): GitError {
  return new GitError(`${what} in ${where}`, { where: { detail: where }, hint: 'the repository is corrupt; check it with git fsck' });
}

/** Inflate zlib data starting at `start` whose inflated size is `size`. */
function inflateAt(bytes: Buffer, start: number, size: number, where: string): Buffer {
  // inflateSync stops at the end of the stream and ignores what follows it. An output
  // buffer of the size the header says (not zlib's 16 KiB chunks) inflates a small
  // object about twice as fast; a stream that would inflate to more fails early.
  let out: Buffer;
  try {
    out = inflateSync(bytes.subarray(start), {
      finishFlush: constants.Z_SYNC_FLUSH,
      chunkSize: Math.max(constants.Z_MIN_CHUNK, size),
      maxOutputLength: size + 1,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw corrupt(`an object inflates to more than the ${size} bytes its header says`, where);
    throw corrupt(`cannot inflate an object (${(err as Error).message})`, where);
  }
  if (out.length !== size) throw corrupt(`an object inflates to ${out.length} bytes, its header says ${size}`, where);
  return out;
}

/** The object `delta` makes of `base`. */
export function applyDelta(base: Buffer, delta: Buffer, where = 'a delta'): Buffer {
  const baseSize = deltaVarint(delta, 0);
  const result = baseSize ? deltaVarint(delta, baseSize.next) : undefined;
  if (!result || baseSize?.value !== base.length) throw corrupt('a delta does not fit its base', where);
  const resultSize = result.value;
  const p2 = result.next;
  const out = Buffer.allocUnsafe(resultSize);
  let o = 0;
  for (let i = p2; i < delta.length; ) {
    const op = delta[i++]!;
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let bit = 0; bit < 4; bit++) if (op & (1 << bit)) offset |= delta[i++]! << (8 * bit);
      for (let bit = 0; bit < 3; bit++) if (op & (0x10 << bit)) size |= delta[i++]! << (8 * bit);
      offset >>>= 0;
      if (size === 0) size = 0x10000;
      if (offset + size > base.length || o + size > resultSize) throw corrupt('a delta copies outside its base', where);
      base.copy(out, o, offset, offset + size);
      o += size;
    } else if (op > 0) {
      if (i + op > delta.length || o + op > resultSize) throw corrupt('a delta inserts past its end', where);
      delta.copy(out, o, i, i + op);
      o += op;
      i += op;
    } else {
      throw corrupt('a delta has a reserved instruction', where);
    }
  }
  if (o !== resultSize) throw corrupt('a delta is shorter than it says', where);
  return out;
}

/** The object at `offset` of `pack`; REF_DELTA bases through `byOid`. */
async function readPacked(pack: PackIndex, offset: number, byOid: (oid: string) => Promise<RawObject | undefined>, depth = 0): Promise<RawObject> {
  const where = pack.packPath;
  if (depth > 10_000) throw corrupt('a delta chain does not end', where);
  const data = await dataOf(pack);
  const cached = data.bases.get(offset);
  if (cached) return cached;
  const { bytes } = data;
  let pos = offset;
  let c = bytes[pos++]!;
  const kind = (c >> 4) & 7;
  let size = c & 15;
  let scale = 16;
  while (c & 0x80) {
    c = bytes[pos++]!;
    size += (c & 0x7f) * scale;
    scale *= 128;
  }
  const plain = TYPES[kind];
  if (plain) return { type: plain, bytes: inflateAt(bytes, pos, size, where) };
  let base: RawObject;
  if (kind === OFS_DELTA) {
    c = bytes[pos++]!;
    let back = c & 0x7f;
    while (c & 0x80) {
      c = bytes[pos++]!;
      back = (back + 1) * 128 + (c & 0x7f);
    }
    if (back <= 0 || back > offset) throw corrupt('a delta names a base outside the pack', where);
    base = await readPacked(pack, offset - back, byOid, depth + 1);
    remember(data, offset - back, base);
  } else if (kind === REF_DELTA) {
    const baseOid = bytes.subarray(pos, pos + 20).toString('hex');
    pos += 20;
    const found = await byOid(baseOid);
    if (!found) throw corrupt(`the base ${baseOid} of a delta is missing`, where);
    base = found;
  } else {
    throw corrupt(`an object of unknown type ${kind}`, where);
  }
  return { type: base.type, bytes: applyDelta(base.bytes, inflateAt(bytes, pos, size, where), where) };
}

function remember(data: PackData, offset: number, obj: RawObject): void {
  if (data.bases.has(offset)) return;
  if (data.baseBytes + obj.bytes.length > BASE_CACHE_BYTES) {
    data.bases.clear();
    data.baseBytes = 0;
  }
  data.bases.set(offset, obj);
  data.baseBytes += obj.bytes.length;
}

async function readLoose(gitdir: string, oid: string): Promise<RawObject | undefined> {
  const path = join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
  let deflated: Buffer;
  try {
    deflated = await fsp.readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
  let raw: Buffer;
  try {
    raw = inflateSync(deflated);
  } catch (err) {
    throw corrupt(`cannot inflate loose object ${oid} (${(err as Error).message})`, path);
  }
  const nul = raw.indexOf(0);
  const m = /^(commit|tree|blob|tag) (\d+)$/.exec(raw.subarray(0, nul).toString('latin1'));
  if (nul < 0 || !m || Number(m[2]) !== raw.length - nul - 1) throw corrupt(`loose object ${oid} has a bad header`, path);
  return { type: m[1] as ObjectType, bytes: raw.subarray(nul + 1) };
}

function inPacks(packs: readonly PackIndex[], oid: string): { pack: PackIndex; offset: number } | undefined {
  for (const pack of packs) {
    const offset = findInIndex(pack, oid);
    if (offset !== undefined) return { pack, offset };
  }
  return undefined;
}

/** Object `oid` of the store at `gitdir` (`cacheKey`: its per-store cache object), or undefined when absent. */
export async function readObjectRaw(gitdir: string, cacheKey: object, oid: string): Promise<RawObject | undefined> {
  const byOid = (id: string) => readObjectRaw(gitdir, cacheKey, id);
  const known = inPacks(knownPacks(cacheKey), oid);
  if (known) {
    try {
      return await readPacked(known.pack, known.offset, byOid);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // The pack went away (repacked): look again below.
    }
  }
  const at = inPacks(await packsOf(gitdir, cacheKey), oid);
  if (at) return readPacked(at.pack, at.offset, byOid);
  return readLoose(gitdir, oid);
}
