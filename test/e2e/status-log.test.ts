/**
 * End to end: `git-canary status` and `git-canary log` read a real rollout
 * back from production's history. The real CLI ticks a bare repository on a
 * pinned clock (GIT_CANARY_NOW) with a config without analysis, so steps
 * advance on their interval alone and no metrics server is involved:
 * checkout goes start → step → promote, payments start → pause → resume →
 * rollback. After each move, `status --json` says where each service is;
 * `log --json` has PRODUCT.md's shape and its commits are production's
 * commits. The tests of this file run in order and share one repository.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServiceStatus } from '../../src/audit/status.ts';
import { jsonOf, runCli } from '../helpers/cli.ts';
import { commitFiles, type Fixture } from '../helpers/git-fixtures.ts';
import { productionFiles, release } from '../helpers/scenario.ts';
import { assertNoPush, assertOneLineError, at, intervalOnlyConfig, repoWith, runReadOnly, serve } from './support-validate.ts';

interface LogStep {
  weight: number;
  step: number;
  commit: string;
  at: string;
  checks: unknown[];
  judgments: unknown[];
  judged: unknown[];
}
interface LogEvent {
  kind: string;
  at: string;
  commit: string;
  weight: number;
  step: number;
  total: number;
  why: string;
  [more: string]: unknown;
}
interface Rollout {
  service: string;
  rollout: string;
  candidate: string;
  outcome: string;
  startedAt: string;
  endedAt: string | null;
  steps: LogStep[];
  events: LogEvent[];
}
interface TickService {
  service: string;
  decision: string;
  weight: number | null;
  step: string | null;
  commit: string | null;
  reason: string;
}

const IDLE: ServiceStatus = {
  service: '',
  phase: 'idle',
  weight: 0,
  step: null,
  rollout: null,
  candidate: null,
  since: null,
  timeAtStep: null,
  failedChecks: 0,
  lastAnalysis: null,
  reason: null,
  unexercised: [],
  images: [],
  elapsed: null,
  interval: '1m',
  threshold: null,
  nextJudgment: null,
  record: null,
  nextTick: { decision: 'none', reason: 'candidate and production releases are the same' },
  actions: [],
  gate: 'auto',
  pullRequest: null,
  inARow: { inconclusive: 0, inconclusiveLimit: null, errors: 0, errorLimit: null },
  deadline: null,
  references: {},
  applied: null,
};
const CHECKOUT_NEXT = 'registry.example.com/checkout:1.1.0';
const PAYMENTS_NEXT = 'registry.example.com/payments:4.3.0';
const actions = (service: string, ...verbs: string[]) => verbs.map((v) => `git-canary ${v} --service ${service}`);

describe('status and log through whole rollouts (interval only, pinned clock)', () => {
  let repo: Fixture;
  /** Every commit a tick or a manual command made, by what it did. */
  const made: Record<string, string> = {};
  let checkoutCandidate = '';
  let paymentsCandidate = '';

  const cli = (minutes: number, args: string[]) =>
    runCli([...args, '--repo', repo.dir], { env: { GIT_CANARY_NOW: at(minutes), USER: 'alice' } });
  /** status / log must change nothing. */
  const read = (minutes: number, args: string[]) =>
    runReadOnly(repo.dir, [...args, '--repo', repo.dir], { env: { GIT_CANARY_NOW: at(minutes) } });
  const statusAt = async (minutes: number): Promise<Record<string, ServiceStatus>> => {
    const r = await read(minutes, ['status', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const { services } = jsonOf<{ services: ServiceStatus[] }>(r);
    assert.deepEqual(
      services.map((s) => s.service),
      ['checkout', 'payments'],
    );
    return Object.fromEntries(services.map((s) => [s.service, s]));
  };
  const logAt = async (minutes: number, args: string[] = []): Promise<Rollout[]> => {
    const r = await read(minutes, ['log', '--json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return jsonOf<{ rollouts: Rollout[] }>(r).rollouts;
  };
  const tick = async (minutes: number): Promise<Record<string, TickService>> => {
    const r = await cli(minutes, ['tick', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const { services } = jsonOf<{ services: TickService[] }>(r);
    return Object.fromEntries(services.map((s) => [s.service, s]));
  };
  const production = () => repo.git('rev-parse', 'production').trim();
  const trailers = (sha: string) => repo.git('log', '-1', '--format=%(trailers:only,unfold)', sha);

  before(async () => {
    repo = await repoWith({ production: { ...productionFiles(), 'git-canary.yaml': intervalOnlyConfig({ steps: [20, 50], interval: '1m' }) } });
    checkoutCandidate = commitFiles(repo.dir, 'candidate', release('checkout', 'registry.example.com/checkout:1.1.0'), {
      from: 'production',
      message: 'ci: checkout 1.1.0\n',
    });
  });
  after(() => repo.cleanup());

  test('before any tick: every service idle, no rollouts', async () => {
    const s = await statusAt(1);
    // checkout's candidate differs: idle, and the next tick starts it.
    const c = checkoutCandidate.slice(0, 7);
    assert.deepEqual(s.checkout, {
      ...IDLE,
      service: 'checkout',
      nextTick: { decision: 'start', reason: `candidate ${c} differs from production`, candidate: checkoutCandidate, images: [CHECKOUT_NEXT] },
      actions: actions('checkout', 'tick'),
    });
    assert.deepEqual(s.payments, { ...IDLE, service: 'payments' });
    assert.deepEqual(await logAt(1), []);
    const text = await read(1, ['log']);
    assert.match(text.stdout, /^no rollouts found\n\d+ commits? of production read: its whole history\n$/);
    assert.equal(
      (await read(1, ['status'])).stdout,
      `checkout: idle — next tick: start — candidate ${c} differs from production (${CHECKOUT_NEXT}); you can: git-canary tick --service checkout\npayments: idle\n`,
    );
  });

  test('start at T0+2m: progressing, 20%, step 1/2; time at step counts from the commit', async () => {
    const t = await tick(2);
    assert.equal(t.checkout!.decision, 'start');
    assert.equal(t.payments!.decision, 'none');
    made.start = t.checkout!.commit!;
    assert.equal(made.start, production());

    const rollout = `checkout-${checkoutCandidate.slice(0, 7)}`;
    const progressing: ServiceStatus = {
      ...IDLE,
      service: 'checkout',
      phase: 'progressing',
      weight: 20,
      step: '1/2',
      rollout,
      candidate: checkoutCandidate,
      since: at(2),
      timeAtStep: '0s',
      images: [CHECKOUT_NEXT],
      elapsed: '0s',
      nextJudgment: { at: at(3), in: '1m' },
      record: { commit: made.start, phase: 'progressing', title: 'checkout: canary 20% (step 1/2)', at: at(2), actor: null, reason: null },
      nextTick: { decision: 'none', reason: 'waiting 1m more at step 1/2 (20%)' },
      actions: actions('checkout', 'pause', 'promote', 'rollback'),
    };
    assert.deepEqual((await statusAt(2)).checkout, progressing);
    const later = await statusAt(2.5);
    assert.deepEqual(later.checkout, {
      ...progressing,
      timeAtStep: '30s',
      elapsed: '30s',
      nextJudgment: { at: at(3), in: '30s' },
      nextTick: { decision: 'none', reason: 'waiting 30s more at step 1/2 (20%)' },
    });
    assert.deepEqual(later.payments, { ...IDLE, service: 'payments' });

    const text = await read(2.5, ['status']);
    assert.equal(
      text.stdout,
      `checkout: progressing at step 1/2, canary 20% — 30s at this step; next step in 30s; candidate ${checkoutCandidate.slice(0, 7)} (${CHECKOUT_NEXT}); no analysis: steps advance on the interval alone; rollout ${rollout}; you can: git-canary pause|promote|rollback --service checkout\npayments: idle\n`,
    );

    assert.deepEqual(await logAt(2.5), [
      {
        service: 'checkout',
        rollout,
        candidate: checkoutCandidate,
        outcome: 'progressing',
        startedAt: at(2),
        endedAt: null,
        steps: [{ weight: 20, step: 1, commit: made.start, at: at(2), checks: [], judgments: [], judged: [] }],
        events: [{ kind: 'start', at: at(2), commit: made.start, weight: 20, step: 1, total: 2, why: `candidate ${checkoutCandidate.slice(0, 7)} differs from production` }],
      },
    ]);
  });

  test('a tick before the interval has passed commits nothing and status is unchanged', async () => {
    const before = production();
    const t = await tick(2.5);
    assert.equal(t.checkout!.decision, 'none');
    assert.match(t.checkout!.reason, /waiting 30s more at step 1\/2 \(20%\)/);
    assert.equal(production(), before);
    const s = await statusAt(2.75);
    assert.equal(s.checkout!.timeAtStep, '45s');
    assert.equal(s.checkout!.since, at(2));
    assert.deepEqual(s.checkout!.nextJudgment, { at: at(3), in: '15s' });
  });

  test('step at T0+3m: 50%, step 2/2, the clock at the step restarts', async () => {
    const t = await tick(3);
    assert.equal(t.checkout!.decision, 'step');
    made.step2 = t.checkout!.commit!;
    const s = await statusAt(3.75);
    assert.equal(s.checkout!.phase, 'progressing');
    assert.equal(s.checkout!.weight, 50);
    assert.equal(s.checkout!.step, '2/2');
    assert.equal(s.checkout!.since, at(3));
    assert.equal(s.checkout!.timeAtStep, '45s');
    // The last step: past its interval comes the promotion.
    assert.deepEqual(s.checkout!.nextJudgment, { at: at(4), in: '15s' });
    assert.match((await read(3.75, ['status'])).stdout, /^checkout: progressing at step 2\/2, canary 50% — 45s at this step; promotion in 15s; /m);
    assert.match(trailers(made.step2), /^Canary-Phase: progressing$/m);
    assert.match(trailers(made.step2), /^Canary-Step: 2\/2$/m);
    assert.match(trailers(made.step2), /^Canary-Weight: 50$/m);
  });

  test('promote at T0+4m: status promoted, weight 0, no step; log outcome promoted with both steps', async () => {
    const t = await tick(4);
    assert.equal(t.checkout!.decision, 'promote');
    made.promote = t.checkout!.commit!;
    const rollout = `checkout-${checkoutCandidate.slice(0, 7)}`;
    const s = await statusAt(5);
    assert.deepEqual(s.checkout, {
      ...IDLE,
      service: 'checkout',
      phase: 'promoted',
      rollout,
      candidate: checkoutCandidate,
      since: at(4),
      elapsed: '1m',
      reason: 'last step 2/2 (50%) passed',
      images: [CHECKOUT_NEXT],
      record: { commit: made.promote, phase: 'promoted', title: `checkout: promoted ${checkoutCandidate.slice(0, 7)}`, at: at(4), actor: null, reason: null },
    });
    assert.equal(
      (await read(5, ['status'])).stdout,
      `checkout: promoted — ended at ${at(4)} (1m ago); why: last step 2/2 (50%) passed; candidate ${checkoutCandidate.slice(0, 7)} (${CHECKOUT_NEXT}); candidate and production releases are the same; rollout ${rollout}\npayments: idle\n`,
    );

    const rollouts = await logAt(5);
    assert.deepEqual(rollouts, [
      {
        service: 'checkout',
        rollout,
        candidate: checkoutCandidate,
        outcome: 'promoted',
        startedAt: at(2),
        endedAt: at(4),
        // Without analysis a step is not judged: it advances on its interval alone.
        steps: [
          { weight: 20, step: 1, commit: made.start, at: at(2), checks: [], judgments: [], judged: [] },
          { weight: 50, step: 2, commit: made.step2, at: at(3), checks: [], judgments: [], judged: [] },
        ],
        events: [
          { kind: 'start', at: at(2), commit: made.start, weight: 20, step: 1, total: 2, why: `candidate ${checkoutCandidate.slice(0, 7)} differs from production` },
          { kind: 'step', at: at(3), commit: made.step2, weight: 50, step: 2, total: 2, why: 'step 1/2 (20%) passed', from: 20 },
          { kind: 'promote', at: at(4), commit: made.promote, weight: 0, step: 2, total: 2, why: 'last step 2/2 (50%) passed' },
        ],
      },
    ]);
    // Each step's commit is production's commit carrying that weight.
    for (const step of rollouts[0]!.steps) {
      assert.match(trailers(step.commit), new RegExp(`^Canary-Weight: ${step.weight}$`, 'm'));
      assert.match(trailers(step.commit), new RegExp(`^Canary-Rollout: ${rollout}$`, 'm'));
      assert.match(trailers(step.commit), new RegExp(`^Canary-Candidate: ${checkoutCandidate}$`, 'm'));
      assert.equal(repo.git('merge-base', '--is-ancestor', step.commit, 'production'), '');
    }
    assert.match(trailers(made.promote), /^Canary-Phase: promoted$/m);
    assert.match(trailers(made.promote), /^Canary-Weight: 0$/m);
  });

  test('payments: start, a person pauses (status says who and why), resumes, rolls back', async () => {
    paymentsCandidate = commitFiles(repo.dir, 'candidate', release('payments', 'registry.example.com/payments:4.3.0'), {
      message: 'ci: payments 4.3.0\n',
    });
    const t = await tick(10);
    assert.equal(t.payments!.decision, 'start');
    assert.equal(t.checkout!.decision, 'none');
    made.paymentsStart = t.payments!.commit!;
    const rollout = `payments-${paymentsCandidate.slice(0, 7)}`;

    const pause = await cli(10.5, ['pause', '--service', 'payments']);
    assert.equal(pause.code, 0, pause.stderr);
    made.paymentsPause = production();
    const paused = (await statusAt(11)).payments!;
    assert.deepEqual(paused, {
      ...IDLE,
      service: 'payments',
      phase: 'paused',
      weight: 20,
      step: '1/2',
      rollout,
      candidate: paymentsCandidate,
      since: at(10.5),
      reason: 'pause requested by alice',
      images: [PAYMENTS_NEXT],
      elapsed: '30s',
      record: { commit: made.paymentsPause, phase: 'paused', title: 'payments: paused', at: at(10.5), actor: 'alice', reason: null },
      nextTick: { decision: 'none', reason: 'paused: pause requested by alice — run `git-canary resume --service payments`' },
      actions: actions('payments', 'resume', 'promote', 'rollback'),
    });
    assert.match(
      (await read(11, ['status'])).stdout,
      new RegExp(
        `^payments: paused at step 1/2, canary 20% — paused for 30s; paused: pause requested by alice; candidate ${paymentsCandidate.slice(0, 7)} \\(registry\\.example\\.com/payments:4\\.3\\.0\\); no analysis: steps advance on the interval alone; rollout ${rollout}; you can: git-canary resume\\|promote\\|rollback --service payments$`,
        'm',
      ),
    );
    assert.equal((await logAt(11)).find((r) => r.service === 'payments')!.outcome, 'paused');
    const held = await tick(11);
    assert.equal(held.payments!.decision, 'none');
    assert.match(held.payments!.reason, /paused.*git-canary resume --service payments/);

    assert.equal((await cli(11.5, ['resume', '--service', 'payments'])).code, 0);
    const resumed = (await statusAt(11.75)).payments!;
    assert.equal(resumed.phase, 'progressing');
    // The resume restarted the step clock: 15s at the step, a whole interval to go before it moves on.
    assert.deepEqual([resumed.since, resumed.timeAtStep, resumed.nextJudgment], [at(11.5), '15s', { at: at(12.5), in: '45s' }]);
    assert.deepEqual([resumed.record?.phase, resumed.record?.actor], ['resumed', 'alice']);

    const rollback = await cli(12, ['rollback', '--service', 'payments']);
    assert.equal(rollback.code, 0, rollback.stderr);
    made.paymentsRollback = production();
    const s = await statusAt(13);
    const p = paymentsCandidate.slice(0, 7);
    assert.deepEqual(s.payments, {
      ...IDLE,
      service: 'payments',
      phase: 'rolled-back',
      rollout,
      candidate: paymentsCandidate,
      since: at(12),
      elapsed: '1m',
      reason: 'rollback requested by alice',
      images: [PAYMENTS_NEXT],
      record: { commit: made.paymentsRollback, phase: 'rolled-back', title: `payments: rolled back ${p}`, at: at(12), actor: 'alice', reason: null },
      nextTick: { decision: 'none', reason: `candidate ${p} was rolled back; commit a new change to candidate to roll out again` },
      actions: ['git-canary propose --service payments --image <a fixed image>'],
    });
    assert.equal(s.checkout!.phase, 'promoted');

    // A decision that makes no sense now: exit 1, the phase and what would make sense, nothing committed.
    const tip = production();
    const again = await cli(14, ['rollback', '--service', 'payments']);
    assert.equal(again.code, 1);
    assertOneLineError(
      again,
      new RegExp(`^error: cannot rollback payments: it is idle: rollout ${rollout} was rolled back at ${at(12).replace(/\./g, '\\.')} — rollback works on a rollout in progress or paused; nothing is rolling out: candidate ${p} was rolled back; commit a new change to candidate to roll out again$`),
    );
    assert.equal(production(), tip);
  });

  test('log --json: both rollouts, newest first, in PRODUCT.md shape', async () => {
    const resumedBy = () => repo.git('log', '--format=%H', '--grep=^payments: resumed$', 'production').trim();
    const rollouts = await logAt(15);
    assert.deepEqual(
      rollouts.map((r) => [r.service, r.outcome]),
      [
        ['payments', 'rolled-back'],
        ['checkout', 'promoted'],
      ],
    );
    for (const r of rollouts) {
      for (const key of ['service', 'rollout', 'candidate', 'outcome', 'startedAt', 'endedAt', 'steps', 'events']) assert.ok(key in r, `rollout lacks ${key}`);
      for (const s of r.steps) for (const key of ['weight', 'step', 'commit', 'at', 'checks']) assert.ok(key in s, `step lacks ${key}`);
      assert.match(r.candidate, /^[0-9a-f]{40}$/);
      assert.ok(Date.parse(r.startedAt) <= Date.parse(r.endedAt!));
    }
    assert.deepEqual(rollouts[0], {
      service: 'payments',
      rollout: `payments-${paymentsCandidate.slice(0, 7)}`,
      candidate: paymentsCandidate,
      outcome: 'rolled-back',
      startedAt: at(10),
      endedAt: at(12),
      steps: [{ weight: 20, step: 1, commit: made.paymentsStart, at: at(10), checks: [], judgments: [], judged: [] }],
      // A person's pause, resume and rollback: who and why, at the step they found.
      events: [
        { kind: 'start', at: at(10), commit: made.paymentsStart, weight: 20, step: 1, total: 2, why: `candidate ${paymentsCandidate.slice(0, 7)} differs from production` },
        { kind: 'pause', at: at(10.5), commit: made.paymentsPause, weight: 20, step: 1, total: 2, actor: 'alice', why: 'pause requested by alice', by: 'alice' },
        { kind: 'resume', at: at(11.5), commit: resumedBy(), weight: 20, step: 1, total: 2, actor: 'alice', why: 'resume requested by alice' },
        { kind: 'rollback', at: at(12), commit: made.paymentsRollback, weight: 0, step: 1, total: 2, actor: 'alice', why: 'rollback requested by alice' },
      ],
    });
  });

  test('log --service and --since filter; an unknown service is a problem, a bad --since a usage error', async () => {
    assert.deepEqual(
      (await logAt(15, ['--service', 'checkout'])).map((r) => r.service),
      ['checkout'],
    );
    assert.deepEqual(
      (await logAt(15, ['--service', 'payments'])).map((r) => r.service),
      ['payments'],
    );
    const unknown = await read(15, ['log', '--service', 'nope']);
    assert.equal(unknown.code, 1);
    assertOneLineError(unknown, /^error: no service named nope in git-canary\.yaml or in production's records \(git-canary\.yaml, branch production\) — services: checkout, payments$/);
    assert.deepEqual(
      (await logAt(15, ['--since', at(0)])).map((r) => r.service),
      ['payments', 'checkout'],
    );
    assert.deepEqual(
      (await logAt(15, ['--since', at(5)])).map((r) => r.service),
      ['payments'],
    );
    assert.deepEqual(
      (await logAt(15, ['--since', '2024-01-01T00:05:00Z', '--service', 'checkout'])).map((r) => r.service),
      [],
    );
    assert.deepEqual(await logAt(15, ['--since', at(20)]), []);
    assert.match((await read(15, ['log', '--since', at(20)])).stdout, /^no rollouts found\n\d+ commits? of production read: its whole history\n$/);

    // A duration before now (the pinned clock, T0+15m): 10m → since T0+5m.
    assert.deepEqual(
      (await logAt(15, ['--since', '10m'])).map((r) => r.service),
      ['payments'],
    );
    const bad = await read(15, ['log', '--since', 'last tuesday']);
    assert.equal(bad.code, 2);
    assertOneLineError(bad, /--since last tuesday is neither a duration nor a date — write a duration before now \(1h, 30m, 2d, 1h30m\) or an ISO date/);
  });

  test('log text: one block per rollout, one line per event, readable', async () => {
    const r = await read(15, ['log']);
    assert.equal(r.code, 0);
    const p = paymentsCandidate.slice(0, 7);
    const c = checkoutCandidate.slice(0, 7);
    const short = (sha: string) => sha.slice(0, 7);
    const time = (minutes: number) => at(minutes).replace('.000Z', 'Z');
    // status first: the same history, one line per service.
    const s = await read(15, ['status']);
    assert.equal(
      s.stdout,
      [
        `checkout: promoted — ended at ${at(4)} (11m ago); why: last step 2/2 (50%) passed; candidate ${c} (${CHECKOUT_NEXT}); candidate and production releases are the same; rollout checkout-${c}`,
        `payments: rolled-back — ended at ${at(12)} (3m ago); why: rollback requested by alice; candidate ${p} (${PAYMENTS_NEXT}); candidate ${p} was rolled back; commit a new change to candidate to roll out again; rollout payments-${p}; you can: git-canary propose --service payments --image <a fixed image>`,
        '',
      ].join('\n'),
    );
    assert.equal(
      r.stdout,
      [
        `payments-${p}  rolled-back after 2m`,
        `  service payments  candidate ${p}  started ${time(10)}  ended ${time(12)}`,
        `  ${time(10)}  +0s     start     1/2  20%  ${short(made.paymentsStart!)}  candidate ${p} differs from production`,
        `  ${time(10.5)}  +30s    pause     1/2  20%  ${short(made.paymentsPause!)}  pause requested by alice`,
        `  ${time(11.5)}  +1m30s  resume    1/2  20%  ${short(repo.git('rev-parse', `${made.paymentsRollback}^`))}  resume requested by alice`,
        `  ${time(12)}  +2m     rollback  1/2   0%  ${short(made.paymentsRollback!)}  rollback requested by alice`,
        '',
        `checkout-${c}  promoted after 2m`,
        `  service checkout  candidate ${c}  started ${time(2)}  ended ${time(4)}`,
        `  ${time(2)}  +0s  start    1/2  20%  ${short(made.start!)}  candidate ${c} differs from production`,
        `  ${time(3)}  +1m  step     2/2  50%  ${short(made.step2!)}  20% → 50%: step 1/2 (20%) passed`,
        `  ${time(4)}  +2m  promote  2/2   0%  ${short(made.promote!)}  last step 2/2 (50%) passed`,
        // Never a window: the last line says how much of production was read (all of it).
        `${repo.git('rev-list', '--first-parent', '--count', 'production').trim()} commits of production read: its whole history`,
        '',
      ].join('\n'),
    );
  });

  test('over HTTP, status and log say exactly what they say locally, and push nothing', async () => {
    const served = await serve(repo);
    try {
      for (const args of [['status', '--json'], ['log', '--json'], ['log', '--json', '--service', 'payments']]) {
        const local = await read(15, args);
        const remote = await runReadOnly(repo.dir, [...args, '--repo', served.url, '--cache-dir', served.cacheDir()], { env: { GIT_CANARY_NOW: at(15) } });
        assert.equal(remote.code, 0, remote.stderr);
        assert.deepEqual(jsonOf(remote), jsonOf(local), args.join(' '));
      }
      assertNoPush(served.server);
    } finally {
      await served.close();
    }
  });
});

describe('status and log: errors', () => {
  test('status without git-canary.yaml on production: exit 1, one line with the init hint', async (t) => {
    const files = productionFiles();
    delete files['git-canary.yaml'];
    const repo = await repoWith({ production: files, candidate: productionFiles() });
    t.after(() => repo.cleanup());
    const r = await runReadOnly(repo.dir, ['status', '--repo', repo.dir]);
    assert.equal(r.code, 1);
    assertOneLineError(r, /git-canary\.yaml not found on production.*git-canary init/);
  });

  test('status and log on a repository without the production branch: a clear error naming the branch', async (t) => {
    const repo = await repoWith({ main: { 'README.md': '# m\n' } });
    t.after(() => repo.cleanup());
    const s = await runReadOnly(repo.dir, ['status', '--repo', repo.dir]);
    assert.equal(s.code, 1);
    assertOneLineError(s, /branch production does not exist/);
    const l = await runReadOnly(repo.dir, ['log', '--repo', repo.dir]);
    assert.equal(l.code, 1, 'the same exit code as status: a person must fix it');
    assertOneLineError(l, /branch production does not exist/);
    assert.equal(assertOneLineError(l), assertOneLineError(s));
  });
});
