/**
 * Promises about a metrics server that misbehaves (PRODUCT.md "Hold"): whatever
 * it does — no answer, a body that trickles, 5xx, an HTML page, malformed JSON,
 * a redirect to another host, a huge body, several series, warnings, 401/403,
 * a body that echoes our headers — the check is an error (or no data), the
 * service holds with a reason, each errored judgment is recorded (a commit that
 * changes no file, `Canary-Judgment: error`, its note) and `errorLimit` of them
 * in a row pause the rollout; it never advances and never rolls back on an
 * outage alone, and nothing of the credentials leaks.
 *
 * Real CLI (`tick --json`), real git repositories, a real Prometheus backfilled
 * with promtool where a Prometheus can produce the fault (several series, a
 * rejected query, no series, connection refused) and a small local HTTP server
 * for the faults it cannot (test/metrics/fault-server.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MetricsError, NoDataError } from '../../src/errors.ts';
import { MAX_RESPONSE_BYTES, prometheus } from '../../src/metrics/prometheus.ts';
import { runChecks } from '../../src/metrics/run-checks.ts';
import type { PrometheusConfig } from '../../src/metrics/prometheus.ts';
import type { CliResult } from '../helpers/cli.ts';
import { freePort, type RunningPrometheus, prometheusSkip } from '../helpers/prometheus.ts';
import { gitCanaryYaml } from '../helpers/scenario.ts';
import { type Fault, type FaultServer, startCountingServer, startFaultServer } from '../metrics/fault-server.ts';
import {
  at,
  changedFiles,
  commitsSince,
  copyRepo,
  decisionOf,
  noteLines,
  type ScenarioRepo,
  scenarioRepo,
  sha,
  startScenarioPrometheus,
  T0,
  tempDir,
  tickCli,
  trailersOf,
} from '../e2e/support-races.ts';
import { recordFigures, scale } from './figures.ts';

const TOKEN = 'mf-Bearer-t0ken-9d7b2c';
const BASIC_USER = 'reader';
const BASIC_PASS = 'mf-pa55-Wq1z';
/** Every form the credentials could leak in. */
const LEAKS = [
  TOKEN,
  encodeURIComponent(TOKEN),
  Buffer.from(TOKEN).toString('base64'),
  BASIC_PASS,
  Buffer.from(`${BASIC_USER}:${BASIC_PASS}`).toString('base64'),
];

function assertNoLeak(where: string, text: string): void {
  for (const form of LEAKS) assert.ok(!text.includes(form), `${where} leaks ${form}:\n${text}`);
}

/**
 * checkout judged with threshold 1: one failed judgment would roll back, so a
 * fault counted as a failure shows at once. A 1s query timeout, a Bearer token
 * from ${ENV} and the address (with Basic user-info) from ${PROMETHEUS_URL}.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference that git-canary expands
const ADDRESS_LINE = '    address: ${PROMETHEUS_URL}\n';
const CONFIG = gitCanaryYaml({ threshold: 1 }).replace(
  ADDRESS_LINE,
  `${ADDRESS_LINE}    timeout: 1s\n    headers:\n      Authorization: "Bearer \${METRICS_TOKEN}"\n`,
);

/** What each fault must be reported as (the service's reason). */
const EXPECTED: Record<Exclude<Fault, 'echo-github-401'> | 'connection-refused', RegExp> = {
  hang: /no answer within 1s/,
  'slow-body': /no answer within 1s/,
  'http-500': /HTTP 500: query engine crashed/,
  'http-502-html': /HTTP 502/,
  'http-503': /HTTP 503: TSDB not ready/,
  'html-200': /unexpected answer from prometheus .*\(HTTP 200\)/,
  'malformed-json': /unexpected answer from prometheus .*\(HTTP 200\)/,
  'empty-200': /unexpected answer from prometheus .*\(HTTP 200\)/,
  'redirect-other-host': /answered with a redirect \(HTTP 302\) to http:\/\/localhost:\d+\/api\/v1\/query/,
  huge: /response too large/,
  'multi-series': /returned 3 series, expected 1/,
  warnings: /answered with warnings: partial response: store 10\.0\.0\.7:10901 did not answer/,
  'http-401': /refused the credentials \(HTTP 401\)/,
  'http-403': /refused the credentials \(HTTP 403\)/,
  'echo-400': /prometheus rejected query .*you sent/,
  'echo-500': /HTTP 500: upstream failed for/,
  'connection-refused': /connection refused/,
};

let prom: RunningPrometheus | undefined;
let faults: FaultServer;
let elsewhere: Awaited<ReturnType<typeof startCountingServer>>;
let closedPort: number;

before(async () => {
  elsewhere = await startCountingServer();
  // "Another host": the same machine by another name and port.
  faults = await startFaultServer({ redirectTo: elsewhere.url.replace('127.0.0.1', 'localhost'), trickleMs: 3000 });
  closedPort = await freePort();
  if (!prometheusSkip()) prom = await startScenarioPrometheus();
});
after(async () => {
  await faults?.close();
  await elsewhere?.close();
  await prom?.stop();
});

