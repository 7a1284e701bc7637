/**
 * Native git for fetching into a remote's cache. isomorphic-git cannot fetch
 * with a blob filter, receives a whole pack into memory and indexes it in JS;
 * a 1 GB file on a branch then costs gigabytes on every tick. Native git's
 * partial clone (`--filter=blob:limit=<n>`) never downloads blobs over the
 * limit, so no pack the cache holds carries them. The cache stays a bare
 * repository isomorphic-git reads and pushes from.
 *
 * `GIT_CANARY_GIT` chooses: `auto` (default: native when git >= 2.31 is on
 * PATH), `native` (git required), `embedded` (isomorphic-git only).
 *
 * Credentials never reach the command line (visible in /proc): the
 * Authorization header goes through GIT_CONFIG_COUNT/KEY/VALUE. The user's
 * and the system's git config are ignored (no credential helpers, no askpass,
 * no prompts); proxy variables are honoured.
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync, readSync, realpathSync, type Stats, statSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { GitError } from '../errors.ts';
import { TextMemo } from '../memo.ts';
import { basicAuthorization, type RemoteCredentials } from './credentials.ts';

const run = promisify(execFile);

export type GitMode = 'native' | 'embedded';

/** The oldest git whose partial clone and `--deepen` we rely on. */
export const MIN_NATIVE_GIT: readonly [number, number] = [2, 31];

/** Variables passed through to native git: where it is, where to write temporary files, proxies and CA certificates. */
const PASSED_ENV = [
  'PATH', 'TMPDIR', 'SYSTEMROOT',
  'http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY',
  'SSL_CERT_FILE', 'SSL_CERT_DIR', 'GIT_SSL_CAINFO', 'GIT_SSL_CAPATH', 'GIT_SSL_NO_VERIFY', 'GIT_PROXY_SSL_CAINFO',
];

/** Settings every native git run gets, whatever the user's config says. */
const FIXED_CONFIG: readonly (readonly [string, string])[] = [
  // No maintenance or gc in a cache other processes read.
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
  ['fetch.writeCommitGraph', 'false'],
  ['core.askPass', ''],
  ['credential.helper', ''],
  // Like the embedded path's two minutes of socket silence.
  ['http.lowSpeedLimit', '1'],
  ['http.lowSpeedTime', '120'],
];

