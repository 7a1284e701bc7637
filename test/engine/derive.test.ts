/** deriveCanary and canaryViolation: the canary runs the candidate, carried by meaning, never by position. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALWAYS_KEPT, canaryViolation, type DeriveInput, deriveCanary } from '../../src/engine/derive.ts';
import { diffOps, itemKey, listKeys, MERGE_KEYS, mergeKeyed } from '../../src/engine/merge-keys.ts';
import { lineDiff, yaml } from '../manifests/helpers.ts';

/** Replace the one occurrence of `from`; fails when the fixture does not hold it exactly once. */
function edit(text: string, from: string, to: string): string {
  assert.equal(text.split(from).length, 2, `expected exactly one ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

/** Several `edit`s in order. */
const edits = (text: string, ...pairs: [string, string][]) => pairs.reduce((t, [a, b]) => edit(t, a, b), text);

// The release: a Service first, then the Deployment, the way most repositories keep them.
const RELEASE = yaml`
  # Release of checkout: Renovate bumps the image, people edit the rest.
  apiVersion: v1
  kind: Service
  metadata:
    name: checkout
    namespace: shop
  spec:
    selector:
      app: checkout
    ports:
      - name: http
        port: 80
        targetPort: http
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: checkout
    namespace: shop
    labels:
      app: checkout
      track: stable
    annotations:
      team: payments
  spec:
    replicas: 6
    revisionHistoryLimit: 5
    strategy:
      type: RollingUpdate
      rollingUpdate:
        maxSurge: 25%
        maxUnavailable: 0
    selector:
      matchLabels:
        app: checkout
        track: stable
    template:
      metadata:
        labels:
          app: checkout
          track: stable
        annotations:
          prometheus.io/scrape: "true"
      spec:
        serviceAccountName: checkout
        initContainers:
          - name: migrate
            image: registry.example.com/checkout-migrate:1.4.0
            args: ["--wait", "--timeout=60s"]
        containers:
          - name: app
            image: registry.example.com/checkout:1.4.0   # renovate: datasource=docker
            ports:
              - name: http
                containerPort: 8080
            env:
              - name: LOG_LEVEL
                value: info
              - name: PAYMENTS_URL
                value: http://payments.shop.svc:8080
            readinessProbe:
              httpGet:
                path: /healthz
                port: http
              periodSeconds: 5
            resources:
              requests:
                cpu: 250m
                memory: 256Mi
              limits:
                memory: 512Mi
`;

// The canary: its own Service first; a log shipper sidecar before the app, an env entry of its own.
const CANARY = yaml`
  # Canary of checkout: git-canary carries the candidate's release into this file.
  apiVersion: v1
  kind: Service
  metadata:
    name: checkout-canary
    namespace: shop
  spec:
    selector:
      app: checkout
      track: canary
    ports:
      - name: http
        port: 80
        targetPort: http
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: checkout-canary
    namespace: shop
    labels:
      app: checkout
      track: canary
    annotations:
      team: payments
      canary.example.com/owner: sre   # the canary's own
  spec:
    replicas: 1
    revisionHistoryLimit: 2
    strategy:
      type: RollingUpdate
      rollingUpdate:
        maxSurge: 25%
        maxUnavailable: 0
    selector:
      matchLabels:
        app: checkout
        track: canary
    template:
      metadata:
        labels:
          app: checkout
          track: canary
        annotations:
          prometheus.io/scrape: "true"
          sidecar.istio.io/inject: "true"
      spec:
        serviceAccountName: checkout
        initContainers:
          - name: migrate
            image: registry.example.com/checkout-migrate:1.4.0
            args: ["--wait", "--timeout=60s"]
        containers:
          # Ships the canary's logs to a separate index.
          - name: log-shipper
            image: fluent/fluent-bit:3.0.4
            volumeMounts:
              - name: logs
                mountPath: /var/log/app
          - name: app
            image: registry.example.com/checkout:1.4.0   # renovate: datasource=docker
            ports:
              - name: http
                containerPort: 8080
            env:
              - name: TRACK
                value: canary
              - name: LOG_LEVEL
                value: info
              - name: PAYMENTS_URL
                value: http://payments.shop.svc:8080
            volumeMounts:
              - name: logs
                mountPath: /var/log/app
            readinessProbe:
              httpGet:
                path: /healthz
                port: http
              periodSeconds: 5
            resources:
              requests:
                cpu: 250m
                memory: 256Mi
              limits:
                memory: 512Mi
        volumes:
          - name: logs
            emptyDir: {}
`;

const IMAGE = ['checkout:1.4.0   #', 'checkout:1.5.0   #'] as [string, string];

const base: DeriveInput = {
  canaryPath: 'apps/checkout/canary.yaml',
  canaryText: CANARY,
  fromPath: 'apps/checkout/release.yaml',
  productionFrom: RELEASE,
  candidateFrom: RELEASE,
};

const derive = (o: Partial<DeriveInput>) => deriveCanary({ ...base, ...o });

describe('deriveCanary: pairing documents', () => {
  it('pairs the Deployment of a canary file that starts with a Service, and leaves the Service alone', () => {
    // The old code diffed the first document of each file: here, the two Services.
    const candidate = edits(RELEASE, IMAGE, ['      targetPort: http\n', '      targetPort: 8080\n']);
    const out = derive({ candidateFrom: candidate });
    assert.equal(out.text, edit(CANARY, ...IMAGE));
    assert.deepEqual(out.pairs, [{ canary: 'Deployment/checkout-canary', release: 'Deployment/checkout', canaryIndex: 1, releaseIndex: 1 }]);
  });

  const bookinfo = (v2Image: string) => yaml`
    # Istio's bookinfo keeps every service in one file.
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: reviews-v1
      labels: { app: reviews, version: v1 }
    spec:
      replicas: 1
      selector:
        matchLabels: { app: reviews, version: v1 }
      template:
        metadata:
          labels: { app: reviews, version: v1 }
        spec:
          containers:
            - name: reviews
              image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.2
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: reviews-v2
      labels: { app: reviews, version: v2 }
    spec:
      replicas: 1
      selector:
        matchLabels: { app: reviews, version: v2 }
      template:
        metadata:
          labels: { app: reviews, version: v2 }
        spec:
          containers:
            - name: reviews
              image: ${v2Image}
  `;
  const reviewsCanary = (name: string, image: string) => yaml`
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: ${name}
      labels: { app: reviews, version: canary }
    spec:
      replicas: 1
      selector:
        matchLabels: { app: reviews, version: canary }
      template:
        metadata:
          labels: { app: reviews, version: canary }
        spec:
          containers:
            - name: reviews
              image: ${image}
  `;
  const v2 = 'docker.io/istio/examples-bookinfo-reviews-v2:1.20.2';
  const v2next = 'docker.io/istio/examples-bookinfo-reviews-v2:1.21.0';
  const shared = { fromPath: 'bookinfo/bookinfo.yaml', productionFrom: bookinfo(v2), candidateFrom: bookinfo(v2next) };

  it('pairs by the canary’s name without -canary among several of a kind', () => {
    const canary = reviewsCanary('reviews-v2-canary', v2);
    const out = derive({ ...shared, canaryText: canary });
    assert.equal(out.text, edit(canary, v2, v2next));
    assert.deepEqual(out.pairs, [{ canary: 'Deployment/reviews-v2-canary', release: 'Deployment/reviews-v2', canaryIndex: 0, releaseIndex: 1 }]);
  });

  it('pairs by canary.fromName, and by the only document of the kind among the named documents', () => {
    const canary = reviewsCanary('reviews-canary', v2);
    assert.equal(derive({ ...shared, canaryText: canary, fromName: 'reviews-v2' }).text, edit(canary, v2, v2next));
    const only = derive({ ...shared, canaryText: canary, documents: [{ kind: 'Deployment', name: 'reviews-v2' }] });
    assert.equal(only.text, edit(canary, v2, v2next));
    assert.equal(only.pairs[0]!.release, 'Deployment/reviews-v2');
  });

  it('refuses an ambiguous pairing, naming both files and hinting at canary.fromName', () => {
    const canary = `# the canary\n${reviewsCanary('reviews-canary', v2)}`;
    assert.throws(
      () => derive({ ...shared, canaryText: canary }),
      (e: Error & { code?: string; where?: object; hint?: string; data?: object }) => {
        assert.equal(e.code, 'MANIFEST');
        assert.equal(
          e.message,
          'canary Deployment/reviews-canary (apps/checkout/canary.yaml) could follow 2 Deployment documents in bookinfo/bookinfo.yaml: reviews-v1, reviews-v2',
        );
        assert.deepEqual(e.where, { file: 'apps/checkout/canary.yaml', line: 2 });
        assert.match(e.hint!, /set canary\.fromName .*one of reviews-v1, reviews-v2/);
        return true;
      },
    );
  });

  it('refuses a canary with no release document to pair with, and a fromName that names none', () => {
    const statefulRelease = RELEASE.replace('kind: Deployment', 'kind: StatefulSet');
    assert.throws(() => derive({ productionFrom: statefulRelease, candidateFrom: statefulRelease }), {
      code: 'MANIFEST',
      message: 'no Deployment in apps/checkout/release.yaml to pair canary Deployment/checkout-canary (apps/checkout/canary.yaml) with',
      where: { file: 'apps/checkout/canary.yaml', line: 16 },
    });
    assert.throws(() => derive({ ...shared, canaryText: reviewsCanary('reviews-canary', v2), fromName: 'reviews-v3' }), {
      code: 'MANIFEST',
      message: /^no Deployment named reviews-v3 in bookinfo\/bookinfo\.yaml to pair canary Deployment\/reviews-canary/,
      hint: /holds Deployment\/reviews-v1, Deployment\/reviews-v2: set canary\.fromName/,
    });
  });

  it('refuses a canary file without a workload or values document', () => {
    const onlyService = CANARY.slice(0, CANARY.indexOf('---'));
    assert.throws(() => derive({ canaryText: onlyService }), {
      code: 'MANIFEST',
      message: 'apps/checkout/canary.yaml holds no document that can follow apps/checkout/release.yaml',
      hint: /Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Rollout, Pod/,
    });
  });

  it('pairs every workload of a multi-document canary file, one document at a time', () => {
    const job = (name: string, image: string) =>
      `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: ${image}\n`;
    const release = (tag: string) => `${edit(RELEASE, 'checkout:1.4.0   #', `checkout:${tag}   #`)}---\n${job('checkout-migrate', `migrate:${tag}`)}`;
    const canary = `${CANARY}---\n${job('checkout-migrate-canary', 'migrate:1.4.0')}`;
    const out = derive({ canaryText: canary, productionFrom: release('1.4.0'), candidateFrom: release('1.5.0') });
    assert.equal(out.text, edits(canary, IMAGE, [' migrate:1.4.0\n', ' migrate:1.5.0\n']));
    assert.deepEqual(
      out.pairs.map((p) => [p.canary, p.release, p.canaryIndex, p.releaseIndex]),
      [
        ['Deployment/checkout-canary', 'Deployment/checkout', 1, 1],
        ['Job/checkout-migrate-canary', 'Job/checkout-migrate', 2, 2],
      ],
    );
  });

  it('is byte-identical when the canary already carries the release', () => {
    assert.equal(derive({}).text, CANARY);
    // Production and candidate differ, but only where the canary keeps its own (replicas) or already agrees.
    const candidate = edit(RELEASE, 'replicas: 6', 'replicas: 8');
    const out = derive({ candidateFrom: candidate });
    assert.equal(out.text, CANARY);
    assert.equal(out.pairs.length, 1);
  });
});

