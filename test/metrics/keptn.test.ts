/**
 * The keptn source against a fake Kubernetes API (test/helpers/fake-kube.ts)
 * that checks the bearer token, the verbs and paths kube-apiserver serves, and
 * serves or accepts only objects valid against Keptn's published CRD schemas
 * (test/fixtures/kube/keptn/). The Analysis wait runs on an injected clock:
 * `sleep` advances it and plays the metrics-operator, so nothing sleeps.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { MetricsError, NoDataError } from '../../src/errors.ts';
import { MetricsSourceConfig } from '../../src/metrics/index.ts';
import { analysisName, createKeptnSource, type KeptnConfig, type KeptnClock, keptn } from '../../src/metrics/keptn.ts';
import { parseKeptnQuery } from '../../src/metrics/keptn-query.ts';
import { type FakeKube, hasOpenssl, loadResourceType, startFakeKube } from '../helpers/fake-kube.ts';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.keptn-reader-token';
const AT = new Date('2024-01-01T00:30:00Z');
const CRDS = ['keptnmetric.v1.json', 'analysis.v1.json', 'analysisdefinition.v1.json'].map((f) =>
  loadResourceType(new URL(`../fixtures/kube/keptn/${f}`, import.meta.url)),
);
const OBJECTS = parseAllDocuments(readFileSync(new URL('../fixtures/metrics/keptn-objects.yaml', import.meta.url), 'utf8')).map(
  (d) => d.toJS() as Record<string, unknown>,
);
const V1 = 'metrics.keptn.sh/v1';

let kube: FakeKube;
before(async () => {
  kube = await startFakeKube({ token: TOKEN, writes: true, resources: CRDS });
});
after(() => kube.stop());
beforeEach(() => {
  for (const o of OBJECTS) kube.put(o);
  kube.requests.length = 0;
});

function config(extra: Record<string, unknown> = {}): KeptnConfig {
  return MetricsSourceConfig.parse({ type: 'keptn', address: kube.url, token: TOKEN, analysisTimeout: '30s', ...extra }) as KeptnConfig;
}

/** A clock whose sleep advances time and lets the test play Keptn's controller. */
function fakeClock(onSleep: (slept: number) => void = () => {}): KeptnClock & { sleeps: number } {
  let now = 0;
  const clock = {
    sleeps: 0,
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
      clock.sleeps++;
      onSleep(clock.sleeps);
    },
  };
  return clock;
}

/** What the metrics-operator writes when it finishes an Analysis. */
function complete(name: string, pass: boolean, state = 'Completed'): void {
  const analysis = kube.get(V1, 'Analysis', 'shop', name);
  assert.ok(analysis, `Analysis shop/${name} was created`);
  kube.put({
    ...analysis,
    status: {
      state,
      pass,
      warning: false,
      timeframe: { from: '2024-01-01T00:25:00Z', to: '2024-01-01T00:30:00Z' },
      raw: '{"objectiveResults":[],"totalScore":2,"maximumScore":3,"pass":false,"warning":false}',
    },
  });
}

function inNamespace(object: Record<string, unknown>, namespace: string): Record<string, unknown> {
  const copy = structuredClone(object) as { metadata: Record<string, unknown> };
  copy.metadata.namespace = namespace;
  return copy;
}

const ctx = (source: KeptnConfig, signal?: AbortSignal) => ({ source, time: AT, ...(signal ? { signal } : {}) });
const ANALYSIS = 'analysis/shop/checkout-slo/5m/workload=checkout;project=shop';
const NAME = analysisName(
  { kind: 'analysis', namespace: 'shop', definition: 'checkout-slo', timeframe: '5m', args: { workload: 'checkout', project: 'shop' } },
  AT,
);

async function rejects(p: Promise<unknown>, kind: typeof MetricsError | typeof NoDataError, message: RegExp, hint?: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof kind, `expected ${kind.name}, got ${String(e)}`);
    assert.match(e.message, message);
    if (hint) assert.match(e.hint ?? '', hint);
    assert.ok(!JSON.stringify({ m: e.message, h: e.hint, d: e.data, w: e.where }).includes(TOKEN), 'the token never reaches an error');
    return true;
  });
}

