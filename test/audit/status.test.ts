/**
 * The pure parts of `status`: the images a release brings, the checks a
 * commit body recorded with their limits, why a record was made, and the
 * refusal of a person's decision out of phase. The whole command is covered
 * end to end in test/e2e/status-truth.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { releaseImages } from '../../src/audit/images.ts';
import { buildStatus, formatStatusLine, judgedChecks, judgmentOf, recordReason, refusal } from '../../src/audit/status.ts';
import type { RolloutState, ServiceObservations } from '../../src/engine/types.ts';

const spec = (files: string[], documents = {}) => ({ files, documents });

describe('releaseImages', () => {
  test('init containers and containers of workloads, kustomize images, each once, in file order', () => {
    const texts = {
      'app/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    spec:
      initContainers: [{ name: migrate, image: "registry/web-migrate:2" }]
      containers:
        - { name: web, image: registry/web:2 }
        - { name: proxy, image: envoyproxy/envoy:v1.30 }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: web }
data: { image: not-an-image }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: report }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{ name: report, image: registry/web:2 }]
`,
      'app/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [deploy.yaml]
images:
  - { name: web, newName: registry/web, newTag: "2.1" }
  - { name: cache, digest: "sha256:${'a'.repeat(64)}" }
  - { name: plain }
`,
    };
    assert.deepEqual(releaseImages(spec(['app/deploy.yaml', 'app/kustomization.yaml']), texts), [
      'registry/web-migrate:2',
      'registry/web:2',
      'envoyproxy/envoy:v1.30',
      'registry/web:2.1',
      `cache@sha256:${'a'.repeat(64)}`,
      'plain',
    ]);
  });

  test('only the named documents of a shared file; a file that does not parse or is missing brings none', () => {
    const shared = `kind: Deployment
metadata: { name: reviews-v1 }
spec: { template: { spec: { containers: [{ name: r, image: reviews:1 }] } } }
---
kind: Deployment
metadata: { name: ratings-v1 }
spec: { template: { spec: { containers: [{ name: r, image: ratings:1 }] } } }
`;
    assert.deepEqual(releaseImages(spec(['b.yaml'], { 'b.yaml': [{ kind: 'Deployment', name: 'reviews-v1' }] }), { 'b.yaml': shared }), ['reviews:1']);
    assert.deepEqual(releaseImages(spec(['a.yaml']), { 'a.yaml': 'kind: [unclosed' }), []);
    assert.deepEqual(releaseImages(spec(['a.yaml']), {}), []);
  });
});

describe('judgedChecks and recordReason', () => {
  test('values, outcomes and the limits written next to each check', () => {
    assert.deepEqual(judgedChecks('success-rate 98.5 (min 99) fail; latency-p99 0.21 (min 0, max 0.5) pass; errors - no-data (query returned NaN)'), [
      { name: 'success-rate', value: 98.5, outcome: 'fail', min: 99 },
      { name: 'latency-p99', value: 0.21, outcome: 'pass', min: 0, max: 0.5 },
      { name: 'errors', value: null, outcome: 'no-data' },
    ]);
    assert.deepEqual(judgedChecks('pause requested by alice: looking'), []);
  });

  test('the reason is the first line that is neither checks nor what the canary does not run', () => {
    assert.equal(recordReason('success-rate 90 (min 99) fail\n\n2/2 failed checks'), '2/2 failed checks');
    assert.equal(recordReason('not exercised by the canary: ConfigMap x\n\ncandidate 1234567 differs'), 'candidate 1234567 differs');
    assert.equal(recordReason(''), null);
  });
});

describe('refusal', () => {
  const active = { rollout: 'checkout-3f2a9c1', candidate: 'c'.repeat(40), step: 2, total: 3, weight: 25, base: 'b'.repeat(40), release: 'd'.repeat(64), failedChecks: 0, lastCommit: 'e'.repeat(40), inconclusive: 0, errors: 0, started: new Date(0), startedFrom: 'trailer' as const, references: {} };
  const waiting = { kind: 'none', reason: 'waiting 30s more at step 2/3 (25%)' } as const;

  test('says the phase, what the decision works on, and what makes sense now', () => {
    const progressing = { ...active, phase: 'progressing', stepStartedAt: new Date(0) } as const;
    assert.deepEqual(refusal('resume', 'checkout', progressing, waiting), {
      message: 'cannot resume checkout: it is progressing at 25% (step 2/3)',
      hint: 'resume works on a paused rollout; to stop it: git-canary pause --service checkout',
    });
    const paused = { ...active, phase: 'paused', pausedAt: new Date(0), reason: 'x' } as const;
    assert.equal(
      refusal('pause', 'checkout', paused, waiting).hint,
      'pause works on a rollout in progress; to continue it: git-canary resume --service checkout; to end it: git-canary promote|rollback --service checkout',
    );
    const ended = { phase: 'idle', last: { rollout: 'checkout-3f2a9c1', candidate: 'c'.repeat(40), outcome: 'promoted', commit: 'f'.repeat(40), at: new Date('2024-01-01T00:05:00Z') } } as const;
    assert.deepEqual(refusal('rollback', 'checkout', ended, { kind: 'none', reason: 'candidate and production releases are the same' }), {
      message: 'cannot rollback checkout: it is idle: rollout checkout-3f2a9c1 was promoted at 2024-01-01T00:05:00.000Z',
      hint: 'rollback works on a rollout in progress or paused; nothing is rolling out: candidate and production releases are the same',
    });
  });
});

describe('buildStatus: limits, deadline, references and the applied state', () => {
  const NOW = new Date('2024-01-01T00:40:00Z');
  const state: RolloutState = {
    phase: 'progressing',
    rollout: 'checkout-3f2a9c1',
    candidate: 'c'.repeat(40),
    step: 1,
    total: 3,
    weight: 10,
    base: 'b'.repeat(40),
    release: 'd'.repeat(64),
    failedChecks: 1,
    lastCommit: 'e'.repeat(40),
    stepStartedAt: new Date('2024-01-01T00:10:00Z'),
    lastJudgedAt: new Date('2024-01-01T00:39:00Z'),
    inconclusive: 1,
    errors: 3,
    started: new Date('2024-01-01T00:00:00Z'),
    startedFrom: 'trailer',
    references: { latency: 0.21 },
  };
  const obs = (applied?: NonNullable<ServiceObservations['observed']['applied']>): ServiceObservations => ({
    service: 'checkout',
    productionSha: 'e'.repeat(40),
    candidateSha: 'c'.repeat(40),
    notesSha: undefined,
    production: {},
    candidate: {},
    releaseDigest: { production: 'x', candidate: 'd'.repeat(64) },
    state,
    observed: { candidateSha: 'c'.repeat(40), candidateEqualsProduction: false, candidateMatchesRollout: true, ...(applied ? { applied } : {}) },
    routeWeight: 10,
    warnings: [],
    history: ['e'.repeat(40)],
  });
  const settings = { intervalMs: 60_000, threshold: 2, gate: 'auto' as const, inconclusiveLimit: 5, errorLimit: 4, progressDeadlineMs: 3_600_000 };
  const facts = (o: ServiceObservations) => ({ service: 'checkout', settings, obs: o, next: { kind: 'none', reason: 'waiting' } as const, now: NOW, images: [], nextImages: [], unexercised: [] });

  test('says the judgments in a row against their limits, the deadline and the time left, and the references', () => {
    const s = buildStatus(facts(obs()));
    assert.deepEqual(s.inARow, { inconclusive: 1, inconclusiveLimit: 5, errors: 3, errorLimit: 4 });
    assert.deepEqual(s.deadline, { progressDeadline: '1h', started: '2024-01-01T00:00:00.000Z', startedFrom: 'trailer', at: '2024-01-01T01:00:00.000Z', in: '20m' });
    assert.deepEqual(s.references, { latency: 0.21 });
    assert.equal(s.applied, null);
    const line = formatStatusLine(s);
    assert.match(line, /1\/5 inconclusive in a row; 3\/4 errored in a row; progressDeadline 1h passes in 20m \(started 2024-01-01T00:00:00\.000Z\); references latency=0\.21/);
  });

  test('with applied: what Argo CD or Flux say; nothing is due while the step is not applied, and the clock starts when it was', () => {
    const pending = buildStatus(facts(obs({ state: 'pending', reason: 'Argo CD Application argocd/shop is OutOfSync' })));
    assert.deepEqual(pending.applied, { state: 'pending', reason: 'Argo CD Application argocd/shop is OutOfSync' });
    assert.equal(pending.nextJudgment, null);
    assert.match(formatStatusLine(pending), /not applied yet: Argo CD Application argocd\/shop is OutOfSync/);
    const applied = buildStatus(facts(obs({ state: 'applied', since: new Date('2024-01-01T00:39:30Z'), revision: 'e'.repeat(40), detail: 'Synced, Healthy' })));
    assert.deepEqual(applied.nextJudgment, { at: '2024-01-01T00:40:30.000Z', in: '30s' });
    assert.equal(applied.applied?.state, 'applied');
  });

  test("a record's judgment outcome: its Canary-Judgment, else read from its checks", () => {
    const commit = (judgment: 'inconclusive' | 'error' | undefined, body: string, phase: 'progressing' | 'paused' = 'progressing') => ({
      sha: 'a'.repeat(40),
      at: NOW,
      title: 't',
      body,
      trailers: { service: 'checkout', rollout: 'r', candidate: 'c'.repeat(40), phase, weight: 10, step: { index: 1, total: 3 }, ...(judgment ? { judgment } : {}) },
    });
    assert.equal(judgmentOf(commit('inconclusive', 'success-rate - (min 99) no-data (query returned NaN)'))?.outcome, 'inconclusive');
    assert.equal(judgmentOf(commit('error', 'success-rate - (min 99) error (HTTP 401)'))?.outcome, 'error');
    assert.equal(judgmentOf(commit(undefined, 'success-rate - (min 99) error (HTTP 401)\n\n4 errored judgments in a row', 'paused'))?.outcome, 'error');
    assert.equal(judgmentOf(commit(undefined, 'success-rate 99.9 (min 99) pass'))?.outcome, 'pass');
  });
});
