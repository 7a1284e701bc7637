/**
 * End-to-end acceptance of one service's rollout lifecycle (PRODUCT.md
 * "Lifecycle of one service"): the real CLI process on a pinned clock, a real
 * git repository reached as a local bare repository, a local non-bare
 * repository with `main` checked out, and over HTTP through `git http-backend`,
 * and a real Prometheus backfilled with promtool from the scenario's traffic
 * (checkout healthy at 99.95 %, payments failing at 90 %).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningPrometheus, prometheusSkip, startPrometheus } from '../helpers/prometheus.ts';
import {
  CHECKOUT_VS,
  DEMO_TRAFFIC,
  deployment,
  gitCanaryYaml,
  PAYMENTS_ROUTE,
  productionFiles,
  release,
  scenarioMetrics,
} from '../helpers/scenario.ts';
import { assertOurCommit, assertUntouched, at, changedFiles, changedLines, decisionOf, expectedTrailers, noteOf, oneNewCommit, openWorld, productTrailers, SERVICE_KEYS, trailers, TRANSPORTS, weights } from './support.ts';

const IMG = {
  checkout: { old: 'registry.example.com/checkout:1.0.0', next: 'registry.example.com/checkout:1.1.0' },
  payments: {
    old: 'registry.example.com/payments:4.2.0',
    next: 'registry.example.com/payments:4.3.0',
    fix: 'registry.example.com/payments:4.3.1',
  },
};

/** The one line of `text` containing `needle`. */
function lineWith(text: string, needle: string): string {
  const found = text.split('\n').filter((l) => l.includes(needle));
  assert.equal(found.length, 1, `exactly one line with ${needle}`);
  return found[0]!;
}
/** The image line of the scenario's deployments, as written in the fixture. */
const imageLine = (image: string) => lineWith(deployment('x', image, 'stable'), 'image:');
/** A weight line of a route, with the fixture's indentation. */
const vsWeight = (n: number) => lineWith(CHECKOUT_VS, 'weight: 100').replace('100', String(n));
const routeWeight = (n: number) => lineWith(PAYMENTS_ROUTE, 'weight: 100').replace('100', String(n));

const VS = 'apps/checkout/virtualservice.yaml';
const CO_CANARY = 'apps/checkout/deployment-canary.yaml';
const CO_RELEASE = 'apps/checkout/deployment.yaml';
const ROUTE = 'apps/payments/httproute.yaml';
const PAY_CANARY = 'apps/payments/deployment-canary.yaml';

/** Expected `changedLines` of a weight move on the checkout VirtualService (stable first, canary second). */
const vsMove = (fromCanary: number, toCanary: number) => [
  `${VS}: -${vsWeight(100 - fromCanary)}`,
  `${VS}: +${vsWeight(100 - toCanary)}`,
  `${VS}: -${vsWeight(fromCanary)}`,
  `${VS}: +${vsWeight(toCanary)}`,
];
const routeMove = (fromCanary: number, toCanary: number) => [
  `${ROUTE}: -${routeWeight(100 - fromCanary)}`,
  `${ROUTE}: +${routeWeight(100 - toCanary)}`,
  `${ROUTE}: -${routeWeight(fromCanary)}`,
  `${ROUTE}: +${routeWeight(toCanary)}`,
];
const imageChange = (file: string, from: string, to: string) => [`${file}: -${imageLine(from)}`, `${file}: +${imageLine(to)}`];

/** The trailers PRODUCT.md names (a record carries more; those are checked where they matter). */
const PRODUCT_TRAILERS = /^Canary-(Service|Rollout|Candidate|Phase|Step|Weight):/;




let prom: RunningPrometheus | undefined;
const promEnv = () => ({ PROMETHEUS_URL: prom?.url });

