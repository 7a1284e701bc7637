/**
 * Shared helpers for the end-to-end tests of races, crashes and a person's
 * intervention (concurrency.test.ts, crash.test.ts, pause.test.ts).
 *
 * Everything that is under test runs as the real CLI (bin/git-canary.js) in its
 * own process, against real git repositories (a local bare path, or served by
 * `git http-backend`) and a real Prometheus backfilled with promtool. Only the
 * set-up of a state to start from may use the in-process `tick()` (same code,
 * no process boundary), to keep the suite fast.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tick } from '../../src/commands/tick.ts';
import type { CommandContext } from '../../src/context.ts';
import { silentLogger } from '../../src/log.ts';
import { BIN, type CliResult, cliEnv, jsonOf, runCli } from '../helpers/cli.ts';
import { commitFiles, createRepo, type Fixture, GIT_ENV, git } from '../helpers/git-fixtures.ts';
import { startPrometheus, type RunningPrometheus } from '../helpers/prometheus.ts';
import { DEMO_TRAFFIC, productionFiles, release, scenarioMetrics, T0, type ScenarioOptions } from '../helpers/scenario.ts';

export { T0 };

/** ISO time `minutes` after T0: the pinned clock of a tick. */
export function at(minutes: number): string {
  return new Date(T0.getTime() + minutes * 60_000).toISOString();
}

/** The Prometheus of the scenario: checkout healthy, payments failing (10% 5xx). */
export function startScenarioPrometheus(): Promise<RunningPrometheus> {
  return startPrometheus({ openmetrics: scenarioMetrics(DEMO_TRAFFIC) });
}

export const CHECKOUT_NEXT = 'registry.example.com/checkout:1.1.0';
export const PAYMENTS_NEXT = 'registry.example.com/payments:4.3.0';

export interface ScenarioRepo extends Fixture {
  /** Production's tip when the repository was made. */
  base: string;
}

/**
 * A bare manifests repository: production as in the scenario, candidate one
 * commit on top of it changing the release of `apps` (default checkout).
 */
export async function scenarioRepo(
  o: { apps?: ('checkout' | 'payments')[]; dir?: string; scenario?: ScenarioOptions; extra?: Record<string, string> } = {},
): Promise<ScenarioRepo> {
  const repo = await createRepo({ production: { ...productionFiles(o.scenario), ...(o.extra ?? {}) } }, { dir: o.dir });
  const changes: Record<string, string> = {};
  for (const app of o.apps ?? ['checkout']) Object.assign(changes, release(app, app === 'checkout' ? CHECKOUT_NEXT : PAYMENTS_NEXT));
  commitFiles(repo.dir, 'candidate', changes, { from: 'production', message: 'ci: new release\n' });
  return { ...repo, base: sha(repo.dir, 'production') };
}

/** A fresh temporary directory (removed by the returned function). */
export function tempDir(prefix = 'git-canary-e2e-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Copy a bare repository to `dest` (which must not exist). */
export function copyRepo(src: string, dest: string): void {
  cpSync(src, dest, { recursive: true });
}

// ---------------------------------------------------------------------------
// git inspection (the git CLI, independent of src/git)

export function sha(dir: string, ref: string): string {
  return git(dir, ['rev-parse', '--verify', `${ref}^{commit}`]).trim();
}

export function tryRev(dir: string, ref: string): string | undefined {
  try {
    return git(dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `git rev-list --parents <ref>`: newest first, each commit with its parents. */
export function history(dir: string, ref: string): { sha: string; parents: string[] }[] {
  return git(dir, ['rev-list', '--parents', ref])
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [s, ...parents] = line.split(' ');
      return { sha: s!, parents };
    });
}

/** Commits on `ref` after `base` (newest first); throws when `base` is not an ancestor. */
export function commitsSince(dir: string, ref: string, base: string): { sha: string; parents: string[] }[] {
  const all = history(dir, ref);
  const i = all.findIndex((c) => c.sha === base);
  if (i === -1) throw new Error(`${base.slice(0, 7)} is not on ${ref} any more: history was rewritten`);
  return all.slice(0, i);
}

/** The Canary-* trailers of a commit, keys lower-cased without the prefix (`phase`, `weight`…). */
export function trailersOf(dir: string, commit: string): Record<string, string> {
  const text = git(dir, ['log', '-1', '--format=%(trailers:only,unfold)', commit]);
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^Canary-([A-Za-z]+):\s*(.*)$/.exec(line);
    if (m) out[m[1]!.toLowerCase()] = m[2]!.trim();
  }
  return out;
}

/** Paths a commit changes relative to its first parent (`git diff --name-only c^ c`). */
export function changedFiles(dir: string, commit: string): string[] {
  return git(dir, ['diff', '--name-only', `${commit}^`, commit]).split('\n').filter(Boolean);
}

/** `git diff --stat c^ c`, trimmed. */
export function diffStat(dir: string, commit: string): string {
  return git(dir, ['diff', '--stat', `${commit}^`, commit]).trim();
}

/** Every file at a commit, path → text. */
export function filesAt(dir: string, commit: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of git(dir, ['ls-tree', '-r', '--name-only', '-z', commit]).split('\0').filter(Boolean)) {
    out[path] = git(dir, ['cat-file', 'blob', `${commit}:${path}`]);
  }
  return out;
}

