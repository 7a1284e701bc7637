/**
 * What `log` learnt of production's history, kept between runs.
 *
 * A commit's history is fixed by its id: the first-parent chain below a
 * commit, its messages and authors never change. So the records read from it
 * (git-canary's commits with valid trailers, people's reverts, how many
 * commits there were) are a function of the tip, the records' author and the
 * code that parsed them, and can be kept. The next `log` walks from the new
 * tip only down to the tip it kept, and takes the rest from here: a log over
 * 10,000 commits after one more tick reads one commit. Nothing mutable is
 * kept: notes (judgments) are read afresh every run.
 *
 * One file per build (`log-history-<build>.json`, next to the other memos),
 * holding one history: the last one read. Running from the sources, nothing is
 * kept. A file that cannot be read, or that is not exactly what this code
 * wrote, is no memo: the whole history is read, as without one.
 */
import { promises as fsp, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { CanaryTrailers, RolloutCommit } from '../engine/types.ts';
import { writeFileAtomic } from '../git/atomic-fs.ts';
import type { Identity } from '../git/types.ts';
import { currentBuildId, keptMemoDir } from '../memo.ts';
import type { RevertInfo } from '../audit/log.ts';

/** What was read of the history below (and including) `tip`. */
export interface KeptHistory {
  tip: string;
  /** Commits of the first-parent history, the tip's included. */
  read: number;
  /** git-canary's records, newest first (canaryCommits of the author's commits). */
  records: RolloutCommit[];
  /** People's reverts: reverted sha → the revert, the newest revert of each first. */
  reverts: Map<string, RevertInfo>;
}

const VERSION = 1;

type Encoded = Omit<RolloutCommit, 'at' | 'trailers'> & { at: number; trailers: Omit<CanaryTrailers, 'stepSince' | 'started'> & { stepSince?: number; started?: number } };

function encodeRecord(r: RolloutCommit): Encoded {
  const { stepSince, started, ...rest } = r.trailers;
  return {
    sha: r.sha,
    at: r.at.getTime(),
    title: r.title,
    body: r.body,
    trailers: { ...rest, ...(stepSince ? { stepSince: stepSince.getTime() } : {}), ...(started ? { started: started.getTime() } : {}) },
  };
}

/** The record `e` encodes, made in place (`e` is fresh from JSON.parse): no copies of 4,000 records. */
function decodeRecord(e: Encoded): RolloutCommit {
  const t = e.trailers as Record<string, unknown>;
  if (t.stepSince !== undefined) t.stepSince = new Date(t.stepSince as number);
  if (t.started !== undefined) t.started = new Date(t.started as number);
  (e as unknown as { at: Date }).at = new Date(e.at);
  return e as unknown as RolloutCommit;
}

function fileOf(): string | undefined {
  const dir = keptMemoDir();
  const build = currentBuildId();
  return dir && build ? join(dir, `log-history-${build}.json`) : undefined;
}

function decode(text: string, author: Identity): KeptHistory | undefined {
  const data = JSON.parse(text) as {
    version?: unknown; author?: unknown; tip?: unknown; read?: unknown; records?: unknown; reverts?: unknown;
  };
  if (data.version !== VERSION || !isDeepStrictEqual(data.author, { name: author.name, email: author.email })) return undefined;
  if (typeof data.tip !== 'string' || !Number.isSafeInteger(data.read) || !Array.isArray(data.records) || !Array.isArray(data.reverts)) return undefined;
  return {
    tip: data.tip,
    read: data.read as number,
    records: (data.records as Encoded[]).map(decodeRecord),
    reverts: new Map(data.reverts as [string, RevertInfo][]),
  };
}

function encode(h: KeptHistory, author: Identity): string {
  return JSON.stringify({
    version: VERSION,
    author: { name: author.name, email: author.email },
    tip: h.tip,
    read: h.read,
    records: h.records.map(encodeRecord),
    reverts: [...h.reverts],
  });
}

/** The history kept for `author`'s records, if any (never throws: a memo is only a shortcut). */
export function keptHistory(author: Identity): KeptHistory | undefined {
  const path = fileOf();
  if (!path) return undefined;
  try {
    return decode(readFileSync(path, 'utf8'), author);
  } catch {
    return undefined;
  }
}

/**
 * Keep `history` for the next run; never rejects. Kept only when reading the
 * text back gives exactly `history` (so a record that would not survive JSON
 * is read from git next time rather than kept changed).
 */
export async function keepHistory(history: KeptHistory, author: Identity): Promise<void> {
  const path = fileOf();
  if (!path) return;
  try {
    const text = encode(history, author);
    if (!isDeepStrictEqual(decode(text, author), history)) return;
    await fsp.mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, text);
  } catch {
    // Not kept: the next run reads the history from git.
  }
}
