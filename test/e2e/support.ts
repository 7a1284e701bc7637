/**
 * Shared plumbing of the lifecycle and holds end-to-end tests: a manifests
 * repository reached through one of three transports, and the real CLI run
 * against it on a pinned clock.
 *
 * - `bare`: a local bare repository, `--repo <gitdir>`;
 * - `worktree`: a local non-bare repository with `main` checked out, `--repo <work tree>`;
 * - `http`: a bare repository served by `git http-backend`, `--repo http://…/repo.git`
 *   with its own `--cache-dir`.
 *
 * Every assertion reads the repository the users see (the bare repository the
 * server serves, or the local one) with the real git CLI, never src/git.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliResult, jsonOf, runCli } from '../helpers/cli.ts';
import { commitFiles, type CommitFilesOptions, createRepo, type Fixture, type FixtureFiles } from '../helpers/git-fixtures.ts';
import { type GitHttpServer, start } from '../helpers/git-http-server.ts';
import { T0 } from '../helpers/scenario.ts';

export type Transport = 'bare' | 'worktree' | 'http';
export const TRANSPORTS: readonly Transport[] = ['bare', 'worktree', 'http'];

/** The pinned clock `minutes` after T0 (the start of the metrics window). */
export function at(minutes: number): Date {
  return new Date(T0.getTime() + minutes * 60_000);
}

/** Keys of one `tick --json` service object (PRODUCT.md plus `files`, `unexercised`, `rollout` and `phase`). */
export const SERVICE_KEYS = ['checks', 'commit', 'decision', 'files', 'phase', 'reason', 'rollout', 'service', 'step', 'unexercised', 'weight'] as const;
export const DECISIONS = ['start', 'step', 'promote', 'rollback', 'hold', 'pause', 'none', 'error'] as const;

export interface TickCheck {
  name: string;
  value: number | null;
  outcome: string;
}

export interface TickService {
  service: string;
  decision: (typeof DECISIONS)[number];
  weight: number | null;
  step: string | null;
  commit: string | null;
  reason: string;
  checks: TickCheck[];
  files: string[];
}

export interface TickRun {
  result: CliResult;
  json: { services: TickService[] };
  services: TickService[];
  /** The entry of one service (fails when absent). */
  of(service: string): TickService;
}

/** Types of every field the contract promises; extra fields are allowed here (see the JSON shape test). */
export function assertTickTypes(json: unknown): asserts json is { services: TickService[] } {
  assert.ok(json !== null && typeof json === 'object', 'tick --json prints an object');
  const services = (json as { services?: unknown }).services;
  assert.ok(Array.isArray(services), 'tick --json has a services array');
  for (const s of services as Record<string, unknown>[]) {
    const where = JSON.stringify(s);
    assert.equal(typeof s.service, 'string', where);
    assert.ok((DECISIONS as readonly unknown[]).includes(s.decision), `decision ${String(s.decision)}: ${where}`);
    assert.ok(s.weight === null || Number.isInteger(s.weight), `weight: ${where}`);
    assert.ok(s.step === null || (typeof s.step === 'string' && /^\d+\/\d+$/.test(s.step)), `step: ${where}`);
    assert.ok(s.commit === null || (typeof s.commit === 'string' && /^[0-9a-f]{40}$/.test(s.commit)), `commit: ${where}`);
    assert.equal(typeof s.reason, 'string', where);
    assert.ok((s.reason as string).length > 0, `empty reason: ${where}`);
    assert.ok(Array.isArray(s.checks), `checks: ${where}`);
    for (const c of s.checks as Record<string, unknown>[]) {
      assert.equal(typeof c.name, 'string', where);
      assert.ok(c.value === null || (typeof c.value === 'number' && Number.isFinite(c.value)), `check value: ${where}`);
      assert.ok(['pass', 'fail', 'inconclusive', 'no-data', 'error'].includes(c.outcome as string), `check outcome: ${where}`);
    }
    assert.ok(Array.isArray(s.files) && (s.files as unknown[]).every((f) => typeof f === 'string'), `files: ${where}`);
    assert.ok(s.rollout === null || typeof s.rollout === 'string', `rollout: ${where}`);
    assert.ok(
      s.phase === null || ['idle', 'progressing', 'promoted', 'rolled-back', 'paused', 'resumed'].includes(s.phase as string),
      `phase: ${where}`,
    );
    if (s.decision === 'error') assert.equal(s.phase, null, `an error has no phase: ${where}`);
  }
}

export interface RunOptions {
  /** Pinned clock (GIT_CANARY_NOW). */
  at: Date;
  /** Extra environment on top of the world's. */
  env?: Record<string, string | undefined>;
}

