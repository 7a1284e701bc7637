/**
 * A person's intervention (PRODUCT.md, Lifecycle: Pause; CLI: pause, resume,
 * promote, rollback). "The engine never fights a human": a commit on
 * production that changes a file the rollout manages pauses it, leaving the
 * person's change exactly as it is; `git-canary resume` continues.
 *
 * The real CLI on a real local bare repository, a real Prometheus for the
 * judgments; a person's commit is made with git itself (fast-import), as a
 * push would land it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CliResult } from '../helpers/cli.ts';
import { CHECKOUT_VS } from '../helpers/scenario.ts';
import type { RunningPrometheus } from '../helpers/prometheus.ts';
import {
  at,
  changedFiles,
  cli,
  commitFiles,
  decisionOf,
  diffStat,
  fileAt,
  filesAt,
  fsckReachable,
  history,
  release,
  scenarioRepo,
  sha,
  startScenarioPrometheus,
  T0,
  tickCli,
  tickInProcess,
  trailersOf,
  type ScenarioRepo,
} from './support-races.ts';

const VS = 'apps/checkout/virtualservice.yaml';
const CANARY = 'apps/checkout/deployment-canary.yaml';
const RELEASE = 'apps/checkout/deployment.yaml';

let prom: RunningPrometheus;
before(async () => {
  prom = await startScenarioPrometheus();
});
after(async () => {
  await prom?.stop();
});

/** Seconds since the epoch, `minutes` after T0 (a person's commit date). */
const secondsAt = (minutes: number) => T0.getTime() / 1000 + minutes * 60;

function tick(repo: ScenarioRepo, minute: number): Promise<CliResult> {
  return tickCli(repo.dir, { now: at(minute), prometheus: prom.url });
}

interface StatusJson {
  services: { service: string; phase: string; weight: number; step: string | null; reason: string | null }[];
}

async function statusOf(repo: ScenarioRepo, minute: number, service = 'checkout') {
  const r = await cli(repo.dir, ['status', '--json'], at(minute), { PROMETHEUS_URL: prom.url });
  assert.equal(r.code, 0, r.stderr);
  const s = (JSON.parse(r.stdout) as StatusJson).services.find((x) => x.service === service);
  assert.ok(s, r.stdout);
  return s;
}

/** A manual command (`pause`, `resume`…) as a person named alice, `--json`. */
async function manual(repo: ScenarioRepo, action: string, minute: number, service = 'checkout') {
  return cli(repo.dir, [action, '--service', service, '--json'], at(minute), { PROMETHEUS_URL: prom.url });
}

/** Start checkout's rollout (set-up, in process) and return the start commit. */
async function started(repo: ScenarioRepo, minute = 2): Promise<string> {
  const r = await tickInProcess(repo.dir, { now: at(minute), prometheus: prom.url, service: 'checkout' });
  assert.equal(r.services[0]?.decision, 'start');
  return sha(repo.dir, 'production');
}

/** A commit that adds nothing to the tree: no file changes (`git diff --stat c^ c` is empty). */
function assertNoFileChange(repo: ScenarioRepo, commit: string, label: string): void {
  assert.equal(diffStat(repo.dir, commit), '', `${label}: changes no file`);
  assert.equal(git(repo, 'rev-parse', `${commit}^{tree}`), git(repo, 'rev-parse', `${commit}^^{tree}`), `${label}: same tree as its parent`);
}

function git(repo: ScenarioRepo, ...args: string[]): string {
  return repo.git(...args).trim();
}

