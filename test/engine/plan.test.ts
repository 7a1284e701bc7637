import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveCanary, normaliseChanges, planRelease, planWeights, sameRelease, type PlanService } from '../../src/engine/plan.ts';
import { CHECKOUT_VS, deployment } from '../helpers/scenario.ts';

const service: PlanService = {
  files: ['apps/checkout/deployment.yaml'],
  canary: { file: 'apps/checkout/deployment-canary.yaml', from: 'apps/checkout/deployment.yaml' },
  route: { type: 'istio', file: 'apps/checkout/virtualservice.yaml', stable: { name: 'checkout-stable' }, canary: { name: 'checkout-canary' } },
};

const changedLines = (a: string, b: string) => {
  const x = a.split('\n');
  const y = b.split('\n');
  assert.equal(x.length, y.length, 'line count changed');
  return x.flatMap((line, i) => (line === y[i] ? [] : [[line, y[i]]]));
};

describe('deriveCanary', () => {
  it('applies exactly what changed in the release to the canary, nothing else', () => {
    const canary = deployment('checkout', 'registry.example.com/checkout:1.0.0', 'canary');
    const out = deriveCanary(
      service,
      canary,
      deployment('checkout', 'registry.example.com/checkout:1.0.0', 'stable'),
      deployment('checkout', 'registry.example.com/checkout:1.1.0', 'stable'),
    );
    assert.deepEqual(changedLines(canary, out), [
      [
        '          image: registry.example.com/checkout:1.0.0   # renovate: datasource=docker',
        '          image: registry.example.com/checkout:1.1.0   # renovate: datasource=docker',
      ],
    ]);
  });

  it('adds keys the release gained (an env var) and keeps the canary’s own differences (name, replicas)', () => {
    const canary = deployment('checkout', 'img:1', 'canary');
    const before = deployment('checkout', 'img:1', 'stable');
    const after = before.replace('          ports:\n', '          env:\n            - name: FEATURE_X\n              value: "on"\n          ports:\n');
    const out = deriveCanary(service, canary, before, after);
    assert.match(out, /name: FEATURE_X/);
    assert.match(out, /value: "on"|value: 'on'/);
    assert.match(out, /name: checkout-canary/);
    assert.match(out, /replicas: 1/);
  });

  it('returns the canary unchanged when the from documents are equal', () => {
    const canary = deployment('checkout', 'img:1', 'canary');
    const rel = deployment('checkout', 'img:1', 'stable');
    assert.equal(deriveCanary(service, canary, rel, rel), canary);
  });

  it('picks the from document of the canary’s kind in a multi-document release, and fromName among several', () => {
    const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: checkout\nspec:\n  ports: [{ port: 80 }]\n';
    const canary = deployment('checkout', 'img:1', 'canary');
    const multi = (img: string) => `${svc}---\n${deployment('checkout', img, 'stable')}---\n${deployment('worker', 'w:1', 'stable')}`;
    assert.throws(() => deriveCanary(service, canary, multi('img:1'), multi('img:2')), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'MANIFEST');
      assert.match(e.message, /2 Deployment documents/);
      return true;
    });
    const named = { ...service, canary: { ...service.canary, fromName: 'checkout' } };
    const out = deriveCanary(named, canary, multi('img:1'), multi('img:2'));
    assert.match(out, /image: img:2/);
  });

  it('refuses a canary file without a Kubernetes document', () => {
    assert.throws(() => deriveCanary(service, '# nothing here\n', 'kind: Deployment\n', 'kind: Deployment\n'), /no Kubernetes document/);
  });
});

describe('planWeights', () => {
  it('changes only the two weight lines, and nothing when the weights are already set', () => {
    const change = planWeights(service, CHECKOUT_VS, { stable: 90, canary: 10 });
    assert.ok(change);
    assert.deepEqual(changedLines(CHECKOUT_VS, change.content!), [
      ['          weight: 100', '          weight: 90'],
      ['          weight: 0', '          weight: 10'],
    ]);
    assert.equal(planWeights(service, CHECKOUT_VS, { stable: 100, canary: 0 }), undefined);
  });
});

describe('release helpers', () => {
  it('copies differing release files, deletes those gone on candidate, and compares byte for byte', () => {
    const svc = { ...service, files: ['a.yaml', 'b.yaml', 'c.yaml'] };
    const prod = { 'a.yaml': 'x: 1\n', 'b.yaml': 'y: 1\n', 'c.yaml': 'z: 1\n' };
    const cand = { 'a.yaml': 'x: 1\n', 'b.yaml': 'y: 2\n' };
    assert.deepEqual(planRelease(svc, prod, cand), [
      { path: 'b.yaml', content: 'y: 2\n' },
      { path: 'c.yaml', content: null },
    ]);
    assert.equal(sameRelease(svc.files, prod, prod), true);
    assert.equal(sameRelease(svc.files, prod, { ...prod, 'a.yaml': 'x: 1\r\n' }), false);
  });

  it('normaliseChanges drops no-op changes and keeps the last change per path', () => {
    const current = { 'a.yaml': 'same\n', 'b.yaml': 'old\n' };
    assert.deepEqual(
      normaliseChanges(
        [{ path: 'a.yaml', content: 'same\n' }, undefined, { path: 'b.yaml', content: 'mid\n' }, { path: 'b.yaml', content: 'new\n' }],
        current,
      ),
      [{ path: 'b.yaml', content: 'new\n' }],
    );
  });
});
