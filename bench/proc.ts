/**
 * Child processes for the benchmark: the real CLI (with its peak RSS from
 * /usr/bin/time) and native git, always asynchronous: the HTTP test server
 * answers from this same event loop, so a synchronous spawn would deadlock.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, cliEnv } from '../test/helpers/cli.ts';
import { GIT_ENV } from '../test/helpers/git-fixtures.ts';
import { PERSON } from './repos/manifests.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TIME_BIN = '/usr/bin/time';
export const HAS_TIME = existsSync(TIME_BIN);

/** The CLI every timed run starts: BENCH_CLI (e.g. a bundle built into /tmp), else bin/git-canary.js. */
export const CLI = process.env.BENCH_CLI ? resolve(process.env.BENCH_CLI) : BIN;

/** What CLI ran: BENCH_CLI as given, or what bin/git-canary.js picks (the same test it makes). */
export function cliFlavour(): string {
  if (CLI !== BIN) return `${CLI} (BENCH_CLI)`;
  const bundle = join(ROOT, 'dist', 'cli.js');
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  const fresh = existsSync(bundle) && (!existsSync(join(ROOT, 'src')) || statSync(bundle).mtimeMs >= newest(join(ROOT, 'src')));
  if (!fresh) return 'bin/git-canary.js → src/cli.ts through tsx (dist is older than src: slower start)';
  return process.env.GIT_CANARY_CODE_CACHE === '0'
    ? 'bin/git-canary.js → dist/cli.js (bundle fresher than src; GIT_CANARY_CODE_CACHE=0: no code cache)'
    : 'bin/git-canary.js → dist/cli.cjs with its V8 code cache (bundle fresher than src)';
}

export interface Proc {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Spawn and collect; `ms` is the wall time from spawn to close. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Proc> {
  return new Promise((done, fail) => {
    const t = performance.now();
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr, ms: performance.now() - t }));
  });
}

/** `run`, throwing with the command's output unless it exits 0. */
export async function must(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Proc> {
  const p = await run(cmd, args, env, cwd);
  if (p.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${p.code} (in ${cwd ?? process.cwd()})\n${p.stdout}\n${p.stderr}`);
  return p;
}

/** A person at the keyboard, for the native baselines (no system or global git config). */
export const NATIVE_ENV: NodeJS.ProcessEnv = {
  ...GIT_ENV,
  GIT_AUTHOR_NAME: PERSON.name,
  GIT_AUTHOR_EMAIL: PERSON.email,
  GIT_COMMITTER_NAME: PERSON.name,
  GIT_COMMITTER_EMAIL: PERSON.email,
};

/** Native git with NATIVE_ENV; throws unless it exits 0. */
export const gitAsync = (cwd: string, args: string[]) => must('git', args, NATIVE_ENV, cwd);

export interface CliRun extends Proc {
  /** Peak RSS of the CLI process (kB), when /usr/bin/time is there. */
  rssKb?: number;
}

/**
 * The real CLI, `node <CLI> ...args`, with nothing of the developer's identity
 * and the clock pinned to `now` when given. `scratch` names a file prefix for
 * /usr/bin/time's report. Throws unless it exits `expectCode` (default 0).
 */
export async function cli(args: string[], o: { now?: string; scratch: string; expectCode?: number }): Promise<CliRun> {
  const env = cliEnv({ GIT_CANARY_NOW: o.now });
  const timeFile = `${o.scratch}.time`;
  // BENCH_CPU_PROF=<dir>: each run of the CLI writes a V8 CPU profile there (for finding where the time goes).
  // BENCH_NODE_FLAGS: node options for the CLI only (e.g. --trace-gc), split on spaces.
  const flags = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const argv = [...(process.env.BENCH_CPU_PROF ? [`--cpu-prof`, `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF)}`] : []), ...flags, CLI, ...args];
  const p = HAS_TIME ? await run(TIME_BIN, ['-f', '%M', '-o', timeFile, process.execPath, ...argv], env) : await run(process.execPath, argv, env);
  if (p.code !== (o.expectCode ?? 0)) throw new Error(`git-canary ${args.join(' ')} exited ${p.code}\nstdout: ${p.stdout.slice(0, 4000)}\nstderr: ${p.stderr.slice(0, 4000)}`);
  if (!HAS_TIME) return p;
  // /usr/bin/time may prefix "Command exited with non-zero status": the figure is the last line.
  const rssKb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1));
  rmSync(timeFile, { force: true });
  return { ...p, rssKb };
}

/** `cli` with `--json`, parsed. */
export async function cliJson<T>(args: string[], o: { now?: string; scratch: string }): Promise<CliRun & { json: T }> {
  const p = await cli(args, o);
  try {
    return { ...p, json: JSON.parse(p.stdout) as T };
  } catch {
    throw new Error(`git-canary ${args.join(' ')}: stdout is not JSON:\n${p.stdout.slice(0, 2000)}\n${p.stderr.slice(0, 2000)}`);
  }
}
