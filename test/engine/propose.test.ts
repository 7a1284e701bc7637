/**
 * planProposal on layouts written as real repositories write them. Every test
 * states the exact output text as the input with the expected spans replaced,
 * so a byte changed anywhere else fails.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import {
  describeChange,
  NoMatchingImageError,
  planProposal,
  proposalMessage,
  type Proposal,
  valuesPathSegments,
} from '../../src/engine/propose.ts';
import type { DocRef } from '../../src/engine/release.ts';
import { CanaryError, ManifestError } from '../../src/errors.ts';
import { parseImageRef } from '../../src/manifests/image-ref.ts';
import { yaml } from '../manifests/helpers.ts';

const SHA_A = `sha256:${'a'.repeat(64)}`;
const SHA_B = `sha256:${'b'.repeat(64)}`;

/** `text` with each `[from, to]` replaced; each `from` must occur exactly once, so the expectation is exact. */
function replaced(text: string, ...pairs: [string, string][]): string {
  let out = text;
  for (const [from, to] of pairs) {
    const first = out.indexOf(from);
    assert.ok(first >= 0, `${JSON.stringify(from)} is not in the text`);
    assert.equal(out.indexOf(from, first + 1), -1, `${JSON.stringify(from)} occurs more than once`);
    out = out.slice(0, first) + to + out.slice(first + from.length);
  }
  return out;
}

function propose(
  files: Record<string, string>,
  image: string,
  o: { documents?: Record<string, DocRef[]>; path?: string; order?: string[] } = {},
): Proposal {
  return planProposal({
    service: 'checkout',
    release: { files: o.order ?? Object.keys(files), documents: o.documents ?? {} },
    texts: files,
    image: parseImageRef(image),
    valuesPath: o.path,
    branch: 'candidate',
  });
}

/** The new text of `path` in a proposal (fails when it does not change). */
function textOf(p: Proposal, path: string): string {
  const f = p.files.find((x) => x.path === path);
  assert.ok(f && typeof f.content === 'string', `${path} is not changed`);
  return f.content;
}

const DEPLOYMENT = yaml`
  # checkout: the shop's checkout API.
  apiVersion: v1
  kind: Service
  metadata:
    name: checkout   # selected by the VirtualService
    labels:
      app: checkout
  spec:
    selector: { app: checkout }
    ports:
      - port: 80
        targetPort: http
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: checkout
    labels: &labels
      app: checkout
      team: payments
    annotations:
      sidecar.istio.io/inject: "true"
  spec:
    replicas: 3
    selector:
      matchLabels: { app: checkout }
    template:
      metadata:
        labels: *labels
        annotations:
          # Pin the proxy image the mesh injects.
          sidecar.istio.io/proxyImage: docker.io/istio/proxyv2:1.20.3
      spec:
        initContainers:
          # Runs the schema migrations of this very release.
          - name: migrate
            image: registry.example.com/checkout:1.4.2   # same image as the app
            command: ["/app/migrate", "--up"]
        containers:
          - name: checkout
            image: "registry.example.com/checkout:1.4.2" # renovate: datasource=docker
            env:
              - name: LOG_LEVEL
                value: "info"
              - name: DB_URL
                valueFrom:
                  secretKeyRef: { name: checkout-db, key: url }
              - name: IMAGE_NOTE
                value: registry.example.com/checkout:1.4.2
            resources: &resources
              requests: { cpu: 100m, memory: 128Mi }
          - name: istio-proxy
            image: docker.io/istio/proxyv2:1.20.3
            resources: *resources
          - name: envoy
            image: envoyproxy/envoy:v1.29.1 # a second proxy; never touched
  ---
  # An unrelated ConfigMap after the workload.
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: checkout-config
  data:
    image: registry.example.com/checkout:1.4.2
`;

