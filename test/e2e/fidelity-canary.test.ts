/**
 * Fidelity of the canary (PRODUCT.md "The canary runs the candidate",
 * "Promote"): on manifests written the way people write them
 * (test/fixtures/real), the canary started by git-canary runs exactly the
 * candidate's release, carried over by meaning, never by list position; every
 * other byte of the canary file stays; promotion copies what the canary ran.
 *
 * Real CLI process, real git (local bare, and over HTTP where it matters),
 * pinned clock; no analysis, so steps advance on `interval` alone.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertUntouched, changedFiles, changedLines, oneNewCommit, openWorld, type Transport, trailers } from './support.ts';
import {
  assertByGitCanary,
  assertCanaryRunsCandidate,
  at,
  authorOf,
  bodyOf,
  CHECKOUT,
  checkoutFiles,
  checkoutService,
  docOf,
  edits,
  fixtureText,
  gitCanaryConfig,
  loadFixture,
  manual,
  problems,
  replaced,
  statusJson,
  tickJson,
  tickService,
  trailerMap,
  validateJson,
  withWeights,
} from './support-fidelity.ts';

const RELEASE = fixtureText('workloads/deployment.yaml');
const CANARY = fixtureText('workloads/deployment-canary.yaml');
const VS = fixtureText('istio/virtualservice.yaml');
const DEFAULT_RULE = '    - name: default';
const IMG = (v: string) => `registry.example.com/shop/checkout:${v}`;

/** The release with the app image set to `v`. */
const releaseAt = (v: string) => replaced(RELEASE, IMG('1.4.2'), IMG(v));

/** Production: git-canary.yaml for `services` plus the checkout files. */
function production(services: Parameters<typeof gitCanaryConfig>[0], extra: Record<string, string> = {}) {
  return { 'git-canary.yaml': gitCanaryConfig(services), ...checkoutFiles(), ...extra };
}

