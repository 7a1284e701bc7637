/**
 * Promises about people and loose ends, through the real CLI on real
 * repositories and a real Prometheus:
 * - a person's `git revert` of a promotion is respected (the release is not
 *   rolled out again until candidate changes it) and reported;
 * - a person's `git revert` of a step pauses, and the weight reported and
 *   resumed from is the one the route really holds;
 * - a candidate branch deleted mid-rollout holds, with a reason;
 * - `tick --deadline` holds what it did not decide in time, commits nothing
 *   half-done and keeps what it had already decided.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { CliResult } from '../helpers/cli.ts';
import type { RunningPrometheus } from '../helpers/prometheus.ts';
import { gitCanaryYaml, release } from '../helpers/scenario.ts';
import {
  at,
  cli,
  commitFiles,
  decisionOf,
  fileAt,
  git,
  history,
  scenarioRepo,
  sha,
  startScenarioPrometheus,
  T0,
  tempDir,
  tickCli,
  tickInProcess,
  trailersOf,
  type ScenarioRepo,
} from '../e2e/support-races.ts';
import { readInputs, resolveInvocation } from '../../src/action/inputs.ts';
import { commands } from '../../src/commands/index.ts';
import { recordFigures } from './figures.ts';

const VS = 'apps/checkout/virtualservice.yaml';

let prom: RunningPrometheus;
before(async () => {
  prom = await startScenarioPrometheus();
});
after(async () => {
  await prom?.stop();
});

const secondsAt = (minutes: number) => Math.round(T0.getTime() / 1000 + minutes * 60);

function tick(repo: ScenarioRepo, minute: number): Promise<CliResult> {
  return tickCli(repo.dir, { now: at(minute), prometheus: prom.url, service: 'checkout' });
}

interface StatusEntry {
  service: string;
  phase: string;
  weight: number;
  step: string | null;
  reason: string | null;
  nextTick: { decision: string; reason: string } | null;
}

async function statusOf(repo: ScenarioRepo, minute: number, service = 'checkout'): Promise<{ entry: StatusEntry; text: string }> {
  const r = await cli(repo.dir, ['status', '--json'], at(minute), { PROMETHEUS_URL: prom.url });
  assert.equal(r.code, 0, r.stderr);
  const entry = (JSON.parse(r.stdout) as { services: StatusEntry[] }).services.find((x) => x.service === service);
  assert.ok(entry, r.stdout);
  const t = await cli(repo.dir, ['status', '--service', service], at(minute), { PROMETHEUS_URL: prom.url });
  assert.equal(t.code, 0, t.stderr);
  return { entry, text: t.stdout };
}

/** `git revert <commit>` by Bob in a clone of the bare repository, pushed to production like a person would. */
function personReverts(repo: ScenarioRepo, commit: string, minute: number): string {
  const t = tempDir('git-canary-person-');
  try {
    const when = `${secondsAt(minute)} +0000`;
    const env = {
      GIT_AUTHOR_NAME: 'Bob',
      GIT_AUTHOR_EMAIL: 'bob@example.test',
      GIT_COMMITTER_NAME: 'Bob',
      GIT_COMMITTER_EMAIL: 'bob@example.test',
      GIT_AUTHOR_DATE: when,
      GIT_COMMITTER_DATE: when,
    };
    git(t.path, ['clone', '--quiet', '--branch', 'production', repo.dir, 'work']);
    const work = `${t.path}/work`;
    git(work, ['revert', '--no-edit', commit], undefined, env);
    git(work, ['push', '--quiet', 'origin', 'HEAD:production'], undefined, env);
    return git(work, ['rev-parse', 'HEAD']).trim();
  } finally {
    t.cleanup();
  }
}

