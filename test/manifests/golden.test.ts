/**
 * Golden edits on realistic manifests: `<name>.yaml` + ops must give exactly the
 * hand-written `<name>.out.yaml`, and only the targeted lines may change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits, type DocEdits, editDocument, parseManifestFile } from '../../src/manifests/index.ts';
import { fixture, lineDiff } from './helpers.ts';

interface Golden {
  name: string;
  edits: DocEdits[];
  /** Lines of the input (1-based) the edits may remove or rewrite. */
  removed: number[];
  /** How many lines the output adds (rewritten lines count as added). */
  added: number;
}

const C0 = ['spec', 'template', 'spec', 'containers', 0];

const goldens: Golden[] = [
  {
    name: 'deployment',
    edits: [
      {
        docIndex: 0,
        ops: [
          { op: 'set', path: ['metadata', 'labels', 'track'], value: 'canary' },
          { op: 'set', path: ['spec', 'replicas'], value: 1 },
          { op: 'set', path: ['spec', 'template', 'metadata', 'annotations'], value: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' } },
          { op: 'set', path: [...C0, 'image'], value: 'ghcr.io/acme/checkout:1.15.0' },
          { op: 'set', path: [...C0, 'env', 1, 'value'], value: 'true' },
          { op: 'set', path: ['spec', 'template', 'spec', 'containers', 1, 'image'], value: 'envoyproxy/envoy:v1.31.0' },
        ],
      },
    ],
    removed: [14, 35, 45, 59],
    added: 4 + 4,
  },
  {
    name: 'virtualservice',
    edits: [
      {
        docIndex: 0,
        ops: [
          { op: 'set', path: ['spec', 'http', 1, 'route', 0, 'weight'], value: 90 },
          { op: 'set', path: ['spec', 'http', 1, 'route', 1, 'weight'], value: 10 },
          { op: 'delete', path: ['spec', 'http', 1, 'retries'] },
          { op: 'set', path: ['spec', 'http', 2, 'route', 0, 'destination', 'port', 'number'], value: 9090 },
        ],
      },
    ],
    removed: [31, 36, 37, 38, 39, 48],
    added: 3,
  },
  {
    name: 'httproute',
    edits: [
      {
        docIndex: 0,
        ops: [
          { op: 'delete', path: ['metadata', 'annotations'] },
          { op: 'set', path: ['spec', 'rules', 0, 'backendRefs', 0, 'weight'], value: 50 },
          { op: 'set', path: ['spec', 'rules', 0, 'backendRefs', 1, 'weight'], value: 50 },
          { op: 'set', path: ['spec', 'rules', 1, 'backendRefs', 1], value: { name: 'checkout-canary', port: 8080, weight: 0 } },
        ],
      },
    ],
    removed: [6, 7, 23, 26],
    added: 2 + 3,
  },
  {
    name: 'values',
    edits: [
      {
        docIndex: 0,
        ops: [
          { op: 'set', path: ['staging', 'replicaCount'], value: 2 },
          { op: 'set', path: ['staging', 'debug'], value: true },
          { op: 'set', path: ['production', 'replicaCount'], value: 8 },
          { op: 'set', path: ['production', 'ingress', 'enabled'], value: false },
          { op: 'set', path: ['production', 'nodeSelector', 'disktype'], value: 'ssd' },
          { op: 'set', path: ['production', 'tolerations', 0], value: { key: 'spot', operator: 'Exists' } },
        ],
      },
    ],
    removed: [20, 25, 27, 30, 31],
    added: 6,
  },
  {
    name: 'configmap',
    edits: [
      {
        docIndex: 0,
        ops: [
          { op: 'delete', path: ['data', 'LOG_LEVEL'] },
          {
            op: 'set',
            path: ['data', 'nginx.conf'],
            value: 'server {\n  listen 8080;\n  location / {\n    proxy_pass http://127.0.0.1:9001;\n    proxy_read_timeout 30s;\n  }\n}\n',
          },
          { op: 'set', path: ['data', 'motd'], value: 'Welcome to the canary.\nExpect bugs.' },
          { op: 'set', path: ['data', 'feature-flags.yaml'], value: 'newCart: true\nfastPay: true' },
          { op: 'set', path: ['data', 'empty'], value: 'set' },
        ],
      },
    ],
    removed: [7, 13, 17, 18, 20, 22],
    added: 2 + 3 + 1 + 1,
  },
  {
    name: 'multi',
    edits: [
      {
        docIndex: 1,
        ops: [
          { op: 'set', path: ['metadata', 'name'], value: 'checkout-canary' },
          { op: 'set', path: ['spec', 'replicas'], value: 1 },
          { op: 'set', path: ['spec', 'template', 'metadata', 'labels', 'track'], value: 'canary' },
        ],
      },
      { docIndex: 2, ops: [{ op: 'set', path: ['spec', 'minReplicas'], value: 1 }] },
    ],
    removed: [21, 24, 32, 48],
    added: 4,
  },
  {
    name: 'flow',
    edits: [
      {
        docIndex: 0,
        ops: [
          { op: 'set', path: ['metadata', 'labels', 'track'], value: 'canary' },
          { op: 'delete', path: ['data', 'zones', 0] },
          { op: 'set', path: ['data', 'zones', 2], value: 'eu-central-1a' },
          { op: 'set', path: ['data', 'weights', 'stable'], value: 50 },
          { op: 'set', path: ['data', 'weights', 'canary'], value: 50 },
          { op: 'set', path: ['data', 'empty', 'a'], value: 1 },
          { op: 'set', path: ['data', 'none', 0], value: 'x' },
          { op: 'set', path: ['data', 'nothing'], value: { a: '010' } },
        ],
      },
    ],
    removed: [3, 11, 12, 13, 14, 15],
    added: 7,
  },
  {
    name: 'kustomization',
    edits: [
      {
        docIndex: 0,
        ops: [
          { op: 'set', path: ['resources', 3], value: 'hpa.yaml' },
          { op: 'set', path: ['images', 0, 'newTag'], value: '1.15.0' },
          { op: 'delete', path: ['configMapGenerator', 0, 'literals', 1] },
          { op: 'set', path: ['nameSuffix'], value: '-canary' },
        ],
      },
    ],
    removed: [15, 23],
    added: 3,
  },
  {
    name: 'canary.crlf',
    edits: [
      {
        docIndex: 0,
        ops: [
          { op: 'set', path: ['metadata', 'labels', 'version'], value: '1.15.0-rc.2' },
          { op: 'set', path: ['spec', 'template', 'spec', 'containers', 0, 'image'], value: 'ghcr.io/acme/checkout:1.15.0-rc.2' },
          { op: 'set', path: ['spec', 'template', 'spec', 'containers', 0, 'env', 0, 'value'], value: 'Canary build rc.2\ndo not rely on it\nreally\n' },
        ],
      },
    ],
    removed: [14, 20],
    added: 4,
  },
];

describe('golden edits', () => {
  for (const g of goldens) {
    describe(g.name, () => {
      const input = fixture(`${g.name}.yaml`);
      const expected = fixture(`${g.name}.out.yaml`);
      const file = parseManifestFile(`apps/checkout/${g.name}.yaml`, input);

      it('parse and no edit is byte-identical', () => {
        assert.equal(applyEdits(file, []), input);
        assert.equal(editDocument(file, g.edits[0]!.docIndex, []), input);
      });

      it('gives exactly the hand-written output', () => {
        assert.equal(applyEdits(file, g.edits), expected);
      });

      it('changes only the targeted lines', () => {
        const d = lineDiff(input, applyEdits(file, g.edits));
        assert.deepEqual(d.removed, g.removed);
        assert.equal(d.added.length, g.added);
      });

      it('re-applying the same edits is byte-identical', () => {
        const once = parseManifestFile(file.path, applyEdits(file, g.edits));
        const again = g.edits.map((e) => ({ ...e, ops: e.ops.filter((op) => op.op === 'set') }));
        assert.equal(applyEdits(once, again), expected);
      });
    });
  }

  it('the CRLF fixture really is CRLF with a BOM, and inserted lines use CRLF', () => {
    const input = fixture('canary.crlf.yaml');
    assert.ok(input.startsWith('\uFEFF'));
    assert.ok(!/[^\r]\n/.test(input));
    const out = fixture('canary.crlf.out.yaml');
    assert.ok(!/[^\r]\n/.test(out));
  });
});
