/**
 * Reads from the object database only: no checkout, no index, no work tree.
 * Shared by local and remote repositories; they differ only in how a branch
 * name becomes a commit id (see `commitOid`).
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { TreeEntry } from 'isomorphic-git';
import { GitError, ManifestError, PathError } from '../errors.ts';
import { DEFAULT_LIMITS } from '../manifests/types.ts';
import { type KeptObjects, keepObject, keptObject } from './kept-objects.ts';
import { locateObject, objectSize } from './objects.ts';
import { readObjectRaw } from './object-reader.ts';
import type { CommitInfo, Identity } from './types.ts';
import { isSha, splitRepoPath } from './paths.ts';

/** Where objects live; `cache` is isomorphic-git's per-repository pack cache. */
export interface ObjectStore {
  gitdir: string;
  cache: object;
  /** Repository label for messages. */
  label: string;
  /**
   * A partial clone (native git's `--filter=blob:limit`): a blob a tree names
   * but the store lacks was left out for its size, once `fetchTrees` (when
   * the store has it) has fetched the tree naming it and it still lacks it.
   */
  partial?: boolean;
  /**
   * Fetch trees the store lacks, each with everything under it but the blobs
   * over FILE_MAX_BYTES (remote.ts: deepens bring commits only, so an older
   * commit's tree arrives when it is first read, and a blob missing under a
   * tree is asked for the same way before it is called too large). Resolves
   * with every tree fetched (`oids` and any brought along) once they are in
   * the store; rejects when the fetch fails.
   */
  fetchTrees?: (oids: string[]) => Promise<string[]>;
  /** Trees `fetchTrees` fetched in this process: everything under them that is small is here. */
  fetchedTrees?: Set<string>;
  /**
   * Commits read so far, by sha (a commit never changes): every service of a
   * tick walks the same production history, and each walk after the first
   * reads it from here instead of inflating each commit again. Bounded by
   * COMMIT_MEMO_MAX; created on first use.
   */
  commits?: Map<string, CommitInfo>;
  /** Trees parsed so far, by id, for the same reason (every service's files hang off the same root tree). */
  trees?: Map<string, TreeEntry[]>;
  /** Large trees' entries by name (an `apps/` of 200 services is looked into 1,000 times a tick); by tree id. */
  treeNames?: Map<string, Map<string, TreeEntry>>;
  /** Each commit's root tree, by commit id: every file read starts there (200 services read 1,200 files of two commits). */
  rootTrees?: Map<string, string>;
  /**
   * Files read so far, by blob id, with their size: a service reads the same
   * blob on production and on candidate (and at its record), and each read
   * after the first skips locating, sizing and inflating it. Bounded by
   * BLOB_TEXT_MAX_BYTES in all; created on first use.
   */
  blobTexts?: { bytes: number; texts: Map<string, { text: string; bytes: number }> };
  /**
   * Start reading up to `count` commits from `from` (first-parent chain, or
   * every parent) into `commits`, when the repository has a faster way than
   * one object at a time (native git: native-commits.ts). Long walks use it
   * and go on as the commits arrive; a failure only means they read on one
   * commit at a time.
   */
  readCommitsInBulk?: (from: string, count: number, firstParent: boolean) => BulkRead;
  /**
   * Trees and files the last run read, kept beside a remote's cache (kept-objects.ts):
   * read from here, checked against their ids when loaded, instead of inflated from a pack.
   */
  kept?: KeptObjects;
}

/** A bulk read in progress: commits arrive in the store's memo as native git lists them. */
export interface BulkRead {
  /** Resolves true once commit `sha` is in the store's memo, false once the read has ended without it. Never rejects. */
  arrival(sha: string): Promise<boolean>;
  /** Resolves with how many commits it added, once it has ended; never rejects (a failure is a shorter read). */
  done: Promise<number>;
  /** Stop reading: the walk is over. */
  cancel(): void;
}