/** Set-up in process: tick checkout at each minute and check the decisions. */
async function drive(repo: ScenarioRepo, steps: [number, string][]): Promise<void> {
  for (const [minute, expected] of steps) {
    const r = await tickInProcess(repo.dir, { now: at(minute), prometheus: prom.url, service: 'checkout' });
    assert.equal(r.services[0]?.decision, expected, `minute ${minute}: ${JSON.stringify(r.services[0])}`);
  }
}

describe('people', { concurrency: 4 }, () => {
  test("a release a person reverted on production is not rolled out again until candidate changes it, and the revert is reported", async () => {
    const repo = await scenarioRepo();
    try {
      await drive(repo, [
        [2, 'start'],
        [3, 'step'],
        [4, 'step'],
        [5, 'promote'],
      ]);
      const promotion = sha(repo.dir, 'production');
      const candidate = trailersOf(repo.dir, promotion).candidate!;
      assert.equal(trailersOf(repo.dir, promotion).phase, 'promoted');
      const revert = personReverts(repo, promotion, 5.5);

      const said = new RegExp(`release ${candidate.slice(0, 7)} was reverted on production by Bob in ${revert.slice(0, 7)}; waiting for a new candidate`);
      for (const minute of [6, 8, 30]) {
        const d = decisionOf(await tick(repo, minute));
        assert.equal(d.decision, 'none', JSON.stringify(d));
        assert.match(d.reason, said);
        assert.equal(d.commit, null);
        assert.equal(sha(repo.dir, 'production'), revert, 'no commit after the revert: the release is not rolled out again');
      }
      const { entry, text } = await statusOf(repo, 9);
      assert.match(entry.nextTick?.reason ?? '', said, JSON.stringify(entry));
      assert.match(text, said);
      const log = await cli(repo.dir, ['log', '--service', 'checkout'], at(9), { PROMETHEUS_URL: prom.url });
      assert.equal(log.code, 0, log.stderr);
      assert.match(log.stdout, new RegExp(`reverted on production by Bob in ${revert.slice(0, 7)}`), log.stdout);

      // An unrelated candidate commit changes nothing; a new release starts again.
      commitFiles(repo.dir, 'candidate', { 'docs/notes.md': 'unrelated\n' });
      assert.equal(decisionOf(await tick(repo, 31)).decision, 'none');
      commitFiles(repo.dir, 'candidate', release('checkout', 'registry.example.com/checkout:1.2.0'));
      const restarted = decisionOf(await tick(repo, 32));
      assert.equal(restarted.decision, 'start', JSON.stringify(restarted));
      assert.equal(restarted.weight, 10);
      recordFigures('people', { 'promotions reverted by a person': 1, 'ticks after the revert that rolled nothing out': 4 });
    } finally {
      await repo.cleanup();
    }
  });

  test("a person's revert of a step pauses; status and the resumed rollout use the weight the route really holds", async () => {
    const repo = await scenarioRepo();
    try {
      await drive(repo, [
        [2, 'start'],
        [3, 'step'],
      ]);
      const step2 = sha(repo.dir, 'production');
      assert.equal(trailersOf(repo.dir, step2).weight, '25');
      const revert = personReverts(repo, step2, 3.5);
      assert.match(fileAt(repo.dir, revert, VS), /weight: 90\n[\s\S]*weight: 10\n/);

      const paused = decisionOf(await tick(repo, 4));
      assert.equal(paused.decision, 'pause', JSON.stringify(paused));
      assert.equal(paused.weight, 10);
      const p = await statusOf(repo, 5);
      assert.equal(p.entry.phase, 'paused');
      assert.equal(p.entry.weight, 10, JSON.stringify(p.entry));
      assert.match(p.text, /canary 10%/);
      assert.doesNotMatch(p.text, /25%/);

      const resumed = await cli(repo.dir, ['resume', '--service', 'checkout', '--json'], at(6), { PROMETHEUS_URL: prom.url });
      assert.equal(resumed.code, 0, resumed.stderr);
      const r = await statusOf(repo, 6);
      assert.equal(r.entry.phase, 'progressing');
      assert.equal(r.entry.weight, 10);
      assert.equal(r.entry.step, '1/3', 'resumed at the step of the weight the route holds');
      assert.match(r.text, /canary 10%/);
      assert.doesNotMatch(r.text, /25%/);

      const next = decisionOf(await tick(repo, 7));
      assert.equal(next.decision, 'step', JSON.stringify(next));
      assert.equal(next.weight, 25, 'the rollout continues from 10%: the next step is 25%');
      assert.equal(next.step, '2/3');
      assert.match(fileAt(repo.dir, 'production', VS), /weight: 75\n[\s\S]*weight: 25\n/);
      recordFigures('people', { 'steps reverted by a person': 1 });
    } finally {
      await repo.cleanup();
    }
  });

  test('a candidate branch deleted mid-rollout holds with a reason in tick, --json and status', async () => {
    const repo = await scenarioRepo();
    try {
      await drive(repo, [
        [2, 'start'],
        [3, 'step'],
      ]);
      const before = sha(repo.dir, 'production');
      git(repo.dir, ['update-ref', '-d', 'refs/heads/candidate']);
      const r = await tick(repo, 5);
      const d = decisionOf(r);
      assert.equal(d.decision, 'hold', JSON.stringify(d));
      assert.match(d.reason, /candidate branch is gone; the rollout at 25% is held/);
      assert.equal(d.weight, 25);
      assert.equal(d.step, '2/3');
      assert.equal(d.commit, null);
      assert.equal(sha(repo.dir, 'production'), before, 'nothing committed');
      const text = await tickCli(repo.dir, { now: at(5), prometheus: prom.url, service: 'checkout' });
      assert.equal(text.code, 0);
      const s = await statusOf(repo, 5);
      assert.equal(s.entry.phase, 'progressing');
      assert.equal(s.entry.weight, 25);
      assert.equal(s.entry.nextTick?.decision, 'hold');
      assert.match(s.text, /candidate branch is gone; the rollout at 25% is held/);
      // The person can still end it.
      const rb = await cli(repo.dir, ['rollback', '--service', 'checkout', '--json'], at(6), { PROMETHEUS_URL: prom.url });
      assert.equal(rb.code, 0, rb.stderr);
      assert.equal(trailersOf(repo.dir, 'production').phase, 'rolled-back');
      recordFigures('people', { 'candidate branches deleted mid-rollout': 1 });
    } finally {
      await repo.cleanup();
    }
  });

  test('with no rollout, a missing candidate branch stays none with its reason', async () => {
    const repo = await scenarioRepo();
    try {
      git(repo.dir, ['update-ref', '-d', 'refs/heads/candidate']);
      const d = decisionOf(await tick(repo, 2));
      assert.equal(d.decision, 'none');
      assert.match(d.reason, /no candidate branch yet/);
    } finally {
      await repo.cleanup();
    }
  });
});