describe('deriveCanary: inside the pod template the candidate wins, item by merge key', () => {
  it('puts a new image on the container of that name, whatever order the canary keeps its containers in', () => {
    // Canary [log-shipper, app], release [app]: a positional patch changed the log shipper.
    assert.equal(derive({ candidateFrom: edit(RELEASE, ...IMAGE) }).text, edit(CANARY, ...IMAGE));
    // Release [app, log-shipper] with both images changed: each lands on its own container.
    const withShipper = (app: string, shipper: string) =>
      edit(
        RELEASE,
        '              memory: 512Mi\n',
        `              memory: 512Mi\n        - name: log-shipper\n          image: fluent/fluent-bit:${shipper}\n`,
      ).replace('checkout:1.4.0   #', `checkout:${app}   #`);
    const out = derive({ productionFrom: withShipper('1.4.0', '3.0.4'), candidateFrom: withShipper('1.5.0', '3.1.0') });
    assert.equal(out.text, edits(CANARY, IMAGE, ['fluent-bit:3.0.4', 'fluent-bit:3.1.0']));
  });

  it('inserts the candidate’s new env entry after its predecessor and keeps the canary’s own TRACK entry', () => {
    const candidate = edit(
      RELEASE,
      '            - name: PAYMENTS_URL\n',
      '            - name: FEATURE_RECS\n              value: "on"\n            - name: PAYMENTS_URL\n',
    );
    const out = derive({ candidateFrom: candidate });
    assert.equal(
      out.text,
      edit(CANARY, '            - name: PAYMENTS_URL\n', '            - name: FEATURE_RECS\n              value: "on"\n            - name: PAYMENTS_URL\n'),
    );
    assert.deepEqual(lineDiff(CANARY, out.text), { removed: [], added: ['            - name: FEATURE_RECS\n', '              value: "on"\n'] });
  });

  it('changes the value of the matching env entry, never the canary’s own entry at that position', () => {
    const out = derive({ candidateFrom: edit(RELEASE, 'value: info', 'value: warn') });
    assert.equal(out.text, edit(CANARY, 'value: info', 'value: warn'));
  });

  it('removes what the candidate removed, keeps what only the canary has', () => {
    // The candidate drops PAYMENTS_URL and the init container; the canary keeps TRACK, the log shipper, its volume and its annotation.
    const candidate = edits(
      RELEASE,
      ['            - name: PAYMENTS_URL\n              value: http://payments.shop.svc:8080\n', ''],
      [
        '      initContainers:\n        - name: migrate\n          image: registry.example.com/checkout-migrate:1.4.0\n          args: ["--wait", "--timeout=60s"]\n',
        '',
      ],
    );
    const out = derive({ candidateFrom: candidate });
    assert.equal(
      out.text,
      edits(
        CANARY,
        ['            - name: PAYMENTS_URL\n              value: http://payments.shop.svc:8080\n', ''],
        [
          '      initContainers:\n        - name: migrate\n          image: registry.example.com/checkout-migrate:1.4.0\n          args: ["--wait", "--timeout=60s"]\n',
          '',
        ],
      ),
    );
  });

  it('a list the candidate drops whole loses production’s items and keeps the canary’s own', () => {
    const env = '          env:\n            - name: LOG_LEVEL\n              value: info\n            - name: PAYMENTS_URL\n              value: http://payments.shop.svc:8080\n';
    const out = derive({ candidateFrom: edit(RELEASE, env, '') });
    assert.equal(
      out.text,
      edit(CANARY, '            - name: LOG_LEVEL\n              value: info\n            - name: PAYMENTS_URL\n              value: http://payments.shop.svc:8080\n', ''),
    );
  });

  it('a container the candidate removes goes whole, with the canary’s own env entries in it', () => {
    // Production runs app and a worker; the canary runs both (its worker has TRACK); the candidate drops the worker.
    const worker = '        - name: worker\n          image: registry.example.com/checkout-worker:1.4.0\n          env:\n            - name: QUEUE\n              value: orders\n';
    const ownWorker = worker.replace('          env:\n', '          env:\n            - name: TRACK\n              value: canary\n');
    const production = edit(RELEASE, '      containers:\n', `      containers:\n${worker}`);
    const canary = edit(CANARY, '      volumes:\n', `${ownWorker}      volumes:\n`);
    assert.equal(derive({ canaryText: canary, productionFrom: production, candidateFrom: edit(production, worker, '') }).text, CANARY);
  });

  it('matches volumeMounts by mountPath and ports by containerPort', () => {
    const candidate = edits(
      RELEASE,
      ['              containerPort: 8080\n', '              containerPort: 8080\n            - name: metrics\n              containerPort: 9090\n'],
      ['          readinessProbe:\n', '          volumeMounts:\n            - name: cache\n              mountPath: /var/cache/checkout\n          readinessProbe:\n'],
    );
    const out = derive({ candidateFrom: candidate });
    assert.equal(
      out.text,
      edits(
        CANARY,
        ['              containerPort: 8080\n', '              containerPort: 8080\n            - name: metrics\n              containerPort: 9090\n'],
        // The candidate's first mount goes first: the canary's own log mount stays after it.
        ['          volumeMounts:\n            - name: logs\n              mountPath: /var/log/app\n          readinessProbe:', '          volumeMounts:\n            - name: cache\n              mountPath: /var/cache/checkout\n            - name: logs\n              mountPath: /var/log/app\n          readinessProbe:'],
      ),
    );
  });

  it('adds a new sidecar right after its predecessor in the candidate’s list, and a new first item at the start', () => {
    const proxy = '        - name: cloud-sql-proxy\n          image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0\n';
    const after = derive({ candidateFrom: edit(RELEASE, '              memory: 512Mi\n', `              memory: 512Mi\n${proxy}`) });
    assert.equal(after.text, edit(CANARY, '              memory: 512Mi\n      volumes:', `              memory: 512Mi\n${proxy}      volumes:`));
    const tz = '            - name: TZ\n              value: UTC\n';
    const first = derive({ candidateFrom: edit(RELEASE, '          env:\n', `          env:\n${tz}`) });
    assert.equal(first.text, edit(CANARY, '          env:\n', `          env:\n${tz}`));
  });

  it('carries a changed probe, resources and port by key; an args list of the same length item by item (its quoting kept)', () => {
    const candidate = edits(
      RELEASE,
      ['              path: /healthz', '              path: /readyz'],
      ['              cpu: 250m', '              cpu: 500m'],
      ['          args: ["--wait", "--timeout=60s"]', '          args: ["--wait", "--timeout=120s"]'],
      ['              containerPort: 8080', '              containerPort: 8080\n              protocol: TCP'],
    );
    const out = derive({ candidateFrom: candidate });
    assert.equal(
      out.text,
      edits(
        CANARY,
        ['              path: /healthz', '              path: /readyz'],
        ['              cpu: 250m', '              cpu: 500m'],
        ['          args: ["--wait", "--timeout=60s"]', '          args: ["--wait", "--timeout=120s"]'],
        ['              containerPort: 8080', '              containerPort: 8080\n              protocol: TCP'],
      ),
    );
  });

  it('sets a template field the canary drifted on back to the candidate’s value, even when the release did not change', () => {
    const drifted = edit(CANARY, '              cpu: 250m', '              cpu: 100m');
    assert.equal(derive({ canaryText: drifted }).text, CANARY);
  });

  it('keeps the template labels and canary.keep paths, and does not count them as violations', () => {
    const candidate = edits(
      RELEASE,
      ['        track: stable\n      annotations:', '        track: stable\n        version: v2\n      annotations:'],
      ['        prometheus.io/scrape: "true"', '        prometheus.io/scrape: "false"'],
      ['              memory: 512Mi', '              memory: 1Gi'],
      IMAGE,
    );
    const keep = ['/spec/template/metadata/annotations', '/spec/template/spec/containers/app/resources'];
    const out = derive({ candidateFrom: candidate, keep });
    assert.equal(out.text, edit(CANARY, ...IMAGE));
    assert.equal(canaryViolation({ ...base, candidateFrom: candidate, keep, derivedText: out.text }), undefined);
    // Without keep the annotation and the limit are the candidate's.
    assert.equal(
      derive({ candidateFrom: candidate }).text,
      edits(CANARY, IMAGE, ['        prometheus.io/scrape: "true"', '        prometheus.io/scrape: "false"'], ['              memory: 512Mi', '              memory: 1Gi']),
    );
    assert.ok(ALWAYS_KEPT.includes('/spec/template/metadata/labels'));
  });

  it('treats a keyed list with a duplicated key as atomic: the candidate’s list replaces it whole', () => {
    const dup = edit(CANARY, '            - name: TRACK\n', '            - name: LOG_LEVEL\n');
    const out = derive({ canaryText: dup });
    assert.equal(out.text, edit(CANARY, '            - name: TRACK\n              value: canary\n', ''));
  });

  it('refuses a keep entry that is not a JSON pointer', () => {
    assert.throws(() => derive({ keep: ['spec.template'] }), { code: 'CONFIG', message: /canary\.keep entry "spec\.template" is not a JSON pointer/ });
  });
});