/** Commits kept in an ObjectStore's memo (about 0.5 KB each); the oldest read are dropped first. */
export const COMMIT_MEMO_MAX = 50_000;
/** What the files kept by blob id may hold in all (they are at most FILE_MAX_BYTES each). */
export const BLOB_TEXT_MAX_BYTES = 16 * 1024 * 1024;

/** Parse the raw commit object `bytes` of `sha` into the store's memo. */
export function rememberCommit(store: ObjectStore, sha: string, bytes: Uint8Array): CommitInfo {
  return remember(store, strip(parseCommit(sha, bytes)));
}

function remember(store: ObjectStore, commit: CommitInfo): CommitInfo {
  store.commits ??= new Map();
  const memo = store.commits;
  if (memo.size >= COMMIT_MEMO_MAX) memo.delete(memo.keys().next().value!);
  memo.set(commit.sha, commit);
  return commit;
}

/**
 * The largest file `readFileAt` reads (manifests' size limit, which also
 * bounds config files and judgment notes): checked from the object's header,
 * before anything is inflated. Also the blob filter of a native partial cache.
 */
export const FILE_MAX_BYTES = DEFAULT_LIMITS.maxBytes;

/**
 * The largest packfile isomorphic-git may read: it loads a whole pack into
 * memory to read any object in it. GIT_CANARY_MAX_PACK_MB raises it.
 */
export function maxPackBytes(): number {
  const mb = Number(process.env.GIT_CANARY_MAX_PACK_MB);
  return (Number.isFinite(mb) && mb > 0 ? mb : 256) * 1024 * 1024;
}

/**
 * Refuse, before isomorphic-git reads `oid`, a pack it would have to load
 * whole that is over `maxPackBytes()`: a clear error instead of gigabytes.
 */
async function guardPack(store: ObjectStore, oid: string): Promise<void> {
  const at = await locateObject(store.gitdir, store.cache, oid);
  if (at?.kind !== 'packed' || at.pack.packSize <= maxPackBytes()) return;
  throw new GitError(`packfile ${at.pack.packPath} is ${at.pack.packSize} bytes, over the ${maxPackBytes()}-byte limit of what is read into memory`, {
    where: { detail: store.label },
    hint: store.partial
      ? 'the cache holds a pack this large: remove the cache directory to rebuild it, or raise GIT_CANARY_MAX_PACK_MB'
      : 'git-canary reads a whole pack to read any object in it: read the repository over http(s) with native git installed (a partial clone leaves large files out), repack it without the large files, or raise GIT_CANARY_MAX_PACK_MB',
    data: { pack: at.pack.packPath, bytes: at.pack.packSize, limit: maxPackBytes() },
  });
}

const SYMLINK = '120000';
const TREE = '040000';
const SUBMODULE = '160000';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Read an object's raw bytes, or undefined when it is not in the store. */
async function readRaw(store: ObjectStore, oid: string): Promise<{ type: string; bytes: Uint8Array } | undefined> {
  const held = keptObject(store.kept, oid);
  if (held) return held;
  await guardPack(store, oid);
  const raw = await readObjectRaw(store.gitdir, store.cache, oid);
  if (raw) keepObject(store.kept, oid, raw.type, raw.bytes);
  return raw;
}

/** Parse `Name <email> 1700000000 +0130` the way isomorphic-git reports it (offset in minutes, sign inverted like Date#getTimezoneOffset). */
function parsePerson(line: string): Identity & { timestamp: number; timezoneOffset: number } {
  const m = /^(.*) <(.*)> (-?\d+) ([+-])(\d\d)(\d\d)$/.exec(line);
  if (!m) return { name: line, email: '', timestamp: 0, timezoneOffset: 0 };
  const minutes = Number(m[5]) * 60 + Number(m[6]);
  return {
    name: m[1] ?? '',
    email: m[2] ?? '',
    timestamp: Number(m[3]),
    timezoneOffset: minutes === 0 ? 0 : m[4] === '+' ? -minutes : minutes,
  };
}