/** The address of a fault with Basic user-info, as a user might configure it. */
const withUserInfo = (address: string) => address.replace('http://', `http://${BASIC_USER}:${BASIC_PASS}@`);
const rawAddressOf = (fault: Fault | 'connection-refused') =>
  fault === 'connection-refused' ? `http://127.0.0.1:${closedPort}` : faults.address(fault);
const addressOf = (fault: Fault | 'connection-refused') => withUserInfo(rawAddressOf(fault));

describe('metrics faults through the real CLI', { skip: prometheusSkip() }, () => {
  let repo: ScenarioRepo;
  let started: string;
  /** Ticks per fault: more for plain outages (a rollback "on an outage alone" would take several). */
  const OUTAGES: readonly string[] = ['connection-refused', 'http-503', 'hang'];
  const ticksFor = (fault: string) => (OUTAGES.includes(fault) ? scale(2, 5) : scale(1, 3));
  const ticked: CliResult[] = [];

  before(async () => {
    if (prometheusSkip()) return;
    repo = await scenarioRepo({ extra: { 'git-canary.yaml': CONFIG } });
    const r = await tickCli(repo.dir, { now: at(2), prometheus: withUserInfo(prom!.url), env: { METRICS_TOKEN: TOKEN }, service: 'checkout' });
    assert.equal(decisionOf(r).decision, 'start');
    started = sha(repo.dir, 'production');
  });

  after(async () => {
    if (prometheusSkip()) return;
    for (const r of ticked) {
      assertNoLeak('a faulty tick', r.stdout + r.stderr);
    }
    recordFigures('metrics-faults', {
      'fault modes through the CLI': Object.keys(EXPECTED).length,
      'ticks per outage (refused, 503, hang)': scale(2, 5),
      'ticks per other fault': scale(1, 3),
      'fault ticks run': ticked.length,
      advances: 0,
      rollbacks: 0,
    });
  });

  describe('each fault, on a rollout at its first step (threshold 1)', { concurrency: 2 }, () => {
  for (const fault of Object.keys(EXPECTED) as (keyof typeof EXPECTED)[]) {
    test(`${fault}: the service holds with the reason, the check is an error, recorded without changing a file; errorLimit in a row pauses`, async () => {
      // Each fault on its own copy of the started rollout: its errors in a row are its own.
      const t = tempDir('git-canary-fault-');
      const dir = `${t.path}/repo.git`;
      copyRepo(repo.dir, dir);
      try {
        let tip = started;
        for (let i = 0; i < ticksFor(fault); i++) {
          const r = await tickCli(dir, {
            now: at(4 + i),
            prometheus: addressOf(fault),
            env: { METRICS_TOKEN: TOKEN },
            service: 'checkout',
          });
          ticked.push(r);
          const s = decisionOf(r);
          const n = i + 1;
          if (n > 4) {
            // Paused: nothing more is judged or written until a person resumes.
            assert.deepEqual([s.decision, s.commit], ['none', null], JSON.stringify(s));
            assert.equal(sha(dir, 'production'), tip);
            continue;
          }
          // The default errorLimit is 4: the fourth errored judgment in a row pauses for a person.
          assert.equal(s.decision, n < 4 ? 'hold' : 'pause', JSON.stringify(s));
          assert.equal(s.weight, 10, 'still at the first step');
          assert.match(s.reason, n < 4 ? new RegExp(`metrics error at step 1/3 \\(10%\\), ${n}/4 in a row`) : /^4 errored judgments in a row \(errorLimit 4\) at step 1\/3 \(10%\)/);
          assert.match(s.reason, EXPECTED[fault]);
          assert.deepEqual(
            s.checks.map((c) => [c.name, c.outcome, c.value]),
            [['success-rate', 'error', null]],
          );
          const added = commitsSince(dir, 'production', tip);
          assert.equal(added.length, 1, 'one record per errored judgment');
          assert.equal(s.commit, added[0]!.sha);
          assert.deepEqual(changedFiles(dir, s.commit!), [], 'a fault never advances nor rolls back: the record changes no file');
          const trailers = trailersOf(dir, s.commit!);
          assert.equal(n < 4 ? trailers.judgment : trailers.phase, n < 4 ? 'error' : 'paused');
          assert.equal(trailers.errors, String(n));
          const note = noteLines(dir).find((l) => l.commit === s.commit);
          assert.equal(JSON.parse(note?.line ?? '{}').outcome, 'error', 'the record has its note');
          assertNoLeak(`tick against ${fault}`, r.stdout + r.stderr);
          assertNoLeak(`note of a tick against ${fault}`, note?.line ?? '');
          tip = s.commit!;
        }
      } finally {
        t.cleanup();
      }
    });
  }
  });

  test('a redirect to another host is never followed: that host gets no request, with or without our headers', () => {
    assert.ok(faults.seen.some((s) => s.fault === 'redirect-other-host'));
    assert.equal(elsewhere.hits(), 0);
  });

  test('after the faults, a healthy answer advances the rollout: the holds were the faults, not the state', async () => {
    const r = await tickCli(repo.dir, { now: at(30), prometheus: withUserInfo(prom!.url), env: { METRICS_TOKEN: TOKEN }, service: 'checkout' });
    ticked.push(r);
    const s = decisionOf(r);
    assert.equal(s.decision, 'step', JSON.stringify(s));
    assert.equal(s.weight, 25);
    assert.equal(commitsSince(repo.dir, 'production', started).length, 1);
  });
});

