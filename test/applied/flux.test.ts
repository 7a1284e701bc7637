/**
 * Flux through the Kubernetes API: a fake API server serving Kustomizations
 * validated against Flux's published v1 CRD schema, and real production shas.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { commitOfRevision, observeApplied } from '../../src/applied/index.ts';
import type { AppliedObservation } from '../../src/engine/types.ts';
import type { FakeKube } from '../helpers/fake-kube.ts';
import { FLUX, type History, kubeConfig, kustomization, productionHistory, readyCondition, startKube, TOKEN } from './support.ts';

let kube: FakeKube;
let h: History;
const T2 = '2024-01-01T00:20:00Z';
const short = (sha: string) => sha.slice(0, 12);

before(async () => {
  h = await productionHistory();
  kube = await startKube();
});
after(() => kube.stop());
beforeEach(() => {
  kube.requests.length = 0;
});

function observe(): Promise<AppliedObservation> {
  return observeApplied({ applied: FLUX, kubernetes: kubeConfig(kube), commit: h.commit, production: h.production });
}

function reasonOf(o: AppliedObservation): string {
  assert.notEqual(o.state, 'applied', `expected a reason, got ${JSON.stringify(o)}`);
  return (o as { reason: string }).reason;
}

const appliedReady = (revision: string, over: Record<string, unknown> = {}) => ({
  observedGeneration: 2,
  lastAppliedRevision: revision,
  lastAttemptedRevision: revision,
  conditions: [readyCondition('True', 'ReconciliationSucceeded', `Applied revision: ${revision}`, T2)],
  ...over,
});

describe('Flux revisions', () => {
  const sha = '0123456789abcdef0123456789abcdef01234567';
  const table: [string, string | undefined][] = [
    [`main@sha1:${sha}`, sha],
    [`refs/heads/main@sha1:${sha}`, sha],
    [`sha1:${sha}`, sha],
    [`main/${sha}`, sha],
    [`release/v2/${sha}`, sha],
    [`main@sha1:${sha.toUpperCase()}`, sha],
    [sha, sha],
    ['latest@sha256:' + 'a'.repeat(64), undefined],
    [`main@sha1:${sha.slice(0, 12)}`, undefined],
    ['v1.2.3', undefined],
    ['', undefined],
  ];
  for (const [revision, expected] of table) {
    test(`"${revision}" → ${expected ?? 'no commit'}`, () => assert.equal(commitOfRevision(revision), expected));
  }
});

describe('Flux Kustomization: not applied yet → pending', () => {
  test('never applied (no lastAppliedRevision): pending', async () => {
    kube.put(kustomization({ observedGeneration: -1 }));
    const o = await observe();
    assert.deepEqual(o, { state: 'pending', reason: 'Flux Kustomization flux-system/shop has applied nothing yet (no status.lastAppliedRevision)' });
  });

  test('applied an older commit, the newer attempt failed: pending, with the failure', async () => {
    kube.put(
      kustomization({
        observedGeneration: 2,
        lastAppliedRevision: `production@sha1:${h.older}`,
        lastAttemptedRevision: `production@sha1:${h.commit}`,
        conditions: [readyCondition('False', 'BuildFailed', 'kustomize build failed: accumulating resources', T2)],
      }),
    );
    const o = await observe();
    assert.equal(o.state, 'pending');
    assert.equal(
      reasonOf(o),
      `Flux Kustomization flux-system/shop last applied ${short(h.older)}, older than ${short(h.commit)} — waiting for Flux to apply it; its last attempt, production@sha1:${h.commit}, failed (BuildFailed): kustomize build failed: accumulating resources`,
    );
  });

  test('older plain `<branch>/<sha>` form, suspended: pending, saying it is suspended', async () => {
    kube.put(kustomization(appliedReady(`production/${h.older}`), { suspend: true }));
    const o = await observe();
    assert.equal(o.state, 'pending');
    assert.match(reasonOf(o), /older than .* \(spec\.suspend is true: Flux does not reconcile it\)$/);
  });

  test('a revision not on production: pending, naming it', async () => {
    kube.put(kustomization(appliedReady(`main@sha1:${'e'.repeat(40)}`)));
    const o = await observe();
    assert.equal(o.state, 'pending');
    assert.match(reasonOf(o), new RegExp(`last applied main@sha1:${'e'.repeat(40)}, which is not on production's first-parent history`));
  });
});

describe('Flux Kustomization: applied but not Ready → degraded', () => {
  for (const [status, reason, message] of [
    ['False', 'HealthCheckFailed', 'health check failed after 5m0s: timeout waiting for: [Deployment/shop/shop status: InProgress]'],
    ['Unknown', 'Progressing', 'Reconciliation in progress'],
  ] as const) {
    test(`Ready ${status}: degraded with the condition's reason and message`, async () => {
      kube.put(kustomization(appliedReady(`production@sha1:${h.commit}`, { conditions: [readyCondition(status, reason, message, T2)] })));
      const o = await observe();
      assert.deepEqual(o, {
        state: 'degraded',
        reason: `Flux Kustomization flux-system/shop applied ${short(h.commit)} but is not Ready (${status}, ${reason}): ${message}`,
      });
    });
  }

  test('Ready True but for an older generation: degraded (the spec changed since)', async () => {
    kube.put(kustomization(appliedReady(`production@sha1:${h.commit}`), { generation: 3 }));
    const o = await observe();
    assert.equal(o.state, 'degraded');
    assert.match(reasonOf(o), /its Ready condition is for generation 2, not the current 3/);
  });

  test('no Ready condition: degraded', async () => {
    kube.put(kustomization(appliedReady(`production@sha1:${h.commit}`, { conditions: [] })));
    assert.equal((await observe()).state, 'degraded');
  });
});

describe('Flux Kustomization: applied and Ready → applied', () => {
  test('at the commit: since = Ready lastTransitionTime', async () => {
    kube.put(kustomization(appliedReady(`production@sha1:${h.commit}`)));
    const o = await observe();
    assert.deepEqual(o, {
      state: 'applied',
      since: new Date(T2),
      revision: h.commit,
      detail: `Flux Kustomization flux-system/shop applied ${short(h.commit)} and Ready, since 2024-01-01T00:20:00.000Z (Ready lastTransitionTime)`,
    });
  });

  const snapshot = (revision: string, first: string, last: string, status = 'ReconciliationSucceeded') => ({
    digest: `sha256:${revision.slice(-8).padStart(64, '0')}`,
    firstReconciled: first,
    lastReconciled: last,
    lastReconciledDuration: '2.1s',
    lastReconciledStatus: status,
    metadata: { revision },
    totalReconciliations: 3,
  });

  test('with status.history (Flux 2.7+): since = firstReconciled of the applied content, not the latest reconcile', async () => {
    const revision = `production@sha1:${h.commit}`;
    kube.put(
      kustomization(
        appliedReady(revision, {
          conditions: [readyCondition('True', 'ReconciliationSucceeded', `Applied revision: ${revision}`, '2024-01-01T00:50:00Z')],
          history: [snapshot(revision, '2024-01-01T00:21:00Z', '2024-01-01T00:50:00Z'), snapshot(`production@sha1:${h.older}`, '2024-01-01T00:01:00Z', '2024-01-01T00:11:00Z')],
        }),
      ),
    );
    const o = await observe();
    assert.equal(o.state, 'applied');
    assert.equal(o.state === 'applied' && o.since.toISOString(), '2024-01-01T00:21:00.000Z');
    assert.match(o.state === 'applied' ? o.detail : '', /\(status\.history\[0\]\.firstReconciled\)$/);
  });

  test('history shows other content reconciled after it (a failure, a revert): since falls back to Ready', async () => {
    const revision = `production@sha1:${h.commit}`;
    kube.put(
      kustomization(
        appliedReady(revision, {
          conditions: [readyCondition('True', 'ReconciliationSucceeded', `Applied revision: ${revision}`, '2024-01-01T00:50:00Z')],
          history: [
            snapshot(revision, '2024-01-01T00:21:00Z', '2024-01-01T00:50:00Z'),
            snapshot(`production@sha1:${h.newer}`, '2024-01-01T00:30:00Z', '2024-01-01T00:30:00Z', 'HealthCheckFailed'),
          ],
        }),
      ),
    );
    const o = await observe();
    assert.equal(o.state === 'applied' && o.since.toISOString(), '2024-01-01T00:50:00.000Z');
  });

  test('history without the applied revision: since = Ready lastTransitionTime', async () => {
    const revision = `production@sha1:${h.commit}`;
    kube.put(kustomization(appliedReady(revision, { history: [snapshot(`production@sha1:${h.older}`, '2024-01-01T00:01:00Z', '2024-01-01T00:11:00Z')] })));
    const o = await observe();
    assert.equal(o.state === 'applied' && o.since.toISOString(), '2024-01-01T00:20:00.000Z');
  });

  test('at a newer production commit: applied', async () => {
    kube.put(kustomization(appliedReady(`refs/heads/production@sha1:${h.newer}`)));
    const o = await observe();
    assert.equal(o.state, 'applied');
    assert.equal(o.state === 'applied' && o.revision, h.newer);
  });

  test('the request: GET of the Kustomization with the bearer token', async () => {
    kube.put(kustomization(appliedReady(`production@sha1:${h.commit}`)));
    await observe();
    assert.deepEqual(
      kube.requests.map((r) => [r.method, r.url, r.headers.authorization]),
      [['GET', '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/shop', `Bearer ${TOKEN}`]],
    );
  });
});

describe('Flux Kustomization: what cannot be read → error', () => {
  test('an OCI digest is not a commit: error naming the fix', async () => {
    kube.put(kustomization(appliedReady(`latest@sha256:${'b'.repeat(64)}`)));
    const o = await observe();
    assert.equal(o.state, 'error');
    assert.match(reasonOf(o), /names no git commit — applied\.flux must name a Kustomization whose sourceRef is the GitRepository/);
  });
});