describe('deriveCanary: outside the pod template only changes are carried', () => {
  it('keeps the canary’s replicas when the candidate scales 6 → 8', () => {
    const out = derive({ candidateFrom: edits(RELEASE, ['replicas: 6', 'replicas: 8'], IMAGE) });
    assert.equal(out.text, edit(CANARY, ...IMAGE));
    assert.match(out.text, /^ {2}replicas: 1$/m);
  });

  it('carries a changed strategy and annotation, removes a removed field, keeps the canary’s own values elsewhere', () => {
    const candidate = edits(
      RELEASE,
      ['      maxSurge: 25%', '      maxSurge: 1'],
      ['    team: payments\n', '    team: payments-core\n    runbook: https://runbooks.example.com/checkout\n'],
    );
    const out = derive({ candidateFrom: candidate });
    assert.equal(
      out.text,
      edits(
        CANARY,
        ['      maxSurge: 25%', '      maxSurge: 1'],
        ['    team: payments\n    canary.example.com/owner: sre   # the canary\'s own\n', '    team: payments-core\n    canary.example.com/owner: sre   # the canary\'s own\n    runbook: https://runbooks.example.com/checkout\n'],
      ),
    );
    // revisionHistoryLimit is 5 on both branches: the canary keeps its 2. When the candidate drops it, so does the canary.
    assert.match(out.text, /revisionHistoryLimit: 2/);
    const dropped = derive({ candidateFrom: edit(RELEASE, '  revisionHistoryLimit: 5\n', '') });
    assert.equal(dropped.text, edit(CANARY, '  revisionHistoryLimit: 2\n', ''));
  });
});