describe('a person edits production during a rollout', { concurrency: 3 }, () => {
  test('hand-set canary weight: the tick records a paused commit changing nothing, waits for resume, then steps on keeping the edit', async () => {
    const repo = await scenarioRepo();
    try {
      const start = await started(repo);
      const routeAtStart = fileAt(repo.dir, start, VS);
      assert.match(routeAtStart, /weight: 90\n[\s\S]*weight: 10\n/);
      // The person sends less traffic to the canary by hand, and tunes retries while at it.
      const edited = routeAtStart.replace('weight: 90', 'weight: 95').replace('weight: 10', 'weight: 5').replace('attempts: 3', 'attempts: 5');
      const human = commitFiles(repo.dir, 'production', { [VS]: edited }, { message: 'ops: less canary traffic\n', date: secondsAt(2.5) });

      const r = await tick(repo, 3);
      const d = decisionOf(r);
      assert.equal(d.decision, 'pause', JSON.stringify(d));
      const paused = sha(repo.dir, 'production');
      assert.equal(d.commit, paused);
      assert.deepEqual(history(repo.dir, 'production')[0]!.parents, [human], 'the paused commit sits on the person\'s commit');
      const t = trailersOf(repo.dir, paused);
      assert.equal(t.phase, 'paused');
      assert.equal(t.service, 'checkout');
      assert.equal(t.rollout, trailersOf(repo.dir, start).rollout);
      assert.equal(t.weight, '5', "Canary-Weight is what the route holds after the person's edit");
      assertNoFileChange(repo, paused, 'the paused commit');
      assert.equal(fileAt(repo.dir, paused, VS), edited, "the person's change is left byte-identical");
      assert.deepEqual(filesAt(repo.dir, paused), filesAt(repo.dir, human));
      assert.match(d.reason, new RegExp(`${VS.replace(/\./g, '\\.')}.*${human.slice(0, 7)}`), d.reason);

      const s = await statusOf(repo, 3);
      assert.equal(s.phase, 'paused');
      assert.match(s.reason ?? '', /virtualservice\.yaml/, `status says why: ${s.reason}`);

      // Paused: ticks do nothing, and say how to go on.
      for (const minute of [9]) {
        const idle = decisionOf(await tick(repo, minute));
        assert.equal(idle.decision, 'none');
        assert.match(idle.reason, /resume/);
        assert.equal(sha(repo.dir, 'production'), paused, 'a paused rollout gets no commit');
      }

      const resumed = await manual(repo, 'resume', 10);
      assert.equal(resumed.code, 0, resumed.stderr);
      const resumeCommit = sha(repo.dir, 'production');
      assert.equal(JSON.parse(resumed.stdout).commit, resumeCommit);
      assert.deepEqual(history(repo.dir, 'production')[0]!.parents, [paused]);
      assert.equal(trailersOf(repo.dir, resumeCommit).phase, 'resumed');
      assert.equal(trailersOf(repo.dir, resumeCommit).weight, '5');
      assertNoFileChange(repo, resumeCommit, 'the resumed commit');
      assert.equal((await statusOf(repo, 10)).phase, 'progressing');

      // The step clock starts again at the resume: nothing before the interval, a step after it.
      assert.equal(decisionOf(await tick(repo, 10)).decision, 'none');
      const step = decisionOf(await tick(repo, 11));
      assert.equal(step.decision, 'step', JSON.stringify(step));
      assert.equal(step.weight, 25);
      assert.equal(step.step, '2/3');
      const stepped = sha(repo.dir, 'production');
      assert.deepEqual(changedFiles(repo.dir, stepped), [VS]);
      // The weights move on from the person's; their other edit stays.
      assert.equal(fileAt(repo.dir, stepped, VS), edited.replace('weight: 95', 'weight: 75').replace('weight: 5\n', 'weight: 25\n'));
      assert.match(fileAt(repo.dir, stepped, VS), /attempts: 5/);
      fsckReachable(repo.dir);
    } finally {
      await repo.cleanup();
    }
  });

  test('a hand edit of the canary deployment pauses too, and is left as it is', async () => {
    const repo = await scenarioRepo();
    try {
      const start = await started(repo);
      const canary = fileAt(repo.dir, start, CANARY);
      const edited = canary.replace('replicas: 1', 'replicas: 2');
      assert.notEqual(edited, canary);
      commitFiles(repo.dir, 'production', { [CANARY]: edited }, { message: 'ops: a second canary pod\n', date: secondsAt(2.5) });

      const d = decisionOf(await tick(repo, 3));
      assert.equal(d.decision, 'pause');
      const paused = sha(repo.dir, 'production');
      assertNoFileChange(repo, paused, 'the paused commit');
      assert.equal(fileAt(repo.dir, paused, CANARY), edited);
      assert.match((await statusOf(repo, 3)).reason ?? '', /deployment-canary\.yaml/);
    } finally {
      await repo.cleanup();
    }
  });

  test("the pause names the person's commit that changed the file, not a later unrelated one", async () => {
    const repo = await scenarioRepo({ extra: { 'README.md': '# shop manifests\n' } });
    try {
      const start = await started(repo);
      const edit = commitFiles(repo.dir, 'production', { [VS]: fileAt(repo.dir, start, VS).replace('attempts: 3', 'attempts: 5') }, { date: secondsAt(2.2) });
      const docs = commitFiles(repo.dir, 'production', { 'README.md': '# shop manifests\n\nOwned by the shop team.\n' }, { date: secondsAt(2.4) });
      const d = decisionOf(await tick(repo, 3));
      assert.equal(d.decision, 'pause');
      assert.match(d.reason, new RegExp(`in ${edit.slice(0, 7)}`), `names ${edit.slice(0, 7)} (the route edit), not ${docs.slice(0, 7)} (README): ${d.reason}`);
    } finally {
      await repo.cleanup();
    }
  });

  test('an edit to files the service does not manage (README, another service) does not pause', async () => {
    const repo = await scenarioRepo({ extra: { 'README.md': '# shop manifests\n' } });
    try {
      await started(repo);
      const payments = fileAt(repo.dir, 'production', 'apps/payments/httproute.yaml').replace('hostnames: ["pay.example.com"]', 'hostnames: ["pay.example.com", "pay.example.org"]');
      const human = commitFiles(
        repo.dir,
        'production',
        { 'README.md': '# shop manifests\n\nOwned by the shop team.\n', 'apps/payments/httproute.yaml': payments },
        { message: 'docs and a payments hostname\n', date: secondsAt(2.5) },
      );
      const d = decisionOf(await tick(repo, 3));
      assert.equal(d.decision, 'step', `not paused: ${JSON.stringify(d)}`);
      assert.equal(d.weight, 25);
      const stepped = sha(repo.dir, 'production');
      assert.deepEqual(history(repo.dir, 'production')[0]!.parents, [human]);
      assert.deepEqual(changedFiles(repo.dir, stepped), [VS]);
      assert.equal(fileAt(repo.dir, stepped, 'README.md'), '# shop manifests\n\nOwned by the shop team.\n');
      assert.equal(fileAt(repo.dir, stepped, 'apps/payments/httproute.yaml'), payments);
      assert.equal(decisionOf(await tick(repo, 3), 'payments').decision, 'none');
    } finally {
      await repo.cleanup();
    }
  });
});

