/**
 * End-to-end acceptance of holds (PRODUCT.md "Hold"): a check without data
 * (0/0, an empty result) or a metrics server that cannot be reached neither
 * advances nor reverts the rollout; the tick exits 0 and says `hold` and why,
 * and records the judgment as a commit that changes no file (`Canary-Judgment:
 * inconclusive|error`, counted in a row, details in its note), so judgments are
 * spaced by the interval. Also: metric-source secrets never show up in output,
 * commits or notes, even with --debug.
 *
 * Real CLI, real git (local bare, local non-bare with `main` checked out, HTTP
 * through `git http-backend`), and a real Prometheus backfilled with promtool.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CliResult } from '../helpers/cli.ts';
import { git } from '../helpers/git-fixtures.ts';
import { freePort, type RunningPrometheus, prometheusSkip, startPrometheus } from '../helpers/prometheus.ts';
import { gitCanaryYaml, productionFiles, release, scenarioMetrics, type TrafficProfile } from '../helpers/scenario.ts';
import { at, changedFiles, noteOf, oneNewCommit, openWorld, type TickService, trailers, TRANSPORTS, type World } from './support.ts';

/** checkout healthy; payments' canary gets no traffic (0/0 → NaN); legacy fails 10 % of requests. */
const TRAFFIC: Record<string, TrafficProfile> = {
  checkout: { rps: 20, errorRatio: 0.0005 },
  payments: { rps: 0, errorRatio: 0 },
  legacy: { rps: 20, errorRatio: 0.1 },
};
const NEXT = {
  checkout: release('checkout', 'registry.example.com/checkout:1.1.0'),
  payments: release('payments', 'registry.example.com/payments:4.3.0'),
};

let prom: RunningPrometheus | undefined;
const startProm = () => startPrometheus({ openmetrics: scenarioMetrics(TRAFFIC) });
const promEnv = () => ({ PROMETHEUS_URL: prom?.url });

/**
 * Asserts a judgment's hold at the first step: one record on top of `before`
 * that changes no file, carrying the kind of judgment and its count in a row,
 * with the judgment's details in its note; the reason matches. Returns the record.
 */
function assertJudgmentRecord(w: World, s: TickService, before: string, reason: RegExp, kind: 'inconclusive' | 'error', inARow: number): string {
  assert.equal(s.decision, 'hold', JSON.stringify(s));
  assert.deepEqual(s.files, []);
  // A hold reports where the rollout stands: still at the first step's weight.
  assert.equal(s.weight, 10);
  assert.equal(s.step, '1/3');
  assert.match(s.reason, reason);
  const record = oneNewCommit(w, before);
  assert.equal(s.commit, record);
  assert.deepEqual(changedFiles(w, record), [], 'a judgment record changes no file');
  const t = trailers(w, record);
  assert.ok(t.includes(`Canary-Judgment: ${kind}`), t.join('\n'));
  assert.ok(t.includes(`Canary-${kind === 'error' ? 'Errors' : 'Inconclusive'}: ${inARow}`), t.join('\n'));
  assert.ok(t.some((l) => l.startsWith('Canary-Started: ')), 'the record carries the rollout start');
  assert.match(w.git('log', '-1', '--format=%s', record).trim(), kind === 'error' ? /: metrics error at 10% \(step 1\/3\)$/ : /: inconclusive at 10% \(step 1\/3\)$/);
  assert.match(noteOf(w, record) ?? '', new RegExp(`"outcome":"${kind}"`), 'the note holds the judgment');
  return record;
}

/** A judgment's hold of one of several services ticking together: a record of its own, no file changed. */
function assertRecordedHold(w: World, s: TickService, reason: RegExp): void {
  assert.equal(s.decision, 'hold', JSON.stringify(s));
  assert.deepEqual(s.files, []);
  assert.match(s.reason, reason);
  assert.ok(s.commit, 'the judgment is recorded');
  assert.deepEqual(changedFiles(w, s.commit), []);
}

before(async () => {
  if (prometheusSkip()) return;
  prom = await startProm();
});
after(async () => {
  await prom?.stop();
});

