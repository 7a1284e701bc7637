/**
 * The fake Kubernetes API itself: it refuses objects the published CRD schemas
 * refuse, and answers bad requests the way kube-apiserver does. (Other tests
 * trust it, so it must be able to say no.)
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { ARGOCD_APPLICATION, type FakeKube, FLUX_KUSTOMIZATION, loadResourceType, startFakeKube } from '../helpers/fake-kube.ts';
import { application, deployed, kustomization, readyCondition, TOKEN } from './support.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const T = '2024-01-01T00:20:00Z';
let kube: FakeKube;

before(async () => {
  kube = await startFakeKube({ token: TOKEN, resources: [loadResourceType(ARGOCD_APPLICATION), loadResourceType(FLUX_KUSTOMIZATION)] });
});
after(() => kube.stop());

function get(path: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${kube.url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end();
  });
}

const OK_HEADERS = { authorization: `Bearer ${TOKEN}`, accept: 'application/json' };
const APP_PATH = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/shop';

describe('objects are validated against the CRD schemas before they are served', () => {
  test('a valid Application and Kustomization are accepted and served', async () => {
    kube.put(application({ sync: { status: 'Synced', revision: SHA }, health: { status: 'Healthy' }, history: [deployed(1, SHA, T)] }));
    kube.put(kustomization({ lastAppliedRevision: `main@sha1:${SHA}`, conditions: [readyCondition('True', 'ReconciliationSucceeded', 'ok', T)] }));
    const res = await get(APP_PATH, OK_HEADERS);
    assert.equal(res.status, 200);
    assert.equal((res.body.status as { sync: { revision: string } }).sync.revision, SHA);
  });

  const refused: [string, () => Record<string, unknown>, RegExp][] = [
    ['Argo CD: a history entry without deployedAt', () => application({ history: [{ id: 1, revision: SHA }] }), /\/status\/history\/0 must have required property 'deployedAt'/],
    ['Argo CD: a deployedAt that is not a date-time', () => application({ history: [deployed(1, SHA, 'yesterday')] }), /deployedAt must match format "date-time"/],
    ['Argo CD: sync without status', () => application({ sync: { revision: SHA } }), /\/status\/sync must have required property 'status'/],
    ['Argo CD: an id that is not an integer', () => application({ history: [{ ...deployed(1, SHA, T), id: 1.5 }] }), /id must be integer/],
    ['Argo CD: a spec without project', () => ({ ...application(undefined), spec: { destination: {} } }), /\/spec must have required property 'project'/],
    [
      'Flux: a condition status outside True/False/Unknown',
      () => kustomization({ conditions: [{ ...readyCondition('True', 'Ok', 'm', T), status: 'Yes' }] }),
      /\/status\/conditions\/0\/status must be equal to one of the allowed values/,
    ],
    ['Flux: a condition without reason', () => kustomization({ conditions: [{ type: 'Ready', status: 'True', message: '', lastTransitionTime: T }] }), /must have required property 'reason'/],
    ['Flux: a reason that is not CamelCase', () => kustomization({ conditions: [readyCondition('False', 'health check failed', 'm', T)] }), /reason must match pattern/],
    [
      'Flux: a sourceRef kind Flux does not know',
      () => ({ ...kustomization(undefined), spec: { interval: '5m', prune: true, sourceRef: { kind: 'HelmRepository', name: 'x' } } }),
      /\/spec\/sourceRef\/kind must be equal to one of the allowed values/,
    ],
    ['Flux: an interval that is not a Go duration', () => ({ ...kustomization(undefined), spec: { interval: '5 minutes', prune: true, sourceRef: { kind: 'GitRepository', name: 'x' } } }), /\/spec\/interval must match pattern/],
  ];
  for (const [name, object, message] of refused) {
    test(`refused: ${name}`, () => assert.throws(() => kube.put(object()), message));
  }

  test('an object of a type nobody registered is refused', () => {
    assert.throws(() => kube.put({ apiVersion: 'keptn.sh/v1', kind: 'KeptnApp', metadata: { name: 'a', namespace: 'b' } }), /no resource type registered for keptn.sh\/v1 KeptnApp/);
  });
});

describe('requests are checked like kube-apiserver does', () => {
  test('no token: 401 Status', async () => {
    const res = await get(APP_PATH, { accept: 'application/json' });
    assert.deepEqual([res.status, res.body], [401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }]);
  });

  test('not GET: 405', async () => {
    assert.equal((await get(APP_PATH, OK_HEADERS, 'DELETE')).status, 405);
  });

  test('an Accept without JSON: 406', async () => {
    assert.equal((await get(APP_PATH, { ...OK_HEADERS, accept: 'application/yaml' })).status, 406);
  });

  test('a path that is not one namespaced object: 404 Status', async () => {
    const res = await get('/apis/argoproj.io/v1alpha1/applications', OK_HEADERS);
    assert.deepEqual([res.status, res.body.reason, res.body.message], [404, 'NotFound', 'the server could not find the requested resource']);
  });

  test('an unknown object: 404 Status with details', async () => {
    const res = await get('/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/nope', OK_HEADERS);
    assert.equal(res.status, 404);
    assert.deepEqual(res.body.details, { name: 'nope', group: 'argoproj.io', kind: 'applications' });
  });

  test('every request is recorded', () => {
    assert.ok(kube.requests.some((r) => r.method === 'DELETE' && r.url === APP_PATH));
  });
});
