/**
 * End to end: `git-canary status` tells the truth in every phase, and a
 * person's decision that makes no sense in the phase is refused (exit 1, the
 * phase and what would make sense, nothing committed).
 *
 * The real CLI on a local bare repository, a pinned clock (GIT_CANARY_NOW) and
 * a real Prometheus backfilled with the scenario's traffic: checkout healthy
 * (99.95 % success), payments failing (90 %). Steps 10 → 25 → 50, interval 1m,
 * threshold 2. One repository goes through, in order: in sync, a candidate
 * waiting to start, progressing, a step judged, a failed judgment that holds,
 * a person's edit (about to pause, then paused), a rollback by the checks,
 * resumed, paused by `pause`, promoted by the checks, and a second round ended
 * by a person's `promote` and `rollback` with `--reason`. The tests of the
 * first describe run in order and share the repository.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServiceStatus as Status } from '../../src/audit/status.ts';
import type { CliResult } from '../helpers/cli.ts';
import { type RunningPrometheus, prometheusSkip, startPrometheus } from '../helpers/prometheus.ts';
import { DEMO_TRAFFIC, gitCanaryYaml, productionFiles, release, scenarioMetrics, T0 } from '../helpers/scenario.ts';
import { at, openWorld, trailers, type World } from './support.ts';

const C1 = 'registry.example.com/checkout:1.1.0';
const P1 = 'registry.example.com/payments:4.3.0';
const C2 = 'registry.example.com/checkout:1.2.0';
const P2 = 'registry.example.com/payments:4.3.1';
const VS = 'apps/checkout/virtualservice.yaml';


const iso = (minutes: number) => at(minutes).toISOString();
const commands = (service: string, ...verbs: string[]) => verbs.map((v) => `git-canary ${v} --service ${service}`);
const IN_SYNC = 'candidate and production releases are the same';

/** A service with no record, in sync: every field of `status --json`. */
function idle(service: string): Status {
  return {
    service,
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
    threshold: 2,
    nextJudgment: null,
    record: null,
    nextTick: { decision: 'none', reason: IN_SYNC },
    actions: [],
    gate: 'auto',
    pullRequest: null,
    inARow: { inconclusive: 0, inconclusiveLimit: 5, errors: 0, errorLimit: 4 },
    deadline: null,
    references: {},
    applied: null,
  };
}

/** The one success-rate check of a judgment, as its commit recorded it. */
const judged = (minutes: number, commit: string | undefined, value: number): Status['lastAnalysis'] => ({
  at: iso(minutes),
  commit: commit!,
  outcome: value >= 99 ? 'pass' : 'fail',
  checks: [{ name: 'success-rate', value, outcome: value >= 99 ? 'pass' : 'fail', min: 99 }],
});

const record = (commit: string, phase: string, title: string, minutes: number, actor: string | null = null, reason: string | null = null) => ({
  commit,
  phase,
  title,
  at: iso(minutes),
  actor,
  reason,
});

let prom: RunningPrometheus | undefined;