describe('the canary runs the candidate', { concurrency: 4 }, () => {
  for (const transport of ['bare', 'http'] as Transport[]) {
    test(`[${transport}] derivation: the candidate's changes land on the canary's matching containers, env and probes; every other byte stays; promotion copies the release`, async () => {
      const w = await openWorld(transport, { production: production({ checkout: checkoutService({ steps: [50] }) }) });
      try {
        const base = w.sha('production');
        // App CI: new app, migration and sidecar images, a log level, a secret key, the shared (anchored) probe and a memory limit.
        const changes: [string, string, number?][] = [
          [IMG('1.4.2'), IMG('1.5.0')],
          ['checkout-migrations:1.4.2', 'checkout-migrations:1.5.0'],
          ['fluent-bit:3.1.4', 'fluent-bit:3.1.6'],
          ['              value: info\n', '              value: warn\n'],
          ['                  key: password\n', '                  key: db-password\n'],
        ];
        const candidateRelease = edits(RELEASE, ...changes, ['            failureThreshold: 3\n', '            failureThreshold: 5\n'], ['              memory: 512Mi\n', '              memory: 640Mi\n']);
        const candidate = w.commit('candidate', { [CHECKOUT.release]: candidateRelease }, { from: 'production', message: 'ci: checkout 1.5.0\n' });

        const v = await validateJson(w, at(1));
        assert.equal(v.code, 0, v.result.stdout + v.result.stderr);
        assert.deepEqual(problems(v.report.errors), []);

        const started = (await tickJson(w, at(2))).of('checkout');
        assert.equal(started.decision, 'start', JSON.stringify(started));
        assert.equal(started.weight, 50);
        assert.equal(started.step, '1/1');
        assert.deepEqual(started.unexercised ?? [], [], 'every change is exercised by the canary');
        const start = oneNewCommit(w, base);
        assert.equal(started.commit, start);
        assertByGitCanary(w, start);
        assert.equal(trailerMap(w, start)['Canary-Candidate'], candidate);
        assert.deepEqual(changedFiles(w, start).sort(), [CHECKOUT.canary, CHECKOUT.route].sort());
        assertUntouched(w, base, start, [CHECKOUT.canary, CHECKOUT.route]);
        // Exactly the candidate's changes, each on the canary's own item: the app container is second
        // there, its env has TRACK first, and the anchored probe of the release is written out twice.
        const expectedCanary = edits(
          CANARY,
          ...changes,
          ['            failureThreshold: 3\n', '            failureThreshold: 5\n', 2],
          ['              memory: 512Mi\n', '              memory: 640Mi\n'],
        );
        assert.equal(w.show('production', CHECKOUT.canary), expectedCanary);
        assertCanaryRunsCandidate(expectedCanary, { name: 'checkout-canary' }, candidateRelease, { name: 'checkout' });
        assert.equal(w.show('production', CHECKOUT.route), withWeights(VS, DEFAULT_RULE, [50, 50]), 'only the default rule moves');

        const promoted = (await tickJson(w, at(3))).of('checkout');
        assert.equal(promoted.decision, 'promote', JSON.stringify(promoted));
        const promotion = oneNewCommit(w, start);
        assertByGitCanary(w, promotion);
        assert.equal(w.show('production', CHECKOUT.release), candidateRelease, 'the release is the candidate, byte for byte');
        assert.equal(w.show('production', CHECKOUT.route), VS, 'the route is back as it was, byte for byte');
        assert.equal(w.show('production', CHECKOUT.canary), expectedCanary);
        assertUntouched(w, start, promotion, [CHECKOUT.release, CHECKOUT.route]);
      } finally {
        await w.close();
      }
    });
  }

  test('[bare] derivation: items the candidate adds (env entry, volume, volumeMount) go to the right container; the canary keeps its own items and its Service', async () => {
    const w = await openWorld('bare', { production: production({ checkout: checkoutService({ steps: [50] }) }) });
    try {
      const base = w.sha('production');
      const candidateRelease = edits(
        releaseAt('1.5.0'),
        [
          '            - name: LOG_LEVEL\n              value: info\n',
          '            - name: LOG_LEVEL\n              value: info\n            - name: FEATURE_EXPRESS_PAY\n              value: "on"\n',
        ],
        ['            - name: tmp\n              mountPath: /tmp\n', '            - name: tmp\n              mountPath: /tmp\n            - name: cache\n              mountPath: /var/cache/checkout\n'],
        ['        - name: tmp\n          emptyDir: {}\n', '        - name: tmp\n          emptyDir: {}\n        - name: cache\n          emptyDir:\n            sizeLimit: 1Gi\n'],
      );
      w.commit('candidate', { [CHECKOUT.release]: candidateRelease }, { from: 'production', message: 'checkout: express pay, disk cache\n' });

      const started = (await tickJson(w, at(2))).of('checkout');
      assert.equal(started.decision, 'start', JSON.stringify(started));
      const start = oneNewCommit(w, base);
      const canary = w.show('production', CHECKOUT.canary)!;
      assertCanaryRunsCandidate(canary, { name: 'checkout-canary' }, candidateRelease, { name: 'checkout' });
      const deployment = docOf(canary, 'Deployment', 'checkout-canary') as {
        spec: { replicas: number; template: { metadata: { annotations: Record<string, string> }; spec: { containers: { name: string; env?: { name: string; value?: string }[] }[] } } };
      };
      const containers = deployment.spec.template.spec.containers;
      assert.deepEqual(containers.map((c) => c.name), ['log-shipper', 'checkout'], 'the canary keeps its container order');
      const env = containers[1]!.env!;
      assert.deepEqual(env.map((e) => e.name).sort(), ['DB_PASSWORD', 'FEATURE_EXPRESS_PAY', 'LOG_LEVEL', 'POD_IP', 'TRACK']);
      assert.deepEqual(env[0], { name: 'TRACK', value: 'canary' }, 'its own TRACK=canary stays, where it was');
      assert.equal(containers[0]!.env, undefined, 'the sidecar got nothing of the app container');
      assert.equal(deployment.spec.template.metadata.annotations['sidecar.istio.io/logLevel'], 'debug', 'its own annotation stays');
      assert.equal(deployment.spec.replicas, 1);
      // The Service in front (the first document) is byte-identical, and nothing of the file was removed.
      const service = CANARY.slice(0, CANARY.indexOf('---\n') + 4);
      assert.ok(canary.startsWith(service), 'the canary Service document is untouched');
      const removed = changedLines(w, start).filter((l) => l.startsWith(`${CHECKOUT.canary}: -`));
      assert.deepEqual(removed, [`${CHECKOUT.canary}: -${'          image: '}${IMG('1.4.2')}`], 'only the image line is replaced; the rest is added');
      assertUntouched(w, base, start, [CHECKOUT.canary, CHECKOUT.route]);
    } finally {
      await w.close();
    }
  });

  test('[bare] candidate changes spec.replicas 6 → 8: the canary keeps its 1 replica; the promotion carries 8 to the release', async () => {
    const w = await openWorld('bare', { production: production({ checkout: checkoutService({ steps: [50] }) }) });
    try {
      const base = w.sha('production');
      const candidateRelease = replaced(releaseAt('1.5.0'), '  replicas: 6\n', '  replicas: 8\n');
      w.commit('candidate', { [CHECKOUT.release]: candidateRelease }, { from: 'production' });
      assert.equal((await tickService(w, 'checkout', at(2))).decision, 'start');
      const start = oneNewCommit(w, base);
      assert.equal(w.show('production', CHECKOUT.canary), replaced(CANARY, IMG('1.4.2'), IMG('1.5.0')), 'replicas: 1 is the canary\'s own');
      assert.equal((await tickService(w, 'checkout', at(3))).decision, 'promote');
      oneNewCommit(w, start);
      assert.equal(w.show('production', CHECKOUT.release), candidateRelease);
      assert.match(w.show('production', CHECKOUT.release)!, /^ {2}replicas: 8$/m);
      assert.match(w.show('production', CHECKOUT.canary)!, /^ {2}replicas: 1$/m);
    } finally {
      await w.close();
    }
  });

  test('[bare] canary.keep: a kept path (pod annotations) keeps the canary\'s value while the rest follows the candidate', async () => {
    const keep = ['/spec/template/metadata/annotations'];
    const w = await openWorld('bare', { production: production({ checkout: checkoutService({ steps: [50], canaryOptions: { keep } }) }) });
    try {
      const candidateRelease = replaced(releaseAt('1.5.0'), 'prometheus.io/scrape: "true"', 'prometheus.io/scrape: "false"');
      w.commit('candidate', { [CHECKOUT.release]: candidateRelease }, { from: 'production' });
      const started = await tickService(w, 'checkout', at(2));
      assert.equal(started.decision, 'start', JSON.stringify(started));
      const canary = w.show('production', CHECKOUT.canary)!;
      assert.equal(canary, replaced(CANARY, IMG('1.4.2'), IMG('1.5.0')), 'the annotation is kept, the image follows');
      assertCanaryRunsCandidate(canary, { name: 'checkout-canary' }, candidateRelease, { name: 'checkout' }, keep);
    } finally {
      await w.close();
    }
  });

  test('[bare] an invariant that cannot be made true (the changed probe is an alias in the canary): tick errors naming the canary file and path, commits nothing; validate says the same', async () => {
    const w = await openWorld('bare', {
      production: {
        'git-canary.yaml': gitCanaryConfig({ checkout: checkoutService({ steps: [50] }) }),
        ...checkoutFiles({ canary: 'deployment-canary-aliased.yaml' }),
      },
    });
    try {
      // The candidate gives readiness its own endpoint: in the canary, readinessProbe is `*probe`, the liveness probe itself.
      const candidateRelease = replaced(
        releaseAt('1.5.0'),
        '          readinessProbe: *probe\n',
        '          readinessProbe:\n            httpGet:\n              path: /ready\n              port: http\n            periodSeconds: 5\n',
      );
      w.commit('candidate', { [CHECKOUT.release]: candidateRelease }, { from: 'production' });
      const refs = w.refs();

      const t = await tickJson(w, at(2));
      assert.equal(t.code, 1, `exit 1: ${t.result.stdout}${t.result.stderr}`);
      const s = t.of('checkout');
      assert.equal(s.decision, 'error', JSON.stringify(s));
      assert.ok(s.reason.includes(CHECKOUT.canary), `names the canary file: ${s.reason}`);
      assert.match(s.reason, /readinessProbe/, `names the path that differs: ${s.reason}`);
      assert.equal(s.commit ?? null, null);
      assert.equal(w.refs(), refs, 'nothing committed');

      const v = await validateJson(w, at(2));
      assert.equal(v.code, 1, v.result.stdout);
      assert.ok(
        problems(v.report.errors).some((p) => p.includes(CHECKOUT.canary) && /readinessProbe/.test(p)),
        `validate reports the canary file and path: ${problems(v.report.errors).join('\n')}`,
      );
      assert.equal(w.refs(), refs);
    } finally {
      await w.close();
    }
  });

  test('[bare] Helm values (no kind): the canary values file gets the candidate\'s changes, keeps replicaCount, its own env entry and keep paths', async () => {
    const values = fixtureText('helm/values.yaml');
    const canaryValues = fixtureText('helm/values-canary.yaml');
    const route = fixtureText('helm/virtualservice.yaml');
    const config = gitCanaryConfig({
      payments: {
        files: ['charts/payments/values.yaml'],
        canary: { file: 'charts/payments/values-canary.yaml', keep: ['/fullnameOverride', '/podLabels'] },
        route: { type: 'istio', file: 'charts/payments/virtualservice.yaml', stable: 'payments', canary: 'payments-canary' },
        steps: [20],
      },
    });
    const w = await openWorld('bare', {
      production: { 'git-canary.yaml': config, ...loadFixture('helm', 'charts/payments') },
    });
    try {
      const base = w.sha('production');
      const changes: [string, string][] = [
        ['  tag: "3.8.0"\n', '  tag: "3.9.0"\n'],
        ['    memory: 256Mi\n', '    memory: 320Mi\n'],
        ['    value: "5s"\n', '    value: "8s"\n'],
      ];
      const candidateValues = edits(values, ['replicaCount: 3\n', 'replicaCount: 4\n'], ...changes);
      const candidate = w.commit('candidate', { 'charts/payments/values.yaml': candidateValues }, { from: 'production', message: 'payments 3.9.0\n' });

      const started = await tickService(w, 'payments', at(2));
      assert.equal(started.decision, 'start', JSON.stringify(started));
      const start = oneNewCommit(w, base);
      assert.equal(trailerMap(w, start)['Canary-Candidate'], candidate);
      assert.equal(w.show('production', 'charts/payments/values-canary.yaml'), edits(canaryValues, ...changes), 'replicaCount: 1 and TRACK stay; tag, memory, timeout follow');
      assert.equal(w.show('production', 'charts/payments/virtualservice.yaml'), withWeights(route, 'route:', [80, 20]));
      assertUntouched(w, base, start, ['charts/payments/values-canary.yaml', 'charts/payments/virtualservice.yaml']);

      assert.equal((await tickService(w, 'payments', at(3))).decision, 'promote');
      assert.equal(w.show('production', 'charts/payments/values.yaml'), candidateValues);
      assert.equal(w.show('production', 'charts/payments/virtualservice.yaml'), route);
    } finally {
      await w.close();
    }
  });

  for (const layout of ['overlay', 'deployment'] as const) {
    test(`[bare] Kustomize: the release kustomization's images: change reaches the canary ${layout === 'overlay' ? "overlay's images: by name (a CRLF file)" : "Deployment's container whose image matches newName"}`, async () => {
      const dir = 'apps/cart';
      const canaryFile = layout === 'overlay' ? `${dir}/overlays/canary/kustomization.yaml` : `${dir}/canary-deployment.yaml`;
      const config = gitCanaryConfig({
        cart: {
          files: [`${dir}/overlays/production/kustomization.yaml`],
          canary: { file: canaryFile },
          route: { type: 'gateway-api', file: `${dir}/httproute.yaml`, stable: { name: 'cart', port: 80 }, canary: { name: 'cart-canary', port: 80 } },
          steps: [10],
        },
      });
      const w = await openWorld('bare', { production: { 'git-canary.yaml': config, ...loadFixture('kustomize', dir) } });
      try {
        const base = w.sha('production');
        const prodOverlay = fixtureText('kustomize/overlays/production/kustomization.yaml');
        const candidateOverlay = replaced(prodOverlay, '    newTag: 2.3.1\n', '    newTag: 2.4.0\n');
        w.commit('candidate', { [`${dir}/overlays/production/kustomization.yaml`]: candidateOverlay }, { from: 'production', message: 'kustomize edit set image cart=…:2.4.0\n' });

        const started = await tickService(w, 'cart', at(2));
        assert.equal(started.decision, 'start', JSON.stringify(started));
        const start = oneNewCommit(w, base);
        const expected =
          layout === 'overlay'
            ? replaced(fixtureText('kustomize/overlays/canary/kustomization.yaml'), '    newTag: 2.3.1\r\n', '    newTag: 2.4.0\r\n')
            : replaced(fixtureText('kustomize/canary-deployment.yaml'), 'registry.example.com/shop/cart:2.3.1', 'registry.example.com/shop/cart:2.4.0');
        assert.equal(w.show('production', canaryFile), expected, 'only the cart image changes (redis stays, CRLF stays)');
        assert.equal(w.show('production', `${dir}/httproute.yaml`), withWeights(fixtureText('kustomize/httproute.yaml'), 'backendRefs:', [90, 10]));
        assertUntouched(w, base, start, [canaryFile, `${dir}/httproute.yaml`]);

        assert.equal((await tickService(w, 'cart', at(3))).decision, 'promote');
        assert.equal(w.show('production', `${dir}/overlays/production/kustomization.yaml`), candidateOverlay);
      } finally {
        await w.close();
      }
    });
  }
});