describe('deriveCanary: other workload kinds', () => {
  const cronjob = (name: string, track: string, image: string, schedule: string) => yaml`
    apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: ${name}
    spec:
      schedule: "${schedule}"
      jobTemplate:
        spec:
          template:
            metadata:
              labels:
                app: report
                track: ${track}
            spec:
              restartPolicy: OnFailure
              containers:
                - name: report
                  image: ${image}
  `;

  it('a CronJob follows its job template; its template labels and its own schedule stay', () => {
    const canary = cronjob('report-canary', 'canary', 'report:1', '*/30 * * * *');
    const production = cronjob('report', 'stable', 'report:1', '0 * * * *');
    const candidate = cronjob('report', 'release', 'report:2', '0 * * * *');
    assert.equal(derive({ canaryText: canary, productionFrom: production, candidateFrom: candidate }).text, edit(canary, 'report:1', 'report:2'));
  });

  it('an Argo Rollout is a workload; a Rollout of another API is not', () => {
    const rollout = (api: string, name: string, image: string) =>
      `apiVersion: ${api}\nkind: Rollout\nmetadata:\n  name: ${name}\nspec:\n  replicas: 5\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`;
    const argo = { productionFrom: rollout('argoproj.io/v1alpha1', 'web', 'web:1'), candidateFrom: rollout('argoproj.io/v1alpha1', 'web', 'web:2') };
    assert.equal(derive({ ...argo, canaryText: rollout('argoproj.io/v1alpha1', 'web-canary', 'web:1') }).text, rollout('argoproj.io/v1alpha1', 'web-canary', 'web:2'));
    assert.throws(() => derive({ ...argo, canaryText: rollout('example.com/v1', 'web-canary', 'web:1') }), { code: 'MANIFEST', message: /holds no document that can follow/ });
  });

  it('a Pod follows its spec and keeps its labels', () => {
    const pod = (name: string, track: string, image: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  labels:\n    track: ${track}\nspec:\n  containers:\n    - name: web\n      image: ${image}\n`;
    const out = derive({ canaryText: pod('web-canary', 'canary', 'web:1'), productionFrom: pod('web', 'stable', 'web:1'), candidateFrom: pod('web', 'stable', 'web:2') });
    assert.equal(out.text, pod('web-canary', 'canary', 'web:2'));
  });
});

describe('deriveCanary: Helm values', () => {
  const values = yaml`
    # Values for the checkout chart.
    replicaCount: 6
    image:
      repository: ghcr.io/acme/checkout
      tag: "1.4.0"
      pullPolicy: IfNotPresent
    env:
      - name: LOG_LEVEL
        value: info
    ingress:
      enabled: true
      host: checkout.example.com
    resources:
      requests:
        cpu: 250m
  `;
  const canaryValues = yaml`
    # Canary values: its own replica count, env entry and host.
    replicaCount: 1
    image:
      repository: ghcr.io/acme/checkout
      tag: "1.4.0"
      pullPolicy: IfNotPresent
    env:
      - name: TRACK
        value: canary
      - name: LOG_LEVEL
        value: info
    ingress:
      enabled: true
      host: canary.checkout.example.com
    podAnnotations:
      sidecar.istio.io/inject: "true"
  `;
  const helm = { canaryPath: 'charts/checkout/values-canary.yaml', canaryText: canaryValues, fromPath: 'charts/checkout/values.yaml', productionFrom: values };

  it('carries the candidate’s changes, keeps replicaCount, canary.keep paths and the canary’s own keys', () => {
    const candidate = edits(
      values,
      ['tag: "1.4.0"', 'tag: "1.5.0"'],
      ['replicaCount: 6', 'replicaCount: 8'],
      ['    value: info\n', '    value: info\n  - name: CACHE_TTL\n    value: "30s"\n'],
      ['  host: checkout.example.com', '  host: shop.example.com'],
      ['    cpu: 250m', '    cpu: 500m'],
    );
    const out = derive({ ...helm, candidateFrom: candidate, keep: ['/ingress/host'] });
    assert.equal(
      out.text,
      edits(canaryValues, ['tag: "1.4.0"', 'tag: "1.5.0"'], ['    value: info\n', '    value: info\n  - name: CACHE_TTL\n    value: 30s\n']) +
        'resources:\n  requests:\n    cpu: 500m\n',
    );
    assert.deepEqual(out.pairs, [{ canary: 'values', release: 'values', canaryIndex: 0, releaseIndex: 0 }]);
    // Where both branches agree the canary keeps its own values (host, no resources); nothing changes.
    assert.equal(derive({ ...helm, candidateFrom: values }).text, canaryValues);
  });

  it('refuses canary values when the release file has no values document', () => {
    assert.throws(() => derive({ ...helm, candidateFrom: RELEASE, productionFrom: RELEASE }), {
      code: 'MANIFEST',
      message: 'no values document (without kind) in charts/checkout/values.yaml for the canary values in charts/checkout/values-canary.yaml',
    });
  });
});

describe('deriveCanary: Kustomize', () => {
  const kustomization = (tag: string, migrateTag = '1.4.0') => yaml`
    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    namespace: shop
    resources:
      - deployment.yaml
      - service.yaml
    images:
      - name: registry.example.com/checkout
        newTag: ${tag}
      - name: registry.example.com/checkout-migrate
        newTag: ${migrateTag}
  `;

  it('a canary overlay gets the candidate’s images entries by name and keeps its own; nothing else changes', () => {
    const overlay = yaml`
      # Canary overlay: the base plus the canary's patches.
      apiVersion: kustomize.config.k8s.io/v1beta1
      kind: Kustomization
      resources:
        - ../../base
      nameSuffix: -canary
      images:
        - name: fluent/fluent-bit
          newTag: 3.0.4
        - name: registry.example.com/checkout
          newTag: 1.4.0
    `;
    const candidate = edit(kustomization('1.5.0'), '  - service.yaml\n', '  - service.yaml\n  - pdb.yaml\n');
    const out = derive({ canaryPath: 'overlays/canary/kustomization.yaml', canaryText: overlay, fromPath: 'base/kustomization.yaml', productionFrom: kustomization('1.4.0'), candidateFrom: candidate });
    assert.equal(
      out.text,
      edit(overlay, '    newTag: 1.4.0\n', '    newTag: 1.5.0\n') + '  - name: registry.example.com/checkout-migrate\n    newTag: 1.4.0\n',
    );
    assert.deepEqual(out.pairs, [{ canary: 'Kustomization', release: 'Kustomization', canaryIndex: 0, releaseIndex: 0 }]);
  });

  it('a Deployment canary gets each changed entry on the containers whose image repository matches', () => {
    const candidate = kustomization('1.5.0', '1.5.0');
    const out = derive({ fromPath: 'apps/checkout/kustomization.yaml', productionFrom: kustomization('1.4.0'), candidateFrom: candidate });
    assert.equal(out.text, edits(CANARY, IMAGE, ['checkout-migrate:1.4.0', 'checkout-migrate:1.5.0']));
    assert.deepEqual(out.pairs, [{ canary: 'Deployment/checkout-canary', release: 'Kustomization', canaryIndex: 1, releaseIndex: 0 }]);
  });

  it('understands newName and digest, and a kustomization without kind', () => {
    const loose = (entry: string) => `resources:\n  - deployment.yaml\nimages:\n${entry}`;
    const production = loose('  - name: registry.example.com/checkout\n    newTag: 1.4.0\n');
    const candidate = loose('  - name: registry.example.com/checkout\n    newName: mirror.example.com/checkout\n    digest: sha256:0123abcd\n');
    const out = derive({ fromPath: 'apps/checkout/kustomization.yaml', productionFrom: production, candidateFrom: candidate });
    assert.equal(out.text, edit(CANARY, 'registry.example.com/checkout:1.4.0   #', 'mirror.example.com/checkout@sha256:0123abcd   #'));
    // The next change finds the container by production's newName.
    const next = loose('  - name: registry.example.com/checkout\n    newName: mirror.example.com/checkout\n    newTag: 1.6.0\n');
    assert.equal(
      derive({ canaryText: out.text, fromPath: 'k.yaml', productionFrom: candidate, candidateFrom: next }).text,
      edit(CANARY, 'registry.example.com/checkout:1.4.0   #', 'mirror.example.com/checkout:1.6.0   #'),
    );
  });

  it('refuses, naming the container image, when two entries claim the same container', () => {
    const production = 'resources: [deployment.yaml]\nimages:\n  - name: registry.example.com/checkout\n    newTag: 1.4.0\n';
    const candidate = `${production}  - name: mirror.example.com/checkout\n    newTag: 9.9.9\n`.replace(
      '    newTag: 1.4.0\n',
      '    newName: mirror.example.com/checkout\n    newTag: 1.5.0\n',
    );
    assert.throws(
      () => derive({ fromPath: 'k.yaml', productionFrom: production, candidateFrom: candidate }),
      (e: Error & { code?: string; where?: object; data?: Record<string, unknown> }) => {
        assert.equal(e.code, 'CANARY_INVARIANT');
        assert.equal(
          e.message,
          'canary Deployment/checkout-canary does not run the candidate at /spec/template/spec/containers/app/image: expected "mirror.example.com/checkout:9.9.9", found "mirror.example.com/checkout:1.5.0"',
        );
        assert.deepEqual(e.where, { file: 'apps/checkout/canary.yaml', line: 61 });
        assert.equal(e.data!.pointer, '/spec/template/spec/containers/app/image');
        return true;
      },
    );
  });
});

describe('deriveCanary: anchors, CRLF', () => {
  it('reads values the canary takes through aliases resolved; refuses an edit through an alias, with its line', () => {
    // The init container and the app share one resources block.
    const block = '          resources:\n            requests:\n              cpu: 250m\n              memory: 256Mi\n            limits:\n              memory: 512Mi\n';
    const anchored = edits(
      CANARY,
      [block, '          resources: *resources\n'],
      ['          args: ["--wait", "--timeout=60s"]\n', `          args: ["--wait", "--timeout=60s"]\n${block.replace('resources:', 'resources: &resources')}`],
    );
    // An image change does not touch the shared block, and the app's aliased resources equal the release's.
    assert.equal(derive({ canaryText: anchored, candidateFrom: edit(RELEASE, ...IMAGE) }).text, edit(anchored, ...IMAGE));
    assert.throws(() => derive({ canaryText: anchored, candidateFrom: edit(RELEASE, '              memory: 512Mi', '              memory: 1Gi') }), {
      code: 'MANIFEST',
      message: /the path goes through the alias \*resources/,
      where: { file: 'apps/checkout/canary.yaml', line: 86 },
    });
  });

  it('reads anchors and aliases in the release documents as values', () => {
    const anchoredRelease = (tag: string) =>
      edits(
        RELEASE,
        ['          image: registry.example.com/checkout-migrate:1.4.0\n', `          image: &image registry.example.com/checkout:${tag}\n`],
        ['registry.example.com/checkout:1.4.0   # renovate: datasource=docker', '*image'],
      );
    const out = derive({ productionFrom: anchoredRelease('1.4.0'), candidateFrom: anchoredRelease('1.5.0') });
    assert.equal(out.text, edits(CANARY, ['checkout-migrate:1.4.0', 'checkout:1.5.0'], ['checkout:1.4.0   #', 'checkout:1.5.0   #']));
  });

  it('round-trips CRLF files: only the changed lines differ, every line break stays CRLF', () => {
    const crlf = (s: string) => s.replace(/\n/g, '\r\n');
    const candidate = edits(RELEASE, IMAGE, ['            - name: PAYMENTS_URL\n', '            - name: REGION\n              value: eu-west-1\n            - name: PAYMENTS_URL\n']);
    const out = derive({ canaryText: crlf(CANARY), productionFrom: crlf(RELEASE), candidateFrom: crlf(candidate) });
    assert.equal(
      out.text,
      crlf(edits(CANARY, IMAGE, ['            - name: PAYMENTS_URL\n', '            - name: REGION\n              value: eu-west-1\n            - name: PAYMENTS_URL\n'])),
    );
  });
});

describe('canaryViolation', () => {
  const candidate = edit(RELEASE, ...IMAGE);
  const check = (derivedText: string, o: Partial<DeriveInput> = {}) => canaryViolation({ ...base, candidateFrom: candidate, ...o, derivedText });

  it('names the container by merge key when the new image went onto the wrong container (the old positional patch)', () => {
    const positional = edit(CANARY, 'fluent/fluent-bit:3.0.4', 'registry.example.com/checkout:1.5.0');
    assert.deepEqual(check(positional), {
      canary: 'Deployment/checkout-canary',
      pointer: '/spec/template/spec/containers/app/image',
      expected: 'registry.example.com/checkout:1.5.0',
      actual: 'registry.example.com/checkout:1.4.0',
      line: 61,
    });
  });

  it('reports a missing container, an item the candidate removed, a change outside the template not carried', () => {
    const noApp = derive({ candidateFrom: candidate }).text.replace('        - name: app\n', '        - name: web\n');
    assert.equal(check(noApp)?.pointer, '/spec/template/spec/containers/app');
    assert.equal(check(noApp)?.actual, undefined);
    const removed = edit(RELEASE, '            - name: PAYMENTS_URL\n              value: http://payments.shop.svc:8080\n', '');
    assert.deepEqual(
      { ...check(CANARY, { candidateFrom: removed }), line: 0 },
      { canary: 'Deployment/checkout-canary', pointer: '/spec/template/spec/containers/app/env/PAYMENTS_URL', expected: undefined, actual: { name: 'PAYMENTS_URL', value: 'http://payments.shop.svc:8080' }, line: 0 },
    );
    const strategy = edit(RELEASE, 'maxSurge: 25%', 'maxSurge: 1');
    assert.equal(check(CANARY, { candidateFrom: strategy })?.pointer, '/spec/strategy/rollingUpdate/maxSurge');
    assert.equal(check(derive({ candidateFrom: strategy }).text, { candidateFrom: strategy }), undefined);
  });

  it('ignores kept paths and the canary’s own items', () => {
    const scaled = edit(RELEASE, 'replicas: 6', 'replicas: 8');
    assert.equal(check(CANARY, { candidateFrom: scaled }), undefined);
    assert.equal(check(edit(CANARY, 'memory: 512Mi', 'memory: 2Gi'), { candidateFrom: RELEASE, keep: ['/spec/template/spec/containers/app/resources/limits'] }), undefined);
    assert.equal(check(edit(CANARY, 'memory: 512Mi', 'memory: 2Gi'), { candidateFrom: RELEASE })?.pointer, '/spec/template/spec/containers/app/resources/limits/memory');
  });
});

describe('merge keys', () => {
  it('keys items by the table; a port by containerPort, with a non-TCP protocol', () => {
    assert.equal(itemKey(MERGE_KEYS.ports, { containerPort: 8080 }), '8080');
    assert.equal(itemKey(MERGE_KEYS.ports, { containerPort: 8080, protocol: 'TCP' }), '8080');
    assert.equal(itemKey(MERGE_KEYS.ports, { containerPort: 53, protocol: 'UDP' }), '53/UDP');
    assert.equal(itemKey(MERGE_KEYS.volumeMounts, { name: 'logs', mountPath: '/var/log' }), '/var/log');
    assert.equal(itemKey(MERGE_KEYS.env, { value: 'x' }), undefined);
  });

  it('treats a list as atomic when its field has no key, an item lacks its key, or a key repeats', () => {
    assert.deepEqual(listKeys('env', [{ name: 'A' }], [{ name: 'B' }, { name: 'A' }]), [['A'], ['B', 'A']]);
    assert.equal(listKeys('args', ['--x']), undefined);
    assert.equal(listKeys('tolerations', [{ key: 'a' }]), undefined);
    assert.equal(listKeys('env', [{ name: 'A' }, { value: '1' }]), undefined);
    assert.equal(listKeys('containers', [{ name: 'a' }, { name: 'a' }]), undefined);
  });

  it('diffs at the deepest place: one replace for an image, one add at the index for an env entry', () => {
    const c = { containers: [{ name: 'sidecar', image: 's:1' }, { name: 'app', image: 'a:1', env: [{ name: 'TRACK', value: 'canary' }, { name: 'B', value: '2' }] }] };
    const d = { containers: [{ name: 'sidecar', image: 's:1' }, { name: 'app', image: 'a:2', env: [{ name: 'TRACK', value: 'canary' }, { name: 'A', value: '1' }, { name: 'B', value: '2' }] }] };
    assert.deepEqual(diffOps(c, d), [
      { op: 'replace', path: '/containers/1/image', value: 'a:2' },
      { op: 'add', path: '/containers/1/env/1', value: { name: 'A', value: '1' } },
    ]);
    // Sequential indexes: removals from the end first, then additions at their final index.
    assert.deepEqual(diffOps({ env: [{ name: 'A' }, { name: 'B' }, { name: 'C' }] }, { env: [{ name: 'X' }, { name: 'B' }] }), [
      { op: 'remove', path: '/env/2' },
      { op: 'remove', path: '/env/0' },
      { op: 'add', path: '/env/0', value: { name: 'X' } },
    ]);
    // Survivors in another order: the list is replaced whole.
    assert.deepEqual(diffOps({ env: [{ name: 'A' }, { name: 'B' }] }, { env: [{ name: 'B' }, { name: 'A' }] }), [
      { op: 'replace', path: '/env', value: [{ name: 'B' }, { name: 'A' }] },
    ]);
  });

  it('orders merged items: the canary’s keep their order, a new one goes after its predecessor in the candidate', () => {
    const names = (xs: string[]) => xs.map((name) => ({ name }));
    const merge = (c: string[], n: string[]) =>
      (mergeKeyed(names(c), [], names(n), [c, [], n], (ci, _p, ni) => ni ?? ci) as { name: string }[]).map((x) => x.name);
    assert.deepEqual(merge(['own', 'app'], ['app', 'new']), ['own', 'app', 'new']);
    assert.deepEqual(merge(['own', 'app'], ['first', 'app']), ['first', 'own', 'app']);
    assert.deepEqual(merge(['app', 'own'], ['app', 'x', 'y']), ['app', 'x', 'y', 'own']);
  });
});