/**
 * Parse a commit object ourselves rather than with `readCommit`: isomorphic-git
 * normalises the message (drops CR, forces one trailing newline), and callers
 * need the message exactly as it was written.
 */
export function parseCommit(sha: string, bytes: Uint8Array): CommitInfo & { tree: string } {
  // A view, not a copy: a long walk parses thousands of commits.
  const text = (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('utf8');
  const split = text.indexOf('\n\n');
  const headerEnd = split === -1 ? text.length : split;
  const message = split === -1 ? '' : text.slice(split + 2);
  let tree = '';
  const parents: string[] = [];
  let author: CommitInfo['author'] | undefined;
  let committer: CommitInfo['committer'] | undefined;
  for (let start = 0; start <= headerEnd; ) {
    const eol = text.indexOf('\n', start);
    const end = eol === -1 || eol > headerEnd ? headerEnd : eol;
    const line = text.slice(start, end);
    start = end + 1;
    const space = line.indexOf(' ');
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'tree' && !tree) tree = value;
    else if (key === 'parent') parents.push(value);
    else if (key === 'author') author = parsePerson(value);
    else if (key === 'committer' && !committer) committer = parsePerson(value);
  }
  author ??= parsePerson('');
  return { sha, tree, parents, message, author, committer: committer ?? author };
}

/** The commit `oid` (peeling annotated tags), or a GitError when it is not here. */
export async function readCommitInfo(store: ObjectStore, oid: string): Promise<CommitInfo & { tree: string }> {
  let current = oid;
  for (let hops = 0; hops < 10; hops++) {
    const raw = await readRaw(store, current);
    if (!raw) break;
    if (raw.type === 'commit') return parseCommit(current, raw.bytes);
    if (raw.type !== 'tag') {
      throw new GitError(`${oid} is a ${raw.type}, not a commit`, { where: { detail: store.label }, hint: 'pass a commit id, branch or ref' });
    }
    const target = /^object ([0-9a-f]{40})$/m.exec(Buffer.from(raw.bytes).toString('utf8'));
    if (!target?.[1]) break;
    current = target[1];
  }
  throw new GitError(`commit ${oid} is not in the repository`, {
    where: { detail: store.label },
    hint: 'for a remote, read its branch first (resolve fetches it); an older commit may be beyond the fetch depth',
  });
}

/** Entries of tree `oid` as isomorphic-git reports them (a directory's mode as 040000). */
export async function readTreeEntries(store: ObjectStore, oid: string): Promise<TreeEntry[]> {
  const known = store.trees?.get(oid);
  if (known) return known;
  let raw = await readRaw(store, oid);
  if (!raw && store.fetchTrees) {
    await fetchTreesOnce(store, [oid]);
    raw = await readRaw(store, oid);
  }
  if (raw?.type !== 'tree') {
    throw new GitError(raw ? `${oid} is a ${raw.type}, not a tree` : `tree ${oid} is not in the repository`, {
      where: { detail: store.label },
      hint: 'the repository is missing objects or is corrupt; check it with git fsck',
    });
  }
  store.trees ??= new Map();
  if (store.trees.size >= COMMIT_MEMO_MAX) store.trees.clear();
  const entries = parseTree(raw.bytes);
  store.trees.set(oid, entries);
  return entries;
}

/** `store.fetchTrees` of `oids`, remembered as fetched (a tree fetched once holds everything small under it). */
async function fetchTreesOnce(store: ObjectStore, oids: string[]): Promise<void> {
  const fetched = await store.fetchTrees!(oids);
  store.fetchedTrees ??= new Set();
  if (store.fetchedTrees.size >= COMMIT_MEMO_MAX) store.fetchedTrees.clear();
  for (const oid of fetched) store.fetchedTrees.add(oid);
}