describe('holds', { skip: prometheusSkip(), concurrency: 3 }, () => {
  for (const transport of TRANSPORTS) {
    test(`[${transport}] a canary without traffic (0/0 = NaN) holds: no step, no rollback`, async () => {
      const w = await openWorld(transport, { production: productionFiles() }, { env: promEnv });
      try {
        w.commit('candidate', NEXT.payments, { from: 'production' });
        const t1 = await w.tick({ at: at(2), args: ['--service', 'payments'] });
        assert.equal(t1.of('payments').decision, 'start');
        let tip = w.sha('production');

        // Judged at 3 and 4 minutes: threshold is 2, so counting no-data as a failure would roll back.
        for (const [i, minute] of [3, 4].entries()) {
          const t = await w.tick({ at: at(minute), args: ['--service', 'payments'] });
          const s = t.of('payments');
          tip = assertJudgmentRecord(w, s, tip, new RegExp(`inconclusive at step 1/3 \\(10%\\), ${i + 1}/5 in a row`), 'inconclusive', i + 1);
          assert.match(s.reason, /NaN/);
          assert.deepEqual(s.checks.map((c) => [c.name, c.value, c.outcome]), [['success-rate', null, 'no-data']]);
        }
        // The record restarted the judgment clock: half an interval later nothing is judged.
        const early = await w.tick({ at: at(4.5), args: ['--service', 'payments'] });
        assert.equal(early.of('payments').decision, 'none');
        assert.equal(w.sha('production'), tip);

        const text = await w.cli(['tick', '--service', 'payments'], { at: at(5) });
        assert.equal(text.code, 0, text.stderr);
        assert.match(text.stdout, /^payments: hold [0-9a-f]{7} — inconclusive at step 1\/3 \(10%\), 3\/5 in a row before a pause — success-rate - \(min 99\) no-data \(query returned NaN\)$/m);
        assert.equal(w.sha('production^'), tip);
      } finally {
        await w.close();
      }
    });
  }

  test('[bare] a query that selects no series holds', async () => {
    const config = gitCanaryYaml().replaceAll('app="checkout"', 'app="checkout-missing"');
    const w = await openWorld('bare', { production: { ...productionFiles(), 'git-canary.yaml': config } }, { env: promEnv });
    try {
      w.commit('candidate', NEXT.checkout, { from: 'production' });
      assert.equal((await w.tick({ at: at(2), args: ['--service', 'checkout'] })).of('checkout').decision, 'start');
      let tip = w.sha('production');
      for (const [i, minute] of [3, 4].entries()) {
        const t = await w.tick({ at: at(minute), args: ['--service', 'checkout'] });
        const s = t.of('checkout');
        tip = assertJudgmentRecord(w, s, tip, /inconclusive/, 'inconclusive', i + 1);
        assert.match(s.reason, /no series/);
        assert.deepEqual(s.checks.map((c) => [c.name, c.value, c.outcome]), [['success-rate', null, 'no-data']]);
      }
    } finally {
      await w.close();
    }
  });

  test('[http] metric-source auth header secrets appear in no output, commit or note, even with --debug', async () => {
    const SECRET = 'tok-3f9c1a7e5b2d4c6f8a0e9d7b';
    // payments is judged against the failing "legacy" traffic, so a failed judgment writes a note.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference that git-canary expands
    const address = '    address: ${PROMETHEUS_URL}\n';
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference that git-canary expands
    const headers = '    headers: { Authorization: "Bearer ${PROM_TOKEN}" }\n';
    const config = gitCanaryYaml().replace(address, address + headers).replaceAll('app="payments"', 'app="legacy"');
    assert.match(config, /headers: \{ Authorization: "Bearer \$\{PROM_TOKEN\}" \}/);
    const w = await openWorld('http', { production: { ...productionFiles(), 'git-canary.yaml': config } }, { env: promEnv });
    const outputs: CliResult[] = [];
    try {
      w.commit('candidate', { ...NEXT.checkout, ...NEXT.payments }, { from: 'production' });
      const live = { PROM_TOKEN: SECRET };
      const dead = { PROM_TOKEN: SECRET, PROMETHEUS_URL: `http://127.0.0.1:${await freePort()}` };

      const t1 = await w.tick({ at: at(2), env: live });
      outputs.push(t1.result);
      assert.deepEqual(t1.services.map((s) => s.decision), ['start', 'start']);

      // A dead address with --debug: errors, stack traces and debug logs, none with the token.
      // Each errored judgment is recorded and restarts the judgment clock: the next is judged a minute later.
      const t2 = await w.tick({ at: at(3), env: dead, args: ['--debug'] });
      outputs.push(t2.result);
      for (const s of t2.services) {
        assertRecordedHold(w, s, /metrics error at step 1\/3 \(10%\), 1\/4 in a row/);
        assert.match(s.reason, /cannot reach prometheus/);
      }
      const text = await w.cli(['--debug', 'tick'], { at: at(4), env: dead });
      outputs.push(text);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^checkout: hold [0-9a-f]{7} — metrics error .*2\/4 in a row.*cannot reach prometheus/m);
      const status = await w.cli(['--debug', 'status'], { at: at(4), env: dead });
      outputs.push(status);
      assert.match(status.stdout, /2\/4 errored in a row/);

      // A proxy that receives the header and echoes it in its error: the header is sent, the echo is not shown.
      const seen: string[] = [];
      const echo = createServer((req, res) => {
        seen.push(String(req.headers.authorization));
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'error', errorType: 'internal', error: `upstream refused ${req.headers.authorization}` }));
      });
      await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
      try {
        const { port } = echo.address() as AddressInfo;
        const t = await w.tick({ at: at(5), env: { ...live, PROMETHEUS_URL: `http://127.0.0.1:${port}` }, args: ['--debug'] });
        outputs.push(t.result);
        assert.ok(seen.length >= 2 && seen.every((h) => h === `Bearer ${SECRET}`), `the configured header was sent: ${seen.length}`);
        for (const s of t.services) {
          assertRecordedHold(w, s, /metrics error at step 1\/3 \(10%\), 3\/4 in a row/);
          assert.match(s.reason, /HTTP 500: upstream refused (Bearer )?\[redacted\]/);
        }
      } finally {
        await new Promise((r) => echo.close(r));
      }
      assert.match(w.git('log', '-p', 'refs/notes/git-canary'), /"outcome":"error"/, 'errored judgments are noted');

      // The same token sent to the real Prometheus: a step commit and a failed-judgment note get written.
      const t3 = await w.tick({ at: at(6), env: live, args: ['--debug'] });
      outputs.push(t3.result);
      assert.equal(t3.of('checkout').decision, 'step');
      assert.equal(t3.of('payments').decision, 'hold');
      assert.match(t3.of('payments').reason, /1\/2 failed checks/);
      assert.match(w.refs(), /refs\/notes\/git-canary/, 'a note was written');

      for (const [i, r] of outputs.entries()) {
        assert.ok(!r.stdout.includes(SECRET), `run ${i} stdout leaks the token:\n${r.stdout}`);
        assert.ok(!r.stderr.includes(SECRET), `run ${i} stderr leaks the token:\n${r.stderr}`);
      }
      assert.ok(outputs.some((r) => r.stderr.length > 0), 'debug runs wrote logs (the check looked at something)');
      // Every object the server holds (commits, trees, blobs, notes) and the notes as git shows them.
      const objects = w.git('cat-file', '--batch-all-objects', '--batch');
      assert.ok(objects.includes('Canary-Phase: progressing'));
      assert.ok(!objects.includes(SECRET), 'an object in the repository contains the token');
      const notes = w.git('log', '-p', 'refs/notes/git-canary');
      assert.match(notes, /"outcome":"fail"/);
      assert.ok(!notes.includes(SECRET));
      // And the worker's cache of the remote.
      const cacheDir = w.cacheDir!;
      for (const gitdir of readdirSync(cacheDir).map((d) => join(cacheDir, d))) {
        if (!statSync(gitdir).isDirectory()) continue;
        assert.ok(!git(gitdir, ['cat-file', '--batch-all-objects', '--batch']).includes(SECRET), `cache ${gitdir} holds the token`);
        assert.ok(!git(gitdir, ['config', '--list', '--local']).includes(SECRET));
      }
    } finally {
      await w.close();
    }
  });
});

