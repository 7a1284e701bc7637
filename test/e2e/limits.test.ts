/**
 * End-to-end acceptance of the analysis limits (PRODUCT.md "Analysis", issue
 * 11 "Outcomes and limits"), through the real CLI on a pinned clock:
 * - a metrics source answering 401 holds `errorLimit` times (each an errored
 *   judgment record) and then pauses for a person, the reason in tick's
 *   output, in status and in git log; never a rollback;
 * - a critical check rolls back on its first failure, whatever `threshold`;
 * - a rollout not promoted within `progressDeadline` rolls back.
 * The 401 comes from a small local server (test/metrics/fault-server.ts); the
 * failing check reads a real Prometheus backfilled with a failing canary.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFaultServer, type FaultServer } from '../metrics/fault-server.ts';
import { prometheusSkip, type RunningPrometheus, startPrometheus } from '../helpers/prometheus.ts';
import { gitCanaryYaml, productionFiles, release, scenarioMetrics } from '../helpers/scenario.ts';
import { at, changedFiles, noteOf, openWorld, trailers } from './support.ts';

const NEXT = release('checkout', 'registry.example.com/checkout:1.1.0');
const ONLY = ['--service', 'checkout'];

describe('errorLimit: a metrics source answering 401', () => {
  let faults: FaultServer | undefined;
  before(async () => {
    faults = await startFaultServer();
  });
  after(async () => {
    await faults?.close();
  });

  test('holds errorLimit − 1 times (each a record changing no file), then pauses with the reason in tick, status and git log', async () => {
    const env = () => ({ PROMETHEUS_URL: faults!.address('http-401') });
    const w = await openWorld('bare', { production: productionFiles() }, { env });
    try {
      w.commit('candidate', NEXT, { from: 'production' });
      assert.equal((await w.tick({ at: at(2), args: ONLY })).of('checkout').decision, 'start');
      const startedAt = at(2).toISOString();

      // The default errorLimit is 4: three errored judgments hold, a minute apart (each record restarts the clock).
      for (const [i, minute] of [3, 4, 5].entries()) {
        const s = (await w.tick({ at: at(minute), args: ONLY })).of('checkout');
        assert.equal(s.decision, 'hold', s.reason);
        assert.match(s.reason, new RegExp(`metrics error at step 1/3 \\(10%\\), ${i + 1}/4 in a row`));
        assert.match(s.reason, /refused the credentials \(HTTP 401\)/);
        assert.deepEqual(changedFiles(w, s.commit!), []);
        const t = trailers(w, s.commit!);
        assert.ok(t.includes('Canary-Judgment: error') && t.includes(`Canary-Errors: ${i + 1}`), t.join('\n'));
        assert.ok(t.includes(`Canary-Started: ${startedAt}`), 'every record carries the rollout start');
      }
      const early = await w.tick({ at: at(5.5), args: ONLY });
      assert.equal(early.of('checkout').decision, 'none', 'judgments are spaced by the interval');

      // The fourth in a row pauses: a paused record, no file changed, never a rollback.
      const text = await w.cli(['tick', ...ONLY], { at: at(6) });
      assert.equal(text.code, 0, text.stderr);
      const reason =
        '4 errored judgments in a row (errorLimit 4) at step 1/3 (10%): success-rate: prometheus at http://127.0.0.1:';
      assert.match(text.stdout, /^checkout: pause [0-9a-f]{7} — 4 errored judgments in a row \(errorLimit 4\) at step 1\/3 \(10%\): success-rate: prometheus at \S+ refused the credentials \(HTTP 401\) — fix the metrics source, then git-canary resume --service checkout/m);
      const paused = w.sha('production');
      assert.deepEqual(changedFiles(w, paused), []);
      const t = trailers(w, paused);
      assert.ok(t.includes('Canary-Phase: paused') && t.includes('Canary-Errors: 4'), t.join('\n'));
      assert.match(noteOf(w, paused) ?? '', /"outcome":"error"/, "the pause's note holds the judgment");
      const log = w.git('log', '-1', '--format=%B', paused);
      assert.ok(log.includes(reason), log);
      assert.match(log, /fix the metrics source, then git-canary resume --service checkout/);

      const status = await w.cli(['status', '--service', 'checkout'], { at: at(7) });
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /^checkout: paused at step 1\/3, canary 10% — .*paused: 4 errored judgments in a row \(errorLimit 4\) at step 1\/3 \(10%\): success-rate: prometheus at \S+ refused the credentials \(HTTP 401\)/m);
      const json = JSON.parse((await w.cli(['status', '--json', '--service', 'checkout'], { at: at(7) })).stdout) as {
        services: { phase: string; inARow: { errors: number; errorLimit: number }; lastAnalysis: { outcome: string } | null }[];
      };
      assert.deepEqual([json.services[0]!.phase, json.services[0]!.inARow.errors, json.services[0]!.inARow.errorLimit], ['paused', 4, 4]);

      // A paused rollout stays paused (no commit) until a person resumes; the resume resets the count.
      const later = await w.tick({ at: at(30), args: ONLY });
      assert.equal(later.of('checkout').decision, 'none');
      assert.equal(w.sha('production'), paused);
      const resumed = await w.cli(['resume', '--service', 'checkout'], { at: at(31) });
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.ok(!trailers(w, w.sha('production')).some((l) => l.startsWith('Canary-Errors')), 'resume resets the errors in a row');
      const again = (await w.tick({ at: at(32), args: ONLY })).of('checkout');
      assert.match(again.reason, /1\/4 in a row/);

      const gitLog = await w.cli(['log', '--service', 'checkout'], { at: at(33) });
      assert.equal(gitLog.code, 0, gitLog.stderr);
      assert.match(gitLog.stdout, /judgment .* error: success-rate - .*\(3 errored in a row\)/);
      assert.match(gitLog.stdout, /pause .* 4 errored judgments in a row/);
      assert.doesNotMatch(gitLog.stdout, /rollback/);
    } finally {
      await w.close();
    }
  });
});

describe('critical and progressDeadline on a real Prometheus', { skip: prometheusSkip() }, () => {
  let prom: RunningPrometheus | undefined;
  before(async () => {
    prom = await startPrometheus({ openmetrics: scenarioMetrics({ checkout: { rps: 20, errorRatio: 0.1 }, healthy: { rps: 20, errorRatio: 0 } }) });
  });
  after(async () => {
    await prom?.stop();
  });
  const env = () => ({ PROMETHEUS_URL: prom?.url });

  test('a critical check rolls back on its first failure, whatever threshold says', async () => {
    const config = gitCanaryYaml({ threshold: 3 }).replace('          min: 99', '          min: 99\n          critical: true');
    assert.match(config, /critical: true/);
    const w = await openWorld('bare', { production: { ...productionFiles(), 'git-canary.yaml': config } }, { env });
    try {
      w.commit('candidate', NEXT, { from: 'production' });
      assert.equal((await w.tick({ at: at(2), args: ONLY })).of('checkout').decision, 'start');
      const s = (await w.tick({ at: at(3), args: ONLY })).of('checkout');
      assert.equal(s.decision, 'rollback', s.reason);
      assert.match(s.reason, /^critical check failed at step 1\/3 \(10%\): success-rate: 90 is below min 99/);
      const t = trailers(w, s.commit!);
      assert.ok(t.includes('Canary-Phase: rolled-back') && t.includes('Canary-Failed-Checks: 1'), t.join('\n'));
      assert.match(w.git('log', '-1', '--format=%B', s.commit!), /critical check failed/);
    } finally {
      await w.close();
    }
  });

  test('a rollout not promoted within progressDeadline rolls back; before that it holds as usual', async () => {
    // Every judgment fails far below threshold: it is the clock that ends the rollout.
    const config = gitCanaryYaml({ threshold: 10 }).replace('      threshold: 10\n', '      threshold: 10\n      progressDeadline: 4m\n');
    assert.match(config, /progressDeadline: 4m/);
    const w = await openWorld('bare', { production: { ...productionFiles(), 'git-canary.yaml': config } }, { env });
    try {
      w.commit('candidate', NEXT, { from: 'production' });
      assert.equal((await w.tick({ at: at(2), args: ONLY })).of('checkout').decision, 'start');
      for (const minute of [3, 4, 5]) {
        const s = (await w.tick({ at: at(minute), args: ONLY })).of('checkout');
        assert.equal(s.decision, 'hold', s.reason);
        assert.match(s.reason, /failed checks/);
      }
      const status = await w.cli(['status', '--service', 'checkout'], { at: at(5.5) });
      assert.match(status.stdout, /progressDeadline 4m passes in 30s \(started 2024-01-01T00:02:00\.000Z\)/);
      const s = (await w.tick({ at: at(6), args: ONLY })).of('checkout');
      assert.equal(s.decision, 'rollback', s.reason);
      assert.equal(s.reason, 'not promoted within progressDeadline 4m (started 2024-01-01T00:02:00.000Z)');
      assert.ok(trailers(w, s.commit!).includes('Canary-Phase: rolled-back'));
    } finally {
      await w.close();
    }
  });
});