/** A tree object's entries: `<mode> <name>\0<20-byte id>`, repeated. */
export function parseTree(bytes: Uint8Array): TreeEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: TreeEntry[] = [];
  for (let i = 0; i < buf.length; ) {
    const space = buf.indexOf(0x20, i);
    const nul = buf.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 21 > buf.length) throw new GitError('a tree object is malformed', { hint: 'the repository is corrupt; check it with git fsck' });
    const rawMode = buf.toString('latin1', i, space);
    const mode = rawMode === '40000' ? TREE : rawMode;
    const type = mode === TREE ? 'tree' : mode === SUBMODULE ? 'commit' : 'blob';
    out.push({ mode, path: buf.toString('utf8', space + 1, nul), oid: buf.toString('hex', nul + 1, nul + 21), type });
    i = nul + 21;
  }
  return out;
}

/** The entry `name` of tree `oid` (not parsed yet: knownTreeEntry), or undefined; a tree of many entries is indexed by name once. */
async function readTreeEntry(store: ObjectStore, oid: string, name: string): Promise<TreeEntry | undefined> {
  const entries = await readTreeEntries(store, oid);
  if (entries.length < 32) return entries.find((e) => e.path === name);
  store.treeNames ??= new Map();
  if (store.treeNames.size >= COMMIT_MEMO_MAX) store.treeNames.clear();
  // The first of a name, as a search would find it (git refuses trees naming one twice; a damaged one still reads the same).
  const byName = new Map<string, TreeEntry>();
  for (const e of entries) if (!byName.has(e.path)) byName.set(e.path, e);
  store.treeNames.set(oid, byName);
  return byName.get(name);
}

/** What knownTreeEntry says of a tree not parsed yet. */
const MISSING = Symbol('tree not read yet');

/**
 * The entry `name` of tree `oid` when the tree was parsed already (undefined: it has none), without
 * a promise: a tick's thousand file reads walk trees it holds, and each await was a turn of the loop.
 */
function knownTreeEntry(store: ObjectStore, oid: string, name: string): TreeEntry | undefined | typeof MISSING {
  const indexed = store.treeNames?.get(oid);
  if (indexed) return indexed.get(name);
  const entries = store.trees?.get(oid);
  if (!entries || entries.length >= 32) return MISSING;
  return entries.find((e) => e.path === name);
}

/**
 * Walk `segments` down from `treeOid`. Returns the entry found, or undefined
 * when some segment is absent (or a file stands where a directory should be).
 * A symlink anywhere on the way is refused: following it could leave the repo.
 */
async function findEntry(store: ObjectStore, treeOid: string, segments: string[], path: string, trees?: string[]) {
  let entry: TreeEntry = { mode: TREE, path: '', oid: treeOid, type: 'tree' };
  for (const name of segments) {
    if (entry.type !== 'tree') return undefined;
    trees?.push(entry.oid);
    const known = knownTreeEntry(store, entry.oid, name);
    const next = known === MISSING ? await readTreeEntry(store, entry.oid, name) : known;
    if (!next) return undefined;
    if (next.mode === SYMLINK) {
      throw new PathError('path is or goes through a symlink', {
        where: { file: path },
        hint: 'git-canary reads regular files only; replace the symlink with the file',
      });
    }
    entry = next;
  }
  return entry;
}

/** The root tree of commit `oid` (peeling tags), remembered: a commit never changes. */
export async function rootTree(store: ObjectStore, oid: string): Promise<string> {
  const known = store.rootTrees?.get(oid);
  if (known) return known;
  const { tree } = await readCommitInfo(store, oid);
  store.rootTrees ??= new Map();
  if (store.rootTrees.size >= COMMIT_MEMO_MAX) store.rootTrees.clear();
  store.rootTrees.set(oid, tree);
  return tree;
}

/**
 * Text of `path` in commit `commitOid`, byte-exact, or undefined when absent.
 * A file over `maxBytes` (or, in a partial cache, left out for its size) is a
 * ManifestError naming it and `at` (the branch or commit asked for), found
 * from the object's header: the file itself is never read.
 */