describe('planProposal: workloads', () => {
  it('a Deployment after a Service: the app container and its init container change, sidecars and everything else stay', () => {
    const p = propose({ 'apps/checkout/deployment.yaml': DEPLOYMENT }, 'registry.example.com/checkout:1.5.0');
    const want = replaced(
      DEPLOYMENT,
      ['image: registry.example.com/checkout:1.4.2   # same', 'image: registry.example.com/checkout:1.5.0   # same'],
      ['image: "registry.example.com/checkout:1.4.2" #', 'image: "registry.example.com/checkout:1.5.0" #'],
    );
    assert.equal(textOf(p, 'apps/checkout/deployment.yaml'), want);
    assert.equal(p.noop, false);
    assert.equal(p.matched, 2);
    assert.deepEqual(
      p.changes.map(({ what, ...c }) => ({ ...c, line: describeChange({ what, ...c }) })),
      [
        {
          file: 'apps/checkout/deployment.yaml',
          document: 'Deployment/checkout',
          path: '/spec/template/spec/containers/0/image',
          from: 'registry.example.com/checkout:1.4.2',
          to: 'registry.example.com/checkout:1.5.0',
          line: 'apps/checkout/deployment.yaml: Deployment/checkout container checkout: 1.4.2 → 1.5.0',
        },
        {
          file: 'apps/checkout/deployment.yaml',
          document: 'Deployment/checkout',
          path: '/spec/template/spec/initContainers/0/image',
          from: 'registry.example.com/checkout:1.4.2',
          to: 'registry.example.com/checkout:1.5.0',
          line: 'apps/checkout/deployment.yaml: Deployment/checkout initContainer migrate: 1.4.2 → 1.5.0',
        },
      ],
    );
  });

  it('CRLF line endings stay CRLF, and only the image bytes change', () => {
    const crlf = DEPLOYMENT.replace(/\n/g, '\r\n');
    const p = propose({ 'd.yaml': crlf }, 'registry.example.com/checkout:1.10');
    const out = textOf(p, 'd.yaml');
    assert.equal(
      out,
      replaced(
        crlf,
        ['checkout:1.4.2   # same', 'checkout:1.10   # same'],
        ['checkout:1.4.2" #', 'checkout:1.10" #'],
      ),
    );
    assert.equal(out.split('\r\n').length, crlf.split('\r\n').length);
    assert.ok(!/[^\r]\n/.test(out), 'every line break is still CRLF');
  });

  it('a tag that reads as a number stays part of the image string', () => {
    const p = propose({ 'd.yaml': DEPLOYMENT }, 'registry.example.com/checkout:007');
    const doc = parse(textOf(p, 'd.yaml').split('---\n')[1]!);
    assert.equal(doc.spec.template.spec.containers[0].image, 'registry.example.com/checkout:007');
  });

  it('a digest replaces the tag; tag@digest is written whole', () => {
    const p = propose({ 'd.yaml': DEPLOYMENT }, `registry.example.com/checkout@${SHA_A}`);
    assert.equal(p.changes[0]!.to, `registry.example.com/checkout@${SHA_A}`);
    assert.equal(describeChange(p.changes[0]!), `d.yaml: Deployment/checkout container checkout: 1.4.2 → ${SHA_A}`);
    const both = propose({ 'd.yaml': DEPLOYMENT }, `registry.example.com/checkout:1.5.0@${SHA_A}`);
    assert.equal(both.changes[0]!.to, `registry.example.com/checkout:1.5.0@${SHA_A}`);
  });

  it('already at the image everywhere: a no-op with no file change', () => {
    const p = propose({ 'd.yaml': DEPLOYMENT }, 'registry.example.com/checkout:1.4.2');
    assert.deepEqual(p, { files: [], changes: [], matched: 2, noop: true });
  });

  it('Docker Hub spellings match, and the file keeps its own spelling', () => {
    const text = yaml`
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: cleanup
      spec:
        schedule: "0 3 * * *"
        jobTemplate:
          spec:
            template:
              spec:
                restartPolicy: OnFailure
                containers:
                  - name: cleanup
                    image: nginx:1.25
                  - name: helper
                    image: docker.io/acme/helper:2
    `;
    const p = propose({ 'cron.yaml': text }, 'docker.io/library/nginx:1.27');
    assert.equal(textOf(p, 'cron.yaml'), replaced(text, ['nginx:1.25', 'nginx:1.27']));
    const q = propose({ 'cron.yaml': text }, 'acme/helper:3');
    assert.equal(textOf(q, 'cron.yaml'), replaced(text, ['docker.io/acme/helper:2', 'docker.io/acme/helper:3']));
  });

  it('StatefulSet, DaemonSet, Job and Pod containers are found too', () => {
    for (const kind of ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']) {
      const text = `apiVersion: apps/v1\nkind: ${kind}\nmetadata: {name: w}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: w, image: 'r.io/w:1'}\n`;
      assert.equal(textOf(propose({ 'w.yaml': text }, 'r.io/w:2'), 'w.yaml'), text.replace("'r.io/w:1'", "'r.io/w:2'"), kind);
    }
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: p, image: r.io/p:1}]\n';
    assert.equal(textOf(propose({ 'p.yaml': pod }, 'r.io/p:2'), 'p.yaml'), pod.replace('r.io/p:1', '"r.io/p:2"'));
  });

  it('refuses an anchored image that an alias copies, naming file and line', () => {
    const text = yaml`
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: checkout }
      spec:
        template:
          spec:
            initContainers:
              - name: migrate
                image: &image registry.example.com/checkout:1.4.2
            containers:
              - name: checkout
                image: *image
    `;
    assert.throws(
      () => propose({ 'd.yaml': text }, 'registry.example.com/checkout:1.5.0'),
      (e: unknown) =>
        e instanceof ManifestError &&
        e.message === 'cannot set spec.template.spec.containers[0].image in d.yaml: it is the alias *image' &&
        e.where?.file === 'd.yaml' &&
        e.where.line === 12,
    );
  });
});

