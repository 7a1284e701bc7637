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
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { jsonOf, runCli } from '../helpers/cli.ts';
import { type Fixture, tempDir } from '../helpers/git-fixtures.ts';
import { productionFiles } from '../helpers/scenario.ts';
import { assertNoPush, assertOneLineError, PROM_ENV, repoWith, repoFingerprint, runReadOnly, serve, type ServedRepo } from './support-validate.ts';

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
      assert.equal(pause.code, 2);
      assertOneLineError(pause, /cannot pause checkout: it is idle/);
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
    assert.deepEqual(jsonOf(r), { written: [CONFIG, WORKFLOW], dir: dir.path });
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