export interface World {
  transport: Transport;
  /** What `--repo` gets. */
  spec: string;
  /** The repository people see: the bare repository (local or behind the server) or the work tree. */
  dir: string;
  /** Only for http: the server, and the worker's `--cache-dir`. */
  server?: GitHttpServer;
  cacheDir?: string;
  /** `git <args>` in `dir`, stdout. */
  git(...args: string[]): string;
  /** Full sha of a ref or revision. */
  sha(rev: string): string;
  /** A file's text at a revision, undefined when it does not exist there. */
  show(rev: string, path: string): string | undefined;
  /** Every ref and its sha, sorted (branches, notes). */
  refs(): string;
  /** A commit on `branch` made directly in the repository, like app CI pushing (from defaults to the branch itself). */
  commit(branch: string, files: FixtureFiles, options?: CommitFilesOptions): string;
  /** Run the CLI with `--repo` (and `--cache-dir` for http) before `args`. */
  cli(args: string[], options: RunOptions): Promise<CliResult>;
  /** `tick --json` (plus `args`); asserts exit 0 and the JSON types. */
  tick(options: RunOptions & { args?: string[] }): Promise<TickRun>;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Environment of every CLI run, read at run time (so a restarted Prometheus can change it). */
  env?: () => Record<string, string | undefined>;
}

/**
 * A manifests repository with `branches` (see createRepo), reached through
 * `transport`. A `worktree` repository also gets a `main` branch, checked out.
 */