describe('planProposal: Kustomize', () => {
  const overlay = yaml`
    # overlays/production: what production runs.
    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    namespace: shop
    resources:
      - ../../base
    images:
      - name: checkout              # the name the base uses
        newName: registry.example.com/checkout
        newTag: "1.4.2"             # bumped by app CI
      - name: envoyproxy/envoy
        newTag: v1.29.1
      - name: registry.example.com/worker
        digest: ${SHA_A}
  `;

  it('newName/newTag: the tag changes, its quotes and comment stay', () => {
    const p = propose({ 'k.yaml': overlay }, 'registry.example.com/checkout:1.10');
    assert.equal(textOf(p, 'k.yaml'), replaced(overlay, ['newTag: "1.4.2"', 'newTag: "1.10"']));
    assert.deepEqual(p.changes.map(describeChange), ['k.yaml: Kustomization image checkout newTag: 1.4.2 → 1.10']);
    assert.equal(p.changes[0]!.path, '/images/0/newTag');
  });

  it('matching by name (no newName): newName is not added', () => {
    const p = propose({ 'k.yaml': overlay }, 'envoyproxy/envoy:v1.30.0');
    assert.equal(textOf(p, 'k.yaml'), replaced(overlay, ['newTag: v1.29.1', 'newTag: v1.30.0']));
  });

  it('a tag that would read as a number is quoted', () => {
    const p = propose({ 'k.yaml': overlay }, 'envoyproxy/envoy:1.30');
    assert.equal(textOf(p, 'k.yaml'), replaced(overlay, ['newTag: v1.29.1', 'newTag: "1.30"']));
    assert.equal(parse(textOf(p, 'k.yaml')).images[1].newTag, '1.30');
  });

  it('digest: a new digest replaces the old; a tag replaces a stale digest', () => {
    const p = propose({ 'k.yaml': overlay }, `registry.example.com/worker@${SHA_B}`);
    assert.equal(textOf(p, 'k.yaml'), replaced(overlay, [`digest: ${SHA_A}`, `digest: ${SHA_B}`]));
    const q = propose({ 'k.yaml': overlay }, 'registry.example.com/worker:2.0.0');
    assert.equal(textOf(q, 'k.yaml'), replaced(overlay, [`digest: ${SHA_A}\n`, 'newTag: 2.0.0\n']));
    assert.deepEqual(q.changes.map(describeChange), [
      'k.yaml: Kustomization image registry.example.com/worker newTag: (none) → 2.0.0',
      `k.yaml: Kustomization image registry.example.com/worker digest: ${SHA_A} → (removed)`,
    ]);
  });

  it('a digest replaces a stale newTag', () => {
    const p = propose({ 'k.yaml': overlay }, `registry.example.com/checkout@${SHA_B}`);
    assert.equal(textOf(p, 'k.yaml'), replaced(overlay, ['    newTag: "1.4.2"             # bumped by app CI\n', ''], ['registry.example.com/checkout\n', `registry.example.com/checkout\n    digest: ${SHA_B}\n`]));
    assert.equal(parse(textOf(p, 'k.yaml')).images[0].newTag, undefined);
  });

  it('a proposal naming the base name re-points an existing newName', () => {
    const p = propose({ 'k.yaml': overlay }, 'checkout:1.5.0');
    assert.equal(
      textOf(p, 'k.yaml'),
      replaced(overlay, ['newName: registry.example.com/checkout', 'newName: checkout'], ['newTag: "1.4.2"', 'newTag: "1.5.0"']),
    );
  });

  it('a kustomization without kind (resources + images) is one too', () => {
    const text = 'resources:\n- ../base\nimages:\n- name: registry.example.com/checkout\n  newTag: v1\n';
    assert.equal(textOf(propose({ 'kustomization.yaml': text }, 'registry.example.com/checkout:v2'), 'kustomization.yaml'), text.replace('v1', 'v2'));
  });
});