/** The environment of a native git run: nothing of the user's git setup, credentials as an extra header only. */
export function nativeEnv(creds: RemoteCredentials | undefined, gitdir?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of PASSED_ENV) if (process.env[k] !== undefined) env[k] = process.env[k];
  Object.assign(env, {
    HOME: '/nonexistent',
    LC_ALL: 'C',
    LANG: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
  });
  const config = [...FIXED_CONFIG];
  // The cache is ours whoever owns the directory (a CI volume): no "dubious ownership" refusal.
  if (gitdir) config.push(['safe.directory', gitdir]);
  const authorization = creds ? basicAuthorization(creds) : undefined;
  if (authorization) config.push(['http.extraHeader', `Authorization: ${authorization}`]);
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/** `git version 2.39.5` → [2, 39], or undefined. */
export function parseGitVersion(text: string): [number, number] | undefined {
  const m = /git version (\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

let detected: Promise<[number, number] | undefined> | undefined;

/**
 * What `git --version` printed, by the identity of the git binary it ran
 * (gitBinary): asking costs a process start (5 to 10 ms) on every run, and
 * the answer changes only with the file. Kept on disk with the other memos.
 */
const versions = new TextMemo<string>(8, 'git-version', 8);

/**
 * The git that `spawn('git')` runs, as its real path, device, inode, size,
 * mtime and ctime; undefined unless it is an ELF executable whose real name is
 * `git`. A script or a multiplexer (a version manager's shim, macOS's xcrun
 * stub) may print another version without itself changing: those are asked
 * every time.
 */
export function gitBinary(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir || '.', 'git');
    let st: Stats | undefined;
    try {
      st = statSync(candidate);
    } catch {
      continue;
    }
    // The first executable file is what execvp runs.
    if (!st.isFile() || (st.mode & 0o111) === 0) continue;
    try {
      const real = realpathSync(candidate);
      if (basename(real) !== 'git') return undefined;
      const head = Buffer.alloc(4);
      const fd = openSync(real, 'r');
      try {
        if (readSync(fd, head, 0, 4, 0) !== 4 || head.toString('latin1') !== '\x7fELF') return undefined;
      } finally {
        closeSync(fd);
      }
      return [real, st.dev, st.ino, st.size, st.mtimeMs, st.ctimeMs].join('\0');
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** What `git --version` printed for the git on PATH, when an earlier run kept it (`binary`: gitBinary()). */
function keptVersion(binary: string | undefined): { found: true; value: string } | { found: false } {
  return binary === undefined ? { found: false } : versions.known(binary);
}

/** The version of the git on PATH, or undefined when there is none (asked once per process, and once per binary where memos are kept). */
function nativeVersion(): Promise<[number, number] | undefined> {
  detected ??= (async () => {
    const binary = gitBinary();
    const known = keptVersion(binary);
    if (known.found) return parseGitVersion(known.value);
    const { stdout } = await run('git', ['--version'], { env: nativeEnv(undefined), timeout: 10_000 });
    if (binary !== undefined && parseGitVersion(stdout)) versions.remember(binary, stdout);
    return parseGitVersion(stdout);
  })().catch(() => undefined);
  return detected;
}

/** The first git whose `fetch --refetch` asks for objects the repository has already (a tree that came without its files). */
export const REFETCH_GIT: readonly [number, number] = [2, 36];

/** Whether the git on PATH is `min` or newer (false without one). */
export async function nativeGitAtLeast(min: readonly [number, number]): Promise<boolean> {
  const v = await nativeVersion();
  return v !== undefined && (v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]));
}

function usable(v: [number, number] | undefined): boolean {
  return v !== undefined && (v[0] > MIN_NATIVE_GIT[0] || (v[0] === MIN_NATIVE_GIT[0] && v[1] >= MIN_NATIVE_GIT[1]));
}

/**
 * gitMode's answer when it is known without running anything (embedded asked
 * for, or the version of the git on PATH kept from an earlier run); undefined
 * otherwise, and for a setting gitMode refuses.
 */
export function gitModeKnown(setting = process.env.GIT_CANARY_GIT): GitMode | undefined {
  const wanted = wantedMode(setting);
  if (wanted === 'embedded') return 'embedded';
  if (wanted !== 'auto' && wanted !== 'native') return undefined;
  const known = keptVersion(gitBinary());
  if (!known.found) return undefined;
  if (usable(parseGitVersion(known.value))) return 'native';
  return wanted === 'auto' ? 'embedded' : undefined;
}

/** GIT_CANARY_GIT as written, trimmed and lower-cased; `auto` when unset or empty. */
function wantedMode(setting: string | undefined): string {
  return (setting ?? '').trim().toLowerCase() || 'auto';
}

/** Which git fetches into remote caches, from GIT_CANARY_GIT (auto, native, embedded). */
export async function gitMode(setting = process.env.GIT_CANARY_GIT): Promise<GitMode> {
  const wanted = wantedMode(setting);
  if (wanted === 'embedded') return 'embedded';
  if (wanted !== 'auto' && wanted !== 'native') {
    throw new GitError(`GIT_CANARY_GIT=${JSON.stringify(setting)} is not one of auto, native, embedded`, {
      where: { detail: 'GIT_CANARY_GIT' },
      hint: 'unset it (auto: native git when installed) or set it to native or embedded',
    });
  }
  const version = await nativeVersion();
  if (usable(version)) return 'native';
  if (wanted === 'auto') return 'embedded';
  throw new GitError(
    version ? `git ${version.join('.')} is too old for GIT_CANARY_GIT=native` : 'GIT_CANARY_GIT=native but no git is on PATH',
    {
      where: { detail: 'GIT_CANARY_GIT' },
      hint: `install git ${MIN_NATIVE_GIT.join('.')} or newer, or set GIT_CANARY_GIT=embedded (isomorphic-git only)`,
    },
  );
}

export interface NativeResult {
  code: number;
  stdout: string;
  /** The last 64 KiB of stderr, as written (not yet redacted). */
  stderr: string;
}

const STDERR_KEEP = 64 * 1024;

/** Run `git --git-dir=<gitdir> <args>`; resolves with its exit code and output, rejects only when git cannot start. */
export function runNative(gitdir: string, args: string[], creds: RemoteCredentials | undefined): Promise<NativeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [`--git-dir=${gitdir}`, ...args], {
      cwd: gitdir,
      env: nativeEnv(creds, gitdir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < STDERR_KEEP) stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-STDERR_KEEP);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

/** The blob filter for a limit of `maxBytes`: git omits blobs of at least n bytes, so a file of exactly `maxBytes` arrives. */
export function blobFilter(maxBytes: number): string {
  return `blob:limit=${maxBytes + 1}`;
}

/**
 * The config a partial clone from `origin` needs. initCache writes it under
 * the cache lock when the cache is opened, so no native fetch ever has to
 * write config itself while other processes read the cache.
 */
export function partialCloneSettings(maxBytes: number): Record<string, string> {
  return {
    'remote.origin.promisor': 'true',
    'remote.origin.partialclonefilter': blobFilter(maxBytes),
    'extensions.partialclone': 'origin',
  };
}
