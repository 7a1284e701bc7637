/**
 * Argo CD through the Kubernetes API: a fake API server serving Applications
 * validated against Argo CD's published CRD schema, and real production shas.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { observeApplied } from '../../src/applied/index.ts';
import type { AppliedObservation } from '../../src/engine/types.ts';
import type { FakeKube } from '../helpers/fake-kube.ts';
import { ARGO, application, deployed, type History, kubeConfig, productionHistory, startKube, TOKEN } from './support.ts';

let kube: FakeKube;
let h: History;
const T1 = '2024-01-01T00:10:00Z';
const T2 = '2024-01-01T00:20:00Z';
const T3 = '2024-01-01T00:30:00Z';

before(async () => {
  h = await productionHistory();
  kube = await startKube();
});
after(() => kube.stop());
beforeEach(() => {
  kube.requests.length = 0;
  kube.delayMs = 0;
});

function observe(commit = h.commit): Promise<AppliedObservation> {
  return observeApplied({ applied: ARGO, kubernetes: kubeConfig(kube), commit, production: h.production });
}

function serve(status: Record<string, unknown> | undefined): void {
  kube.put(application(status));
}

const synced = (revision: string, health: Record<string, unknown>, history: Record<string, unknown>[]) => ({
  sync: { status: 'Synced', revision, comparedTo: { destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' } } },
  health,
  history,
  sourceType: 'Directory',
});

function reasonOf(o: AppliedObservation): string {
  assert.notEqual(o.state, 'applied', `expected a reason, got ${JSON.stringify(o)}`);
  return (o as { reason: string }).reason;
}

describe('Argo CD Application: not applied yet → pending', () => {
  test('OutOfSync at an older revision: pending, naming both revisions and the condition', async () => {
    serve({
      sync: { status: 'OutOfSync', revision: h.older },
      health: { status: 'Healthy' },
      history: [deployed(1, h.older, T1)],
      conditions: [{ type: 'SyncError', message: 'one or more\nobjects failed to apply' }],
    });
    const o = await observe();
    assert.equal(o.state, 'pending');
    assert.equal(
      reasonOf(o),
      `Argo CD Application argocd/shop is OutOfSync at ${h.older.slice(0, 12)}, waiting for Argo CD to sync ${h.commit.slice(0, 12)} (SyncError: one or more objects failed to apply)`,
    );
  });

  test('Synced, but at an older production commit: pending', async () => {
    serve(synced(h.older, { status: 'Healthy' }, [deployed(1, h.older, T1)]));
    const o = await observe();
    assert.equal(o.state, 'pending');
    assert.match(reasonOf(o), new RegExp(`Synced at ${h.older.slice(0, 12)}, older than ${h.commit.slice(0, 12)} — waiting for Argo CD to sync it`));
  });

  test('Synced at a revision not on production (another branch, a chart version): pending, naming it', async () => {
    const elsewhere = 'f'.repeat(40);
    serve(synced(elsewhere, { status: 'Healthy' }, [deployed(1, elsewhere, T1)]));
    const o = await observe();
    assert.equal(o.state, 'pending');
    assert.match(reasonOf(o), new RegExp(`Synced at revision ${elsewhere}, which is not on production's first-parent history`));
    assert.match(reasonOf(o), /spec\.source\.targetRevision/);
  });

  test('no status yet (just created): pending', async () => {
    serve(undefined);
    const o = await observe();
    assert.deepEqual(o, {
      state: 'pending',
      reason: 'Argo CD Application argocd/shop has no sync status yet (Argo CD has not compared it) — waiting for Argo CD',
    });
  });

  test('Synced at the commit while the sync operation still runs (hooks, waves): pending', async () => {
    serve({
      ...synced(h.commit, { status: 'Progressing' }, [deployed(1, h.older, T1)]),
      operationState: {
        phase: 'Running',
        message: 'waiting for completion of hook batch/Job/migrate',
        startedAt: T2,
        operation: { sync: { revision: h.commit } },
      },
    });
    const o = await observe();
    assert.equal(o.state, 'pending');
    assert.match(reasonOf(o), /a sync operation is running: waiting for completion of hook batch\/Job\/migrate/);
  });

  test('Synced and Healthy, but no record of a sync at or after the commit: pending (no guessed time)', async () => {
    serve(synced(h.commit, { status: 'Healthy' }, [deployed(1, h.older, T1)]));
    const o = await observe();
    assert.equal(o.state, 'pending');
    assert.match(reasonOf(o), /records no sync of .* or a newer commit \(status\.history, status\.operationState\)/);
  });
});

describe('Argo CD Application: synced but not healthy → degraded', () => {
  for (const health of ['Progressing', 'Degraded', 'Missing', 'Suspended', 'Unknown']) {
    test(`health ${health}: degraded, naming it and the message`, async () => {
      serve(synced(h.commit, { status: health, message: 'Deployment "shop" exceeded its progress deadline' }, [deployed(1, h.commit, T2)]));
      const o = await observe();
      assert.deepEqual(o, {
        state: 'degraded',
        reason: `Argo CD Application argocd/shop is Synced at ${h.commit.slice(0, 12)} but its health is ${health}: Deployment "shop" exceeded its progress deadline`,
      });
    });
  }

  test('no health status at all: degraded', async () => {
    serve(synced(h.commit, {}, [deployed(1, h.commit, T2)]));
    const o = await observe();
    assert.equal(o.state, 'degraded');
    assert.match(reasonOf(o), /reports no health status/);
  });
});

describe('Argo CD Application: synced and healthy → applied, since when deployed', () => {
  test('at the commit: since = deployedAt of its history entry', async () => {
    serve(synced(h.commit, { status: 'Healthy' }, [deployed(1, h.older, T1), deployed(2, h.commit, T2)]));
    const o = await observe();
    assert.deepEqual(o, {
      state: 'applied',
      since: new Date(T2),
      revision: h.commit,
      detail: `Argo CD Application argocd/shop Synced at ${h.commit.slice(0, 12)} and Healthy, deployed 2024-01-01T00:20:00.000Z (status.history id 2)`,
    });
  });

  test('at a newer production commit: applied; since = the first deploy at or after the commit', async () => {
    serve(synced(h.newer, { status: 'Healthy' }, [deployed(1, h.older, T1), deployed(2, h.commit, T2), deployed(3, h.newer, T3)]));
    const o = await observe();
    assert.equal(o.state, 'applied');
    assert.deepEqual(o.state === 'applied' && [o.since, o.revision], [new Date(T2), h.newer]);
  });

  test('after a rollback to an older revision and forward again: since is the latest deploy, not the first', async () => {
    serve(
      synced(h.newer, { status: 'Healthy' }, [deployed(1, h.commit, T1), deployed(2, h.older, T2), deployed(3, h.newer, T3)]),
    );
    const o = await observe();
    assert.equal(o.state === 'applied' && o.since.toISOString(), '2024-01-01T00:30:00.000Z');
  });

  test('history in any order: entries are read by id', async () => {
    serve(synced(h.commit, { status: 'Healthy' }, [deployed(2, h.commit, T2), deployed(1, h.older, T1)]));
    const o = await observe();
    assert.equal(o.state === 'applied' && o.since.toISOString(), '2024-01-01T00:20:00.000Z');
  });

  test('no history entry for it: since = operationState.finishedAt of a Succeeded sync at or after the commit', async () => {
    serve({
      ...synced(h.commit, { status: 'Healthy' }, []),
      operationState: {
        phase: 'Succeeded',
        startedAt: T2,
        finishedAt: '2024-01-01T00:21:00Z',
        operation: { sync: { revision: h.commit } },
        syncResult: { revision: h.commit },
      },
    });
    const o = await observe();
    assert.equal(o.state, 'applied');
    assert.equal(o.state === 'applied' && o.since.toISOString(), '2024-01-01T00:21:00.000Z');
    assert.match(o.state === 'applied' ? o.detail : '', /status\.operationState\.finishedAt/);
  });

  test('a failed operation on the commit is no deploy time', async () => {
    serve({
      ...synced(h.commit, { status: 'Healthy' }, []),
      operationState: { phase: 'Failed', startedAt: T2, finishedAt: T3, operation: {}, syncResult: { revision: h.commit } },
    });
    assert.equal((await observe()).state, 'pending');
  });
});

describe('Argo CD Application: what cannot be read → error', () => {
  test('multi-source Application: refused clearly', async () => {
    serve({ sync: { status: 'Synced', revisions: [h.commit, 'v1.2.3'] }, health: { status: 'Healthy' } });
    const o = await observe();
    assert.equal(o.state, 'error');
    assert.match(reasonOf(o), /has 2 sources \(status\.sync\.revisions\); git-canary can only tell which commit a single-source Application applies/);
  });

  test('the Application does not exist: 404, naming it and what to check', async () => {
    const o = await observeApplied({
      applied: { argocd: { application: 'shopp', namespace: 'argocd' }, initialDelay: 0 },
      kubernetes: kubeConfig(kube),
      commit: h.commit,
      production: h.production,
    });
    assert.equal(o.state, 'error');
    assert.equal(
      reasonOf(o),
      `Application argocd/shopp not found at the Kubernetes API ${kube.url} (HTTP 404): applications.argoproj.io "shopp" not found — check the name and namespace under applied (the Application must exist in namespace argocd)`,
    );
  });

  test('a commit missing from the production list is an engine bug, not a decision', async () => {
    serve(synced(h.commit, { status: 'Healthy' }, [deployed(1, h.commit, T2)]));
    const o = await observeApplied({ applied: ARGO, kubernetes: kubeConfig(kube), commit: h.commit, production: [h.newer] });
    assert.equal(o.state, 'error');
    assert.match(reasonOf(o), /is not in the 1 production commits given/);
    assert.equal(kube.requests.length, 0);
  });

  test('the request: GET of the Application with Accept JSON and the bearer token', async () => {
    serve(synced(h.commit, { status: 'Healthy' }, [deployed(1, h.commit, T2)]));
    await observe();
    assert.equal(kube.requests.length, 1);
    const [req] = kube.requests;
    assert.equal(req!.method, 'GET');
    assert.equal(req!.url, '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/shop');
    assert.equal(req!.headers.accept, 'application/json');
    assert.equal(req!.headers.authorization, `Bearer ${TOKEN}`);
  });
});
