/**
 * End-to-end rollouts of Knative / Cloud Run Services through the real CLI
 * (issue 10's acceptance): the release file, the canary and the route are one
 * service.yaml. Real git (a bare repository and over HTTP), a real Prometheus,
 * a pinned clock. Every changed line of every commit is asserted:
 *
 * checkout (Cloud Run service YAML, healthy): the start gives production's
 * Service the candidate's template under `checkout-<sha7>` (the candidate
 * pins no new name) and sends 10% to it tagged `canary`; 50%; the promotion
 * is the candidate's file with that revision pinned at 100%, the previous
 * revision's tagged entry (and its comment) kept; the next tick is idle.
 * hello (Knative docs style, failing): two failed judgments roll it back to
 * production's file as it was before the start, byte for byte, and the
 * failed release never starts again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gaugeSeries, openMetrics, type RunningPrometheus, prometheusSkip, startPrometheus } from '../helpers/prometheus.ts';
import { T0, WINDOW_SECONDS } from '../helpers/scenario.ts';
import { assertOurCommit, assertUntouched, at, changedFiles, changedLines, decisionOf, expectedTrailers, oneNewCommit, openWorld, productTrailers, type Transport } from './support.ts';

const CHECKOUT = 'services/checkout/service.yaml';
const HELLO = 'services/hello/service.yaml';
const IMG = {
  checkout: { old: 'europe-west1-docker.pkg.dev/acme-prod/apps/checkout:2.3.1', next: 'europe-west1-docker.pkg.dev/acme-prod/apps/checkout:2.4.0' },
  hello: { old: 'ghcr.io/knative/helloworld-go:1.0.0', next: 'ghcr.io/knative/helloworld-go:1.1.0' },
};

/** Cloud Run's export of the service (gcloud run services describe --format export), as a team keeps it in git. */
const checkoutYaml = (image: string) => `# checkout on Cloud Run (europe-west1). git-canary moves spec.traffic;
# CI changes the image on candidate.
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: checkout
  labels:
    cloud.googleapis.com/location: europe-west1
  annotations:
    run.googleapis.com/ingress: internal-and-cloud-load-balancing
spec:
  template:
    metadata:
      name: checkout-00012-rev
      annotations:
        autoscaling.knative.dev/maxScale: '20'
        run.googleapis.com/execution-environment: gen2
    spec:
      containerConcurrency: 80
      serviceAccountName: checkout@acme-prod.iam.gserviceaccount.com
      containers:
      - name: checkout
        image: ${image}
        ports:
        - name: http1
          containerPort: 8080
        env:
        - name: DB_HOST
          value: 10.0.0.3
  traffic:
  - revisionName: checkout-00012-rev
    percent: 100
  - revisionName: checkout-00011-old # kept reachable for a week
    tag: previous
    percent: 0
`;

/** The Knative docs' helloworld, its revision pinned. */
const helloYaml = (image: string, revision = 'hello-v1') => `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello
  namespace: default
spec:
  template:
    metadata:
      name: ${revision} # pinned, so git can name the revision
    spec:
      containers:
        - image: ${image}
          env:
            - name: TARGET
              value: "World"
  traffic:
    - revisionName: hello-v1
      percent: 100
`;

// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference that git-canary expands
const ADDRESS = '${PROMETHEUS_URL}';
const CONFIG = `version: 1
metrics:
  prom:
    type: prometheus
    address: ${ADDRESS}
services:
  checkout:
    # A Knative Service is its own release, canary and route: no files, no canary block.
    route:
      type: knative
      file: ${CHECKOUT}
    steps: [10, 50]
    interval: 1m
    analysis:
      metrics: prom
      threshold: 2
      checks:
        - name: success-rate
          query: revision_success_ratio{configuration_name="checkout", tag="canary"}
          min: 99
  hello:
    route:
      type: knative
      file: ${HELLO}
    steps: [20, 60]
    interval: 1m
    analysis:
      metrics: prom
      threshold: 2
      checks:
        - name: success-rate
          query: revision_success_ratio{configuration_name="hello", tag="canary"}
          min: 99
`;

const production = () => ({ 'git-canary.yaml': CONFIG, [CHECKOUT]: checkoutYaml(IMG.checkout.old), [HELLO]: helloYaml(IMG.hello.old) });

const metrics = () =>
  openMetrics(
    ...Object.entries({ checkout: 99.95, hello: 90 }).map(([app, value]) =>
      gaugeSeries('revision_success_ratio', { configuration_name: app, tag: 'canary' }, { start: T0, stepSeconds: 15, samples: WINDOW_SECONDS / 15 + 1, value }),
    ),
  );


let prom: RunningPrometheus | undefined;

