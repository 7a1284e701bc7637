/**
 * Memory is bounded by what a tick reads, not by what the repository holds.
 *
 * Real parts only: bare repositories served by `git http-backend`, the real
 * CLI as a child process, native git's partial clone (the default where git
 * is installed) and the embedded isomorphic-git path (GIT_CANARY_GIT=embedded).
 * Peak memory is the child's VmHWM from /proc/self/status, written by a
 * preloaded hook as the process exits: behaviour, never timings.
 *
 * Large files are runs of zero bytes written by `git hash-object -w --stdin`
 * from a stream: git stores them compressed (small on disk and on the wire
 * when fetched), but any reader that materialises them holds every byte.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliResult, jsonOf, runCli } from '../helpers/cli.ts';
import { start as startGitServer, type GitHttpServer } from '../helpers/git-http-server.ts';
import { GIT_ENV } from '../helpers/git-fixtures.ts';
import { at, CHECKOUT_NEXT, scenarioRepo, sha, tryRev } from '../e2e/support-races.ts';
import { peakRssEnv, readPeakKb } from '../helpers/peak-rss.ts';
import { recordFigures, scale } from './figures.ts';

const MB = 1024 * 1024;
/** The unmanaged or managed file that no tick should read. */
const BIG_BYTES = scale(300, 1024) * MB;
/** The judgment note no tick should read. */
const NOTE_BYTES = scale(200, 200) * MB;
/** The bound on a CLI process's peak RSS, whatever the repository holds. */
const RSS_BOUND = 250 * MB;
/** The managed-file size limit (manifests' limits.maxBytes). */
const LIMIT = 1024 * 1024;

const work = mkdtempSync(join(tmpdir(), 'git-canary-resources-'));
let server: GitHttpServer;
let seq = 0;
const peaks: number[] = [];

before(async () => {
  server = await startGitServer({ root: work });
});
after(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
  recordFigures('resources', {
    'large file (MB)': BIG_BYTES / MB,
    'large note (MB)': NOTE_BYTES / MB,
    'RSS bound (MB)': RSS_BOUND / MB,
    'CLI runs measured': peaks.length,
    'highest peak RSS (MB)': Math.round(Math.max(0, ...peaks) / MB),
  });
});

interface Measured extends CliResult {
  /** The CLI process's peak resident set (VmHWM), bytes. */
  peak: number;
}

/** The real CLI, its peak RSS read from /proc as it exits. */
async function measured(args: string[], env: Record<string, string> = {}): Promise<Measured> {
  const rssFile = join(work, `rss-${++seq}`);
  const r = await runCli(args, {
    env: {
      GIT_CANARY_LOG_LEVEL: 'info',
      ...env,
      ...peakRssEnv(rssFile),
    },
    timeoutMs: 300_000,
  });
  const peak = readPeakKb(rssFile) * 1024;
  assert.ok(peak > 0, 'the hook measured the process');
  peaks.push(peak);
  return { ...r, peak };
}

function assertBounded(r: Measured, what: string): void {
  assert.ok(r.peak < RSS_BOUND, `${what}: peak RSS ${Math.round(r.peak / MB)} MB, over the ${RSS_BOUND / MB} MB bound\n${r.stderr.slice(-2000)}`);
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Alice', GIT_AUTHOR_EMAIL: 'alice@example.test', GIT_COMMITTER_NAME: 'Alice', GIT_COMMITTER_EMAIL: 'alice@example.test',
};

function gitIn(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, { cwd: dir, env: { ...GIT_ENV, ...IDENTITY, ...env }, encoding: 'utf8', maxBuffer: 64 * MB });
}

/** A blob of `bytes` zero bytes written from a stream (never held in memory here). */
function zeroBlob(dir: string, bytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `head -c ${bytes} /dev/zero | git hash-object -w --stdin`], { cwd: dir, env: { ...process.env, ...GIT_ENV } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`hash-object exited ${code}`))));
  });
}