describe('metrics faults at the source (src/metrics/prometheus.ts)', () => {
  const source = (address: string, extra: Partial<PrometheusConfig> = {}): PrometheusConfig => ({
    type: 'prometheus',
    address: withUserInfo(address),
    headers: { Authorization: `Bearer ${TOKEN}` },
    timeoutMs: 500,
    ...extra,
  });
  const AT = new Date(T0.getTime() + 30 * 60_000);

  test('a body that trickles past the timeout ends at the timeout, headers already sent', async () => {
    const e = await prometheus.query('up', { source: source(faults.address('slow-body')), time: AT }).catch((x: unknown) => x);
    assert.ok(e instanceof MetricsError, String(e));
    assert.match(e.message, /no answer within 500ms/);
  });

  test('a response larger than 8 MiB is refused without reading it whole', async () => {
    assert.equal(MAX_RESPONSE_BYTES, 8 * 1024 * 1024);
    const e = await prometheus
      .query('up', { source: source(faults.address('huge'), { timeoutMs: 20_000 }), time: AT })
      .catch((x: unknown) => x);
    assert.ok(e instanceof MetricsError, String(e));
    assert.match(e.message, /response too large/);
  });

  test('an aborted deadline signal ends a query that gets no answer: MetricsError "deadline reached"', async () => {
    const controller = new AbortController();
    const pending = prometheus
      .query('up', { source: source(faults.address('hang'), { timeoutMs: 30_000 }), time: AT, signal: controller.signal })
      .catch((x: unknown) => x);
    setTimeout(() => controller.abort(), 100);
    const e = await pending;
    assert.ok(e instanceof MetricsError, String(e));
    assert.match(e.message, /^deadline reached/);
    assertNoLeak('deadline error', JSON.stringify(e.toJSON()) + String(e.stack));
  });

  test('a deadline already passed sends no request at all', async () => {
    const before = faults.seen.length;
    const e = await prometheus
      .query('up', { source: source(faults.address('hang')), time: AT, signal: AbortSignal.abort() })
      .catch((x: unknown) => x);
    assert.ok(e instanceof MetricsError);
    assert.match(e.message, /^deadline reached/);
    assert.equal(faults.seen.length, before);
  });

  test('a deadline during a trickling body ends it too', async () => {
    const e = await prometheus
      .query('up', {
        source: source(faults.address('slow-body'), { timeoutMs: 30_000 }),
        time: AT,
        signal: AbortSignal.timeout(300),
      })
      .catch((x: unknown) => x);
    assert.ok(e instanceof MetricsError, String(e));
    assert.match(e.message, /deadline/);
  });

  test('every fault is an error or no-data outcome of its check, never a value, never a secret', async () => {
    const all = (Object.keys(EXPECTED) as (keyof typeof EXPECTED)[]).filter((f) => f !== 'huge');
    const results = await Promise.all(
      all.map((f) => runChecks(prometheus, source(rawAddressOf(f)), [{ name: 'ok', query: 'up', min: 99 }], AT)),
    );
    results.forEach((r, i) => {
      assert.equal(r.length, 1);
      assert.ok(['error', 'no-data'].includes(r[0]!.outcome), `${all[i]}: ${JSON.stringify(r)}`);
      assert.equal(r[0]!.value, null);
      assertNoLeak(all[i]!, JSON.stringify(r));
    });
    recordFigures('metrics-faults', { 'fault modes at the source': all.length + 1 });
  });

  describe('against a real Prometheus', { skip: prometheusSkip() }, () => {
    for (const [name, q, kind, message] of [
      ['several series', 'http_requests_total{app="checkout"}', MetricsError, /series, expected 1/],
      ['a range vector', 'http_requests_total{app="checkout"}[1m]', MetricsError, /returned a matrix/],
      ['a query Prometheus rejects', 'sum(rate(http_requests_total[1m]', MetricsError, /prometheus rejected query/],
      ['no series', 'http_requests_total{app="nobody"}', NoDataError, /no series/],
      ['0/0', 'sum(rate(http_requests_total{app="nobody"}[1m])) / 0', NoDataError, /no series|NaN/],
    ] as const) {
      test(`${name} is ${kind.name}, with the secrets of the source nowhere in it`, async () => {
        const e = await prometheus.query(q, { source: source(prom!.url, { timeoutMs: 5000 }), time: AT }).catch((x: unknown) => x);
        assert.ok(e instanceof kind, String(e));
        assert.match((e as Error).message, message);
        assertNoLeak(name, JSON.stringify((e as MetricsError).toJSON()));
      });
    }
  });
});