describe('a release change the canary does not exercise', { concurrency: 3 }, () => {
  const CONFIGMAP = fixtureText('workloads/configmap.yaml');
  const giftCards = (text: string) => replaced(text, 'FEATURE_GIFT_CARDS: "false"', 'FEATURE_GIFT_CARDS: "true"');
  const PHRASE = 'not exercised by the canary: ConfigMap checkout-config';

  test('[bare] a second release file (ConfigMap): named in the start commit body, tick unexercised and reason, status, and as a validate warning; promotion copies both files', async () => {
    const svc = checkoutService({ files: [CHECKOUT.release, CHECKOUT.config], steps: [50] });
    const w = await openWorld('bare', { production: production({ checkout: svc }, { [CHECKOUT.config]: CONFIGMAP }) });
    try {
      const base = w.sha('production');
      const candidate = w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.5.0'), [CHECKOUT.config]: giftCards(CONFIGMAP) }, { from: 'production' });

      const v = await validateJson(w, at(1));
      assert.equal(v.code, 0, `a warning, not an error: ${v.result.stdout}`);
      assert.ok(problems(v.report.warnings ?? []).some((p) => p.includes('ConfigMap checkout-config')), `validate warns: ${v.result.stdout}`);

      const s = (await tickJson(w, at(2))).of('checkout');
      assert.equal(s.decision, 'start', JSON.stringify(s));
      assert.deepEqual(s.unexercised, ['ConfigMap checkout-config']);
      assert.ok(s.reason.includes(PHRASE), s.reason);
      const start = oneNewCommit(w, base);
      assert.ok(bodyOf(w, start).includes(PHRASE), `the start commit says so:\n${bodyOf(w, start)}`);
      assert.equal(w.show('production', CHECKOUT.config), CONFIGMAP, 'the ConfigMap waits for the promotion');

      const status = await statusJson(w, at(2.5), 'checkout');
      assert.ok(JSON.stringify(status.entry).includes('ConfigMap checkout-config'), `status names it: ${JSON.stringify(status.entry)}`);
      const text = await w.cli(['status'], { at: at(2.5) });
      assert.ok(text.stdout.includes(PHRASE), `status text: ${text.stdout}`);

      assert.equal((await tickService(w, 'checkout', at(3))).decision, 'promote');
      assert.equal(w.show('production', CHECKOUT.config), w.show(candidate, CHECKOUT.config));
      assert.equal(w.show('production', CHECKOUT.release), w.show(candidate, CHECKOUT.release));
    } finally {
      await w.close();
    }
  });

  test('[bare] a ConfigMap document in the release file itself is named too; the canary file is left alone', async () => {
    const releaseWithConfig = `${RELEASE}---\n${CONFIGMAP}`;
    const w = await openWorld('bare', {
      production: production({ checkout: checkoutService({ steps: [50] }) }, { [CHECKOUT.release]: releaseWithConfig }),
    });
    try {
      const base = w.sha('production');
      w.commit('candidate', { [CHECKOUT.release]: giftCards(releaseWithConfig) }, { from: 'production' });
      const s = (await tickJson(w, at(2))).of('checkout');
      assert.equal(s.decision, 'start', JSON.stringify(s));
      assert.deepEqual(s.unexercised, ['ConfigMap checkout-config']);
      const start = oneNewCommit(w, base);
      assert.ok(bodyOf(w, start).includes(PHRASE), bodyOf(w, start));
      assert.deepEqual(changedFiles(w, start), [CHECKOUT.route], 'the workload did not change: the canary file stays');
    } finally {
      await w.close();
    }
  });

  test('[bare] canary.unexercised: refuse: the start is an error naming the ConfigMap; nothing is committed', async () => {
    const svc = checkoutService({ files: [CHECKOUT.release, CHECKOUT.config], steps: [50], canaryOptions: { unexercised: 'refuse' } });
    const w = await openWorld('bare', { production: production({ checkout: svc }, { [CHECKOUT.config]: CONFIGMAP }) });
    try {
      w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.5.0'), [CHECKOUT.config]: giftCards(CONFIGMAP) }, { from: 'production' });
      const refs = w.refs();
      const t = await tickJson(w, at(2));
      assert.equal(t.code, 1, t.result.stdout + t.result.stderr);
      const s = t.of('checkout');
      assert.equal(s.decision, 'error', JSON.stringify(s));
      assert.match(s.reason, /ConfigMap checkout-config/);
      assert.equal(w.refs(), refs, 'nothing committed');
    } finally {
      await w.close();
    }
  });
});