describe('planProposal: Helm values', () => {
  const values = yaml`
    # Default values for checkout.
    replicaCount: 3

    image:
      repository: registry.example.com/checkout
      pullPolicy: IfNotPresent
      # Overrides the image tag whose default is the chart appVersion.
      tag: "1.0"

    imagePullSecrets: []

    istio:
      proxy:
        image: docker.io/istio/proxyv2:1.20.3

    metrics:
      image:
        repository: prom/statsd-exporter
        tag: v0.26.0
  `;

  it('image.repository + image.tag: the quoted numeric tag stays quoted', () => {
    const p = propose({ 'values.yaml': values }, 'registry.example.com/checkout:1.10');
    assert.equal(textOf(p, 'values.yaml'), replaced(values, ['tag: "1.0"', 'tag: "1.10"']));
    assert.deepEqual(p.changes, [
      { file: 'values.yaml', document: 'values', path: '/image/tag', what: 'image.tag', from: '1.0', to: '1.10' },
    ]);
  });

  it('a plain tag that would read as a number is quoted', () => {
    const p = propose({ 'values.yaml': values }, 'prom/statsd-exporter:010');
    assert.equal(textOf(p, 'values.yaml'), replaced(values, ['tag: v0.26.0', 'tag: "010"']));
    assert.equal(parse(textOf(p, 'values.yaml')).metrics.image.tag, '010');
  });

  it('nested under a top-level key (an umbrella chart), with registry', () => {
    const text = yaml`
      checkout:
        enabled: true
        image:
          registry: registry.example.com
          repository: checkout
          tag: 1.4.2
          digest: ""
      payments:
        image:
          registry: registry.example.com
          repository: payments
          tag: 4.2.0
    `;
    const p = propose({ 'values.yaml': text }, 'registry.example.com/checkout:1.5.0');
    assert.equal(textOf(p, 'values.yaml'), replaced(text, ['tag: 1.4.2', 'tag: 1.5.0']));
    assert.equal(p.changes[0]!.what, 'checkout.image.tag');
    const d = propose({ 'values.yaml': text }, `registry.example.com/checkout@${SHA_A}`);
    assert.equal(textOf(d, 'values.yaml'), replaced(text, ['digest: ""', `digest: "${SHA_A}"`]));
  });

  it('a stale digest is emptied when a tag is proposed', () => {
    const text = `image:\n  repository: r.io/app\n  tag: v1\n  digest: ${SHA_A}\n`;
    const p = propose({ 'v.yaml': text }, 'r.io/app:v2');
    assert.equal(textOf(p, 'v.yaml'), `image:\n  repository: r.io/app\n  tag: v2\n  digest: ""\n`);
  });

  it('refuses a digest when the values have no digest key', () => {
    assert.throws(
      () => propose({ 'values.yaml': values }, `registry.example.com/checkout@${SHA_A}`),
      (e: unknown) => e instanceof ManifestError && /image\.digest does not exist in values\.yaml/.test(e.message),
    );
  });

  it('image as one string', () => {
    const text = '# simple chart\nimage: registry.example.com/checkout:1.4.2 # app\nport: 8080\n';
    assert.equal(textOf(propose({ 'v.yaml': text }, 'registry.example.com/checkout:1.5.0'), 'v.yaml'), text.replace('1.4.2', '1.5.0'));
  });

  it('--path, dotted or a JSON pointer, names the tag', () => {
    const text = yaml`
      app:
        deployment:
          image:
            name: registry.example.com/checkout
            version: "1.0"   # CI writes this
    `;
    for (const path of ['app.deployment.image.version', '/app/deployment/image/version']) {
      const p = propose({ 'values.yaml': text }, 'registry.example.com/checkout:1.10', { path });
      assert.equal(textOf(p, 'values.yaml'), replaced(text, ['"1.0"', '"1.10"']), path);
      assert.equal(p.changes[0]!.what, 'app.deployment.image.version');
    }
  });

  it('--path naming the whole image, through a list', () => {
    const text = 'sidecars:\n  - name: app\n    ref: registry.example.com/checkout:1.0\n';
    const p = propose({ 'v.yaml': text }, 'registry.example.com/checkout:2.0', { path: 'sidecars.0.ref' });
    assert.equal(textOf(p, 'v.yaml'), text.replace(':1.0', ':2.0'));
    assert.throws(() => propose({ 'v.yaml': text }, 'registry.example.com/other:2.0', { path: 'sidecars.0.ref' }), NoMatchingImageError);
  });

  it('--path beside a repository of another image is refused', () => {
    assert.throws(
      () => propose({ 'values.yaml': values }, 'registry.example.com/checkout:2', { path: 'metrics.image.tag' }),
      (e: unknown) => e instanceof NoMatchingImageError && /holds no image registry\.example\.com\/checkout at --path metrics\.image\.tag/.test(e.message),
    );
  });

  it('--path that no values document has, or that names a mapping', () => {
    assert.throws(
      () => propose({ 'values.yaml': values }, 'registry.example.com/checkout:2', { path: 'image.version' }),
      (e: unknown) => e instanceof NoMatchingImageError && /--path image\.version is in no values document of checkout's release/.test(e.message),
    );
    assert.throws(
      () => propose({ 'values.yaml': values }, 'registry.example.com/checkout:2', { path: 'image' }),
      (e: unknown) => e instanceof ManifestError && /holds a mapping, not a tag/.test(e.message),
    );
    assert.throws(() => valuesPathSegments('a..b'), (e: unknown) => e instanceof CanaryError && e.code === 'CONFIG');
    assert.deepEqual(valuesPathSegments('/a~1b/c'), ['a/b', 'c']);
  });
});