describe('Knative / Cloud Run rollouts through the CLI', { skip: prometheusSkip(), concurrency: 2 }, () => {
  before(async () => {
    prom = await startPrometheus({ openmetrics: metrics() });
  });
  after(async () => {
    await prom?.stop();
  });

  for (const transport of ['bare', 'http'] as Transport[]) {
    test(`[${transport}] checkout: a new revision at 10 → 50 %, promoted pinned at 100 %; only the revision name, image and traffic lines change`, async () => {
      const w = await openWorld(transport, { production: production() }, { env: () => ({ PROMETHEUS_URL: prom?.url }) });
      try {
        const base = w.sha('production');
        const candidateText = checkoutYaml(IMG.checkout.next);
        const candidate = w.commit('candidate', { [CHECKOUT]: candidateText }, { from: 'production', message: 'ci: checkout 2.4.0\n' });
        const revision = `checkout-${candidate.slice(0, 7)}`;
        const tick = (minute: number) => w.tick({ at: at(minute), args: ['--service', 'checkout'] });
        const v = await w.cli(['validate', '--json'], { at: at(1) });
        assert.equal(v.code, 0, v.stdout + v.stderr);
        assert.deepEqual(JSON.parse(v.stdout).errors, []);

        const t1 = await tick(2);
        assert.deepEqual(decisionOf(t1, 'checkout'), { decision: 'start', weight: 10, step: '1/2' });
        assert.deepEqual((t1.of('checkout') as { unexercised?: string[] }).unexercised, []);
        const start = oneNewCommit(w, base);
        assert.deepEqual(changedFiles(w, start), [CHECKOUT]);
        assert.deepEqual(changedLines(w, start), [
          `${CHECKOUT}: -      name: checkout-00012-rev`,
          `${CHECKOUT}: +      name: ${revision}`,
          `${CHECKOUT}: -        image: ${IMG.checkout.old}`,
          `${CHECKOUT}: +        image: ${IMG.checkout.next}`,
          `${CHECKOUT}: -    percent: 100`,
          `${CHECKOUT}: +    percent: 90`,
          `${CHECKOUT}: +  - revisionName: ${revision}`,
          `${CHECKOUT}: +    tag: canary`,
          `${CHECKOUT}: +    percent: 10`,
        ]);
        assert.deepEqual(productTrailers(w, start), expectedTrailers('checkout', candidate, 'progressing', 10, '1/2'));
        assertOurCommit(w, start, at(2));
        assertUntouched(w, base, start, [CHECKOUT]);

        const t2 = await tick(3);
        assert.deepEqual(decisionOf(t2, 'checkout'), { decision: 'step', weight: 50, step: '2/2' }, t2.of('checkout').reason);
        assert.deepEqual(t2.of('checkout').checks.map((c) => [c.name, c.value, c.outcome]), [['success-rate', 99.95, 'pass']]);
        const step = oneNewCommit(w, start);
        assert.deepEqual(changedLines(w, step), [
          `${CHECKOUT}: -    percent: 90`,
          `${CHECKOUT}: +    percent: 50`,
          `${CHECKOUT}: -    percent: 10`,
          `${CHECKOUT}: +    percent: 50`,
        ]);
        assert.deepEqual(productTrailers(w, step), expectedTrailers('checkout', candidate, 'progressing', 50, '2/2'));

        const t3 = await tick(4);
        assert.deepEqual(decisionOf(t3, 'checkout'), { decision: 'promote', weight: 0, step: null });
        const promoted = oneNewCommit(w, step);
        // The candidate's file, its revision pinned; the stable's entry gone; the canary's untagged at 100 %.
        const want = candidateText
          .replace('      name: checkout-00012-rev', `      name: ${revision}`)
          .replace('  - revisionName: checkout-00012-rev\n    percent: 100\n', '')
          .concat(`  - revisionName: ${revision}\n    percent: 100\n`);
        assert.equal(w.show('production', CHECKOUT), want);
        assert.deepEqual(changedLines(w, promoted), [
          `${CHECKOUT}: -  - revisionName: checkout-00012-rev`,
          `${CHECKOUT}: -    percent: 50`,
          `${CHECKOUT}: -    tag: canary`,
          `${CHECKOUT}: -    percent: 50`,
          `${CHECKOUT}: +    percent: 100`,
        ]);
        assert.deepEqual(productTrailers(w, promoted), expectedTrailers('checkout', candidate, 'promoted', 0));
        assertOurCommit(w, promoted, at(4));

        // Production and candidate now hold the same release: nothing to do, and the next release starts from the new revision.
        const t4 = await tick(5);
        assert.equal(t4.of('checkout').decision, 'none', t4.of('checkout').reason);
        assert.equal(w.sha('production'), promoted);
        const next = w.commit('candidate', { [CHECKOUT]: checkoutYaml('europe-west1-docker.pkg.dev/acme-prod/apps/checkout:2.5.0') }, { message: 'ci: checkout 2.5.0\n' });
        const t5 = await tick(6);
        assert.deepEqual(decisionOf(t5, 'checkout'), { decision: 'start', weight: 10, step: '1/2' });
        const restart = oneNewCommit(w, promoted);
        // The candidate's file still says checkout-00012-rev, a name Knative refuses again: the revision is named anew.
        assert.ok(changedLines(w, restart).includes(`${CHECKOUT}: +  - revisionName: checkout-${next.slice(0, 7)}`), changedLines(w, restart).join('\n'));
        assert.match(w.show('production', CHECKOUT)!, new RegExp(`- revisionName: ${revision}\\n    percent: 90\\n`), 'the promoted revision is the stable now');
        assert.doesNotThrow(() => w.git('fsck', '--strict', '--no-dangling'));
      } finally {
        await w.close();
      }
    });
  }

  test('[bare] hello: two failed judgments roll back to production\'s Service as it was, byte for byte; the release never starts again', async () => {
    const w = await openWorld('bare', { production: production() }, { env: () => ({ PROMETHEUS_URL: prom?.url }) });
    try {
      const base = w.sha('production');
      // The candidate pins a revision name production does not run: that name is used.
      const candidate = w.commit('candidate', { [HELLO]: helloYaml(IMG.hello.next, 'hello-v2') }, { from: 'production', message: 'ci: hello 1.1.0\n' });
      const tick = (minute: number) => w.tick({ at: at(minute), args: ['--service', 'hello'] });

      const t1 = await tick(2);
      assert.deepEqual(decisionOf(t1, 'hello'), { decision: 'start', weight: 20, step: '1/2' });
      const start = oneNewCommit(w, base);
      assert.deepEqual(changedLines(w, start), [
        `${HELLO}: -      name: hello-v1 # pinned, so git can name the revision`,
        `${HELLO}: +      name: hello-v2 # pinned, so git can name the revision`,
        `${HELLO}: -        - image: ${IMG.hello.old}`,
        `${HELLO}: +        - image: ${IMG.hello.next}`,
        `${HELLO}: -      percent: 100`,
        `${HELLO}: +      percent: 80`,
        `${HELLO}: +    - revisionName: hello-v2`,
        `${HELLO}: +      tag: canary`,
        `${HELLO}: +      percent: 20`,
      ]);

      const t2 = await tick(3);
      assert.equal(t2.of('hello').decision, 'hold');
      assert.deepEqual(t2.of('hello').checks.map((c) => [c.name, c.value, c.outcome]), [['success-rate', 90, 'fail']]);
      const judged = oneNewCommit(w, start);
      assertUntouched(w, start, judged, []);

      const t3 = await tick(4);
      assert.deepEqual(decisionOf(t3, 'hello'), { decision: 'rollback', weight: 0, step: null });
      const rolledBack = oneNewCommit(w, judged);
      assert.equal(w.show('production', HELLO), w.show(base, HELLO), 'the Service is production\'s before the rollout, byte for byte');
      assert.deepEqual(changedLines(w, rolledBack), [
        `${HELLO}: -      name: hello-v2 # pinned, so git can name the revision`,
        `${HELLO}: +      name: hello-v1 # pinned, so git can name the revision`,
        `${HELLO}: -        - image: ${IMG.hello.next}`,
        `${HELLO}: +        - image: ${IMG.hello.old}`,
        `${HELLO}: -      percent: 80`,
        `${HELLO}: -    - revisionName: hello-v2`,
        `${HELLO}: -      tag: canary`,
        `${HELLO}: -      percent: 20`,
        `${HELLO}: +      percent: 100`,
      ]);
      assert.deepEqual(productTrailers(w, rolledBack), expectedTrailers('hello', candidate, 'rolled-back', 0));
      assertOurCommit(w, rolledBack, at(4));

      const t4 = await tick(5);
      assert.equal(t4.of('hello').decision, 'none');
      assert.match(t4.of('hello').reason, /rolled back/);
      assert.equal(w.sha('production'), rolledBack, 'the failed release is never retried');
    } finally {
      await w.close();
    }
  });

  test('[bare] a Service that does not pin its revision: validate says so at its line, tick errors and commits nothing', async () => {
    const unpinned = helloYaml(IMG.hello.old).replace('    metadata:\n      name: hello-v1 # pinned, so git can name the revision\n', '').replace('    - revisionName: hello-v1\n', '    - latestRevision: true\n');
    const w = await openWorld('bare', { production: { ...production(), [HELLO]: unpinned } }, { env: () => ({ PROMETHEUS_URL: prom?.url }) });
    try {
      w.commit('candidate', { [HELLO]: unpinned.replace(IMG.hello.old, IMG.hello.next) }, { from: 'production' });
      const v = await w.cli(['validate', '--json'], { at: at(1) });
      assert.equal(v.code, 1, v.stdout + v.stderr);
      const errors = JSON.parse(v.stdout).errors as { file: string; line: number; message: string }[];
      assert.ok(errors.some((e) => e.file === HELLO && e.line > 0 && /does not pin the revision it runs/.test(e.message)), JSON.stringify(errors));
      const refs = w.refs();
      const r = await w.cli(['tick', '--json', '--service', 'hello'], { at: at(2) });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const hello = JSON.parse(r.stdout).services[0] as { decision: string; reason: string };
      assert.equal(hello.decision, 'error');
      assert.match(hello.reason, new RegExp(`does not pin the revision it runs \\(${HELLO}:\\d+\\)`));
      assert.equal(w.refs(), refs, 'nothing committed');
    } finally {
      await w.close();
    }
  });
});