describe('keptn: config', () => {
  test('defaults are the in-cluster ones; analysisTimeout is 5m', () => {
    assert.deepEqual(MetricsSourceConfig.parse({ type: 'keptn' }), {
      type: 'keptn',
      address: 'https://kubernetes.default.svc',
      tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
      analysisTimeout: 300_000,
      timeoutMs: 10_000,
    });
  });

  test('unknown keys and a zero analysisTimeout are refused', () => {
    assert.equal(MetricsSourceConfig.safeParse({ type: 'keptn', namespace: 'shop' }).success, false);
    const zero = MetricsSourceConfig.safeParse({ type: 'keptn', analysisTimeout: '0s' });
    assert.equal(zero.success, false);
    assert.match(JSON.stringify(zero.error?.issues), /must be longer than 0s/);
  });
});

describe('keptn: KeptnMetric', () => {
  test('status.value (a string) is the number; one GET with the bearer token', async () => {
    assert.equal(await keptn.query('keptnmetric/shop/checkout-error-rate', ctx(config())), 0.42);
    assert.deepEqual(
      kube.requests.map((r) => [r.method, r.url, r.headers.authorization]),
      [['GET', '/apis/metrics.keptn.sh/v1/namespaces/shop/keptnmetrics/checkout-error-rate', `Bearer ${TOKEN}`]],
    );
  });

  test('no value yet: no data (hold), never 0', async () => {
    await rejects(keptn.query('keptnmetric/shop/checkout-latency-p99', ctx(config())), NoDataError, /KeptnMetric shop\/checkout-latency-p99 has no value yet/);
  });

  test('errMsg: Keptn could not run the query: an error (hold), not its last value', async () => {
    await rejects(keptn.query('keptnmetric/shop/checkout-broken', ctx(config())), MetricsError, /Keptn could not evaluate KeptnMetric shop\/checkout-broken: bad_data/);
  });

  test('a value older than 3 fetch intervals (at least 1m) is stale: no data', async () => {
    await rejects(keptn.query('keptnmetric/shop/checkout-stale', ctx(config())), NoDataError, /is stale: last updated 30m ago/, /metrics-operator/);
  });

  for (const [value, kind, message] of [
    ['NaN', NoDataError, /is NaN/],
    ['+Inf', NoDataError, /is \+Inf/],
    ['12 req/s', MetricsError, /has the value "12 req\/s", not a number/],
  ] as const) {
    test(`value ${JSON.stringify(value)}`, async () => {
      const metric = structuredClone(OBJECTS[0]!) as { status: Record<string, unknown> };
      metric.status.value = value;
      kube.put(metric);
      await rejects(keptn.query('keptnmetric/shop/checkout-error-rate', ctx(config())), kind, message);
    });
  }

  test('404: the missing object is named', async () => {
    await rejects(
      keptn.query('keptnmetric/shop/nope', ctx(config())),
      MetricsError,
      /KeptnMetric shop\/nope not found .*HTTP 404/,
      /^check the namespace and name in the query \(the KeptnMetric must exist in namespace shop\)/,
    );
  });

  test('401: a refused token is an error that never shows it', async () => {
    await rejects(
      keptn.query('keptnmetric/shop/checkout-error-rate', ctx(config({ token: `${TOKEN}-old` }))),
      MetricsError,
      /refused the token .*HTTP 401/,
      /^check metrics.<name>.token, or the token in metrics.<name>.tokenFile/,
    );
  });

  test('403: the error names the RBAC rule to grant', async () => {
    kube.forbid('metrics.keptn.sh', 'keptnmetrics', 'locked');
    kube.put(inNamespace(OBJECTS[0]!, 'locked'));
    await rejects(
      keptn.query('keptnmetric/locked/checkout-error-rate', ctx(config())),
      MetricsError,
      /forbids reading KeptnMetric locked\/checkout-error-rate \(HTTP 403\)/,
      /apiGroups: \["metrics.keptn.sh"\], resources: \["keptnmetrics"\], verbs: \["get"\]/,
    );
  });

  test('over https, the API server is verified against caFile', { skip: hasOpenssl() ? false : 'openssl not installed' }, async () => {
    const tls = await startFakeKube({ token: TOKEN, tls: true, resources: CRDS });
    try {
      tls.put(OBJECTS[0]!);
      const source = MetricsSourceConfig.parse({ type: 'keptn', address: tls.url, token: TOKEN, caFile: tls.caFile }) as KeptnConfig;
      assert.equal(await keptn.query('keptnmetric/shop/checkout-error-rate', ctx(source)), 0.42);
    } finally {
      await tls.stop();
    }
  });
});

