/**
 * The candidate branch moving during a rollout (issue: "a candidate that moves
 * mid-rollout — finish or restart by a stated rule; a candidate that returns to
 * the production content"). The stated rules (README, src/engine/decide.ts):
 * - candidate's release moves to another version → restart at steps[0], the
 *   canary derived afresh from its PRE-rollout content (not layered on the old canary);
 * - candidate's release returns to production's → rollback: route 100/0 and the
 *   canary file restored byte-identically to its content before the first start;
 * - a candidate commit that leaves this service's release untouched changes nothing.
 * Real CLI, real git (local bare and HTTP), real Prometheus (checkout healthy).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningPrometheus, prometheusSkip, startPrometheus } from '../helpers/prometheus.ts';
import { DEMO_TRAFFIC, productionFiles, release, scenarioMetrics } from '../helpers/scenario.ts';
import { at, oneNewCommit, openWorld, trailers, weights } from './support.ts';

const VS = 'apps/checkout/virtualservice.yaml';
const CANARY = 'apps/checkout/deployment-canary.yaml';
const RELEASE = 'apps/checkout/deployment.yaml';
const IMG = (v: string) => `registry.example.com/checkout:${v}`;

let prom: RunningPrometheus | undefined;
const promEnv = () => ({ PROMETHEUS_URL: prom?.url });

describe('candidate moves during a rollout', { skip: prometheusSkip(), concurrency: 2 }, () => {
  before(async () => {
    prom = await startPrometheus({ openmetrics: scenarioMetrics(DEMO_TRAFFIC) });
  });
  after(async () => {
    await prom?.stop();
  });

  for (const transport of ['bare', 'http'] as const) {
    test(`[${transport}] a new version restarts at step 1 from the pristine canary; returning to production rolls back`, async () => {
      const w = await openWorld(transport, { production: productionFiles() }, { env: promEnv });
      try {
        const pristineCanary = w.show('production', CANARY)!;
        w.commit('candidate', release('checkout', IMG('1.1.0')), { from: 'production', message: 'ci: checkout 1.1.0\n' });
        assert.equal((await w.tick({ at: at(2), args: ['--service', 'checkout'] })).of('checkout').decision, 'start');
        const stepped = await w.tick({ at: at(3), args: ['--service', 'checkout'] });
        assert.equal(stepped.of('checkout').decision, 'step');
        assert.deepEqual(weights(w.show('production', VS)), [75, 25]);

        // An unrelated candidate commit (another service's file) changes nothing for checkout.
        w.commit('candidate', { 'apps/other/notes.md': 'unrelated\n' });
        const calm = await w.tick({ at: at(3.5), args: ['--service', 'checkout'] });
        assert.equal(calm.of('checkout').decision, 'none');
        assert.match(calm.of('checkout').reason, /waiting/);

        // App CI pushes 1.2.0 mid-rollout: restart at step 1, canary = pristine + (1.0.0 → 1.2.0).
        const before12 = w.sha('production');
        const moved = w.commit('candidate', release('checkout', IMG('1.2.0')), { message: 'ci: checkout 1.2.0\n' });
        const restarted = await w.tick({ at: at(3.6), args: ['--service', 'checkout'] });
        const d = restarted.of('checkout');
        assert.equal(d.decision, 'start', JSON.stringify(d));
        assert.match(d.reason, /candidate moved to .* restarting at step 1/);
        const restart = oneNewCommit(w, before12);
        assert.deepEqual(trailers(w, restart).slice(0, 5), [
          'Canary-Service: checkout',
          `Canary-Rollout: checkout-${moved.slice(0, 7)}`,
          `Canary-Candidate: ${moved}`,
          'Canary-Phase: progressing',
          'Canary-Step: 1/3',
        ]);
        assert.deepEqual(weights(w.show('production', VS)), [90, 10]);
        assert.equal(
          w.show('production', CANARY),
          pristineCanary.replace(IMG('1.0.0'), IMG('1.2.0')),
          'the canary is the pre-rollout file with exactly the new release diff',
        );

        // The candidate is reverted to production's release: the rollout ends in a rollback.
        const beforeRevert = w.sha('production');
        w.commit('candidate', { [RELEASE]: w.show('production', RELEASE)! }, { message: 'revert: back to 1.0.0\n' });
        const reverted = await w.tick({ at: at(3.7), args: ['--service', 'checkout'] });
        assert.equal(reverted.of('checkout').decision, 'rollback');
        assert.match(reverted.of('checkout').reason, /returned to production/);
        const rollback = oneNewCommit(w, beforeRevert);
        assert.ok(trailers(w, rollback).includes('Canary-Phase: rolled-back'));
        assert.equal(w.show('production', CANARY), pristineCanary, 'canary restored to its bytes before the first start');
        assert.deepEqual(weights(w.show('production', VS)), [100, 0]);

        // In sync now: nothing more to do.
        assert.equal((await w.tick({ at: at(5), args: ['--service', 'checkout'] })).of('checkout').decision, 'none');
      } finally {
        await w.close();
      }
    });
  }
});
