/**
 * Telling a broken cache from a working one, and putting a broken one aside.
 *
 * A cache is ours (a bare mirror under --cache-dir, rebuilt by fetching), so
 * when it is damaged (a torn or garbage config, a pack cut short or without
 * its index, a ref naming an object that is not there, a `shallow` listing
 * garbage) the cure is to move it aside and fetch afresh, never to fail every
 * run. The checks read sizes, trailers and index fan-outs only, never whole
 * packs. A ref the server lacks is not damage: the cache simply has no
 * tracking ref for it.
 */
import { closeSync, fstatSync, openSync, promises as fsp, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const SHA = /^[0-9a-f]{40}$/;

/** Lines of a git config file that git itself would parse (sections, keys, comments, continuations). */
function configProblem(text: string): string | undefined {
  if (text.includes('\0')) return 'config holds NUL bytes';
  let sections = 0;
  let continued = false;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '');
    if (continued) {
      continued = line.endsWith('\\');
      continue;
    }
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) continue;
    if (/^\[[A-Za-z0-9.-]+(\s+"([^"\\\n]|\\.)*")?\]\s*([#;].*)?$/.test(t)) {
      sections++;
      continue;
    }
    const key = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=(.*))?$/.exec(t);
    if (!key || sections === 0) return `config line ${i + 1} is not git config: ${JSON.stringify(t.slice(0, 60))}`;
    const value = (key[2] ?? '').trim();
    if (key[1]!.toLowerCase() === 'fetch' && !validRefspec(value)) return `config line ${i + 1} holds an invalid refspec: ${JSON.stringify(value.slice(0, 60))}`;
    continued = line.endsWith('\\');
  }
  return sections === 0 ? 'config has no section' : undefined;
}

function validRefspec(spec: string): boolean {
  const m = /^\^?\+?([^:\s]+)(?::([^:\s]+))?$/.exec(spec);
  if (!m) return false;
  const stars = (s: string | undefined) => (s ?? '').split('*').length - 1;
  return m[2] === undefined || stars(m[1]) === stars(m[2]);
}

function readBytes(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const bytesRead = readSync(fd, buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done);
}

/** A pack index: how many objects, where its names start, and the pack checksum it was made for. */
interface PackIndex {
  path: string;
  count: number;
  /** Offset of the sorted object names; `stride` bytes apart. */
  names: number;
  stride: number;
  fanout: number;
  packChecksum: Buffer;
}

function openIndex(path: string): PackIndex | string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = readBytes(fd, 0, 8);
    const v2 = head.length === 8 && head.readUInt32BE(0) === 0xff744f63;
    if (v2 && head.readUInt32BE(4) !== 2) return `${basename(path)} has an unknown version`;
    const fanout = v2 ? 8 : 0;
    if (size < fanout + 1024 + 40) return `${basename(path)} is cut short (${size} bytes)`;
    const count = readBytes(fd, fanout + 1020, 4).readUInt32BE(0);
    const min = v2 ? 8 + 1024 + count * 28 + 40 : 1024 + count * 24 + 40;
    if (size < min || (v2 ? (size - min) % 8 !== 0 : size !== min)) return `${basename(path)} has ${size} bytes, not what ${count} objects take`;
    return {
      path, count, fanout,
      names: v2 ? 8 + 1024 : 1024 + 4,
      stride: v2 ? 20 : 24,
      packChecksum: readBytes(fd, size - 40, 20),
    };
  } finally {
    closeSync(fd);
  }
}