describe('what is promoted is what the canary ran', { concurrency: 3 }, () => {
  test('[bare] start on A, candidate moves to B, a person runs promote: production gets A\'s release and the trailer names A', async () => {
    const w = await openWorld('bare', { production: production({ checkout: checkoutService({ steps: [10, 50] }) }) });
    try {
      const a = w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.5.0') }, { from: 'production', message: 'ci: 1.5.0\n' });
      assert.equal((await tickService(w, 'checkout', at(2))).decision, 'start');
      const start = w.sha('production');
      const b = w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.6.0') }, { message: 'ci: 1.6.0\n' });

      const r = await manual(w, 'promote', 'checkout', at(2.5));
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const promotion = oneNewCommit(w, start);
      assert.equal(w.show('production', CHECKOUT.release), w.show(a, CHECKOUT.release), "A's release, the one the canary ran");
      assert.notEqual(w.show('production', CHECKOUT.release), w.show(b, CHECKOUT.release));
      const t = trailerMap(w, promotion);
      assert.equal(t['Canary-Phase'], 'promoted');
      assert.equal(t['Canary-Candidate'], a);
      assert.equal(t['Canary-Rollout'], `checkout-${a.slice(0, 7)}`);
      assert.equal(w.show('production', CHECKOUT.route), VS);
      assertByGitCanary(w, promotion);
    } finally {
      await w.close();
    }
  });

  test('[bare] candidate moves mid-rollout: the next tick restarts on B (decision start, a new Canary-Rollout); its promotion copies B', async () => {
    const w = await openWorld('bare', { production: production({ checkout: checkoutService({ steps: [10, 50] }) }) });
    try {
      const a = w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.5.0') }, { from: 'production' });
      assert.equal((await tickService(w, 'checkout', at(2))).decision, 'start');
      const first = w.sha('production');
      const b = w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.6.0') });
      const restarted = await tickService(w, 'checkout', at(2.5));
      assert.equal(restarted.decision, 'start', JSON.stringify(restarted));
      assert.equal(restarted.step, '1/2');
      const restart = oneNewCommit(w, first);
      assert.deepEqual(trailers(w, restart).slice(0, 3), ['Canary-Service: checkout', `Canary-Rollout: checkout-${b.slice(0, 7)}`, `Canary-Candidate: ${b}`]);
      assert.notEqual(trailerMap(w, restart)['Canary-Rollout'], `checkout-${a.slice(0, 7)}`);
      assert.equal(w.show('production', CHECKOUT.canary), replaced(CANARY, IMG('1.4.2'), IMG('1.6.0')));
      assert.equal((await tickService(w, 'checkout', at(3.5))).decision, 'step');
      assert.equal((await tickService(w, 'checkout', at(4.5))).decision, 'promote');
      assert.equal(w.show('production', CHECKOUT.release), w.show(b, CHECKOUT.release));
    } finally {
      await w.close();
    }
  });

  test('[bare] commit.author in git-canary.yaml signs the commits instead of the default git-canary identity', async () => {
    const config = gitCanaryConfig({ checkout: checkoutService({ steps: [50] }) }, { extra: 'commit:\n  author: "Shop Release Bot <release-bot@shop.example.com>"\n' });
    const w = await openWorld('bare', { production: { ...production({}), 'git-canary.yaml': config } });
    try {
      w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.5.0') }, { from: 'production' });
      assert.equal((await tickService(w, 'checkout', at(2))).decision, 'start');
      const who = 'Shop Release Bot <release-bot@shop.example.com>';
      assert.deepEqual(authorOf(w, w.sha('production')), { author: who, committer: who });
    } finally {
      await w.close();
    }
  });

  test('[bare] canary.idle {replicas: 0}: the promotion scales the canary to 0; the next start gives it back its 2 replicas', async () => {
    const canaryOf2 = replaced(CANARY, '  replicas: 1\n', '  replicas: 2\n');
    const svc = checkoutService({ steps: [50], canaryOptions: { idle: { replicas: 0 } } });
    const w = await openWorld('bare', { production: production({ checkout: svc }, { [CHECKOUT.canary]: canaryOf2 }) });
    try {
      w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.5.0') }, { from: 'production' });
      assert.equal((await tickService(w, 'checkout', at(2))).decision, 'start');
      const start = w.sha('production');
      const running = replaced(canaryOf2, IMG('1.4.2'), IMG('1.5.0'));
      assert.equal(w.show('production', CHECKOUT.canary), running, 'the canary runs with its 2 replicas');

      assert.equal((await tickService(w, 'checkout', at(3))).decision, 'promote');
      const promotion = oneNewCommit(w, start);
      assert.equal(w.show('production', CHECKOUT.canary), replaced(running, '  replicas: 2\n', '  replicas: 0\n'), 'at rest: 0 replicas, nothing else');
      assert.deepEqual(
        changedLines(w, promotion).filter((l) => l.startsWith(CHECKOUT.canary)),
        [`${CHECKOUT.canary}: -  replicas: 2`, `${CHECKOUT.canary}: +  replicas: 0`],
      );

      w.commit('candidate', { [CHECKOUT.release]: releaseAt('1.6.0') });
      assert.equal((await tickService(w, 'checkout', at(4))).decision, 'start');
      oneNewCommit(w, promotion);
      assert.equal(w.show('production', CHECKOUT.canary), replaced(canaryOf2, IMG('1.4.2'), IMG('1.6.0')), 'back to 2 replicas, running 1.6.0');
    } finally {
      await w.close();
    }
  });
});
