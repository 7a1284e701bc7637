/**
 * State is never forgotten (PRODUCT.md "State is never forgotten", Judgment,
 * Hold, Pause): a rollout is read from production's first-parent history up to
 * the service's newest git-canary record, however far back, also from a fresh
 * HTTP cache; only git-canary's own records count (a contributor's trailers,
 * merged or backdated, are a person's commits); the failure count survives the
 * loss of the notes ref; odd notes (dated 2099, a blob ref, invalid UTF-8) never
 * freeze a rollout or fail every service.
 *
 * Real CLI process, real git served over HTTP by `git http-backend` (and a
 * local bare repository), people's commits written with `git fast-import`,
 * and a real Prometheus (backfilled by promtool) where a failing check is needed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningPrometheus, prometheusSkip, startPrometheus } from '../helpers/prometheus.ts';
import { scenarioMetrics } from '../helpers/scenario.ts';
import { commitsSince, noteOf, oneNewCommit, openWorld, type Transport, type World } from './support.ts';
import {
  assertByGitCanary,
  assertNoFileChange,
  at,
  busyHistory,
  CHECKOUT,
  checkoutFiles,
  checkoutService,
  type Decision,
  fastImport,
  fixtureText,
  gitAs,
  gitCanaryConfig,
  loadFixture,
  MALLORY,
  manual,
  parseTick,
  replaced,
  secondsAt,
  type ServiceSpec,
  serviceRecords,
  setNoteBytes,
  tickJson,
  tickService,
  trailerMap,
  withFreshCache,
  withWeights,
  ALICE,
} from './support-fidelity.ts';

const RELEASE = fixtureText('workloads/deployment.yaml');
const VS = fixtureText('istio/virtualservice.yaml');
const IMG = (v: string) => `registry.example.com/shop/checkout:${v}`;
const releaseAt = (v: string) => replaced(RELEASE, IMG('1.4.2'), IMG(v));
const DEFAULT_RULE = '    - name: default';

function checkoutWorld(transport: Transport, svc: ServiceSpec, env?: () => Record<string, string | undefined>): Promise<World> {
  return openWorld(transport, { production: { 'git-canary.yaml': gitCanaryConfig({ checkout: svc }), ...checkoutFiles() } }, { env });
}

describe('a rollout is read however far back its record is', { concurrency: 4 }, () => {
  for (const transport of ['bare', 'http'] as Transport[]) {
    test(`[${transport}] start → rollback → 501 people's commits to other files → tick: none, the rolled-back release is not retried (also from a fresh cache)`, async () => {
      const w = await checkoutWorld(transport, checkoutService({ steps: [10, 50] }));
      try {
        w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.5.0') }, { from: 'production', message: 'ci: 1.5.0\n' });
        assert.equal((await tickService(w, 'checkout', at(2))).decision, 'start');
        const r = await manual(w, 'rollback', 'checkout', at(3));
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const rolledBack = w.sha('production');
        assert.equal(trailerMap(w, rolledBack)['Canary-Phase'], 'rolled-back');

        const tip = busyHistory(w, 501, { fromMinute: 4 });
        assert.equal(commitsSince(w, rolledBack).length, 501);

        const s = await tickService(w, 'checkout', at(20));
        assert.equal(s.decision, 'none', JSON.stringify(s));
        assert.match(s.reason, /rolled back/);
        assert.equal(w.sha('production'), tip, 'no commit');

        const fresh = parseTick(await withFreshCache(w, ['tick', '--json', '--service', 'checkout'], at(21)));
        assert.equal(fresh.code, 0, fresh.result.stderr);
        assert.equal(fresh.of('checkout').decision, 'none', JSON.stringify(fresh.of('checkout')));
        assert.match(fresh.of('checkout').reason, /rolled back/);
        assert.equal(w.sha('production'), tip);
        const status = await withFreshCache(w, ['status', '--json'], at(21));
        assert.equal(status.code, 0, status.stderr);
        const entry = (JSON.parse(status.stdout) as { services: { service: string; phase: string }[] }).services.find((x) => x.service === 'checkout');
        assert.equal(entry?.phase, 'rolled-back', status.stdout);
      } finally {
        await w.close();
      }
    });

    test(`[${transport}] a progressing rollout 5,000 commits back: tick waits (none), then steps when due; never start (also from a fresh cache)`, async () => {
      const w = await checkoutWorld(transport, checkoutService({ steps: [10, 50], interval: '30m' }));
      try {
        const candidate = w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.5.0') }, { from: 'production' });
        assert.equal((await tickService(w, 'checkout', at(2))).decision, 'start');
        const start = w.sha('production');
        const tip = busyHistory(w, 5000, { fromMinute: 3 });

        for (const run of [() => tickJson(w, at(20), ['--service', 'checkout']), async () => parseTick(await withFreshCache(w, ['tick', '--json', '--service', 'checkout'], at(20)))]) {
          const t = await run();
          assert.equal(t.code, 0, t.result.stderr);
          const s = t.of('checkout');
          assert.equal(s.decision, 'none', `still at step 1, waiting: ${JSON.stringify(s)}`);
          assert.match(s.reason, /waiting/);
          assert.equal(w.sha('production'), tip);
        }
        const fresh = parseTick(await withFreshCache(w, ['tick', '--json', '--service', 'checkout'], at(32.5)));
        assert.equal(fresh.code, 0, fresh.result.stderr);
        const s = fresh.of('checkout');
        assert.equal(s.decision, 'step', JSON.stringify(s));
        assert.equal(s.step, '2/2');
        const step = oneNewCommit(w, tip);
        const t = trailerMap(w, step);
        assert.equal(t['Canary-Rollout'], trailerMap(w, start)['Canary-Rollout']);
        assert.equal(t['Canary-Candidate'], candidate);
        assert.equal(t['Canary-Step'], '2/2');
        assert.equal(w.show('production', CHECKOUT.route), withWeights(VS, DEFAULT_RULE, [50, 50]));
      } finally {
        await w.close();
      }
    });
  }
});

describe("only git-canary's records count", { concurrency: 2 }, () => {
  const spoof = (w: World, start: string) => {
    const t = trailerMap(w, start);
    return [
      'Canary-Service: checkout',
      `Canary-Rollout: ${t['Canary-Rollout']}`,
      `Canary-Candidate: ${t['Canary-Candidate']}`,
      'Canary-Phase: progressing',
      'Canary-Step: 3/3',
      'Canary-Weight: 50',
    ].join('\n');
  };

  test("[http] a contributor's commit carrying Canary-Step: 3/3 / Canary-Weight: 50, merged with --no-ff, does not make the next tick promote from 10%", async () => {
    const w = await checkoutWorld('http', checkoutService({ steps: [10, 25, 50] }));
    try {
      w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.5.0') }, { from: 'production' });
      assert.equal((await tickService(w, 'checkout', at(2))).decision, 'start');
      const start = w.sha('production');
      const readme = '# shop manifests\n\nHow to release: push to candidate.\n';
      const [side, merge] = fastImport(w, [
        {
          branch: 'docs-fix',
          from: start,
          files: { 'docs/README.md': readme },
          message: `docs: explain releases\n\n${spoof(w, start)}\n`,
          author: MALLORY,
          date: secondsAt(2.2),
        },
        {
          branch: 'production',
          from: start,
          merge: [':1'], // the contributor's commit, by its fast-import mark
          files: { 'docs/README.md': readme },
          message: "Merge pull request #42 from mallory/docs-fix\n\ndocs: explain releases\n",
          author: ALICE,
          date: secondsAt(2.3),
        },
      ]);
      assert.deepEqual(w.git('log', '-1', '--format=%P', merge!).trim().split(' '), [start, side], 'a real merge commit');
      assert.equal(w.sha('production'), merge);

      const early = await tickService(w, 'checkout', at(2.5));
      assert.equal(early.decision, 'none', `not a promotion: ${JSON.stringify(early)}`);
      const s = await tickService(w, 'checkout', at(3));
      assert.equal(s.decision, 'step', JSON.stringify(s));
      assert.equal(s.step, '2/3');
      assert.equal(s.weight, 25);
      const step = oneNewCommit(w, merge!);
      assertByGitCanary(w, step);
      assert.equal(trailerMap(w, step)['Canary-Weight'], '25');
      assert.equal(w.show('production', CHECKOUT.route), withWeights(VS, DEFAULT_RULE, [75, 25]));
      assert.equal(w.show('production', CHECKOUT.release), RELEASE, 'not promoted');
    } finally {
      await w.close();
    }
  });

  test("[http] a person's backdated empty commit with the same trailers changes no managed file: nothing happens, the rollout goes on at its real step", async () => {
    const w = await checkoutWorld('http', checkoutService({ steps: [10, 25, 50] }));
    try {
      w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.5.0') }, { from: 'production' });
      assert.equal((await tickService(w, 'checkout', at(2))).decision, 'start');
      const start = w.sha('production');
      const [forged] = fastImport(w, [
        { branch: 'production', message: `checkout: canary 50% (step 3/3)\n\n${spoof(w, start)}\n`, author: ALICE, date: secondsAt(-30) },
      ]);
      assertNoFileChange(w, forged!);

      const early = await tickService(w, 'checkout', at(2.5));
      assert.ok((['none'] as Decision[]).includes(early.decision), `nothing happens: ${JSON.stringify(early)}`);
      assert.equal(w.sha('production'), forged);
      const s = await tickService(w, 'checkout', at(3));
      assert.equal(s.decision, 'step', JSON.stringify(s));
      assert.equal(s.step, '2/3');
      assert.equal(s.weight, 25);
      oneNewCommit(w, forged!);
      assert.equal(w.show('production', CHECKOUT.route), withWeights(VS, DEFAULT_RULE, [75, 25]));
    } finally {
      await w.close();
    }
  });
});

// checkout fails (90% success against min 99), storefront is healthy (99.95%).
let prom: RunningPrometheus | undefined;
const promEnv = () => ({ PROMETHEUS_URL: prom?.url });

describe('judgments and notes', { skip: prometheusSkip(), concurrency: 4 }, () => {
  before(async () => {
    prom = await startPrometheus({
      openmetrics: scenarioMetrics({ checkout: { rps: 20, errorRatio: 0.1 }, storefront: { rps: 20, errorRatio: 0.0005 } }),
    });
  });
  after(async () => {
    await prom?.stop();
  });

  /** checkout (failing, threshold 3) and storefront (healthy, a Gateway API route), both judged. */
  function judgedWorld(transport: Transport): Promise<World> {
    const storefront: ServiceSpec = {
      files: ['apps/storefront/deployment.yaml'],
      canary: { file: 'apps/storefront/deployment-canary.yaml' },
      route: { type: 'gateway-api', file: 'apps/storefront/httproute.yaml', stable: { name: 'storefront-stable', port: 8080 }, canary: { name: 'storefront-canary', port: 8080 } },
      steps: [10, 50],
      analysis: { app: 'storefront', threshold: 3 },
    };
    return openWorld(
      transport,
      {
        production: {
          'git-canary.yaml': gitCanaryConfig({ checkout: checkoutService({ steps: [10, 25, 50], analysis: { app: 'checkout', threshold: 3 } }), storefront }),
          ...checkoutFiles(),
          ...loadFixture('workloads', { 'deployment.yaml': 'apps/storefront/deployment.yaml', 'deployment-canary.yaml': 'apps/storefront/deployment-canary.yaml' }),
          'apps/storefront/httproute.yaml': fixtureText('gateway-api/httproute.yaml'),
        },
      },
      { env: promEnv },
    );
  }

  /** Every note on refs/notes/git-canary, as text. */
  function allNotes(w: World): string[] {
    let list = '';
    try {
      list = w.git('notes', '--ref=git-canary', 'list');
    } catch {
      return [];
    }
    return list
      .split('\n')
      .filter(Boolean)
      .map((l) => noteOf(w, l.split(' ')[1]!) ?? '');
  }

  test('[http] a failed judgment below threshold is a hold that records the judgment: a note, and a production record that changes no file', async () => {
    const w = await judgedWorld('http');
    try {
      w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.5.0') }, { from: 'production' });
      assert.equal((await tickService(w, 'checkout', at(2))).decision, 'start');
      const start = w.sha('production');
      const rollout = trailerMap(w, start)['Canary-Rollout'];

      const hold = await tickService(w, 'checkout', at(3));
      assert.equal(hold.decision, 'hold', JSON.stringify(hold));
      assert.match(hold.reason, /1\/3/);
      assert.deepEqual(hold.checks.map((c) => [c.name, c.outcome]), [['success-rate', 'fail']]);
      const record = oneNewCommit(w, start);
      assert.ok(hold.commit === null || hold.commit === record, `commit ${hold.commit}`);
      assertByGitCanary(w, record);
      assertNoFileChange(w, record, 'the judgment record');
      const t = trailerMap(w, record);
      assert.equal(t['Canary-Service'], 'checkout');
      assert.equal(t['Canary-Rollout'], rollout);
      assert.equal(t['Canary-Weight'], '10');
      const notes = allNotes(w);
      assert.ok(notes.some((n) => n.includes(rollout!) && /"outcome":\s*"fail"/.test(n)), `the judgment is in the notes: ${notes.join('\n')}`);

      assert.equal((await tickService(w, 'checkout', at(4))).decision, 'hold');
      const rb = await tickService(w, 'checkout', at(5));
      assert.equal(rb.decision, 'rollback', `the third failed judgment rolls back: ${JSON.stringify(rb)}`);
      assert.equal(w.show('production', CHECKOUT.route), VS);
    } finally {
      await w.close();
    }
  });

  for (const transport of ['bare', 'http'] as Transport[]) {
    test(`[${transport}] the notes ref is deleted after a failed judgment: the failure is not forgotten (pause naming the notes, or rollback at the third); never a step or promotion`, async () => {
      const w = await judgedWorld(transport);
      try {
        w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.5.0') }, { from: 'production' });
        assert.equal((await tickService(w, 'checkout', at(2))).decision, 'start');
        const start = w.sha('production');
        assert.equal((await tickService(w, 'checkout', at(3))).decision, 'hold');
        w.git('update-ref', '-d', 'refs/notes/git-canary');
        assert.doesNotMatch(w.refs(), /refs\/notes\/git-canary/);

        const seen: Decision[] = [];
        for (const minute of [4, 5, 6, 7]) {
          const s = await tickService(w, 'checkout', at(minute));
          seen.push(s.decision);
          assert.ok(!['step', 'promote', 'start'].includes(s.decision), `minute ${minute}: ${JSON.stringify(s)}`);
          if (s.decision === 'pause') assert.match(s.reason, /notes/, `a pause says why: ${s.reason}`);
        }
        // Judgments at 3, 4, 5: by the third the rollout is rolled back or paused, never still progressing.
        assert.ok(seen[0] === 'hold' || seen[0] === 'pause', `minute 4: ${seen.join(', ')}`);
        if (seen[0] === 'hold') assert.ok(['rollback', 'pause'].includes(seen[1]!), `minute 5 after two holds: ${seen.join(', ')}`);
        const phases = serviceRecords(w, start, 'checkout').map((c) => trailerMap(w, c)['Canary-Phase']);
        assert.ok(phases.includes('rolled-back') || phases.includes('paused'), `rolled back or paused: ${phases.join(', ')}`);
        assert.ok(!phases.includes('promoted'), phases.join(', '));
        assert.equal(w.show('production', CHECKOUT.release), RELEASE, 'never promoted');
      } finally {
        await w.close();
      }
    });
  }

  test('[http] a note line dated 2099 does not freeze the rollout: the step is judged when its interval is due', async () => {
    const w = await judgedWorld('http');
    try {
      w.commit('candidate', { 'apps/storefront/deployment.yaml': releaseAt('1.5.0') }, { from: 'production' });
      assert.equal((await tickService(w, 'storefront', at(2))).decision, 'start');
      const start = w.sha('production');
      const rollout = trailerMap(w, start)['Canary-Rollout'];
      const line = JSON.stringify({
        service: 'storefront',
        rollout,
        at: '2099-01-01T00:00:00.000Z',
        outcome: 'fail',
        checks: [{ name: 'success-rate', value: 12.5, outcome: 'fail' }],
      });
      setNoteBytes(w, start, Buffer.from(`${noteOf(w, start) ?? ''}${line}\n`, 'utf8'));

      const s = await tickService(w, 'storefront', at(3));
      assert.equal(s.decision, 'step', `not frozen: ${JSON.stringify(s)}`);
      assert.equal(s.step, '2/2');
      // log does not show the judgment from the future, and says why on stderr.
      const log = await w.cli(['log', '--json', '--service', 'storefront'], { at: at(4), env: { GIT_CANARY_LOG_LEVEL: 'warn' } });
      assert.equal(log.code, 0, log.stderr);
      const judged = (JSON.parse(log.stdout) as { rollouts: { steps: { judgments: { at: string }[] }[] }[] }).rollouts.flatMap((r) => r.steps.flatMap((st) => st.judgments));
      assert.ok(!judged.some((j) => j.at.startsWith('2099')), JSON.stringify(judged));
      assert.match(log.stderr, /dated 2099-01-01T00:00:00.000Z, in the future: ignored/);
    } finally {
      await w.close();
    }
  });

  for (const corruption of ['the notes ref points at a blob', 'a note is not UTF-8'] as const) {
    test(`[http] ${corruption}: tick does not fail every service; another service's start lands`, async () => {
      const w = await judgedWorld('http');
      try {
        w.commit('candidate', { 'apps/storefront/deployment.yaml': releaseAt('1.5.0') }, { from: 'production' });
        assert.equal((await tickService(w, 'storefront', at(2))).decision, 'start');
        const start = w.sha('production');
        if (corruption === 'a note is not UTF-8') {
          setNoteBytes(w, start, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d, 0x0a]));
        } else {
          const blob = gitAs(w, ['hash-object', '-w', '--stdin'], 'not a notes tree\n').trim();
          w.git('update-ref', 'refs/notes/git-canary', blob);
        }
        w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.5.0') });

        const t = await tickJson(w, at(3));
        const errors = t.services.filter((s) => s.decision === 'error');
        assert.equal(t.code, errors.length > 0 ? 1 : 0, `exit code follows the errors: ${t.summary}\n${t.result.stderr}`);
        assert.ok(errors.length < t.services.length, `not every service errors: ${t.summary}`);
        const checkout = t.of('checkout');
        assert.equal(checkout.decision, 'start', JSON.stringify(checkout));
        assert.ok(checkout.commit && serviceRecords(w, start, 'checkout').includes(checkout.commit), "checkout's start landed");
        assert.notEqual(t.of('storefront').decision, 'promote');
      } finally {
        await w.close();
      }
    });
  }
});