export async function readFileAt(
  store: ObjectStore, commitOid: string, path: string, at: string | (() => Promise<string>) = commitOid, maxBytes = FILE_MAX_BYTES,
): Promise<string | undefined> {
  const segments = splitRepoPath(path);
  const tree = store.rootTrees?.get(commitOid) ?? (await rootTree(store, commitOid));
  // The trees on the way, for a partial store that may have to ask for a missing blob (readSized).
  const trees = store.fetchTrees ? [] : undefined;
  const entry = await findEntry(store, tree, segments, path, trees);
  if (!entry) return undefined;
  if (entry.type !== 'blob') {
    const what = entry.mode === SUBMODULE ? 'a submodule' : 'a directory';
    throw new GitError(`path is ${what}, not a file`, {
      where: { file: path, detail: store.label },
      hint: 'git-canary reads files: name a file inside it instead',
    });
  }
  const kept = store.blobTexts?.texts.get(entry.oid);
  if (kept && kept.bytes <= maxBytes) return kept.text;
  // A kept file (kept-objects.ts) is its own size: neither located nor sized in a pack.
  const held = keptObject(store.kept, entry.oid);
  const raw = held?.type === 'blob' && held.bytes.byteLength <= maxBytes ? held : await readSized(store, entry.oid, path, at, maxBytes, trees);
  const blob = raw.bytes;
  try {
    const text = utf8.decode(blob);
    keepBlobText(store, entry.oid, text, blob.byteLength);
    return text;
  } catch {
    throw new GitError('file is not UTF-8 text', {
      where: { file: path, detail: store.label },
      hint: 'git-canary edits text manifests only',
    });
  }
}

/**
 * Blob `oid` of `path`, read once its header says it is at most `maxBytes`:
 * a larger one (or one a partial cache left out for its size) is a
 * ManifestError naming `at`, and it is never inflated. `trees`: the trees
 * from the root to the blob's directory.
 */
async function readSized(
  store: ObjectStore, oid: string, path: string, at: string | (() => Promise<string>), maxBytes: number, trees?: string[],
): Promise<{ type: string; bytes: Uint8Array }> {
  let size = await objectSize(store.gitdir, store.cache, oid);
  const directory = trees?.at(-1);
  if (size === undefined && store.fetchTrees && directory !== undefined && !trees!.some((t) => store.fetchedTrees?.has(t))) {
    // Missing from a partial store: left out for its size, or never sent (a tree that came without
    // its files: another git's lazy fetch, a server that counted it as ours). Its directory's tree,
    // fetched with the blob filter, settles which: a blob still missing then is over the limit.
    await fetchTreesOnce(store, [directory]);
    size = await objectSize(store.gitdir, store.cache, oid);
  }
  const named = async () => {
    const name = typeof at === 'function' ? await at() : at;
    return isSha(name) ? name.slice(0, 7) : name;
  };
  if (size === undefined && !store.partial) {
    const on = await named();
    throw new GitError(`${path} on ${on}: its blob ${oid} is not in the repository`, {
      where: { file: path, branch: on, detail: store.label },
      hint: 'the repository is missing objects; check it with git fsck',
    });
  }
  if (size === undefined || (size !== null && size > maxBytes)) {
    const on = await named();
    throw new ManifestError(`${path} on ${on} is larger than ${maxBytes} bytes${size ? ` (${size} bytes)` : ''}`, {
      where: { file: path, branch: on },
      hint: `git-canary reads files of at most ${maxBytes} bytes (the manifest size limit): split the file, or leave it out of the services' files`,
      data: { limit: maxBytes, ...(size ? { bytes: size } : {}), blob: oid },
    });
  }
  const raw = await readRaw(store, oid);
  if (raw?.type !== 'blob') {
    throw new GitError(`${path}: its blob ${oid} cannot be read`, {
      where: { file: path, detail: store.label },
      hint: 'the repository is missing objects or is corrupt; check it with git fsck',
    });
  }
  return raw;
}