describe('planProposal: shared files and refusals', () => {
  const bookinfo = yaml`
    # Istio's bookinfo: every service in one file.
    apiVersion: v1
    kind: Service
    metadata:
      name: reviews
    spec:
      ports: [{ port: 9080, name: http }]
      selector: { app: reviews }
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: reviews-v1
    spec:
      template:
        spec:
          containers:
            - name: reviews
              image: docker.io/istio/examples-bookinfo-reviews:1.18.0
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: reviews-v2
    spec:
      template:
        spec:
          containers:
            - name: reviews
              image: docker.io/istio/examples-bookinfo-reviews:1.18.0
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: ratings-v1
    spec:
      template:
        spec:
          containers:
            - name: ratings
              image: docker.io/istio/examples-bookinfo-ratings-v1:1.18.0
  `;

  it('only the service\'s own documents of a shared file change', () => {
    const documents = { 'bookinfo/bookinfo.yaml': [{ kind: 'Deployment', name: 'reviews-v2' }] };
    const p = propose({ 'bookinfo/bookinfo.yaml': bookinfo }, 'istio/examples-bookinfo-reviews:1.19.0', { documents });
    const at = bookinfo.indexOf('name: reviews-v2');
    const out = textOf(p, 'bookinfo/bookinfo.yaml');
    assert.equal(out.slice(0, at), bookinfo.slice(0, at), 'reviews-v1 (before) is untouched');
    assert.equal(out, bookinfo.slice(0, at) + replaced(bookinfo.slice(at), ['reviews:1.18.0', 'reviews:1.19.0']));
    assert.deepEqual(p.changes.map((c) => c.document), ['Deployment/reviews-v2']);
  });

  it('another service\'s documents never match', () => {
    const documents = { 'bookinfo/bookinfo.yaml': [{ kind: 'Deployment', name: 'ratings-v1' }] };
    assert.throws(
      () => propose({ 'bookinfo/bookinfo.yaml': bookinfo }, 'istio/examples-bookinfo-reviews:1.19.0', { documents }),
      (e: unknown) =>
        e instanceof NoMatchingImageError &&
        e.code === 'MANIFEST' &&
        e.message === "checkout's release on candidate holds no image istio/examples-bookinfo-reviews" &&
        e.hint === 'it holds docker.io/istio/examples-bookinfo-ratings-v1: check --image',
    );
  });

  it('no matching image: names the repositories the release holds', () => {
    assert.throws(
      () => propose({ 'apps/checkout/deployment.yaml': DEPLOYMENT }, 'registry.example.com/payments:1.0'),
      (e: unknown) => {
        assert.ok(e instanceof NoMatchingImageError);
        assert.equal(e.oneLine(), "checkout's release on candidate holds no image registry.example.com/payments (branch candidate, services.checkout.files) — it holds docker.io/istio/proxyv2, envoyproxy/envoy, registry.example.com/checkout: check --image");
        return true;
      },
    );
  });

  it('release files missing on candidate, and a file that does not parse', () => {
    assert.throws(() => planProposal({ service: 'checkout', release: { files: ['a.yaml'], documents: {} }, texts: {}, image: parseImageRef('a:1'), branch: 'candidate' }), /none of checkout's release files exist on candidate/);
    assert.throws(
      () => propose({ 'a.yaml': 'a: [\n' }, 'a:1'),
      (e: unknown) => e instanceof ManifestError && e.where?.branch === 'candidate' && e.where.file === 'a.yaml',
    );
  });

  it('several files: each changes in config order, others are not rewritten', () => {
    const values = 'image:\n  repository: registry.example.com/checkout\n  tag: 1.4.2\n';
    const p = propose({ 'values.yaml': values, 'd.yaml': DEPLOYMENT, 'README.md': '# not yaml\n' }, 'registry.example.com/checkout:1.5.0', { order: ['d.yaml', 'values.yaml', 'README.md'] });
    assert.deepEqual(p.files.map((f) => f.path), ['d.yaml', 'values.yaml']);
    assert.deepEqual(p.changes.map((c) => `${c.file}${c.path}`), ['d.yaml/spec/template/spec/containers/0/image', 'd.yaml/spec/template/spec/initContainers/0/image', 'values.yaml/image/tag']);
  });
});

describe('proposalMessage', () => {
  it('title, one body line per change, the Canary-Proposed-By trailer and no rollout trailers', () => {
    const image = parseImageRef('registry.example.com/checkout:1.5.0');
    const p = propose({ 'apps/checkout/deployment.yaml': DEPLOYMENT }, 'registry.example.com/checkout:1.5.0');
    assert.equal(
      proposalMessage({ service: 'checkout', image, changes: p.changes, proposedBy: 'acme/checkout@0123abc\n' }),
      [
        'checkout: propose registry.example.com/checkout:1.5.0',
        '',
        'apps/checkout/deployment.yaml: Deployment/checkout container checkout: 1.4.2 → 1.5.0',
        'apps/checkout/deployment.yaml: Deployment/checkout initContainer migrate: 1.4.2 → 1.5.0',
        '',
        'Canary-Proposed-By: acme/checkout@0123abc',
        '',
      ].join('\n'),
    );
  });
});

describe('planProposal: properties', () => {
  const tag = fc.stringMatching(/^[\w][\w.-]{0,20}$/);

  /** The one span where `after` differs from `before`: its old and new bytes. */
  function onlySpan(before: string, after: string): { old: string; now: string } {
    let start = 0;
    while (start < before.length && start < after.length && before[start] === after[start]) start++;
    let end = 0;
    while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
    return { old: before.slice(start, before.length - end), now: after.slice(start, after.length - end) };
  }

  it('for any tag, only the tag scalar of a Helm values file changes, and it reads back as that string', () => {
    const text = '# values\nimage:\n  repository: registry.example.com/checkout # where\n  tag: v1   # the tag\n  pullPolicy: IfNotPresent\nother: { tag: v1 }\n';
    const scalarStart = text.indexOf('v1   #');
    fc.assert(
      fc.property(tag, (t) => {
        const p = propose({ 'v.yaml': text }, `registry.example.com/checkout:${t}`);
        if (t === 'v1') return assert.equal(p.noop, true);
        const out = textOf(p, 'v.yaml');
        // Everything but the scalar `v1` (which may gain quotes) is byte-identical.
        assert.equal(out.slice(0, scalarStart), text.slice(0, scalarStart));
        const rest = text.slice(scalarStart + 2);
        assert.ok(out.endsWith(rest), `${JSON.stringify(out)} keeps ${JSON.stringify(rest)}`);
        const scalar = out.slice(scalarStart, out.length - rest.length);
        assert.equal(parse(`x: ${scalar}`).x, t);
        assert.equal(parse(out).image.tag, t);
      }),
      { numRuns: 300 },
    );
  });

  it('for any tag or digest, a Deployment changes only inside the image scalar', () => {
    const version = fc.oneof(
      tag.map((t) => `:${t}`),
      fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `@sha256:${h}`),
    );
    fc.assert(
      fc.property(version, (v) => {
        const p = propose({ 'd.yaml': DEPLOYMENT }, `registry.example.com/checkout${v}`);
        if (v === ':1.4.2') return assert.equal(p.noop, true);
        const out = textOf(p, 'd.yaml');
        const a = DEPLOYMENT.split('\n');
        const b = out.split('\n');
        assert.equal(b.length, a.length, 'no line is added or removed');
        const changed = a.flatMap((l, i) => (l === b[i] ? [] : [i]));
        assert.equal(changed.length, 2, 'two lines change: the init container and the app container');
        for (const i of changed) {
          // The repository before and the quote/comment after the version are the old line's bytes.
          const repoEnd = a[i]!.indexOf('registry.example.com/checkout') + 'registry.example.com/checkout'.length;
          const after = a[i]!.slice(a[i]!.indexOf('1.4.2') + '1.4.2'.length);
          assert.equal(b[i]!.slice(0, repoEnd), a[i]!.slice(0, repoEnd));
          assert.ok(b[i]!.endsWith(after), `${b[i]} keeps ${JSON.stringify(after)}`);
          assert.equal(onlySpan(a[i]!, b[i]!).now.includes('#'), false);
        }
        assert.equal(parse(out.split('---\n')[1]!).spec.template.spec.containers[0].image, `registry.example.com/checkout${v}`);
      }),
      { numRuns: 200 },
    );
  });
});
