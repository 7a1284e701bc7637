/**
 * Shared pieces of the end-to-end tests of `validate`, `init`, the CLI basics
 * and `status`/`log`: real repositories (local, or served by `git
 * http-backend`), a fingerprint of everything a read-only command must leave
 * alone, line numbers computed from the fixture text, and a clock helper.
 */
import assert from 'node:assert/strict';
import { basename, dirname } from 'node:path';
import { type CliResult, runCli, type RunCliOptions } from '../helpers/cli.ts';
import { createRepo, type CreateRepoOptions, type Fixture, type FixtureFiles, git, tempDir } from '../helpers/git-fixtures.ts';
import { type GitHttpServer, start } from '../helpers/git-http-server.ts';
import { gitCanaryYaml, T0 } from '../helpers/scenario.ts';

/** The value every test gives ${PROMETHEUS_URL}; no server is needed, validate does not query without --online. */
export const PROM_ENV = { PROMETHEUS_URL: 'http://prometheus.monitoring:9090' } as const;

/** ISO time `minutes` after T0, for GIT_CANARY_NOW. */
export function at(minutes: number): string {
  return new Date(T0.getTime() + minutes * 60_000).toISOString();
}

/**
 * 1-based line of the first line of `text` containing `needle`. Tests assert
 * the line a message names against this, so a moved fixture cannot make a test
 * pass by accident; it throws when the needle is absent or ambiguous.
 */
export function lineOf(text: string, needle: string): number {
  const lines = text.split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  assert.equal(hits.length, 1, `expected exactly one line containing ${JSON.stringify(needle)}, found ${hits.length}`);
  return hits[0]!;
}

/** Replace exactly one occurrence of `from` (fails loudly when the fixture changed). */
export function replaceOnce(text: string, from: string | RegExp, to: string): string {
  const count = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from, 'g')) ?? []).length;
  assert.equal(count, 1, `expected one occurrence of ${String(from)} in the fixture, found ${count}`);
  return text.replace(from, to);
}

/** Replace the first (`which: 'first'`) or last occurrence of `from`; with several services the first is checkout's, the last payments'. */
export function replaceAt(text: string, from: string, to: string, which: 'first' | 'last'): string {
  const i = which === 'first' ? text.indexOf(from) : text.lastIndexOf(from);
  assert.notEqual(i, -1, `${JSON.stringify(from)} not in the fixture`);
  return text.slice(0, i) + to + text.slice(i + from.length);
}

/**
 * Everything a read-only command must not change in a repository: every ref
 * and its target, where HEAD points, the reflog-free object count, and (for a
 * work tree) the index and work tree status.
 */
export function repoFingerprint(dir: string): string {
  const bare = git(dir, ['rev-parse', '--is-bare-repository']).trim() === 'true';
  const parts = [
    git(dir, ['for-each-ref', '--format=%(refname) %(objectname)']),
    git(dir, ['symbolic-ref', 'HEAD']),
    git(dir, ['count-objects', '-v']).replace(/^size.*$/gm, ''),
  ];
  if (!bare) parts.push(git(dir, ['status', '--porcelain=v1', '--untracked-files=all', '--ignored']), git(dir, ['ls-files', '--stage']));
  return parts.join('\n--\n');
}

/** Run the CLI and assert the repository at `dir` is exactly as before. */
export async function runReadOnly(dir: string, args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  const before = repoFingerprint(dir);
  const r = await runCli(args, options);
  assert.equal(repoFingerprint(dir), before, `\`git-canary ${args.join(' ')}\` changed the repository\n${r.stdout}${r.stderr}`);
  return r;
}

/** A bare repository with these branches; `cleanup` removes it. */
export function repoWith(branches: Record<string, FixtureFiles | FixtureFiles[]>, options: CreateRepoOptions = {}): Promise<Fixture> {
  return createRepo(branches, options);
}

export interface ServedRepo {
  /** `http://127.0.0.1:<port>/<name>.git` */
  url: string;
  server: GitHttpServer;
  /** A fresh --cache-dir, so no run reuses another's fetch. */
  cacheDir(): string;
  close(): Promise<void>;
}

/** Serve the bare repository `fixture` over smart HTTP (real `git http-backend`), optionally behind Basic auth. */
export async function serve(fixture: Fixture, auth?: { username: string; password: string }): Promise<ServedRepo> {
  const server = await start({ root: dirname(fixture.dir), auth });
  const caches: { cleanup(): Promise<void> }[] = [];
  return {
    url: `${server.url}/${basename(fixture.dir)}`,
    server,
    cacheDir() {
      const t = tempDir('git-canary-cache-');
      caches.push(t);
      return t.path;
    },
    async close() {
      await server.close();
      await Promise.all(caches.map((c) => c.cleanup()));
    },
  };
}

/** No request of the server pushed anything. */
export function assertNoPush(server: GitHttpServer): void {
  assert.deepEqual(
    server.requests.filter((r) => r.includes('receive-pack')),
    [],
    'a read-only command talked to git-receive-pack',
  );
}

/** The error contract: exactly one line on stderr, starting `error: `, no stack trace. */
export function assertOneLineError(r: CliResult, pattern?: RegExp): string {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
  const line = lines[0]!;
  assert.match(line, /^error: \S/);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'stack trace without --debug');
  if (pattern) assert.match(line, pattern);
  return line;
}

/** The `error: …` lines a validate report printed on stdout. */
export function errorLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('error: '));
}

/**
 * git-canary.yaml for `status`/`log` tests: both scenario services, no
 * metrics and no analysis, so steps advance on the interval alone and no
 * Prometheus is involved.
 */
export function intervalOnlyConfig(o: { steps?: number[]; interval?: string } = {}): string {
  return gitCanaryYaml({ steps: o.steps ?? [20, 50], interval: o.interval, analysis: false });
}