function keepBlobText(store: ObjectStore, oid: string, text: string, bytes: number): void {
  store.blobTexts ??= { bytes: 0, texts: new Map() };
  const memo = store.blobTexts;
  if (memo.bytes + bytes > BLOB_TEXT_MAX_BYTES) {
    memo.texts.clear();
    memo.bytes = 0;
  }
  memo.texts.set(oid, { text, bytes });
  memo.bytes += bytes;
}

/** Every regular file under `dir` (repo-relative paths, sorted); symlinks and submodules are skipped. */
export async function listFilesAt(store: ObjectStore, commitOid: string, dir = ''): Promise<string[]> {
  const segments = splitRepoPath(dir, { allowRoot: true });
  const tree = await rootTree(store, commitOid);
  const start = await findEntry(store, tree, segments, dir);
  if (!start) return [];
  if (start.type !== 'tree') {
    throw new GitError('path is a file, not a directory', { where: { file: dir, detail: store.label }, hint: 'read it with readFile' });
  }
  const out: string[] = [];
  const walk = async (oid: string, prefix: string): Promise<void> => {
    for (const e of await readTreeEntries(store, oid)) {
      const p = prefix ? `${prefix}/${e.path}` : e.path;
      if (e.type === 'tree') await walk(e.oid, p);
      else if (e.type === 'blob' && e.mode !== SYMLINK) out.push(p);
    }
  };
  await walk(start.oid, segments.join('/'));
  return out.sort();
}

/**
 * Commits reachable from `startOid`, newest committer date first (like
 * `git log`). A parent that is not in the store (a shallow boundary) ends that
 * line of history instead of failing.
 */
export async function logFrom(store: ObjectStore, startOid: string, depth?: number): Promise<CommitInfo[]> {
  const limit = depth !== undefined && depth > 0 ? depth : Number.POSITIVE_INFINITY;
  const out: CommitInfo[] = [];
  const seen = new Set<string>([startOid]);
  const queue: CommitInfo[] = [strip(await readCommitInfo(store, startOid))];
  while (queue.length > 0 && out.length < limit) {
    // Small queues (history is mostly linear): a sort beats a heap in clarity.
    queue.sort((a, b) => b.committer.timestamp - a.committer.timestamp);
    const commit = queue.shift()!;
    out.push(commit);
    for (const parent of commit.parents) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      const raw = await readRaw(store, parent);
      if (raw?.type === 'commit') queue.push(strip(parseCommit(parent, raw.bytes)));
    }
  }
  return out;
}

/**
 * How a walk gets a parent that is not in the store. Called with the child and
 * the parents it lacks; resolves once they are readable (a remote deepens its
 * shallow cache) or throws a GitError naming the commit. Never "history ends here".
 */
export type MissingParents = (child: CommitInfo, missing: string[]) => Promise<void>;

/** The commit `oid`, or undefined when it is not in the store (a missing parent). */
async function readParent(store: ObjectStore, oid: string): Promise<CommitInfo | undefined> {
  const known = store.commits?.get(oid);
  if (known) return known;
  const raw = await readRaw(store, oid);
  if (!raw) return undefined;
  if (raw.type !== 'commit') {
    throw new GitError(`parent ${oid} is a ${raw.type}, not a commit`, {
      where: { detail: store.label },
      hint: 'the repository is corrupt; check it with git fsck',
    });
  }
  return remember(store, strip(parseCommit(oid, raw.bytes)));
}

/** Read `oids` (parents of `child`), asking `onMissing` once for those the store lacks. */
async function readParents(store: ObjectStore, child: CommitInfo, oids: string[], onMissing: MissingParents): Promise<CommitInfo[]> {
  const found = await Promise.all(oids.map((oid) => readParent(store, oid)));
  const missing = oids.filter((_, i) => !found[i]);
  if (missing.length === 0) return found as CommitInfo[];
  await onMissing(child, missing);
  const out: CommitInfo[] = [];
  for (const [i, oid] of oids.entries()) {
    const commit = found[i] ?? (await readParent(store, oid));
    if (!commit) {
      throw new GitError(`parent ${oid} of commit ${child.sha} is not in the repository`, {
        where: { detail: store.label },
        hint: 'the history cannot be read completely; check the repository with git fsck',
      });
    }
    out.push(commit);
  }
  return out;
}

