/**
 * The pure parts of `status`: the images a release brings, the checks a
 * commit body recorded with their limits, why a record was made, and the
 * refusal of a person's decision out of phase. The whole command is covered
 * end to end in test/e2e/status-truth.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { releaseImages } from '../../src/audit/images.ts';
import { judgedChecks, recordReason, refusal } from '../../src/audit/status.ts';

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
  const active = { rollout: 'checkout-3f2a9c1', candidate: 'c'.repeat(40), step: 2, total: 3, weight: 25, base: 'b'.repeat(40), release: 'd'.repeat(64), failedChecks: 0, lastCommit: 'e'.repeat(40) };
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