describe('a person decides with pause / resume / promote / rollback --service', () => {
  test('each is one commit with the right phase; rollback restores the canary file byte-identically; a decision out of phase exits 1 and commits nothing', async () => {
    const repo = await scenarioRepo();
    try {
      /** A refusal: exit 1 (a person's problem, not usage), one line saying the phase and what makes sense, nothing committed. */
      const refused = (r: CliResult, line: string, tip: string) => {
        assert.equal(r.code, 1, `${r.stdout}${r.stderr}`);
        const lines = r.stderr.trim().split('\n');
        assert.equal(lines.length, 1, `one line: ${r.stderr}`);
        assert.equal(lines[0], line);
        assert.equal(JSON.parse(r.stdout).error.code, 'PHASE');
        assert.equal(sha(repo.dir, 'production'), tip, 'a refused command commits nothing');
      };
      const c7 = sha(repo.dir, 'candidate').slice(0, 7);
      // Nothing to pause before a rollout.
      refused(
        await manual(repo, 'pause', 1),
        `error: cannot pause checkout: it is idle — pause works on a rollout in progress; nothing is rolling out yet: the next tick starts it (candidate ${c7} differs from production; git-canary tick --service checkout)`,
        repo.base,
      );

      const start = await started(repo);
      const before = filesAt(repo.dir, repo.base);
      refused(
        await manual(repo, 'resume', 2),
        'error: cannot resume checkout: it is progressing at 10% (step 1/3) — resume works on a paused rollout; to stop it: git-canary pause --service checkout',
        start,
      );

      // pause: one commit, no file change, status says who.
      const p = await manual(repo, 'pause', 3);
      assert.equal(p.code, 0, p.stderr);
      const paused = sha(repo.dir, 'production');
      assert.equal(JSON.parse(p.stdout).commit, paused);
      assert.deepEqual(history(repo.dir, 'production')[0]!.parents, [start]);
      assert.equal(trailersOf(repo.dir, paused).phase, 'paused');
      assertNoFileChange(repo, paused, 'pause');
      const s = await statusOf(repo, 3);
      assert.equal(s.phase, 'paused');
      assert.match(s.reason ?? '', /pause requested by alice/);
      assert.match(decisionOf(await tick(repo, 5)).reason, /resume/);

      // promote (from paused): the candidate's release, all traffic to stable.
      const pr = await manual(repo, 'promote', 6);
      assert.equal(pr.code, 0, pr.stderr);
      const promoted = sha(repo.dir, 'production');
      assert.deepEqual(history(repo.dir, 'production')[0]!.parents, [paused]);
      assert.equal(trailersOf(repo.dir, promoted).phase, 'promoted');
      assert.equal(trailersOf(repo.dir, promoted).weight, '0');
      assert.deepEqual(changedFiles(repo.dir, promoted).sort(), [RELEASE, VS].sort());
      assert.equal(fileAt(repo.dir, promoted, RELEASE), fileAt(repo.dir, 'candidate', RELEASE));
      assert.equal(fileAt(repo.dir, promoted, VS), CHECKOUT_VS, 'the route is back to 100% stable, byte-identical');
      assert.equal((await statusOf(repo, 6)).phase, 'promoted');
      refused(
        await manual(repo, 'promote', 6),
        `error: cannot promote checkout: it is idle: rollout checkout-${c7} was promoted at ${at(6)} — promote works on a rollout in progress or paused; nothing is rolling out: candidate and production releases are the same`,
        promoted,
      );
      assert.equal(decisionOf(await tick(repo, 7)).decision, 'none');

      // A new release, and a person rolls it back.
      commitFiles(repo.dir, 'candidate', release('checkout', 'registry.example.com/checkout:1.2.0'), { message: 'ci: checkout 1.2.0\n' });
      const restart = await started(repo, 8);
      const canaryBefore = fileAt(repo.dir, promoted, CANARY);
      assert.notEqual(fileAt(repo.dir, restart, CANARY), canaryBefore, 'the start changed the canary');
      const rb = await manual(repo, 'rollback', 9);
      assert.equal(rb.code, 0, rb.stderr);
      const rolledBack = sha(repo.dir, 'production');
      assert.deepEqual(history(repo.dir, 'production')[0]!.parents, [restart]);
      assert.equal(trailersOf(repo.dir, rolledBack).phase, 'rolled-back');
      assert.equal(trailersOf(repo.dir, rolledBack).weight, '0');
      assert.equal(fileAt(repo.dir, rolledBack, CANARY), canaryBefore, 'the canary file is restored byte-identically');
      assert.equal(fileAt(repo.dir, rolledBack, VS), fileAt(repo.dir, promoted, VS), 'the route is restored byte-identically');
      assert.deepEqual(filesAt(repo.dir, rolledBack), filesAt(repo.dir, promoted), 'production is exactly as before the rollout');
      assert.equal((await statusOf(repo, 9)).phase, 'rolled-back');
      // The rolled-back candidate is not retried; nothing is left to roll back.
      const after = decisionOf(await tick(repo, 12));
      assert.equal(after.decision, 'none');
      assert.match(after.reason, /rolled back/);
      assert.equal(sha(repo.dir, 'production'), rolledBack);
      assert.notDeepEqual(before, filesAt(repo.dir, rolledBack), 'the earlier promotion stays');
      fsckReachable(repo.dir);
    } finally {
      await repo.cleanup();
    }
  });
});