describe('rollout lifecycle through the CLI', { skip: prometheusSkip(), concurrency: 3 }, () => {
  before(async () => {
    prom = await startPrometheus({ openmetrics: scenarioMetrics(DEMO_TRAFFIC) });
  });
  after(async () => {
    await prom?.stop();
  });

  for (const transport of TRANSPORTS) {
    test(`[${transport}] a healthy canary walks 10 → 25 → 50 %, one minimal commit each, and is promoted`, async () => {
      const w = await openWorld(transport, { production: productionFiles() }, { env: promEnv });
      try {
        const base = w.sha('production');
        const mainBefore = transport === 'worktree' ? w.sha('main') : undefined;
        const candidate = w.commit('candidate', release('checkout', IMG.checkout.next), { from: 'production', message: 'ci: checkout 1.1.0\n' });

        // Start: 10 %, one commit with exactly the trailers of PRODUCT.md.
        const t1 = await w.tick({ at: at(2) });
        assert.deepEqual(decisionOf(t1, 'checkout'), { decision: 'start', weight: 10, step: '1/3' });
        assert.equal(t1.of('payments').decision, 'none');
        const start = oneNewCommit(w, base);
        assert.equal(t1.of('checkout').commit, start);
        assert.deepEqual(t1.of('checkout').files.sort(), [CO_CANARY, VS]);
        assert.deepEqual(productTrailers(w, start), expectedTrailers('checkout', candidate, 'progressing', 10, '1/3'));
        // The record is self-contained: the pristine canary's commit, the release under test, the step clock, the count, the rollout's start.
        assert.deepEqual(
          trailers(w, start).filter((l) => !PRODUCT_TRAILERS.test(l)).map((l) => l.replace(/^(Canary-Release: )[0-9a-f]{64}$/, '$1<digest>')),
          [`Canary-Base: ${base}`, 'Canary-Release: <digest>', `Canary-Step-Since: ${at(2).toISOString()}`, 'Canary-Failed-Checks: 0', `Canary-Started: ${at(2).toISOString()}`],
        );
        assert.equal(w.git('log', '-1', '--format=%s', start).trim(), 'checkout: canary 10% (step 1/3)');
        assertOurCommit(w, start, at(2));
        assert.deepEqual(changedFiles(w, start), [CO_CANARY, VS]);
        assert.deepEqual(changedLines(w, start), [...imageChange(CO_CANARY, IMG.checkout.old, IMG.checkout.next), ...vsMove(0, 10)]);
        assertUntouched(w, base, start, [CO_CANARY, VS]);

        // 30 s later the step's interval (1m) has not passed: nothing happens.
        const t2 = await w.tick({ at: at(2.5) });
        assert.equal(t2.of('checkout').decision, 'none');
        assert.match(t2.of('checkout').reason, /waiting/);
        assert.equal(t2.of('checkout').commit, null);
        assert.equal(w.sha('production'), start, 'no commit while waiting');

        // 25 %, then 50 %: one commit each, only the two weight lines.
        let tip = start;
        for (const [minute, weight, step, from] of [
          [3, 25, '2/3', 10],
          [4, 50, '3/3', 25],
        ] as const) {
          const t = await w.tick({ at: at(minute) });
          assert.deepEqual(decisionOf(t, 'checkout'), { decision: 'step', weight, step });
          assert.deepEqual(
            t.of('checkout').checks.map((c) => [c.name, c.outcome]),
            [['success-rate', 'pass']],
          );
          assert.ok(Math.abs(t.of('checkout').checks[0]!.value! - 99.95) < 1e-9, `success-rate ${t.of('checkout').checks[0]!.value}`);
          const c = oneNewCommit(w, tip);
          assert.equal(t.of('checkout').commit, c);
          assert.deepEqual(productTrailers(w, c), expectedTrailers('checkout', candidate, 'progressing', weight, step));
          assertOurCommit(w, c, at(minute));
          assert.deepEqual(changedLines(w, c), vsMove(from, weight));
          assertUntouched(w, tip, c, [VS]);
          tip = c;
        }

        // Promotion: release copied from candidate, route back to 100/0, canary keeps the new image.
        const t5 = await w.tick({ at: at(5) });
        assert.deepEqual(decisionOf(t5, 'checkout'), { decision: 'promote', weight: 0, step: null });
        const promoted = oneNewCommit(w, tip);
        assert.deepEqual(productTrailers(w, promoted), expectedTrailers('checkout', candidate, 'promoted', 0));
        assert.equal(w.git('log', '-1', '--format=%s', promoted).trim(), `checkout: promoted ${candidate.slice(0, 7)}`);
        assertOurCommit(w, promoted, at(5));
        assert.deepEqual(changedLines(w, promoted), [...imageChange(CO_RELEASE, IMG.checkout.old, IMG.checkout.next), ...vsMove(50, 0)]);
        assertUntouched(w, tip, promoted, [CO_RELEASE, VS]);
        assert.equal(w.git('rev-parse', `production:${CO_RELEASE}`), w.git('rev-parse', `candidate:${CO_RELEASE}`), 'release byte-identical to candidate');
        assert.equal(w.show('production', VS), CHECKOUT_VS, 'route back to 100/0, byte for byte');
        assert.equal(w.show('production', CO_CANARY), deployment('checkout', IMG.checkout.next, 'canary'));
        // Over the whole rollout only the release, the canary file and the route changed.
        assertUntouched(w, base, promoted, [CO_RELEASE, CO_CANARY, VS]);

        const t6 = await w.tick({ at: at(6) });
        assert.equal(t6.of('checkout').decision, 'none');
        assert.equal(t6.of('payments').decision, 'none');
        assert.equal(w.sha('production'), promoted);
        assert.equal(w.sha('candidate'), candidate, 'candidate is never written');

        if (mainBefore) {
          assert.equal(w.sha('main'), mainBefore, 'the checked-out branch did not move');
          assert.equal(w.git('symbolic-ref', 'HEAD').trim(), 'refs/heads/main');
          assert.equal(w.git('status', '--porcelain'), '', 'work tree and index untouched');
        }
        assert.doesNotThrow(() => w.git('fsck', '--strict', '--no-dangling'), 'every object git-canary wrote is valid');
        if (w.server) assert.ok(!w.server.requests.some((r) => / (4|5)\d\d$/.test(r)), w.server.requests.join('\n'));
      } finally {
        await w.close();
      }
    });

    test(`[${transport}] a failing canary holds once, rolls back at threshold, and is never retried`, async () => {
      const w = await openWorld(transport, { production: productionFiles() }, { env: promEnv });
      try {
        const base = w.sha('production');
        // Both services change on candidate; only payments is ticked (--service).
        const candidate = w.commit(
          'candidate',
          { ...release('checkout', IMG.checkout.next), ...release('payments', IMG.payments.next) },
          { from: 'production', message: 'ci: checkout 1.1.0, payments 4.3.0\n' },
        );
        const tick = (minute: number) => w.tick({ at: at(minute), args: ['--service', 'payments'] });

        const t1 = await tick(2);
        assert.deepEqual(t1.services.map((s) => s.service), ['payments'], '--service ticks one service');
        assert.deepEqual(decisionOf(t1, 'payments'), { decision: 'start', weight: 10, step: '1/3' });
        const start = oneNewCommit(w, base);
        assert.deepEqual(productTrailers(w, start), expectedTrailers('payments', candidate, 'progressing', 10, '1/3'));
        assert.deepEqual(changedLines(w, start), [...imageChange(PAY_CANARY, IMG.payments.old, IMG.payments.next), ...routeMove(0, 10)]);
        assertUntouched(w, base, start, [PAY_CANARY, ROUTE]);

        // First failed judgment: hold. It is recorded as a production commit that
        // changes no file (the count lives in production's history, so it survives
        // anything done to the notes), with the values in a note on that record.
        const notesBefore = w.refs().match(/^refs\/notes\/git-canary .*/m);
        assert.equal(notesBefore, null, 'no notes yet');
        const t2 = await tick(3);
        const hold = t2.of('payments');
        assert.equal(hold.decision, 'hold');
        assert.deepEqual(hold.files, []);
        assert.match(hold.reason, /1\/2 failed checks/);
        assert.deepEqual(hold.checks.map((c) => [c.name, c.outcome]), [['success-rate', 'fail']]);
        assert.ok(Math.abs(hold.checks[0]!.value! - 90) < 1e-9);
        const judgedAt = oneNewCommit(w, start);
        assert.equal(hold.commit, judgedAt);
        assertUntouched(w, start, judgedAt, []);
        assert.equal(w.git('log', '-1', '--format=%s', judgedAt).trim(), 'payments: check failed at 10% (step 1/3)');
        const record = trailers(w, judgedAt);
        assert.ok(record.includes('Canary-Judgment: fail') && record.includes('Canary-Failed-Checks: 1'), record.join('\n'));
        assert.ok(record.includes(`Canary-Step-Since: ${at(2).toISOString()}`), 'the step clock still runs from the step');
        const note = noteOf(w, judgedAt);
        assert.ok(note, 'the failed judgment is noted on its record');
        const lines = note.trim().split('\n');
        assert.equal(lines.length, 1, note);
        const judged = JSON.parse(lines[0]!) as Record<string, unknown>;
        assert.deepEqual(
          { ...judged, checks: (judged.checks as { name: string; outcome: string }[]).map((c) => [c.name, c.outcome]) },
          {
            service: 'payments',
            rollout: `payments-${candidate.slice(0, 7)}`,
            at: at(3).toISOString(),
            outcome: 'fail',
            checks: [['success-rate', 'fail']],
          },
        );

        // Second failed judgment reaches threshold 2: one rollback commit.
        const t3 = await tick(4);
        assert.deepEqual(decisionOf(t3, 'payments'), { decision: 'rollback', weight: 0, step: null });
        assert.match(t3.of('payments').reason, /2\/2 failed checks/);
        const rolledBack = oneNewCommit(w, judgedAt);
        assert.equal(t3.of('payments').commit, rolledBack);
        assert.deepEqual(productTrailers(w, rolledBack), expectedTrailers('payments', candidate, 'rolled-back', 0));
        assert.equal(w.git('log', '-1', '--format=%s', rolledBack).trim(), `payments: rolled back ${candidate.slice(0, 7)}`);
        assertOurCommit(w, rolledBack, at(4));
        assert.deepEqual(changedLines(w, rolledBack), [...imageChange(PAY_CANARY, IMG.payments.next, IMG.payments.old), ...routeMove(10, 0)]);
        assert.equal(w.show('production', PAY_CANARY), w.show(base, PAY_CANARY), 'canary restored byte for byte');
        assert.equal(w.show('production', ROUTE), PAYMENTS_ROUTE, 'route back to 100/0 byte for byte');
        assertUntouched(w, base, rolledBack, []);
        assert.equal(w.show('production', 'apps/payments/deployment.yaml'), w.show(base, 'apps/payments/deployment.yaml'), 'release not promoted');

        // The failed candidate is never retried.
        for (const minute of [5]) {
          const t = await tick(minute);
          assert.equal(t.of('payments').decision, 'none');
          assert.match(t.of('payments').reason, /rolled back/);
          assert.equal(w.sha('production'), rolledBack);
        }

        // A new candidate commit starts a new rollout (from the pristine canary).
        const fixed = w.commit('candidate', release('payments', IMG.payments.fix), { message: 'ci: payments 4.3.1\n' });
        const t4 = await tick(9);
        assert.deepEqual(decisionOf(t4, 'payments'), { decision: 'start', weight: 10, step: '1/3' });
        const restart = oneNewCommit(w, rolledBack);
        assert.deepEqual(productTrailers(w, restart), expectedTrailers('payments', fixed, 'progressing', 10, '1/3'));
        assert.deepEqual(changedLines(w, restart), [...imageChange(PAY_CANARY, IMG.payments.old, IMG.payments.fix), ...routeMove(0, 10)]);

        assert.doesNotThrow(() => w.git('fsck', '--strict', '--no-dangling'), 'commits and notes are valid objects');
        // checkout was never ticked.
        assert.equal(w.git('log', '--format=%H', '--grep=Canary-Service: checkout', 'production'), '');
      } finally {
        await w.close();
      }
    });

    test(`[${transport}] --dry-run reports the decision and pushes nothing`, async () => {
      const w = await openWorld(transport, { production: productionFiles() }, { env: promEnv });
      try {
        w.commit('candidate', { ...release('checkout', IMG.checkout.next), ...release('payments', IMG.payments.next) }, { from: 'production' });
        const refs0 = w.refs();
        const pushes = () => (w.server?.requests ?? []).filter((r) => r.includes('git-receive-pack'));

        const d1 = await w.tick({ at: at(2), args: ['--dry-run'] });
        for (const name of ['checkout', 'payments']) {
          const s = d1.of(name);
          assert.deepEqual(decisionOf(d1, name), { decision: 'start', weight: 10, step: '1/3' });
          assert.equal(s.commit, null, 'a dry run makes no commit');
          assert.equal(s.files.length, 2, JSON.stringify(s));
        }
        assert.equal(w.refs(), refs0, 'no ref moved');

        if (transport === 'bare') {
          const text = await w.cli(['tick', '--dry-run'], { at: at(2) });
          assert.equal(text.code, 0, text.stderr);
          assert.match(text.stdout, /^checkout: start → 10% \(step 1\/3\) \(dry run: not committed\)/m);
          assert.match(text.stdout, /^payments: start → 10% \(step 1\/3\) \(dry run: not committed\)/m);
          assert.equal(w.refs(), refs0);
        }
        assert.deepEqual(pushes(), [], 'nothing was pushed');

        // For real, then dry-run a step and a failed judgment (which would write a note).
        await w.tick({ at: at(2) });
        const refs1 = w.refs();
        assert.notEqual(refs1, refs0);
        const pushed = pushes().length;
        const d2 = await w.tick({ at: at(3), args: ['--dry-run'] });
        assert.deepEqual(decisionOf(d2, 'checkout'), { decision: 'step', weight: 25, step: '2/3' });
        assert.equal(d2.of('checkout').commit, null);
        assert.equal(d2.of('payments').decision, 'hold');
        assert.match(d2.of('payments').reason, /1\/2 failed checks/);
        assert.equal(w.refs(), refs1, 'no branch and no notes moved');
        assert.equal(pushes().length, pushed, 'nothing was pushed');
      } finally {
        await w.close();
      }
    });
  }

  // Not transport-specific: once each.
  test(`[http] a config change made only on candidate is not obeyed`, async () => {
    const w = await openWorld('http', { production: productionFiles() }, { env: promEnv });
    try {
      const base = w.sha('production');
      const config = w.show(base, 'git-canary.yaml')!;
      // Candidate asks for one 100 % step, a one-hour interval and rollback at the first failure.
      const candidateConfig = gitCanaryYaml({ steps: [100], interval: '1h', threshold: 1 });
      assert.notEqual(candidateConfig, config);
      const candidate = w.commit(
        'candidate',
        { ...release('checkout', IMG.checkout.next), ...release('payments', IMG.payments.next), 'git-canary.yaml': candidateConfig },
        { from: 'production' },
      );

      const t1 = await w.tick({ at: at(2) });
      assert.deepEqual(decisionOf(t1, 'checkout'), { decision: 'start', weight: 10, step: '1/3' });
      assert.deepEqual(decisionOf(t1, 'payments'), { decision: 'start', weight: 10, step: '1/3' });
      assert.deepEqual(weights(w.show('production', VS)), [90, 10]);

      // One minute later (production's interval, not candidate's hour): checkout steps to production's 25 %,
      // payments holds on its first failure (production's threshold 2, not candidate's 1).
      const t2 = await w.tick({ at: at(3) });
      assert.deepEqual(decisionOf(t2, 'checkout'), { decision: 'step', weight: 25, step: '2/3' });
      assert.equal(t2.of('payments').decision, 'hold');
      assert.deepEqual(weights(w.show('production', ROUTE)), [90, 10]);

      await w.tick({ at: at(4) }); // checkout 50 %, payments rolled back
      const t4 = await w.tick({ at: at(5) });
      assert.equal(t4.of('checkout').decision, 'promote');
      // Promotion copies the release files, never candidate's config.
      assert.equal(w.show('production', 'git-canary.yaml'), config);
      assert.equal(w.show('production', CO_RELEASE), w.show(candidate, CO_RELEASE));
      const phases = w
        .git('log', '--reverse', '--format=%(trailers:key=Canary-Service,valueonly,separator=)%x20%(trailers:key=Canary-Phase,valueonly,separator=)%x20%(trailers:key=Canary-Weight,valueonly,separator=)', `${base}..production`)
        .trim()
        .split('\n');
      assert.deepEqual(phases, [
        'checkout progressing 10',
        'payments progressing 10',
        'checkout progressing 25',
        'payments progressing 10', // payments' first failed judgment: a record that changes no file
        'checkout progressing 50',
        'payments rolled-back 0',
        'checkout promoted 0',
      ]);
    } finally {
      await w.close();
    }
  });

  test(`[bare] tick --json has a stable shape`, async () => {
    const w = await openWorld('bare', { production: productionFiles() }, { env: promEnv });
    try {
      w.commit('candidate', { ...release('checkout', IMG.checkout.next), ...release('payments', IMG.payments.next) }, { from: 'production' });
      for (const minute of [2, 3]) {
        const t = await w.tick({ at: at(minute) });
        assert.deepEqual(Object.keys(t.json), ['services']);
        assert.deepEqual(t.services.map((s) => s.service), ['checkout', 'payments'], 'services in config order');
        for (const s of t.services) {
          assert.deepEqual(Object.keys(s).sort(), [...SERVICE_KEYS], JSON.stringify(s));
          // PRODUCT.md's name, value, outcome; added since (never removed): what explains the value.
          const ADDED = ['critical', 'effectSize', 'from', 'max', 'min', 'pValue', 'reason', 'reference'];
          for (const c of s.checks) {
            const keys = Object.keys(c);
            for (const k of ['name', 'outcome', 'value']) assert.ok(keys.includes(k), `${k} in ${JSON.stringify(c)}`);
            assert.deepEqual(keys.filter((k) => !['name', 'outcome', 'value'].includes(k) && !ADDED.includes(k)), [], JSON.stringify(c));
          }
        }
        if (minute === 3) {
          assert.deepEqual(
            t.services.map((s) => [s.decision, s.weight, s.step, s.checks.map((c) => c.outcome)]),
            [
              ['step', 25, '2/3', ['pass']],
              ['hold', 10, '1/3', ['fail']], // a hold reports where the rollout stands
            ],
          );
          assert.match(t.of('checkout').commit ?? '', /^[0-9a-f]{40}$/);
          // payments' failed judgment is recorded after checkout's step, on top of it.
          assert.equal(t.of('payments').commit, w.sha('production'));
          assert.equal(t.of('checkout').commit, w.sha('production^'));
        }
      }
    } finally {
      await w.close();
    }
  });
});
