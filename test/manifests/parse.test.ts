/** Parsing real manifests, finding documents and pointing at lines. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findDocument, findDocuments, lineOf, parseManifestFile } from '../../src/manifests/index.ts';
import { fixture } from './helpers.ts';

describe('parseManifestFile', () => {
  it('reads a multi-document file with a document-start comment and a trailing ---', () => {
    const file = parseManifestFile('apps/checkout/multi.yaml', fixture('multi.yaml'));
    assert.equal(file.text, fixture('multi.yaml'));
    assert.deepEqual(
      file.docs.map(({ index, line, kind, apiVersion, name, namespace }) => ({ index, line, kind, apiVersion, name, namespace })),
      [
        { index: 0, line: 3, kind: 'Service', apiVersion: 'v1', name: 'checkout-stable', namespace: 'shop' },
        { index: 1, line: 18, kind: 'Deployment', apiVersion: 'apps/v1', name: 'checkout', namespace: 'shop' },
        { index: 2, line: 38, kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2', name: 'checkout', namespace: 'shop' },
        { index: 3, line: 57, kind: undefined, apiVersion: undefined, name: undefined, namespace: undefined },
      ],
    );
    assert.equal(file.docs[3]!.value, null);
  });

  it('reads CRLF files with a BOM as if they were LF', () => {
    const crlf = parseManifestFile('c.yaml', fixture('canary.crlf.yaml'));
    const lf = parseManifestFile('c.yaml', fixture('canary.crlf.yaml').replace(/\r\n/g, '\n').replace(/^\uFEFF/, ''));
    assert.deepEqual(crlf.docs, lf.docs);
    assert.equal(crlf.docs[0]!.line, 2);
    const env = (crlf.docs[0]!.value as { spec: { template: { spec: { containers: { env: { value: string }[] }[] } } } }).spec.template.spec.containers[0]!.env[0]!;
    assert.equal(env.value, 'Canary build\ndo not rely on it\n');
  });

  it('keeps on/yes/quoted numbers as the strings YAML 1.2 reads', () => {
    const data = (parseManifestFile('f.yaml', fixture('flow.yaml')).docs[0]!.value as { data: Record<string, unknown> }).data;
    assert.deepEqual(data, {
      retries: '010',
      ratio: '1.0',
      enabled: 'on',
      legacy: 'yes',
      debug: 'off',
      version: 1.1,
      zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      weights: { stable: 90, canary: 10 },
      empty: {},
      none: [],
      nothing: null,
    });
  });

  it('resolves anchors, aliases and merge keys in values', () => {
    const v = parseManifestFile('v.yaml', fixture('values.yaml')).docs[0]!.value as Record<string, Record<string, unknown>>;
    assert.equal(v.staging!.replicaCount, 1);
    assert.deepEqual(v.staging!.image, { repository: 'ghcr.io/acme/checkout', tag: '1.14.2' });
    assert.deepEqual(v.production!.resources, v.defaults!.resources);
  });

  it('gives no documents for an empty or comment-only file', () => {
    assert.deepEqual(parseManifestFile('e.yaml', '').docs, []);
    assert.deepEqual(parseManifestFile('e.yaml', '# nothing here\n').docs, []);
  });
});

describe('findDocument / findDocuments', () => {
  const file = parseManifestFile('apps/checkout/multi.yaml', fixture('multi.yaml'));

  it('finds by kind, and by kind and name', () => {
    assert.equal(findDocument(file, { kind: 'Deployment' }).index, 1);
    assert.equal(findDocument(file, { kind: 'Service', name: 'checkout-stable' }).index, 0);
  });

  it('lists documents of a kind, or every non-empty document', () => {
    assert.deepEqual(
      findDocuments(file, 'HorizontalPodAutoscaler').map((d) => d.index),
      [2],
    );
    assert.deepEqual(
      findDocuments(file).map((d) => d.index),
      [0, 1, 2],
    );
    assert.deepEqual(findDocuments(file, 'Ingress'), []);
  });
});

describe('lineOf', () => {
  const file = parseManifestFile('vs.yaml', fixture('virtualservice.yaml'));

  it('points at the key of a mapping entry and the dash of a sequence item', () => {
    assert.equal(lineOf(file, 0, []), 1);
    assert.equal(lineOf(file, 0, ['spec', 'http']), 13);
    assert.equal(lineOf(file, 0, ['spec', 'http', 1]), 25);
    assert.equal(lineOf(file, 0, ['spec', 'http', 1, 'route', 1, 'weight']), 36);
    assert.equal(lineOf(file, 0, ['spec', 'http', 2, 'route', 0, 'destination', 'port', 'number']), 48);
  });

  it('falls back to the deepest existing parent', () => {
    assert.equal(lineOf(file, 0, ['spec', 'http', 1, 'mirror', 'host']), 25);
    assert.equal(lineOf(file, 0, ['spec', 'http', 9]), 13);
    assert.equal(lineOf(file, 0, ['nope']), 1);
  });

  it('works on a file object built by hand', () => {
    const parsed = parseManifestFile('x.yaml', 'a:\n  b: 1\n');
    assert.equal(lineOf({ path: parsed.path, text: parsed.text, docs: parsed.docs }, 0, ['a', 'b']), 2);
  });
});