export async function openWorld(
  transport: Transport,
  branches: Record<string, FixtureFiles | FixtureFiles[]>,
  options: WorldOptions = {},
): Promise<World> {
  let fixture: Fixture;
  let server: GitHttpServer | undefined;
  let spec: string;
  const temps: string[] = [];
  const temp = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    temps.push(dir);
    return dir;
  };
  const extraArgs: string[] = [];
  let cacheDir: string | undefined;
  if (transport === 'worktree') {
    fixture = await createRepo({ main: { 'README.md': '# shop manifests\n' }, ...branches }, { bare: false, checkout: 'main' });
    spec = fixture.dir;
  } else if (transport === 'bare') {
    fixture = await createRepo(branches, { bare: true });
    spec = fixture.dir;
  } else {
    const root = temp('git-canary-e2e-srv-');
    fixture = await createRepo(branches, { bare: true, dir: join(root, 'repo.git') });
    server = await start({ root });
    spec = `${server.url}/repo.git`;
    cacheDir = temp('git-canary-e2e-cache-');
    extraArgs.push('--cache-dir', cacheDir);
  }
  const dir = fixture.dir;
  const world: World = {
    transport,
    spec,
    dir,
    server,
    cacheDir,
    git: (...args) => fixture.git(...args),
    sha: (rev) => fixture.git('rev-parse', '--verify', `${rev}^{commit}`).trim(),
    show(rev, path) {
      try {
        return fixture.git('show', `${rev}:${path}`);
      } catch {
        return undefined;
      }
    },
    refs: () => fixture.git('for-each-ref', '--format=%(refname) %(objectname)', '--sort=refname'),
    commit: (branch, files, o) => commitFiles(dir, branch, files, o),
    cli(args, o) {
      return runCli(['--repo', spec, ...extraArgs, ...args], {
        env: { ...options.env?.(), GIT_CANARY_NOW: o.at.toISOString(), ...o.env },
      });
    },
    async tick(o) {
      const result = await world.cli(['tick', '--json', ...(o.args ?? [])], o);
      assert.equal(result.code, 0, `tick at ${o.at.toISOString()} exited ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
      const json = jsonOf(result);
      assertTickTypes(json);
      const services = json.services;
      return {
        result,
        json,
        services,
        of(name) {
          const s = services.find((x) => x.service === name);
          assert.ok(s, `no ${name} in ${result.stdout}`);
          return s;
        },
      };
    },
    async close() {
      await server?.close();
      await fixture.cleanup();
      for (const t of temps) rmSync(t, { recursive: true, force: true });
    },
  };
  return world;
}

/** Trailer lines of one commit, in order, as git itself parses them. */
export function trailers(w: World, commit: string): string[] {
  return w
    .git('log', '-1', '--format=%(trailers:only,unfold)', commit)
    .split('\n')
    .filter((l) => l !== '');
}

/** `name <email>` of author and committer, and the committer date (ISO), through git's own formatting. */
export function identity(w: World, commit: string): { author: string; committer: string; date: string } {
  const [author = '', committer = '', date = ''] = w.git('log', '-1', '--format=%an <%ae>%n%cn <%ce>%n%cI', commit).trim().split('\n');
  return { author, committer, date };
}

/**
 * Every changed line of a commit against its first parent, in diff order:
 * `path: -old line` / `path: +new line` (from `git diff --unified=0`).
 */
export function changedLines(w: World, commit: string): string[] {
  const out = w.git('diff', '--unified=0', '--no-color', '--no-ext-diff', '--no-renames', `${commit}^`, commit);
  const lines: string[] = [];
  let file = '';
  let inHunk = false;
  for (const line of out.split('\n')) {
    const header = /^diff --git a\/(.+) b\/(.+)$/.exec(line);
    if (header) {
      file = header[2]!;
      inHunk = false;
    } else if (line.startsWith('@@')) inHunk = true;
    else if (inHunk && (line.startsWith('-') || line.startsWith('+') || line.startsWith('\\'))) lines.push(`${file}: ${line}`);
  }
  return lines;
}

/** Paths a commit changes against its first parent. */
export function changedFiles(w: World, commit: string): string[] {
  return w
    .git('diff', '--name-only', '--no-renames', `${commit}^`, commit)
    .split('\n')
    .filter((l) => l !== '');
}

/** `path blob` of every file at a revision. */
export function tree(w: World, rev: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of w.git('ls-tree', '-r', rev).split('\n')) {
    const m = /^\d+ blob ([0-9a-f]{40})\t(.+)$/.exec(line);
    if (m) map.set(m[2]!, m[1]!);
  }
  return map;
}

/** Asserts every file but `except` is byte-identical (same blob) between two revisions. */
export function assertUntouched(w: World, before: string, after: string, except: readonly string[]): void {
  const a = tree(w, before);
  const b = tree(w, after);
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort(), 'no file was added or removed');
  for (const [path, blob] of a) {
    if (except.includes(path)) continue;
    assert.equal(b.get(path), blob, `${path} changed between ${before.slice(0, 7)} and ${after.slice(0, 7)}`);
  }
}

/** The commits on `branch` after `since`, oldest first. */
export function commitsSince(w: World, since: string, branch = 'production'): string[] {
  return w
    .git('rev-list', '--reverse', `${since}..${branch}`)
    .split('\n')
    .filter((l) => l !== '');
}

/** Asserts production advanced by exactly one commit on top of `before` and returns it. */
export function oneNewCommit(w: World, before: string, branch = 'production'): string {
  const added = commitsSince(w, before, branch);
  assert.equal(added.length, 1, `expected one new commit on ${branch} after ${before.slice(0, 7)}, got ${added.length}`);
  assert.equal(w.sha(`${added[0]}^`), before, 'the new commit sits directly on the previous tip');
  return added[0]!;
}

/** The notes of a commit on refs/notes/git-canary (git's own reader), undefined when there are none. */
export function noteOf(w: World, commit: string): string | undefined {
  try {
    return w.git('notes', '--ref=git-canary', 'show', commit);
  } catch {
    return undefined;
  }
}

/** The weight lines of a route file, in order (`weight: N`). */
export function weights(text: string | undefined): number[] {
  return [...(text ?? '').matchAll(/^\s*weight:\s*(\d+)\s*$/gm)].map((m) => Number(m[1]));
}

/** The identity git-canary commits as by default. */
export const GIT_CANARY_AUTHOR = 'git-canary <git-canary@users.noreply.github.com>';

/** The trailers PRODUCT.md names, of one commit (a record carries more; those are checked where they matter). */
export function productTrailers(w: World, commit: string): string[] {
  return trailers(w, commit).filter((l) => /^Canary-(Service|Rollout|Candidate|Phase|Step|Weight):/.test(l));
}

/** The PRODUCT.md trailers a commit of `service`'s rollout of `candidate` must carry. */
export function expectedTrailers(service: string, candidate: string, phase: string, weight: number, step?: string): string[] {
  return [
    `Canary-Service: ${service}`,
    `Canary-Rollout: ${service}-${candidate.slice(0, 7)}`,
    `Canary-Candidate: ${candidate}`,
    `Canary-Phase: ${phase}`,
    ...(step ? [`Canary-Step: ${step}`] : []),
    `Canary-Weight: ${weight}`,
  ];
}

/** A git-canary commit: authored and committed by git-canary at the pinned time. */
export function assertOurCommit(w: World, commit: string, when: Date): void {
  assert.deepEqual(identity(w, commit), { author: GIT_CANARY_AUTHOR, committer: GIT_CANARY_AUTHOR, date: when.toISOString().replace('.000Z', '+00:00') });
}

/** The decision, weight and step `tick --json` gave `service`. */
export function decisionOf(run: TickRun, service: string): { decision: string; weight: number | null; step: string | null } {
  const s = run.of(service);
  return { decision: s.decision, weight: s.weight, step: s.step };
}
