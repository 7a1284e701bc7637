/**
 * Bounded memos for pure functions of text that every service of a tick
 * calls on the same inputs (200 services read the same unchanged files on
 * production and candidate). Only results are kept, never errors: an error
 * names where it happened (a branch), which the next caller's may differ in.
 * When full, a memo starts afresh (a run's working set is what matters).
 *
 * A memo given a name is also kept on disk between runs, once a command has
 * said where (`keepMemosIn`, for a remote's cache): a no-op tick then reads
 * the verdicts of the files it read last time instead of parsing them again.
 * The file is keyed by the build (a hash of the sources, package.json and the
 * YAML library's version, which scripts/build.mjs gives the CLI bundle's entry), so a verdict is only ever reused
 * by the very code that reached it; run from the sources (tsx), nothing is
 * kept. Entries are keyed by a SHA-256 of the input, never the input itself
 * (no manifest text lands in the cache). A file that cannot be read is an
 * empty memo: it is only ever a shortcut.
 */
import { createHash } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './git/atomic-fs.ts';

/** The folder of a cache (a remote's, or the cache directory for local repositories) that kept memos live in. */
export const MEMO_DIR = 'git-canary-memo';

/** The build's identity, or undefined when running from the sources (the CLI bundle's entry sets it). */
let buildId: string | undefined;

/** Called by the bundle's entry (scripts/build.mjs) with the build's identity. */
export function setBuildId(id: string): void {
  buildId = id;
}

/** The build's identity, or undefined when running from the sources. */
export const currentBuildId = (): string | undefined => buildId;

/** Entries kept on disk per memo (about 60 bytes each), unless the memo says fewer; the oldest go first. */
const KEPT_MAX = 4096;
/** Memos that keep fewer entries on disk (large values), by name. */
const keptMax = new Map<string, number>();

interface Kept {
  path: string;
  memos: Record<string, Record<string, unknown>>;
  dirty: boolean;
}

let kept: Kept | undefined;

/**
 * Keep named memos in `dir` (created when written) from now on; loads what an
 * earlier run kept there. No-op when running from the sources.
 */
export function keepMemosIn(dir: string, build: string | undefined = buildId): void {
  if (!build) return;
  const path = join(dir, `memo-${build}.json`);
  if (kept?.path === path) return;
  let memos: Kept['memos'] = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) memos = parsed as Kept['memos'];
  } catch {
    // None yet, or unreadable: start empty.
  }
  kept = { path, memos, dirty: false };
}

/** Other things a run learnt that are kept on disk (kept-objects.ts), written with the memos; by what they write. */
const alsoFlushed = new Map<string, () => Promise<void>>();

/** Have `flushMemos` also run `write` (once; a second call for `key` replaces the first), which must never reject. */
export function flushAlso(key: string, write: () => Promise<void>): void {
  alsoFlushed.set(key, write);
}

/** Write what the named memos learnt since loading, whole or not at all; never rejects (a cache is a shortcut). */
export async function flushMemos(): Promise<void> {
  const others = [...alsoFlushed.values()];
  alsoFlushed.clear();
  await Promise.all([writeMemos(), ...others.map((write) => write())]);
}

async function writeMemos(): Promise<void> {
  if (!kept?.dirty) return;
  const { path, memos } = kept;
  for (const [name, memo] of Object.entries(memos)) {
    const digests = Object.keys(memo);
    for (const old of digests.slice(0, Math.max(0, digests.length - (keptMax.get(name) ?? KEPT_MAX)))) delete memo[old];
  }
  try {
    const dir = dirname(path);
    await fsp.mkdir(dir, { recursive: true });
    await writeFileAtomic(path, JSON.stringify(memos));
    if (kept?.path === path) kept.dirty = false;
    // Another build's memos are never read by this one: gone (one running still rewrites its own).
    for (const name of await fsp.readdir(dir)) if (/^memo-[\w-]+\.json$/.test(name) && join(dir, name) !== path) await fsp.rm(join(dir, name), { force: true });
  } catch {
    // Not written (writeFileAtomic left no temporary file): the memo stays in memory only.
  }
}

/** The directory named memos are kept in (keepMemosIn), or undefined when none are kept. */
export function keptMemoDir(): string | undefined {
  return kept ? dirname(kept.path) : undefined;
}

/** Stop keeping memos on disk (tests; a command that opens another cache). */
export function forgetKeptMemos(): void {
  kept = undefined;
}

/** Values that survive JSON exactly: kept memos hold only these. */
function keepable(v: unknown): boolean {
  return typeof v === 'boolean' || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

/** The named memo kept on disk (created empty), or undefined when none is kept. */
function keptMemo(name: string): Record<string, unknown> | undefined {
  if (!kept) return undefined;
  kept.memos[name] ??= {};
  return kept.memos[name];
}

export class TextMemo<V> {
  private readonly entries = new Map<string, V>();

  /**
   * `name`: also kept on disk, under this name (only booleans, strings and
   * finite numbers are), at most `onDisk` entries of it (default 4,096).
   */
  constructor(
    private readonly max = 4096,
    private readonly name?: string,
    onDisk?: number,
  ) {
    if (name && onDisk !== undefined) keptMax.set(name, onDisk);
  }

  get(key: string, compute: () => V): V {
    const known = this.find(key);
    if (known.found) return known.value;
    const value = compute();
    // The digest the lookup computed names the entry written: one SHA-256 of the key.
    this.store(key, value, known.digest);
    return value;
  }

  /** What is known of `key` (in memory, else on disk), without computing it: for results that come asynchronously. */
  known(key: string): { found: true; value: V } | { found: false } {
    const known = this.find(key);
    return known.found ? known : { found: false };
  }

  /** Remember `value` for `key`: in memory, and on disk when this memo is kept and the value is keepable. */
  remember(key: string, value: V): void {
    this.store(key, value, this.digestOnDisk(key));
  }

  /** The key's name on disk when this memo is kept there, else undefined: a SHA-256 of the key (often a whole file's text). */
  private digestOnDisk(key: string): string | undefined {
    return this.name && kept ? digestOf(key) : undefined;
  }

  /** `key` in memory, else on disk; when not found, its name on disk (if kept), for store. */
  private find(key: string): { found: true; value: V } | { found: false; digest: string | undefined } {
    const hit = this.entries.get(key);
    if (hit !== undefined || this.entries.has(key)) return { found: true, value: hit as V };
    const digest = this.digestOnDisk(key);
    const value = digest === undefined ? undefined : keptMemo(this.name!)?.[digest];
    // What is read back must be what could have been written (a damaged file is recomputed).
    if (!keepable(value)) return { found: false, digest };
    this.keep(key, value as V);
    return { found: true, value: value as V };
  }

  private store(key: string, value: V, digest: string | undefined): void {
    const disk = digest === undefined ? undefined : keptMemo(this.name!);
    if (disk && kept && digest !== undefined && keepable(value)) {
      disk[digest] = value;
      kept.dirty = true;
    }
    this.keep(key, value);
  }

  private keep(key: string, value: V): void {
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(key, value);
  }
}

/** An entry's name on disk: a SHA-256 of its key, never the key. */
function digestOf(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}