/**
 * Commits from `startOid`, newest first, read one at a time as the caller
 * pulls them. `firstParent`: the first-parent chain only (a branch's own
 * history; commits of merged branches are not yielded). Otherwise every
 * parent, newest committer date first (like `git log`; ties in the order
 * reached). Ends only at root commits; a parent that is not in the store goes
 * to `onMissing`, which makes it readable or throws.
 */
export async function* walkFrom(
  store: ObjectStore,
  startOid: string,
  options: { firstParent: boolean; onMissing: MissingParents },
): AsyncGenerator<CommitInfo> {
  const start = store.commits?.get(startOid) ?? remember(store, strip(await readCommitInfo(store, startOid)));
  const bulk = bulkReads(store, options.firstParent);
  try {
    if (options.firstParent) {
      let commit = start;
      for (;;) {
        yield commit;
        const first = commit.parents[0];
        if (first === undefined) return;
        await bulk.before(commit, [first]);
        [commit] = (await readParents(store, commit, [first], options.onMissing)) as [CommitInfo];
      }
    }
    const queue = new CommitQueue();
    const seen = new Set<string>([start.sha]);
    queue.push(start);
    for (let commit = queue.pop(); commit; commit = queue.pop()) {
      yield commit;
      // Parents are read only when the caller asks for the next commit.
      const fresh = commit.parents.filter((p) => !seen.has(p));
      for (const p of fresh) seen.add(p);
      if (fresh.length > 0) await bulk.before(commit, fresh);
      if (fresh.length > 0) for (const parent of await readParents(store, commit, fresh, options.onMissing)) queue.push(parent);
    }
  } finally {
    // The caller stopped (or the history ended): git need not list any further.
    bulk.cancel();
  }
}

/** Commits a walk reads one at a time before it reads on in bulk (most walks end sooner: a record is usually recent). */
const BULK_AFTER = 256;
/** The first bulk read, and the largest: each one after is four times the one before. */
const BULK_FIRST = 4096;
const BULK_MAX = 16_384;

/**
 * For a walk: before the parents of `commit` are read, and once the walk is
 * long, read the commits ahead in bulk (store.readCommitsInBulk) when the
 * memo lacks them, and wait for a parent the read in progress has not
 * delivered yet (git lists them in the walk's order). Bounded: a bulk read of
 * n commits only after n more walked, so a walk never asks for more than
 * about 4x what it reads; `cancel` stops the read in progress.
 */
function bulkReads(store: ObjectStore, firstParent: boolean): { before(commit: CommitInfo, parents: string[]): Promise<void>; cancel(): void } {
  let walked = 0;
  let next = BULK_AFTER;
  let size = BULK_FIRST;
  let current: BulkRead | undefined;
  return {
    async before(commit, parents) {
      walked++;
      const read = store.readCommitsInBulk;
      const missing = parents.filter((p) => !store.commits?.has(p));
      if (!read || missing.length === 0) return;
      if (walked >= next) {
        current?.cancel();
        const count = size;
        next = walked + count;
        size = Math.min(size * 4, BULK_MAX);
        current = read(commit.sha, count, firstParent);
      }
      // Only a shortcut: a parent the read does not bring is read one at a time, as it would be anyway.
      if (current) for (const p of missing) await current.arrival(p);
    },
    cancel() {
      current?.cancel();
    },
  };
}

/** A max-heap on committer date; equal dates come out in the order they went in. */
class CommitQueue {
  private heap: { commit: CommitInfo; n: number }[] = [];
  private count = 0;

