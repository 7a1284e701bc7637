/** RFC 6902 patches from fast-json-patch, applied through the same splice edits. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fjp from 'fast-json-patch';
import { applyJsonPatch, parseManifestFile } from '../../src/manifests/index.ts';
import { fixture, lineDiff, yaml } from './helpers.ts';

const { applyPatch, compare, deepClone } = fjp;

describe('applyJsonPatch', () => {
  it('carries a candidate change over to the canary workload, keeping its comments', () => {
    const production = parseManifestFile('deployment.yaml', fixture('deployment.yaml'));
    const candidateText = fixture('deployment.yaml')
      .replace('checkout:1.14.2', 'checkout:1.15.0')
      .replace('value: "false"   # flip', 'value: "true"   # flip')
      .replace('          args: ["--port=8080", "--log-format=json"]\n', '          args: ["--port=8080", "--log-format=json", "--trace"]\n');
    const candidate = parseManifestFile('deployment.yaml', candidateText);
    const patch = compare(production.docs[0]!.value as object, candidate.docs[0]!.value as object);
    assert.deepEqual(
      patch.map((p) => `${p.op} ${p.path}`).sort(),
      [
        'add /spec/template/spec/containers/0/args/2',
        'replace /spec/template/spec/containers/0/env/1/value',
        'replace /spec/template/spec/containers/0/image',
      ],
    );
    // The canary copy has its own name, labels and replicas that the patch must not touch.
    const canaryText = fixture('deployment.yaml').replace('name: checkout\n  namespace', 'name: checkout-canary\n  namespace').replace('replicas: 4', 'replicas: 1');
    const canary = parseManifestFile('deployment-canary.yaml', canaryText);
    const out = applyJsonPatch(canary, 0, patch);
    assert.equal(out, candidateText.replace('name: checkout\n  namespace', 'name: checkout-canary\n  namespace').replace('replicas: 4', 'replicas: 1'));
    assert.deepEqual(lineDiff(canaryText, out).removed, [35, 37, 45]);
  });

  it('matches fast-json-patch applyPatch on the value for every op kind', () => {
    const text = yaml`
      metadata:
        annotations:
          a/b~c: one # slash and tilde
        labels: {app: web}
      list:
        - x
        - y
    `;
    const file = parseManifestFile('t.yaml', text);
    const patch = [
      { op: 'test', path: '/metadata/annotations/a~1b~0c', value: 'one' },
      { op: 'replace', path: '/metadata/annotations/a~1b~0c', value: 'two' },
      { op: 'add', path: '/metadata/labels/tier', value: 'front' },
      { op: 'add', path: '/list/1', value: 'between' },
      { op: 'add', path: '/list/-', value: 'last' },
      { op: 'copy', from: '/metadata/labels', path: '/copied' },
      { op: 'move', from: '/list/0', path: '/first' },
      { op: 'remove', path: '/metadata/labels/app' },
    ] as const;
    const out = applyJsonPatch(file, 0, [...patch]);
    const want = applyPatch(deepClone(file.docs[0]!.value), deepClone([...patch])).newDocument;
    assert.deepEqual(parseManifestFile('t.yaml', out).docs[0]!.value, want);
    assert.equal(
      out,
      'metadata:\n  annotations:\n    a/b~c: two # slash and tilde\n  labels: {tier: front}\nlist:\n  - between\n  - y\n  - last\ncopied:\n  app: web\n  tier: front\nfirst: x\n',
    );
  });

  it('refuses a failed test, a missing target and an unknown op, naming the op', () => {
    const file = parseManifestFile('t.yaml', 'a:\n  b: 1\n');
    assert.throws(() => applyJsonPatch(file, 0, [{ op: 'test', path: '/a/b', value: 2 }]), { code: 'MANIFEST', message: /op 0 \(test "\/a\/b"\).*test failed/ });
    assert.throws(() => applyJsonPatch(file, 0, [{ op: 'remove', path: '/a/c' }]), { code: 'MANIFEST', message: /does not exist/, where: { file: 't.yaml', line: 1 } });
    assert.throws(() => applyJsonPatch(file, 0, [{ op: 'add', path: '/x/y', value: 1 }]), { code: 'MANIFEST', message: /parent does not exist/ });
    assert.throws(() => applyJsonPatch(file, 0, [{ op: '_get', path: '/a' } as never]), { code: 'MANIFEST', message: /unsupported op/ });
    assert.throws(() => applyJsonPatch(file, 0, [{ op: 'add', path: 'a', value: 1 }]), { code: 'MANIFEST', message: /does not start with/ });
  });

  it('an empty patch is byte-identical', () => {
    const text = fixture('values.yaml');
    assert.equal(applyJsonPatch(parseManifestFile('v.yaml', text), 0, []), text);
  });
});
