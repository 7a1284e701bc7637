/**
 * End to end: `git-canary validate` as a user runs it, the real CLI process on
 * real git repositories (a local bare repository, a work tree, and the same
 * over smart HTTP through `git http-backend`). Every problem is reported with
 * the file and line to fix, the exit code is 1, secrets never show, and no run
 * changes anything in the repository.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { renderTemplate } from '../../src/analysis/templates.ts';
import { jsonOf, runCli } from '../helpers/cli.ts';
import { type Fixture, type FixtureFiles, tempDir } from '../helpers/git-fixtures.ts';
import { CHECKOUT_VS, gitCanaryYaml, PAYMENTS_ROUTE, productionFiles, release, T0 } from '../helpers/scenario.ts';
import {
  assertNoPush,
  assertOneLineError,
  errorLines,
  lineOf,
  PROM_ENV,
  replaceAt,
  replaceOnce,
  repoWith,
  runReadOnly,
  serve,
  type ServedRepo,
} from './support-validate.ts';

interface Report {
  valid: boolean;
  errors: { file: string; line?: number; message: string; branch?: string }[];
  warnings: { file: string; line?: number; message: string }[];
  services: string[];
  files: string[];
  online?: { service: string; name: string; value: number | null; outcome: string; reason: string }[];
}

const CONFIG = gitCanaryYaml();
const ALL_FILES = [
  'apps/checkout/deployment-canary.yaml',
  'apps/checkout/deployment.yaml',
  'apps/checkout/virtualservice.yaml',
  'apps/payments/deployment-canary.yaml',
  'apps/payments/deployment.yaml',
  'apps/payments/httproute.yaml',
];
const VALID_LINE = 'git-canary.yaml on production is valid: 2 service(s), 6 file(s) checked';

/** Production holds `changes` on top of the scenario; candidate holds the plain scenario. */
function repoWithProduction(changes: FixtureFiles): Promise<Fixture> {
  return repoWith({ production: { ...productionFiles(), ...changes }, candidate: productionFiles() });
}

/** `validate` in text and in JSON on the repository at `dir` (each run asserts nothing changed). */
async function validateBoth(dir: string, env: Record<string, string | undefined> = PROM_ENV, extra: string[] = []) {
  const text = await runReadOnly(dir, ['validate', '--repo', dir, ...extra], { env });
  const json = await runReadOnly(dir, ['validate', '--repo', dir, '--json', ...extra], { env });
  return { text, json, report: jsonOf<Report>(json) };
}

/** A config problem: exit 1 in both modes, exactly `expected` as the one error line, and the same in JSON. */
async function expectOneError(dir: string, expected: { file: string; line: number; message: string }, env: Record<string, string | undefined> = PROM_ENV) {
  const { text, json, report } = await validateBoth(dir, env);
  assert.equal(text.code, 1, text.stdout + text.stderr);
  assert.equal(json.code, 1, json.stdout + json.stderr);
  assert.deepEqual(errorLines(text.stdout), [`error: ${expected.file}:${expected.line}: ${expected.message}`]);
  assert.match(text.stdout, /^1 error in git-canary\.yaml or the files it names$/m);
  assert.equal(report.valid, false);
  assert.deepEqual(report.errors, [expected]);
  return { text, report };
}