export function fileAt(dir: string, commit: string, path: string): string {
  return git(dir, ['cat-file', 'blob', `${commit}:${path}`]);
}

/** Judgment lines in the notes ref (`refs/notes/git-canary`), over every annotated commit. */
export function noteLines(dir: string): { commit: string; line: string }[] {
  if (!tryRev(dir, 'refs/notes/git-canary')) return [];
  const out: { commit: string; line: string }[] = [];
  const list = git(dir, ['notes', '--ref=refs/notes/git-canary', 'list']).trim();
  for (const row of list.split('\n').filter(Boolean)) {
    const [, annotated] = row.split(' ');
    const text = git(dir, ['notes', '--ref=refs/notes/git-canary', 'show', annotated!]);
    for (const line of text.split('\n').filter((l) => l.trim() !== '')) out.push({ commit: annotated!, line });
  }
  return out;
}

/**
 * Check, with git itself, that everything reachable from `refs` is whole: the
 * objects are copied into a fresh repository the way a clone would (pack
 * protocol, with transfer.fsckObjects) and `git fsck --strict` runs there, so
 * garbage that no ref reaches (e.g. objects of a killed process) does not count.
 */
export function fsckReachable(dir: string, refs: string[] = ['production']): void {
  const t = tempDir('git-canary-fsck-');
  try {
    const copy = join(t.path, 'copy.git');
    git(t.path, ['init', '--quiet', '--bare', copy]);
    git(copy, ['-c', 'transfer.fsckObjects=true', 'fetch', '--quiet', '--no-tags', `file://${dir}`, ...refs.map((r) => `+${r}:refs/check/${r.replace(/^refs\//, '')}`)]);
    git(copy, ['fsck', '--strict', '--no-dangling']);
  } finally {
    t.cleanup();
  }
}