describe('metrics server stopped mid-rollout', { skip: prometheusSkip() }, () => {
  test('every transport holds with "cannot reach", then continues once a Prometheus answers again', async () => {
    const worlds = await Promise.all(TRANSPORTS.map((t) => openWorld(t, { production: productionFiles() }, { env: promEnv })));
    try {
      for (const w of worlds) w.commit('candidate', NEXT.checkout, { from: 'production' });
      const tick = (minute: number) => Promise.all(worlds.map((w) => w.tick({ at: at(minute), args: ['--service', 'checkout'] })));

      for (const t of await tick(2)) assert.equal(t.of('checkout').decision, 'start');
      const tips = worlds.map((w) => w.sha('production'));

      await prom!.stop();
      const deadUrl = prom!.url;
      for (const [n, minute] of [3, 4].entries()) {
        const runs = await tick(minute);
        runs.forEach((t, i) => {
          const s = t.of('checkout');
          tips[i] = assertJudgmentRecord(worlds[i]!, s, tips[i]!, /metrics error at step 1\/3/, 'error', n + 1);
          assert.match(s.reason, new RegExp(`cannot reach prometheus at ${deadUrl.replace(/[.]/g, '\\.')}`));
          assert.deepEqual(s.checks.map((c) => [c.name, c.value, c.outcome]), [['success-rate', null, 'error']]);
          assert.equal(t.result.stderr.includes('    at '), false, 'no stack trace without --debug');
        });
      }

      // A new Prometheus (on whatever port is free now): ${PROMETHEUS_URL} follows it and the rollout continues.
      prom = await startProm();
      const runs = await tick(5);
      runs.forEach((t, i) => {
        const s = t.of('checkout');
        assert.deepEqual([s.decision, s.weight, s.step], ['step', 25, '2/3']);
        assert.deepEqual(s.checks.map((c) => c.outcome), ['pass']);
        assert.equal(worlds[i]!.sha('production^'), tips[i], 'one step commit on top of the last judgment record');
        // A pass resets the errors in a row: the step record carries none.
        assert.ok(!trailers(worlds[i]!, s.commit!).some((l) => l.startsWith('Canary-Errors')));
      });
    } finally {
      await Promise.all(worlds.map((w) => w.close()));
    }
  });
});