/** Whether object `oid` is listed in pack index `idx` (binary search over the index file, not loading it). */
function indexHas(idx: PackIndex, oid: string): boolean {
  const want = Buffer.from(oid, 'hex');
  const fd = openSync(idx.path, 'r');
  try {
    const first = want[0]!;
    let lo = first === 0 ? 0 : readBytes(fd, idx.fanout + (first - 1) * 4, 4).readUInt32BE(0);
    let hi = readBytes(fd, idx.fanout + first * 4, 4).readUInt32BE(0);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const name = readBytes(fd, idx.names + mid * idx.stride, 20);
      const c = name.compare(want);
      if (c === 0) return true;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of attempt(() => readdirSync(dir, { withFileTypes: true }), [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

/** `what()`, or `otherwise` when it throws (a file that is not there). */
function attempt<T>(what: () => T, otherwise: T): T {
  try {
    return what();
  } catch {
    return otherwise;
  }
}

/**
 * What is wrong with the cache at `gitdir`, or undefined when nothing the
 * checks can see. A cache without a config yet is not broken (it is new).
 *
 * Its reads are synchronous: a few small ones at the start of a run, with
 * nothing else to do meanwhile; each asynchronous call would wait for the
 * thread pool (about 15 ms for all of them, on a no-op tick). Async only so
 * that a read that fails (permissions) is a rejection, as callers expect.
 */
export async function findBreakage(gitdir: string): Promise<string | undefined> {
  const config = attempt(() => readFileSync(join(gitdir, 'config'), 'utf8'), undefined);
  if (config === undefined) return undefined;
  const bad = configProblem(config);
  if (bad) return bad;

  const shallow = attempt(() => readFileSync(join(gitdir, 'shallow'), 'utf8'), '');
  const junk = shallow.split('\n').map((l) => l.trim()).find((l) => l !== '' && !SHA.test(l));
  if (junk !== undefined) return `shallow lists ${JSON.stringify(junk.slice(0, 60))}, not a commit id`;

  const packDir = join(gitdir, 'objects', 'pack');
  const names = attempt(() => readdirSync(packDir), [] as string[]);
  const indexes: PackIndex[] = [];
  for (const name of names.filter((n) => /^pack-[0-9a-f]+\.pack$/.test(n))) {
    const idxPath = join(packDir, name.replace(/\.pack$/, '.idx'));
    if (!names.includes(basename(idxPath))) return `${name} has no index`;
    const idx = openIndex(idxPath);
    if (typeof idx === 'string') return idx;
    const pack = openSync(join(packDir, name), 'r');
    try {
      const size = fstatSync(pack).size;
      const magic = readBytes(pack, 0, 4);
      if (size < 32 || magic.toString('latin1') !== 'PACK') return `${name} is not a pack (${size} bytes)`;
      if (!readBytes(pack, size - 20, 20).equals(idx.packChecksum)) return `${name} is cut short or damaged: its checksum is not the one its index names`;
    } finally {
      closeSync(pack);
    }
    indexes.push(idx);
  }
  for (const name of names.filter((n) => /^pack-[0-9a-f]+\.idx$/.test(n))) {
    if (!names.includes(name.replace(/\.idx$/, '.pack'))) return `${name} has no pack`;
  }

  const hasObject = (oid: string): boolean => {
    const loose = statSync(join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2)), { throwIfNoEntry: false });
    if (loose && loose.size > 0) return true;
    for (const idx of indexes) if (indexHas(idx, oid)) return true;
    return false;
  };

  const refs: [string, string][] = [];
  for (const path of listFiles(join(gitdir, 'refs'))) {
    const name = basename(path);
    // Lock files and our temporary files are not refs.
    if (name.endsWith('.lock')) continue;
    refs.push([path.slice(gitdir.length + 1), attempt(() => readFileSync(path, 'utf8'), '').trim()]);
  }
  const packed = attempt(() => readFileSync(join(gitdir, 'packed-refs'), 'utf8'), '');
  for (const line of packed.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('^')) continue;
    const [value, name] = line.split(' ');
    refs.push([name ?? '(packed-refs)', value ?? '']);
  }
  for (const [name, value] of refs) {
    if (value.startsWith('ref: ')) continue;
    if (!SHA.test(value)) return `ref ${name} holds ${JSON.stringify(value.slice(0, 60))}, not an object id`;
    if (!hasObject(value)) return `ref ${name} points at ${value}, which is not in the cache`;
  }
  return undefined;
}

/**
 * Move the cache at `gitdir` aside (`<gitdir>.broken-<pid>-<time>`), under its
 * lock (the caller holds it), keeping the two newest such copies for a person
 * to look at; returns where it went.
 */
export async function moveAside(gitdir: string): Promise<string> {
  const aside = `${gitdir}.broken-${process.pid}-${Date.now()}`;
  await fsp.rename(gitdir, aside);
  const prefix = `${basename(gitdir)}.broken-`;
  const old = (await fsp.readdir(dirname(gitdir)).catch(() => [] as string[]))
    .filter((n) => n.startsWith(prefix))
    .map((n) => ({ n, t: Number(n.split('-').pop()) }))
    .sort((a, b) => b.t - a.t)
    .slice(2);
  for (const { n } of old) await fsp.rm(join(dirname(gitdir), n), { recursive: true, force: true }).catch(() => {});
  return aside;
}

/** Whether `err` (from reading or fetching into a cache) looks like damage to the cache rather than the server's answer or the network. */
export function looksLikeDamage(err: unknown): boolean {
  const e = err as { message?: string; code?: string; cause?: unknown; data?: unknown } | undefined;
  const text = `${e?.message ?? ''} ${e?.code ?? ''}`;
  if (/Invalid refspec|not a valid packfile|packfile|\.idx|incorrect header check|invalid (stored block|distance|code)|unexpected end|ObjectTypeError|InternalError|Could not find [0-9a-f]{40}|not in the cache|ENOENT.*objects|ParseError|checksum/i.test(text)) {
    return true;
  }
  return e?.cause !== undefined && e.cause !== err ? looksLikeDamage(e.cause) : false;
}