describe('status tells the truth in every phase; a decision out of phase exits 1 (real Prometheus, pinned clock)', { skip: prometheusSkip() }, () => {
  let w: World;
  let c1 = '';
  let c2 = '';
  /** Commits the ticks and the manual commands made, by what they did. */
  const made: Record<string, string> = {};

  before(async () => {
    prom = await startPrometheus({ openmetrics: scenarioMetrics(DEMO_TRAFFIC) });
    w = await openWorld('bare', { production: productionFiles() }, { env: () => ({ PROMETHEUS_URL: prom?.url, GIT_CANARY_ACTOR: 'alice' }) });
  });
  after(async () => {
    await w?.close();
    await prom?.stop();
  });

  /** `status` and `status --json` at `minutes`: both exit 0 and change no ref. */
  async function status(minutes: number): Promise<{ text: string; of: Record<string, Status> }> {
    const refs = w.refs();
    const text = await w.cli(['status'], { at: at(minutes) });
    assert.equal(text.code, 0, text.stderr);
    const json = await w.cli(['status', '--json'], { at: at(minutes) });
    assert.equal(json.code, 0, json.stderr);
    assert.equal(w.refs(), refs, 'status changes nothing');
    const { services } = JSON.parse(json.stdout) as { services: Status[] };
    assert.deepEqual(
      services.map((s) => s.service),
      ['checkout', 'payments'],
    );
    return { text: text.stdout, of: Object.fromEntries(services.map((s) => [s.service, s])) };
  }

  /** A person's decision as alice. */
  const decide = (minutes: number, action: string, service: string, reason?: string): Promise<CliResult> =>
    w.cli([action, '--service', service, ...(reason ? ['--reason', reason] : []), '--json'], { at: at(minutes) });

  /** The decision is refused: exit 1 (not 2), exactly `line` on stderr, an error document of code PHASE, no ref moved. */
  async function refused(minutes: number, action: string, service: string, line: string): Promise<void> {
    const refs = w.refs();
    const r = await decide(minutes, action, service, 'a reason that is never recorded');
    assert.equal(r.code, 1, `${action} ${service}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stderr, `error: ${line}\n`);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string; hint: string; data: Record<string, unknown> } };
    assert.equal(error.code, 'PHASE');
    assert.equal(`${error.message} — ${error.hint}`, line);
    assert.equal(error.data.service, service);
    assert.equal(error.data.action, action);
    assert.equal(w.refs(), refs, 'a refused decision commits nothing (branches and notes unchanged)');
  }

  /** A person's decision that is recorded: exit 0, one commit carrying Canary-Actor and Canary-Reason. */
  async function recorded(minutes: number, action: string, service: string, phase: string, reason?: string): Promise<string> {
    const before = w.sha('production');
    const r = await decide(minutes, action, service, reason);
    assert.equal(r.code, 0, r.stderr);
    const commit = w.sha('production');
    assert.equal(w.sha(`${commit}^`), before, 'one commit');
    assert.equal(JSON.parse(r.stdout).commit, commit);
    const t = trailers(w, commit);
    assert.ok(t.includes(`Canary-Phase: ${phase}`), t.join('\n'));
    assert.ok(t.includes('Canary-Actor: alice'), t.join('\n'));
    if (reason) assert.ok(t.includes(`Canary-Reason: ${reason}`), t.join('\n'));
    else assert.ok(!t.some((l) => l.startsWith('Canary-Reason:')), t.join('\n'));
    return commit;
  }

  async function tick(minutes: number): Promise<Record<string, { decision: string; commit: string | null }>> {
    const t = await w.tick({ at: at(minutes) });
    return Object.fromEntries(t.services.map((s) => [s.service, s]));
  }

  test('no candidate branch yet, no record: idle, nothing to do; pause is refused', async () => {
    const s = await status(1);
    assert.equal(s.text, 'checkout: idle\npayments: idle\n');
    const none = { decision: 'none', reason: 'no candidate branch yet' };
    assert.deepEqual(s.of.checkout, { ...idle('checkout'), nextTick: none });
    assert.deepEqual(s.of.payments, { ...idle('payments'), nextTick: none });
    await refused(1, 'pause', 'checkout', 'cannot pause checkout: it is idle — pause works on a rollout in progress; nothing is rolling out: no candidate branch yet');
  });

  test('a candidate differs: idle, the next tick starts it with the images its release brings; every decision is refused', async () => {
    c1 = w.commit('candidate', { ...release('checkout', C1), ...release('payments', P1) }, { from: 'production', message: 'ci: checkout 1.1.0, payments 4.3.0\n' });
    const c = c1.slice(0, 7);
    const s = await status(1.5);
    assert.deepEqual(s.of.checkout, {
      ...idle('checkout'),
      nextTick: { decision: 'start', reason: `candidate ${c} differs from production`, candidate: c1, images: [C1] },
      actions: commands('checkout', 'tick'),
    });
    assert.deepEqual(s.of.payments, {
      ...idle('payments'),
      nextTick: { decision: 'start', reason: `candidate ${c} differs from production`, candidate: c1, images: [P1] },
      actions: commands('payments', 'tick'),
    });
    assert.equal(
      s.text,
      [
        `checkout: idle — next tick: start — candidate ${c} differs from production (${C1}); you can: git-canary tick --service checkout`,
        `payments: idle — next tick: start — candidate ${c} differs from production (${P1}); you can: git-canary tick --service payments`,
        '',
      ].join('\n'),
    );
    const yet = `nothing is rolling out yet: the next tick starts it (candidate ${c} differs from production; git-canary tick --service checkout)`;
    await refused(1.5, 'pause', 'checkout', `cannot pause checkout: it is idle — pause works on a rollout in progress; ${yet}`);
    await refused(1.5, 'resume', 'checkout', `cannot resume checkout: it is idle — resume works on a paused rollout; ${yet}`);
    await refused(1.5, 'promote', 'checkout', `cannot promote checkout: it is idle — promote works on a rollout in progress or paused; ${yet}`);
    await refused(1.5, 'rollback', 'checkout', `cannot rollback checkout: it is idle — rollback works on a rollout in progress or paused; ${yet}`);
  });

  test('progressing: weight, step, time at step, next judgment, no judgment yet; resume is refused', async () => {
    const t = await tick(2);
    assert.deepEqual([t.checkout!.decision, t.payments!.decision], ['start', 'start']);
    made.checkoutStart = t.checkout!.commit!;
    made.paymentsStart = t.payments!.commit!;
    const c = c1.slice(0, 7);
    const s = await status(2.5);
    const progressing = (service: string, image: string, commit: string): Status => ({
      ...idle(service),
      phase: 'progressing',
      weight: 10,
      step: '1/3',
      rollout: `${service}-${c}`,
      candidate: c1,
      since: iso(2),
      timeAtStep: '30s',
      images: [image],
      elapsed: '30s',
      nextJudgment: { at: iso(3), in: '30s' },
      record: record(commit, 'progressing', `${service}: canary 10% (step 1/3)`, 2),
      nextTick: { decision: 'none', reason: 'waiting 30s more at step 1/3 (10%)' },
      actions: commands(service, 'pause', 'promote', 'rollback'),
    });
    assert.deepEqual(s.of.checkout, progressing('checkout', C1, made.checkoutStart));
    assert.deepEqual(s.of.payments, progressing('payments', P1, made.paymentsStart));
    assert.equal(
      s.text,
      ['checkout', 'payments']
        .map(
          (name) =>
            `${name}: progressing at step 1/3, canary 10% — 30s at this step; next judgment in 30s; candidate ${c} (${name === 'checkout' ? C1 : P1}); no judgment yet; 0/2 failed checks; rollout ${name}-${c}; you can: git-canary pause|promote|rollback --service ${name}\n`,
        )
        .join(''),
    );
    await refused(2.5, 'resume', 'checkout', 'cannot resume checkout: it is progressing at 10% (step 1/3) — resume works on a paused rollout; to stop it: git-canary pause --service checkout');
  });

  test('a passed judgment moves checkout to 25%; a failed one holds payments at 10%, counted, with the values against the limit', async () => {
    const t = await tick(3);
    assert.deepEqual([t.checkout!.decision, t.payments!.decision], ['step', 'hold']);
    made.checkoutStep2 = t.checkout!.commit!;
    made.paymentsHold = t.payments!.commit!;
    assert.ok(made.paymentsHold, 'a failed judgment below threshold is a record');
    const c = c1.slice(0, 7);
    const s = await status(3.5);
    assert.deepEqual(s.of.checkout, {
      ...idle('checkout'),
      phase: 'progressing',
      weight: 25,
      step: '2/3',
      rollout: `checkout-${c}`,
      candidate: c1,
      since: iso(3),
      timeAtStep: '30s',
      lastAnalysis: judged(3, made.checkoutStep2, 99.95),
      images: [C1],
      elapsed: '30s',
      nextJudgment: { at: iso(4), in: '30s' },
      record: record(made.checkoutStep2, 'progressing', 'checkout: canary 25% (step 2/3)', 3),
      nextTick: { decision: 'none', reason: 'waiting 30s more at step 2/3 (25%)' },
      actions: commands('checkout', 'pause', 'promote', 'rollback'),
    });
    // The step clock runs from the step's start; the next judgment from the failed one.
    assert.deepEqual(s.of.payments, {
      ...idle('payments'),
      phase: 'progressing',
      weight: 10,
      step: '1/3',
      rollout: `payments-${c}`,
      candidate: c1,
      since: iso(2),
      timeAtStep: '1m30s',
      failedChecks: 1,
      lastAnalysis: judged(3, made.paymentsHold, 90),
      reason: 'check failed at step 1/3 (10%), 1/2 failed checks',
      images: [P1],
      elapsed: '1m30s',
      nextJudgment: { at: iso(4), in: '30s' },
      record: record(made.paymentsHold, 'progressing', 'payments: check failed at 10% (step 1/3)', 3),
      nextTick: { decision: 'none', reason: 'waiting 30s more at step 1/3 (10%)' },
      actions: commands('payments', 'pause', 'promote', 'rollback'),
    });
    assert.equal(
      s.text,
      [
        `checkout: progressing at step 2/3, canary 25% — 30s at this step; next judgment in 30s; candidate ${c} (${C1}); last judgment pass at ${iso(3)}: success-rate 99.95 (min 99) pass; 0/2 failed checks; rollout checkout-${c}; you can: git-canary pause|promote|rollback --service checkout`,
        `payments: progressing at step 1/3, canary 10% — 1m30s at this step; next judgment in 30s; holding: check failed at step 1/3 (10%), 1/2 failed checks; candidate ${c} (${P1}); last judgment fail at ${iso(3)}: success-rate 90 (min 99) fail; 1/2 failed checks; rollout payments-${c}; you can: git-canary pause|promote|rollback --service payments`,
        '',
      ].join('\n'),
    );
  });

  test("a person's edit of the route: status says the next tick pauses; the tick pauses; payments is rolled back by its second failed check", async () => {
    const edited = w.show('production', VS)!.replace('attempts: 3', 'attempts: 5');
    made.edit = w.commit('production', { [VS]: edited }, { message: 'ops: more retries\n', date: T0.getTime() / 1000 + 3.6 * 60 });
    const why = `${VS} changed on production in ${made.edit.slice(0, 7)} by someone else during the rollout`;
    const before = (await status(3.75)).of.checkout!;
    assert.deepEqual([before.phase, before.nextTick, before.nextJudgment], ['progressing', { decision: 'pause', reason: why }, null]);
    assert.match((await status(3.75)).text, new RegExp(`^checkout: progressing at step 2/3, canary 25% — 45s at this step; candidate .*; next tick: pause — ${why.replace(/\./g, '\\.')}; rollout `, 'm'));

    const t = await tick(4);
    assert.deepEqual([t.checkout!.decision, t.payments!.decision], ['pause', 'rollback']);
    made.checkoutPaused = t.checkout!.commit!;
    made.paymentsRolledBack = t.payments!.commit!;
    const c = c1.slice(0, 7);
    const s = await status(4.5);
    assert.deepEqual(s.of.checkout, {
      ...idle('checkout'),
      phase: 'paused',
      weight: 25,
      step: '2/3',
      rollout: `checkout-${c}`,
      candidate: c1,
      since: iso(4),
      lastAnalysis: judged(3, made.checkoutStep2, 99.95),
      reason: why,
      images: [C1],
      elapsed: '30s',
      record: record(made.checkoutPaused, 'paused', 'checkout: paused', 4),
      nextTick: { decision: 'none', reason: `paused: ${why} — run \`git-canary resume --service checkout\`` },
      actions: commands('checkout', 'resume', 'promote', 'rollback'),
    });
    // After a rollback: idle, the failed-check count and the deciding checks of the rollback commit.
    assert.deepEqual(s.of.payments, {
      ...idle('payments'),
      phase: 'rolled-back',
      rollout: `payments-${c}`,
      candidate: c1,
      since: iso(4),
      failedChecks: 2,
      lastAnalysis: judged(4, made.paymentsRolledBack, 90),
      reason: '2/2 failed checks',
      images: [P1],
      elapsed: '30s',
      record: record(made.paymentsRolledBack, 'rolled-back', `payments: rolled back ${c}`, 4),
      nextTick: { decision: 'none', reason: `candidate ${c} was rolled back; commit a new change to candidate to roll out again` },
      actions: ['git-canary propose --service payments --image <a fixed image>'],
    });
    assert.equal(
      s.text,
      [
        `checkout: paused at step 2/3, canary 25% — paused for 30s; paused: ${why}; candidate ${c} (${C1}); last judgment pass at ${iso(3)}: success-rate 99.95 (min 99) pass; 0/2 failed checks; rollout checkout-${c}; you can: git-canary resume|promote|rollback --service checkout`,
        `payments: rolled-back — ended at ${iso(4)} (30s ago); candidate ${c} (${P1}); last judgment fail at ${iso(4)}: success-rate 90 (min 99) fail; 2/2 failed checks; candidate ${c} was rolled back; commit a new change to candidate to roll out again; rollout payments-${c}; you can: git-canary propose --service payments --image <a fixed image>`,
        '',
      ].join('\n'),
    );
    await refused(
      4.5,
      'pause',
      'checkout',
      'cannot pause checkout: it is paused at 25% (step 2/3) — pause works on a rollout in progress; to continue it: git-canary resume --service checkout; to end it: git-canary promote|rollback --service checkout',
    );
    const ended = `it is idle: rollout payments-${c} was rolled back at ${iso(4)}`;
    const notRetried = `nothing is rolling out: candidate ${c} was rolled back; commit a new change to candidate to roll out again`;
    await refused(4.5, 'rollback', 'payments', `cannot rollback payments: ${ended} — rollback works on a rollout in progress or paused; ${notRetried}`);
    await refused(4.5, 'resume', 'payments', `cannot resume payments: ${ended} — resume works on a paused rollout; ${notRetried}`);
    await refused(4.5, 'promote', 'payments', `cannot promote payments: ${ended} — promote works on a rollout in progress or paused; ${notRetried}`);
  });

  test('resumed with --reason: the step clock restarts; status says who resumed and why', async () => {
    made.resumed = await recorded(5, 'resume', 'checkout', 'resumed', 'retries are fine');
    const c = c1.slice(0, 7);
    const s = await status(5.25);
    assert.deepEqual(s.of.checkout, {
      ...idle('checkout'),
      phase: 'progressing',
      weight: 25,
      step: '2/3',
      rollout: `checkout-${c}`,
      candidate: c1,
      since: iso(5),
      timeAtStep: '15s',
      lastAnalysis: judged(3, made.checkoutStep2, 99.95),
      images: [C1],
      elapsed: '15s',
      nextJudgment: { at: iso(6), in: '45s' },
      record: record(made.resumed, 'resumed', 'checkout: resumed', 5, 'alice', 'retries are fine'),
      nextTick: { decision: 'none', reason: 'waiting 45s more at step 2/3 (25%)' },
      actions: commands('checkout', 'pause', 'promote', 'rollback'),
    });
    assert.equal(
      s.text.split('\n')[0],
      `checkout: progressing at step 2/3, canary 25% — 15s at this step; next judgment in 45s; resumed by alice at ${iso(5)}: retries are fine; candidate ${c} (${C1}); last judgment pass at ${iso(3)}: success-rate 99.95 (min 99) pass; 0/2 failed checks; rollout checkout-${c}; you can: git-canary pause|promote|rollback --service checkout`,
    );
  });

  test('paused by `pause --reason`: who and why, in the record and in status', async () => {
    made.paused = await recorded(5.5, 'pause', 'checkout', 'paused', 'looking at the logs');
    const s = await status(6);
    const checkout = s.of.checkout!;
    assert.deepEqual(
      { phase: checkout.phase, weight: checkout.weight, step: checkout.step, since: checkout.since, elapsed: checkout.elapsed, reason: checkout.reason },
      { phase: 'paused', weight: 25, step: '2/3', since: iso(5.5), elapsed: '30s', reason: 'pause requested by alice: looking at the logs' },
    );
    assert.deepEqual(checkout.record, record(made.paused, 'paused', 'checkout: paused', 5.5, 'alice', 'looking at the logs'));
    assert.deepEqual([checkout.nextJudgment, checkout.timeAtStep, checkout.actions], [null, null, commands('checkout', 'resume', 'promote', 'rollback')]);
    assert.match(s.text, /^checkout: paused at step 2\/3, canary 25% — paused for 30s; paused: pause requested by alice: looking at the logs; /m);
  });

  test('promoted by the checks: idle, the last judgment, nothing to do; promote is refused', async () => {
    await recorded(6, 'resume', 'checkout', 'resumed');
    assert.equal((await tick(7)).checkout!.decision, 'step');
    const t = await tick(8);
    assert.equal(t.checkout!.decision, 'promote');
    made.promoted = t.checkout!.commit!;
    const c = c1.slice(0, 7);
    const s = await status(8.5);
    assert.deepEqual(s.of.checkout, {
      ...idle('checkout'),
      phase: 'promoted',
      rollout: `checkout-${c}`,
      candidate: c1,
      since: iso(8),
      lastAnalysis: judged(8, made.promoted, 99.95),
      reason: 'last step 3/3 (50%) passed',
      images: [C1],
      elapsed: '30s',
      record: record(made.promoted, 'promoted', `checkout: promoted ${c}`, 8),
    });
    assert.equal(
      s.text.split('\n')[0],
      `checkout: promoted — ended at ${iso(8)} (30s ago); why: last step 3/3 (50%) passed; candidate ${c} (${C1}); last judgment pass at ${iso(8)}: success-rate 99.95 (min 99) pass; 0/2 failed checks; ${IN_SYNC}; rollout checkout-${c}`,
    );
    await refused(
      8.5,
      'promote',
      'checkout',
      `cannot promote checkout: it is idle: rollout checkout-${c} was promoted at ${iso(8)} — promote works on a rollout in progress or paused; nothing is rolling out: ${IN_SYNC}`,
    );
  });

  test('after a promotion, a new candidate: the next tick starts it (status names its images)', async () => {
    c2 = w.commit('candidate', { ...release('checkout', C2), ...release('payments', P2) }, { message: 'ci: checkout 1.2.0, payments 4.3.1\n' });
    const s = await status(9);
    assert.deepEqual(s.of.checkout!.nextTick, { decision: 'start', reason: `candidate ${c2.slice(0, 7)} differs from production`, candidate: c2, images: [C2] });
    assert.deepEqual(s.of.payments!.nextTick, { decision: 'start', reason: `candidate ${c2.slice(0, 7)} differs from production`, candidate: c2, images: [P2] });
    assert.deepEqual([s.of.checkout!.phase, s.of.checkout!.images, s.of.checkout!.actions], ['promoted', [C1], commands('checkout', 'tick')]);
    assert.match(s.text, new RegExp(`^checkout: promoted — .*; next tick: start — candidate ${c2.slice(0, 7)} differs from production \\(registry\\.example\\.com/checkout:1\\.2\\.0\\); rollout checkout-${c1.slice(0, 7)}; you can: git-canary tick --service checkout$`, 'm'));
  });

  test('ended by a person with --reason: promote and rollback record who and why; status shows them and the last judgment before', async () => {
    const started = await tick(9.5);
    assert.deepEqual([started.checkout!.decision, started.payments!.decision], ['start', 'start']);
    const judgedAt = await tick(10.5);
    assert.deepEqual([judgedAt.checkout!.decision, judgedAt.payments!.decision], ['step', 'hold']);
    made.checkoutStep22 = judgedAt.checkout!.commit!;
    made.paymentsHold2 = judgedAt.payments!.commit!;

    made.manualPromote = await recorded(11, 'promote', 'checkout', 'promoted', 'verified by hand');
    made.manualRollback = await recorded(11, 'rollback', 'payments', 'rolled-back', 'still failing');
    assert.equal(w.show('production', 'apps/checkout/deployment.yaml'), w.show(c2, 'apps/checkout/deployment.yaml'), 'the tested release is promoted');

    const c = c2.slice(0, 7);
    const s = await status(11.5);
    assert.deepEqual(s.of.checkout, {
      ...idle('checkout'),
      phase: 'promoted',
      rollout: `checkout-${c}`,
      candidate: c2,
      since: iso(11),
      lastAnalysis: judged(10.5, made.checkoutStep22, 99.95),
      reason: 'promote requested by alice: verified by hand',
      images: [C2],
      elapsed: '30s',
      record: record(made.manualPromote, 'promoted', `checkout: promoted ${c}`, 11, 'alice', 'verified by hand'),
    });
    assert.deepEqual(s.of.payments, {
      ...idle('payments'),
      phase: 'rolled-back',
      rollout: `payments-${c}`,
      candidate: c2,
      since: iso(11),
      failedChecks: 1,
      lastAnalysis: judged(10.5, made.paymentsHold2, 90),
      reason: 'rollback requested by alice: still failing',
      images: [P2],
      elapsed: '30s',
      record: record(made.manualRollback, 'rolled-back', `payments: rolled back ${c}`, 11, 'alice', 'still failing'),
      nextTick: { decision: 'none', reason: `candidate ${c} was rolled back; commit a new change to candidate to roll out again` },
      actions: ['git-canary propose --service payments --image <a fixed image>'],
    });
    assert.equal(
      s.text,
      [
        `checkout: promoted — ended at ${iso(11)} (30s ago); why: promote requested by alice: verified by hand; candidate ${c} (${C2}); last judgment pass at ${iso(10.5)}: success-rate 99.95 (min 99) pass; 0/2 failed checks; ${IN_SYNC}; rollout checkout-${c}`,
        `payments: rolled-back — ended at ${iso(11)} (30s ago); why: rollback requested by alice: still failing; candidate ${c} (${P2}); last judgment fail at ${iso(10.5)}: success-rate 90 (min 99) fail; 1/2 failed checks; candidate ${c} was rolled back; commit a new change to candidate to roll out again; rollout payments-${c}; you can: git-canary propose --service payments --image <a fixed image>`,
        '',
      ].join('\n'),
    );
  });

  test('--service: one service; an unknown one exits 1 naming the services; usage errors stay exit 2', async () => {
    const one = await w.cli(['status', '--service', 'payments', '--json'], { at: at(12) });
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(
      (JSON.parse(one.stdout) as { services: Status[] }).services.map((s) => s.service),
      ['payments'],
    );
    const text = await w.cli(['status', '--service', 'checkout'], { at: at(12) });
    assert.equal(text.stdout.split('\n').length, 2, text.stdout);
    assert.match(text.stdout, /^checkout: promoted — /);

    const refs = w.refs();
    for (const args of [['status'], ['pause'], ['promote']]) {
      const r = await w.cli([...args, '--service', 'basket', '--json'], { at: at(12) });
      assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
      assert.equal(r.stderr, 'error: no service named basket in git-canary.yaml (branch production) — services: checkout, payments\n');
      assert.equal(JSON.parse(r.stdout).error.code, 'CONFIG');
    }
    const missing = await w.cli(['resume'], { at: at(12) });
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'error: resume needs --service <name>\n');
    const badReason = await w.cli(['rollback', '--service', 'checkout', '--reason', ' '], { at: at(12) });
    assert.equal(badReason.code, 2);
    assert.match(badReason.stderr, /^error: --reason must be one non-empty line of text/);
    assert.equal(w.refs(), refs, 'nothing committed');
  });
});

describe('status of a gated service (gate: pull-request)', () => {
  test('a candidate waiting to start says it starts once the promotion pull request is approved', async () => {
    const config = gitCanaryYaml({ analysis: false, steps: [20, 50] }).replace('    interval: 1m\n', '    interval: 1m\n    gate: pull-request\n');
    const w = await openWorld('bare', { production: { ...productionFiles(), 'git-canary.yaml': config } });
    try {
      const candidate = w.commit('candidate', release('checkout', C1), { from: 'production' });
      const r = await w.cli(['status', '--json', '--service', 'checkout'], { at: at(1) });
      assert.equal(r.code, 0, r.stderr);
      const [s] = (JSON.parse(r.stdout) as { services: Status[] }).services;
      assert.equal(s!.gate, 'pull-request');
      assert.deepEqual(s!.nextTick, {
        decision: 'start',
        reason: `candidate ${candidate.slice(0, 7)} differs from production; gate: pull-request — it starts once the promotion pull request from git-canary/checkout is approved`,
        candidate,
        images: [C1],
      });
      assert.equal(s!.threshold, null);
    } finally {
      await w.close();
    }
  });
});
