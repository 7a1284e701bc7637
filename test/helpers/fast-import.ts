/**
 * Long histories for tests, fast: one `git fast-import` process per call, fed
 * a stream built in memory (5,000 commits take well under a second).
 *
 *   const { shas, tip } = await buildHistory({
 *     dir,                                          // created (bare) when absent
 *     branch: 'production',
 *     commits: [
 *       { files: { 'a.yaml': 'a: 1\n' }, message: 'record\n\nGit-Canary-Service: a\n', date: FIXTURE_DATE },
 *       ...fillerCommits(5000, { start: FIXTURE_DATE + 60 }),
 *     ],
 *   });
 *   shas[0]  // the record; tip === shas.at(-1)
 *
 * Each call appends to `branch` (from its current tip, or `from`); a commit's
 * `merge` adds more parents (a sha, a branch, or `mark:<name>` of a commit
 * given `mark` in the same call). Dates are fixed, so shas are the same on
 * every run. Independent of src/git/, so it can check that code.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_DATE, FIXTURE_IDENTITY, GIT_ENV, git } from './git-fixtures.ts';

export interface HistoryIdentity {
  name: string;
  email: string;
}

export interface HistoryCommit {
  /** Files to set (UTF-8 text) or delete (`null`); others stay as in the parent. */
  files?: Record<string, string | null>;
  message: string;
  /** Default FIXTURE_IDENTITY. */
  author?: HistoryIdentity;
  /** Default: the author. */
  committer?: HistoryIdentity;
  /** Author and committer date, seconds since the epoch (UTC). */
  date: number;
  /** Extra parents after the first: a sha, a branch, or `mark:<name>`. */
  merge?: string[];
  /** A name later commits of the same call can merge as `mark:<name>`. */
  mark?: string;
}

export interface BuildHistoryOptions {
  /** The repository (gitdir); `git init --bare` when it does not exist. */
  dir: string;
  branch: string;
  /** Oldest first. Any iterable: a generator of millions is streamed through memory once. */
  commits: Iterable<HistoryCommit>;
  /** Start `branch` at this sha or branch instead of its current tip (or as a root when absent and `from` is unset). */
  from?: string;
}

export interface BuiltHistory {
  /** The sha of each commit given, in order. */
  shas: string[];
  /** The new tip of `branch`. */
  tip: string;
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text, 'utf8')}\n${text}\n`;
}

function person(who: HistoryIdentity, date: number): string {
  return `${who.name} <${who.email}> ${date} +0000`;
}

function resolveSpec(spec: string, marks: Map<string, number>): string {
  if (!spec.startsWith('mark:')) return spec;
  const n = marks.get(spec.slice('mark:'.length));
  if (n === undefined) throw new Error(`buildHistory: unknown mark ${spec}`);
  return `:${n}`;
}

function runFastImport(dir: string, stream: string, marksFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet', '--done', '--force', `--export-marks=${marksFile}`], {
      cwd: dir,
      env: GIT_ENV,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import failed (${code}): ${stderr}`))));
    child.stdin.end(stream);
  });
}

/** Append `commits` to `branch` of the bare repository `dir` (created if needed). */
export async function buildHistory(options: BuildHistoryOptions): Promise<BuiltHistory> {
  const { dir, branch } = options;
  if (!existsSync(join(dir, 'HEAD'))) {
    mkdirSync(dir, { recursive: true });
    git(dir, ['init', '--quiet', '--bare', '--initial-branch', branch]);
    git(dir, ['config', 'http.receivepack', 'true']);
    git(dir, ['config', 'core.autocrlf', 'false']);
  }
  const ref = `refs/heads/${branch}`;
  // fast-import starts a branch it has not seen in this run as a root: continue the existing tip.
  let from = options.from;
  if (from === undefined) {
    try {
      from = git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).trim();
    } catch {
      from = undefined;
    }
  }
  const chunks: string[] = [];
  const marks = new Map<string, number>();
  let n = 0;
  for (const c of options.commits) {
    n++;
    const author = c.author ?? FIXTURE_IDENTITY;
    let out = `commit ${ref}\nmark :${n}\nauthor ${person(author, c.date)}\ncommitter ${person(c.committer ?? author, c.date)}\n${data(c.message)}`;
    if (n === 1 && from) out += `from ${from}\n`;
    for (const parent of c.merge ?? []) out += `merge ${resolveSpec(parent, marks)}\n`;
    for (const [path, content] of Object.entries(c.files ?? {})) {
      out += content === null ? `D ${path}\n` : `M 100644 inline ${path}\n${data(content)}`;
    }
    chunks.push(out);
    if (c.mark) marks.set(c.mark, n);
  }
  if (n === 0) throw new Error('buildHistory: no commits');
  // `--force`: `from` may rewind the branch.
  const marksFile = join(dir, `fast-import-marks-${process.pid}-${Date.now()}`);
  try {
    await runFastImport(dir, `${chunks.join('')}done\n`, marksFile);
    const byMark = new Map<number, string>();
    for (const line of readFileSync(marksFile, 'utf8').split('\n')) {
      const m = /^:(\d+) ([0-9a-f]{40})$/.exec(line);
      if (m) byMark.set(Number(m[1]), m[2]!);
    }
    const shas = Array.from({ length: n }, (_, i) => byMark.get(i + 1)!);
    return { shas, tip: git(dir, ['rev-parse', ref]).trim() };
  } finally {
    rmSync(marksFile, { force: true });
  }
}

export interface FillerOptions {
  /** Date of the first filler commit (seconds); default FIXTURE_DATE. Each next one is `step` later. */
  start?: number;
  /** Seconds between commits; default 60. */
  step?: number;
  /** The file each commit rewrites; default `filler.txt`. */
  path?: string;
  /** Message of commit `i` (0-based); default `filler <i>\n`. */
  message?: (i: number) => string;
  author?: HistoryIdentity;
}

/** `n` commits that each rewrite one file (a person's unrelated work: no git-canary trailers). */
export function* fillerCommits(n: number, options: FillerOptions = {}): Generator<HistoryCommit> {
  const start = options.start ?? FIXTURE_DATE;
  const step = options.step ?? 60;
  const path = options.path ?? 'filler.txt';
  const message = options.message ?? ((i: number) => `filler ${i}\n`);
  for (let i = 0; i < n; i++) {
    yield { files: { [path]: `filler ${i}\n` }, message: message(i), date: start + i * step, author: options.author };
  }
}
