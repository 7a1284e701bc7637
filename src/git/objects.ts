/**
 * Where an object lives and how big it is, read from headers only: a loose
 * object's first inflated bytes, a pack entry's header at the offset its
 * `.idx` gives (and for a delta, the result size at the head of the delta).
 * Never the object itself, never a whole pack. isomorphic-git loads a whole
 * packfile into memory to read any object in it, so callers check sizes here
 * before asking it for anything (see read.ts).
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { constants, inflateSync } from 'node:zlib';

/** One pack's index (version 2), parsed once: packs are immutable, named by their content. */
export interface PackIndex {
  /** `objects/pack/pack-<hash>.pack`. */
  packPath: string;
  packSize: number;
  count: number;
  fanout: Uint32Array;
  shas: Buffer;
  offsets: Buffer;
  largeOffsets: Buffer;
}

export type ObjectLocation =
  | { kind: 'loose'; path: string }
  | { kind: 'packed'; pack: PackIndex; offset: number };

interface Packs {
  /** objects/pack's mtime when `list` was read. */
  mtimeMs: number;
  list: PackIndex[];
}

/** Parsed indexes per object store (keyed by its isomorphic-git cache object). */
const packCache = new WeakMap<object, { packs?: Packs; byName: Map<string, PackIndex> }>();

function parseIndex(bytes: Buffer, packPath: string, packSize: number): PackIndex | undefined {
  // Version 2 only (git's default since 1.5.2); version 1 has no magic: callers fall back.
  if (bytes.length < 8 + 1024 || bytes.readUInt32BE(0) !== 0xff744f63 || bytes.readUInt32BE(4) !== 2) return undefined;
  const fanout = new Uint32Array(256);
  for (let i = 0; i < 256; i++) fanout[i] = bytes.readUInt32BE(8 + i * 4);
  const count = fanout[255]!;
  const shaStart = 8 + 1024;
  const offStart = shaStart + count * 20 + count * 4;
  const largeStart = offStart + count * 4;
  if (bytes.length < largeStart + 40) return undefined;
  return {
    packPath, packSize, count, fanout,
    shas: bytes.subarray(shaStart, shaStart + count * 20),
    offsets: bytes.subarray(offStart, largeStart),
    largeOffsets: bytes.subarray(largeStart, bytes.length - 40),
  };
}

/** Packs already read whole (object-reader.ts): their headers are read from memory, not from the file again. */
export const loadedPacks = new WeakMap<PackIndex, Buffer>();

/** The store's packs, indexes parsed once; the pack directory is listed again only when its mtime changed. */
export async function packsOf(gitdir: string, cacheKey: object): Promise<PackIndex[]> {
  let entry = packCache.get(cacheKey);
  if (!entry) {
    entry = { byName: new Map() };
    packCache.set(cacheKey, entry);
  }
  const dir = join(gitdir, 'objects', 'pack');
  const st = await fsp.stat(dir).catch(() => undefined);
  if (!st) return [];
  if (entry.packs && entry.packs.mtimeMs === st.mtimeMs) return entry.packs.list;
  const names = (await fsp.readdir(dir)).filter((n) => n.endsWith('.idx')).sort();
  const list: PackIndex[] = [];
  for (const name of names) {
    let idx = entry.byName.get(name);
    if (!idx) {
      const packPath = join(dir, `${name.slice(0, -4)}.pack`);
      const packSt = await fsp.stat(packPath).catch(() => undefined);
      if (!packSt) continue;
      const bytes = await fsp.readFile(join(dir, name)).catch(() => undefined);
      idx = bytes ? parseIndex(bytes, packPath, packSt.size) : undefined;
      if (!idx) continue;
      entry.byName.set(name, idx);
    }
    list.push(idx);
  }
  entry.packs = { mtimeMs: st.mtimeMs, list };
  return list;
}

/** The packs listed by the last packsOf of this store, without looking at the disk again (objects in them never change). */
export function knownPacks(cacheKey: object): readonly PackIndex[] {
  return packCache.get(cacheKey)?.packs?.list ?? [];
}

/** The offset of `oid` in the pack of `idx`, or undefined. */
export function findInIndex(idx: PackIndex, oid: string): number | undefined {
  const want = Buffer.from(oid, 'hex');
  const first = want[0]!;
  let lo = first === 0 ? 0 : idx.fanout[first - 1]!;
  let hi = idx.fanout[first]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    // The index's sha at `mid` against the one wanted.
    const c = idx.shas.compare(want, 0, 20, mid * 20, mid * 20 + 20);
    if (c === 0) {
      const off = idx.offsets.readUInt32BE(mid * 4);
      if (off & 0x80000000) return Number(idx.largeOffsets.readBigUInt64BE((off & 0x7fffffff) * 8));
      return off;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return undefined;
}

/** Where `oid` is in the store: loose, in a pack (and where), or undefined when absent. */
export async function locateObject(gitdir: string, cacheKey: object, oid: string): Promise<ObjectLocation | undefined> {
  // The packs known already first (no system call: what is in them never changes), then the disk.
  for (const pack of knownPacks(cacheKey)) {
    const offset = findInIndex(pack, oid);
    if (offset !== undefined) return { kind: 'packed', pack, offset };
  }
  const path = join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
  if (await fsp.stat(path).then(() => true, () => false)) return { kind: 'loose', path };
  for (const pack of await packsOf(gitdir, cacheKey)) {
    const offset = findInIndex(pack, oid);
    if (offset !== undefined) return { kind: 'packed', pack, offset };
  }
  return undefined;
}

/** Inflate the start of a zlib stream (as many bytes as `head` allows); never the whole stream. */
function inflateHead(head: Buffer): Buffer {
  try {
    return inflateSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
}

async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const fh = await fsp.open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** A little-endian base-128 number (a delta's base and result sizes) at `pos`. */
export function deltaVarint(buf: Buffer, pos: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < buf.length; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (!(b & 0x80)) return { value, next: i + 1 };
  }
  return undefined;
}

/**
 * The size in bytes of object `oid` (for a delta, of the object it rebuilds),
 * from headers only; undefined when the object is absent, null when its
 * header cannot be read here (then ask isomorphic-git).
 */
export async function objectSize(gitdir: string, cacheKey: object, oid: string): Promise<number | null | undefined> {
  const at = await locateObject(gitdir, cacheKey, oid);
  if (!at) return undefined;
  if (at.kind === 'loose') {
    const head = inflateHead(await readAt(at.path, 0, 256));
    const m = /^(blob|tree|commit|tag) (\d+)\0/.exec(head.subarray(0, 64).toString('latin1'));
    return m ? Number(m[2]) : null;
  }
  const loaded = loadedPacks.get(at.pack);
  const buf = loaded ? loaded.subarray(at.offset, at.offset + 512) : await readAt(at.pack.packPath, at.offset, 512);
  if (buf.length === 0) return null;
  let b = buf[0]!;
  const type = (b >> 4) & 7;
  let size = b & 15;
  let scale = 16;
  let pos = 1;
  while (b & 0x80) {
    if (pos >= buf.length) return null;
    b = buf[pos++]!;
    size += (b & 0x7f) * scale;
    scale *= 128;
  }
  if (type >= 1 && type <= 4) return size;
  if (type === 6) {
    while (pos < buf.length && buf[pos++]! & 0x80) {
      // the base's negative offset: skipped
    }
  } else if (type === 7) pos += 20;
  else return null;
  const delta = inflateHead(buf.subarray(pos));
  const base = deltaVarint(delta, 0);
  const result = base ? deltaVarint(delta, base.next) : undefined;
  return result ? result.value : null;
}