  private before(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    const dt = x.commit.committer.timestamp - y.commit.committer.timestamp;
    return dt > 0 || (dt === 0 && x.n < y.n);
  }

  private swap(a: number, b: number): void {
    const t = this.heap[a]!;
    this.heap[a] = this.heap[b]!;
    this.heap[b] = t;
  }

  push(commit: CommitInfo): void {
    this.heap.push({ commit, n: this.count++ });
    for (let i = this.heap.length - 1; i > 0; ) {
      const up = (i - 1) >> 1;
      if (!this.before(i, up)) break;
      this.swap(i, up);
      i = up;
    }
  }

  pop(): CommitInfo | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (!top || !last) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < this.heap.length && this.before(l, best)) best = l;
        if (r < this.heap.length && this.before(r, best)) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top.commit;
  }
}

/** A commit of a history whose parents are (partly) not in the store. */
export interface HistoryEdge {
  child: string;
  missing: string[];
}

/**
 * The commits of a history the store has, explored once each (every parent),
 * and its edges: commits whose parents are missing. After the store grows
 * (a deepen), `explore` again goes on from the edges only.
 */
export class HistoryFrontier {
  private readonly seen = new Set<string>();
  private pending: CommitInfo[];

  private constructor(
    private readonly store: ObjectStore,
    tip: CommitInfo,
  ) {
    this.seen.add(tip.sha);
    this.pending = [tip];
  }

  static async start(store: ObjectStore, tipOid: string): Promise<HistoryFrontier> {
    return new HistoryFrontier(store, strip(await readCommitInfo(store, tipOid)));
  }

  /** Explore as far as the store allows; the edges found (none: the history is complete). */
  async explore(): Promise<HistoryEdge[]> {
    const stack = this.pending;
    this.pending = [];
    const edges: HistoryEdge[] = [];
    for (let commit = stack.pop(); commit; commit = stack.pop()) {
      const missing: string[] = [];
      for (const oid of commit.parents) {
        if (this.seen.has(oid)) continue;
        const parent = await readParent(this.store, oid);
        if (!parent) missing.push(oid);
        else {
          this.seen.add(oid);
          stack.push(parent);
        }
      }
      if (missing.length > 0) {
        edges.push({ child: commit.sha, missing });
        // Explored again next time: its parents may have arrived.
        this.pending.push(commit);
      }
    }
    return edges;
  }
}

/** Whether the store holds object `oid` (kept beside the cache, packed or loose), without reading it. */
export async function hasObject(store: ObjectStore, oid: string): Promise<boolean> {
  return keptObject(store.kept, oid) !== undefined || (await locateObject(store.gitdir, store.cache, oid)) !== undefined;
}

/** Whether `oid` is a commit in the store (annotated tags are not peeled). */
export async function hasCommit(store: ObjectStore, oid: string): Promise<boolean> {
  return (await readRaw(store, oid))?.type === 'commit';
}

/** The oids listed in `<gitdir>/shallow` (commits whose parents a shallow fetch left out). */
export async function readShallow(gitdir: string): Promise<Set<string>> {
  const text = await fsp.readFile(join(gitdir, 'shallow'), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  return new Set(text.split('\n').map((l) => l.trim()).filter((l) => /^[0-9a-f]{40}$/.test(l)));
}

function strip({ tree: _tree, ...info }: CommitInfo & { tree: string }): CommitInfo {
  return info;
}

/** A resolver of commitish → sha: a sha as is; a branch or ref must exist (GitError naming it otherwise). */
export function commitResolver(
  resolve: (ref: string) => Promise<string | undefined>,
  label: string,
): (commitish: string) => Promise<string> {
  return async (commitish) => {
    if (isSha(commitish)) return commitish;
    const oid = await resolve(commitish);
    if (!oid) {
      throw new GitError(`branch or ref ${commitish} does not exist`, {
        where: { branch: commitish, detail: label },
        hint: 'create the branch first, or check the branch names in git-canary.yaml',
      });
    }
    return oid;
  };
}