describe('validate on a local repository', { concurrency: 4 }, () => {
  test('a good repository: exit 0, one line with the service and file counts; --json {valid: true, errors: []}', async (t) => {
    const repo = await repoWith({ production: productionFiles(), candidate: productionFiles() });
    t.after(() => repo.cleanup());
    const { text, json, report } = await validateBoth(repo.dir);

    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, `${VALID_LINE}\n`);
    assert.equal(text.stderr, '');

    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stderr, '');
    assert.deepEqual(report, { valid: true, errors: [], warnings: [], services: ['checkout', 'payments'], files: ALL_FILES });
  });

  test('a work tree with another branch checked out, found through the current directory (--repo default ".")', async (t) => {
    const repo = await repoWith(
      { main: { 'README.md': '# manifests\n' }, production: productionFiles(), candidate: productionFiles() },
      { bare: false, checkout: 'main' },
    );
    t.after(() => repo.cleanup());
    const r = await runReadOnly(repo.dir, ['validate'], { env: PROM_ENV, cwd: repo.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, `${VALID_LINE}\n`);
  });

  test('no candidate branch yet: still valid, with a warning that nothing will roll out', async (t) => {
    const repo = await repoWith({ production: productionFiles() });
    t.after(() => repo.cleanup());
    const { text, report } = await validateBoth(repo.dir);
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.match(text.stdout, /^warning: git-canary\.yaml: branch candidate does not exist yet; nothing will roll out until it does$/m);
    assert.match(text.stdout, new RegExp(`^${VALID_LINE.replace(/[()]/g, '\\$&')}$`, 'm'));
    assert.equal(report.valid, true);
    assert.equal(report.warnings.length, 1);
  });

  test('bad YAML in git-canary.yaml (a tab as indentation): exit 1, git-canary.yaml:<that line>', async (t) => {
    const config = replaceAt(CONFIG, '    steps: [10, 25, 50]\n', '\tsteps: [10, 25, 50]\n', 'first');
    const line = lineOf(config, '\tsteps:');
    const repo = await repoWithProduction({ 'git-canary.yaml': config });
    t.after(() => repo.cleanup());
    const { text, report } = await validateBoth(repo.dir);
    assert.equal(text.code, 1);
    assert.deepEqual(errorLines(text.stdout), [`error: git-canary.yaml:${line}: (yaml): invalid YAML: Tabs are not allowed as indentation`]);
    assert.deepEqual(
      report.errors.map((e) => [e.file, e.line]),
      [['git-canary.yaml', line]],
    );
  });

  test('bad YAML at line N (mis-indented key) → git-canary.yaml:N', async (t) => {
    const config = replaceOnce(CONFIG, '      file: apps/checkout/virtualservice.yaml', '     file: apps/checkout/virtualservice.yaml');
    const line = lineOf(config, '     file: apps/checkout/virtualservice.yaml');
    assert.equal(line, 14);
    const repo = await repoWithProduction({ 'git-canary.yaml': config });
    t.after(() => repo.cleanup());
    await expectOneError(repo.dir, {
      file: 'git-canary.yaml',
      line,
      message: '(yaml): invalid YAML: All mapping items must start at the same column',
    });
  });

  test('an unknown key under a service names its line, its path and the key it probably meant', async (t) => {
    const config = replaceAt(CONFIG, '    interval: 1m\n', '    intervl: 1m\n', 'first');
    const line = lineOf(config, 'intervl: 1m');
    assert.equal(line, 18);
    const repo = await repoWithProduction({ 'git-canary.yaml': config });
    t.after(() => repo.cleanup());
    await expectOneError(repo.dir, {
      file: 'git-canary.yaml',
      line,
      message: 'services.checkout.intervl: unknown key "intervl" — did you mean "interval"?',
    });
  });

  test('a missing file names the file and the config line naming it', async (t) => {
    const config = replaceOnce(CONFIG, 'files: [apps/checkout/deployment.yaml]', 'files: [apps/nope.yaml]');
    const repo = await repoWithProduction({ 'git-canary.yaml': config });
    t.after(() => repo.cleanup());
    await expectOneError(repo.dir, {
      file: 'git-canary.yaml',
      line: lineOf(config, 'apps/nope.yaml'),
      message: 'apps/nope.yaml does not exist on production',
    });
  });

  test('a canary destination the route file lacks is added at the first start: validate warns, naming the key', async (t) => {
    const config = replaceOnce(CONFIG, 'canary: checkout-canary', 'canary: checkout-canry');
    const repo = await repoWithProduction({ 'git-canary.yaml': config });
    t.after(() => repo.cleanup());
    const { text, report } = await validateBoth(repo.dir);
    assert.equal(text.code, 0, text.stdout);
    const warning = report.warnings.find((w) => w.message.includes('checkout-canry'));
    assert.ok(warning, text.stdout);
    assert.match(warning.message, /checkout-canry is not in apps\/checkout\/virtualservice\.yaml yet: the first start adds it beside checkout-stable/);
    assert.equal(warning.line, lineOf(config, 'canary: checkout-canry'));
  });

  test('a stable destination the route file lacks: the route file, the line of the route, the missing name', async (t) => {
    const config = replaceOnce(CONFIG, 'stable: checkout-stable', 'stable: checkout-stabel');
    const repo = await repoWithProduction({ 'git-canary.yaml': config });
    t.after(() => repo.cleanup());
    const { text, report } = await validateBoth(repo.dir);
    assert.equal(text.code, 1);
    const errors = errorLines(text.stdout);
    assert.equal(errors.length, 1, text.stdout);
    assert.match(errors[0]!, /^error: apps\/checkout\/virtualservice\.yaml:\d+: .*checkout-stabel/);
    assert.match(errors[0]!, /route\.stable/, 'says which config key to fix');
    assert.deepEqual(report.errors.map((e) => e.file), ['apps/checkout/virtualservice.yaml']);
  });

  test('a Gateway API backendRef with the wrong port: no rule can take it (the only stable rule has matches)', async (t) => {
    const config = replaceOnce(CONFIG, 'canary: { name: canary-gateway, port: 9090 }', 'canary: { name: canary-gateway, port: 9091 }');
    const repo = await repoWithProduction({ 'git-canary.yaml': config });
    t.after(() => repo.cleanup());
    const { text } = await validateBoth(repo.dir);
    assert.equal(text.code, 1);
    const errors = errorLines(text.stdout);
    assert.equal(errors.length, 1, text.stdout);
    assert.ok(
      errors[0]!.startsWith(`error: apps/payments/httproute.yaml:${lineOf(PAYMENTS_ROUTE, '- matches:')}: no rule of HTTPRoute payments can take the canary canary-gateway (port 9091)`),
      errors[0],
    );
    assert.match(errors[0]!, /backendRefs found: auth-proxy:8443, canary-gateway:9090/, 'lists what the route has');
  });

  test('steps that do not increase: git-canary.yaml:<line>: services.checkout.steps[1]', async (t) => {
    const config = replaceAt(CONFIG, 'steps: [10, 25, 50]', 'steps: [10, 5]', 'first');
    const repo = await repoWithProduction({ 'git-canary.yaml': config });
    t.after(() => repo.cleanup());
    await expectOneError(repo.dir, {
      file: 'git-canary.yaml',
      line: lineOf(config, 'steps: [10, 5]'),
      message: 'services.checkout.steps[1]: must be greater than the step before it (10)',
    });
  });

  test(`an unset \${PROMETHEUS_URL} names the variable and its line; a secret from the environment is never printed`, async (t) => {
    const SECRET = 'prom-secret-value-4242';
    const config = replaceOnce(CONFIG, '    type: prometheus\n', `    type: prometheus\n    headers: { Authorization: "Bearer \${PROM_TOKEN}" }\n`);
    const repo = await repoWithProduction({ 'git-canary.yaml': config });
    t.after(() => repo.cleanup());
    const { text } = await expectOneError(
      repo.dir,
      {
        file: 'git-canary.yaml',
        line: lineOf(config, `address: \${PROMETHEUS_URL}`),
        message: 'metrics.prom.address: environment variable PROMETHEUS_URL is not set',
      },
      { PROM_TOKEN: SECRET },
    );
    const json = await runReadOnly(repo.dir, ['validate', '--repo', repo.dir, '--json', '--debug'], { env: { PROM_TOKEN: SECRET } });
    assert.equal(json.code, 1);
    for (const out of [text.stdout, text.stderr, json.stdout, json.stderr]) assert.ok(!out.includes(SECRET), `secret printed:\n${out}`);
  });

  test('a broken manifest: bad YAML at line N of apps/checkout/virtualservice.yaml → apps/checkout/virtualservice.yaml:N', async (t) => {
    const vs = replaceOnce(CHECKOUT_VS, '  namespace: shop\n', ' namespace: shop\n');
    const line = lineOf(vs, ' namespace: shop');
    assert.equal(line, 5);
    const repo = await repoWithProduction({ 'apps/checkout/virtualservice.yaml': vs });
    t.after(() => repo.cleanup());
    await expectOneError(repo.dir, {
      file: 'apps/checkout/virtualservice.yaml',
      line,
      message:
        'invalid YAML in apps/checkout/virtualservice.yaml: All mapping items must start at the same column — fix the YAML syntax at this line (yamllint points at the same place)',
    });
  });

  test('every problem is reported, not only the first', async (t) => {
    const vs = replaceOnce(CHECKOUT_VS, '  hosts:\n', '  hosts: [checkout.example.com\n');
    const route = replaceOnce(PAYMENTS_ROUTE, '        - name: canary-gateway\n', '        - name: canary-gw\n');
    const repo = await repoWithProduction({ 'apps/checkout/virtualservice.yaml': vs, 'apps/payments/httproute.yaml': route });
    t.after(() => repo.cleanup());
    const { text, report } = await validateBoth(repo.dir);
    assert.equal(text.code, 1);
    assert.deepEqual(
      report.errors.map((e) => e.file),
      ['apps/checkout/virtualservice.yaml', 'apps/payments/httproute.yaml'],
    );
    assert.match(text.stdout, /^2 errors in git-canary\.yaml or the files it names$/m);
  });

  test('what the promises call bad input: a path leaving the repo, a symlink, a YAML bomb — each a clear error', async () => {
    const cases: { name: string; changes: FixtureFiles; expect: RegExp }[] = [
      {
        name: 'path with ..',
        changes: { 'git-canary.yaml': replaceOnce(CONFIG, 'files: [apps/checkout/deployment.yaml]', 'files: [../../etc/passwd]') },
        expect: /^error: git-canary\.yaml:9: services\.checkout\.files\[0\]: path must not contain "\.\."/,
      },
      {
        name: 'symlink route file',
        changes: { 'apps/checkout/virtualservice.yaml': { symlink: '/etc/passwd' } },
        expect: /^error: git-canary\.yaml:14: apps\/checkout\/virtualservice\.yaml: path is or goes through a symlink/,
      },
      {
        name: 'a directory named as a file',
        changes: { 'git-canary.yaml': replaceOnce(CONFIG, 'files: [apps/checkout/deployment.yaml]', 'files: [apps/checkout]') },
        expect: /^error: git-canary\.yaml:9: apps\/checkout: path is a directory, not a file/,
      },
      {
        name: 'YAML bomb',
        changes: {
          'apps/checkout/deployment.yaml': `a: &a ["x","x","x","x","x","x","x","x","x"]\n${'bcdefg'
            .split('')
            .map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`)
            .join('\n')}\n`,
        },
        expect: /^error: apps\/checkout\/deployment\.yaml:\d+: too many alias expansions .*YAML bomb/,
      },
    ];
    for (const c of cases) {
      const repo = await repoWithProduction(c.changes);
      try {
        const { text, json, report } = await validateBoth(repo.dir);
        assert.equal(text.code, 1, `${c.name}: ${text.stdout}`);
        assert.equal(json.code, 1, c.name);
        assert.equal(report.valid, false, c.name);
        const errors = errorLines(text.stdout);
        assert.equal(errors.length, 1, `${c.name}: ${text.stdout}`);
        assert.match(errors[0]!, c.expect, c.name);
        assert.doesNotMatch(text.stdout, /\/tmp\/|listFiles/, `${c.name}: internal details leak into the message`);
      } finally {
        await repo.cleanup();
      }
    }
  });

  test('config only on candidate is ignored: production without git-canary.yaml → "not found on production", hint git-canary init', async (t) => {
    const production = productionFiles();
    delete production['git-canary.yaml'];
    const repo = await repoWith({ production, candidate: productionFiles() });
    t.after(() => repo.cleanup());
    const { text, json, report } = await validateBoth(repo.dir);
    assert.equal(text.code, 1);
    assert.equal(json.code, 1);
    const errors = errorLines(text.stdout);
    assert.equal(errors.length, 1, text.stdout);
    assert.match(errors[0]!, /^error: git-canary\.yaml: not found on (branch )?production/);
    assert.match(errors[0]!, /`git-canary init`/);
    assert.match(errors[0]!, /candidate is ignored/, 'explains why the copy on candidate does not count');
    assert.equal(report.valid, false);
    assert.deepEqual(report.services, []);
  });

  test('a broken git-canary.yaml on candidate is never read: production decides', async (t) => {
    const repo = await repoWith({
      production: productionFiles(),
      candidate: { ...productionFiles(), 'git-canary.yaml': 'version: 1\nservices: [oops\n' },
    });
    t.after(() => repo.cleanup());
    const { text } = await validateBoth(repo.dir);
    assert.equal(text.code, 0, text.stdout);
    assert.equal(text.stdout, `${VALID_LINE}\n`);
  });

  test('--production names another branch to read the config from', async (t) => {
    const config = replaceOnce(CONFIG, 'version: 1\n', 'version: 1\nbranches: { candidate: next, production: live }\n');
    const repo = await repoWith({ live: { ...productionFiles(), 'git-canary.yaml': config }, next: productionFiles() });
    t.after(() => repo.cleanup());
    const r = await runReadOnly(repo.dir, ['validate', '--repo', repo.dir, '--production', 'live'], { env: PROM_ENV });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, 'git-canary.yaml on live is valid: 2 service(s), 6 file(s) checked\n');
    const missing = await runReadOnly(repo.dir, ['validate', '--repo', repo.dir], { env: PROM_ENV });
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /branch production does not exist/);
  });
});

describe('validate over HTTP (git http-backend, Basic auth)', { concurrency: 4 }, () => {
  const TOKEN = 'http-token-for-validate-771';
  let good: Fixture;
  let bad: Fixture;
  let goodServed: ServedRepo;
  let badServed: ServedRepo;
  const badConfig = replaceAt(CONFIG, '    interval: 1m\n', '    intervl: 1m\n', 'last');

  before(async () => {
    good = await repoWith({ production: productionFiles(), candidate: productionFiles() });
    bad = await repoWithProduction({ 'git-canary.yaml': badConfig });
    goodServed = await serve(good, { username: 'x-access-token', password: TOKEN });
    badServed = await serve(bad, { username: 'x-access-token', password: TOKEN });
  });
  after(async () => {
    await goodServed.close();
    await badServed.close();
    await good.cleanup();
    await bad.cleanup();
  });

  test('a good repository over HTTP: exit 0, the same valid line, nothing pushed, the server repo unchanged', async () => {
    const env = { ...PROM_ENV, GIT_CANARY_TOKEN: TOKEN };
    const text = await runReadOnly(good.dir, ['validate', '--repo', goodServed.url, '--cache-dir', goodServed.cacheDir()], { env });
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.equal(text.stdout, `${VALID_LINE}\n`);
    const json = await runReadOnly(good.dir, ['validate', '--json', '--repo', goodServed.url, '--cache-dir', goodServed.cacheDir()], { env });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(jsonOf<Report>(json), { valid: true, errors: [], warnings: [], services: ['checkout', 'payments'], files: ALL_FILES });
    assert.ok(goodServed.server.requests.some((r) => r.startsWith('POST /') && r.includes('git-upload-pack 200')), 'fetched over HTTP');
    assertNoPush(goodServed.server);
    for (const out of [text.stdout, text.stderr, json.stdout, json.stderr]) assert.ok(!out.includes(TOKEN));
  });

  test('a bad repository over HTTP: exit 1, the same file:line message as locally', async () => {
    const env = { ...PROM_ENV, GIT_CANARY_TOKEN: TOKEN };
    const r = await runReadOnly(bad.dir, ['validate', '--repo', badServed.url, '--cache-dir', badServed.cacheDir()], { env });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.deepEqual(errorLines(r.stdout), [
      `error: git-canary.yaml:${lineOf(badConfig, 'intervl: 1m')}: services.payments.intervl: unknown key "intervl" — did you mean "interval"?`,
    ]);
    assertNoPush(badServed.server);
  });
});

describe('validate --online', () => {
  /** A stand-in for Prometheus' instant-query API: answers 99.5 to every query and records each request. */
  let server: Server;
  let url: string;
  const seen: { query: string; time: string | null; authorization: string | undefined }[] = [];
  before(async () => {
    server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      seen.push({ query: u.searchParams.get('query') ?? '', time: u.searchParams.get('time'), authorization: req.headers.authorization });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, '99.5'] }] } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const SECRET = 'online-prom-token-5150';
  const config = replaceOnce(CONFIG, '    type: prometheus\n', `    type: prometheus\n    headers: { Authorization: "Bearer \${PROM_TOKEN}" }\n`);
  const queryOf = (app: string) => {
    const m = new RegExp(`query: (.*app="${app}".*)`).exec(config);
    return m![1]!;
  };

  test('runs each query exactly once, at the pinned time, with the configured header; prints each result', async (t) => {
    const repo = await repoWithProduction({ 'git-canary.yaml': config });
    t.after(() => repo.cleanup());
    seen.length = 0;
    const now = new Date(T0.getTime() + 10 * 60_000);
    const r = await runReadOnly(repo.dir, ['validate', '--online', '--repo', repo.dir], {
      env: { PROMETHEUS_URL: url, PROM_TOKEN: SECRET, GIT_CANARY_NOW: now.toISOString() },
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, ['checkout: success-rate pass (99.5)', 'payments: success-rate pass (99.5)', VALID_LINE, ''].join('\n'));
    assert.deepEqual(
      seen.map((s) => s.query).sort(),
      [queryOf('checkout'), queryOf('payments')].sort(),
    );
    assert.ok(seen.every((s) => s.time === String(now.getTime() / 1000)), JSON.stringify(seen));
    assert.ok(seen.every((s) => s.authorization === `Bearer ${SECRET}`));
    assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET));
  });

  test('an unreachable metrics server: exit 1, an error at each query line, no credentials printed', async (t) => {
    const repo = await repoWithProduction({ 'git-canary.yaml': config });
    t.after(() => repo.cleanup());
    const r = await runReadOnly(repo.dir, ['validate', '--online', '--repo', repo.dir, '--json'], {
      env: { PROMETHEUS_URL: 'http://admin:url-password-99@127.0.0.1:1', PROM_TOKEN: SECRET, GIT_CANARY_NOW: T0.toISOString() },
    });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const report = jsonOf<Report>(r);
    assert.deepEqual(
      report.errors.map((e) => [e.file, e.line]),
      [
        ['git-canary.yaml', lineOf(config, queryOf('checkout'))],
        ['git-canary.yaml', lineOf(config, queryOf('payments'))],
      ],
    );
    assert.ok(report.errors.every((e) => /^check success-rate: cannot reach prometheus at http:\/\/127\.0\.0\.1:1/.test(e.message)), JSON.stringify(report.errors));
    for (const s of [SECRET, 'url-password-99']) assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), `${s} printed`);
  });

  test('without --online no query is sent', async (t) => {
    const repo = await repoWithProduction({ 'git-canary.yaml': config });
    t.after(() => repo.cleanup());
    seen.length = 0;
    const r = await runReadOnly(repo.dir, ['validate', '--repo', repo.dir], { env: { PROMETHEUS_URL: url, PROM_TOKEN: SECRET } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(seen, []);
  });
});

describe('validate --config FILE: a config from disk, checked against the branches before it is committed', { concurrency: 4 }, () => {
  /** `text` written to <tmp>/next/git-canary.yaml; runs are made from <tmp>, so the file is named `next/git-canary.yaml`. */
  function onDisk(t: { after(fn: () => Promise<void>): void }, text: string): { cwd: string; file: string } {
    const dir = tempDir();
    t.after(() => dir.cleanup());
    mkdirSync(join(dir.path, 'next'));
    writeFileSync(join(dir.path, 'next', 'git-canary.yaml'), text);
    return { cwd: dir.path, file: 'next/git-canary.yaml' };
  }
  const run = (repo: Fixture, disk: { cwd: string; file: string }, extra: string[] = []) =>
    runReadOnly(repo.dir, ['validate', '--repo', repo.dir, '--config', disk.file, ...extra], { env: PROM_ENV, cwd: disk.cwd });

  test('a good file: exit 0, said to be checked against production; production’s own (broken) git-canary.yaml is not read', async (t) => {
    const repo = await repoWithProduction({ 'git-canary.yaml': 'version: 1\nservices: [oops\n' });
    t.after(() => repo.cleanup());
    const disk = onDisk(t, CONFIG);
    const r = await run(repo, disk);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, 'next/git-canary.yaml (checked against production) is valid: 2 service(s), 6 file(s) checked\n');
    const json = await run(repo, disk, ['--json']);
    assert.deepEqual(jsonOf<Report>(json), { valid: true, errors: [], warnings: [], services: ['checkout', 'payments'], files: ALL_FILES });
    // Without --config the broken committed file is what validate reports.
    assert.equal((await runReadOnly(repo.dir, ['validate', '--repo', repo.dir], { env: PROM_ENV })).code, 1);
  });

  test('its own problems carry its name and line; a file it names is looked up on production', async (t) => {
    const repo = await repoWith({ production: productionFiles(), candidate: productionFiles() });
    t.after(() => repo.cleanup());
    const typo = replaceAt(CONFIG, '    interval: 1m\n', '    intervl: 1m\n', 'first');
    const r1 = await run(repo, onDisk(t, typo));
    assert.equal(r1.code, 1, r1.stdout);
    assert.deepEqual(errorLines(r1.stdout), [`error: next/git-canary.yaml:${lineOf(typo, 'intervl')}: services.checkout.intervl: unknown key "intervl" — did you mean "interval"?`]);
    assert.match(r1.stdout, /^1 error in next\/git-canary\.yaml or the files it names$/m);

    const missing = replaceOnce(CONFIG, 'files: [apps/checkout/deployment.yaml]', 'files: [apps/checkout/new.yaml]');
    const r2 = await run(repo, onDisk(t, missing), ['--json']);
    assert.equal(r2.code, 1, r2.stdout);
    assert.deepEqual(jsonOf<Report>(r2).errors, [
      { file: 'next/git-canary.yaml', line: lineOf(missing, 'apps/checkout/new.yaml'), message: 'apps/checkout/new.yaml does not exist on production' },
    ]);
  });

  test('checked against candidate too: a release file broken there is named candidate:file:line', async (t) => {
    const broken = replaceOnce(productionFiles()['apps/checkout/deployment.yaml']!, '  replicas: 3\n', '  replicas: 3: x\n');
    const repo = await repoWith({ production: productionFiles(), candidate: { ...productionFiles(), 'apps/checkout/deployment.yaml': broken } });
    t.after(() => repo.cleanup());
    const r = await run(repo, onDisk(t, CONFIG));
    assert.equal(r.code, 1, r.stdout);
    const errors = errorLines(r.stdout);
    assert.equal(errors.length, 1, r.stdout);
    assert.ok(errors[0]!.startsWith(`error: candidate:apps/checkout/deployment.yaml:${lineOf(broken, 'replicas: 3: x')}: invalid YAML in apps/checkout/deployment.yaml`), errors[0]);
  });

  test('a --config file that does not exist: exit 2, one line naming it, the repository not opened', async (t) => {
    const dir = tempDir();
    t.after(() => dir.cleanup());
    const r = await runCli(['validate', '--repo', '/nonexistent/manifests', '--config', 'nope.yaml'], { env: PROM_ENV, cwd: dir.path });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    assertOneLineError(r, /^error: --config nope\.yaml: no such file — /);
  });
});

describe('validate reads the candidate branch’s release files', { concurrency: 4 }, () => {
  const RELEASE = productionFiles()['apps/checkout/deployment.yaml']!;
  const PAYMENTS_RELEASE = productionFiles()['apps/payments/deployment.yaml']!;

  test('each broken release file on candidate is an error at candidate:file:line (text), {branch, file, line} (JSON); production’s are fine', async (t) => {
    const checkout = replaceOnce(RELEASE, '  replicas: 3\n', '  replicas: 3: x\n');
    const payments = replaceOnce(PAYMENTS_RELEASE, '    matchLabels: { app: payments, track: stable }\n', '    matchLabels: { app: payments, track: stable\n');
    const repo = await repoWith({
      production: productionFiles(),
      candidate: { ...productionFiles(), 'apps/checkout/deployment.yaml': checkout, 'apps/payments/deployment.yaml': payments },
    });
    t.after(() => repo.cleanup());
    const { text, report } = await validateBoth(repo.dir);
    assert.equal(text.code, 1, text.stdout);
    const errors = errorLines(text.stdout);
    assert.equal(errors.length, 2, text.stdout);
    assert.ok(errors[0]!.startsWith(`error: candidate:apps/checkout/deployment.yaml:${lineOf(checkout, 'replicas: 3: x')}: invalid YAML in apps/checkout/deployment.yaml: `), errors[0]);
    assert.match(errors[1]!, /^error: candidate:apps\/payments\/deployment\.yaml:\d+: invalid YAML in apps\/payments\/deployment\.yaml: /);
    assert.doesNotMatch(text.stdout, /\(branch candidate\)/, 'the branch is named once, in front');
    assert.deepEqual(
      report.errors.map((e) => [e.branch, e.file, e.line]),
      [
        ['candidate', 'apps/checkout/deployment.yaml', lineOf(checkout, 'replicas: 3: x')],
        ['candidate', 'apps/payments/deployment.yaml', report.errors[1]!.line],
      ],
    );
    assert.ok(typeof report.errors[1]!.line === 'number' && report.errors[1]!.line > 1);
  });

  test('a release file broken the same way on both branches is one error, production’s', async (t) => {
    const broken = replaceOnce(RELEASE, '  replicas: 3\n', '  replicas: 3: x\n');
    const repo = await repoWith({
      production: { ...productionFiles(), 'apps/checkout/deployment.yaml': broken },
      candidate: { ...productionFiles(), 'apps/checkout/deployment.yaml': broken },
    });
    t.after(() => repo.cleanup());
    const { text, report } = await validateBoth(repo.dir);
    assert.equal(text.code, 1);
    assert.deepEqual(
      report.errors.map((e) => [e.branch ?? null, e.file, e.line]),
      [[null, 'apps/checkout/deployment.yaml', lineOf(broken, 'replicas: 3: x')]],
    );
  });

  test('a shared file listed by documents: a document missing on candidate is named at candidate:file', async (t) => {
    const config = replaceOnce(CONFIG, 'files: [apps/checkout/deployment.yaml]', 'files: [{ path: apps/checkout/deployment.yaml, documents: [Deployment/checkout] }]');
    const renamed = replaceOnce(RELEASE, '  name: checkout\n', '  name: checkout-v2\n');
    const repo = await repoWith({
      production: { ...productionFiles(), 'git-canary.yaml': config },
      candidate: { ...productionFiles(), 'git-canary.yaml': config, 'apps/checkout/deployment.yaml': renamed },
    });
    t.after(() => repo.cleanup());
    const { text, report } = await validateBoth(repo.dir);
    assert.equal(text.code, 1, text.stdout);
    const errors = errorLines(text.stdout);
    assert.equal(errors.length, 1, text.stdout);
    assert.match(errors[0]!, /^error: candidate:apps\/checkout\/deployment\.yaml(:\d+)?: .*Deployment\/checkout/);
    assert.equal(report.errors[0]!.branch, 'candidate');
  });
});

describe('validate parses every query and resolves built-in templates, before any rollout', { concurrency: 4 }, () => {
  /** CONFIG with each service's `checks:` block replaced by `block` (indented as a key of `analysis`). */
  function withAnalysis(block: { checkout: string; payments: string }): string {
    const checks = / {6}checks:\n {8}- name: success-rate\n {10}query: .*\n {10}min: 99\n/g;
    const blocks = [block.checkout, block.payments];
    return CONFIG.replace(checks, () => `${blocks.shift()!.replace(/^/gm, '      ')}\n`);
  }

  test('a broken written query: exit 1 at its line, and tick starts no rollout', async (t) => {
    const config = replaceOnce(CONFIG, /(app="checkout".*?)\[1m\]\)\) \* 100/, '$1[1])) * 100');
    const line = lineOf(config, '[1])) * 100');
    const repo = await repoWith({ production: { ...productionFiles(), 'git-canary.yaml': config }, candidate: { ...productionFiles(), ...release('checkout', 'registry.example.com/checkout:1.1.0') } });
    t.after(() => repo.cleanup());
    await expectOneError(repo.dir, {
      file: 'git-canary.yaml',
      line,
      message: `services.checkout.analysis.checks[0].query: check success-rate: PromQL: the range [1] has no unit: write e.g. 1m or 1s (column ${config.split('\n')[line - 1]!.indexOf('[1]') - '          query: '.length + 2})`,
    });
    // The same config on a tick: refused before anything is committed (runReadOnly asserts every ref is unchanged).
    const tick = await runReadOnly(repo.dir, ['tick', '--repo', repo.dir], { env: { ...PROM_ENV, GIT_CANARY_NOW: T0.toISOString() } });
    assert.notEqual(tick.code, 0, tick.stdout + tick.stderr);
    assert.match(tick.stderr, new RegExp(`^error: services\\.checkout\\.analysis\\.checks\\[0\\]\\.query: check success-rate: PromQL: the range \\[1\\] has no unit.*\\(git-canary\\.yaml:${line}\\)`));
  });

  test('templates resolve on an Istio and a Gateway API service: valid, and --online runs the expanded queries', async (t) => {
    const config = withAnalysis({
      checkout: 'templates:\n  - { template: request-success-rate, min: 99 }\n  - { template: request-duration, max: 500, baseline: { maxIncrease: 20% } }\nminRequests: { min: 10 }',
      payments: 'templates:\n  - { template: request-success-rate, min: 99, window: 2m }',
    });
    const repo = await repoWithProduction({ 'git-canary.yaml': config });
    t.after(() => repo.cleanup());
    const { text, report } = await validateBoth(repo.dir);
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.deepEqual(report.errors, []);
    assert.equal(text.stdout, `${VALID_LINE}\n`);

    // --online sends the expanded queries: the route's names, the route document's namespace, the interval or the template's window.
    const queries: string[] = [];
    const prom = createServer((req, res) => {
      queries.push(new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, '99.5'] }] } }));
    });
    await new Promise<void>((r) => prom.listen(0, '127.0.0.1', r));
    t.after(() => new Promise<void>((r) => prom.close(() => r())));
    const online = await runReadOnly(repo.dir, ['validate', '--online', '--repo', repo.dir], {
      env: { PROMETHEUS_URL: `http://127.0.0.1:${(prom.address() as AddressInfo).port}`, GIT_CANARY_NOW: T0.toISOString() },
    });
    assert.equal(online.code, 0, online.stdout + online.stderr);
    const istio = { namespace: 'shop', target: 'checkout-canary', windowMs: 60_000 };
    assert.deepEqual(queries.sort(), [
      renderTemplate('request-success-rate', 'istio', istio),
      renderTemplate('request-duration', 'istio', istio),
      // the baseline without a query: the same template for stable
      renderTemplate('request-duration', 'istio', { ...istio, target: 'checkout-stable' }),
      renderTemplate('request-success-rate', 'envoy', { namespace: 'shop', target: 'canary-gateway', port: 9090, windowMs: 120_000 }),
    ].sort());
  });

  test('a template that cannot be resolved: an error at the template\'s line with a hint', async (t) => {
    const config = withAnalysis({
      checkout: 'templates:\n  - { template: request-success-rate, min: 99 }\n  - { template: request-duration, provider: knative, max: 500 }',
      payments: 'templates:\n  - { template: request-success-rate, min: 99 }',
    });
    const repo = await repoWithProduction({ 'git-canary.yaml': config });
    t.after(() => repo.cleanup());
    await expectOneError(repo.dir, {
      file: 'git-canary.yaml',
      line: lineOf(config, 'provider: knative'),
      message: "cannot tell the canary's name for the knative metrics: they name revisions, and the route names none — set canary: to the revision name its metrics carry",
    });
  });

  test('an Istio subset route without names: refused at the template, naming the subset', async (t) => {
    const vs = CHECKOUT_VS.replace('host: checkout-stable\n          weight: 100', 'host: checkout\n            subset: v1\n          weight: 100').replace(
      'host: checkout-canary\n          weight: 0',
      'host: checkout\n            subset: v2\n          weight: 0',
    );
    const config = withAnalysis({
      checkout: 'templates:\n  - { template: request-success-rate, min: 99 }',
      payments: 'templates:\n  - { template: request-success-rate, min: 98 }',
    })
      .replace('stable: checkout-stable', 'stable: { name: checkout, subset: v1 }')
      .replace('canary: checkout-canary', 'canary: { name: checkout, subset: v2 }');
    const repo = await repoWithProduction({ 'git-canary.yaml': config, 'apps/checkout/virtualservice.yaml': vs });
    t.after(() => repo.cleanup());
    const { text, report } = await validateBoth(repo.dir);
    assert.equal(text.code, 1, text.stdout);
    assert.deepEqual(report.errors, [
      {
        file: 'git-canary.yaml',
        line: lineOf(config, 'template: request-success-rate, min: 99 }'),
        message:
          "cannot tell the canary's name for the istio metrics: route.canary is subset v2 of host checkout: the subsets share the host, and the metrics name the Service — set canary: to the Kubernetes Service name its metrics carry",
      },
    ]);
  });
});