/** Commit `blob` at `path` on top of `branch` (a bare repository: a temporary index, no work tree). */
function commitBlob(dir: string, branch: string, path: string, blob: string, message: string): string {
  const env = { GIT_INDEX_FILE: join(dir, `index-${++seq}`) };
  gitIn(dir, ['read-tree', branch], env);
  gitIn(dir, ['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], env);
  const tree = gitIn(dir, ['write-tree'], env).trim();
  const commit = gitIn(dir, ['commit-tree', tree, '-p', branch, '-m', message]).trim();
  gitIn(dir, ['update-ref', `refs/heads/${branch}`, commit]);
  rmSync(env.GIT_INDEX_FILE, { force: true });
  return commit;
}

/** A scenario repository (no analysis: steps advance on the interval) served over HTTP. */
async function served(name: string, apps: ('checkout' | 'payments')[] = ['checkout'], steps = [10, 25, 50]) {
  const dir = join(work, `${name}.git`);
  const repo = await scenarioRepo({ dir, apps, scenario: { analysis: false, steps } });
  return { ...repo, url: `${server.url}/${name}.git`, cacheDir: mkdtempSync(join(work, `cache-${name}-`)) };
}

interface Decision {
  service: string;
  decision: string;
  weight: number | null;
  reason: string;
}

function decisions(r: CliResult): Map<string, Decision> {
  return new Map(jsonOf<{ services: Decision[] }>(r).services.map((s) => [s.service, s]));
}

function tick(url: string, cacheDir: string, minutes: number, env: Record<string, string> = {}): Promise<Measured> {
  return measured(['tick', '--repo', url, '--json', '--cache-dir', cacheDir], { GIT_CANARY_NOW: at(minutes), ...env });
}

/** Tick every two minutes until checkout is promoted; the decisions in order. */
async function rollout(url: string, cacheDir: string, env: Record<string, string> = {}): Promise<{ seen: string[]; runs: Measured[] }> {
  const seen: string[] = [];
  const runs: Measured[] = [];
  for (let minute = 0; minute <= 20; minute += 2) {
    const r = await tick(url, cacheDir, minute, env);
    assert.equal(r.code, 0, `tick at minute ${minute} exited ${r.code}:\n${r.stdout}\n${r.stderr.slice(-3000)}`);
    runs.push(r);
    const d = decisions(r).get('checkout')!;
    seen.push(d.decision);
    if (d.decision === 'promote') break;
  }
  return { seen, runs };
}

describe('memory is bounded by what a tick reads', () => {
  test(`a ${BIG_BYTES / MB} MB file no service manages on candidate: every tick over HTTP rolls out with peak RSS under ${RSS_BOUND / MB} MB`, async () => {
    // One step: start, then promote (two ticks, each fetching and pushing).
    const repo = await served('unmanaged', ['checkout'], [50]);
    const blob = await zeroBlob(repo.dir, BIG_BYTES);
    commitBlob(repo.dir, 'candidate', 'assets/huge.bin', blob, 'add a large asset\n');
    const { seen, runs } = await rollout(repo.url, repo.cacheDir);
    assert.deepEqual(seen, ['start', 'promote']);
    for (const r of runs) assertBounded(r, 'tick');
    // The promotion is on the server (pushed from the partial cache) and leaves the asset alone.
    const production = sha(repo.dir, 'production');
    assert.match(gitIn(repo.dir, ['show', `${production}:apps/checkout/deployment.yaml`]), new RegExp(CHECKOUT_NEXT.replace(/[.]/g, '\\.')));
    assert.equal(tryRev(repo.dir, `${production}:assets/huge.bin`), undefined);
    gitIn(repo.dir, ['fsck', '--connectivity-only', '--no-progress']);
    // A warm cache: status reads no large object either.
    const status = await measured(['status', '--repo', repo.url, '--cache-dir', repo.cacheDir, '--json'], { GIT_CANARY_NOW: at(30) });
    assert.equal(status.code, 0, status.stderr);
    assertBounded(status, 'status on a warm cache');
    recordFigures('resources', { 'ticks with a large unmanaged file': runs.length, 'status runs on a warm cache': 1 });
  });

  test(`a managed file over the ${LIMIT}-byte limit is a clear error for its service only; the others tick, peak RSS under ${RSS_BOUND / MB} MB`, async () => {
    const repo = await served('managed', ['checkout', 'payments']);
    const blob = await zeroBlob(repo.dir, BIG_BYTES);
    commitBlob(repo.dir, 'candidate', 'apps/checkout/deployment.yaml', blob, 'a huge release file\n');
    const before = sha(repo.dir, 'production');
    const r = await tick(repo.url, repo.cacheDir, 0);
    assertBounded(r, 'tick');
    const d = decisions(r);
    assert.equal(d.get('checkout')?.decision, 'error', r.stdout);
    assert.match(d.get('checkout')!.reason, /apps\/checkout\/deployment\.yaml on candidate is larger than 1048576 bytes/);
    assert.equal(d.get('payments')?.decision, 'start', r.stdout);
    // Only payments' start was committed.
    assert.equal(gitIn(repo.dir, ['rev-list', '--count', `${before}..production`]).trim(), '1');
    assert.doesNotMatch(r.stdout + r.stderr, /internal error|JavaScript heap/i);
  });

  test(`a managed file over the limit in a local repository is refused from its object header, loose or packed, peak RSS under ${RSS_BOUND / MB} MB`, async () => {
    const dir = join(work, 'local.git');
    await scenarioRepo({ dir, apps: ['checkout', 'payments'], scenario: { analysis: false } });
    const size = scale(100, 300) * MB;
    const blob = await zeroBlob(dir, size);
    commitBlob(dir, 'candidate', 'apps/checkout/deployment.yaml', blob, 'a huge release file\n');
    for (const layout of ['loose', 'packed']) {
      if (layout === 'packed') gitIn(dir, ['repack', '-a', '-d', '-q']);
      const r = await measured(['tick', '--repo', dir, '--json', '--dry-run'], { GIT_CANARY_NOW: at(0) });
      assertBounded(r, `tick (${layout})`);
      const d = decisions(r);
      assert.equal(d.get('checkout')?.decision, 'error', r.stdout);
      assert.match(d.get('checkout')!.reason, new RegExp(`deployment\\.yaml on candidate is larger than 1048576 bytes \\(${size} bytes\\)`));
      assert.equal(d.get('payments')?.decision, 'start', r.stdout);
    }
    recordFigures('resources', { 'local layouts checked (loose, packed)': 2, 'local managed file (MB)': size / MB });
  });

  test(`a ${NOTE_BYTES / MB} MB judgment note is ignored with a warning, never loaded: log and the next ticks stay under ${RSS_BOUND / MB} MB`, async () => {
    const repo = await served('notes');
    const first = await tick(repo.url, repo.cacheDir, 0);
    assert.equal(decisions(first).get('checkout')?.decision, 'start', first.stdout);
    const record = sha(repo.dir, 'production');
    const blob = await zeroBlob(repo.dir, NOTE_BYTES);
    gitIn(repo.dir, ['notes', '--ref=git-canary', 'add', '-f', '-C', blob, record]);
    const log = await measured(['log', '--repo', repo.url, '--cache-dir', repo.cacheDir, '--json'], { GIT_CANARY_NOW: at(1) });
    assert.equal(log.code, 0, log.stderr);
    assertBounded(log, 'log');
    assert.match(log.stderr, new RegExp(`note of ${record.slice(0, 7)} cannot be read: .*larger than 1048576 bytes`));
    const next = await tick(repo.url, repo.cacheDir, 2);
    assert.equal(next.code, 0, next.stderr);
    assert.equal(decisions(next).get('checkout')?.decision, 'step', next.stdout);
    assertBounded(next, 'tick');
  });

  test('a local repository whose packfile is over the in-memory bound is a clear error naming the pack, never an out-of-memory crash', async () => {
    const dir = join(work, 'local-pack.git');
    await scenarioRepo({ dir, scenario: { analysis: false } });
    // 4 MB that do not compress, in one pack; the bound lowered to 1 MB stands for the default 256 MB.
    const blob = await new Promise<string>((resolve, reject) => {
      const child = spawn('sh', ['-c', 'head -c 4194304 /dev/urandom | git hash-object -w --stdin'], { cwd: dir, env: { ...process.env, ...GIT_ENV } });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`hash-object exited ${code}`))));
    });
    commitBlob(dir, 'candidate', 'assets/noise.bin', blob, 'add noise\n');
    gitIn(dir, ['repack', '-a', '-d', '-q']);
    const before = sha(dir, 'production');
    const r = await measured(['tick', '--repo', dir, '--json'], { GIT_CANARY_NOW: at(0), GIT_CANARY_MAX_PACK_MB: '1' });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /packfile \S+\/objects\/pack\/pack-[0-9a-f]+\.pack is \d+ bytes, over the 1048576-byte limit/);
    assert.match(r.stdout + r.stderr, /native git|GIT_CANARY_MAX_PACK_MB/);
    assert.equal(sha(dir, 'production'), before, 'nothing committed');
    assertBounded(r, 'tick');
  });

  test('the embedded path (GIT_CANARY_GIT=embedded, isomorphic-git only) still rolls a release out over HTTP', async () => {
    const repo = await served('embedded', ['checkout'], [50]);
    const { seen } = await rollout(repo.url, repo.cacheDir, { GIT_CANARY_GIT: 'embedded' });
    assert.deepEqual(seen, ['start', 'promote']);
    assert.match(gitIn(repo.dir, ['show', 'production:apps/checkout/deployment.yaml']), /checkout:1\.1\.0/);
    gitIn(repo.dir, ['fsck', '--no-progress']);
    recordFigures('resources', { 'embedded rollouts over HTTP': 1 });
  });
});