// Alone after the others: the deadline counts from the tick's start, so a loaded machine must not eat it.
/**
 * Long enough that checkout (first) is decided even on a loaded 2-core machine,
 * short against the silent source's own 1m timeout: payments can only end on the deadline.
 */
const DEADLINE = '8s';

describe('the tick deadline', () => {
  test('tick --deadline holds a service whose metrics server hangs (exit 0, nothing committed for it) and keeps the decision already made for another', async () => {
    const sockets = new Set<import('node:net').Socket>();
    let hung = 0;
    const silent = http.createServer(() => {
      hung++; // never answers
    });
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const slowUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    // payments queries the silent server; checkout the real Prometheus.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference that git-canary expands
    const slow = '  slow:\n    type: prometheus\n    address: ${SLOW_URL}\n    timeout: 1m\n';
    const yaml = gitCanaryYaml().replace(/(metrics:\n {2}prom:\n[\s\S]*?address: .*\n)/, `$1${slow}`);
    const [head, tail] = yaml.split('  payments:\n');
    const config = `${head}  payments:\n${tail!.replace('metrics: prom', 'metrics: slow')}`;
    const repo = await scenarioRepo({ apps: ['checkout', 'payments'], extra: { 'git-canary.yaml': config } });
    try {
      const started = await tickInProcess(repo.dir, { now: at(2), prometheus: prom.url, env: { SLOW_URL: slowUrl } });
      assert.deepEqual(
        started.services.map((s) => s.decision),
        ['start', 'start'],
      );
      const before = sha(repo.dir, 'production');
      const res = await cli(repo.dir, ['tick', '--json', '--deadline', DEADLINE], at(3), {
        PROMETHEUS_URL: prom.url,
        SLOW_URL: slowUrl,
        GIT_CANARY_LOG_LEVEL: 'info',
      });
      assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
      const checkout = decisionOf(res, 'checkout');
      const payments = decisionOf(res, 'payments');
      assert.equal(checkout.decision, 'step', JSON.stringify(checkout));
      assert.ok(checkout.commit);
      assert.equal(payments.decision, 'hold', JSON.stringify(payments));
      assert.match(payments.reason, new RegExp(`tick deadline of ${DEADLINE} reached`));
      assert.equal(payments.commit, null);
      assert.ok(hung >= 1, `the metrics server was asked: ${res.stderr}`);
      const after = history(repo.dir, 'production');
      assert.equal(after[1]?.sha, before, 'exactly one commit: checkout\'s step');
      assert.equal(after[0]?.sha, checkout.commit);
      assert.equal(trailersOf(repo.dir, 'production').service, 'checkout');

      // watch --deadline applies it to each tick: checkout's next step lands, payments holds again.
      const watched = await cli(repo.dir, ['watch', '--times', '1', '--json', '--deadline', DEADLINE], at(4), {
        PROMETHEUS_URL: prom.url,
        SLOW_URL: slowUrl,
      });
      assert.equal(watched.code, 0, watched.stderr);
      const line = JSON.parse(watched.stdout.trim()) as { services: { service: string; decision: string; reason: string; commit: string | null }[] };
      const w = Object.fromEntries(line.services.map((x) => [x.service, x]));
      assert.equal(w.checkout?.decision, 'step', watched.stdout);
      assert.equal(w.payments?.decision, 'hold', watched.stdout);
      assert.match(w.payments?.reason ?? '', new RegExp(`tick deadline of ${DEADLINE} reached`));
      assert.equal(sha(repo.dir, 'production'), w.checkout?.commit);
      recordFigures('people', { 'deadline ticks': 2, 'services per deadline tick': 2, 'hung metrics requests': hung });
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
      await repo.cleanup();
    }
  });
});

describe('the tick deadline, as written', () => {
  test('tick --deadline that is not a duration is a usage error (exit 2) and ticks nothing', async () => {
    const repo = await scenarioRepo();
    try {
      const before = sha(repo.dir, 'production');
      const r = await cli(repo.dir, ['tick', '--deadline', '5x'], at(2), { PROMETHEUS_URL: prom.url });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--deadline 5x is not a duration/);
      assert.equal(sha(repo.dir, 'production'), before);
      const help = await cli(repo.dir, ['tick', '--help'], at(2));
      assert.match(help.stdout, /--deadline <duration>/);
      assert.match(help.stdout, /services not\s+decided yet hold/);
    } finally {
      await repo.cleanup();
    }
  });

  test('the GitHub Action passes --deadline through args to tick and watch', () => {
    for (const command of ['tick', 'watch']) {
      const inputs = readInputs({ INPUT_COMMAND: command, INPUT_ARGS: '--deadline 2m' });
      const { spec, opts } = resolveInvocation(inputs, commands);
      assert.equal(spec.name, command);
      assert.equal(opts.deadline, '2m');
    }
  });
});