/** `git fsck --strict` over the whole object database (unreachable garbage included). Returns git's output or throws. */
export function fsckAll(dir: string): string {
  return execFileSync('git', ['fsck', '--strict', '--no-dangling'], { cwd: dir, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// ---------------------------------------------------------------------------
// running ticks

export interface TickOptions {
  now: string;
  prometheus?: string;
  cacheDir?: string;
  service?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export function tickArgs(repo: string, o: Pick<TickOptions, 'cacheDir' | 'service'>): string[] {
  return [
    'tick',
    '--repo',
    repo,
    '--json',
    ...(o.cacheDir ? ['--cache-dir', o.cacheDir] : []),
    ...(o.service ? ['--service', o.service] : []),
  ];
}

export function tickEnv(o: TickOptions): Record<string, string> {
  return {
    GIT_CANARY_NOW: o.now,
    GIT_CANARY_LOG_LEVEL: 'info',
    ...(o.prometheus ? { PROMETHEUS_URL: o.prometheus } : {}),
    ...(o.env ?? {}),
  };
}

export interface TickService {
  service: string;
  decision: string;
  weight: number | null;
  step: string | null;
  commit: string | null;
  reason: string;
  checks: { name: string; value: number | null; outcome: string }[];
}

/** `git-canary tick --json` as a real process. */
export function tickCli(repo: string, o: TickOptions): Promise<CliResult> {
  return runCli(tickArgs(repo, o), { env: tickEnv(o), timeoutMs: o.timeoutMs ?? 60_000 });
}

/** The decision of `service` in a `tick --json` result; fails the test with the output when the run failed. */
export function decisionOf(r: CliResult, service = 'checkout'): TickService {
  if (r.code !== 0) throw new Error(`tick exited ${r.code ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  const s = jsonOf<{ services: TickService[] }>(r).services.find((x) => x.service === service);
  if (!s) throw new Error(`no ${service} in tick output:\n${r.stdout}`);
  return s;
}

/** True when the run's info logs say it lost a compare-and-swap race and decided again. */
export function lostRace(r: CliResult): boolean {
  return /lost a race/.test(r.stderr);
}

/** The same tick in this process (for setting up a state quickly; not for what is under test). */
export async function tickInProcess(repo: string, o: TickOptions): Promise<{ services: TickService[] }> {
  const now = new Date(o.now);
  const ctx: CommandContext = {
    options: { repo, json: true, debug: false, production: 'production', cacheDir: o.cacheDir },
    env: { ...(o.prometheus ? { PROMETHEUS_URL: o.prometheus } : {}), ...(o.env ?? {}) },
    now: () => now,
    log: silentLogger,
    cwd: process.cwd(),
  };
  const r = await tick(ctx, o.service ? { service: o.service } : {});
  return r.json as { services: TickService[] };
}

/** A CLI command other than tick (status, resume, promote…), real process, pinned clock. */
export function cli(repo: string, args: string[], now: string, env: Record<string, string> = {}): Promise<CliResult> {
  return runCli([...args, '--repo', repo], { env: { GIT_CANARY_NOW: now, USER: 'alice', ...env } });
}

/** A tick process that the caller may kill: resolves with how it ended. */
export interface SpawnedTick {
  child: ChildProcess;
  startedAt: number;
  done: Promise<CliResult & { ms: number }>;
}

/**
 * SIGKILL a spawned tick and every process it started (native git fetching or
 * pushing), as a container's kill or a cancelled CI job does: nothing of the
 * tick goes on after it. A no-op once it has ended.
 */
export function killTick(spawned: Pick<SpawnedTick, 'child'> | undefined): void {
  const c = spawned?.child;
  if (!c || c.pid === undefined || c.exitCode !== null || c.signalCode !== null) return;
  try {
    process.kill(-c.pid, 'SIGKILL');
  } catch {
    c.kill('SIGKILL');
  }
}

export function spawnTick(repo: string, o: TickOptions): SpawnedTick {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [BIN, ...tickArgs(repo, o)], {
    env: cliEnv(tickEnv(o)),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a kill takes the git it runs too (killTick).
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => killTick({ child }), o.timeoutMs ?? 60_000);
  const done = new Promise<CliResult & { ms: number }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - startedAt });
    });
  });
  return { child, startedAt, done };
}

// ---------------------------------------------------------------------------
// killing a CLI process at an exact point

/**
 * Loaded with `--import` into a CLI process under test, it SIGKILLs the
 * process at an exact point, chosen by GIT_CANARY_TEST_KILL:
 * - `object-write:<n>`: at the n-th file written under `objects/` (counting
 *   writes that succeed), after the file is created (opened for writing, as
 *   writeFile does first) and before anything is written into it;
 * - `ref-rename:<n>`: at the n-th rename of a `*.lock` file, i.e. holding git's
 *   ref lock with the new value written, just before publishing it;
 * - `lock-taken:<n>`: right after the n-th lock (a ref lock, or a cache's
 *   `<gitdir>.lock`) is taken (hard-linked into place, see src/git/lock.ts).
 * It patches node's fs.promises only; the code under test is unchanged.
 */
const KILL_HOOK = `import fs from 'node:fs';
const [what, nthText] = (process.env.GIT_CANARY_TEST_KILL ?? '').split(':');
const nth = Number(nthText || '1');
let count = 0;
const die = () => process.kill(process.pid, 'SIGKILL');
if (what === 'object-write') {
  const writeFile = fs.promises.writeFile;
  fs.promises.writeFile = async function (path, data, options) {
    if (typeof path === 'string' && /[\\/]objects[\\/]/.test(path) && count + 1 === nth) {
      // Create (or truncate) the file, as writeFile does first; a write that cannot
      // even create its file (missing directory) fails the same way and is not counted.
      const handle = await fs.promises.open(path, 'w').catch(() => undefined);
      if (handle) {
        count++;
        die();
        await new Promise(() => {});
      }
    } else if (typeof path === 'string' && /[\\/]objects[\\/]/.test(path)) {
      return writeFile.call(this, path, data, options).then((r) => {
        count++;
        return r;
      });
    }
    return writeFile.call(this, path, data, options);
  };
}
if (what === 'lock-taken') {
  const link = fs.promises.link;
  fs.promises.link = async function (from, to) {
    const r = await link.call(this, from, to);
    if (String(to).endsWith('.lock') && ++count === nth) {
      die();
      await new Promise(() => {});
    }
    return r;
  };
}
if (what === 'ref-rename') {
  const rename = fs.promises.rename;
  fs.promises.rename = async function (from, to) {
    if (String(from).endsWith('.lock') && ++count === nth) {
      die();
      await new Promise(() => {});
    }
    return rename.call(this, from, to);
  };
}
`;

let hookFile: string | undefined;

/** Environment for a CLI process that kills itself at `point` (see KILL_HOOK). */
export function killHookEnv(point: `object-write:${number}` | `ref-rename:${number}` | `lock-taken:${number}`): Record<string, string> {
  if (!hookFile) {
    const dir = mkdtempSync(join(tmpdir(), 'git-canary-kill-hook-'));
    hookFile = join(dir, 'kill-hook.mjs');
    writeFileSync(hookFile, KILL_HOOK);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return {
    GIT_CANARY_TEST_KILL: point,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(hookFile).href}`.trim(),
  };
}

// ---------------------------------------------------------------------------
// determinism

/** mulberry32: a tiny seeded PRNG, so "random" kill points are the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------
// proxies in front of a git HTTP server

export interface Proxy {
  url: string;
  /** Resolves once no forwarded request is in flight (the server finished what a killed client sent), or after `timeoutMs`. */
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A plain HTTP proxy to `target` that calls `onRequest` when a request
 * arrives (before anything is forwarded) and forwards it once the returned
 * promise settles: a test can watch, delay or hold the git protocol's requests.
 */
export async function startProxy(target: string, onRequest: (req: IncomingMessage) => void | Promise<void>): Promise<Proxy> {
  const upstream = new URL(target);
  let inFlight = 0;
  let onIdle: (() => void)[] = [];
  const finished = () => {
    inFlight--;
    if (inFlight === 0) for (const f of onIdle.splice(0)) f();
  };
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    let done = false;
    let answered = false;
    const finish = () => {
      if (!done) {
        done = true;
        finished();
      }
    };
    const out = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        answered = true;
        // Read the whole answer even when the client is gone (killed), so the server can finish.
        const gone = () => res.destroyed || res.closed || !res.socket || res.socket.destroyed;
        if (!gone()) res.writeHead(up.statusCode ?? 502, up.headers);
        up.on('data', (chunk: Buffer) => {
          if (!gone()) res.write(chunk);
        });
        up.on('end', () => {
          if (!gone()) res.end();
          finish();
        });
        up.on('error', finish);
        up.on('aborted', finish);
      },
    );
    out.on('error', () => {
      finish();
      res.destroy();
    });
    out.on('close', () => {
      // Destroyed before any answer came (the client died mid-request).
      if (!answered) finish();
    });
    // A client killed before sending its whole request: the server sees the connection drop.
    req.on('close', () => {
      if (!req.complete) out.destroy();
    });
    req.pipe(out);
  };
  const server = http.createServer((req, res) => {
    req.pause();
    Promise.resolve(onRequest(req)).then(
      () => {
        req.resume();
        forward(req, res);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    idle: (timeoutMs = 10_000) =>
      inFlight === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, timeoutMs);
            onIdle.push(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
    close: () =>
      new Promise<void>((resolve) => {
        onIdle = [];
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The push's ref advertisement: `GET …/info/refs?service=git-receive-pack`. */
export function isPushAdvertisement(req: IncomingMessage): boolean {
  return req.method === 'GET' && /\/info\/refs\?service=git-receive-pack$/.test(req.url ?? '');
}

/** The push itself: `POST …/git-receive-pack`. */
export function isPush(req: IncomingMessage): boolean {
  return req.method === 'POST' && /\/git-receive-pack$/.test(req.url ?? '');
}

/** A proxy that can hold native git inside a fetch (startStallingProxy). */
export interface StallingProxy {
  url: string;
  /** While true, a fetch's pack answer is cut short and held open; false: everything is forwarded whole. */
  stalling: boolean;
  /** Resolves when the first answer is held. */
  stalled: Promise<void>;
  close(): Promise<void>;
}

/**
 * A proxy to `target` that, while `stalling`, sends a fetch's answer (`POST
 * …/git-upload-pack` asking `command=fetch`, protocol v2) only up to half and
 * then nothing more, leaving the connection open. Native git has read the
 * shallow-info at the answer's start, holds `shallow.lock`, and waits for a
 * pack that does not come: a kill then lands inside the fetch, every time.
 */
export async function startStallingProxy(target: string): Promise<StallingProxy> {
  const upstream = new URL(target);
  let markStalled!: () => void;
  const stalled = new Promise<void>((resolve) => (markStalled = resolve));
  const held = new Set<ServerResponse>();
  const server = http.createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      const sent = Buffer.concat(body);
      const asksFetch = req.method === 'POST' && /\/git-upload-pack$/.test(req.url ?? '') && sent.includes('command=fetch');
      const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const answer = Buffer.concat(chunks);
          const headers = { ...up.headers };
          delete headers['content-length'];
          res.writeHead(up.statusCode ?? 502, headers);
          if (!(proxy.stalling && asksFetch)) {
            res.end(answer);
            return;
          }
          res.write(answer.subarray(0, Math.floor(answer.length / 2)));
          held.add(res);
          markStalled();
        });
      });
      out.on('error', () => res.destroy());
      out.end(sent);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const proxy: StallingProxy = {
    url: `http://127.0.0.1:${port}`,
    stalling: true,
    stalled,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

export interface BarrierProxy extends Proxy {
  /** For each barrier round: how many pushes were let through together, and whether all parties arrived. */
  rounds: { released: number; full: boolean }[];
}

/**
 * A proxy that holds every push's ref advertisement until `parties` of them
 * are waiting (or `timeoutMs` passed), then lets them all through at once.
 * Every writer then has decided from the same production and sees the same
 * advertised old value: exactly one push can win, the others must lose the
 * compare-and-swap on the server, refetch and decide again. Everything else
 * (fetches, the push itself) passes straight through.
 */
export async function startBarrierProxy(target: string, o: { parties: number; timeoutMs?: number }): Promise<BarrierProxy> {
  const rounds: BarrierProxy['rounds'] = [];
  let waiting: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  const releaseAll = (full: boolean) => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    rounds.push({ released: waiting.length, full });
    const go = waiting;
    waiting = [];
    for (const f of go) f();
  };
  const proxy = await startProxy(target, (req) => {
    if (!isPushAdvertisement(req)) return;
    return new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length >= o.parties) releaseAll(true);
      else timer ??= setTimeout(() => releaseAll(false), o.timeoutMs ?? 8000);
    });
  });
  return {
    url: proxy.url,
    rounds,
    idle: proxy.idle,
    close: () => {
      if (timer) clearTimeout(timer);
      for (const f of waiting) f();
      waiting = [];
      return proxy.close();
    },
  };
}

export { commitFiles, git, release };