describe('keptn: Analysis', () => {
  test('creates the Analysis as Keptn documents it, waits, passes → 1, then deletes it', async () => {
    const clock = fakeClock((n) => n === 2 && complete(NAME, true));
    assert.equal(await createKeptnSource(clock).query(ANALYSIS, ctx(config())), 1);
    const post = kube.requests.find((r) => r.method === 'POST');
    assert.equal(post?.url, '/apis/metrics.keptn.sh/v1/namespaces/shop/analyses');
    assert.deepEqual(JSON.parse(post?.body ?? '{}'), {
      apiVersion: V1,
      kind: 'Analysis',
      metadata: { name: NAME, namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'git-canary' } },
      spec: { analysisDefinition: { name: 'checkout-slo', namespace: 'shop' }, timeframe: { recent: '5m' }, args: { workload: 'checkout', project: 'shop' } },
    });
    assert.deepEqual(
      kube.requests.map((r) => `${r.method} ${r.url.replace('/apis/metrics.keptn.sh/v1/namespaces/shop/', '')}`),
      [
        'GET analysisdefinitions/checkout-slo',
        'POST analyses',
        `GET analyses/${NAME}`,
        `GET analyses/${NAME}`,
        `GET analyses/${NAME}`,
        `DELETE analyses/${NAME}`,
      ],
    );
    assert.equal(kube.get(V1, 'Analysis', 'shop', NAME), undefined);
  });

  test('the token is read from tokenFile (as in a pod) for every request, create and delete included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'git-canary-keptn-'));
    try {
      const tokenFile = join(dir, 'token');
      writeFileSync(tokenFile, `${TOKEN}\n`);
      const source = MetricsSourceConfig.parse({ type: 'keptn', address: kube.url, tokenFile }) as KeptnConfig;
      assert.equal(await createKeptnSource(fakeClock(() => complete(NAME, true))).query(ANALYSIS, ctx(source)), 1);
      assert.deepEqual(new Set(kube.requests.map((r) => r.headers.authorization)), new Set([`Bearer ${TOKEN}`]));
      assert.deepEqual(new Set(kube.requests.map((r) => r.method)), new Set(['GET', 'POST', 'DELETE']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an Analysis that fails → 0 (a check with min: 1 fails on it)', async () => {
    const clock = fakeClock(() => complete(NAME, false));
    assert.equal(await createKeptnSource(clock).query(ANALYSIS, ctx(config())), 0);
  });

  test('one that never finishes: an error after analysisTimeout (hold), and it is deleted', async () => {
    const clock = fakeClock();
    await rejects(
      createKeptnSource(clock).query(ANALYSIS, ctx(config())),
      MetricsError,
      new RegExp(`Analysis shop/${NAME} \\(of AnalysisDefinition checkout-slo\\) did not complete within 30s \\(no state\\)`),
      /metrics-operator/,
    );
    assert.equal(clock.now(), 30_000);
    assert.equal(clock.sleeps, 30);
    assert.equal(kube.get(V1, 'Analysis', 'shop', NAME), undefined);
  });

  test('a retried tick (same time) finds its Analysis (409) and waits for it', async () => {
    kube.put({
      apiVersion: V1,
      kind: 'Analysis',
      metadata: { name: NAME, namespace: 'shop' },
      spec: { analysisDefinition: { name: 'checkout-slo', namespace: 'shop' }, timeframe: { recent: '5m' }, args: { workload: 'checkout', project: 'shop' } },
      status: { state: 'Progressing', timeframe: { from: '2024-01-01T00:25:00Z', to: '2024-01-01T00:30:00Z' } },
    });
    const clock = fakeClock(() => complete(NAME, true));
    assert.equal(await createKeptnSource(clock).query(ANALYSIS, ctx(config())), 1);
    assert.equal(kube.requests.filter((r) => r.method === 'POST').length, 1);
  });

  test('the name is the same for the same tick, another for another time or query', () => {
    const q = parseKeptnQuery(ANALYSIS);
    assert.ok(q.ok && q.query.kind === 'analysis');
    assert.equal(analysisName(q.query, AT), NAME);
    assert.match(NAME, /^git-canary-[0-9a-f]{12}$/);
    assert.notEqual(analysisName(q.query, new Date(AT.getTime() + 1000)), NAME);
    assert.notEqual(analysisName({ ...q.query, timeframe: '10m' }, AT), NAME);
  });

  test('a missing AnalysisDefinition fails at once, before anything is created', async () => {
    await rejects(createKeptnSource(fakeClock()).query('analysis/shop/nope/5m', ctx(config())), MetricsError, /AnalysisDefinition shop\/nope not found/);
    assert.equal(kube.requests.filter((r) => r.method === 'POST').length, 0);
  });

  test('403 on create: the rule to grant names create, get and delete on analyses', async () => {
    kube.put(inNamespace(OBJECTS[4]!, 'locked'));
    kube.forbid('metrics.keptn.sh', 'analyses', 'locked', ['create']);
    await rejects(
      createKeptnSource(fakeClock()).query('analysis/locked/checkout-slo/5m', ctx(config())),
      MetricsError,
      /forbids to create Analysis locked\/git-canary-[0-9a-f]+ \(HTTP 403\): analyses.metrics.keptn.sh is forbidden/,
      /resources: \["analyses"\], verbs: \["create","get","delete"\]/,
    );
  });

  test('a cluster without the Analysis CRD: the 404 says what to install', async () => {
    const old = await startFakeKube({ token: TOKEN, writes: true, resources: CRDS.filter((t) => t.plural !== 'analyses') });
    try {
      old.put(OBJECTS[4]!);
      const source = MetricsSourceConfig.parse({ type: 'keptn', address: old.url, token: TOKEN }) as KeptnConfig;
      await rejects(
        createKeptnSource(fakeClock()).query(ANALYSIS, ctx(source)),
        MetricsError,
        /^cannot create Analysis shop\/git-canary-[0-9a-f]+: not found at the Kubernetes API .* \(HTTP 404\)/,
        /analyses.metrics.keptn.sh \(metrics.keptn.sh\/v1\) is installed \(Keptn's metrics-operator\)/,
      );
    } finally {
      await old.stop();
    }
  });

  test('the tick deadline ends the wait (hold)', async () => {
    const abort = new AbortController();
    const clock = fakeClock((n) => n === 3 && abort.abort());
    await rejects(createKeptnSource(clock).query(ANALYSIS, ctx(config(), abort.signal)), MetricsError, /deadline reached before reading Analysis shop\/git-canary-/);
    assert.equal(clock.sleeps, 3);
  });
});

describe('keptn: queries', () => {
  for (const [q, problem] of [
    ['keptnmetric/shop', /not a Kubernetes object name/],
    ['keptnmetric/shop/a/b', /a keptnmetric query has 3 parts/],
    ['metric/shop/a', /unknown keptn query kind "metric"/],
    ['analysis/Shop/slo/5m', /"Shop" is not a Kubernetes namespace/],
    ['analysis/shop/slo', /an analysis query has 4 or 5 parts/],
    ['analysis/shop/slo/five-minutes', /timeframe "five-minutes" is not a duration/],
    ['analysis/shop/slo/5m/workload', /argument "workload" is not key=value/],
    ['analysis/shop/slo/5m/a=1;a=2', /argument a is given twice/],
  ] as const) {
    test(`${q} is refused with what to write`, async () => {
      await rejects(keptn.query(q, ctx(config())), MetricsError, /invalid keptn query/, problem);
      assert.equal(kube.requests.length, 0);
    });
  }

  test('queryRange: one number, not a series', async () => {
    await rejects(keptn.queryRange('keptnmetric/shop/a', { ...ctx(config()), start: AT, end: AT, stepMs: 1000 }), MetricsError, /keptn sources answer one number, not a series: mann-whitney needs a prometheus source/);
  });

  test('property: a written analysis query parses back to its parts', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
    const args = fc.dictionary(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/), fc.stringMatching(/^[^;/\s]{0,12}$/), { maxKeys: 4 });
    fc.assert(
      fc.property(label, label, fc.constantFrom('30s', '5m', '1h30m', '1.5h', '250ms'), args, (namespace, definition, timeframe, a) => {
        const pairs = Object.entries(a).map(([k, v]) => `${k}=${v}`).join(';');
        const parsed = parseKeptnQuery(`analysis/${namespace}/${definition}/${timeframe}${pairs ? `/${pairs}` : ''}`);
        assert.deepEqual(parsed, { ok: true, query: { kind: 'analysis', namespace, definition, timeframe, args: { ...a } } });
      }),
    );
  });
});
