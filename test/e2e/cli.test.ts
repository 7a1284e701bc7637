/**
 * End to end: the command line itself, as PRODUCT.md's "CLI contract" states
 * it. Every command is listed; exit codes are 0 done, 1 a problem a person must
 * fix, 2 usage; errors are one `error: …` line without a stack trace unless
 * --debug; a checked-out production branch is refused; a refused token is
 * never printed. And `init`: both files from templates/, never overwritten
 * without --force.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { jsonOf, runCli } from '../helpers/cli.ts';
import { type Fixture, tempDir } from '../helpers/git-fixtures.ts';
import { gitCanaryYaml, productionFiles, release } from '../helpers/scenario.ts';
import {
  assertNoPush,
  assertOneLineError,
  intervalOnlyConfig,
  PROM_ENV,
  replaceOnce,
  repoWith,
  repoFingerprint,
  runReadOnly,
  serve,
  type ServedRepo,
} from './support-validate.ts';

/** Run a command that must succeed (test setup). */
function spawnSyncOk(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Every command PRODUCT.md's CLI contract names. */
const COMMANDS = ['tick', 'watch', 'status', 'log', 'propose', 'promote', 'rollback', 'pause', 'resume', 'validate', 'init'];
const TEMPLATES = resolve(import.meta.dirname, '../../templates');
const PACKAGE = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };

describe('CLI basics', { concurrency: 4 }, () => {
  test('--help lists every command of the contract and exits 0', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const listed = [...r.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]);
    for (const c of COMMANDS) assert.ok(listed.includes(c), `--help does not list ${c}:\n${r.stdout}`);
    assert.match(r.stdout, /--repo <url\|path>/);
    assert.match(r.stdout, /--json/);
    assert.match(r.stdout, /Exit codes: 0 done .*1 a problem a person must fix, 2 usage error/);
  });

  test('every command has its own --help (exit 0)', async () => {
    for (const c of COMMANDS) {
      const r = await runCli([c, '--help']);
      assert.equal(r.code, 0, `${c} --help: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Usage: git-canary ${c}`, 'm'));
    }
  });

  test('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), PACKAGE.version);
  });

  test('an unknown command exits 2 with one error line and nothing on stdout', async () => {
    const r = await runCli(['frob']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assertOneLineError(r, /^error: unknown command 'frob' — run `git-canary --help` for usage$/);
  });

  test('a near miss suggests the command, still on one line', async () => {
    const r = await runCli(['stauts']);
    assert.equal(r.code, 2);
    assertOneLineError(r, /unknown command 'stauts' \(Did you mean status\?\)/);
  });

  test('an unknown option and a missing option value exit 2 with one error line', async () => {
    const unknown = await runCli(['tick', '--bogus']);
    assert.equal(unknown.code, 2);
    assertOneLineError(unknown, /^error: unknown option '--bogus' — run `git-canary tick --help` for usage$/);
    const missing = await runCli(['log', '--service']);
    assert.equal(missing.code, 2);
    assertOneLineError(missing, /option '--service <name>' argument missing/);
  });

  test('propose with an image reference that does not parse: exit 1, one line naming the reference; --json an error document', async () => {
    const r = await runCli(['propose', '--service', 'checkout', '--image', 'Registry.example.com/Checkout:2']);
    assert.equal(r.code, 1);
    assertOneLineError(r, /invalid image reference "Registry\.example\.com\/Checkout:2"/);
    const json = await runCli(['propose', '--service', 'checkout', '--image', 'x y', '--json']);
    assert.equal(json.code, 1);
    assert.match(jsonOf<{ error: { message: string } }>(json).error.message, /invalid image reference/);
  });

  test('--repo /nonexistent: exit 1, one line naming the path, no stack trace; --debug adds the stack', async () => {
    for (const cmd of ['validate', 'status', 'log', 'tick']) {
      const r = await runCli([cmd, '--repo', '/nonexistent/manifests'], { env: PROM_ENV });
      assert.equal(r.code, 1, `${cmd}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      const line = assertOneLineError(r, /\/nonexistent\/manifests/);
      assert.match(line, /does not exist/);
    }
    const debug = await runCli(['status', '--repo', '/nonexistent/manifests', '--debug']);
    assert.equal(debug.code, 1);
    assert.match(debug.stderr, /^error: .*\/nonexistent\/manifests/);
    assert.match(debug.stderr, /^\s+at /m, 'a stack trace with --debug');
  });

  test('--json turns an error into one JSON document on stdout, the line still on stderr', async () => {
    const r = await runCli(['status', '--repo', '/nonexistent/manifests', '--json']);
    assert.equal(r.code, 1);
    assertOneLineError(r);
    const body = jsonOf<{ error: { code: string; message: string; where?: { detail?: string } } }>(r);
    assert.equal(body.error.code, 'GIT');
    assert.equal(body.error.where?.detail, '/nonexistent/manifests');
  });

  test('a directory that is not a repository: exit 1, one line naming it', async (t) => {
    const dir = tempDir();
    t.after(() => dir.cleanup());
    const r = await runCli(['status', '--repo', dir.path]);
    assert.equal(r.code, 1);
    assertOneLineError(r, new RegExp(`not a git repository.*${dir.path.replace(/[/.]/g, '\\$&')}`));
  });

  test('--repo comes from GIT_CANARY_REPO, and a relative path from the working directory', async (t) => {
    const repo = await repoWith({ production: productionFiles(), candidate: productionFiles() });
    t.after(() => repo.cleanup());
    const fromEnv = await runCli(['status'], { env: { ...PROM_ENV, GIT_CANARY_REPO: repo.dir } });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.equal(fromEnv.stdout, 'checkout: idle\npayments: idle\n');
    const relative = await runCli(['status', '--repo', 'repo.git'], { env: PROM_ENV, cwd: resolve(repo.dir, '..') });
    assert.equal(relative.code, 0, relative.stderr);
  });

  test('a bad GIT_CANARY_NOW is a usage error (exit 2) naming the value', async (t) => {
    const repo = await repoWith({ production: productionFiles() });
    t.after(() => repo.cleanup());
    const r = await runCli(['status', '--repo', repo.dir], { env: { ...PROM_ENV, GIT_CANARY_NOW: 'yesterday' } });
    assert.equal(r.code, 2);
    assertOneLineError(r, /GIT_CANARY_NOW is not a date: yesterday/);
  });

  test('a work tree whose checked-out branch is production (or candidate): writes refused (exit 1), reads allowed, nothing changed', async () => {
    for (const branch of ['production', 'candidate']) {
      const repo = await repoWith({ production: productionFiles(), candidate: productionFiles() }, { bare: false, checkout: branch });
      try {
        for (const cmd of ['tick', 'pause']) {
          const args = cmd === 'pause' ? [cmd, '--service', 'checkout'] : [cmd];
          const r = await runReadOnly(repo.dir, [...args, '--repo', repo.dir], { env: PROM_ENV });
          assert.equal(r.code, 1, `${cmd} with ${branch} checked out: ${r.stdout}${r.stderr}`);
          assertOneLineError(r, new RegExp(`refusing to update checked-out branch ${branch}.*check out another branch`));
        }
        // Like git, which refuses a push to a checked-out branch but not a fetch: reading is fine.
        for (const args of [['validate'], ['status'], ['log'], ['tick', '--dry-run']]) {
          const r = await runReadOnly(repo.dir, [...args, '--repo', repo.dir], { env: PROM_ENV });
          assert.equal(r.code, 0, `${args.join(' ')} with ${branch} checked out: ${r.stdout}${r.stderr}`);
        }
      } finally {
        await repo.cleanup();
      }
    }
  });
});

describe('metrics settings are needed only by commands that query metrics', () => {
  test('status and manual commands run without PROMETHEUS_URL set; tick names the unset variable (exit 1)', async () => {
    const repo = await repoWith({ production: productionFiles(), candidate: productionFiles() });
    try {
      const status = await runReadOnly(repo.dir, ['status', '--json', '--repo', repo.dir], { env: {} });
      assert.equal(status.code, 0, status.stderr);
      assert.deepEqual(
        jsonOf<{ services: { service: string; phase: string }[] }>(status).services.map((s) => [s.service, s.phase]),
        [
          ['checkout', 'idle'],
          ['payments', 'idle'],
        ],
      );
      // The config loads (the refusal is about the phase, not the environment) and nothing is committed.
      const pause = await runReadOnly(repo.dir, ['pause', '--service', 'checkout', '--repo', repo.dir], { env: {} });
      assert.equal(pause.code, 1, 'a decision out of phase is a problem for a person, not a usage error');
      assertOneLineError(pause, /cannot pause checkout: it is idle — pause works on a rollout in progress; nothing is rolling out: candidate and production releases are the same$/);
      const tick = await runReadOnly(repo.dir, ['tick', '--repo', repo.dir], { env: {} });
      assert.equal(tick.code, 1);
      assertOneLineError(tick, /metrics\.prom\.address: environment variable PROMETHEUS_URL is not set/);
    } finally {
      await repo.cleanup();
    }
  });
});

describe('CLI over HTTP with credentials', { concurrency: 4 }, () => {
  const RIGHT = 'right-token-0451';
  const WRONG = 'wrong-secret-123';
  let repo: Fixture;
  let served: ServedRepo;
  before(async () => {
    repo = await repoWith({ production: productionFiles(), candidate: productionFiles() });
    served = await serve(repo, { username: 'x-access-token', password: RIGHT });
  });
  after(async () => {
    await served.close();
    await repo.cleanup();
  });

  test('a wrong GIT_CANARY_TOKEN: exit 1, one line, the token nowhere in the output', async () => {
    for (const cmd of ['validate', 'status', 'log', 'tick']) {
      const r = await runReadOnly(repo.dir, [cmd, '--repo', served.url, '--cache-dir', served.cacheDir()], {
        env: { ...PROM_ENV, GIT_CANARY_TOKEN: WRONG },
      });
      assert.equal(r.code, 1, `${cmd}: ${r.stdout}${r.stderr}`);
      assertOneLineError(r, /authentication failed for http:\/\/127\.0\.0\.1:\d+\/repo\.git/);
      assert.ok(!r.stdout.includes(WRONG) && !r.stderr.includes(WRONG), `${cmd} printed the token`);
    }
    assert.ok(served.server.requests.some((l) => l.endsWith(' 401')), 'the server refused the token');
    assertNoPush(served.server);
  });

  test('a wrong token on a warm cache (asked as the command starts): the same one-line error, after one request each', async () => {
    // A server of its own: the other tests of this suite run at the same time.
    const own = await serve(repo, { username: 'x-access-token', password: RIGHT });
    try {
      const cache = own.cacheDir();
      const warm = await runReadOnly(repo.dir, ['status', '--repo', own.url, '--cache-dir', cache], { env: { ...PROM_ENV, GIT_CANARY_TOKEN: RIGHT } });
      assert.equal(warm.code, 0, warm.stderr);
      for (const cmd of ['status', 'log', 'tick']) {
        const before = own.server.requests.length;
        const r = await runReadOnly(repo.dir, [cmd, '--repo', own.url, '--cache-dir', cache], { env: { ...PROM_ENV, GIT_CANARY_TOKEN: WRONG } });
        assert.equal(r.code, 1, `${cmd}: ${r.stdout}${r.stderr}`);
        assertOneLineError(r, /authentication failed for http:\/\/127\.0\.0\.1:\d+\/repo\.git/);
        assert.ok(!r.stdout.includes(WRONG) && !r.stderr.includes(WRONG), `${cmd} printed the token`);
        assert.deepEqual(own.server.requests.slice(before), ['GET /repo.git/info/refs?service=git-upload-pack 401'], cmd);
      }
      assertNoPush(own.server);
    } finally {
      await own.close();
    }
  });

  test('a wrong password in the URL is not printed either, and the URL shown carries no credentials', async () => {
    const url = served.url.replace('http://', `http://x-access-token:${WRONG}@`);
    const r = await runReadOnly(repo.dir, ['status', '--repo', url, '--cache-dir', served.cacheDir(), '--json'], { env: PROM_ENV });
    assert.equal(r.code, 1);
    assertOneLineError(r, /authentication failed/);
    assert.ok(!r.stdout.includes(WRONG) && !r.stderr.includes(WRONG));
    assert.equal(jsonOf<{ error: { code: string } }>(r).error.code, 'AUTH');
  });

  test('no token at all: exit 1, one line saying how to give one', async () => {
    const r = await runReadOnly(repo.dir, ['status', '--repo', served.url, '--cache-dir', served.cacheDir()], { env: PROM_ENV });
    assert.equal(r.code, 1);
    assertOneLineError(r, /authentication required .*GIT_CANARY_TOKEN/);
  });

  test('the right token works (GIT_CANARY_TOKEN or GITHUB_TOKEN), and is not written into the cache', async () => {
    for (const name of ['GIT_CANARY_TOKEN', 'GITHUB_TOKEN']) {
      const cache = served.cacheDir();
      const r = await runReadOnly(repo.dir, ['status', '--repo', served.url, '--cache-dir', cache], { env: { ...PROM_ENV, [name]: RIGHT } });
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.equal(r.stdout, 'checkout: idle\npayments: idle\n');
      const grep = spawnSync('grep', ['-rlF', '--binary-files=text', RIGHT, cache], { encoding: 'utf8' });
      assert.equal(grep.status, 1, `the token was stored in the cache: ${grep.stdout}${grep.stderr}`);
    }
  });

  test('an unreachable server: exit 1, one line naming the URL', async () => {
    const r = await runCli(['status', '--repo', 'http://127.0.0.1:1/repo.git', '--cache-dir', served.cacheDir()], { env: PROM_ENV });
    assert.equal(r.code, 1);
    assertOneLineError(r, /cannot reach http:\/\/127\.0\.0\.1:1\/repo\.git/);
  });
});

describe('init', { concurrency: 4 }, () => {
  const template = (name: string) => readFileSync(join(TEMPLATES, name), 'utf8');
  const CONFIG = 'git-canary.yaml';
  const WORKFLOW = '.github/workflows/git-canary.yaml';

  test('writes git-canary.yaml and the workflow from templates/ into an empty directory (exit 0)', async (t) => {
    const dir = tempDir();
    t.after(() => dir.cleanup());
    const r = await runCli(['init', '--dir', dir.path]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^wrote git-canary\.yaml$/m);
    assert.match(r.stdout, /^wrote \.github\/workflows\/git-canary\.yaml$/m);
    assert.match(r.stdout, /git-canary validate/, 'says what to do next');
    assert.equal(readFileSync(join(dir.path, CONFIG), 'utf8'), template('git-canary.yaml'));
    assert.equal(readFileSync(join(dir.path, WORKFLOW), 'utf8'), template('workflow.yaml'));
    const workflow = parse(readFileSync(join(dir.path, WORKFLOW), 'utf8')) as {
      on: { push: { branches: string[] }; schedule: unknown[] };
      jobs: Record<string, { steps: { with?: { command?: string } }[] }>;
    };
    assert.deepEqual(workflow.on.push.branches.sort(), ['candidate', 'production']);
    assert.ok(workflow.on.schedule.length > 0, 'ticks on a schedule too');
    assert.ok(Object.values(workflow.jobs).some((j) => j.steps.some((s) => s.with?.command === 'tick')));
  });

  test('--json reports what was written; the default directory is the working directory; a new --dir is created', async (t) => {
    const dir = tempDir();
    t.after(() => dir.cleanup());
    const r = await runCli(['init', '--json'], { cwd: dir.path });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(jsonOf(r), { written: [CONFIG, WORKFLOW], dir: dir.path, services: [], skipped: [] });
    const nested = join(dir.path, 'a', 'b');
    const r2 = await runCli(['init', '--dir', nested]);
    assert.equal(r2.code, 0, r2.stderr);
    assert.ok(existsSync(join(nested, CONFIG)) && existsSync(join(nested, WORKFLOW)));
  });

  test('the written git-canary.yaml, committed to production with its manifests, validates', async (t) => {
    const dir = tempDir();
    t.after(() => dir.cleanup());
    assert.equal((await runCli(['init', '--dir', dir.path])).code, 0);
    const config = readFileSync(join(dir.path, CONFIG), 'utf8');
    const checkout = Object.fromEntries(Object.entries(productionFiles()).filter(([p]) => p.startsWith('apps/checkout/')));
    const files = { [CONFIG]: config, [WORKFLOW]: readFileSync(join(dir.path, WORKFLOW), 'utf8'), ...checkout };

    const full = await repoWith({ production: files, candidate: files });
    t.after(() => full.cleanup());
    const ok = await runReadOnly(full.dir, ['validate', '--repo', full.dir]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(ok.stdout, 'git-canary.yaml on production is valid: 1 service(s), 3 file(s) checked\n');

    // Alone, the config itself has no problem: the only errors are the manifests it names.
    const alone = await repoWith({ production: { [CONFIG]: config }, candidate: { [CONFIG]: config } });
    t.after(() => alone.cleanup());
    const r = await runReadOnly(alone.dir, ['validate', '--repo', alone.dir, '--json']);
    assert.equal(r.code, 1);
    const report = jsonOf<{ errors: { file: string; message: string }[] }>(r);
    assert.ok(report.errors.length > 0);
    for (const e of report.errors) assert.match(e.message, /^apps\/checkout\/[a-z-]+\.yaml does not exist on production$/, JSON.stringify(e));
  });

  test('a second run exits 2 without --force and leaves both files unchanged; --force overwrites them', async (t) => {
    const dir = tempDir();
    t.after(() => dir.cleanup());
    assert.equal((await runCli(['init', '--dir', dir.path])).code, 0);
    writeFileSync(join(dir.path, CONFIG), '# my edited config\nversion: 1\n');
    writeFileSync(join(dir.path, WORKFLOW), '# my edited workflow\n');

    const again = await runCli(['init', '--dir', dir.path]);
    assert.equal(again.code, 2);
    assert.equal(again.stdout, '');
    const line = assertOneLineError(again, /already exist/);
    assert.ok(line.includes(CONFIG) && line.includes(WORKFLOW) && line.includes(dir.path), line);
    assert.match(line, /--force/);
    assert.equal(readFileSync(join(dir.path, CONFIG), 'utf8'), '# my edited config\nversion: 1\n');
    assert.equal(readFileSync(join(dir.path, WORKFLOW), 'utf8'), '# my edited workflow\n');

    const forced = await runCli(['init', '--dir', dir.path, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(readFileSync(join(dir.path, CONFIG), 'utf8'), template('git-canary.yaml'));
    assert.equal(readFileSync(join(dir.path, WORKFLOW), 'utf8'), template('workflow.yaml'));
  });

  test('when only one of the files exists, nothing is written (no half-initialised directory)', async (t) => {
    const dir = tempDir();
    t.after(() => dir.cleanup());
    writeFileSync(join(dir.path, CONFIG), '# mine\n');
    const r = await runCli(['init', '--dir', dir.path]);
    assert.equal(r.code, 2);
    const line = assertOneLineError(r, /^error: git-canary\.yaml already exists in /);
    assert.ok(!line.includes(WORKFLOW), line);
    assert.equal(readFileSync(join(dir.path, CONFIG), 'utf8'), '# mine\n');
    assert.ok(!existsSync(join(dir.path, '.github')), 'the workflow was written anyway');
  });

  test('init never touches a repository: run inside a work tree it writes files only', async (t) => {
    const repo = await repoWith({ main: { 'README.md': '# m\n' } }, { bare: false });
    t.after(() => repo.cleanup());
    const before = repoFingerprint(repo.dir).split('\n--\n').slice(0, 3).join('\n');
    mkdirSync(join(repo.dir, 'sub'));
    const r = await runCli(['init', '--dir', 'sub'], { cwd: repo.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(repoFingerprint(repo.dir).split('\n--\n').slice(0, 3).join('\n'), before, 'refs or objects changed');
  });
});

describe('a CLI that feels like git: the repository containing the working directory', { concurrency: 4 }, () => {
  const IDLE = 'checkout: idle\npayments: idle\n';
  /** A temp dir made the GIT_CEILING_DIRECTORIES, so no repository above /tmp can answer. */
  const sandbox = (t: { after(fn: () => Promise<void>): void }) => {
    const dir = tempDir();
    t.after(() => dir.cleanup());
    const root = realpathSync(dir.path);
    return { root, env: { ...PROM_ENV, GIT_CEILING_DIRECTORIES: root } };
  };

  test('no --repo: found from a subdirectory of a work tree (another branch checked out) and from inside a bare repository', async (t) => {
    const work = await repoWith({ main: { 'README.md': '# m\n' }, production: productionFiles(), candidate: productionFiles() }, { bare: false, checkout: 'main' });
    t.after(() => work.cleanup());
    const sub = join(work.dir, 'docs', 'deep');
    mkdirSync(sub, { recursive: true });
    const fromSub = await runReadOnly(work.dir, ['status'], { env: PROM_ENV, cwd: sub });
    assert.equal(fromSub.code, 0, fromSub.stderr);
    assert.equal(fromSub.stdout, IDLE);

    const bare = await repoWith({ production: productionFiles(), candidate: productionFiles() });
    t.after(() => bare.cleanup());
    const fromBare = await runReadOnly(bare.dir, ['status'], { env: PROM_ENV, cwd: join(bare.dir, 'refs', 'heads') });
    assert.equal(fromBare.code, 0, fromBare.stderr);
    assert.equal(fromBare.stdout, IDLE);
  });

  test('--repo wins over $GIT_CANARY_REPO, which wins over the search', async (t) => {
    // The repository around the working directory has no production branch: reading it fails, naming it.
    const around = await repoWith({ main: { 'README.md': '# m\n' } }, { bare: false });
    const good = await repoWith({ production: productionFiles(), candidate: productionFiles() });
    t.after(() => Promise.all([around.cleanup(), good.cleanup()]).then(() => undefined));
    const searched = await runCli(['status'], { env: PROM_ENV, cwd: around.dir });
    assert.equal(searched.code, 1);
    assertOneLineError(searched, new RegExp(`branch production does not exist in ${around.dir.replace(/[/.]/g, '\\$&')}`));
    const fromEnv = await runCli(['status'], { env: { ...PROM_ENV, GIT_CANARY_REPO: good.dir }, cwd: around.dir });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.equal(fromEnv.stdout, IDLE);
    const explicit = await runCli(['status', '--repo', around.dir], { env: { ...PROM_ENV, GIT_CANARY_REPO: good.dir }, cwd: good.dir });
    assert.equal(explicit.code, 1);
    assertOneLineError(explicit, /branch production does not exist/);
  });

  test('outside any repository: exit 1, one line naming where the search started, with a hint to pass --repo (text and --json)', async (t) => {
    const { root, env } = sandbox(t);
    const cwd = join(root, 'not', 'a', 'repo');
    mkdirSync(cwd, { recursive: true });
    for (const cmd of ['status', 'tick', 'validate', 'log']) {
      const r = await runCli([cmd], { env, cwd });
      assert.equal(r.code, 1, `${cmd}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '');
      const line = assertOneLineError(r, /^error: not in a git repository \(searched from (\S+) up/);
      assert.ok(line.includes(`searched from ${cwd} up`), line);
      assert.match(line, /pass --repo <url\|path>/);
    }
    const json = await runCli(['status', '--json'], { env, cwd });
    assert.equal(json.code, 1);
    assert.equal(jsonOf<{ error: { code: string } }>(json).error.code, 'GIT');
    // init needs no repository.
    const init = await runCli(['init', '--dir', 'out'], { env, cwd });
    assert.equal(init.code, 0, init.stderr);
  });

  test('GIT_CEILING_DIRECTORIES stops the search: a repository above the ceiling is not used', async (t) => {
    const repo = await repoWith({ main: { 'README.md': '# m\n' }, production: productionFiles(), candidate: productionFiles() }, { bare: false, checkout: 'main' });
    t.after(() => repo.cleanup());
    const sub = join(repo.dir, 'a', 'b');
    mkdirSync(sub, { recursive: true });
    const found = await runCli(['status'], { env: PROM_ENV, cwd: sub });
    assert.equal(found.code, 0, found.stderr);
    const stopped = await runCli(['status'], { env: { ...PROM_ENV, GIT_CEILING_DIRECTORIES: join(repo.dir, 'a') }, cwd: sub });
    assert.equal(stopped.code, 1);
    assertOneLineError(stopped, new RegExp(`not in a git repository \\(searched from ${sub.replace(/[/.]/g, '\\$&')} up, stopping below GIT_CEILING_DIRECTORIES`));
  });

  test('every command’s --help lists the global options it takes', async () => {
    for (const c of COMMANDS) {
      const r = await runCli([c, '--help']);
      assert.equal(r.code, 0, `${c} --help: ${r.stderr}`);
      const global = r.stdout.split(/^Global Options:$/m)[1];
      assert.ok(global, `${c} --help has no "Global Options:" section:\n${r.stdout}`);
      for (const flag of ['--repo <url|path>', '--json', '--debug', '--cache-dir <dir>', '--production <branch>']) {
        assert.ok(global.includes(flag), `${c} --help does not list ${flag} among its global options:\n${r.stdout}`);
      }
    }
  });
});

describe('GIT_CANARY_LOG_LEVEL', { concurrency: 4 }, () => {
  test('an unknown level: exit 2 before doing anything, one line listing the levels', async (t) => {
    const repo = await repoWith({ production: productionFiles(), candidate: { ...productionFiles(), ...release('checkout', 'registry.example.com/checkout:1.1.0') } });
    t.after(() => repo.cleanup());
    for (const args of [['status'], ['tick'], ['validate']]) {
      const r = await runReadOnly(repo.dir, [...args, '--repo', repo.dir], { env: { ...PROM_ENV, GIT_CANARY_LOG_LEVEL: 'verbose' } });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '');
      assertOneLineError(r, /^error: GIT_CANARY_LOG_LEVEL is not a log level: "verbose" — use one of fatal, error, warn, info, debug, trace, silent$/);
    }
  });

  test('a known level works, in any case; debug writes JSON logs on stderr', async (t) => {
    const repo = await repoWith({ production: productionFiles(), candidate: productionFiles() });
    t.after(() => repo.cleanup());
    for (const level of ['silent', 'INFO', ' warn ']) {
      const r = await runReadOnly(repo.dir, ['status', '--repo', repo.dir], { env: { ...PROM_ENV, GIT_CANARY_LOG_LEVEL: level } });
      assert.equal(r.code, 0, `${level}: ${r.stderr}`);
      assert.equal(r.stdout, 'checkout: idle\npayments: idle\n');
    }
    const debug = await runReadOnly(repo.dir, ['tick', '--dry-run', '--repo', repo.dir], { env: { ...PROM_ENV, GIT_CANARY_LOG_LEVEL: 'debug' } });
    assert.equal(debug.code, 0, debug.stderr);
    const logs = debug.stderr.split('\n').filter(Boolean);
    assert.ok(logs.length > 0, 'debug logs something');
    for (const l of logs) assert.equal(typeof (JSON.parse(l) as { level: number }).level, 'number', l);
  });
});

describe('tick --dry-run shows the diff it would commit', () => {
  test('a unified diff per changed file under its service, in text; `diff` in --json only with --dry-run; it applies to production and gives what tick commits', async (t) => {
    const NEXT = 'registry.example.com/checkout:1.1.0';
    const repo = await repoWith({ production: productionFiles(), candidate: { ...productionFiles(), ...release('checkout', NEXT) } });
    t.after(() => repo.cleanup());
    const env = { ...PROM_ENV, GIT_CANARY_NOW: '2024-01-01T00:10:00Z' };

    const text = await runReadOnly(repo.dir, ['tick', '--dry-run', '--repo', repo.dir], { env });
    assert.equal(text.code, 0, text.stderr);
    const [checkout, ...rest] = text.stdout.split(/^(?=payments: )/m);
    assert.equal(rest.length, 1, text.stdout);
    assert.match(rest[0]!, /^payments: none — [^\n]*\n$/, 'nothing due for payments, so no diff');
    assert.match(checkout!, /^checkout: start → 10% \(step 1\/3\) \(dry run: not committed\) — [^\n]*\n--- a\/apps\/checkout\/deployment-canary\.yaml\n\+\+\+ b\/apps\/checkout\/deployment-canary\.yaml\n@@ /);
    assert.match(checkout!, /^-\s+image: registry\.example\.com\/checkout:1\.0\.0 {3}# renovate: datasource=docker$/m);
    assert.match(checkout!, /^\+\s+image: registry\.example\.com\/checkout:1\.1\.0 {3}# renovate: datasource=docker$/m);
    assert.match(checkout!, /^--- a\/apps\/checkout\/virtualservice\.yaml\n\+\+\+ b\/apps\/checkout\/virtualservice\.yaml\n@@ /m);
    assert.match(checkout!, /^-\s+weight: 100\n\+\s+weight: 90$/m);
    assert.match(checkout!, /^-\s+weight: 0\n\+\s+weight: 10$/m);

    const json = await runReadOnly(repo.dir, ['tick', '--dry-run', '--json', '--repo', repo.dir], { env });
    assert.equal(json.code, 0, json.stderr);
    const entries = jsonOf<{ services: { service: string; files: string[]; diff?: string }[] }>(json).services;
    const c = entries.find((s) => s.service === 'checkout')!;
    assert.equal(`${checkout!.split('\n').slice(1).join('\n')}`, c.diff, 'the same diff in text and JSON');
    assert.deepEqual([...c.diff!.matchAll(/^\+\+\+ b\/(.+)$/gm)].map((m) => m[1]), c.files, 'one diff per file listed');
    assert.equal('diff' in entries.find((s) => s.service === 'payments')!, false);

    // Applied to production's files, the diff gives exactly what the real tick commits.
    const scratch = tempDir();
    t.after(() => scratch.cleanup());
    for (const f of c.files) {
      mkdirSync(join(scratch.path, dirname(f)), { recursive: true });
      writeFileSync(join(scratch.path, f), repo.git('show', `production:${f}`));
    }
    writeFileSync(join(scratch.path, 'dry-run.diff'), c.diff!);
    spawnSyncOk('git', ['apply', '--whitespace=nowarn', 'dry-run.diff'], scratch.path);
    const real = await runCli(['tick', '--json', '--repo', repo.dir], { env });
    assert.equal(real.code, 0, real.stderr);
    const committed = jsonOf<{ services: { service: string; commit: string | null; diff?: string }[] }>(real).services.find((s) => s.service === 'checkout')!;
    assert.ok(committed.commit, 'the real tick committed');
    assert.equal('diff' in committed, false, 'no diff without --dry-run');
    for (const f of c.files) assert.equal(readFileSync(join(scratch.path, f), 'utf8'), repo.git('show', `production:${f}`), f);
  });
});

describe('tick needs only the environment variables of metrics sources some analysis queries', { concurrency: 4 }, () => {
  const NEXT = 'registry.example.com/checkout:1.1.0';
  /** Production with `config`, candidate with a new checkout release: a tick starts it (a start queries nothing). */
  const repoFor = (config: string) =>
    repoWith({ production: { ...productionFiles(), 'git-canary.yaml': config }, candidate: { ...productionFiles(), 'git-canary.yaml': config, ...release('checkout', NEXT) } });
  const decisions = (r: Awaited<ReturnType<typeof runCli>>) => jsonOf<{ services: { service: string; decision: string }[] }>(r).services.map((s) => [s.service, s.decision]);
  const source = (name: string, address: string, extra = '') => `  ${name}:\n    type: prometheus\n    address: ${address}\n${extra}`;

  test('no service has analysis: a metrics source whose variables are unset does not stop tick', async (t) => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of git-canary.yaml
    const metrics = `metrics:\n${source('prom', '${PROMETHEUS_URL}', '    headers: { Authorization: "Bearer ${PROM_TOKEN}" }\n')}`;
    const config = replaceOnce(intervalOnlyConfig(), 'services:\n', `${metrics}services:\n`);
    const repo = await repoFor(config);
    t.after(() => repo.cleanup());
    const r = await runReadOnly(repo.dir, ['tick', '--dry-run', '--json', '--repo', repo.dir], { env: {} });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(decisions(r), [['checkout', 'start'], ['payments', 'none']]);
  });

  test('only other sources are unset: tick runs; the queried one unset: exit 1 naming its variable', async (t) => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of git-canary.yaml
    const config = replaceOnce(gitCanaryYaml(), /metrics:\n(?: {2}.*\n)+/, `metrics:\n${source('prom', '${PROMETHEUS_URL}')}${source('legacy', '${LEGACY_URL}', '    headers: { Authorization: "Bearer ${LEGACY_TOKEN}" }\n')}`);
    const repo = await repoFor(config);
    t.after(() => repo.cleanup());
    const ok = await runReadOnly(repo.dir, ['tick', '--dry-run', '--json', '--repo', repo.dir], { env: PROM_ENV });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.deepEqual(decisions(ok), [['checkout', 'start'], ['payments', 'none']]);
    const missing = await runReadOnly(repo.dir, ['tick', '--dry-run', '--repo', repo.dir], { env: {} });
    assert.equal(missing.code, 1);
    assertOneLineError(missing, /metrics\.prom\.address: environment variable PROMETHEUS_URL is not set/);
    assert.doesNotMatch(missing.stderr, /LEGACY/);
  });

  test('a variable a queried source shares with an unqueried one gets no stand-in', async (t) => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of git-canary.yaml
    const config = replaceOnce(gitCanaryYaml(), /metrics:\n(?: {2}.*\n)+/, `metrics:\n${source('prom', '${PROMETHEUS_URL}')}${source('mirror', '${PROMETHEUS_URL}')}`);
    const repo = await repoFor(config);
    t.after(() => repo.cleanup());
    const r = await runReadOnly(repo.dir, ['tick', '--dry-run', '--repo', repo.dir], { env: {} });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assertOneLineError(r, /metrics\.prom\.address: environment variable PROMETHEUS_URL is not set/);
  });

  test('a stand-in that cannot fit (a timeout) leaves the honest error: the unset variable', async (t) => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of git-canary.yaml
    const config = replaceOnce(gitCanaryYaml(), /metrics:\n(?: {2}.*\n)+/, `metrics:\n${source('prom', '${PROMETHEUS_URL}')}${source('slow', 'http://slow.example:9090', '    timeout: ${SLOW_TIMEOUT}\n')}`);
    const repo = await repoFor(config);
    t.after(() => repo.cleanup());
    const r = await runReadOnly(repo.dir, ['tick', '--dry-run', '--repo', repo.dir], { env: PROM_ENV });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assertOneLineError(r, /metrics\.slow\.timeout: environment variable SLOW_TIMEOUT is not set/);
    assert.doesNotMatch(r.stderr, /invalid\.|metrics-variable-unset/);
  });
});

describe('durations print as people write them', () => {
  test('a metrics server that does not answer within `timeout: 1500ms`: "no answer within 1s500ms", not milliseconds', async (t) => {
    // Accepts the connection and never answers.
    const sockets = new Set<Socket>();
    const server = createNetServer((s) => sockets.add(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = replaceOnce(gitCanaryYaml({ prometheus: url }), '    type: prometheus\n', '    type: prometheus\n    timeout: 1500ms\n');
    const repo = await repoWith({ production: { ...productionFiles(), 'git-canary.yaml': config }, candidate: productionFiles() });
    t.after(() => repo.cleanup());
    const r = await runReadOnly(repo.dir, ['validate', '--online', '--repo', repo.dir, '--json']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const errors = jsonOf<{ errors: { message: string }[] }>(r).errors;
    assert.ok(errors.length > 0 && errors.every((e) => e.message.endsWith(`cannot reach prometheus at ${url}: no answer within 1s500ms`)), JSON.stringify(errors));
  });
});
